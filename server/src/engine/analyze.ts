// Finds every event in a log and parses its parts: one pass over the lines, a report builder open while
// a report runs. A report starts at a catalogue header and ends at an end marker, at the next header
// that does not continue it, or when its lines stop looking like a report.

import { matchHeader, mayBeHeaderAt, type CatalogueEntry, type HeaderMatch } from './catalogue';
import { parseContextMarker, parseFrame, type ParsedFrame } from './log/frames';
import type { Analysis, Arch, Frame, FrameContext, KernelEvent, ModuleRef, Trace } from './model';
import {
  linesWithControl,
  normalizeInto,
  normalizeLine,
  splitLines,
  toColumn,
  type NormalizedLine,
} from './log/normalize';
import * as P from './log/parts';
import { titleEvent, type ReportLine } from './title';

export interface AnalyzeOptions {
  /** Polled every few thousand lines; when it returns true the analysis stops and returns what it has. */
  isCancelled?: () => boolean;
}

/** Lines longer than this are analysed by their head only: nothing the kernel prints is longer. */
const MAX_ANALYSED_LINE = 8192;
const clip = (raw: string) => (raw.length > MAX_ANALYSED_LINE ? raw.slice(0, MAX_ANALYSED_LINE) : raw);

export function analyzeText(text: string, options: AnalyzeOptions = {}): Analysis {
  const lines = splitLines(text);
  // One scan of the whole text finds the few lines with escapes, sparing a million per-line scans.
  return analyzeLines(lines, options, linesWithControl(text, lines));
}

/** `withControl`: which lines hold escapes (from linesWithControl); undefined means check every line. */
export function analyzeLines(
  lines: readonly string[],
  options: AnalyzeOptions = {},
  withControl?: Uint8Array | null,
): Analysis {
  const built: ReportBuilder[] = [];
  // Where each line's message starts, and its printk caller: titles read the lines after a header, in
  // the header's own context, as syzkaller does. Messages are sliced only when needed; the few lines
  // that lost escapes keep their cleaned message.
  const starts = new Int32Array(lines.length);
  const cleaned = new Map<number, string>();
  const callers: (string | null)[] = new Array(lines.length);
  const messageAt = (l: number): string => cleaned.get(l) ?? clip(lines[l]).slice(starts[l]);
  // With CONFIG_PRINTK_CALLER (`[T123]`/`[C1]`) reports of several tasks interleave: one builder per caller.
  const open = new Map<string, ReportBuilder>();
  let latest: ReportBuilder | null = null;
  const scratch: NormalizedLine = {
    message: '',
    start: 0,
    time: null,
    caller: null,
    level: null,
    runs: null,
  };
  const finish = (b: ReportBuilder) => {
    built.push(b);
    if (open.get(b.caller) === b) open.delete(b.caller);
    if (latest === b) latest = null;
  };

  for (let i = 0; i < lines.length; i++) {
    if ((i & 0xfff) === 0 && i > 0 && options.isCancelled?.()) break;
    const raw = clip(lines[i]);
    // One scratch object for every line: builders read it during the call and never keep it.
    const nl = normalizeInto(
      raw,
      scratch,
      withControl === undefined || (withControl !== null && withControl[i] === 1),
      false,
    );
    if (nl.runs) cleaned.set(i, nl.message);
    starts[i] = nl.start;
    callers[i] = nl.caller;
    const key = nl.caller ?? '';
    const current: ReportBuilder | null = nl.caller ? (open.get(key) ?? null) : latest;
    const candidate = nl.runs !== null || mayBeHeaderAt(raw, nl.start);
    if (!candidate && !current) continue;
    if (!nl.runs) nl.message = raw.slice(nl.start);
    const header = candidate ? matchHeader(nl.message) : null;
    if (header) {
      if (current && current.absorbs(header, i)) {
        current.addLine(i, nl, header);
        continue;
      }
      if (current) finish(current);
      const b: ReportBuilder = new ReportBuilder(i, nl, header);
      open.set(key, b);
      latest = b;
      continue;
    }
    if (current && !current.addLine(i, nl, null)) finish(current);
  }
  for (const b of open.values()) built.push(b);
  built.sort((a, b) => a.line - b.line);
  const events = built.map((b) => b.finish());
  for (let k = 0; k < events.length; k++) {
    const caller = built[k].caller;
    // With caller ids a task's report runs on through whatever else it prints (an oops inside a lockdep
    // report, as syzkaller reads it); without them the next report ends it, unless it is one that comes
    // inside another.
    let next = k + 1;
    if (caller !== '') next = events.length;
    while (
      next < events.length &&
      (built[next].header.entry.seeThrough === true || built[next].caller !== caller)
    )
      next++;
    // Stacks can trail a report a little (a panic_on_warn panic, a lost end marker), not by hundreds of lines.
    // A report's own lines are always read, however long its stack (deep recursion prints hundreds of frames).
    const reach = Math.max(
      Math.min(events[k].line + TITLE_WINDOW, events[k].endLine + TITLE_SLACK),
      events[k].endLine + 1,
    );
    const end = Math.min(next < events.length ? events[next].line : lines.length, reach);
    const window: ReportLine[] = [];
    for (let l = events[k].line; l < end; l++) {
      if (caller === '') {
        // Without caller ids nothing tells two tasks' output apart: a second stack-printing message ends the window.
        const message = messageAt(l);
        if (l > events[k].line && OTHER_STACK_MESSAGES.some((m) => message.includes(m))) break;
        window.push({ line: l, message });
      } else if (callers[l] === null || callers[l] === caller)
        window.push({ line: l, message: messageAt(l) });
    }
    applyTitle(events[k], built[k].header, window, (line, fn) => frameInLine(lines[line], fn));
  }
  markConsequences(events);
  return { lineCount: lines.length, events };
}

