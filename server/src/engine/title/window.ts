// The lines a title reads: a report's own, a little past its end (stacks can trail), and, in a log with
// printk caller ids, only its task's. Then the title and the guilty frame from them (title.ts).

import type { HeaderMatch } from '../catalogue';
import { parseFrame } from '../log/frames';
import type { LineSource } from '../log/lines';
import { clipLine, normalizeLine } from '../log/normalize';
import type { Frame, KernelEvent } from '../model';
import { toFrame } from '../report/facts';
import type { Segmented } from '../report/segment';
import { titleEvent, titleReadsReport, type ReportLine } from './title';

/** What titling needs to know of a report besides its event. */
export interface TitledReport {
  header: HeaderMatch;
  /** printk caller id of the header, '' when the log has none. */
  caller: string;
}

/** Titles every event (and finds its guilty frame); `reports[k]` is `events[k]`'s. */
export function titleEvents(
  events: KernelEvent[],
  reports: readonly TitledReport[],
  { lines, messageAt, callerAt }: Pick<Segmented, 'lines' | 'messageAt' | 'callerAt'>,
): void {
  for (let k = 0; k < events.length; k++) {
    const caller = reports[k].caller;
    // Stacks can trail a report a little (a panic_on_warn panic, a lost end marker), not by hundreds of lines.
    // A report's own lines are always read, however long its stack (deep recursion prints hundreds of frames).
    const reach = titleReach(events[k]);
    // With caller ids a task's report runs on through whatever else it prints (an oops inside a lockdep
    // report, as syzkaller reads it); without them the next report ends it, unless it is one that comes
    // inside another. The search stops at `reach`: past it the next report no longer matters, and 80,000
    // see-through OOM kills in a row would otherwise each scan all the following ones.
    let next = k + 1;
    if (caller !== '') next = events.length;
    while (
      next < events.length &&
      events[next].line < reach &&
      (reports[next].header.entry.seeThrough === true || reports[next].caller !== caller)
    )
      next++;
    // A title made of header text alone reads no further (80,000 OOM kills would gather 100 lines each).
    const end = titleReadsReport(reports[k].header.entry)
      ? Math.min(next < events.length ? events[next].line : lines.lineCount, reach)
      : events[k].line + 1;
    const window: ReportLine[] = [];
    for (let l = events[k].line; l < end; l++) {
      if (caller === '') {
        // Without caller ids nothing tells two tasks' output apart: a second stack-printing message ends the window.
        const message = messageAt(l);
        if (l > events[k].line && OTHER_STACK_MESSAGES.some((m) => message.includes(m))) break;
        window.push({ line: l, message });
      } else {
        const of = callerAt(l);
        if (of === caller) window.push({ line: l, message: messageAt(l) });
      }
    }
    applyTitle(events[k], reports[k].header, window, lines);
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

/** The line before which a report's title window ends: no title reads a line at or past it. */
export function titleReach(e: Pick<KernelEvent, 'line' | 'endLine'>): number {
  return Math.max(Math.min(e.line + TITLE_WINDOW, e.endLine + TITLE_SLACK), e.endLine + 1);
}

/** How far past its header a title may look for the guilty frame. */
export const TITLE_WINDOW = 200;
/** How far past a report's last line its title may still look. */
const TITLE_SLACK = 100;

/** A frame read from the middle of a line (`WARNING: … at file:line func+0x1/0x2 [mod]`, `BUG: KASAN: … in func+0x…`). */
function frameInLine(raw: string, fn: string): Frame | null {
  const nl = normalizeLine(clipLine(raw));
  const at = nl.message.search(new RegExp(`(?<![\\w.])${fn.replace(/[.$]/g, '\\$&')}[.+]`));
  if (at < 0) return null;
  const f = parseFrame(nl.message.slice(at));
  if (!f || !f.function) return null;
  return toFrame(f, nl, at, -1, null);
}

function applyTitle(e: KernelEvent, header: HeaderMatch, lines: ReportLine[], rawLines: LineSource): void {
  const victim = e.kind === header.entry.onVictim?.kind ? (e.oom?.victimComm ?? null) : null;
  // The guilty frame is the report's own Frame (its IP or a trace frame) where the builder read one on that
  // line, else the frame read from the middle of the line (a header's `in func+0x…`, arm's `from` caller).
  const frameAt = (line: number, fn: string): Frame | null =>
    [...(e.ip ? [e.ip] : []), ...e.traces.flatMap((t) => t.frames)].find(
      (f) => f.span.line === line && f.function !== null && f.function.startsWith(fn),
    ) ?? withLine(frameInLine(rawLines.line(line), fn), line);
  const { title, guilty } = titleEvent({ entry: header.entry, match: header.match, lines, victim, frameAt });
  e.title = title;
  e.guiltyFrame = guilty;
}

function withLine(f: Frame | null, line: number): Frame | null {
  return f && { ...f, span: { ...f.span, line } };
}
