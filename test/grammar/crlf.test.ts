// Real serial captures end lines with CRLF (and hold a few lone CRs). VS Code splits on all three, but
// other consumers (e.g. a tool splitting on "\n" only) hand the grammar lines that keep a trailing
// "\r": constructs must be scoped the same with or without it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IToken } from 'vscode-textmate';
import { INITIAL, loadGrammar, repoRoot } from './load-grammar.mjs';

const CAPTURE = join(repoRoot, 'test-fixtures', 'corpus', 'qemu', 'logs', 'gpf.console.log');

const view = (tokens: IToken[], length: number) =>
  tokens
    .filter((t) => t.startIndex < length)
    .map((t) => ({ start: t.startIndex, end: Math.min(t.endIndex, length), scopes: t.scopes }));

test('lines keeping their trailing \\r are scoped like the same lines without it', async () => {
  const grammar = await loadGrammar();
  const raw = readFileSync(CAPTURE, 'latin1');
  const withCr = raw.split('\n').filter((l) => l.endsWith('\r') && !l.slice(0, -1).includes('\r'));
  assert.ok(withCr.length > 400, `${withCr.length} CRLF lines`);
  let scoped = 0;
  for (const line of withCr) {
    const bare = line.slice(0, -1);
    const a = view(grammar.tokenizeLine(line, INITIAL).tokens, bare.length);
    const b = view(grammar.tokenizeLine(bare, INITIAL).tokens, bare.length);
    assert.deepEqual(a, b, JSON.stringify(line));
    if (b.some((t) => t.scopes.some((s) => s.startsWith('invalid.illegal')))) scoped++;
  }
  assert.ok(scoped >= 2, 'the capture has crash lines among the CRLF lines');
});
