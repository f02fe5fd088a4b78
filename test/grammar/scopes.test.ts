// Scope assertions for every construct of issue 4, from the fixtures in test-fixtures/grammar/cases/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadGrammar, repoRoot, tokenizeLines } from './load-grammar.mjs';
import { check, parseFixture } from './fixture-assertions';

const casesDir = join(repoRoot, 'test-fixtures', 'grammar', 'cases');

for (const name of readdirSync(casesDir)
  .filter((f) => f.endsWith('.txt'))
  .sort()) {
  test(`scopes: ${name}`, async () => {
    const grammar = await loadGrammar();
    const fixture = parseFixture(name, readFileSync(join(casesDir, name), 'utf8'));
    assert.ok(fixture.assertions.length > 0, 'fixture has assertions');
    const tokens = tokenizeLines(grammar, fixture.lines);
    const failures = fixture.assertions
      .map((a) => {
        const msg = check(a, fixture.lines[a.logIndex], tokens[a.logIndex]);
        return msg && `${name}:${a.fixtureLine}: ${msg}`;
      })
      .filter(Boolean);
    assert.deepEqual(failures, []);
  });
}
