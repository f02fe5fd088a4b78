// Document links over the built server: `file:line` text in real logs (the qemu WARNING's DKMS build path,
// syzbot's kernel-tree paths) opens that line of the copy in kernelOops.sourceRoot; paths with no local
// file are not links; a file that appears later is found without reopening the log.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { DocumentLink } from 'vscode-languageserver-protocol';
import { LspSession, lspLines } from './lspClient';
import { QEMU, QEMU_LOGS } from '../symbolize-lsp/truth';
import { SYZKALLER_REPORTS } from '../../server/test/engine/syzkaller-corpus';

let tree = '';
let lsp: LspSession;
const warnLog = path.join(QEMU_LOGS, 'warn_on.console.log');
const syzReport = path.join(SYZKALLER_REPORTS, '../guilty/1');
const uri = (file: string) => pathToFileURL(file).href;

async function links(file: string): Promise<{ text: string; target: string }[]> {
  const lines = lspLines(readFileSync(file, 'utf8'));
  const got = (await lsp.conn.sendRequest('textDocument/documentLink', {
    textDocument: { uri: uri(file) },
  })) as DocumentLink[];
  return got.map((l) => {
    assert.equal(l.range.start.line, l.range.end.line);
    return {
      text: lines[l.range.start.line].slice(l.range.start.character, l.range.end.character),
      target: l.target!,
    };
  });
}

before(async () => {
  tree = mkdtempSync(path.join(tmpdir(), 'oops-lens-links-'));
  copyFileSync(path.join(QEMU, 'module/buggy.c'), path.join(tree, 'buggy.c'));
  mkdirSync(path.join(tree, 'kernel/locking'), { recursive: true });
  writeFileSync(path.join(tree, 'kernel/locking/lockdep.c'), '/* stand-in */\n');
  lsp = new LspSession({ DEBUGINFOD_URLS: '' });
  lsp.configuration = { sourceRoot: tree };
  await lsp.initialize({ workspace: { configuration: true }, textDocument: { documentLink: {} } });
  for (const f of [warnLog, syzReport]) await lsp.open(uri(f), readFileSync(f, 'utf8'));
});

after(async () => {
  await lsp?.shutdown();
  if (tree) rmSync(tree, { recursive: true, force: true });
});

test('initialize declares document links', () => {
  assert.deepEqual(lsp.initializeResult.capabilities.documentLinkProvider, { resolveProvider: false });
});

test("the WARNING's DKMS build path links to buggy.c:84 in sourceRoot", async () => {
  const got = await links(warnLog);
  assert.deepEqual(got, [
    {
      text: '/var/lib/dkms/buggy/1.0/build/buggy.c:84',
      target: `${uri(path.join(tree, 'buggy.c'))}#L84`,
    },
  ]);
});

test('syzbot paths: those in the tree are links, the others are not; a file that appears is found', async () => {
  const lockdep = uri(path.join(tree, 'kernel/locking/lockdep.c'));
  const before = await links(syzReport);
  assert.ok(before.length >= 3, JSON.stringify(before));
  assert.equal(before[0].text, 'kernel/locking/lockdep.c:3344', 'the WARNING header comes first');
  for (const l of before) {
    const line = /^kernel\/locking\/lockdep\.c:(\d+)$/.exec(l.text)?.[1];
    assert.ok(line, l.text);
    assert.equal(l.target, `${lockdep}#L${line}`);
  }
  mkdirSync(path.join(tree, 'lib'));
  writeFileSync(path.join(tree, 'lib/dump_stack.c'), '/* stand-in */\n');
  const after = await links(syzReport);
  assert.ok(
    after.some((l) => l.text === 'lib/dump_stack.c:52' && l.target.endsWith('/lib/dump_stack.c#L52')),
    JSON.stringify(after),
  );
  assert.ok(after.length > before.length);
});
