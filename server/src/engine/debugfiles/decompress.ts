// Distributions ship modules as `.ko.xz`, `.ko.zst` or `.ko.gz`. The symbolizer reads sections through a
// file handle, so a compressed module is decompressed once into a cache file (keyed by path, size and
// mtime). gzip uses Node's zlib; zstd uses zlib when this Node has it, else the `zstd` command; xz has no
// Node support and needs the `xz` command — without it the message says what to do.
// Decompression streams into the cache with a hard cap on the output: a bomb (a few KB that inflate to
// gigabytes) is stopped at the cap and costs neither memory nor disk. Only a complete ELF file is kept.
import type * as ChildProcess from 'node:child_process';
import type * as Crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import type * as StreamPromises from 'node:stream/promises';
import type * as Zlib from 'node:zlib';
import { FILE_LIMITS, FileRefused, openRegularFile } from '../safeFile';
import { compressionOf } from './locate';

/** Largest decompressed module accepted: a debug `.ko` of the biggest drivers is below 64 MB. */
export const MAX_DECOMPRESSED = 256 * 1024 * 1024;
const TOOL_TIMEOUT_MS = 60_000;
const ELF_MAGIC = Buffer.from([0x7f, 0x45, 0x4c, 0x46]);

export type Prepared = { ok: true; path: string; decompressed: boolean } | { ok: false; error: string };

/** The cache folder: `$KERNEL_OOPS_LENS_CACHE`, `$XDG_CACHE_HOME/kernel-oops-lens`, `~/.cache/kernel-oops-lens`. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.KERNEL_OOPS_LENS_CACHE) return env.KERNEL_OOPS_LENS_CACHE;
  const base = env.XDG_CACHE_HOME || path.join(os.homedir() || os.tmpdir(), '.cache');
  return path.join(base, 'kernel-oops-lens');
}

export interface PrepareOptions {
  /** Output cap in bytes (tests lower it); default MAX_DECOMPRESSED. */
  maxOutput?: number;
  /** false: never run the `xz`/`zstd` commands (untrusted workspaces); gzip (and zstd in Node) still work. */
  runTools?: boolean;
}