/** Every warning or error after the first crash is likely its consequence (the kernel state is suspect). */
function markConsequences(events: KernelEvent[]): void {
  let firstCrash = -1;
  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    if (e.severity === 'information') continue;
    if (firstCrash >= 0) e.consequenceOf = firstCrash;
    else if (e.severity === 'error' || (e.oopsNumber ?? 0) > 1) firstCrash = i;
  }
}

/** Messages that are no bug themselves but print a stack of their own (mm/vmalloc.c, lib/fault-inject.c,
 *  mm/filemap.c): in a log without caller ids their frames would be read as the report's (syzkaller's
 *  infoMessagesWithStack). */
const OTHER_STACK_MESSAGES = [
  'vmalloc: allocation failure:',
  'FAULT_INJECTION: forcing a failure',
  'FAULT_FLAG_ALLOW_RETRY missing',
];

/** How far past its header a title may look for the guilty frame. */
const TITLE_WINDOW = 200;
/** How far past a report's last line its title may still look. */
const TITLE_SLACK = 100;

/** A frame read from the middle of a line (`WARNING: … at file:line func+0x1/0x2 [mod]`, `BUG: KASAN: … in func+0x…`). */
function frameInLine(raw: string, fn: string): Frame | null {
  const nl = normalizeLine(clip(raw));
  const at = nl.message.search(new RegExp(`(?<![\\w.])${fn.replace(/[.$]/g, '\\$&')}[.+]`));
  if (at < 0) return null;
  const f = parseFrame(nl.message.slice(at));
  if (!f || !f.function) return null;
  return toFrame(f, nl, at, -1, null);
}

/** The model's Frame for a frame parsed at `base` in a line's message, with original-text columns. */
function toFrame(
  p: ParsedFrame,
  nl: NormalizedLine,
  base: number,
  line: number,
  context: FrameContext,
): Frame {
  // Spelled out, not `{...rest}`: tens of thousands of frames in a big log, and object rest/spread is slow.
  return {
    function: p.function,
    offset: p.offset,
    size: p.size,
    module: p.module,
    buildId: p.buildId,
    address: p.address,
    reliable: p.reliable,
    context,
    span: { line, start: toColumn(nl, base + p.start), end: toColumn(nl, base + p.end) },
  };
}

function applyTitle(
  e: KernelEvent,
  header: HeaderMatch,
  lines: ReportLine[],
  frameAt: (line: number, fn: string) => Frame | null,
): void {
  const victim = e.kind === header.entry.onVictim?.kind ? (e.oom?.victimComm ?? null) : null;
  const { title, guilty } = titleEvent({ entry: header.entry, match: header.match, lines, victim });
  e.title = title;
  if (guilty) {
    const frames = [...(e.ip ? [e.ip] : []), ...e.traces.flatMap((t) => t.frames)];
    e.guiltyFrame =
      frames.find(
        (f) => f.span.line === guilty.line && f.function !== null && f.function.startsWith(guilty.function),
      ) ?? withLine(frameAt(guilty.line, guilty.function), guilty.line);
  }
}

