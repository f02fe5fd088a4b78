// Finding what the analysis knows about a line without scanning: events are ordered by their header
// line, so a binary search finds the one that contains a line; traces and frames are searched the same way.

import type { Analysis, Frame, KernelEvent, Trace } from '../model';

/** The event whose extent [line, endLine] contains `line`, or null. O(log n). */
export function findEventAt(analysis: Analysis | undefined, line: number): KernelEvent | null {
  const events = analysis?.events;
  if (!events || events.length === 0) return null;
  let lo = 0;
  let hi = events.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (events[mid].line <= line) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  // Events may nest (a report inside another's extent): look back a few for an enclosing one.
  for (let i = found, n = 0; i >= 0 && n < 4; i--, n++) {
    const e = events[i];
    if (e.line <= line && line <= e.endLine) return e;
  }
  return null;
}

function findTraceAt(event: KernelEvent, line: number): Trace | null {
  for (const t of event.traces) if (t.line <= line && line <= t.endLine) return t;
  return null;
}

/** The frame printed on `line` (frames are in line order within a trace). */
export function findFrameAt(
  event: KernelEvent,
  line: number,
): { trace: Trace; frame: Frame; index: number } | null {
  const trace = findTraceAt(event, line);
  if (!trace) return null;
  const frames = trace.frames;
  let lo = 0;
  let hi = frames.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const l = frames[mid].span.line;
    if (l === line) return { trace, frame: frames[mid], index: mid };
    if (l < line) lo = mid + 1;
    else hi = mid - 1;
  }
  return null;
}
