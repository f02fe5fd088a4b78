// Copy crash report over LSP, as an editor drives it: a CodeLens on every event header that runs the
// client's copy command with the header line, and the server command it calls answering with the bug
// report of the event at a line (the same report `oops-lens report --event N` prints), To/Cc from the
// MAINTAINERS of kernelOops.sourceRoot; malformed arguments are InvalidParams.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CodeLens } from 'vscode-languageserver-protocol';
import { COPY_CRASH_REPORT_COMMAND, CRASH_REPORT_COMMAND, type CrashReportResult } from '../../protocol';
import { CORPUS, LspSession, REPO } from './lspClient';

const LOG = path.join(CORPUS, 'qemu/logs/warn_on.console.log');
const SYZ = path.join(CORPUS, 'syzkaller/guilty/1');
let lsp: LspSession;
let tree: string;

before(async () => {
  tree = mkdtempSync(path.join(tmpdir(), 'oops-lens-lsp-tree-'));
  writeFileSync(
    path.join(tree, 'MAINTAINERS'),
    'NETWORKING [IPv4/IPv6]\nM:\tAnn Net <ann@example.org>\nL:\tnetdev@example.org\nS:\tMaintained\nF:\tnet/ipv6/\n',
  );
  mkdirSync(path.join(tree, 'net/ipv6'), { recursive: true });
  lsp = new LspSession();
  lsp.configuration = { sourceRoot: tree };
  await lsp.initialize({ workspace: { configuration: true } });
});
after(() => lsp.shutdown());

const report = (uri: string, line: number) =>
  lsp.conn.sendRequest('workspace/executeCommand', {
    command: CRASH_REPORT_COMMAND,
    arguments: [uri, line],
  }) as Promise<CrashReportResult | null>;

function cliReport(file: string, event: number, ...flags: string[]): string {
  const r = spawnSync(
    process.execPath,
    [path.join(REPO, 'dist/cli.js'), 'report', ...flags, '--event', String(event), file],
    {
      encoding: 'utf8',
    },
  );
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

test('the server offers code lenses and the crash-report command', () => {
  const caps = lsp.initializeResult.capabilities;
  assert.ok(caps.codeLensProvider);
  assert.ok(caps.executeCommandProvider?.commands.includes(CRASH_REPORT_COMMAND));
});

test('a Copy report CodeLens on every event header runs the copy command with the header line', async () => {
  const uri = pathToFileURL(LOG).href;
  await lsp.open(uri, readFileSync(LOG, 'utf8'));
  const analyzed = JSON.parse(
    spawnSync(process.execPath, [path.join(REPO, 'dist/cli.js'), 'analyze', '--json', LOG], {
      encoding: 'utf8',
    }).stdout,
  )[0].events as { line: number }[];
  const lenses = (await lsp.conn.sendRequest('textDocument/codeLens', {
    textDocument: { uri },
  })) as CodeLens[];
  const copy = lenses.filter((l) => l.command?.title === 'Copy report');
  assert.deepEqual(
    copy.map((l) => [l.range.start.line, l.command?.command, l.command?.arguments]),
    analyzed.map((e) => [e.line, COPY_CRASH_REPORT_COMMAND, [uri, e.line]]),
  );
});

test('the report of the event at a line inside it equals oops-lens report --event N', async () => {
  const uri = pathToFileURL(LOG).href;
  const analyzed = JSON.parse(
    spawnSync(process.execPath, [path.join(REPO, 'dist/cli.js'), 'analyze', '--json', LOG], {
      encoding: 'utf8',
    }).stdout,
  )[0].events as { line: number; endLine: number; title: string }[];
  for (const [i, e] of analyzed.entries()) {
    const r = await report(uri, Math.floor((e.line + e.endLine) / 2));
    assert.ok(r, `event ${i + 1}`);
    assert.equal(r.line, e.line);
    assert.equal(r.title, e.title);
    assert.equal(r.text, cliReport(LOG, i + 1));
    assert.equal(r.markdown, cliReport(LOG, i + 1, '--markdown'));
    // The structured parts (the language-model tool's evidence) are the text's.
    assert.ok(r.text.includes(`\n\n${r.lines.map((l) => `  ${l}`.trimEnd()).join('\n')}\n`), r.text);
    for (const t of r.taint) assert.ok(r.text.includes(`${t.letter} (${t.meaning})`));
  }
  assert.equal(await report(uri, 0), null, 'no event above the first line');
});

test("maintainers from kernelOops.sourceRoot's MAINTAINERS", async () => {
  const uri = pathToFileURL(SYZ).href;
  await lsp.open(uri, readFileSync(SYZ, 'utf8'));
  const r = await report(uri, 4);
  assert.ok(r);
  assert.equal(r.guiltyFile, 'net/ipv6/ip6_output.c');
  assert.deepEqual(r.maintainers, [{ name: 'Ann Net', email: 'ann@example.org' }]);
  assert.deepEqual(r.lists, ['netdev@example.org']);
  assert.match(r.text, /^To: Ann Net <ann@example.org>$/m);
  assert.match(r.markdown, /^- \*\*To:\*\* Ann Net \\<ann@example.org\\>$/m);
});

test('malformed arguments are InvalidParams with a sentence', async () => {
  for (const args of [
    [],
    ['file:///nowhere.log', 1],
    [pathToFileURL(LOG).href, -1],
    [pathToFileURL(LOG).href, 'x'],
  ])
    await assert.rejects(
      lsp.conn.sendRequest('workspace/executeCommand', { command: CRASH_REPORT_COMMAND, arguments: args }),
      (e: { code?: number; message?: string }) =>
        e.code === -32602 && /kernelOops\.server\.crashReport: /.test(e.message ?? ''),
      JSON.stringify(args),
    );
});
