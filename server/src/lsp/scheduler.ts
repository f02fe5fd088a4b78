// When to analyse which document: at once on open, after a quiet period on edits (debounce), never twice
// for the same version, and never to publish a result that an edit has already made stale.
import type { Analysis } from '../engine';
import type { Analyzer, AnalysisJob } from './analyzer';
import { CancelledError } from './worker';

export interface AnalysedVersion {
  version: number;
  analysis: Analysis;
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
  /** Current text of an open document, or undefined once it has closed. */
  text(uri: string): { version: number; text: string } | undefined;
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
    const doc = this.hooks.text(uri);
    if (!doc || this.docs.get(uri) !== st) return;
    if (st.result?.version === doc.version) return;
    const version = doc.version;
    const job = this.analyzer.run(doc.text);
    st.job = job;
    st.jobVersion = version;
    job.result.then(
      (analysis) => {
        if (st.job === job) st.job = null;
        // Closed, reopened or edited meanwhile: this result describes text nobody has any more.
        if (this.docs.get(uri) !== st || st.version !== version) return;
        st.result = { version, analysis };
        for (const w of st.waiters.filter((w) => w.version === version)) w.resolve(analysis);
        this.hooks.onAnalysed(uri, st.result);
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
}