/** A path the symbolizer can open: the file itself, or its decompressed copy in `cacheDir`. */
export async function prepareDebugFile(
  file: string,
  cacheDir = defaultCacheDir(),
  options: PrepareOptions = {},
): Promise<Prepared> {
  const kind = compressionOf(file);
  if (!kind) return { ok: true, path: file, decompressed: false };
  let input: { fd: number; size: number };
  try {
    input = openRegularFile(file, FILE_LIMITS.compressed);
  } catch (e) {
    return { ok: false, error: e instanceof FileRefused ? e.message : `${file}: ${e}` };
  }
  let tmp: string | null = null;
  let fd: number | null = input.fd; // closed here unless decompressTo took it over
  try {
    const st = fs.fstatSync(input.fd);
    // crypto loads here, on use: decompressing is rare and loading crypto costs every process.
    const crypto = require('node:crypto') as typeof Crypto;
    const key = crypto
      .createHash('sha1')
      .update(`${path.resolve(file)}\0${st.size}\0${st.mtimeMs}`)
      .digest('hex')
      .slice(0, 16);
    // Keep the `<mod>.ko` name: the symbolizer knows a module file by its name.
    const out = path.join(cacheDir, 'decompressed', key, path.basename(file).replace(/\.(xz|zst|gz)$/, ''));
    if (fs.existsSync(out)) return { ok: true, path: out, decompressed: true };
    fs.mkdirSync(path.dirname(out), { recursive: true });
    tmp = `${out}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
    const owned = fd;
    fd = null;
    const problem = await decompressTo(
      owned,
      kind,
      file,
      tmp,
      options.maxOutput ?? MAX_DECOMPRESSED,
      options.runTools !== false,
    );
    if (problem) return { ok: false, error: problem };
    fs.renameSync(tmp, out);
    tmp = null;
    return { ok: true, path: out, decompressed: true };
  } catch (e) {
    return {
      ok: false,
      error: `${file}: cannot decompress (${e instanceof Error ? e.message.split('\n')[0] : e})`,
    };
  } finally {
    if (fd !== null) fs.closeSync(fd);
    // Nothing that failed stays in the cache: neither the partial output nor its empty folder.
    if (tmp !== null) {
      fs.rmSync(tmp, { force: true });
      try {
        fs.rmdirSync(path.dirname(tmp));
      } catch {
        // Not empty (another process's result) or already gone.
      }
    }
  }
}

/** Streams the decompressed bytes of `fd` into `dest`; a message when it cannot, else null. Throws on
 *  corrupt input. Closes `fd`. */
async function decompressTo(
  fd: number,
  kind: 'xz' | 'zst' | 'gz',
  file: string,
  dest: string,
  maxOutput: number,
  runTools: boolean,
): Promise<string | null> {
  // zlib loads here, not at start-up: decompressing a module is rare and loading zlib costs every process.
  const zlib = require('node:zlib') as typeof Zlib;
  const zstd = (zlib as unknown as { createZstdDecompress?: () => Transform }).createZstdDecompress;
  const cap = new OutputCap(maxOutput);
  const sink = fs.createWriteStream(dest);
  const { pipeline } = require('node:stream/promises') as typeof StreamPromises;
  if (kind === 'gz' || (kind === 'zst' && zstd)) {
    // The stream owns the descriptor from here and closes it.
    const source = fs.createReadStream('', { fd, start: 0 });
    await pipeline(source, kind === 'gz' ? zlib.createGunzip() : zstd!(), cap, sink).catch(cap.explain);
  } else {
    const tool = kind === 'xz' ? 'xz' : 'zstd';
    if (!runTools) {
      fs.closeSync(fd);
      sink.destroy();
      return `${file} is ${tool}-compressed: the ${tool} command is not run in an untrusted workspace`;
    }
    let child: ChildProcess.ChildProcess;
    try {
      child = (require('node:child_process') as typeof ChildProcess).spawn(tool, ['-dc'], {
        // The tool reads the descriptor we checked (its own copy), not the name again.
        stdio: [fd, 'pipe', 'pipe'],
        timeout: TOOL_TIMEOUT_MS,
      });
    } catch (e) {
      sink.destroy();
      throw e;
    } finally {
      fs.closeSync(fd);
    }
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr = (stderr + s).slice(0, 1000)));
    const exited = new Promise<number | string>((resolve) => {
      child.on('error', (e: NodeJS.ErrnoException) => resolve(e.code === 'ENOENT' ? 'missing' : e.message));
      child.on('close', (code, signal) =>
        resolve(code ?? `killed by ${signal} (timeout ${TOOL_TIMEOUT_MS / 1000} s)`),
      );
    });
    await pipeline(child.stdout!, cap, sink).catch((e: unknown) => {
      // Past the cap (or on a write error) the tool is still writing: stop it. After a complete output
      // it is exiting on its own, and killing it before its exit is seen would turn success into failure.
      if (child.exitCode === null) child.kill('SIGKILL');
      return cap.explain(e);
    });
    const status = await exited;
    if (status === 'missing')
      return kind === 'xz'
        ? `${file} is xz-compressed: Node cannot read xz and the xz command is not installed (run xz -d on it)`
        : `${file} is zstd-compressed: this Node has no zstd and the zstd command is not installed (run zstd -d on it)`;
    if (status !== 0) throw new Error(stderr.trim().split('\n')[0] || `${tool}: ${status}`);
  }
  if (!cap.head.subarray(0, 4).equals(ELF_MAGIC))
    return `${file}: decompresses to ${cap.total} bytes that are not an ELF file`;
  return null;
}

/** Counts what passes through, keeps the first bytes, and fails the stream past `max` bytes. */
class OutputCap extends Transform {
  total = 0;
  head = Buffer.alloc(0);
  private overflowed = false;

  constructor(private readonly max: number) {
    super();
  }

  private overflow(): Error {
    return new Error(`decompresses to more than ${this.max / (1024 * 1024)} MB (a module is far smaller)`);
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.total += chunk.length;
    if (this.head.length < 4) this.head = Buffer.concat([this.head, chunk.subarray(0, 4)]);
    if (this.total > this.max) {
      this.overflowed = true;
      done(this.overflow());
    } else done(null, chunk);
  }

  /** The cap's own message wins over the errors it causes upstream (a killed tool, a closed pipe). */
  readonly explain = (e: unknown): never => {
    throw this.overflowed ? this.overflow() : e;
  };
}
