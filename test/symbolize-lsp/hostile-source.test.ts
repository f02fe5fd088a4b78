// A debug file decides nothing about which files are read: a .ko whose line table names a file outside the
// source roots (a stand-in for ~/.ssh/id_rsa) gets no lines of it in the frame hover and no definition.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { LspSession, lspLines } from '../lsp/lspClient';
import { openDebugFile } from '../../server/src/engine';

test('a .ko naming a file outside the source folders: the hover shows none of its lines, definition offers nothing', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'oops-lens-hostile-'));
  const secret = mkdtempSync(path.join(tmpdir(), 'oops-lens-secret-'));
  const ws = mkdtempSync(path.join(tmpdir(), 'oops-lens-ws-'));
  const lsp = new LspSession({ DEBUGINFOD_URLS: '' });
  try {
    const key = path.join(secret, 'id_rsa.c');
    writeFileSync(key, 'int hostile(int x)\n{\n\treturn x * 3 + 1; /* SECRET-KEY-MATERIAL */\n}\n');
    const ko = path.join(dir, 'hostile.ko');
    const r = spawnSync('gcc', ['-g', '-O1', '-c', key, '-o', ko], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const size = openDebugFile(ko).lookupSymbol('hostile', 0, null).symbol!.size;
    const text = [
      'BUG: kernel NULL pointer dereference, address: 0000000000000000',
      'Oops: 0000 [#1] PREEMPT SMP NOPTI',
      'Call Trace:',
      ` hostile+0x1/0x${size.toString(16)} [hostile]`,
      ' do_syscall_64+0x5b/0x80',
      '',
    ].join('\n');
    lsp.configuration = { modulePaths: [ko], sourceRoot: [dir] };
    await lsp.initialize({
      workspace: { configuration: true },
      textDocument: { definition: { linkSupport: true } },
      workspaceFolders: [{ uri: pathToFileURL(ws).href, name: 'ws' }],
    });
    const uri = pathToFileURL(path.join(ws, 'hostile.log')).href;
    await lsp.open(uri, text);
    const lines = lspLines(text);
    const line = lines.findIndex((l) => l.includes('hostile+0x1'));
    const pos = { line, character: lines[line].indexOf('hostile') + 2 };
    let md = '';
    for (let i = 0; i < 100 && !md.includes('Source'); i++) {
      const h = await lsp.hover(uri, pos.line, pos.character);
      md = h && typeof h.contents === 'object' && 'value' in h.contents ? h.contents.value : '';
      if (!md.includes('Source')) await new Promise((res) => setTimeout(res, 100));
    }
    assert.match(md, /id_rsa\.c/, 'the hover names the DWARF path');
    assert.doesNotMatch(md, /SECRET-KEY-MATERIAL|x \* 3/, 'but shows none of its lines');
    assert.match(md, /Source file not found/);
    const def = await lsp.conn.sendRequest('textDocument/definition', {
      textDocument: { uri },
      position: pos,
    });
    assert.equal(def, null);
  } finally {
    await lsp.shutdown();
    for (const d of [dir, secret, ws]) rmSync(d, { recursive: true, force: true });
  }
});
