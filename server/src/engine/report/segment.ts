// Segmentation: which lines make up each report. A report builder is open while a report runs (one per
// printk caller when the log has caller ids); it reads the report's traces itself and hands every other
// line to the fact readers (facts.ts).

import { matchHeader, mayBeHeaderAt, type CatalogueEntry, type HeaderMatch } from '../catalogue';
import { parseContextMarker, parseFrame } from '../log/frames';
import {
  indexOrEnd,
  LineCursor,
  LineIndex,
  logPieces,
  PiecedLines,
  type LineSource,
  type LogText,
} from '../log/lines';
import { clipLine, MAX_ANALYSED_LINE, normalizeInto, toColumn, type NormalizedLine } from '../log/normalize';
import * as P from '../log/parts';
import type { FrameContext, KernelEvent, LockOwner, Trace } from '../model';
import { guessArch, headerLocation, readBodyFacts, readHeaderFacts, readUserFault, toFrame } from './facts';

/** The reports of a log, in line order, and what the titles need of every line. */
export interface Segmented {
  reports: ReportBuilder[];
  /** The log's lines, found by offset. */
  lines: LineSource;
  /** The prefix-stripped message of a line (kernel indentation kept). */
  messageAt: (line: number) => string;
  /** A line's printk caller id, null where it has none. */
  callerAt: (line: number) => string | null;
  /**
   * The runs of lines before which no report is open, as [start, end) pairs: from such a line on, the
   * reports do not depend on any line before it (incremental.ts restarts there).
   */
  idle: number[];
}

/**
 * One pass over the lines: a report opens at a catalogue header, takes the lines that belong to it and ends
 * at an end marker, at the next header that does not continue it, or when its lines stop looking like a
 * report. Nothing is kept per line: a line is sliced and normalised while the pass is on it, and the titles
 * normalise again the few hundred lines they read of each report.
 */
export function segment(log: LogText, isCancelled: (() => boolean) | undefined): Segmented {
  const built: ReportBuilder[] = [];
  // With CONFIG_PRINTK_CALLER (`[T123]`/`[C1]`) reports of several tasks interleave: one builder per caller.
  const open = new Map<string, ReportBuilder>();
  let latest: ReportBuilder | null = null;
  const scratch = newScratch();
  const finish = (b: ReportBuilder) => {
    built.push(b);
    if (open.get(b.caller) === b) open.delete(b.caller);
    if (latest === b) latest = null;
  };
  const silence = new Silence();
  let prevCaller: string | null = null;
  const idle: number[] = [];
  let idleFrom = -1;
  let cancelled = false;
  // A piece at a time (a log given in pieces is never joined), each with its own line index; `base` is the
  // number of the piece's first line.
  const pieces = logPieces(log);
  const indexes: LineIndex[] = [];
  const firstLines: number[] = [];
  let base = 0;
  for (let k = 0; k < pieces.length; k++) {
    const text = pieces[k];
    const lastPiece = k === pieces.length - 1;
    const checkpoints: number[] = [];
    const cursor = new LineCursor(text, checkpoints);
    // The next ESC at or after the current line, searched for again only once passed: one vectorised scan
    // of the text finds the few lines that need the full escape clean-up.
    let nextEscape = -1;
    while (cursor.next()) {
      // The empty line after a piece's last `\n` is the next piece's first.
      if (cursor.last && !lastPiece) break;
      if (cancelled) continue;
      const i = base + cursor.line;
      if ((i & 0xfff) === 0 && i > 0 && isCancelled?.()) {
        cancelled = true;
        continue;
      }
      silence.expire(i, (b) => open.get(b.caller) === b && finish(b));
      if (open.size === 0 && latest === null) {
        if (idleFrom < 0) idleFrom = i;
      } else if (idleFrom >= 0) {
        idle.push(idleFrom, i);
        idleFrom = -1;
      }
      const { start, end } = cursor;
      // An empty line outside a report carries nothing (no caller, no header): 100 MB of them cost no work.
      if (start === end && latest === null) {
        prevCaller = null;
        continue;
      }
      if (nextEscape < start) nextEscape = indexOrEnd(text, '\x1b', start);
      const raw = text.slice(start, Math.min(end, start + MAX_ANALYSED_LINE));
      // One scratch object for every line: builders read it during the call and never keep it.
      const nl = normalizeInto(raw, scratch, nextEscape < end, false);
      const before = prevCaller;
      prevCaller = nl.caller;
      const key = nl.caller ?? '';
      const current: ReportBuilder | null = nl.caller ? (open.get(key) ?? null) : latest;
      const candidate = nl.runs !== null || mayBeHeaderAt(raw, nl.start);
      if (!candidate && !current) continue;
      if (!nl.runs) nl.message = raw.slice(nl.start);
      if (nl.message.startsWith('*') && P.PRINTK_REPLAY.test(nl.message)) {
        // The line before is a truncated copy of the record printed next: forget what it added.
        const truncated: ReportBuilder | null | undefined = before ? open.get(before) : latest;
        if (truncated?.line === i - 1) {
          open.delete(truncated.caller);
          if (latest === truncated) latest = null;
        } else truncated?.forgetLine(i - 1);
        continue;
      }
      const header = candidate ? matchHeader(nl.message) : null;
      if (header) {
        if (current && current.absorbs(header, i)) {
          current.addLine(i, nl, header);
          silence.fed(current, i);
          continue;
        }
        if (current) finish(current);
        // A caller-less header while the latest report is another caller's: the caller-less report still
        // open under the same key is over too, not dropped.
        const sameKey = open.get(key);
        if (sameKey) finish(sameKey);
        const b: ReportBuilder = new ReportBuilder(i, nl, header);
        silence.fed(b, i);
        open.set(key, b);
        latest = b;
        continue;
      }
      if (!current) continue;
      if (current.addLine(i, nl, null)) silence.fed(current, i);
      else finish(current);
    }
    const count = lastPiece ? cursor.line + 1 : cursor.line;
    indexes.push(new LineIndex(text, count, checkpoints, cursor.hasCR));
    firstLines.push(base);
    base += count;
  }
  if (idleFrom >= 0) idle.push(idleFrom, base);
  for (const b of open.values()) built.push(b);
  built.sort((a, b) => a.line - b.line);
  const lines = indexes.length === 1 ? indexes[0] : new PiecedLines(indexes, firstLines);
  return { reports: built, lines, idle, ...lineMessages(lines) };
}

