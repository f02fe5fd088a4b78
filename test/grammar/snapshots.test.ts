// Snapshot tests over whole real logs: any change in how the corpus is scoped shows up as a diff of
// test-fixtures/grammar/snapshots/*.snap. After an intended grammar change, review and rewrite them with
//   UPDATE_SNAPSHOTS=1 node scripts/run-tests.mjs test/grammar
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IToken } from 'vscode-textmate';
import { INITIAL, loadGrammar, repoRoot, tokenizeLines } from './load-grammar.mjs';
import { corpusLogs } from './corpus';

const snapDir = join(repoRoot, 'test-fixtures', 'grammar', 'snapshots');
const update = process.env.UPDATE_SNAPSHOTS === '1';

/**
 * One snapshot line per log line that has scoped text: «text»scopes for each token, where scopes are
 * the token's scopes without the root, meta.* wrappers and the ".kernel-log" suffix, joined by "+".
 * Punctuation tokens and unscoped text are left out to keep the files small and readable.
 */
function render(lines: string[], tokens: IToken[][]): string {
  const out: string[] = [];
  lines.forEach((line, i) => {
    const parts: string[] = [];
    for (const t of tokens[i]) {
      const scopes = t.scopes
        .slice(1)
        .filter((s) => !s.startsWith('meta.'))
        .map((s) => s.replace(/\.kernel-log$/, ''));
      if (scopes.length === 0 || scopes[scopes.length - 1].startsWith('punctuation.')) continue;
      const text = line.slice(t.startIndex, Math.min(t.endIndex, line.length));
      if (text) parts.push(`«${text}»${scopes.join('+')}`);
    }
    if (parts.length) out.push(`${i + 1}: ${parts.join(' ')}`);
  });
  return out.join('\n') + '\n';
}

for (const log of corpusLogs()) {
  test(`snapshot: ${log.name}`, async () => {
    const grammar = await loadGrammar();
    const actual = render(log.lines, tokenizeLines(grammar, log.lines));
    const file = join(snapDir, `${log.name}.snap`);
    if (update || !existsSync(file)) {
      mkdirSync(snapDir, { recursive: true });
      writeFileSync(file, actual);
      if (!update) assert.fail(`snapshot ${file} was missing and has been written; review it and re-run`);
      return;
    }
    assert.equal(
      actual,
      readFileSync(file, 'utf8'),
      `scopes changed for ${log.name} (UPDATE_SNAPSHOTS=1 rewrites)`,
    );
  });
}

// No construct spans lines, so tokenizing a line alone must give exactly what it gets in sequence: a
// region left open by one line (as an empty line once did) would colour the next line wrongly.
test('no state crosses lines: each corpus line tokenizes the same alone and in sequence', async () => {
  const grammar = await loadGrammar();
  let checked = 0;
  for (const log of corpusLogs()) {
    const inSequence = tokenizeLines(grammar, log.lines);
    log.lines.forEach((line, i) => {
      const alone = grammar.tokenizeLine(line, INITIAL);
      assert.deepEqual(alone.tokens, inSequence[i], `${log.name}:${i + 1}: ${line}`);
      checked++;
    });
  }
  assert.ok(checked > 3000, `checked ${checked} lines`);
});
