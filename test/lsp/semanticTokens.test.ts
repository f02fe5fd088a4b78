// Semantic tokens for the logs VS Code does not tokenize (above 20 MB or 300,000 lines): the viewport's lines
// coloured as the grammar colours them. The oracle is vscode-textmate itself, run here on the same lines with
// the committed grammar: every token that has a colouring scope must come back at its place, with the type
// package.json maps back to that scope. A log VS Code tokenizes gets none.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { SemanticTokens } from 'vscode-languageserver-protocol';
import { INITIAL, loadGrammar, splitLines } from '../grammar/load-grammar.mjs';
import { CORPUS, LspSession, REPO } from './lspClient';

interface Contributions {
  contributes: {
    semanticTokenTypes: { id: string }[];
    semanticTokenScopes: { language: string; scopes: Record<string, string[]> }[];
  };
}
const pkg = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as Contributions;

let s: LspSession;
let legend: string[];
before(async () => {
  s = new LspSession();
  const init = await s.initialize();
  legend = (init.capabilities.semanticTokensProvider as { legend: { tokenTypes: string[] } }).legend
    .tokenTypes;
});
after(() => s.shutdown());

/** The tokens as (line, start, length, type name), decoded from LSP's relative encoding. */
function decode(t: SemanticTokens): [number, number, number, string][] {
  const out: [number, number, number, string][] = [];
  let line = 0;
  let start = 0;
  for (let i = 0; i < t.data.length; i += 5) {
    const [dl, ds, len, type] = t.data.slice(i, i + 4);
    line += dl;
    start = dl === 0 ? start + ds : ds;
    out.push([line, start, len, legend[type]]);
  }
  return out;
}

const range = (uri: string, from: number, to: number) =>
  s.conn.sendRequest<SemanticTokens>('textDocument/semanticTokens/range', {
    textDocument: { uri },
    range: { start: { line: from, character: 0 }, end: { line: to, character: 0 } },
  });

test('the legend is package.json’s semantic token types, each mapped to scopes for kernel logs', () => {
  assert.deepEqual(
    legend,
    pkg.contributes.semanticTokenTypes.map((t) => t.id),
  );
  const scopes = pkg.contributes.semanticTokenScopes.find((x) => x.language === 'kernel-log')!.scopes;
  for (const t of legend) assert.ok(scopes[t]?.length, `${t} has no scope`);
});

test('a log above 300,000 lines: the viewport coloured as the grammar colours it; a small log gets nothing', async () => {
  // Real captures (CRLF and a lone CR among them) repeated past VS Code's line threshold.
  const capture = ['null_read', 'gpf', 'warn_on', 'softlockup']
    .map((n) => readFileSync(path.join(CORPUS, 'qemu/logs', `${n}.console.log`), 'utf8'))
    .join('');
  const reps = Math.ceil(310_000 / splitLines(capture).length);
  const text = capture.repeat(reps);
  const lines = splitLines(text);
  assert.ok(lines.length > 300_000);
  const uri = 'untitled:large-capture';
  await s.open(uri, text);

  const grammar = await loadGrammar();
  const scopes = pkg.contributes.semanticTokenScopes.find((x) => x.language === 'kernel-log')!.scopes;
  // Which type stands for a scope: the one whose mapped scope is that scope's first three parts.
  const typeOf = (scope: string) =>
    Object.keys(scopes).find((t) => {
      const mapped = scopes[t][0].split(' ')[0].replace(/\.kernel-log$/, '');
      const own = scope
        .replace(/\.kernel-log$/, '')
        .split('.')
        .slice(0, 3)
        .join('.');
      return mapped === own;
    });
  for (const from of [0, 150_000, lines.length - 80]) {
    const got = decode(await range(uri, from, from + 80));
    const want: [number, number, number, string][] = [];
    for (let l = from; l < Math.min(from + 80, lines.length); l++) {
      for (const t of grammar.tokenizeLine(lines[l], INITIAL).tokens) {
        const colouring = [...t.scopes]
          .reverse()
          .find((x: string) => x.endsWith('.kernel-log') && !/^(meta|source)\./.test(x));
        const end = Math.min(t.endIndex, lines[l].length);
        if (colouring && end > t.startIndex)
          want.push([l, t.startIndex, end - t.startIndex, typeOf(colouring)!]);
      }
    }
    assert.ok(want.length > 100, `lines ${from}…: ${want.length} tokens`);
    assert.deepEqual(got, want, `lines ${from}…`);
  }
  await s.close(uri);

  const small = 'untitled:small-capture';
  await s.open(small, capture);
  assert.deepEqual((await range(small, 0, 80)).data, []);
  await s.close(small);
});
