// Distributions ship modules as `.ko.xz`, `.ko.zst` or `.ko.gz`. The symbolizer reads sections through a
// file handle, so a compressed module is decompressed once into a cache file (keyed by path, size and
// mtime). gzip uses Node's zlib; zstd uses zlib when this Node has it, else the `zstd` command; xz has no
// Node support and needs the `xz` command — without it the message says what to do.
import type * as ChildProcess from 'node:child_process';
import type * as Crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as Zlib from 'node:zlib';
import { compressionOf } from './locate';

/** Largest decompressed module accepted (debug .ko files of big drivers reach a few hundred MB). */
const MAX_OUTPUT = 1 << 30;
const TOOL_TIMEOUT_MS = 60_000;

export type Prepared = { ok: true; path: string; decompressed: boolean } | { ok: false; error: string };

/** The cache folder: `$KERNEL_OOPS_LENS_CACHE`, `$XDG_CACHE_HOME/kernel-oops-lens`, `~/.cache/kernel-oops-lens`. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.KERNEL_OOPS_LENS_CACHE) return env.KERNEL_OOPS_LENS_CACHE;
  const base = env.XDG_CACHE_HOME || path.join(os.homedir() || os.tmpdir(), '.cache');
  return path.join(base, 'kernel-oops-lens');
}

/**
 * A path the symbolizer can open: the file itself, or its decompressed copy in `cacheDir`. `runTools`
 * false: never run the `xz`/`zstd` commands (untrusted workspaces); gzip (and zstd in Node) still work.
 */
export function prepareDebugFile(file: string, cacheDir = defaultCacheDir(), runTools = true): Prepared {
  const kind = compressionOf(file);
  if (!kind) return { ok: true, path: file, decompressed: false };
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch (e) {
    return { ok: false, error: `${file}: ${(e as NodeJS.ErrnoException).code ?? e}` };
  }
  // crypto loads here, on use: decompressing is rare and loading crypto costs every process.
  const key = (require('node:crypto') as typeof Crypto)
    .createHash('sha1')
    .update(`${path.resolve(file)}\0${st.size}\0${st.mtimeMs}`)
    .digest('hex')
    .slice(0, 16);
  // Keep the `<mod>.ko` name: the symbolizer knows a module file by its name.
  const out = path.join(cacheDir, 'decompressed', key, path.basename(file).replace(/\.(xz|zst|gz)$/, ''));
  if (fs.existsSync(out)) return { ok: true, path: out, decompressed: true };
  try {
    fs.mkdirSync(path.dirname(out), { recursive: true });
    const data = decompress(file, kind, runTools);
    if (typeof data === 'string') return { ok: false, error: data };
    const tmp = `${out}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, data);
    fs.renameSync(tmp, out);
    return { ok: true, path: out, decompressed: true };
  } catch (e) {
    return {
      ok: false,
      error: `${file}: cannot decompress (${e instanceof Error ? e.message.split('\n')[0] : e})`,
    };
  }
}

/** The decompressed bytes, or a message saying why not. */
function decompress(file: string, kind: 'xz' | 'zst' | 'gz', runTools: boolean): Buffer | string {
  // zlib loads here, not at start-up: decompressing a module is rare and loading zlib costs every process.
  const zlib = require('node:zlib') as typeof Zlib;
  if (kind === 'gz') return zlib.gunzipSync(fs.readFileSync(file), { maxOutputLength: MAX_OUTPUT });
  if (kind === 'zst') {
    const z = (zlib as unknown as { zstdDecompressSync?: (b: Buffer, o?: object) => Buffer })
      .zstdDecompressSync;
    if (z) return z(fs.readFileSync(file), { maxOutputLength: MAX_OUTPUT });
    if (!runTools) return `${file} is zstd-compressed: the zstd command is not run in an untrusted workspace`;
    return (
      viaTool('zstd', file) ??
      `${file} is zstd-compressed: this Node has no zstd and the zstd command is not installed (run zstd -d on it)`
    );
  }
  if (!runTools) return `${file} is xz-compressed: the xz command is not run in an untrusted workspace`;
  return (
    viaTool('xz', file) ??
    `${file} is xz-compressed: Node cannot read xz and the xz command is not installed (run xz -d on it)`
  );
}

/** `tool -dc file`, or null when the tool is not installed. Throws when the tool fails on the file. */
function viaTool(tool: string, file: string): Buffer | null {
  try {
    return (require('node:child_process') as typeof ChildProcess).execFileSync(tool, ['-dc', '--', file], {
      maxBuffer: MAX_OUTPUT,
      timeout: TOOL_TIMEOUT_MS,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    const stderr = String((e as { stderr?: Buffer }).stderr ?? '')
      .trim()
      .split('\n')[0];
    throw new Error(`${tool}: ${stderr || (e as Error).message}`);
  }
}
