// Navigation over LSP, as an editor drives it: the event-headers command (where Next / Previous crash
// move), workspace symbols over every open log, and the code actions on our diagnostics. The oracle for
// events is `oops-lens analyze --json` on the same files; for header columns, the log line's printk
// timestamp, which ends where the header begins.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CodeAction, Diagnostic, SymbolInformation } from 'vscode-languageserver-protocol';
import {
  COPY_CRASH_REPORT_COMMAND,
  EVENT_HEADERS_COMMAND,
  SEARCH_SYZBOT_COMMAND,
  SELECT_DEBUG_FILES_COMMAND,
  syzbotSearchUrl,
  type EventHeader,
} from '../../protocol';
import { CORPUS, LspSession, lspLines, REPO } from './lspClient';

const LOGS = [
  path.join(CORPUS, 'qemu/logs/warn_on.console.log'),
  path.join(CORPUS, 'qemu/logs/null_read.console.log'),
  path.join(CORPUS, 'qemu/logs/oom.console.log'),
  path.join(CORPUS, 'syzkaller/guilty/1'),
];
interface CliEvent {
  line: number;
  title: string;
  comm: string | null;
  guiltyFrame: string | null;
}
const analyzed = new Map<string, CliEvent[]>(
  (
    JSON.parse(
      spawnSync(process.execPath, [path.join(REPO, 'dist/cli.js'), 'analyze', '--json', ...LOGS], {
        encoding: 'utf8',
      }).stdout,
    ) as { file: string; events: CliEvent[] }[]
  ).map((f) => [path.resolve(f.file), f.events]),
);
const uriOf = (file: string) => pathToFileURL(file).href;
let lsp: LspSession;

before(async () => {
  lsp = new LspSession();
  await lsp.initialize();
  for (const f of LOGS) await lsp.open(uriOf(f), readFileSync(f, 'utf8'));
});
after(() => lsp.shutdown());

const headers = (uri: string) =>
  lsp.conn.sendRequest('workspace/executeCommand', {
    command: EVENT_HEADERS_COMMAND,
    arguments: [uri],
  }) as Promise<EventHeader[] | null>;
const symbols = (query: string) =>
  lsp.conn.sendRequest('workspace/symbol', { query }) as Promise<SymbolInformation[]>;

test('the server offers workspace symbols, code actions and the event-headers command', () => {
  const caps = lsp.initializeResult.capabilities;
  assert.ok(caps.workspaceSymbolProvider);
  assert.ok(caps.codeActionProvider);
  assert.ok(caps.executeCommandProvider?.commands.includes(EVENT_HEADERS_COMMAND));
});

test("event headers: every event's line as analyze lists it, the column where the timestamp ends", async () => {
  for (const file of LOGS) {
    const got = await headers(uriOf(file));
    assert.ok(got, file);
    const events = analyzed.get(file)!;
    assert.ok(events.length > 0, file);
    assert.deepEqual(
      got.map((h) => [h.line, h.title]),
      events.map((e) => [e.line, e.title]),
      file,
    );
    const lines = lspLines(readFileSync(file, 'utf8'));
    for (const h of got) {
      const stamp = /^\[ *\d+\.\d+\] /.exec(lines[h.line]);
      if (stamp) assert.equal(h.character, stamp[0].length, `${file}:${h.line + 1}`);
    }
  }
  assert.equal(await headers('file:///not/open.log'), null, 'a log that is not open');
  await assert.rejects(
    lsp.conn.sendRequest('workspace/executeCommand', { command: EVENT_HEADERS_COMMAND, arguments: [7] }),
    (e: { code?: number; message?: string }) => e.code === -32602 && /argument 1/.test(e.message ?? ''),
  );
});

