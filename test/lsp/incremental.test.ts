// Edits through the built server, as an editor sends them (several changes before the server's quiet
// period ends), against the same text opened fresh as the oracle: the diagnostics, the outline and the
// folding ranges of the edited document must be those of a document that was never edited.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { TextDocument, type TextDocumentContentChangeEvent } from 'vscode-languageserver-textdocument';
import { CORPUS, LspSession } from './lspClient';

const LINES = [
  '[   12.345678] BUG: kernel NULL pointer dereference, address: 0000000000000008',
  '[   12.345681] Call Trace:',
  '[   12.345683]  bar+0x10/0x20 [buggy]',
  '[   12.345685] RIP: 0010:foo+0x1b/0x29',
  '[   12.345686] ---[ end trace 0000000000000000 ]---',
  '[   12.345687] Kernel panic - not syncing: Fatal exception',
  '',
];

/** xorshift32, so that a failure can be replayed. */
function rng(seed: number) {
  let x = seed >>> 0;
  return (n: number) => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x % n;
  };
}

test('an edited document publishes what the same text opened fresh does', async () => {
  const dir = path.join(CORPUS, 'qemu/logs');
  const text = readdirSync(dir)
    .filter((n) => n.endsWith('.log'))
    .sort()
    .slice(0, 8)
    .map((n) => readFileSync(path.join(dir, n), 'utf8'))
    .join('\n');
  const lsp = new LspSession();
  lsp.configuration = { analysis: { debounceMs: 50 } };
  try {
    await lsp.initialize({
      workspace: { configuration: true },
      textDocument: { documentSymbol: { hierarchicalDocumentSymbolSupport: true } },
    });
    const uri = 'file:///edited/dmesg.log';
    const mirror = TextDocument.create(uri, 'kernel-log', 1, text);
    await lsp.open(uri, text);
    await lsp.waitForDiagnostics(uri, (p) => p.version === 1);
    const pick = rng(11);
    let version = 1;
    for (let round = 0; round < 8; round++) {
      for (let k = 0; k <= pick(3); k++) {
        // Not the last line: deleting it would take an end past the text.
        const line = pick(mirror.lineCount - 1);
        const at = { line, character: 0 };
        const change: TextDocumentContentChangeEvent =
          pick(3) === 0
            ? { range: { start: at, end: { line: line + 1, character: 0 } }, text: '' }
            : pick(2) === 0
              ? { range: { start: at, end: at }, text: `${LINES[pick(LINES.length)]}\n` }
              : { range: { start: { line, character: 3 }, end: { line, character: 3 } }, text: 'x' };
        TextDocument.update(mirror, [change], ++version);
        await lsp.change(uri, version, [change]);
      }
      const v = version;
      const edited = await lsp.waitForDiagnostics(uri, (p) => p.version === v);
      const fresh = `file:///fresh/${round}/dmesg.log`;
      await lsp.open(fresh, mirror.getText());
      const expected = await lsp.waitForDiagnostics(fresh, (p) => p.version === 1);
      const at = `round ${round}, version ${v}`;
      assert.deepEqual(JSON.parse(JSON.stringify(edited).replaceAll(uri, fresh)), expected, at);
      assert.deepEqual(await lsp.symbols(uri), await lsp.symbols(fresh), at);
      assert.deepEqual(await lsp.folding(uri), await lsp.folding(fresh), at);
      await lsp.close(fresh);
    }
  } finally {
    await lsp.shutdown();
  }
});
