// A log the editor keeps from the server (VS Code gives extensions no document above 50 MB): the client names
// it (kernelOops/openLargeLog) and the server reads it from disk. The oracle is the same text sent the usual
// way (didOpen) under another URI: the diagnostics must be the same, and the event count that of `oops-lens
// analyze`. Closing clears them; what cannot be read is said, never waited on.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import { LARGE_LOG_CLOSED_NOTIFICATION, LARGE_LOG_OPEN_REQUEST, type LargeLogResult } from '../../protocol';
import { CORPUS, LspSession, REPO } from './lspClient';

const scratch = mkdtempSync(path.join(tmpdir(), 'oops-lens-large-'));
let s: LspSession;
before(async () => {
  s = new LspSession();
  await s.initialize();
});
after(async () => {
  await s.shutdown();
  rmSync(scratch, { recursive: true, force: true });
});

const openLarge = (uri: string) => s.conn.sendRequest<LargeLogResult>(LARGE_LOG_OPEN_REQUEST, { uri });

test('a log opened from disk gets the diagnostics of the same text sent by the editor', async () => {
  // Real captures (CRLF, a lone CR) after 8 MB of chatter: long enough for the two-part analysis.
  const capture = ['null_read', 'warn_on']
    .map((n) => readFileSync(path.join(CORPUS, 'qemu/logs', `${n}.console.log`), 'utf8'))
    .join('');
  const chatter = '[    1.000000] usb 1-1: new high-speed USB device number 2 using xhci_hcd\r\n'.repeat(
    (8 << 20) / 74,
  );
  const text = `${chatter}${capture}`;
  const file = path.join(scratch, 'capture.log');
  writeFileSync(file, text);
  const uri = pathToFileURL(file).href;

  const cli = spawnSync(process.execPath, [path.join(REPO, 'dist/cli.js'), 'analyze', '--json', file], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  assert.equal(cli.status, 0, cli.stderr);
  const events = (JSON.parse(cli.stdout) as { events: unknown[] }[])[0].events.length;
  assert.ok(events >= 2, cli.stdout.slice(0, 500));

  const since = s.published.length;
  assert.deepEqual(await openLarge(uri), { events });
  const fromDisk = await s.waitForDiagnostics(uri, (p) => p.diagnostics.length > 0, 60_000, since);

  const sentUri = 'untitled:sent-by-the-editor';
  await s.open(sentUri, text);
  const sent = await s.waitForDiagnostics(sentUri, (p) => p.diagnostics.length > 0, 60_000, since);
  // Related locations name each document's own URI.
  const sameUri = (d: unknown, u: string) => JSON.parse(JSON.stringify(d).replaceAll(u, 'URI')) as unknown;
  assert.deepEqual(sameUri(fromDisk, uri), sameUri(sent, sentUri));
  await s.close(sentUri);

  // Closed: cleared.
  const beforeClose = s.published.length;
  await s.conn.sendNotification(LARGE_LOG_CLOSED_NOTIFICATION, { uri });
  assert.deepEqual(await s.waitForDiagnostics(uri, () => true, 20_000, beforeClose), []);
});

test('a log the editor did send is left to the editor', async () => {
  const file = path.join(scratch, 'sent.log');
  writeFileSync(file, '[    1.000000] WARNING: CPU: 0 PID: 1 at drivers/a/a.c:10 a_probe+0x10/0x20\n');
  const uri = pathToFileURL(file).href;
  await s.open(uri, readFileSync(file, 'utf8'));
  await s.waitForDiagnostics(uri, (p) => p.diagnostics.length > 0);
  const r = await openLarge(uri);
  assert.ok('problem' in r && r.problem.includes('open in the editor already'), JSON.stringify(r));
  await s.close(uri);
});

test('what cannot be read as a log is said in one line, never waited on', async () => {
  const fifo = path.join(scratch, 'fifo.log');
  assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
  const dir = path.join(scratch, 'folder.log');
  mkdirSync(dir);
  const binary = path.join(scratch, 'vmlinux.log');
  writeFileSync(binary, Buffer.concat([Buffer.from('\x7fELF\x02\x01\x01'), Buffer.alloc(4096)]));
  for (const [file, why] of [
    [fifo, /not a regular file/],
    [dir, /not a regular file|directory/],
    [binary, /binary, not a log/],
    [path.join(scratch, 'missing.log'), /no such file|ENOENT|not found/i],
  ] as const) {
    const r = await openLarge(pathToFileURL(file).href);
    assert.ok('problem' in r, `${file}: ${JSON.stringify(r)}`);
    assert.match(r.problem, why);
    assert.ok(!r.problem.includes('\n'), r.problem);
  }
  await assert.rejects(openLarge('https://example.invalid/log'), (e: { code?: number; message: string }) => {
    assert.equal(e.code, -32602);
    assert.match(e.message, /params\.uri must be a file: URI/);
    return true;
  });
});
