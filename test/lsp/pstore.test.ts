// *Open kernel log: pstore* over LSP: the server command reads pstore dump files (a real oops split into two
// ramoops records the way fs/pstore/platform.c writes them, Part1 the most recent text), joins them oldest
// first into the log as printed, and says which inputs it could not use; malformed arguments are InvalidParams.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PSTORE_COMMAND, type PstoreResult } from '../../protocol';
import { CORPUS, LspSession, messageOf } from './lspClient';

let lsp: LspSession;
before(async () => {
  lsp = new LspSession();
  await lsp.initialize();
});
after(() => lsp.shutdown());

const pstore = (args: unknown[]) =>
  lsp.conn.sendRequest('workspace/executeCommand', {
    command: PSTORE_COMMAND,
    arguments: args,
  }) as Promise<PstoreResult>;

/** The crash's kernel lines as pstore keeps them (`<level>` before the timestamp). */
function crashLines(): string[] {
  const log = readFileSync(path.join(CORPUS, 'qemu/logs/null_read.console.log'), 'utf8').split(/\r?\n/);
  return log
    .slice(log.findIndex((l) => l.includes('KCRASH TRIGGER')) + 1)
    .filter((l) => l.startsWith('['))
    .map((l) => `<4>${l}`);
}

test('pstore: two ramoops records join oldest first; the joined log analyses to the oops', async () => {
  const lines = crashLines();
  const cut = lines.findIndex((l) => l.includes('Call Trace:')) + 3;
  const dir = mkdtempSync(path.join(tmpdir(), 'oops-lens-lsp-pstore-'));
  writeFileSync(path.join(dir, 'dmesg-ramoops-0'), ['Oops#1 Part1', ...lines.slice(cut)].join('\n') + '\n');
  writeFileSync(
    path.join(dir, 'dmesg-ramoops-1'),
    ['Oops#1 Part2', ...lines.slice(0, cut)].join('\n') + '\n',
  );
  execFileSync('mkfifo', [path.join(dir, 'dmesg-fifo')]);
  const result = await pstore([[dir]]);
  assert.equal(result.text, lines.join('\n') + '\n');
  assert.deepEqual(result.dumps, ['Oops#1: parts 2, 1 joined, oldest first']);
  // A FIFO named like a dump is refused, not waited on.
  assert.equal(result.problems.length, 1);
  assert.match(result.problems[0], /dmesg-fifo: .*FIFO/);

  const uri = 'untitled:pstore-joined';
  const mark = lsp.published.length;
  await lsp.open(uri, result.text);
  const diags = await lsp.waitForDiagnostics(uri, () => true, 20_000, mark);
  assert.ok(
    diags.some((d) => /NULL pointer dereference in buggy_null_read_level2/.test(messageOf(d))),
    JSON.stringify(diags.map(messageOf)),
  );
});

test('pstore: a missing folder is a problem, not an error; bad arguments are InvalidParams', async () => {
  const missing = await pstore([['/nonexistent-pstore-folder']]);
  assert.deepEqual(missing, { text: '', dumps: [], problems: ['/nonexistent-pstore-folder: not found'] });
  await assert.rejects(pstore([['relative/dir']]), (e: { code?: number; message?: string }) => {
    assert.equal(e.code, -32602);
    assert.match(e.message ?? '', /list of absolute paths/);
    return true;
  });
});
