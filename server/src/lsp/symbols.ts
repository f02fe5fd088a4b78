// The outline: one symbol per event (named by its title, culprit and line), with its parts as children —
// instruction pointer, register dump (a child per printed line, its registers below), every call trace
// (each frame a child), the module list and the OOM task table. A huge log gets a coarser outline, so
// that Outline, breadcrumbs and sticky scroll (which ask on every open) stay instant: the finest detail
// whose symbol count fits SYMBOL_BUDGET, down to the events alone. Computed once per analysis (version).
import { SymbolKind, type DocumentSymbol, type Range } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { frameText, type Analysis, type KernelEvent, type Register } from '../engine';
import { contains, linesRange, spanRange } from './ranges';

function sym(
  name: string,
  detail: string,
  kind: SymbolKind,
  range: Range,
  selectionRange: Range,
  children?: DocumentSymbol[],
): DocumentSymbol {
  // A selection range outside the range is rejected by VS Code; never let one through.
  const sel = contains(range, selectionRange) ? selectionRange : { start: range.start, end: range.start };
  // Symbol names must not be empty (VS Code throws on them).
  return {
    name: name.trim() || '?',
    detail,
    kind,
    range,
    selectionRange: sel,
    ...(children ? { children } : {}),
  };
}

/** Symbols an outline may hold (~250 bytes of JSON each: ~3 MB). */
export const SYMBOL_BUDGET = 12_000;

/** How much of each event is shown, finest first. */
const enum Detail {
  /** Frames, registers and modules each a symbol. */
  Full,
  /** Register lines, no single registers, frames or modules. */
  Lines,
  /** The event's parts (IP, registers, traces, modules, OOM table) without children. */
  Parts,
  /** The events alone. */
  Events,
}

function symbolCount(ev: KernelEvent, detail: Detail): number {
  if (detail === Detail.Events) return 1;
  const parts =
    (ev.ip ? 1 : 0) +
    (ev.registerLines ? 1 : 0) +
    ev.traces.length +
    (ev.modules ? 1 : 0) +
    (ev.oom?.taskTable ? 1 : 0);
  if (detail === Detail.Parts) return 1 + parts;
  const registerLines = ev.registerLines ? ev.registerLines.endLine - ev.registerLines.line + 1 : 0;
  if (detail === Detail.Lines) return 1 + parts + registerLines;
  return (
    1 +
    parts +
    registerLines +
    ev.registers.length +
    ev.traces.reduce((n, t) => n + t.frames.length, 0) +
    (ev.modules?.list.length ?? 0)
  );
}

function eventSymbol(doc: TextDocument, ev: KernelEvent, detail: Detail): DocumentSymbol {
  if (detail === Detail.Events)
    return sym(
      eventName(ev),
      eventDetail(ev),
      SymbolKind.Event,
      linesRange(doc, ev.line, ev.endLine),
      spanRange(ev.headerSpan),
    );
  const full = detail === Detail.Full;
  const children: DocumentSymbol[] = [];
  if (ev.ip) {
    const r = linesRange(doc, ev.ip.line, ev.ip.line);
    children.push(
      sym(`IP: ${frameText(ev.ip)}`, 'instruction pointer', SymbolKind.Key, r, spanRange(ev.ip.span)),
    );
  }
  if (ev.registerLines) {
    const r = linesRange(doc, ev.registerLines.line, ev.registerLines.endLine);
    children.push(
      sym(
        'Registers',
        `${ev.registers.length} registers`,
        SymbolKind.Struct,
        r,
        linesRange(doc, r.start.line, r.start.line),
        detail === Detail.Parts ? undefined : registerLineSymbols(doc, ev, full),
      ),
    );
  }
  for (const t of ev.traces) {
    const r = linesRange(doc, t.line, t.endLine);
    const frames = !full
      ? undefined
      : t.frames.map((f) =>
          sym(
            f.function ?? (f.address ? `0x${f.address}` : '?'),
            (f.reliable ? '' : '? ') + frameText(f),
            SymbolKind.Function,
            linesRange(doc, f.span.line, f.span.line),
            spanRange(f.span),
          ),
        );
    children.push(
      sym(t.label, `${t.frames.length} frames`, SymbolKind.Array, r, linesRange(doc, t.line, t.line), frames),
    );
  }
  if (ev.modules) {
    const r = linesRange(doc, ev.modules.line, ev.modules.endLine);
    const mods = !full
      ? undefined
      : ev.modules.list.map((m) =>
          sym(m.name, m.taint ? `(${m.taint})` : '', SymbolKind.Module, spanRange(m.span), spanRange(m.span)),
        );
    children.push(
      sym(
        'Modules linked in',
        `${ev.modules.list.length} modules`,
        SymbolKind.Package,
        r,
        linesRange(doc, r.start.line, r.start.line),
        mods,
      ),
    );
  }
  if (ev.oom?.taskTable) {
    const r = linesRange(doc, ev.oom.taskTable.line, ev.oom.taskTable.endLine);
    const rows = Math.max(0, ev.oom.taskTable.endLine - ev.oom.taskTable.line);
    children.push(
      sym(
        'OOM task table',
        `${rows} tasks`,
        SymbolKind.Array,
        r,
        linesRange(doc, r.start.line, r.start.line),
      ),
    );
  }
  const range = linesRange(doc, ev.line, Math.max(ev.endLine, ...children.map((c) => c.range.end.line)));
  return sym(eventName(ev), eventDetail(ev), SymbolKind.Event, range, spanRange(ev.headerSpan), children);
}