// kernel/panic.c __warn(): `WARNING: CPU: 0 PID: 1 at kernel/foo.c:12 func+0x1b/0x29 [mod]`, or `at func+…`
// without a file. The symbol is the last token of the header.
const HEADER_AT =
  / at (?:\S+:\d+ )?(?=[A-Za-z_.$][\w.$]*\+0x[0-9a-f]+\/0x[0-9a-f]+(?: \[[\w-]+(?: [0-9a-f]+)?\])?\s*$)/;

/** The `at sym+off/size [mod]` of a header line, as a frame on that line (see KernelEvent.location). */
function headerLocation(
  nl: NormalizedLine,
  msg: string,
  lead: number,
  line: number,
): (Frame & { line: number }) | null {
  const m = HEADER_AT.exec(msg);
  if (!m) return null;
  const at = m.index + m[0].length;
  const frame = parseFrame(msg.slice(at));
  return frame && frame.function !== null
    ? { ...toFrame(frame, nl, lead + at, line, null), reliable: true, line }
    : null;
}

function withLine(f: Frame | null, line: number): Frame | null {
  return f && { ...f, span: { ...f.span, line } };
}

/** How many unrecognised lines a report tolerates before it is considered over. */
const DEFAULT_GAP = 2;
/** Reports whose body is long free text (the catalogue's `longBody`: KASAN, lockdep, OOM, RCU stalls) tolerate more. */
const LONG_GAP = 60;
/** How far below its opener a continuation line (`Oops:` after `BUG:`) may come. */
const CONTINUATION_WINDOW = 16;

class ReportBuilder {
  private readonly event: KernelEvent;
  readonly header: HeaderMatch;
  readonly line: number;
  /** printk caller id of the header (`T123`), '' when the log has none. */
  readonly caller: string;
  /** Lines fed to this report since its last recognised part. */
  private sinceLastPart = 0;
  private lastPart: number;
  private ended = false;
  private inTrailer = false;
  private trace: Trace | null = null;
  private pendingLabel: { label: string; line: number } | null = null;
  private context: FrameContext = null;
  private lastRegisterLine = -1;
  private readonly maxGap: number;
  /** The entries of the headers this report is made of (opener plus absorbed continuations). */
  private readonly entries: CatalogueEntry[] = [];
  /** The opener's `longBody` trait. */
  private readonly longBody: boolean;

  constructor(line: number, nl: NormalizedLine, header: HeaderMatch) {
    this.header = header;
    this.line = line;
    this.caller = nl.caller ?? '';
    this.entries.push(header.entry);
    this.longBody = header.entry.longBody === true;
    this.lastPart = line;
    const msg = nl.message.trimStart();
    const lead = header.offset;
    this.maxGap = this.longBody ? LONG_GAP : DEFAULT_GAP;
    this.event = {
      kind: header.entry.kind,
      title: '',
      severity: header.entry.severity,
      line,
      endLine: line,
      headerSpan: { line, start: toColumn(nl, lead), end: toColumn(nl, lead + header.match[0].length) },
      arch: 'unknown',
      cpu: null,
      pid: null,
      comm: null,
      tainted: null,
      release: null,
      build: null,
      hardware: null,
      cpuLine: null,
      faultAddress: null,
      faultLine: null,
      errorCode: null,
      oopsNumber: null,
      pageFault: null,
      ip: null,
      location: null,
      registers: [],
      registerLines: null,
      codeLine: null,
      traces: [],
      modules: null,
      oom: null,
      guiltyFrame: null,
      consequenceOf: null,
    };
    this.event.location = headerLocation(nl, msg, lead, line);
    this.parseFacts(line, msg);
    if (header.entry.severity === 'information') this.parseUserFault(msg);
  }

  private parseUserFault(msg: string): void {
    const m = P.USER_FAULT.exec(msg);
    if (!m) return;
    this.event.comm = m[1];
    this.event.pid = Number(m[2]);
    if (m[3]) {
      this.event.faultAddress = m[3];
      this.event.faultLine = this.line;
    }
  }

