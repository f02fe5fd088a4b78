// The Kernel Crashes view's requests over stdio: kernelOops/crashGroups groups the given logs as
// `oops-lens triage --json` does (the oracle: the CLI on the same files), an open log counts with its
// current text (an edit shows), a binary file is skipped with its reason, a group's events
// (kernelOops/crashGroupEvents) are its occurrences' headers, and a cancelled request leaves the server
// serving.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import {
  CRASH_GROUP_EVENTS_REQUEST,
  CRASH_GROUPS_REQUEST,
  type CrashEventLocation,
  type CrashGroupsResult,
} from '../../protocol';
import { CORPUS, LspSession, lspLines, REPO } from './lspClient';

const dir = mkdtempSync(path.join(tmpdir(), 'oops-lens-crash-tree-'));
const QEMU_LOGS = path.join(CORPUS, 'qemu/logs');
const logs = readdirSync(QEMU_LOGS)
  .filter((f) => f.endsWith('.console.log'))
  .map((f, i) => {
    const to = path.join(dir, f);
    copyFileSync(path.join(QEMU_LOGS, f), to);
    const t = new Date(Date.UTC(2026, 0, 1, 0, i));
    utimesSync(to, t, t);
    return to;
  });
copyFileSync(path.join(CORPUS, 'qemu/module/buggy.ko'), path.join(dir, 'buggy.ko'));
const uris = [...logs, path.join(dir, 'buggy.ko')].map((f) => pathToFileURL(f).href);

let lsp: LspSession;
before(async () => {
  lsp = new LspSession();
  await lsp.initialize();
});
after(async () => {
  await lsp.shutdown();
  rmSync(dir, { recursive: true, force: true });
});

const groups = (u: string[], by?: 'title' | 'frames') =>
  lsp.conn.sendRequest(CRASH_GROUPS_REQUEST, { uris: u, by }) as Promise<CrashGroupsResult>;
const events = (u: string[], signature: string, by?: 'title' | 'frames') =>
  lsp.conn.sendRequest(CRASH_GROUP_EVENTS_REQUEST, { uris: u, signature, by }) as Promise<
    CrashEventLocation[]
  >;

function cliTriage(by: string): {
  groups: { signature: string; count: number; logs: number; title: string }[];
} {
  const r = spawnSync(
    process.execPath,
    [path.join(REPO, 'dist/cli.js'), 'triage', '--json', '--by', by, ...logs],
    {
      encoding: 'utf8',
    },
  );
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

test('crashGroups: the groups oops-lens triage finds, in its order; binary files skipped', async () => {
  for (const by of ['title', 'frames'] as const) {
    const got = await groups(uris, by);
    const want = cliTriage(by);
    assert.deepEqual(
      got.groups.map((g) => [g.signature, g.count, g.logs]),
      want.groups.map((g) => [g.signature, g.count, g.logs]),
    );
    assert.equal(got.logs, logs.length);
    assert.deepEqual(got.skipped, [`${path.join(dir, 'buggy.ko')}: binary, not a log`]);
  }
});

test('crashGroupEvents: each group’s occurrences, at their header lines', async () => {
  const { groups: gs } = await groups(uris);
  let total = 0;
  for (const g of gs) {
    const evs = await events(uris, g.signature);
    assert.equal(evs.length, g.count, g.signature);
    for (const e of evs) {
      const line = lspLines(readFileSync(new URL(e.uri), 'utf8'))[e.line];
      assert.ok(line.length > e.character, `${e.uri}:${e.line}`);
      assert.equal(e.title, g.signature);
    }
    total += evs.length;
  }
  assert.ok(total >= logs.length, `${total} events`);
});

test('an open log counts with its current text; a cancelled request leaves the server serving', async () => {
  const uri = pathToFileURL(logs[0]).href;
  const before = await groups([uri]);
  assert.ok(before.groups.length > 0);
  // Opened with another log's text: the open document wins over the file on disk.
  const other = readFileSync(logs[1], 'utf8');
  await lsp.open(uri, other);
  const opened = await groups([uri]);
  const want = cliTriage('title');
  const otherTitles = new Set(want.groups.filter((g) => g.logs > 0).map((g) => g.title));
  assert.notDeepEqual(
    opened.groups.map((g) => g.signature),
    before.groups.map((g) => g.signature),
  );
  for (const g of opened.groups) assert.ok(otherTitles.has(g.title), g.title);
  await lsp.close(uri);

  // Cancelled at once: answered with RequestCancelled or a result, never a crash; then served again.
  // Touched: the cached results no longer hold, so the request has the worker read them again.
  logs.forEach((f, i) =>
    utimesSync(f, new Date(Date.UTC(2026, 1, 1, 0, i)), new Date(Date.UTC(2026, 1, 1, 0, i))),
  );
  const { CancellationTokenSource } = await import('vscode-jsonrpc');
  const source = new CancellationTokenSource();
  const pending = lsp.conn.sendRequest(CRASH_GROUPS_REQUEST, { uris }, source.token).then(
    () => 'answered',
    (e: { code?: number }) => e.code,
  );
  source.cancel();
  assert.ok(['answered', -32800].includes((await pending) as string | number), String(await pending));
  const again = await groups(uris);
  assert.equal(again.logs, logs.length);
});

test('malformed params are InvalidParams', async () => {
  await assert.rejects(lsp.conn.sendRequest(CRASH_GROUPS_REQUEST, { uris: 'x' }), { code: -32602 });
  await assert.rejects(lsp.conn.sendRequest(CRASH_GROUP_EVENTS_REQUEST, { uris: [] }), { code: -32602 });
});
