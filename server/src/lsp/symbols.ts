// The outline: one symbol per event, with its parts as children — instruction pointer, register dump
// (each register a child), every call trace (each frame a child), the module list and the OOM task table.
import { SymbolKind, type DocumentSymbol, type Range } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { frameText, type Analysis, type KernelEvent } from '../engine';
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

function eventSymbol(doc: TextDocument, ev: KernelEvent): DocumentSymbol {
  const children: DocumentSymbol[] = [];
  if (ev.ip) {
    const r = linesRange(doc, ev.ip.line, ev.ip.line);
    children.push(
      sym(`IP: ${frameText(ev.ip)}`, 'instruction pointer', SymbolKind.Key, r, spanRange(ev.ip.span)),
    );
  }
  if (ev.registerLines) {
    const r = linesRange(doc, ev.registerLines.line, ev.registerLines.endLine);
    const regs = ev.registers.map((reg) =>
      sym(reg.name, reg.value, SymbolKind.Variable, spanRange(reg.span), spanRange(reg.span)),
    );
    children.push(
      sym(
        'Registers',
        `${ev.registers.length} registers`,
        SymbolKind.Struct,
        r,
        linesRange(doc, r.start.line, r.start.line),
        regs,
      ),
    );
  }
  for (const t of ev.traces) {
    const r = linesRange(doc, t.line, t.endLine);
    const frames = t.frames.map((f) =>
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
    const mods = ev.modules.list.map((m) =>
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
  const detail = [
    ev.kind,
    ev.comm ? `${ev.comm}${ev.pid !== null ? `[${ev.pid}]` : ''}` : '',
    ev.cpu !== null ? `CPU ${ev.cpu}` : '',
  ]
    .filter(Boolean)
    .join(' · ');
  const range = linesRange(doc, ev.line, Math.max(ev.endLine, ...children.map((c) => c.range.end.line)));
  return sym(ev.title, detail, SymbolKind.Event, range, spanRange(ev.headerSpan), children);
}

export function toDocumentSymbols(doc: TextDocument, analysis: Analysis): DocumentSymbol[] {
  return analysis.events.map((ev) => eventSymbol(doc, ev));
}
