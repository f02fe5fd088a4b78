// The CodeLenses on each event header over stdio: Decode and Copy report with the log and the header line,
// and Go to culprit source — with kernelOops.modulePaths at the real buggy.ko and buggy.c in a temporary
// kernelOops.sourceRoot, the culprit frame's source line is the ground truth's (addr2line on the real
// module, test-fixtures/corpus/qemu/decoded/*.truth.tsv); without debug files, or without a culprit
// frame, the lens says why and runs nothing.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CodeLens } from 'vscode-languageserver-protocol';
import { COPY_CRASH_REPORT_COMMAND, DECODE_LOG_CLIENT_COMMAND, OPEN_SOURCE_COMMAND } from '../../protocol';
import { LspSession, REPO } from '../lsp/lspClient';
import { moduleTruth, QEMU, QEMU_LOGS, QEMU_MODULES } from './truth';

const truth = moduleTruth();
let tree = '';
let withFiles: LspSession;
let without: LspSession;

interface CliEvent {
  line: number;
  guiltyFrame: string | null;
}
function events(file: string): CliEvent[] {
  const r = spawnSync(process.execPath, [path.join(REPO, 'dist/cli.js'), 'analyze', '--json', file], {
    encoding: 'utf8',
  });
  return (JSON.parse(r.stdout) as { events: CliEvent[] }[])[0].events;
}

before(async () => {
  tree = mkdtempSync(path.join(tmpdir(), 'oops-lens-lens-tree-'));
  copyFileSync(path.join(QEMU, 'module/buggy.c'), path.join(tree, 'buggy.c'));
  withFiles = new LspSession({ DEBUGINFOD_URLS: '' });
  withFiles.configuration = { modulePaths: [QEMU_MODULES], sourceRoot: tree };
  await withFiles.initialize({ workspace: { configuration: true } });
  without = new LspSession({ DEBUGINFOD_URLS: '' });
  await without.initialize();
});
after(async () => {
  await withFiles?.shutdown();
  await without?.shutdown();
  if (tree) rmSync(tree, { recursive: true, force: true });
});

const lenses = (lsp: LspSession, uri: string) =>
  lsp.conn.sendRequest('textDocument/codeLens', { textDocument: { uri } }) as Promise<CodeLens[]>;

/** The lenses once the culprit lenses no longer wait for the symbolization. */
async function settledLenses(lsp: LspSession, uri: string): Promise<CodeLens[]> {
  for (let i = 0; i < 150; i++) {
    const l = await lenses(lsp, uri);
    if (!l.some((x) => /not resolved yet/.test(x.command?.title ?? ''))) return l;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('the symbolization never came');
}

test('every qemu log with a buggy.ko culprit: Decode, Copy report, and the culprit’s source line from the truth', async () => {
  const buggyC = pathToFileURL(path.join(tree, 'buggy.c')).href;
  const logs = [...new Set(truth.map((t) => t.log))];
  let checked = 0;
  for (const log of logs) {
    const file = path.join(QEMU_LOGS, `${log}.console.log`);
    const uri = pathToFileURL(file).href;
    await withFiles.open(uri, readFileSync(file, 'utf8'));
    const evs = events(file);
    const got = await settledLenses(withFiles, uri);
    assert.equal(got.length, evs.length * 3, log);
    for (const e of evs) {
      const here = got.filter((l) => l.range.start.line === e.line).map((l) => l.command!);
      assert.deepEqual(
        here.slice(0, 2).map((c) => [c.title, c.command, c.arguments]),
        [
          ['Decode', DECODE_LOG_CLIENT_COMMAND, [uri, e.line]],
          ['Copy report', COPY_CRASH_REPORT_COMMAND, [uri, e.line]],
        ],
      );
      const culprit = here[2];
      const token = e.guiltyFrame?.endsWith(' [buggy]') ? e.guiltyFrame.slice(0, -' [buggy]'.length) : null;
      // The truth of that token: the faulting IP's row or a call-trace entry's (looked up at address-1).
      const rows = truth.filter((t) => t.log === log && t.token === token);
      if (!token || rows.length === 0) continue;
      const wants = rows.map((r) => r.want.find((l) => l.file.endsWith('/buggy.c'))).filter((w) => w);
      assert.equal(culprit.command, OPEN_SOURCE_COMMAND, `${log}: ${culprit.title}`);
      const [target, line] = culprit.arguments as [string, number, number];
      assert.equal(target, buggyC);
      assert.ok(
        wants.some((w) => w!.line - 1 === line),
        `${log} ${token}: line ${line + 1}, truth ${wants.map((w) => w!.line).join(' or ')}`,
      );
      assert.match(culprit.title, new RegExp(`^Go to culprit source \\(buggy\\.c:${line + 1}\\)$`));
      checked++;
    }
    await withFiles.close(uri);
  }
  assert.ok(checked >= 8, `${checked} culprit lenses checked`);
});

test('without debug files, or without a culprit frame, the lens says why and runs nothing', async () => {
  const file = path.join(QEMU_LOGS, 'null_read.console.log');
  const uri = pathToFileURL(file).href;
  await without.open(uri, readFileSync(file, 'utf8'));
  const evs = events(file);
  const got = await settledLenses(without, uri);
  for (const e of evs) {
    const culprit = got.filter((l) => l.range.start.line === e.line)[2].command!;
    assert.equal(culprit.command, '');
    assert.match(culprit.title, /^No culprit source: /);
    if (e.guiltyFrame === null) assert.match(culprit.title, /blames no frame/);
    else assert.match(culprit.title, /not symbolized|no debug file|not resolved/, culprit.title);
  }
  await without.close(uri);
});
