// Every file the engine reads by name (a log, a module map, a System.map, a vmlinux or .ko, a compressed
// module, a source file) is opened here. A FIFO, device or socket where a file was expected must give a
// one-line message, never a hang (opening a FIFO blocks until a writer comes, reading one until it closes)
// or unbounded memory (/dev/zero never ends). Links are followed; the target must be a regular file within
// the size limit of its kind; it is opened non-blocking and checked again through the descriptor, so a file
// swapped for a FIFO after the check cannot block either.
import * as fs from 'node:fs';

const MB = 1024 * 1024;

/** Size limits per kind of file read whole. */
export const FILE_LIMITS = {
  /** A module map (/proc/modules, sysfs sections) or a System.map / kallsyms copy (a distribution's is ~5 MB). */
  map: 64 * MB,
  /** A compressed module (a `.ko.xz` of the biggest drivers is a few MB). */
  compressed: 256 * MB,
  /** A log given to the command line. */
  log: 1024 * MB,
} as const;

export class FileRefused extends Error {
  override readonly name = 'FileRefused';
  constructor(
    readonly path: string,
    /** Why, without the path: `not a regular file (a FIFO)`. */
    readonly reason: string,
  ) {
    super(`${path}: ${reason}`);
  }
}

function kindOf(st: fs.Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a file';
}

const sizeText = (n: number) => (n >= MB ? `${Math.round(n / MB)} MB` : `${n} bytes`);

function statProblem(st: fs.Stats, maxBytes: number): string | null {
  if (!st.isFile()) return `not a regular file (${kindOf(st)})`;
  if (st.size > maxBytes) return `too large (${sizeText(st.size)}; at most ${sizeText(maxBytes)} are read)`;
  return null;
}

function errnoText(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  switch (err.code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
      return 'permission denied';
    case 'ELOOP':
      return 'too many levels of symbolic links';
    case 'EIO':
      return 'input/output error';
    default:
      return err.code ?? String(e);
  }
}

/** Why `path` cannot be read as a regular file of at most `maxBytes`, or null. Never opens it. */
export function regularFileProblem(path: string, maxBytes = Infinity): string | null {
  try {
    return statProblem(fs.statSync(path), maxBytes);
  } catch (e) {
    return errnoText(e);
  }
}

/** A read-only descriptor of `path`, a regular file of at most `maxBytes`. Throws FileRefused. */
export function openRegularFile(path: string, maxBytes = Infinity): { fd: number; size: number } {
  const before = regularFileProblem(path, maxBytes);
  if (before) throw new FileRefused(path, before);
  let fd: number;
  try {
    fd = fs.openSync(path, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (e) {
    throw new FileRefused(path, errnoText(e));
  }
  try {
    const st = fs.fstatSync(fd);
    const after = statProblem(st, maxBytes);
    if (after) throw new FileRefused(path, after);
    return { fd, size: st.size };
  } catch (e) {
    fs.closeSync(fd);
    throw e instanceof FileRefused ? e : new FileRefused(path, errnoText(e));
  }
}

/** The bytes of `path`, a regular file of at most `maxBytes` (a file still growing is cut at its size when
 *  opened). Throws FileRefused. */
export function readRegularFile(path: string, maxBytes: number): Buffer {
  const { fd, size } = openRegularFile(path, maxBytes);
  try {
    // procfs and sysfs files say 0 bytes: read those to their end (or the limit), without waiting for more.
    if (size === 0) return readToEnd(fd, path, maxBytes);
    const buf = Buffer.allocUnsafe(size);
    let done = 0;
    while (done < size) {
      const n = fs.readSync(fd, buf, done, size - done, done);
      if (n <= 0) break;
      done += n;
    }
    return buf.subarray(0, done);
  } catch (e) {
    throw e instanceof FileRefused ? e : new FileRefused(path, errnoText(e));
  } finally {
    fs.closeSync(fd);
  }
}

function readToEnd(fd: number, path: string, maxBytes: number): Buffer {
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const chunk = Buffer.allocUnsafe(64 * 1024);
    let n: number;
    try {
      n = fs.readSync(fd, chunk, 0, chunk.length, null);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EAGAIN') break; // nothing more now (/proc/kmsg)
      throw e;
    }
    if (n <= 0) break;
    total += n;
    if (total > maxBytes) throw new FileRefused(path, `too large (more than ${sizeText(maxBytes)})`);
    chunks.push(chunk.subarray(0, n));
  }
  return Buffer.concat(chunks, total);
}

/** `readRegularFile` as UTF-8 text (invalid sequences become U+FFFD). */
export function readTextFile(path: string, maxBytes: number): string {
  return readRegularFile(path, maxBytes).toString('utf8');
}

/** How many bytes of a log are decoded at a time (a piece ends at the first line break past them). */
export const LOG_PIECE_BYTES = 1 << 20;

/**
 * A log as UTF-8 text in pieces of whole lines (log/lines.ts LogText), read a block at a time: the file is
 * never one buffer, and a piece costs two bytes a character only when it holds a character past U+00FF
 * (one string would, all of it, for a single invalid byte anywhere: U+FFFD). A `\n` byte is never inside
 * a UTF-8 sequence, so the pieces decode as the whole would.
 */
export function readLogPieces(path: string, maxBytes: number, pieceBytes = LOG_PIECE_BYTES): string[] {
  const { fd, size } = openRegularFile(path, maxBytes);
  try {
    if (size === 0) return linePieces(readToEnd(fd, path, maxBytes), pieceBytes);
    const pieces: string[] = [];
    let block = Buffer.allocUnsafe(Math.min(pieceBytes, size));
    // Bytes at the start of `block` not decoded yet: a line not ended.
    let held = 0;
    for (let pos = 0; pos < size;) {
      if (held === block.length) {
        // A line longer than a block.
        const bigger = Buffer.allocUnsafe(block.length * 2);
        block.copy(bigger, 0, 0, held);
        block = bigger;
      }
      const n = fs.readSync(fd, block, held, Math.min(block.length - held, size - pos), pos);
      if (n <= 0) break;
      pos += n;
      const filled = held + n;
      const nl = block.lastIndexOf(0x0a, filled - 1);
      if (nl < 0) {
        held = filled;
        continue;
      }
      pieces.push(block.toString('utf8', 0, nl + 1));
      block.copy(block, 0, nl + 1, filled);
      held = filled - nl - 1;
    }
    if (held > 0 || pieces.length === 0) pieces.push(block.toString('utf8', 0, held));
    return pieces;
  } catch (e) {
    throw e instanceof FileRefused ? e : new FileRefused(path, errnoText(e));
  } finally {
    fs.closeSync(fd);
  }
}

/** `data` decoded as UTF-8 in pieces of whole lines of about `pieceBytes` (see readLogPieces). */
export function linePieces(data: Buffer, pieceBytes = LOG_PIECE_BYTES): string[] {
  const pieces: string[] = [];
  for (let at = 0; at < data.length;) {
    const nl = data.indexOf(0x0a, Math.min(at + pieceBytes, data.length) - 1);
    const end = nl < 0 ? data.length : nl + 1;
    pieces.push(data.toString('utf8', at, end));
    at = end;
  }
  return pieces;
}
