// The committed grammar JSON is exactly what syntaxes/src generates, and every regex in it compiles in
// oniguruma and avoids the non-possessive `x{n,m}+` form (a nested quantifier in this syntax).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KERNEL_LOG_GRAMMAR, loadGrammar, repoRoot } from './load-grammar.mjs';

test('syntaxes/kernel-log.tmLanguage.json is up to date with syntaxes/src', () => {
  const r = spawnSync(process.execPath, [join(repoRoot, 'scripts', 'gen-grammar.mjs'), '--check'], {
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
});

function regexes(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => regexes(n, out));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if ((k === 'match' || k === 'begin' || k === 'end') && typeof v === 'string') out.push(v);
      else regexes(v, out);
    }
  }
  return out;
}

test('every regex compiles and has no `{n,m}+`', async () => {
  await loadGrammar(); // loads the oniguruma WASM

  const onig = require('vscode-oniguruma');
  const all = regexes(JSON.parse(readFileSync(KERNEL_LOG_GRAMMAR, 'utf8')));
  assert.ok(all.length > 50, `${all.length} regexes`);
  for (const re of all) {
    assert.doesNotThrow(() => new onig.OnigScanner([re]).dispose(), re);
    assert.doesNotMatch(re, /(?<!\\)\{\d+,?\d*\}\+/, re);
  }
});

test('scope name and file type', () => {
  const g = JSON.parse(readFileSync(KERNEL_LOG_GRAMMAR, 'utf8'));
  assert.equal(g.scopeName, 'source.kernel-log');
});
