// A job kind for worker.ts tests: echoes, busy-waits like the engine, reports progress, throws, crashes.
import { resourceLimits, threadId } from 'node:worker_threads';
import { textOf, type JobKind, type LongText, type TextReader } from '../../src/lsp/worker';

export type TestRequest =
  | { op: 'echo'; value: number }
  /** Like echo, but the worker is replaced after it (recycleAfter). */
  | { op: 'heavy'; value: number }
  /** Like echo, but small enough to run on the calling thread (runsInline). */
  | { op: 'tiny'; value: number }
  | { op: 'busy'; value: number; ms: number }
  | { op: 'progress'; value: number; steps: number }
  | { op: 'checksum'; text: LongText; note: string; items?: number[] }
  /** `streamed` is read as its slices arrive (readAsItArrives): in the worker, its reader's result. */
  | { op: 'read'; streamed: LongText | ReadResult }
  /** The young generation limit of the thread that runs it, in MB. */
  | { op: 'limits' }
  | { op: 'throw' }
  | { op: 'exit'; code: number };

export interface TestResult {
  value: number;
  /** The thread that ran the job (0: the main thread). */
  thread: number;
  /** For `read`: how many pieces the reader was given (0: the text reached `run` whole). */
  pieces?: number;
}

/** What the test reader made of a text: its checksum and how many pieces it was given. */
export interface ReadResult {
  sum: number;
  pieces: number;
}

/** The checksum of a text computed piece by piece, keeping none of it. */
class ChecksumReader implements TextReader<ReadResult> {
  private sum = 0;
  private pieces = 0;
  push(piece: string): void {
    this.sum = checksum(piece, this.sum);
    this.pieces++;
  }
  end(): ReadResult {
    return { sum: this.sum, pieces: this.pieces };
  }
}

/** Jobs that ran in this thread (inline tests read it). */
export const ran: number[] = [];

export const TEST_JOBS: JobKind<TestRequest, TestResult, number> = {
  role: 'kernel-oops-lens/test',
  name: 'test',
  readAsItArrives: { field: 'streamed', reader: () => new ChecksumReader() },
  recycleAfter: (req) => req.op === 'heavy',
  runsInline: (req) => req.op === 'tiny',
  run(req, progress) {
    if (req.op === 'read') {
      const r =
        typeof req.streamed === 'string' || ('pieces' in req.streamed && Array.isArray(req.streamed.pieces))
          ? { sum: checksum(textOf(req.streamed as LongText)), pieces: 0 }
          : (req.streamed as ReadResult);
      return { value: r.sum, thread: threadId, pieces: r.pieces };
    }
    if (req.op === 'limits')
      return { value: resourceLimits.maxYoungGenerationSizeMb ?? -1, thread: threadId };
    if (req.op === 'throw') throw new Error('boom');
    if (req.op === 'exit') process.exit(req.code);
    if (req.op === 'busy') for (const end = Date.now() + req.ms; Date.now() < end;);
    if (req.op === 'checksum') {
      const text = textOf(req.text);
      ran.push(text.length);
      return { value: checksum(text + req.note + (req.items ?? []).join(',')), thread: threadId };
    }
    if (req.op === 'progress') for (let i = 1; i <= req.steps; i++) progress(i);
    ran.push(req.value);
    return { value: req.value, thread: threadId };
  },
};

/** Position-sensitive sum of a string's code units: a reassembly out of order or with a gap changes it. */
export function checksum(s: string, h = 0): number {
  for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) | 0;
  return h;
}
