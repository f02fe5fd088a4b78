// Re-analysing an edited log without reading all of it again, with exactly the result of analysing it
// anew. Events are local: segmentation restarts cleanly at a line before which no report is open (the
// analysis records those runs, AnalysisState.idle), and a title reads no further than titleReach. So an
// edit is re-analysed from an idle line before it whose earlier events' titles do not read into the edit,
// to the first line after it that is idle both before and after the edit (the text from there on is the
// same, so are its events, shifted by the lines the edit added or removed), with enough lines past that
// for the titles of the events in between. Consequences (which crash an event follows from) link events
// across the whole log: they are computed again for all of them, which is cheap.
import { analyzeTextWithState } from './analyze';
import { TRAILING_LINE_BREAK } from './log/normalize';
import type { AnalysisState, KernelEvent } from './model';
import { markConsequences } from './report/consequences';
import { TITLE_WINDOW, titleReach } from './title/window';

/** Old lines [start, oldEnd] became new lines [start, newEnd]; every other line is as it was (shifted). */
export interface LineChange {
  start: number;
  oldEnd: number;
  newEnd: number;
}

/** Lines analysed past the change at first; doubled while no line to resume at is found. */
const FIRST_MARGIN = 512;

/**
 * The state of the edited text, from `prev` (the state of the text before `change`) and the new text's
 * lines: `readLines(from, to)` gives lines [from, to) with their line breaks. Null when more than
 * `maxLines` lines would have to be analysed again (analyse the whole text instead). `prev` is used up:
 * its events after the change are moved to their new lines in place (copying thousands of events with
 * their traces would cost more than the re-analysis), so it no longer describes the old text.
 */
export function reanalyzeChange(
  prev: AnalysisState,
  change: LineChange,
  lineCount: number,
  readLines: (from: number, to: number) => string,
  maxLines: number,
): AnalysisState | null {
  const { start, oldEnd, newEnd } = change;
  const delta = newEnd - oldEnd;
  const old = prev.analysis.events;
  const a = restartLine(prev, start);
  // No line before the old text's first idle line after the change can be the one to resume at.
  const oldResume = idleAtOrAfter(prev.idle, oldEnd + 1) ?? prev.analysis.lineCount;
  const least = Math.min(lineCount, oldResume + delta + TITLE_WINDOW + 1);
  for (let margin = FIRST_MARGIN; ; margin *= 2) {
    const b = Math.min(lineCount, Math.max(least, newEnd + 1 + margin));
    if (b - a > maxLines) return null;
    let text = readLines(a, b);
    // Lines before the document's end come with their line break: drop it, or it would start one more line.
    if (b < lineCount) text = text.replace(TRAILING_LINE_BREAK, '');
    const slice = analyzeTextWithState(text);
    if (slice.analysis.lineCount !== b - a) return null;
    const resume = b === lineCount ? lineCount : resumeLine(prev.idle, slice, a, b, newEnd + 1, delta);
    if (resume === null) continue;
    const firstKept = lowerBound(old, a);
    const firstAfter = resume === lineCount ? old.length : lowerBound(old, resume - delta);
    const events: KernelEvent[] = old.slice(0, firstKept);
    const callers = prev.callers.slice(0, firstKept);
    slice.analysis.events.forEach((e, k) => {
      if (e.line + a >= resume) return;
      events.push(a === 0 ? e : shiftEvent(e, a));
      callers.push(slice.callers[k]);
    });
    for (let k = firstAfter; k < old.length; k++) {
      events.push(delta === 0 ? old[k] : shiftEvent(old[k], delta));
      callers.push(prev.callers[k]);
    }
    const idle = mergeRuns([
      ...clipRuns(prev.idle, 0, a, 0),
      ...clipRuns(slice.idle, 0, resume - a, a),
      ...clipRuns(prev.idle, resume - delta, Infinity, delta),
    ]);
    return { analysis: { lineCount, events: withConsequences(events, callers) }, idle, callers };
  }
}

/**
 * The latest idle line at or before `start` such that no event before it has a title reading `start` or
 * beyond (those events are kept as they are).
 */
function restartLine(prev: AnalysisState, start: number): number {
  const events = prev.analysis.events;
  let a = idleAtOrBefore(prev.idle, start);
  for (;;) {
    // Events before an idle line ended before it, so only a header within a title window of `start` can
    // read past it.
    let earliest = Infinity;
    for (let k = lowerBound(events, a) - 1; k >= 0 && events[k].line + TITLE_WINDOW > start; k--)
      if (titleReach(events[k]) > start) earliest = events[k].line;
    if (earliest === Infinity) return a;
    a = idleAtOrBefore(prev.idle, earliest);
  }
}

/**
 * The first line from `from` on that is idle in the slice (analysed from `a` to `b`) and, `delta` lines
 * earlier, in the old text; at least a title window before `b`, so that the titles of the slice's events
 * before it read only lines of the slice.
 */
function resumeLine(
  oldIdle: readonly number[],
  slice: AnalysisState,
  a: number,
  b: number,
  from: number,
  delta: number,
): number | null {
  const until = b - TITLE_WINDOW;
  for (let i = 0; i < slice.idle.length; i += 2) {
    const s = Math.max(slice.idle[i] + a, from);
    const e = Math.min(slice.idle[i + 1] + a, until);
    if (s >= e) continue;
    for (let j = 0; j < oldIdle.length; j += 2) {
      const os = Math.max(oldIdle[j] + delta, s);
      const oe = Math.min(oldIdle[j + 1] + delta, e);
      if (os < oe) return os;
    }
  }
  return null;
}

