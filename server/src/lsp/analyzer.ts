// Runs the engine off the language server's request path. The engine's analyzeText is synchronous, and
// a 1,000,000-line log takes seconds; run in the server's own thread it would stall every hover and
// every keystroke's reply meanwhile. So analyses run one at a time in a worker thread (worker.ts), and a
// job that has gone stale (the document changed or closed) is cancelled by stopping that worker.
import { analyzeTextWithState, frameRefsOfAnalysis, loadIced, type AnalysisState } from '../engine';
import { eventMessages } from './diagnostics';
import { textOf, type Job, type JobKind, type LongText } from './worker';

/**
 * A full analysis, with what re-analysing the document's later versions incrementally needs, its frames to
 * symbolize and its diagnostics' messages: listed and composed in the worker, so that the server's thread
 * does not, between the analysis and the first diagnostics (a memory fault's message decodes its
 * instruction) or right after, when the first hovers come. The frames cross as numbers (frameRefsOfAnalysis):
 * copying the objects would cost the server's thread more than making them again when needed.
 */
export interface FullAnalysis {
  state: AnalysisState;
  frameRefs: Int32Array;
  /** Per event, its diagnostic's message (diagnostics.ts eventMessages). */
  messages: string[];
}

export type AnalysisJob = Job<FullAnalysis>;

/** What the scheduler needs; a `JobWorker` of `ANALYSIS_JOBS` is one. */
export interface Analyzer {
  run(req: { text: LongText }): AnalysisJob;
  /** Get ready for the first job (start the worker) so the first document is not kept waiting. */
  warmUp(): void;
  dispose(): void;
}

/** Analyses: the role marks the worker so the bundle's entry point serves analyses instead of LSP. The
 *  text is a field, not the request itself, so that it crosses to the worker in slices (worker.ts). */
export const ANALYSIS_JOBS: JobKind<{ text: LongText }, FullAnalysis> = {
  role: 'kernel-oops-lens/analysis',
  name: 'analysis',
  // The instruction decoder, which the first memory fault's message needs, loads while the server's thread
  // still reads the document the editor is sending.
  prepare: () => void loadIced(),
  run: (req) => {
    const state = analyzeTextWithState(textOf(req.text));
    const { analysis } = state;
    return { state, frameRefs: frameRefsOfAnalysis(analysis), messages: eventMessages(analysis) };
  },
};
