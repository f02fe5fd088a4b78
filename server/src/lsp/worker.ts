// One job at a time in a worker thread, for the engine's synchronous work that takes seconds (analysing a
// 1,000,000-line log, indexing a 600 MB vmlinux) and would otherwise stall every request meanwhile. The
// worker is the server bundle itself, started with a role (server.ts dispatches on it); jobs are queued,
// matched to replies by id, may report progress, and can be cancelled: a queued job is dropped, a running
// one stops with its thread. Without worker threads the same jobs run on this thread, between requests.
// A request's long strings and arrays (a 1,000,000-line log, its 100,000 frames) cross in slices, one per
// turn of the event loop: copied in one piece they would hold the server's thread for hundreds of
// milliseconds, hovers waiting behind. A long text crosses as bytes (moved, not copied; ASCII as Latin-1,
// other text as UTF-8): a string cloned to another thread keeps its width, and a log holding a single
// character past U+00FF is stored two bytes a character, so its slices would arrive twice the size of the
// same slices decoded there.
import { Worker, type ResourceLimits } from 'node:worker_threads';
import { timelineStep } from './timeline';

/** A kind of job: the role the worker is started with and what it runs (in the worker, or inline). */
export interface JobKind<Req, Res, Progress = never> {
  readonly role: string;
  /** Names the worker in log lines (`analysis worker stopped: …`). */
  readonly name: string;
  run(req: Req, progress: (p: Progress) => void): Res | Promise<Res>;
  /**
   * A long text field read piece by piece as its slices arrive, none of it kept: the reader's result
   * replaces the field in the request the worker runs. (A field short enough to cross whole, and every
   * field of a job run inline, reaches `run` as it was given.)
   */
  readonly readAsItArrives?: { readonly field: string; reader(): TextReader<unknown> };
  /**
   * Should the worker be replaced once this job is done? A thread's heap, grown by a long text, stays
   * with the process (nothing collects an idle thread's garbage) until the thread ends.
   */
  recycleAfter?(req: Req): boolean;
  /**
   * Is this job small enough to run on the server's thread? It then never waits for a worker to start (a
   * thread loads the whole bundle first: 100–400 ms, far longer than a small job) nor for its request to cross.
   */
  runsInline?(req: Req): boolean;
  /**
   * Long text fields the job reads in pieces: they reach `run` as the TextPieces that crossed, not joined
   * (one string would be two bytes a character throughout as soon as one piece holds a character past
   * U+00FF).
   */
  readonly keepsPieces?: readonly string[];
  /**
   * How a worker's result crosses back when cloning it as it is would cost the server's thread more than
   * making it again from a packed form (`pack` runs in the worker, `unpack` on arrival; inline, neither).
   */
  readonly resultWire?: { pack(result: Res): unknown; unpack(wire: unknown): Res };
}

/** What reads a text given in consecutive pieces (cut anywhere, even inside a line). */
export interface TextReader<T> {
  push(piece: string): void;
  end(): T;
}

export interface Job<Res> {
  /** Resolves with the job's result; rejects with `CancelledError` after `cancel()`, or with the failure. */
  readonly result: Promise<Res>;
  /** Has the job left the queue (it is running or done)? */
  readonly started: boolean;
  /** Resolves once the request has crossed to the worker (or the job ended before it did). */
  readonly sent: Promise<void>;
  /** Drops the job if queued; stops it if running (the worker is restarted for the next job). */
  cancel(): void;
}

export class CancelledError extends Error {
  constructor(what = 'job') {
    super(`${what} cancelled`);
  }
}

/** Strings longer than this cross to the worker in slices of this many UTF-16 units. */
export const SLICE_CHARS = 1 << 20;
/** Arrays longer than this cross in slices of this many elements. */
export const SLICE_ITEMS = 2000;

type Sliceable = string | unknown[];

/**
 * A long text given as its consecutive pieces (an open document's chunks), so that this thread need not
 * join them: it crosses to the worker as it is and arrives there as one string.
 */
export class TextPieces {
  constructor(readonly pieces: readonly string[]) {}

  get length(): number {
    return this.pieces.reduce((n, p) => n + p.length, 0);
  }

  toString(): string {
    return this.pieces.join('');
  }
}

/** A text field of a request: the string itself, or its pieces. */
export type LongText = string | TextPieces;

/** The text as one string (in the worker it always is). */
export function textOf(t: LongText): string {
  return typeof t === 'string' ? t : t.toString();
}

/**
 * Does the string hold a lone surrogate (half of a UTF-16 pair), which UTF-8 cannot carry? Node 20's
 * String.prototype.isWellFormed (ES2024, not in this project's ES2022 lib) scans a megabyte in about a
 * millisecond, three times faster than the equivalent regular expression with look-arounds.
 */