  /** Does this header continue the open report rather than start a new one? */
  absorbs(header: HeaderMatch, line: number): boolean {
    const { continues, continuesOops } = header.entry;
    if ((!continues && !continuesOops) || this.ended) return false;
    const within = header.entry.continueWithin ?? CONTINUATION_WINDOW;
    return (
      this.entries.some(
        (e) => (continuesOops === true && e.opensOops === true) || continues?.includes(e.kind) === true,
      ) &&
      line - this.event.line <= within &&
      (this.event.oopsNumber === null || within > CONTINUATION_WINDOW)
    );
  }

  /** Feeds one more line; returns false when the line does not belong to the report (it is then over). */
  addLine(line: number, nl: NormalizedLine, header: HeaderMatch | null): boolean {
    const msg = nl.message;
    const trimmed = msg.trimStart();
    if (header) {
      // A continuation header (`Oops: 0000 [#1]` after `BUG: …`): it refines the event.
      this.entries.push(header.entry);
      this.parseFacts(line, trimmed);
      this.accept(line);
      return true;
    }
    if (this.ended) {
      // After `---[ end trace … ]---` x86 prints the RIP/Code/register trailer again; keep it, then stop.
      if (P.REGISTER_LINE.test(trimmed) || P.CODE_LINE.test(trimmed) || P.IP_LINES[0].re.test(trimmed)) {
        this.inTrailer = true;
        this.event.endLine = line;
        return true;
      }
      return false;
    }
    if (this.recognise(line, nl, trimmed)) {
      this.accept(line);
      return true;
    }
    if (trimmed.length === 0 || ++this.sinceLastPart <= this.maxGap) {
      return true;
    }
    return false;
  }

  private accept(line: number): void {
    this.lastPart = line;
    this.sinceLastPart = 0;
    this.event.endLine = line;
  }

  /** Parses a line into the model; true if it is a known part of a report. */
  private recognise(line: number, nl: NormalizedLine, msg: string): boolean {
    const e = this.event;
    if (P.END_TRACE.test(msg)) {
      this.ended = true;
      this.closeTrace();
      return true;
    }
    if (P.SEPARATOR.test(msg)) {
      // KASAN/KFENCE/UBSAN reports close with a second `=====` rule.
      if (this.longBody && line > e.line) this.ended = true;
      return true;
    }
    const marker = parseContextMarker(msg);
    if (marker) {
      this.context = marker.open ? marker.context : null;
      if (!this.trace) {
        this.openTrace(this.pendingLabel?.label ?? 'Call Trace', this.pendingLabel?.line ?? line);
        this.pendingLabel = null;
      }
      return true;
    }
    const lead = nl.message.length - msg.length;
    const frame = parseFrame(nl.message);
    if (frame) {
      if (!this.trace)
        this.openTrace(this.pendingLabel?.label ?? 'Call Trace', this.pendingLabel?.line ?? line);
      this.pendingLabel = null;
      const f = toFrame(frame, nl, 0, line, this.context);
      this.trace!.frames.push(f);
      this.trace!.endLine = line;
      return true;
    }
    const label = P.TRACE_LABEL.exec(msg);
    if (label) {
      this.closeTrace();
      this.pendingLabel = { label: label[1], line };
      this.context = null;
      return true;
    }
    if (this.parseFacts(line, msg, nl, lead)) return true;
    return P.REPORT_BODY.test(msg) || (this.longBody && this.trace !== null && msg.startsWith(' '));
  }

  private openTrace(label: string, line: number): void {
    this.trace = { label, line, endLine: line, frames: [] };
    this.event.traces.push(this.trace);
  }

  private closeTrace(): void {
    this.trace = null;
  }