/**
 * A report none of whose lines came for this many lines is over. Its task printed the last of it (an oops
 * often kills the task) while other tasks or CPUs went on printing: without this it would stay open to the
 * end of the log, waiting for a caller id that may only come back, reused, hours later, and no line after
 * it would be one where the analysis can restart (incremental.ts re-analyses an edit from such lines). A
 * report prints in one burst; interleaved reports of the corpora stay far closer than this.
 */
export const REPORT_SILENCE = 1000;

/**
 * The open reports in the order they last took a line, to close those silent for REPORT_SILENCE lines.
 * Closing one costs nothing it would not cost later (no line of it comes), and happens at an exact line,
 * the same wherever the pass started, so idle runs agree between a whole log and a slice of it.
 */
class Silence {
  private builders: ReportBuilder[] = [];
  private lines: number[] = [];
  private head = 0;
  private readonly last = new Map<ReportBuilder, number>();

  fed(b: ReportBuilder, line: number): void {
    this.builders.push(b);
    this.lines.push(line);
    this.last.set(b, line);
  }

  /** Calls `close` for every report whose last line was REPORT_SILENCE lines before `line`. */
  expire(line: number, close: (b: ReportBuilder) => unknown): void {
    const lines = this.lines;
    while (this.head < lines.length && lines[this.head] < line - REPORT_SILENCE) {
      const b = this.builders[this.head];
      if (this.last.get(b) === lines[this.head]) {
        this.last.delete(b);
        close(b);
      }
      this.head++;
    }
    if (this.head > 4096 && this.head * 2 > lines.length) {
      this.builders = this.builders.slice(this.head);
      this.lines = lines.slice(this.head);
      this.head = 0;
    }
  }
}

function newScratch(): NormalizedLine {
  return { message: '', start: 0, time: null, caller: null, level: null, runs: null };
}

/**
 * A line's message and caller, normalised as the pass above did (escapes cleaned where the line holds an
 * ESC); the line read last is kept, since titles ask for its message and its caller in turn.
 */
