// When to analyse which document: at once on open, after a quiet period on edits (debounce), never twice
// for the same version, and never to publish a result that an edit has already made stale. An edited
// document is re-analysed incrementally, on this thread, around the lines its edits touched (the engine's
// reanalyzeChange: the same result as a full analysis); only when that would read too many lines, or
// the edits are not known line by line, is the whole text analysed again in the worker.
import { reanalyzeChange, type Analysis, type AnalysisState, type LineChange } from '../engine';
import type { Analyzer, AnalysisJob } from './analyzer';
import type { LineEdit } from './chunkedDocument';
import type { EventDiagnosticFacts } from './diagnostics';
import { CancelledError, type LongText } from './worker';
import { timelineStep } from './timeline';

export interface AnalysedVersion {
  version: number;
  analysis: Analysis;
  state: AnalysisState;
  /** What the worker added to a full analysis: its frames (frameRefsOfAnalysis), its diagnostics' facts. */
  frameRefs?: Int32Array;
  diagnostics?: EventDiagnosticFacts;
}

/**
 * Past this many lines to read again, an edit is analysed with the whole text in the worker: an
 * incremental re-analysis runs on the server's thread and must stay a few milliseconds.
 */
export const MAX_INCREMENTAL_LINES = 10_000;

/** An open document as the scheduler reads it: the whole text only for a full analysis. */
export interface ScheduledDocument {
  version: number;
  lineCount: number;
  /** The whole text (its chunks, not joined on this thread). */
  text(): LongText;
  /** Lines [from, to) with their line breaks. */
  readLines(from: number, to: number): string;
  /** The line edits since `version`, oldest first; undefined when they are not all known. */
  editsSince(version: number): LineEdit[] | undefined;
  /** Builds what reading lines by number needs, ahead of the first request. */
  prepare?(): void;
}

interface Waiter {
  version: number;
  resolve(a: Analysis | undefined): void;
}

interface DocState {
  /** Latest version announced by the editor. */
  version: number;
  timer: NodeJS.Timeout | null;
  job: AnalysisJob | null;
  jobVersion: number;
  result: AnalysedVersion | null;
  waiters: Waiter[];
}

export interface SchedulerHooks {
  /** An open document, or undefined once it has closed. */
  document(uri: string): ScheduledDocument | undefined;
  debounceMs(uri: string): number;
  onAnalysed(uri: string, result: AnalysedVersion): void;
  onFailed(uri: string, version: number, error: unknown): void;
}

export class AnalysisScheduler {
  private readonly docs = new Map<string, DocState>();

  constructor(
    private readonly analyzer: Analyzer,
    private readonly hooks: SchedulerHooks,
  ) {}

  /** A document was opened (`immediate`) or changed (debounced) and is now at `version`. */
  schedule(uri: string, version: number, immediate: boolean): void {
    let st = this.docs.get(uri);
    if (!st) {
      st = { version, timer: null, job: null, jobVersion: -1, result: null, waiters: [] };
      this.docs.set(uri, st);
    }
    st.version = version;
    for (const w of st.waiters.filter((w) => w.version < version)) w.resolve(undefined);
    if (st.timer) clearTimeout(st.timer);
    st.timer = null;
    // An edit makes the running analysis worthless: stop it now rather than after it finishes.
    if (st.job && st.jobVersion !== version) {
      st.job.cancel();
      st.job = null;
    }
    const delay = immediate ? 0 : this.hooks.debounceMs(uri);
    const state = st;
    st.timer = setTimeout(() => {
      state.timer = null;
      this.run(uri, state);
    }, delay);
  }

  /** Forget a closed document: cancel its work and wake anyone waiting for it. */
  close(uri: string): void {
    const st = this.docs.get(uri);
    if (!st) return;
    this.docs.delete(uri);
    if (st.timer) clearTimeout(st.timer);
    st.job?.cancel();
    for (const w of st.waiters.splice(0)) w.resolve(undefined);
  }

  /** The newest finished analysis of a document, whatever version it describes. */
  latest(uri: string): AnalysedVersion | undefined {
    return this.docs.get(uri)?.result ?? undefined;
  }

  has(uri: string): boolean {
    return this.docs.has(uri);
  }

  uris(): string[] {
    return [...this.docs.keys()];
  }