test('workspace symbols: every event of every open log, by title, culprit and task', async () => {
  const all = await symbols('');
  const expected = LOGS.flatMap((f) => analyzed.get(f)!.map((e) => [uriOf(f), e.line, e.title] as const));
  assert.equal(all.length, expected.length);
  for (const [uri, line, title] of expected) {
    const s = all.find((x) => x.location.uri === uri && x.location.range.start.line === line);
    assert.ok(s, `${uri}:${line + 1}`);
    assert.ok(s.name.startsWith(title), s.name);
    assert.equal(s.containerName, `${path.basename(new URL(uri).pathname)}:${line + 1}`);
  }
  // By the guilty frame's function, by the task, by words of a title: the event is found, the others not.
  const nullRead = analyzed.get(LOGS[1])![0];
  for (const query of [nullRead.guiltyFrame!.split('+')[0], 'NULL pointer level2']) {
    const hits = await symbols(query);
    assert.ok(
      hits.some((h) => h.location.uri === uriOf(LOGS[1]) && h.location.range.start.line === nullRead.line),
      query,
    );
    assert.ok(hits.length < all.length, `${query}: nothing filtered out`);
  }
  const panic = analyzed.get(LOGS[3])!.find((e) => e.comm)!;
  const byTask = await symbols(panic.comm!);
  assert.ok(
    byTask.some((h) => h.location.uri === uriOf(LOGS[3]) && h.location.range.start.line === panic.line),
  );
  assert.ok(
    byTask.every((h) => h.name.toLowerCase().includes('syz')),
    JSON.stringify(byTask.map((h) => h.name)),
  );
  assert.deepEqual(await symbols('no such crash anywhere'), []);

  // A closed log's events are gone.
  await lsp.close(uriOf(LOGS[0]));
  const after = await symbols('');
  assert.equal(after.length, expected.length - analyzed.get(LOGS[0])!.length);
  assert.ok(after.every((s) => s.location.uri !== uriOf(LOGS[0])));
  await lsp.open(uriOf(LOGS[0]), readFileSync(LOGS[0], 'utf8'));
});

test('code actions on our diagnostics: copy report, search on syzbot, select debug files', async () => {
  const uri = uriOf(LOGS[3]);
  const diagnostics = await lsp.waitForDiagnostics(uri, (p) => p.diagnostics.length > 0);
  const foreign: Diagnostic = { ...diagnostics[0], source: 'another-linter' };
  const actions = (await lsp.conn.sendRequest('textDocument/codeAction', {
    textDocument: { uri },
    range: { start: { line: 0, character: 0 }, end: { line: 10, character: 0 } },
    context: { diagnostics: [...diagnostics, foreign] },
  })) as CodeAction[];
  const events = analyzed.get(LOGS[3])!;
  const expected: unknown[][] = events.flatMap((e) => [
    ['Copy crash report', COPY_CRASH_REPORT_COMMAND, [uri, e.line]],
    ['Search this title on syzbot', SEARCH_SYZBOT_COMMAND, [e.title]],
  ]);
  expected.push(['Select debug files…', SELECT_DEBUG_FILES_COMMAND, undefined]);
  assert.deepEqual(
    actions.map((a) => [a.title, a.command?.command, a.command?.arguments]),
    expected,
  );
  assert.ok(
    actions.every((a) => a.kind === 'quickfix' && a.diagnostics?.every((d) => d.source !== 'another-linter')),
  );
  const none = (await lsp.conn.sendRequest('textDocument/codeAction', {
    textDocument: { uri },
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    context: { diagnostics: [foreign] },
  })) as CodeAction[];
  assert.deepEqual(none, [], 'nothing for diagnostics of other tools');
  await assert.rejects(
    lsp.conn.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: {} }),
    (e: { code?: number }) => e.code === -32602,
  );
  await assert.rejects(
    lsp.conn.sendRequest('workspace/symbol', {}),
    (e: { code?: number }) => e.code === -32602,
  );
});

test("syzbot's search URL: its open-bugs list with the title as a text fragment, the directive's syntax encoded", () => {
  const url = syzbotSearchUrl('KASAN: slab-use-after-free Read in foo, bar & baz');
  assert.ok(url.startsWith('https://syzkaller.appspot.com/upstream#:~:text='), url);
  const text = url.slice(url.indexOf('=') + 1);
  assert.doesNotMatch(text, /[-,& ]/);
  assert.equal(decodeURIComponent(text), 'KASAN: slab-use-after-free Read in foo, bar & baz');
});
