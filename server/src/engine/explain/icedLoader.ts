// iced-x86 loaded with a V8 code cache. Its wasm-bindgen glue is 900 KB of JavaScript that costs a cold
// process more to compile than its WebAssembly; the bytecode V8 compiled for it in an earlier process is kept
// in the cache folder and handed back to V8 (vm.Script cachedData), which checks it against its own version
// and flags and rejects what does not fit. The file name carries a hash of the glue's text (V8 itself only
// compares the source's length), so another version of the glue never meets this cache. A missing, stale or
// unwritable cache costs only the plain compile. The bundles ship the glue beside themselves (dist/iced_x86.js,
// next to its .wasm); elsewhere it is the installed package's.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vm from 'node:vm';
import { readRegularFile } from '../safeFile';
import type { Iced } from './disasm';

const GLUE = 'iced_x86.js';
/** V8's code for the 900 KB glue is a few MB; anything far larger is not ours. */
const MAX_CACHE_BYTES = 64 * 1024 * 1024;

export interface IcedLoad {
  ice: Iced;
  /** 'used': V8 took the cached code; 'compiled': none fitted, the compiled code is written at exit when it can be. */
  cache: 'used' | 'compiled';
}

/** The glue file: beside this bundle, else the installed package's; null when neither is there. */
function glueFile(): string | null {
  const beside = path.join(__dirname, GLUE);
  if (fs.existsSync(beside)) return beside;
  try {
    return require.resolve(`iced-x86/${GLUE}`);
  } catch {
    return null;
  }
}

/** iced-x86's module, compiled with the code cache in `cacheDir`; null when no glue file is found. */
export function loadIcedCached(cacheDir: string): IcedLoad | null {
  const file = glueFile();
  if (!file) return null;
  const source = fs.readFileSync(file, 'utf8');
  const key = crypto.createHash('sha256').update(source).digest('hex').slice(0, 16);
  const cacheFile = path.join(cacheDir, `iced-x86-${key}-v8-${process.versions.v8}.jscache`);
  let cachedData: Buffer | undefined;
  try {
    // Through safeFile like every file read by name: a FIFO or device planted under the name never blocks.
    cachedData = readRegularFile(cacheFile, MAX_CACHE_BYTES);
  } catch {
    cachedData = undefined;
  }
  // The CommonJS wrapper Node itself puts around a module.
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: file,
    cachedData,
  });
  const module = { exports: {} as Iced };
  (script.runInThisContext() as (...a: unknown[]) => void)(
    module.exports,
    require,
    module,
    file,
    path.dirname(file),
  );
  const used = cachedData !== undefined && !script.cachedDataRejected;
  // Written at exit: by then V8 has compiled the functions this process called, and they are cached too.
  if (!used)
    process.once('exit', () => {
      try {
        fs.mkdirSync(cacheDir, { recursive: true });
        const tmp = `${cacheFile}.${process.pid}.tmp`;
        fs.writeFileSync(tmp, script.createCachedData());
        fs.renameSync(tmp, cacheFile);
      } catch {
        // A read-only or full cache folder: the next process compiles the glue again, nothing else.
      }
    });
  return { ice: module.exports, cache: used ? 'used' : 'compiled' };
}
