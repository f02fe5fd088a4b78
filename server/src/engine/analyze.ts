// Finds every event in a log and parses its parts: segmentation and fact reading in one pass over the
// lines (report/segment.ts, report/facts.ts), then the titles (title/window.ts) and the consequences
// (report/consequences.ts).

import { linesWithControl, splitLines } from './log/normalize';
import type { Analysis } from './model';
import { markConsequences } from './report/consequences';
import { segment } from './report/segment';
import { titleEvents } from './title/window';

export interface AnalyzeOptions {
  /** Polled every few thousand lines; when it returns true the analysis stops and returns what it has. */
  isCancelled?: () => boolean;
}

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
  const { reports, messageAt, callers } = segment(lines, options.isCancelled, withControl);
  const events = reports.map((b) => b.finish());
  titleEvents(events, reports, lines, messageAt, callers);
  markConsequences(
    events,
    reports.map((b) => b.caller),
  );
  return { lineCount: lines.length, events };
}