const hasLoneSurrogate = (s: string): boolean => !(s as string & { isWellFormed(): boolean }).isWellFormed();

/**
 * Slices of about `size` UTF-16 units of `t`, each given as its consecutive parts: whole pieces grouped up
 * to `size` (a document's chunks end with a line break), or a string cut between characters (never inside a
 * surrogate pair). The parts are not joined: copying a 100 MB text into slices first cost this thread more
 * than encoding it.
 */
function* textSlices(t: LongText, size: number): Generator<readonly string[]> {
  if (typeof t !== 'string') {
    let group: string[] = [];
    let n = 0;
    for (const p of t.pieces) {
      if (n > 0 && n + p.length > size) {
        yield group;
        group = [];
        n = 0;
      }
      group.push(p);
      n += p.length;
    }
    if (n > 0) yield group;
    return;
  }
  for (let at = 0; at < t.length;) {
    let end = Math.min(at + size, t.length);
    const last = t.charCodeAt(end - 1);
    if (end < t.length && last >= 0xd800 && last <= 0xdbff) end++;
    yield [t.slice(at, end)];
    at = end;
  }
}

/** A slice as it crosses: bytes to move, or the string itself when it holds a lone surrogate. */
type Crossing = { bytes: Uint8Array; latin1?: true } | { slice: string };

/**
 * A slice given as its parts, as it crosses. ASCII (most logs, checked per part: its UTF-8 length is its
 * length) is written one byte a character into one buffer and read back as Latin-1, a copy each way; other
 * text as UTF-8, decoded one byte a character where the worker's slice allows it.
 */
function crossing(parts: readonly string[]): Crossing {
  let chars = 0;
  let ascii = true;
  for (const p of parts) {
    chars += p.length;
    if (ascii && Buffer.byteLength(p, 'utf8') !== p.length) ascii = false;
  }
  if (ascii) {
    const b = Buffer.allocUnsafeSlow(chars);
    let at = 0;
    for (const p of parts) at += b.write(p, at, 'latin1');
    return { bytes: b, latin1: true };
  }
  const slice = parts.length === 1 ? parts[0] : parts.join('');
  if (hasLoneSurrogate(slice)) return { slice };
  const b = Buffer.from(slice, 'utf8');
  // A buffer of its own (not a slice of Buffer's pool) can be moved.
  return { bytes: b.byteOffset === 0 && b.buffer.byteLength === b.length ? b : Uint8Array.from(b) };
}

/**
 * To the worker: slices of the request's long top-level strings and arrays (`slice`, in order), then the
 * request with those fields empty and named in `sliced`.
 */
type Request<Req> =
  | { id: number; field: string; slice: Sliceable }
  | { id: number; field: string; bytes: Uint8Array; latin1?: true }
  | { id: number; req: Req; sliced?: string[] };
/** (`result` is packed when the kind has a `resultWire`.) */
type Reply<Res, Progress> =
  { id: number; progress: Progress } | { id: number; result: Res | unknown } | { id: number; error: string };

interface Port<Req, Res, Progress> {
  on(ev: 'message', f: (r: Request<Req>) => void): void;
  postMessage(r: Reply<Res, Progress>): void;
}

/** The worker's side: runs each request in order (jobs never overlap) and posts progress and the result. */
export function serveJobs<Req, Res, Progress>(
  port: Port<Req, Res, Progress>,
  kind: JobKind<Req, Res, Progress>,
): void {
  let chain = Promise.resolve();
  // Slices of the request being sent, by field (one request crosses at a time, see JobWorker.post).
  let slices = new Map<string, Sliceable[]>();
  const streamed = kind.readAsItArrives;
  let reading: TextReader<unknown> | null = null;
  port.on('message', (m) => {
    if ('slice' in m || 'bytes' in m) {
      // Decoded as they come: the string is one byte a character where the slice allows it.
      const slice =
        'bytes' in m
          ? Buffer.from(m.bytes.buffer, m.bytes.byteOffset, m.bytes.length).toString(
              m.latin1 ? 'latin1' : 'utf8',
            )
          : m.slice;
      if (m.field === streamed?.field && typeof slice === 'string') {
        (reading ??= streamed.reader()).push(slice);
        return;
      }
      const parts = slices.get(m.field) ?? [];
      parts.push(slice);
      slices.set(m.field, parts);
      return;
    }
    const { id } = m;
    let req = m.req;
    if (m.sliced) {
      // No parts: an empty text given in pieces.
      const joined = (field: string, parts: Sliceable[]) =>
        kind.keepsPieces?.includes(field)
          ? new TextPieces(parts as string[])
          : parts.length === 0 || typeof parts[0] === 'string'
            ? parts.join('')
            : (parts as unknown[][]).flat(1);
      const fields = Object.fromEntries(
        m.sliced.map((f) => [
          f,
          f === streamed?.field ? (reading ?? streamed.reader()).end() : joined(f, slices.get(f) ?? []),
        ]),
      );
      req = { ...req, ...fields };
    }
    slices = new Map();
    reading = null;
    chain = chain.then(async () => {
      try {
        timelineStep(`${kind.name} job started`);
        const result = await kind.run(req, (progress) => port.postMessage({ id, progress }));
        timelineStep(`${kind.name} job done`);
        port.postMessage({ id, result: kind.resultWire ? kind.resultWire.pack(result) : result });
        timelineStep(`${kind.name} result posted`);
      } catch (e) {
        port.postMessage({ id, error: errorText(e) });
      }
    });
  });
}

