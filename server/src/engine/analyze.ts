// Finds every event in a log and parses its parts: segmentation and fact reading in one pass over the
// lines (report/segment.ts, report/facts.ts), then the titles (title/window.ts) and the consequences
// (report/consequences.ts).

import { linesWithControl, splitLines } from './log/normalize';
import type { Analysis, AnalysisState } from './model';
import { markConsequences } from './report/consequences';
import { segment } from './report/segment';
import { titleEvents } from './title/window';

export interface AnalyzeOptions {
  /** Polled every few thousand lines; when it returns true the analysis stops and returns what it has. */
  isCancelled?: () => boolean;
}

export function analyzeText(text: string, options: AnalyzeOptions = {}): Analysis {
  return analyzeTextWithState(text, options).analysis;
}

/** `analyzeText`, with what an incremental re-analysis of an edited copy needs (incremental.ts). */
export function analyzeTextWithState(text: string, options: AnalyzeOptions = {}): AnalysisState {
  const lines = splitLines(text);
  // One scan of the whole text finds the few lines with escapes, sparing a million per-line scans.
  return analyzeLinesWithState(lines, options, linesWithControl(text, lines));
}

/** `withControl`: which lines hold escapes (from linesWithControl); undefined means check every line. */
export function analyzeLines(
  lines: readonly string[],
  options: AnalyzeOptions = {},
  withControl?: Uint8Array | null,
): Analysis {
  return analyzeLinesWithState(lines, options, withControl).analysis;
}

export function analyzeLinesWithState(
  lines: readonly string[],
  options: AnalyzeOptions = {},
  withControl?: Uint8Array | null,
): AnalysisState {
  const { reports, messageAt, callers, idle } = segment(lines, options.isCancelled, withControl);
  const events = reports.map((b) => b.finish());
  titleEvents(events, reports, lines, messageAt, callers);
  const eventCallers = reports.map((b) => b.caller);
  markConsequences(events, eventCallers);
  return { analysis: { lineCount: lines.length, events }, idle, callers: eventCallers };
}