/**
 * The state of a whole text from the states of two overlapping parts of it, analysed at the same time (by
 * two workers): `head` of lines [0, head's lineCount) and `tail` of lines [tailFrom, lineCount), with
 * tailFrom inside the head. The tail started afresh; from the first line after tailFrom that is idle in both
 * (no report open in the whole text, so none in the tail's either) the two passes are the same, and that line
 * is at least a title window before the head's end, so that the titles of the head's events before it read
 * only lines the head has. Null when there is no such line (analyse the whole text instead). Both are used
 * up: the tail's events are moved to their lines in place.
 */
export function joinAnalyses(
  head: AnalysisState,
  tail: AnalysisState,
  tailFrom: number,
): { state: AnalysisState; headEvents: number; tailFirst: number } | null {
  const resume = firstCommonIdle(head.idle, tail.idle, tailFrom, head.analysis.lineCount - TITLE_WINDOW);
  if (resume === null) return null;
  const headEvents = lowerBound(head.analysis.events, resume);
  const tailFirst = lowerBound(tail.analysis.events, resume - tailFrom);
  const events = head.analysis.events.slice(0, headEvents);
  for (const e of tail.analysis.events.slice(tailFirst)) events.push(shiftEvent(e, tailFrom));
  const callers = [...head.callers.slice(0, headEvents), ...tail.callers.slice(tailFirst)];
  // Which crash an event follows from reaches across the join: linked again over all of them.
  for (const e of events) {
    e.consequenceOf = null;
    e.afterCrash = null;
  }
  markConsequences(events, callers);
  const idle = mergeRuns([
    ...clipRuns(head.idle, 0, resume, 0),
    ...clipRuns(tail.idle, resume - tailFrom, Infinity, tailFrom),
  ]);
  const lineCount = tailFrom + tail.analysis.lineCount;
  return { state: { analysis: { lineCount, events }, idle, callers }, headEvents, tailFirst };
}

/** The first line in [from, until) inside a run of `a` and, `shift` lines earlier, of `b`. */
function firstCommonIdle(
  a: readonly number[],
  b: readonly number[],
  from: number,
  until: number,
): number | null {
  for (let i = 0, j = 0; i < a.length && j < b.length;) {
    const s = Math.max(a[i], b[j] + from, from);
    const e = Math.min(a[i + 1], b[j + 1] + from, until);
    if (s < e) return s;
    if (s >= until) return null;
    if (a[i + 1] < b[j + 1] + from) i += 2;
    else j += 2;
  }
  return null;
}

/** Consequence links computed again over the whole list; an event whose links change is copied. */
function withConsequences(events: KernelEvent[], callers: string[]): KernelEvent[] {
  const fresh = events.map((e) => ({ ...e, consequenceOf: null, afterCrash: null }));
  markConsequences(fresh, callers);
  return events.map((e, i) =>
    e.consequenceOf === fresh[i].consequenceOf && e.afterCrash === fresh[i].afterCrash ? e : fresh[i],
  );
}

/** Index of the first event whose header is at or after `line`. */
function lowerBound(events: readonly KernelEvent[], line: number): number {
  let lo = 0;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (events[mid].line < line) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The latest line at or before `line` inside an idle run (line 0 always is). */
function idleAtOrBefore(idle: readonly number[], line: number): number {
  for (let i = idle.length - 2; i >= 0; i -= 2) {
    if (idle[i] > line) continue;
    return Math.min(idle[i + 1] - 1, line);
  }
  return 0;
}

/** The first line at or after `line` inside an idle run, if any. */
function idleAtOrAfter(idle: readonly number[], line: number): number | undefined {
  for (let i = 0; i < idle.length; i += 2) if (idle[i + 1] > line) return Math.max(idle[i], line);
  return undefined;
}

/** The parts of `runs` within [from, to), moved by `shift`. */
function clipRuns(runs: readonly number[], from: number, to: number, shift: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < runs.length; i += 2) {
    const s = Math.max(runs[i], from);
    const e = Math.min(runs[i + 1], to);
    if (s < e) out.push(s + shift, e + shift);
  }
  return out;
}

/** Sorted, non-overlapping runs with touching ones joined. */
function mergeRuns(runs: number[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < runs.length; i += 2) {
    const n = out.length;
    if (n > 0 && runs[i] <= out[n - 1]) out[n - 1] = Math.max(out[n - 1], runs[i + 1]);
    else out.push(runs[i], runs[i + 1]);
  }
  return out;
}

/** Moves every log line number of `e` (not the source lines frames print) by `delta`, in place. */
export function shiftEvent(e: KernelEvent, delta: number): KernelEvent {
  shiftRange(e, delta);
  e.headerSpan.line += delta;
  if (e.cpuLine !== null) e.cpuLine += delta;
  if (e.faultLine !== null) e.faultLine += delta;
  if (e.codeLine !== null) e.codeLine += delta;
  if (e.pageFault) e.pageFault.line += delta;
  for (const f of [e.ip, e.location, e.lr]) {
    if (!f) continue;
    f.line += delta;
    f.span.line += delta;
  }
  for (const r of e.registers) r.span.line += delta;
  if (e.registerLines) shiftRange(e.registerLines, delta);
  for (const t of e.traces) {
    shiftRange(t, delta);
    for (const f of t.frames) f.span.line += delta;
  }
  if (e.modules) {
    shiftRange(e.modules, delta);
    for (const m of e.modules.list) m.span.line += delta;
  }
  if (e.oom?.taskTable) shiftRange(e.oom.taskTable, delta);
  // The guilty frame is often the IP or a trace entry itself, already moved.
  const g = e.guiltyFrame;
  if (g && g !== e.ip && g !== e.location && g !== e.lr && !e.traces.some((t) => t.frames.includes(g)))
    g.span.line += delta;
  return e;
}

function shiftRange(r: { line: number; endLine: number }, delta: number): void {
  r.line += delta;
  r.endLine += delta;
}
