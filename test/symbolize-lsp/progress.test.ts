// While a vmlinux is indexed the server reports window/workDoneProgress (begin … end) to clients that
// support it. Any ELF with DWARF stands in for the vmlinux here (buggy.ko: the lookups of vmlinux frames
// fail, the indexing step still happens); the log is null_read's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { LspSession } from '../lsp/lspClient';
import { QEMU_LOGS, QEMU_MODULES } from './truth';

const KO = path.join(QEMU_MODULES, 'buggy.ko');

test('indexing a vmlinux shows a progress (begin, then end) naming the file', async () => {
  const lsp = new LspSession({ DEBUGINFOD_URLS: '' });
  const created: unknown[] = [];
  const progress: { token: unknown; value: { kind: string; message?: string } }[] = [];
  lsp.conn.onRequest('window/workDoneProgress/create', (p: { token: unknown }) => {
    created.push(p.token);
    return null;
  });
  lsp.conn.onNotification(
    '$/progress',
    (p: { token: unknown; value: { kind: string; message?: string } }) => void progress.push(p),
  );
  lsp.configuration = { vmlinux: KO };
  try {
    await lsp.initialize({ workspace: { configuration: true }, window: { workDoneProgress: true } });
    const log = path.join(QEMU_LOGS, 'null_read.console.log');
    await lsp.open(pathToFileURL(log).href, readFileSync(log, 'utf8'));
    const end = Date.now() + 20_000;
    while (!progress.some((p) => p.value.kind === 'end') && Date.now() < end)
      await new Promise((r) => setTimeout(r, 50));
    assert.equal(created.length, 1);
    const kinds = progress.filter((p) => p.token === created[0]).map((p) => p.value.kind);
    assert.deepEqual(kinds, ['begin', 'end']);
    assert.ok(progress[0].value.message?.includes(KO), JSON.stringify(progress[0]));
  } finally {
    await lsp.shutdown();
  }
});
