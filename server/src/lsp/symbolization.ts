// Symbolization of each open log, off the request path. The symbolizer is synchronous and indexing a
// 600 MB vmlinux takes seconds, so it runs in its own worker thread (worker.ts: the server bundle again,
// with another role), one job at a time; a newer version of a document replaces its queued job. Results
// are cached per document version; features ask `get` (now) or `when` (waiting, boundedly) and never
// block the server.
import {
  LogMapsReader,
  symbolizeLog,
  type SourceMapper,
  type CrossCheck,
  type DebugFilesInUse,
  type LogFrame,
  type LogMaps,
  type SessionOptions,
} from '../engine';
import type { FrameSymbolization } from '../engine';
import { CancelledError, JobWorker, TextPieces, type Job, type JobKind, type LongText } from './worker';

export interface DocSymbolization {
  version: number;
  frames: LogFrame[];
  results: Map<string, FrameSymbolization>;
  files: DebugFilesInUse;
  messages: string[];
  crossChecks: Map<string, CrossCheck>;
  sources: SourceMapper;
}

type JobOptions = Omit<SessionOptions, 'onIndexing'>;

interface SymbolizationRequest {
  /** The log's text; in the worker, the maps it holds, read as its slices arrived (the text is not kept). */
  text: LongText | LogMaps;
  frames: LogFrame[];
  options: JobOptions;
}
/** What crosses the thread boundary: the Maps as entry lists. */
interface SymbolizationReply {
  results: [string, FrameSymbolization][];
  files: DebugFilesInUse;
  messages: string[];
  crossChecks: [string, CrossCheck][];
}

/** Symbolizations; progress is the vmlinux being indexed. */
export const SYMBOLIZATION_JOBS: JobKind<SymbolizationRequest, SymbolizationReply, string> = {
  role: 'kernel-oops-lens/symbolize',
  name: 'symbolizer',
  readAsItArrives: { field: 'text', reader: () => new LogMapsReader() },
  run: async (req, indexing) => {
    // (Inline, the document's chunks: read as they are, not joined.)
    const log = req.text instanceof TextPieces ? req.text.pieces : req.text;
    const r = await symbolizeLog(log, req.frames, { ...req.options, onIndexing: indexing });
    return { results: [...r.results], files: r.files, messages: r.messages, crossChecks: [...r.crossChecks] };
  },
};

export interface SymbolizationHooks {
  log(message: string): void;
  /** A vmlinux is being indexed for this job (show progress); `done` is called when the job ends. */
  indexing(file: string): { done(): void };
  /** A document's symbolization is ready (refresh hints, status, messages). */
  ready(uri: string, result: DocSymbolization): void;
}

interface DocJob {
  uri: string;
  version: number;
  frames: LogFrame[];
  sources: SourceMapper;
  job: Job<SymbolizationReply>;
  progress?: { done(): void };
  /** Asked before the last `clear`, with old options: its answer is dropped. */
  stale?: boolean;
}

interface Waiter {
  uri: string;
  version: number;
  resolve(r: DocSymbolization | undefined): void;
}

export class SymbolizationService {
  private readonly worker: JobWorker<SymbolizationRequest, SymbolizationReply, string>;
  /** Jobs queued or running, oldest first. */
  private readonly jobs: DocJob[] = [];
  private readonly done = new Map<string, DocSymbolization>();
  private readonly waiters: Waiter[] = [];

  constructor(
    script: string,
    private readonly hooks: SymbolizationHooks,
  ) {
    this.worker = new JobWorker(script, SYMBOLIZATION_JOBS, { log: hooks.log });
  }

