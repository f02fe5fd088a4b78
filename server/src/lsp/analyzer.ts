// Runs the engine off the language server's request path. The engine's analyzeText is synchronous, and
// a 1,000,000-line log takes seconds; run in the server's own thread it would stall every hover and
// every keystroke's reply meanwhile. So analyses run one at a time in a worker thread (worker.ts), and a
// job that has gone stale (the document changed or closed) is cancelled by stopping that worker.
import { analyzeTextWithState, framesOfAnalysis, type AnalysisState, type LogFrame } from '../engine';
import { textOf, type Job, type JobKind, type LongText } from './worker';

/**
 * A full analysis, with what re-analysing the document's later versions incrementally needs, and its
 * frames to symbolize: listed in the worker, so that the server's thread does not, right after publishing
 * the diagnostics of a huge log, when the first hovers come.
 */
export interface FullAnalysis {
  state: AnalysisState;
  frames: LogFrame[];
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
  run: (req) => {
    const state = analyzeTextWithState(textOf(req.text));
    // One reply: the frames keep pointing at the events' Frame objects on the other side.
    return { state, frames: framesOfAnalysis(state.analysis) };
  },
};
