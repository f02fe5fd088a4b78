// The lint configuration guards the layering ARCHITECTURE.md promises. Each case lints a real file of the
// repository with one forbidden import added, through ESLint's API and the repository's own
// eslint.config.mjs, and checks that the layer rule reports it (and that the unmodified file is clean).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ESLint } from 'eslint';

const ROOT = join(__dirname, '../..');
const eslint = new ESLint({ cwd: ROOT });

async function messages(file: string, extra: string): Promise<string[]> {
  const path = join(ROOT, file);
  const [result] = await eslint.lintText(readFileSync(path, 'utf8') + extra, { filePath: path });
  return result.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

const CASES: { name: string; file: string; line: string; expect: RegExp }[] = [
  {
    name: 'an engine file importing vscode',
    file: 'server/src/engine/log/normalize.ts',
    line: "import * as vscode from 'vscode';\nexport const _v = vscode;\n",
    expect: /no-restricted-imports: .*never imports an editor API/,
  },
  {
    name: 'an engine file importing vscode-languageserver',
    file: 'server/src/engine/model.ts',
    line: "import { createConnection } from 'vscode-languageserver/node';\nexport const _c = createConnection;\n",
    expect: /no-restricted-imports: .*never imports an editor API/,
  },
  {
    name: 'an engine file importing the LSP layer',
    file: 'server/src/engine/title/title.ts',
    line: "import { DEFAULT_SETTINGS } from '../../lsp/settings';\nexport const _s = DEFAULT_SETTINGS;\n",
    expect: /no-restricted-imports: .*never imports the layers built on it/,
  },
  {
    name: 'an LSP module importing an engine file other than the index',
    file: 'server/src/lsp/folding.ts',
    line: "import { splitLines } from '../engine/log/normalize';\nexport const _s = splitLines;\n",
    expect: /no-restricted-imports: .*through its index/,
  },
  {
    name: 'the CLI importing an engine file other than the index',
    file: 'server/src/cli.ts',
    line: "import { CATALOGUE } from './engine/catalogue';\nexport const _c = CATALOGUE;\n",
    expect: /no-restricted-imports: .*through its index/,
  },
  {
    name: 'the client importing server code',
    file: 'client/src/extension.ts',
    line: "import { DEFAULT_SETTINGS } from '../../server/src/lsp/settings';\nexport const _s = DEFAULT_SETTINGS;\n",
    expect: /no-restricted-imports: .*never imports server/,
  },
  {
    name: 'the shared protocol importing server code',
    file: 'protocol/index.ts',
    line: "import { DEFAULT_SETTINGS } from '../server/src/lsp/settings';\nexport const _s = DEFAULT_SETTINGS;\n",
    expect: /no-restricted-imports: .*imports neither/,
  },
  {
    name: 'the shared protocol importing an editor API',
    file: 'protocol/index.ts',
    line: "import * as vscode from 'vscode';\nexport const _v = vscode;\n",
    expect: /no-restricted-imports: .*imports neither/,
  },
];

for (const c of CASES) {
  test(`lint rejects ${c.name}`, async () => {
    const clean = await messages(c.file, '');
    assert.deepEqual(clean, [], `${c.file} itself must lint clean`);
    const found = await messages(c.file, '\n' + c.line);
    assert.ok(
      found.some((m) => c.expect.test(m)),
      `expected ${c.expect} for ${c.file}, got:\n${found.join('\n')}`,
    );
  });
}

test('lint rejects an import cycle', async () => {
  // log/frames.ts is imported by analyze.ts; making it import analyze.ts closes a cycle.
  const found = await messages(
    'server/src/engine/log/frames.ts',
    "\nimport { analyzeText } from '../analyze';\nexport const _a = analyzeText;\n",
  );
  assert.ok(
    found.some((m) => m.startsWith('import-x/no-cycle')),
    found.join('\n'),
  );
});
