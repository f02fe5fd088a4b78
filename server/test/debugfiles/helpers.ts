// Shared by the debug-file tests: the qemu corpus paths, temporary folders, a buggy.ko with another build id,
// a log through the whole symbolization pipeline.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyzeText, type FrameSymbolization } from '../../src/engine';
import {
  archOf,
  framesOfAnalysis,
  NO_DEBUG_FILE_SETTINGS,
  releaseOf,
  symbolizeLog,
} from '../../src/engine/debugfiles';

export const QEMU = new URL('../../../test-fixtures/corpus/qemu/', import.meta.url).pathname;
export const BUGGY_KO = path.join(QEMU, 'module/buggy.ko');
export const BUGGY_BUILD_ID = '00d2fee826fcbaa2596c568f6b279a37ccdc20b5';

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `oops-lens-${prefix}-`));
}

/** Creates `file` (and its folders) with `content`. */
export function put(file: string, content: string | Buffer = ''): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  return file;
}

/** buggy.ko with one byte of its NT_GNU_BUILD_ID changed: same code, "another build". */
export function buggyWithOtherBuildId(dest: string): string {
  const data = fs.readFileSync(BUGGY_KO);
  const id = Buffer.from(BUGGY_BUILD_ID, 'hex');
  const at = data.indexOf(id);
  if (at < 0) throw new Error('build id bytes not found in buggy.ko');
  data[at] ^= 0xff;
  return put(dest, data);
}

/** `text` analysed and symbolized with `settings` (nothing else searched), as the CLI does. */
export async function symbolizeText(
  text: string,
  settings: Partial<typeof NO_DEBUG_FILE_SETTINGS>,
  cacheDir: string,
) {
  const analysis = analyzeText(text);
  const frames = framesOfAnalysis(analysis);
  const sym = await symbolizeLog(text, frames, {
    settings: { ...NO_DEBUG_FILE_SETTINGS, ...settings },
    release: releaseOf(analysis),
    arch: archOf(analysis),
    systemRoot: null,
    cacheDir,
  });
  return { analysis, frames, sym };
}

/** Every frame of `text` resolved to a made-up source line (`dir/file<i>.c:<i+1>`), as a symbolizer would. */
export function resolvedAll(text: string) {
  const frames = framesOfAnalysis(analyzeText(text));
  const results = new Map<string, FrameSymbolization>(
    frames.map((f, i) => [
      f.key,
      {
        ok: true,
        frames: [{ function: 'f', file: `dir/file${i}.c`, line: i + 1, column: 0, discriminator: 0 }],
        object: null,
        section: null,
      } as FrameSymbolization,
    ]),
  );
  return { frames, results };
}