  /** Facts that can sit on any line of a report, the header included. */
  private parseFacts(line: number, msg: string, nl?: NormalizedLine, lead = 0): boolean {
    const e = this.event;
    let m: RegExpExecArray | null;
    if (e.faultAddress === null) {
      for (const re of P.FAULT_ADDRESS) {
        if ((m = re.exec(msg))) {
          e.faultAddress = m[1];
          e.faultLine = line;
          break;
        }
      }
    }
    if (e.oopsNumber === null && (m = P.OOPS_NUMBER.exec(msg))) {
      e.errorCode = m[1] ?? null;
      e.oopsNumber = Number(m[2]);
    }
    if (e.kind === 'oom-invoked' || e.kind === 'oom-kill') this.parseOom(line, msg);
    if (!nl) return false;

    if (msg.startsWith('#PF: ')) {
      e.pageFault ??= { line, access: null, errorCode: null, reason: null };
      if ((m = P.PF_ACCESS.exec(msg))) e.pageFault.access = m[1];
      else if ((m = P.PF_ERROR.exec(msg))) {
        e.pageFault.errorCode = m[1];
        e.pageFault.reason = m[2];
      }
      return true;
    }

    if ((m = P.CPU_LINE.exec(msg) ?? P.OLD_PID_LINE.exec(msg))) {
      const g = m.groups!;
      if (e.cpuLine === null) {
        e.cpu = g.cpu === undefined ? null : Number(g.cpu);
        e.pid = Number(g.pid);
        e.comm = g.comm;
        e.tainted = g.tainted ?? '';
        e.release = g.release;
        e.build = g.build ?? null;
        e.cpuLine = line;
      }
      return true;
    }
    if ((m = P.HARDWARE_LINE.exec(msg))) {
      e.hardware ??= m[1];
      return true;
    }
    for (const ip of P.IP_LINES) {
      if ((m = ip.re.exec(msg))) {
        if (e.arch === 'unknown') e.arch = ip.arch;
        // `RIP: 0033:` / `0023:` is the user-space context saved at syscall entry, not the kernel's IP.
        const userMode = ip.arch === 'x86_64' && /^RIP: 00[23][3b]:/.test(msg);
        if (e.ip === null && !userMode) {
          const rest = msg.slice(m[0].length);
          const frame = parseFrame(rest);
          if (frame) {
            // The instruction pointer is where the CPU was: proven, whatever its line looked like.
            e.ip = { ...toFrame(frame, nl, lead + m[0].length, line, null), reliable: true, line };
          }
        }
        if (ip.arch === 'x86_64' || ip.arch === 'i386') this.parseRegisters(line, nl, msg, lead);
        return true;
      }
    }
    if (P.CODE_LINE.test(msg)) {
      e.codeLine ??= line;
      return true;
    }
    if (P.REGISTER_LINE.test(msg)) {
      if ((m = P.CR2_LINE.exec(msg)) && e.faultAddress === null) {
        e.faultAddress = m[1];
        e.faultLine = line;
      }
      // x86 prints the register dump twice (in the report and after `end trace`): keep the first.
      if (this.lastRegisterLine < 0 || line - this.lastRegisterLine <= 2)
        this.parseRegisters(line, nl, msg, lead);
      if (e.arch === 'unknown' && /^x\d{1,2} ?: /.test(msg)) e.arch = 'arm64';
      return true;
    }
    const modules = e.modules;
    if (modules && line === modules.endLine + 1 && P.MODULES_CONTINUATION.test(nl.message)) {
      // A long module list wraps onto indented lines on some consoles.
      this.readModules(line, nl, nl.message, 0, modules.list);
      modules.endLine = line;
      return true;
    }
    if ((m = P.MODULES_LINE.exec(msg))) {
      const list: ModuleRef[] = [];
      this.readModules(line, nl, m[1], lead + 'Modules linked in:'.length, list);
      e.modules ??= { line, endLine: line, list };
      return true;
    }
    const far = P.FAR_LINE.exec(msg);
    if (far && e.faultAddress === null) {
      e.faultAddress = far[1] ?? far[2];
      e.faultLine = line;
      return true;
    }
    return (
      this.event.oom !== null &&
      (P.OOM_TABLE_HEADER.test(msg) || P.OOM_TABLE_ROW.test(msg) || P.OOM_KILLED.test(msg))
    );
  }

  private readModules(line: number, nl: NormalizedLine, text: string, base: number, list: ModuleRef[]): void {
    const names = text.replace(P.LAST_UNLOADED, '');
    P.MODULE_TOKEN.lastIndex = 0;
    for (let t = P.MODULE_TOKEN.exec(names); t; t = P.MODULE_TOKEN.exec(names)) {
      list.push({
        name: t[1],
        taint: t[2] ?? '',
        span: { line, start: toColumn(nl, base + t.index), end: toColumn(nl, base + t.index + t[1].length) },
      });
    }
  }

