// The language server with special files in its settings and module folder (issue: a `<mod>.ko` symlinked
// to a FIFO hung definition and Decode log for every document, and the server then ignored `exit`; a module
// map on /dev/zero grew until it died). Each file gets one message, every request answers, `exit` exits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { LspSession, lspLines } from '../lsp/lspClient';
import { QEMU_LOGS } from './truth';

const LOG = path.join(QEMU_LOGS, 'null_read.console.log');

test('a FIFO .ko in the module folder, a FIFO module map and /dev/zero as System.map: messages, answers, a clean exit', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'oops-lens-special-lsp-'));
  const fifo = path.join(dir, 'fifo');
  execFileSync('mkfifo', [fifo]);
  mkdirSync(path.join(dir, 'mods'));
  symlinkSync(fifo, path.join(dir, 'mods/buggy.ko'));
  const lsp = new LspSession({ DEBUGINFOD_URLS: '' });
  const messages: string[] = [];
  lsp.conn.onNotification('window/showMessage', (p: { message: string }) => void messages.push(p.message));
  lsp.configuration = { modulePaths: [path.join(dir, 'mods')], moduleMap: fifo, systemMap: '/dev/zero' };
  try {
    await lsp.initialize({
      workspace: { configuration: true },
      textDocument: { definition: { linkSupport: true } },
    });
    const uri = pathToFileURL(LOG).href;
    const text = readFileSync(LOG, 'utf8');
    await lsp.open(uri, text);
    const lines = lspLines(text);
    const line = lines.findIndex((l) => l.includes('buggy_null_read_level1+0xa/0x20 [buggy'));
    const position = { line, character: lines[line].indexOf('buggy_null_read_level1') + 3 };
    const within = <T>(what: string, p: Thenable<T>) =>
      Promise.race([
        p,
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error(`${what} did not answer`)), 30_000),
        ),
      ]);
    assert.equal(
      await within(
        'definition',
        lsp.conn.sendRequest('textDocument/definition', { textDocument: { uri }, position }),
      ),
      null,
    );
    const decoded = (await within(
      'Decode log',
      lsp.conn.sendRequest('workspace/executeCommand', {
        command: 'kernelOops.server.decodeLog',
        arguments: [uri],
      }),
    )) as { text: string; messages: string[] };
    // The log's lines, and the one line decode adds after the memory fault's RIP line.
    assert.equal(lspLines(decoded.text).filter((l) => !/\] Faulting access: /.test(l)).length, lines.length);
    const all = [...messages, ...decoded.messages].join('\n');
    assert.ok(all.includes(`${path.join(dir, 'mods/buggy.ko')}: not a regular file (a FIFO)`), all);
    assert.ok(all.includes(`moduleMap ${fifo}: not a regular file (a FIFO)`), all);
    assert.ok(all.includes('systemMap /dev/zero: not a regular file (a character device)'), all);
  } finally {
    await lsp.shutdown();
    rmSync(dir, { recursive: true, force: true });
  }
  // shutdown() kills the server only when `exit` did not end it within 3 s.
  assert.equal(lsp.proc.signalCode, null, 'the server ended on `exit`, it was not killed');
  assert.equal(lsp.proc.exitCode, 0);
});
