// Runs the engine off the language server's request path. The engine's analyzeText is synchronous, and
// a 1,000,000-line log takes seconds; run in the server's own thread it would stall every hover and
// every keystroke's reply meanwhile. So analyses run one at a time in a worker thread (worker.ts), and a
// job that has gone stale (the document changed or closed) is cancelled by stopping that worker.
import { analyzeTextWithState, type AnalysisState } from '../engine';
import type { Job, JobKind } from './worker';

/** A full analysis, with what re-analysing the document's later versions incrementally needs. */
export type AnalysisJob = Job<AnalysisState>;

/** What the scheduler needs; a `JobWorker` of `ANALYSIS_JOBS` is one. */
export interface Analyzer {
  run(req: { text: string }): AnalysisJob;
  /** Get ready for the first job (start the worker) so the first document is not kept waiting. */
  warmUp(): void;
  dispose(): void;
}

/** Analyses: the role marks the worker so the bundle's entry point serves analyses instead of LSP. The
 *  text is a field, not the request itself, so that it crosses to the worker in slices (worker.ts). */
export const ANALYSIS_JOBS: JobKind<{ text: string }, AnalysisState> = {
  role: 'kernel-oops-lens/analysis',
  name: 'analysis',
  run: (req) => analyzeTextWithState(req.text),
};
