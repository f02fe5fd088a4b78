// Tidy checks: the documents that describe the project agree with what it is. The settings tables of
// README.md and docs/editors.md list exactly the manifest's settings with its defaults, and ARCHITECTURE.md
// names only files and folders that exist, and names every source folder and LSP adapter there is.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = join(__dirname, '../..');
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');

interface ManifestSetting {
  default: unknown;
}
const manifest = JSON.parse(read('package.json')) as {
  contributes: { configuration: { properties: Record<string, ManifestSetting> } };
};
const SETTINGS = manifest.contributes.configuration.properties;

/** `| \`kernelOops.x\` | \`default\` | meaning |` rows of a Markdown table: name → default as written. */
function settingsTable(markdown: string): Map<string, string> {
  const rows = new Map<string, string>();
  for (const line of markdown.split('\n')) {
    const m = /^\| `(kernelOops\.[\w.]+)` \| `([^`]*)` \|/.exec(line);
    if (m) rows.set(m[1], m[2]);
  }
  return rows;
}

for (const doc of ['README.md', 'docs/editors.md']) {
  test(`${doc}: the settings table lists every setting of package.json with its default, and no other`, () => {
    const table = settingsTable(read(doc));
    assert.deepEqual([...table.keys()].sort(), Object.keys(SETTINGS).sort(), `${doc} settings`);
    for (const [name, written] of table)
      assert.deepEqual(JSON.parse(written), SETTINGS[name].default, `${doc}: default of ${name}`);
  });
}

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else out.push(relative(ROOT, p));
  }
  return out;
}
const FILES = ['server', 'client', 'test', 'test-fixtures', 'scripts', 'syntaxes', 'docs', 'protocol']
  .filter((d) => existsSync(join(ROOT, d)))
  .flatMap((d) => walk(join(ROOT, d)))
  .concat(readdirSync(ROOT).filter((n) => statSync(join(ROOT, n)).isFile()));
const BASENAMES = new Set(FILES.map((f) => f.split('/').pop()!));
const DIRS = new Set(
  FILES.flatMap((f) =>
    f
      .split('/')
      .slice(0, -1)
      .map((_, i, parts) => parts.slice(0, i + 1).join('/')),
  ),
);

const ARCHITECTURE = read('ARCHITECTURE.md');
/** Code spans of ARCHITECTURE.md that name a file or folder of ours (not commands, settings or globs). */
const NAMED = [...ARCHITECTURE.matchAll(/`([^`\s]+)`/g)]
  .map((m) => m[1])
  .filter(
    (s) =>
      /^[\w./-]+$/.test(s) && !s.startsWith('..') && (/\.(ts|mjs|json|md|sh)$/.test(s) || s.endsWith('/')),
  );

test('ARCHITECTURE.md names only files and folders that exist', () => {
  const missing = NAMED.filter((name) => {
    const bare = name.replace(/\/$/, '');
    if (name.endsWith('/')) return !DIRS.has(bare) && ![...DIRS].some((d) => d.endsWith('/' + bare));
    return name.includes('/')
      ? !FILES.some((f) => f === name || f.endsWith('/' + name))
      : !BASENAMES.has(name);
  });
  assert.deepEqual(missing, [], 'named in ARCHITECTURE.md but not in the repository');
});

test('ARCHITECTURE.md names every engine folder, every LSP adapter and every entry point', () => {
  const engineDirs = readdirSync(join(ROOT, 'server/src/engine')).filter((n) =>
    statSync(join(ROOT, 'server/src/engine', n)).isDirectory(),
  );
  const adapters = readdirSync(join(ROOT, 'server/src/lsp')).filter((n) => n.endsWith('.ts'));
  const expected = [
    ...engineDirs.map((d) => `${d}/`),
    ...adapters,
    'server.ts',
    'cli.ts',
    'extension.ts',
    'index.ts',
  ];
  const named = new Set(
    NAMED.flatMap((n) => [n, n.split('/').filter(Boolean).pop() + (n.endsWith('/') ? '/' : '')]),
  );
  assert.deepEqual(
    expected.filter((e) => !named.has(e)),
    [],
    'missing from ARCHITECTURE.md',
  );
});