  /**
   * The analysis of exactly `version`, waiting for it if it is still being computed. Resolves undefined
   * when the document closes or moves on, after `timeoutMs`, or when `cancelled` fires.
   */
  whenAnalysed(
    uri: string,
    version: number,
    opts: { timeoutMs?: number; onCancel?: (f: () => void) => void } = {},
  ): Promise<Analysis | undefined> {
    const st = this.docs.get(uri);
    if (!st) return Promise.resolve(undefined);
    if (st.result && st.result.version === version) return Promise.resolve(st.result.analysis);
    if (version < st.version) return Promise.resolve(undefined);
    // Asked for during the quiet period after an edit: an incremental re-analysis need not wait for it.
    if (st.timer && version === st.version && this.incrementally(uri, st)) {
      clearTimeout(st.timer);
      st.timer = null;
      return Promise.resolve(st.result!.analysis);
    }
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | null = null;
      const waiter: Waiter = {
        version,
        resolve: (a) => {
          if (timer) clearTimeout(timer);
          const i = st.waiters.indexOf(waiter);
          if (i >= 0) st.waiters.splice(i, 1);
          resolve(a);
        },
      };
      st.waiters.push(waiter);
      if (opts.timeoutMs !== undefined) timer = setTimeout(() => waiter.resolve(undefined), opts.timeoutMs);
      opts.onCancel?.(() => waiter.resolve(undefined));
    });
  }

  warmUp(): void {
    this.analyzer.warmUp();
  }

  dispose(): void {
    for (const uri of this.uris()) this.close(uri);
    this.analyzer.dispose();
  }

  private run(uri: string, st: DocState): void {
    const doc = this.hooks.document(uri);
    if (!doc || this.docs.get(uri) !== st) return;
    if (st.result?.version === doc.version) return;
    if (this.incrementally(uri, st)) return;
    const version = doc.version;
    timelineStep('analysis requested');
    const job = this.analyzer.run({ text: doc.text() });
    st.job = job;
    st.jobVersion = version;
    // While the worker analyses, this thread has time to index the document's lines, which the
    // diagnostics and the first hovers need.
    void job.sent.then(() => {
      timelineStep('analysis sent');
      if (st.job === job) doc.prepare?.();
    });
    job.result.then(
      ({ state, frameRefs, diagnostics }) => {
        timelineStep('analysis received');
        if (st.job === job) st.job = null;
        // Closed, reopened or edited meanwhile: this result describes text nobody has any more.
        if (this.docs.get(uri) !== st || st.version !== version) return;
        this.analysed(uri, st, { version, analysis: state.analysis, state, frameRefs, diagnostics });
      },
      (err) => {
        if (st.job === job) st.job = null;
        if (err instanceof CancelledError) return;
        if (this.docs.get(uri) === st) {
          for (const w of st.waiters.filter((w) => w.version === version)) w.resolve(undefined);
        }
        this.hooks.onFailed(uri, version, err);
      },
    );
  }

  /**
   * Re-analyses the document's current version from the previous result and the edits since, if their
   * lines are known and few enough; true when the result is in.
   */
  private incrementally(uri: string, st: DocState): boolean {
    const doc = this.hooks.document(uri);
    const prev = st.result;
    if (!doc || !prev || prev.version === doc.version) return false;
    const edits = doc.editsSince(prev.version);
    if (!edits || edits.length === 0) return false;
    const state = reanalyzeChange(
      prev.state,
      composeEdits(edits),
      doc.lineCount,
      (from, to) => doc.readLines(from, to),
      MAX_INCREMENTAL_LINES,
    );
    if (!state) return false;
    // A full analysis of an older version still running is worthless now.
    if (st.job) {
      st.job.cancel();
      st.job = null;
    }
    this.analysed(uri, st, { version: doc.version, analysis: state.analysis, state });
    return true;
  }

  private analysed(uri: string, st: DocState, result: AnalysedVersion): void {
    st.result = result;
    for (const w of st.waiters.filter((w) => w.version === result.version)) w.resolve(result.analysis);
    this.hooks.onAnalysed(uri, result);
  }
}

/**
 * Successive line edits as one change of the text before the first: the lines from the first edited
 * one to the last, in old and in new numbering (lines between two edits count as edited too).
 */
export function composeEdits(edits: readonly LineEdit[]): LineChange {
  // The edited region in the current numbering [start, end], and where it ends in the old one.
  let start = edits[0].start;
  let end = edits[0].newEnd;
  let oldEnd = edits[0].oldEnd;
  for (const e of edits.slice(1)) {
    // Lines after the region are the old ones shifted by (end - oldEnd).
    if (e.oldEnd > end) oldEnd = e.oldEnd - (end - oldEnd);
    start = Math.min(start, e.start);
    end = Math.max(end, e.oldEnd) + (e.newEnd - e.oldEnd);
  }
  return { start, oldEnd, newEnd: end };
}
