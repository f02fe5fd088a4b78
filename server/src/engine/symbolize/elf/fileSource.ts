// Random access to a (possibly huge) file through a file descriptor: every read is bounds-checked against
// the real file size, so a header that claims more than the file holds becomes a SymbolizeError.
import * as fs from 'node:fs';
import { FileRefused, openRegularFile } from '../../safeFile';
import { SymbolizeError } from '../errors';

/** Reads larger than this in one go are refused (a corrupt size field must not allocate gigabytes). */
const MAX_SINGLE_READ = 512 * 1024 * 1024;

export interface ByteSource {
  readonly size: number;
  read(offset: number, length: number): Buffer;
  /** Reads into `into` (for small hot reads that should not allocate). */
  readInto(into: Buffer, offset: number, length: number): Buffer;
  close(): void;
}

export class FileSource implements ByteSource {
  readonly size: number;
  private fd: number | null;

  constructor(readonly path: string) {
    try {
      // A regular file only, opened non-blocking: a `<mod>.ko` that is a FIFO must not hang the caller.
      ({ fd: this.fd, size: this.size } = openRegularFile(path));
    } catch (e) {
      throw new SymbolizeError('io', e instanceof FileRefused ? e.reason : (e as Error).message, path);
    }
  }

  read(offset: number, length: number): Buffer {
    if (length > MAX_SINGLE_READ)
      throw new SymbolizeError('too-large', `refusing to read ${length} bytes at once`, this.path);
    return this.readInto(Buffer.allocUnsafe(length), offset, length);
  }

  readInto(buf: Buffer, offset: number, length: number): Buffer {
    if (this.fd === null) throw new SymbolizeError('io', 'file already closed', this.path);
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0)
      throw new SymbolizeError('corrupt', `bad file range ${offset}+${length}`, this.path);
    if (offset + length > this.size)
      throw new SymbolizeError(
        'corrupt',
        `data at ${offset}+${length} lies beyond the end of the file (${this.size} bytes; truncated?)`,
        this.path,
      );
    let done = 0;
    while (done < length) {
      const n = fs.readSync(this.fd, buf, done, length - done, offset + done);
      if (n <= 0) throw new SymbolizeError('corrupt', `short read at ${offset + done}`, this.path);
      done += n;
    }
    return buf.subarray(0, length);
  }

  close(): void {
    if (this.fd !== null) fs.closeSync(this.fd);
    this.fd = null;
  }
}
