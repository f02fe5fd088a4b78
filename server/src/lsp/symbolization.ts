// Symbolization of each open log, off the request path. The symbolizer is synchronous and indexing a
// 600 MB vmlinux takes seconds, so it runs in its own worker thread (the server bundle again, with another
// role), one job at a time; a newer version of a document replaces its queued job. Results are cached per
// document version; features ask `get` (now) or `when` (waiting, boundedly) and never block the server.
import { Worker } from 'node:worker_threads';
import {
  symbolizeLog,
  type SourceMapper,
  type CrossCheck,
  type DebugFilesInUse,
  type LogFrame,
  type SessionOptions,
} from '../engine';
import type { FrameSymbolization } from '../engine';

export const SYMBOLIZER_ROLE = 'kernel-oops-lens/symbolize';

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

interface Request {
  id: number;
  text: string;
  frames: LogFrame[];
  options: JobOptions;
}
type Reply =
  | { id: number; indexing: string }
  | {
      id: number;
      results: [string, FrameSymbolization][];
      files: DebugFilesInUse;
      messages: string[];
      crossChecks: [string, CrossCheck][];
    }
  | { id: number; error: string };

/** The worker's side. */
export function serveSymbolization(port: {
  on(ev: 'message', f: (r: Request) => void): void;
  postMessage(r: Reply): void;
}): void {
  // One job at a time, in order: the symbolizer's caches are not shared between overlapping jobs.
  let chain = Promise.resolve();
  port.on('message', (req) => {
    chain = chain.then(async () => {
      try {
        const r = await symbolizeLog(req.text, req.frames, {
          ...req.options,
          onIndexing: (file) => port.postMessage({ id: req.id, indexing: file }),
        });
        port.postMessage({
          id: req.id,
          results: [...r.results],
          files: r.files,
          messages: r.messages,
          crossChecks: [...r.crossChecks],
        });
      } catch (e) {
        port.postMessage({ id: req.id, error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
      }
    });
  });
}

export interface SymbolizationHooks {
  log(message: string): void;
  /** A vmlinux is being indexed for this job (show progress); `done` is called when the job ends. */
  indexing(file: string): { done(): void };
  /** A document's symbolization is ready (refresh hints, status, messages). */
  ready(uri: string, result: DocSymbolization): void;
}

interface Job {
  id: number;
  uri: string;
  version: number;
  req: Request;
  sources: SourceMapper;
  progress?: { done(): void };
}

interface Waiter {
  uri: string;
  version: number;
  resolve(r: DocSymbolization | undefined): void;
}

export class SymbolizationService {
  private worker: Worker | null = null;
  private workerFailed = false;
  private running: Job | null = null;
  private readonly queue: Job[] = [];
  private readonly done = new Map<string, DocSymbolization>();
  private readonly waiters: Waiter[] = [];
  private nextId = 1;

  constructor(
    private readonly script: string,
    private readonly hooks: SymbolizationHooks,
  ) {}

  /** Symbolize `frames` of `uri` at `version` (replacing any queued job for the document). */
  request(
    uri: string,
    version: number,
    text: string,
    frames: LogFrame[],
    options: JobOptions,
    sources: SourceMapper,
  ): void {
    const cur = this.done.get(uri);
    if (cur && cur.version > version) return;
    for (let i = this.queue.length - 1; i >= 0; i--) if (this.queue[i].uri === uri) this.queue.splice(i, 1);
    const id = this.nextId++;
    this.queue.push({ id, uri, version, sources, req: { id, text, frames, options } });
    this.pump();
  }

  get(uri: string, version: number): DocSymbolization | undefined {
    const r = this.done.get(uri);
    return r && r.version === version ? r : undefined;
  }

  /** The result for exactly `version`, waiting at most `timeoutMs` for it. */
  when(uri: string, version: number, timeoutMs: number): Promise<DocSymbolization | undefined> {
    const now = this.get(uri, version);
    if (now) return Promise.resolve(now);
    const pending = this.running?.uri === uri || this.queue.some((j) => j.uri === uri);
    if (!pending) return Promise.resolve(undefined);
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

  /** Is a job for `uri` queued or running? */
  pending(uri: string): boolean {
    return this.running?.uri === uri || this.queue.some((j) => j.uri === uri);
  }

  close(uri: string): void {
    this.done.delete(uri);
    for (let i = this.queue.length - 1; i >= 0; i--) if (this.queue[i].uri === uri) this.queue.splice(i, 1);
    this.wake(uri, () => true, undefined);
  }

  /** Forget every result (debug-file settings changed). */
  clear(): void {
    this.done.clear();
  }

  dispose(): void {
    this.queue.length = 0;
    for (const w of this.waiters.splice(0)) w.resolve(undefined);
    this.worker?.removeAllListeners();
    void this.worker?.terminate();
    this.worker = null;
  }

  private wake(uri: string, pred: (w: Waiter) => boolean, r: DocSymbolization | undefined): void {
    for (const w of this.waiters.filter((w) => w.uri === uri && pred(w))) {
      this.waiters.splice(this.waiters.indexOf(w), 1);
      w.resolve(r);
    }
  }

  private finish(job: Job, reply: Reply): void {
    job.progress?.done();
    this.running = null;
    if ('error' in reply) this.hooks.log(`symbolization of ${job.uri} failed: ${reply.error}`);
    else if ('results' in reply) {
      const r: DocSymbolization = {
        version: job.version,
        frames: job.req.frames,
        results: new Map(reply.results),
        files: reply.files,
        messages: reply.messages,
        crossChecks: new Map(reply.crossChecks),
        sources: job.sources,
      };
      this.done.set(job.uri, r);
      this.wake(job.uri, (w) => w.version === job.version, r);
      this.hooks.ready(job.uri, r);
    }
    this.wake(job.uri, (w) => w.version <= job.version, undefined);
    this.pump();
  }

  private pump(): void {
    if (this.running || this.queue.length === 0) return;
    const job = this.queue.shift()!;
    this.running = job;
    const w = this.ensureWorker();
    if (w) w.postMessage(job.req);
    else this.runInline(job);
  }

  /** Hosts without worker threads: the same work on this thread, between requests. */
  private runInline(job: Job): void {
    setImmediate(() => {
      void symbolizeLog(job.req.text, job.req.frames, {
        ...job.req.options,
        onIndexing: (f) => (job.progress = this.hooks.indexing(f)),
      }).then(
        (r) =>
          this.finish(job, {
            id: job.id,
            results: [...r.results],
            files: r.files,
            messages: r.messages,
            crossChecks: [...r.crossChecks],
          }),
        (e) => this.finish(job, { id: job.id, error: String(e) }),
      );
    });
  }

  private ensureWorker(): Worker | null {
    if (this.worker || this.workerFailed) return this.worker;
    try {
      const w = new Worker(this.script, { workerData: { role: SYMBOLIZER_ROLE } });
      w.on('message', (reply: Reply) => {
        const job = this.running;
        if (!job || job.id !== reply.id) return;
        if ('indexing' in reply) job.progress = this.hooks.indexing(reply.indexing);
        else this.finish(job, reply);
      });
      const fail = (why: string) => {
        this.hooks.log(`symbolizer worker stopped: ${why}`);
        this.worker = null;
        const job = this.running;
        if (job) this.finish(job, { id: job.id, error: why });
      };
      w.on('error', (e) => fail(e instanceof Error ? e.message : String(e)));
      w.on('exit', (code) => fail(`exit code ${code}`));
      w.unref();
      this.worker = w;
    } catch (e) {
      this.hooks.log(`no symbolizer worker (${e}); symbolizing on the server thread`);
      this.workerFailed = true;
    }
    return this.worker;
  }
}
