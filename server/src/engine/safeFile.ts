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
