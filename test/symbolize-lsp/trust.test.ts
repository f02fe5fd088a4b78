// Workspace trust in the built language server: started untrusted (initializationOptions
// `workspaceTrusted: false`), it neither searches the workspace for vmlinux/.ko files, nor runs xz, nor asks
// debuginfod; after the client's `kernelOops/workspaceTrust` notification it does all of these.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { level1Position, LspSession } from '../lsp/lspClient';
import { QEMU_LOGS, QEMU_MODULES } from './truth';
import { BUGGY_BUILD_ID } from '../../server/test/debugfiles/helpers';
import {
  DEBUG_FILES_NOTIFICATION,
  WORKSPACE_TRUST_NOTIFICATION as TRUST,
  type DebugFilesParams as DebugFiles,
} from '../../protocol';

/** A server started in `workspace` with the given trust; its debugFiles notifications are collected. */
async function start(workspace: string, trusted: boolean | undefined, configuration: object, env = {}) {
  const lsp = new LspSession({ DEBUGINFOD_URLS: '', ...env });
  const files: DebugFiles[] = [];
  lsp.conn.onNotification(DEBUG_FILES_NOTIFICATION, (p: DebugFiles) => void files.push(p));
  lsp.conn.onNotification('window/showMessage', () => {});
  lsp.configuration = configuration;
  await lsp.initialize(
    { workspace: { configuration: true } },
    trusted === undefined ? undefined : { workspaceTrusted: trusted },
    workspace,
  );
  return { lsp, files };
}

test('untrusted workspace: its buggy.ko and vmlinux are not used; after the trust notification they are', async () => {
  const ws = mkdtempSync(path.join(tmpdir(), 'oops-lens-untrusted-'));
  copyFileSync(path.join(QEMU_MODULES, 'buggy.ko'), path.join(ws, 'buggy.ko'));
  // Its source: definitions map DWARF paths onto the workspace folder.
  copyFileSync(path.join(QEMU_MODULES, 'buggy.c'), path.join(ws, 'buggy.c'));
  // Not this kernel's vmlinux (a module): found in a trusted workspace, then refused as not matching.
  copyFileSync(path.join(QEMU_MODULES, 'buggy.ko'), path.join(ws, 'vmlinux'));
  const log = path.join(ws, 'null_read.log');
  const text = readFileSync(path.join(QEMU_LOGS, 'null_read.console.log'), 'utf8');
  writeFileSync(log, text);
  const { lsp, files } = await start(ws, false, {});
  try {
    const uri = pathToFileURL(log).href;
    await lsp.open(uri, text);
    await lsp.until('the debug files of the log', () => files.length >= 1);
    const untrusted = files[files.length - 1];
    assert.deepEqual(untrusted.modules, {}, 'the workspace .ko is not used');
    assert.equal(untrusted.vmlinux, null);
    assert.deepEqual(untrusted.rejected, {}, 'nothing from the workspace was even opened');
    const position = level1Position(text);
    const none = await lsp.conn.sendRequest('textDocument/definition', { textDocument: { uri }, position });
    assert.ok(none === null || (Array.isArray(none) && none.length === 0), JSON.stringify(none));

    const before = files.length;
    await lsp.conn.sendNotification(TRUST, { trusted: true });
    await lsp.until('the debug files after trust', () => files.length > before);
    const trusted = files[files.length - 1];
    assert.deepEqual(trusted.modules.buggy, { path: path.join(ws, 'buggy.ko'), source: 'workspace' });
    assert.equal(
      trusted.vmlinux?.path ?? trusted.rejected.vmlinux?.path,
      path.join(ws, 'vmlinux'),
      'the workspace vmlinux is looked at',
    );
    const def = (await lsp.conn.sendRequest('textDocument/definition', {
      textDocument: { uri },
      position,
    })) as { targetUri?: string; uri?: string }[];
    assert.ok(Array.isArray(def) && def.length > 0, JSON.stringify(def));
  } finally {
    await lsp.shutdown();
    rmSync(ws, { recursive: true, force: true });
  }
});

test('untrusted workspace: a .ko.xz is not decompressed (no xz run), and a trust notification without a boolean changes nothing', async () => {
  const ws = mkdtempSync(path.join(tmpdir(), 'oops-lens-untrusted-'));
  const mods = mkdtempSync(path.join(tmpdir(), 'oops-lens-mods-'));
  // Never decompressed, so its content does not matter.
  writeFileSync(path.join(mods, 'buggy.ko.xz'), 'not xz');
  const text = readFileSync(path.join(QEMU_LOGS, 'null_read.console.log'), 'utf8');
  const { lsp, files } = await start(ws, false, { modulePaths: [mods] });
  try {
    const uri = pathToFileURL(path.join(ws, 'a.log')).href;
    await lsp.open(uri, text);
    await lsp.until('the debug files of the log', () => files.length >= 1);
    const m = files[files.length - 1].messages.find((x) => x.includes('buggy.ko.xz'));
    assert.match(m ?? '', /xz command is not run in an untrusted workspace/);
    await lsp.conn.sendNotification(TRUST, { trusted: 'yes' });
    await lsp.conn.sendNotification(TRUST, null);
    // A request after the notifications: they have been handled.
    await lsp.symbols(uri);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(files.length, 1, 'no new symbolization');
  } finally {
    await lsp.shutdown();
    rmSync(ws, { recursive: true, force: true });
    rmSync(mods, { recursive: true, force: true });
  }
});

test('untrusted workspace: debuginfod is not asked even when enabled; after trust it is', async () => {
  const hits: string[] = [];
  const server = http.createServer((req, res) => {
    hits.push(req.url ?? '');
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const ws = mkdtempSync(path.join(tmpdir(), 'oops-lens-untrusted-'));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { lsp, files } = await start(ws, false, { debuginfod: { enable: true } }, { DEBUGINFOD_URLS: url });
  try {
    const text = readFileSync(path.join(QEMU_LOGS, 'null_read.console.log'), 'utf8').replaceAll(
      '[buggy]',
      `[buggy ${BUGGY_BUILD_ID}]`,
    );
    const uri = pathToFileURL(path.join(ws, 'a.log')).href;
    await lsp.open(uri, text);
    await lsp.until('the debug files of the log', () => files.length >= 1);
    assert.equal(hits.length, 0, hits.join(' '));
    await lsp.conn.sendNotification(TRUST, { trusted: true });
    await lsp.until('a debuginfod request', () => hits.length > 0);
    assert.ok(hits[0].includes(`/buildid/${BUGGY_BUILD_ID}/debuginfo`), hits[0]);
  } finally {
    await lsp.shutdown();
    server.close();
    rmSync(ws, { recursive: true, force: true });
  }
});

test('a client that says nothing about trust (other editors) is trusted: the workspace .ko is used', async () => {
  const ws = mkdtempSync(path.join(tmpdir(), 'oops-lens-trusted-'));
  copyFileSync(path.join(QEMU_MODULES, 'buggy.ko'), path.join(ws, 'buggy.ko'));
  const { lsp, files } = await start(ws, undefined, {});
  try {
    const uri = pathToFileURL(path.join(ws, 'a.log')).href;
    await lsp.open(uri, readFileSync(path.join(QEMU_LOGS, 'null_read.console.log'), 'utf8'));
    await lsp.until('the debug files of the log', () => files.length >= 1);
    assert.equal(files[files.length - 1].modules.buggy?.source, 'workspace');
  } finally {
    await lsp.shutdown();
    rmSync(ws, { recursive: true, force: true });
  }
});