interface Pending<Req, Res, Progress> {
  id: number;
  req: Req;
  onProgress: (p: Progress) => void;
  resolve(r: Res): void;
  reject(e: unknown): void;
  started: boolean;
  settled: boolean;
  markSent(): void;
}

export interface JobWorkerOptions {
  /** Warnings (a worker that stopped, no worker threads). */
  log?: (message: string) => void;
  /** Run jobs on this thread from the start (for hosts without workers, or to measure the difference). */
  inline?: boolean;
  /** The worker thread's V8 limits (Node's `resourceLimits`). */
  resourceLimits?: ResourceLimits;
}

export class JobWorker<Req, Res, Progress = never> {
  private worker: Worker | null = null;
  private inline: boolean;
  private running: Pending<Req, Res, Progress> | null = null;
  private readonly queue: Pending<Req, Res, Progress>[] = [];
  private nextId = 1;
  private disposed = false;
  private readonly log: (message: string) => void;
  private readonly resourceLimits: ResourceLimits | undefined;

  /** `script` is the file the worker runs (the bundled server itself). */
  constructor(
    private readonly script: string,
    private readonly kind: JobKind<Req, Res, Progress>,
    options: JobWorkerOptions = {},
  ) {
    this.inline = options.inline ?? false;
    this.log = options.log ?? (() => {});
    this.resourceLimits = options.resourceLimits;
  }

  run(req: Req, onProgress: (p: Progress) => void = () => {}): Job<Res> {
    let pending!: Pending<Req, Res, Progress>;
    let markSent!: () => void;
    const sent = new Promise<void>((resolve) => (markSent = resolve));
    const result = new Promise<Res>((resolve, reject) => {
      pending = {
        id: this.nextId++,
        req,
        onProgress,
        resolve,
        reject,
        started: false,
        settled: false,
        markSent,
      };
    });
    if (this.disposed) this.settle(pending, new CancelledError(this.kind.name));
    else {
      this.queue.push(pending);
      this.pump();
    }
    return {
      result,
      get started() {
        return pending.started;
      },
      sent,
      cancel: () => this.cancel(pending),
    };
  }

  /** Start the worker ahead of the first job, so that job is not kept waiting. */
  warmUp(): void {
    if (!this.disposed && !this.inline) this.ensureWorker();
  }

  dispose(): void {
    this.disposed = true;
    for (const p of this.queue.splice(0)) this.settle(p, new CancelledError(this.kind.name));
    if (this.running) this.settle(this.running, new CancelledError(this.kind.name));
    this.running = null;
    this.stopWorker();
  }

  private cancel(p: Pending<Req, Res, Progress>): void {
    const i = this.queue.indexOf(p);
    if (i >= 0) {
      this.queue.splice(i, 1);
      this.settle(p, new CancelledError(this.kind.name));
    } else if (this.running === p && !this.inline) {
      // The engine cannot be interrupted from outside; dropping its thread is the only way to stop it.
      this.running = null;
      this.settle(p, new CancelledError(this.kind.name));
      this.stopWorker();
      this.pump();
    } else if (this.running === p) {
      // Inline, the job holds this thread between its turns: its result is dropped when it comes.
      this.settle(p, new CancelledError(this.kind.name));
    }
  }

  private settle(p: Pending<Req, Res, Progress>, outcome: { result: Res } | Error): void {
    p.markSent();
    if (p.settled) return;
    p.settled = true;
    if (outcome instanceof Error) p.reject(outcome);
    else p.resolve(outcome.result);
  }

  /** The running job ended (result or failure): settle it and start the next. */
  private finish(p: Pending<Req, Res, Progress>, outcome: { result: Res } | Error): void {
    if (this.running !== p) return;
    this.running = null;
    // The next job (or the first after it) starts a new thread.
    if (this.worker && this.kind.recycleAfter?.(p.req)) this.stopWorker();
    this.settle(p, outcome);
    this.pump();
  }

