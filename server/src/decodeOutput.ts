// `oops-lens decode`'s output: the decoded copy of a log written as it is made, in bounded memory whatever
// the reader's pace (a file, a terminal, a pipe into `less` that waits for a key).
import {
  decodedParts,
  LineCursor,
  logPieces,
  rewrittenLines,
  type FrameSymbolization,
  type LogFrame,
  type LogText,
} from './engine';

/** Written out this many characters at a time: the decoded copy of a 100 MB log is never one string. */
const WRITE_CHARS = 1 << 20;

/** How many output buffers may be on their way out at once (the next waits until one is written). */
export const BUFFERS_IN_FLIGHT = 2;

/** What writeDecoded writes to (process.stdout; a test's stream). */
export interface Output {
  write(chunk: Uint8Array, done: (err?: Error | null) => void): boolean;
}

/**
 * The decoded copy of the log, written as it is made, ending with a line break. Each megabyte goes out
 * as UTF-8 encoded straight from its parts (no joined string) into a buffer that is used again once
 * written: a new buffer per megabyte grew the process by tens of MB before the garbage collector freed
 * them. Waiting for a buffer also waits for a reader that does not keep up: without that, every write to a
 * full pipe (`oops-lens decode | less`) was queued in memory, the whole decoded copy of a 100 MB log (the
 * process at 4.4× the log's size, not 3×).
 */
export async function writeDecoded(
  text: LogText,
  frames: LogFrame[],
  results: Map<string, FrameSymbolization>,
  out: Output,
): Promise<void> {
  const rewritten = rewrittenLines(text, frames, results);
  const free: Buffer[] = [];
  let inFlight = 0;
  let written: (() => void) | null = null;
  let batch: string[] = [];
  let size = 0;
  let last = '\n';
  const flush = async () => {
    if (batch.length === 0) return;
    let bytes = 0;
    for (const part of batch) bytes += Buffer.byteLength(part);
    while (inFlight >= BUFFERS_IN_FLIGHT) await new Promise<void>((resolve) => (written = resolve));
    let buf = free.pop();
    if (!buf || buf.length < bytes) buf = Buffer.allocUnsafe(Math.max(bytes, 3 * WRITE_CHARS));
    let at = 0;
    for (const part of batch) at += buf.write(part, at);
    batch = [];
    size = 0;
    inFlight++;
    const mine = buf;
    out.write(buf.subarray(0, at), () => {
      inFlight--;
      free.push(mine);
      const wake = written;
      written = null;
      wake?.();
    });
  };
  let first = 0;
  for (const piece of logPieces(text)) {
    for (const part of decodedParts(piece, first, rewritten)) {
      if (part.length === 0) continue;
      batch.push(part);
      size += part.length;
      last = part;
      if (size >= WRITE_CHARS) await flush();
    }
    // The number of the next piece's first line (a piece but the last ends with `\n`), needed only while a
    // rewritten line is still to come: a log none of whose frames decode is not walked line by line again.
    if (rewritten.length === 0 || rewritten[rewritten.length - 1][0] < first) continue;
    const cursor = new LineCursor(piece);
    while (cursor.next());
    first += cursor.line;
  }
  if (!last.endsWith('\n')) batch.push('\n');
  await flush();
}