function eventDetail(ev: KernelEvent): string {
  return [
    ev.kind,
    ev.comm ? `${ev.comm}${ev.pid !== null ? `[${ev.pid}]` : ''}` : '',
    ev.cpu !== null ? `CPU ${ev.cpu}` : '',
  ]
    .filter(Boolean)
    .join(' · ');
}

/** The title, the culprit frame when the title does not name it, and the line: two reports of one kind
 * (two `BUG: unable to handle page fault`) read differently in the outline. */
function eventName(ev: KernelEvent): string {
  const culprit = ev.guiltyFrame?.function;
  const blame = culprit && !ev.title.includes(culprit) ? ` — ${culprit}` : '';
  return `${ev.title}${blame} · line ${ev.line + 1}`;
}

/** One child per printed line of the dump (`RAX RBX RCX`), each register of it below when `full`. */
function registerLineSymbols(doc: TextDocument, ev: KernelEvent, full: boolean): DocumentSymbol[] {
  const byLine = new Map<number, Register[]>();
  for (const reg of ev.registers) {
    const list = byLine.get(reg.span.line);
    if (list) list.push(reg);
    else byLine.set(reg.span.line, [reg]);
  }
  return [...byLine].map(([line, regs]) =>
    sym(
      regs.map((reg) => reg.name).join(' '),
      regs.map((reg) => reg.value).join(' '),
      SymbolKind.Variable,
      linesRange(doc, line, line),
      { start: spanRange(regs[0].span).start, end: spanRange(regs[regs.length - 1].span).end },
      full
        ? regs.map((reg) =>
            sym(reg.name, reg.value, SymbolKind.Variable, spanRange(reg.span), spanRange(reg.span)),
          )
        : undefined,
    ),
  );
}

/** One outline per analysis: editors ask again on every focus, breadcrumb and sticky-scroll update. */
const outlines = new WeakMap<Analysis, DocumentSymbol[]>();

export function toDocumentSymbols(doc: TextDocument, analysis: Analysis): DocumentSymbol[] {
  let outline = outlines.get(analysis);
  if (!outline) {
    const detail = finestDetail(analysis.events);
    outline = analysis.events.map((ev) => eventSymbol(doc, ev, detail));
    outlines.set(analysis, outline);
  }
  return outline;
}

function finestDetail(events: KernelEvent[]): Detail {
  for (const d of [Detail.Full, Detail.Lines, Detail.Parts]) {
    let n = 0;
    for (const ev of events) if ((n += symbolCount(ev, d)) > SYMBOL_BUDGET) break;
    if (n <= SYMBOL_BUDGET) return d;
  }
  return Detail.Events;
}
