// Finds every event in a log and parses its parts: segmentation and fact reading in one pass over the
// lines (report/segment.ts, report/facts.ts), then the titles (title/window.ts) and the consequences
// (report/consequences.ts).

import type { LogText } from './log/lines';
import type { Analysis, AnalysisState } from './model';
import { markConsequences } from './report/consequences';
import { segment } from './report/segment';
import { titleEvents } from './title/window';

export interface AnalyzeOptions {
  /** Polled every few thousand lines; when it returns true the analysis stops and returns what it has. */
  isCancelled?: () => boolean;
}

/** `text`: the log, or its pieces of whole lines (log/lines.ts LogText): the same analysis. */
export function analyzeText(text: LogText, options: AnalyzeOptions = {}): Analysis {
  return analyzeTextWithState(text, options).analysis;
}

/** `analyzeText`, with what an incremental re-analysis of an edited copy needs (incremental.ts). */
export function analyzeTextWithState(text: LogText, options: AnalyzeOptions = {}): AnalysisState {
  const segmented = segment(text, options.isCancelled);
  const { reports, lines, idle } = segmented;
  const events = reports.map((b) => b.finish());
  titleEvents(events, reports, segmented);
  const eventCallers = reports.map((b) => b.caller);
  markConsequences(events, eventCallers);
  return { analysis: { lineCount: lines.lineCount, events }, idle, callers: eventCallers };
}