  private pump(): void {
    if (this.disposed || this.running || this.queue.length === 0) return;
    const p = this.queue.shift()!;
    p.started = true;
    this.running = p;
    const w = this.inline || this.kind.runsInline?.(p.req) ? null : this.ensureWorker();
    if (w) void this.post(w, p);
    else this.runInline(p);
  }

  /** Sends `p` to `w`, its long strings and arrays a slice per turn; stops if the job or the worker goes. */
  private async post(w: Worker, p: Pending<Req, Res, Progress>): Promise<void> {
    const req = p.req;
    const long =
      typeof req === 'object' && req !== null
        ? Object.entries(req).filter(
            (e): e is [string, LongText | unknown[]] =>
              e[1] instanceof TextPieces ||
              (typeof e[1] === 'string' && e[1].length > SLICE_CHARS) ||
              (Array.isArray(e[1]) && e[1].length > SLICE_ITEMS),
          )
        : [];
    const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
    for (const [field, value] of long) {
      if (Array.isArray(value)) {
        for (let at = 0; at < value.length; at += SLICE_ITEMS) {
          w.postMessage({ id: p.id, field, slice: value.slice(at, at + SLICE_ITEMS) } satisfies Request<Req>);
          await turn();
          if (this.running !== p || this.worker !== w) return p.markSent();
        }
        continue;
      }
      for (const slice of textSlices(value, SLICE_CHARS)) {
        const m = crossing(slice);
        if ('bytes' in m)
          w.postMessage({ id: p.id, field, ...m } satisfies Request<Req>, [m.bytes.buffer as ArrayBuffer]);
        else w.postMessage({ id: p.id, field, ...m } satisfies Request<Req>);
        await turn();
        if (this.running !== p || this.worker !== w) return p.markSent();
      }
    }
    const sliced = long.map(([field]) => field);
    const empty = (v: LongText | unknown[]) => (Array.isArray(v) ? [] : '');
    const rest = sliced.length ? { ...req, ...Object.fromEntries(long.map(([f, v]) => [f, empty(v)])) } : req;
    w.postMessage({
      id: p.id,
      req: rest,
      ...(sliced.length ? { sliced } : {}),
    } satisfies Request<Req>);
    p.markSent();
  }

  private runInline(p: Pending<Req, Res, Progress>): void {
    p.markSent();
    setImmediate(() => {
      if (this.running !== p) return;
      if (p.settled) return this.finish(p, new CancelledError(this.kind.name)); // cancelled before it began
      const progress = (x: Progress) => !p.settled && p.onProgress(x);
      Promise.resolve()
        .then(() => this.kind.run(p.req, progress))
        .then(
          (result) => this.finish(p, { result }),
          (e) => this.finish(p, e instanceof Error ? e : new Error(String(e))),
        );
    });
  }

  private ensureWorker(): Worker | null {
    if (this.worker) return this.worker;
    let w: Worker;
    try {
      w = new Worker(this.script, {
        workerData: { role: this.kind.role },
        ...(this.resourceLimits ? { resourceLimits: this.resourceLimits } : {}),
      });
    } catch (e) {
      this.log(`no ${this.kind.name} worker (${String(e)}); running on the server thread`);
      this.inline = true;
      return null;
    }
    w.on('message', (reply: Reply<Res, Progress>) => {
      const p = this.running;
      if (!p || p.id !== reply.id) return;
      if ('progress' in reply) p.onProgress(reply.progress);
      else if ('result' in reply) {
        const wire = this.kind.resultWire;
        let result: Res;
        try {
          result = wire ? wire.unpack(reply.result) : (reply.result as Res);
        } catch (e) {
          return this.finish(p, e instanceof Error ? e : new Error(String(e)));
        }
        this.finish(p, { result });
      } else this.finish(p, new Error(reply.error));
    });
    const fail = (why: string) => {
      if (this.worker !== w) return;
      this.log(`${this.kind.name} worker stopped: ${why}`);
      this.stopWorker();
      const p = this.running;
      if (p) this.finish(p, new Error(`${this.kind.name} worker stopped: ${why}`));
    };
    w.on('error', (e) => fail(errorText(e)));
    w.on('exit', (code) => fail(`exit code ${code}`));
    w.unref();
    this.worker = w;
    return w;
  }

  private stopWorker(): void {
    const w = this.worker;
    this.worker = null;
    if (w) {
      w.removeAllListeners();
      void w.terminate();
    }
  }
}

function errorText(e: unknown): string {
  return e instanceof Error ? (e.stack ?? e.message) : String(e);
}