  private parseRegisters(line: number, nl: NormalizedLine, msg: string, lead: number): void {
    const e = this.event;
    if (e.registerLines && line - e.registerLines.endLine > 2) return;
    this.lastRegisterLine = line;
    if (e.registerLines) e.registerLines.endLine = line;
    else e.registerLines = { line, endLine: line };
    P.REGISTER_PAIR.lastIndex = 0;
    // `RIP: 0010:func+0x2c/0x90 [mod]`: the value is the whole right side (selector, symbol, module).
    const ipLine = P.IP_VALUE.exec(msg);
    if (ipLine) {
      const valueStart = ipLine[0].length;
      const rest = msg.slice(valueStart);
      // i386 goes on with more registers on the same line: `EIP: 0060:[<c1234>] EFLAGS: 00010246 CPU: 0`.
      const next = rest.search(/ [A-Z]{2,6}: /);
      const value = (next < 0 ? rest : rest.slice(0, next)).trimEnd();
      e.registers.push({
        name: ipLine[1],
        value,
        span: { line, start: toColumn(nl, lead), end: toColumn(nl, lead + valueStart + value.length) },
      });
      if (next < 0) return;
      P.REGISTER_PAIR.lastIndex = valueStart + next;
    }
    for (let m = P.REGISTER_PAIR.exec(msg); m; m = P.REGISTER_PAIR.exec(msg)) {
      const valueStart = m.index + m[0].length - m[2].length;
      e.registers.push({
        name: m[1],
        value: m[2],
        span: {
          line,
          start: toColumn(nl, lead + m.index),
          end: toColumn(nl, lead + valueStart + m[2].length),
        },
      });
    }
  }

  private parseOom(line: number, msg: string): void {
    const e = this.event;
    e.oom ??= {
      invoker: null,
      gfpMask: null,
      order: null,
      oomScoreAdj: null,
      victimPid: null,
      victimComm: null,
      totalVmKb: null,
      anonRssKb: null,
      fileRssKb: null,
      shmemRssKb: null,
      taskTable: null,
    };
    const oom = e.oom;
    let m: RegExpExecArray | null;
    if ((m = P.OOM_INVOKED.exec(msg))) {
      oom.invoker = msg.slice(0, m.index).trim() || null;
      oom.gfpMask = m[1];
      oom.order = Number(m[2]);
      oom.oomScoreAdj = Number(m[3]);
    } else if ((m = P.OOM_KILLED.exec(msg))) {
      oom.victimPid = Number(m[1]);
      oom.victimComm = m[2];
      oom.totalVmKb = Number(m[3]);
      oom.anonRssKb = Number(m[4]);
      oom.fileRssKb = Number(m[5]);
      oom.shmemRssKb = Number(m[6]);
    } else if (P.OOM_TABLE_HEADER.test(msg)) {
      oom.taskTable = { line, endLine: line };
    } else if (oom.taskTable && P.OOM_TABLE_ROW.test(msg) && line - oom.taskTable.endLine <= 2) {
      oom.taskTable.endLine = line;
    }
  }

  finish(): KernelEvent {
    const e = this.event;
    // Trailing blank/unrecognised lines are not part of the report.
    if (!this.inTrailer) e.endLine = Math.max(e.line, this.lastPart);
    if (e.arch === 'unknown') e.arch = guessArch(e);
    // The report is complete: an OOM report that names its victim is an OOM kill (catalogue `onVictim`).
    const onVictim = this.header.entry.onVictim;
    if (onVictim && e.oom && e.oom.victimComm !== null) e.kind = onVictim.kind;
    return e;
  }
}

function guessArch(e: KernelEvent): Arch {
  const fns = e.traces.flatMap((t) => t.frames.map((f) => f.function ?? ''));
  if (fns.some((f) => f.startsWith('el0') || f.startsWith('el1') || f.startsWith('__arm64_'))) return 'arm64';
  if (
    fns.some((f) => f.startsWith('__x64_sys_') || f.startsWith('entry_SYSCALL_64') || f === 'do_syscall_64')
  )
    return 'x86_64';
  return 'unknown';
}