  /** Symbolize `frames` of `uri` at `version` (replacing any queued job for the document). */
  request(
    uri: string,
    version: number,
    text: LongText,
    frames: LogFrame[],
    options: JobOptions,
    sources: SourceMapper,
  ): void {
    const cur = this.done.get(uri);
    if (cur && cur.version > version) return;
    this.dropQueued(uri);
    const d: DocJob = {
      uri,
      version,
      frames,
      sources,
      // Progress comes later (from the worker, or inline a turn later), when `d` is there.
      job: this.worker.run({ text, frames, options }, (file) => (d.progress = this.hooks.indexing(file))),
    };
    this.jobs.push(d);
    d.job.result.then(
      (reply) => this.succeeded(d, reply),
      (e) => this.failed(d, e),
    );
  }

  get(uri: string, version: number): DocSymbolization | undefined {
    const r = this.done.get(uri);
    return r && r.version === version ? r : undefined;
  }

  /** The result for exactly `version`, waiting at most `timeoutMs` for it. */
  when(uri: string, version: number, timeoutMs: number): Promise<DocSymbolization | undefined> {
    const now = this.get(uri, version);
    if (now) return Promise.resolve(now);
    if (!this.pending(uri) || timeoutMs <= 0) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const w: Waiter = { uri, version, resolve: (r) => (clearTimeout(t), resolve(r)) };
      const t = setTimeout(() => {
        const i = this.waiters.indexOf(w);
        if (i >= 0) this.waiters.splice(i, 1);
        resolve(undefined);
      }, timeoutMs);
      this.waiters.push(w);
    });
  }

  /** Is a job for `uri` (asked since the last `clear`), of `version` or later, queued or running? */
  pending(uri: string, version = 0): boolean {
    return this.jobs.some((j) => j.uri === uri && !j.stale && j.version >= version);
  }

  close(uri: string): void {
    this.done.delete(uri);
    this.dropQueued(uri);
    this.wake(uri, () => true, undefined);
  }

  /**
   * Forget every result and every job asked before (debug-file settings or trust changed): the caller asks
   * again. A running job finishes (its thread keeps the vmlinux index) but its answer is dropped.
   */
  clear(): void {
    this.done.clear();
    for (const uri of new Set(this.jobs.map((j) => j.uri))) this.dropQueued(uri);
    for (const j of this.jobs) j.stale = true;
  }

  dispose(): void {
    for (const w of this.waiters.splice(0)) w.resolve(undefined);
    this.worker.dispose();
  }

  /** Queued (not started) jobs of `uri` are dropped; a running one finishes. */
  private dropQueued(uri: string): void {
    for (const d of this.jobs.filter((d) => d.uri === uri && !d.job.started)) {
      this.ended(d);
      d.job.cancel();
    }
  }

  private wake(uri: string, pred: (w: Waiter) => boolean, r: DocSymbolization | undefined): void {
    for (const w of this.waiters.filter((w) => w.uri === uri && pred(w))) {
      this.waiters.splice(this.waiters.indexOf(w), 1);
      w.resolve(r);
    }
  }

  private ended(d: DocJob): void {
    d.progress?.done();
    const i = this.jobs.indexOf(d);
    if (i >= 0) this.jobs.splice(i, 1);
  }

  private succeeded(d: DocJob, reply: SymbolizationReply): void {
    this.ended(d);
    if (d.stale) {
      // Its waiters get the answer of the job asked since, if there is one.
      if (!this.pending(d.uri)) this.wake(d.uri, (w) => w.version <= d.version, undefined);
      return;
    }
    const r: DocSymbolization = {
      version: d.version,
      frames: d.frames,
      results: new Map(reply.results),
      files: reply.files,
      messages: reply.messages,
      crossChecks: new Map(reply.crossChecks),
      sources: d.sources,
    };
    this.done.set(d.uri, r);
    this.wake(d.uri, (w) => w.version === d.version, r);
    this.hooks.ready(d.uri, r);
    this.wake(d.uri, (w) => w.version <= d.version, undefined);
  }

  private failed(d: DocJob, e: unknown): void {
    this.ended(d);
    if (e instanceof CancelledError) return;
    this.hooks.log(`symbolization of ${d.uri} failed: ${e instanceof Error ? e.message : String(e)}`);
    this.wake(d.uri, (w) => w.version <= d.version, undefined);
  }
}
