// One build for everything we ship: the CLI, the language server and the extension client.
import { build } from 'esbuild';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20', // package.json engines.node
  // The server reports the package's version (server.ts); written in here so it has one source.
  define: { KERNEL_OOPS_LENS_VERSION: JSON.stringify(pkg.version) },
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
};

const entries = [
  // iced-x86's glue is loaded from dist/iced_x86.js (copied below) with a V8 code cache
  // (engine/explain/icedLoader.ts), so it stays out of the bundles: they neither parse it nor compile it twice.
  {
    entryPoints: ['server/src/cli.ts'],
    outfile: 'dist/cli.js',
    banner: { js: '#!/usr/bin/env node' },
    external: ['iced-x86'],
  },
  { entryPoints: ['server/src/server.ts'], outfile: 'dist/server.js', external: ['iced-x86'] },
  { entryPoints: ['client/src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
];

await Promise.all(entries.filter((e) => existsSync(e.entryPoints[0])).map((e) => build({ ...common, ...e })));

// The disassemblers load their WebAssembly (and iced-x86 its glue), the grammar its regex engine, from beside
// the bundle at run time.
mkdirSync('dist', { recursive: true });
for (const wasm of [
  'node_modules/iced-x86/iced_x86.js',
  'node_modules/iced-x86/iced_x86_bg.wasm',
  'node_modules/@alexaltea/capstone-js/dist/capstone.wasm',
  // The grammar's regex engine, for the semantic tokens of logs VS Code does not tokenize.
  'node_modules/vscode-oniguruma/release/onig.wasm',
]) {
  copyFileSync(wasm, 'dist/' + wasm.split('/').pop());
}

// The CLI is the package's `bin`: npm links it at install time, before it is built, so make it executable here.
if (existsSync('dist/cli.js')) chmodSync('dist/cli.js', 0o755);
