// Broken, mismatched and missing debug files in the built language server: a clear window/showMessage
// naming the file, a hover that says why there is no source, no definition, and the server keeps serving.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DEBUG_FILES_NOTIFICATION, type DebugFilesParams } from '../../protocol';
import { level1Position, LspSession, lspLines, until } from '../lsp/lspClient';
import { QEMU_ARM64, QEMU_LOGS, QEMU_MODULES } from './truth';
import { buggyWithOtherBuildId, BUGGY_BUILD_ID } from '../../server/test/debugfiles/helpers';

const LOG = path.join(QEMU_LOGS, 'null_read.console.log');

/** What the status bar shows. */
type DebugFilesStatus = Pick<DebugFilesParams, 'modules' | 'rejected' | 'status'>;

async function session(
  configuration: object,
): Promise<{ lsp: LspSession; messages: string[]; status: DebugFilesStatus[] }> {
  const lsp = new LspSession({ DEBUGINFOD_URLS: '' });
  const messages: string[] = [];
  const status: DebugFilesStatus[] = [];
  lsp.conn.onNotification('window/showMessage', (p: { message: string }) => void messages.push(p.message));
  lsp.conn.onNotification(DEBUG_FILES_NOTIFICATION, (p: DebugFilesStatus) => void status.push(p));
  lsp.configuration = configuration;
  await lsp.initialize({
    workspace: { configuration: true },
    textDocument: { definition: { linkSupport: true } },
  });
  return { lsp, messages, status };
}

test('corrupt vmlinux and .ko: one message each naming the file; hover says why; definition is empty; the server keeps serving', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'oops-lens-corrupt-'));
  const { lsp, messages } = await session({ vmlinux: path.join(dir, 'vmlinux'), modulePaths: [dir] });
  try {
    // An ELF header claiming a section table far beyond the end of the file, and a truncated module.
    const elf = Buffer.alloc(64);
    elf.write('\x7fELF', 0, 'latin1');
    elf[4] = 2;
    elf[5] = 1;
    elf[6] = 1;
    elf.writeBigUInt64LE(0xffffffffn, 0x28);
    writeFileSync(path.join(dir, 'vmlinux'), elf);
    writeFileSync(
      path.join(dir, 'buggy.ko'),
      readFileSync(path.join(QEMU_MODULES, 'buggy.ko')).subarray(0, 4096),
    );
    const uri = pathToFileURL(LOG).href;
    const text = readFileSync(LOG, 'utf8');
    await lsp.open(uri, text);
    await until('two messages', () => messages.length >= 2);
    assert.ok(
      messages.some((m) => m.includes(path.join(dir, 'vmlinux'))),
      messages.join('\n'),
    );
    assert.ok(
      messages.some((m) => m.includes(path.join(dir, 'buggy.ko'))),
      messages.join('\n'),
    );
    for (const m of messages) assert.match(m, /^Kernel Oops Lens: \S/);
    const pos = level1Position(text);
    const def = await lsp.conn.sendRequest('textDocument/definition', {
      textDocument: { uri },
      position: pos,
    });
    assert.equal(def, null);
    const h = await lsp.hover(uri, pos.line, pos.character);
    const md = h && typeof h.contents === 'object' && 'value' in h.contents ? h.contents.value : '';
    assert.match(md, /\*\*Source:\*\* not found — .*buggy\.ko/);
    const symbols = await lsp.symbols(uri);
    assert.ok(symbols && symbols.length > 0, 'still serving');
    assert.equal(messages.length, 2, 'each problem once');
  } finally {
    await lsp.shutdown();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a module with another build id than the log prints is not used, and the message says so', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'oops-lens-mismatch-'));
  const { lsp, messages, status } = await session({ modulePaths: [dir] });
  try {
    buggyWithOtherBuildId(path.join(dir, 'buggy.ko'));
    const text = readFileSync(LOG, 'utf8').replaceAll('[buggy]', `[buggy ${BUGGY_BUILD_ID}]`);
    const uri = pathToFileURL(path.join(dir, 'with-build-ids.log')).href;
    await lsp.open(uri, text);
    await until('a message', () => messages.length >= 1);
    assert.match(messages[0], /does not match the log: its build id is [0-9a-f]+, the log prints 00d2fee8/);
    await until('a status notification', () => status.length >= 1);
    assert.deepEqual(status[0].modules, {});
    assert.equal(
      await lsp.conn.sendRequest('textDocument/definition', {
        textDocument: { uri },
        position: level1Position(text),
      }),
      null,
    );
  } finally {
    await lsp.shutdown();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('no debug files at all: no message, the status names none, hovers still work', async () => {
  const { lsp, messages, status } = await session({});
  try {
    const uri = pathToFileURL(LOG).href;
    const text = readFileSync(LOG, 'utf8');
    await lsp.open(uri, text);
    await until('a status notification', () => status.length >= 1);
    assert.deepEqual(messages, []);
    assert.deepEqual(status[0].modules, {});
    assert.equal(status[0].status, 'no matching debug files');
    const pos = level1Position(text);
    const h = await lsp.hover(uri, pos.line, pos.character);
    const md = h && typeof h.contents === 'object' && 'value' in h.contents ? h.contents.value : '';
    assert.match(md, /no debug file for module buggy/);
  } finally {
    await lsp.shutdown();
  }
});

test('the arm64 log with the x86_64 buggy.ko: status "debug files don\'t match this log: …", hover says why, no definition', async () => {
  const { lsp, messages, status } = await session({ modulePaths: [path.join(QEMU_MODULES, 'buggy.ko')] });
  try {
    const log = path.join(QEMU_ARM64, 'logs/null_read.console.log');
    const uri = pathToFileURL(log).href;
    const text = readFileSync(log, 'utf8');
    await lsp.open(uri, text);
    await until('a status notification', () => status.length >= 1);
    const why = "its ELF machine is x86_64, the log's kernel is arm64";
    assert.equal(status[0].status, `debug files don't match this log: buggy.ko: ${why}`);
    assert.deepEqual(status[0].modules, {});
    assert.equal(status[0].rejected.buggy.reason, why);
    await until('a message', () => messages.length >= 1);
    assert.ok(
      messages.some((m) => m.includes(`buggy.ko does not match the log: ${why}`)),
      messages.join('\n'),
    );
    const lines = lspLines(text);
    const line = lines.findIndex((l) => l.includes(' buggy_null_read+0x2c/0x44 [buggy]'));
    assert.ok(line > 0, 'a buggy frame line');
    const pos = { line, character: lines[line].indexOf('buggy_null_read') + 3 };
    const h = await lsp.hover(uri, pos.line, pos.character);
    const md = h && typeof h.contents === 'object' && 'value' in h.contents ? h.contents.value : '';
    assert.ok(md.includes(`buggy.ko does not match this log: ${why}`), md);
    assert.equal(
      await lsp.conn.sendRequest('textDocument/definition', { textDocument: { uri }, position: pos }),
      null,
    );
  } finally {
    await lsp.shutdown();
  }
});
