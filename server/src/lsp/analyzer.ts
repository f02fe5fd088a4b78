// Runs the engine off the language server's request path. The engine's analyzeText is synchronous, and
// a 1,000,000-line log takes seconds; run in the server's own thread it would stall every hover and
// every keystroke's reply meanwhile. So analyses run one at a time in a worker thread, and a job that
// has gone stale (the document changed or closed) is cancelled by terminating that worker.
import { Worker } from 'node:worker_threads';
import { analyzeText, type Analysis } from '../engine';

export interface AnalysisJob {
  /** Resolves with the analysis; rejects with `CancelledError` after `cancel()`. */
  readonly result: Promise<Analysis>;
  cancel(): void;
}

export interface Analyzer {
  start(text: string): AnalysisJob;
  /** Get ready for the first job (start the worker) so the first document is not kept waiting. */
  warmUp(): void;
  dispose(): void;
}

export class CancelledError extends Error {
  constructor() {
    super('analysis cancelled');
  }
}

/** Marks the worker so the bundle's entry point knows to serve analyses instead of LSP. */
export const WORKER_ROLE = 'kernel-oops-lens/analysis';

interface Request {
  id: number;
  text: string;
}
type Reply = { id: number; analysis: Analysis } | { id: number; error: string };

/** The worker's side: answer each request with analyzeText's result. */
export function serveAnalyses(port: {
  on(ev: 'message', f: (r: Request) => void): void;
  postMessage(r: Reply): void;
}): void {
  port.on('message', (req) => {
    try {
      port.postMessage({ id: req.id, analysis: analyzeText(req.text) });
    } catch (e) {
      port.postMessage({ id: req.id, error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
    }
  });
}

interface Pending {
  id: number;
  text: string;
  resolve(a: Analysis): void;
  reject(e: unknown): void;
}

export class WorkerAnalyzer implements Analyzer {
  private worker: Worker | null = null;
  private running: Pending | null = null;
  private readonly queue: Pending[] = [];
  private nextId = 1;
  private disposed = false;

  /** `script` is the file the worker runs (the bundled server itself). */
  constructor(
    private readonly script: string,
    private readonly log: (msg: string) => void = () => {},
  ) {}

  start(text: string): AnalysisJob {
    const id = this.nextId++;
    let pending!: Pending;
    const result = new Promise<Analysis>((resolve, reject) => {
      pending = { id, text, resolve, reject };
    });
    this.queue.push(pending);
    this.pump();
    return { result, cancel: () => this.cancel(pending) };
  }

  warmUp(): void {
    if (!this.disposed) this.ensureWorker();
  }

  dispose(): void {
    this.disposed = true;
    for (const p of this.queue.splice(0)) p.reject(new CancelledError());
    if (this.running) this.running.reject(new CancelledError());
    this.running = null;
    this.worker?.removeAllListeners();
    void this.worker?.terminate();
    this.worker = null;
  }

  private cancel(p: Pending): void {
    const i = this.queue.indexOf(p);
    if (i >= 0) {
      this.queue.splice(i, 1);
      p.reject(new CancelledError());
    } else if (this.running === p) {
      // The engine cannot be interrupted from outside; dropping its thread is the only way to stop it.
      this.running = null;
      p.reject(new CancelledError());
      this.restart();
    }
  }

  private restart(): void {
    const w = this.worker;
    this.worker = null;
    if (w) {
      w.removeAllListeners();
      void w.terminate();
    }
    this.pump();
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(this.script, { workerData: { role: WORKER_ROLE } });
    w.on('message', (reply: Reply) => {
      const p = this.running;
      if (!p || p.id !== reply.id) return;
      this.running = null;
      if ('analysis' in reply) p.resolve(reply.analysis);
      else p.reject(new Error(reply.error));
      this.pump();
    });
    const fail = (why: string) => {
      this.log(`analysis worker stopped: ${why}`);
      const p = this.running;
      this.running = null;
      p?.reject(new Error(`analysis worker stopped: ${why}`));
      this.restart();
    };
    w.on('error', (e) => fail(e instanceof Error ? e.message : String(e)));
    w.on('exit', (code) => fail(`exit code ${code}`));
    w.unref();
    this.worker = w;
    return w;
  }

  private pump(): void {
    if (this.disposed || this.running || this.queue.length === 0) return;
    const p = this.queue.shift()!;
    this.running = p;
    this.ensureWorker().postMessage({ id: p.id, text: p.text } satisfies Request);
  }
}

/** Same contract in the calling thread, one turn of the event loop later; for hosts without workers. */
export class InlineAnalyzer implements Analyzer {
  start(text: string): AnalysisJob {
    let cancelled = false;
    let rejectFn: (e: unknown) => void = () => {};
    const result = new Promise<Analysis>((resolve, reject) => {
      rejectFn = reject;
      setImmediate(() => {
        if (cancelled) return;
        try {
          resolve(analyzeText(text));
        } catch (e) {
          reject(e);
        }
      });
    });
    return {
      result,
      cancel: () => {
        cancelled = true;
        rejectFn(new CancelledError());
      },
    };
  }
  warmUp(): void {}
  dispose(): void {}
}