function lineMessages(lines: LineSource): Pick<Segmented, 'messageAt' | 'callerAt'> {
  const scratch = newScratch();
  let cached = -1;
  const read = (l: number): NormalizedLine => {
    if (l !== cached) {
      const raw = lines.line(l);
      normalizeInto(clipLine(raw), scratch, raw.indexOf('\x1b') >= 0, true);
      cached = l;
    }
    return scratch;
  };
  return { messageAt: (l) => read(l).message, callerAt: (l) => read(l).caller };
}

/** How many unrecognised lines a report tolerates before it is considered over. */
const DEFAULT_GAP = 2;
/** Reports whose body is long free text (the catalogue's `longBody`: KASAN, lockdep, OOM, RCU stalls) tolerate more. */
const LONG_GAP = 60;
/** How far below its opener a continuation line (`Oops:` after `BUG:`) may come. */
const CONTINUATION_WINDOW = 16;

export class ReportBuilder {
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
  /** The lock owner a hung task's report just named: the next stack is that task's. */
  private pendingBlocker: LockOwner | null = null;
  private context: FrameContext = null;
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
      kernelBuildId: null,
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
      code: null,
      traces: [],
      modules: null,
      oom: null,
      guiltyFrame: null,
      consequenceOf: null,
      afterCrash: null,
    };
    this.event.location = headerLocation(nl, msg, lead, line);
    this.readReturnAddressTrace(nl, msg, lead, line);
    readHeaderFacts(this.event, line, msg);
    if (header.entry.severity === 'information') readUserFault(this.event, line, msg);
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
      readHeaderFacts(this.event, line, trimmed);
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

  /** Drops what `line` added to the current trace (a truncated line the console printed again). */
  forgetLine(line: number): void {
    const frames = this.trace?.frames;
    if (frames && frames.length > 0 && frames[frames.length - 1].span.line === line) frames.pop();
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
    const track = P.SLUB_TRACK.exec(msg);
    if (track) {
      // `Allocated in f+0x1c/0x50 [mod] age=…`: the track's own frame opens its trace; the stack-depot
      // frames printed under it follow.
      this.closeTrace();
      this.pendingLabel = null;
      this.context = null;
      this.openTrace(`${track[1]} in`, line);
      const p = parseFrame(msg.slice(track[0].length));
      if (p) this.trace!.frames.push(toFrame(p, nl, lead + track[0].length, line, null));
      return true;
    }
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
    const blocker = P.HUNG_TASK_BLOCKER.exec(msg);
    if (blocker) {
      this.closeTrace();
      this.pendingBlocker = { lock: blocker[1], comm: blocker[2], pid: Number(blocker[3]), line };
      return true;
    }
    const label = P.TRACE_LABEL.exec(msg);
    if (label) {
      this.closeTrace();
      this.pendingLabel = { label: label[1], line };
      this.context = null;
      return true;
    }
    if (readBodyFacts(e, line, nl, msg, lead)) return true;
    return P.REPORT_BODY.test(msg) || (this.longBody && this.trace !== null && msg.startsWith(' '));
  }

  /** A return address the header prints with %pB (stack-protector's `corrupted in: f+0x6d/0x77 [mod]`): a trace
   *  of its own, so that it is looked up like a call-trace entry (inside the call, at address-1). */
  private readReturnAddressTrace(nl: NormalizedLine, msg: string, lead: number, line: number): void {
    const m = P.HEADER_RETURN_ADDRESS.exec(msg);
    const p = m ? parseFrame(msg.slice(m.index + m[0].length)) : null;
    if (!m || !p || p.function === null) return;
    this.openTrace(m[1], line);
    this.trace!.frames.push(toFrame(p, nl, lead + m.index + m[0].length, line, null));
    this.closeTrace();
  }

  private openTrace(label: string, line: number): void {
    this.trace = { label, line, endLine: line, frames: [] };
    if (this.pendingBlocker) {
      const b = this.pendingBlocker;
      this.trace.label = `${label} of ${b.comm}:${b.pid}, likely owner of the ${b.lock}`;
      this.trace.blocker = b;
      this.pendingBlocker = null;
    }
    this.event.traces.push(this.trace);
  }

  private closeTrace(): void {
    this.trace = null;
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
