// Bundles the extension-host suite (TypeScript) into one CommonJS file the editor can load.
import { build } from 'esbuild';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Builds into `outDir` (default .test-cache/editor-suite) and writes its config; returns the suite's path. */
export async function buildSuite(config = {}, outDir = join(REPO, '.test-cache/editor-suite')) {
  mkdirSync(outDir, { recursive: true });
  const outfile = join(outDir, 'index.js');
  await build({
    entryPoints: [join(REPO, 'test/editor/suite/index.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node18',
    external: ['vscode'],
    sourcemap: 'inline',
    logLevel: 'warning',
  });
  const full = {
    repoRoot: REPO,
    corpusDir: resolve(REPO, 'test-fixtures/corpus'),
    expectInstall: 'dev',
    handshakeDir: null,
    screenshots: false,
    restricted: false,
    ...config,
  };
  writeFileSync(join(outDir, 'suite-config.json'), JSON.stringify(full, null, 2));
  return outfile;
}
