// Every real log in test-fixtures/corpus through the server, checking what the LSP layer promises whatever
// the engine finds: diagnostics inside the document and on their header text, symbol trees an editor
// accepts (non-empty names, selection inside range, children inside parents), folds that fold.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { Range } from 'vscode-languageserver-protocol';
import { LspSession, CORPUS, REPO, allSymbols, checkSymbolTree, lspLines, messageOf } from './lspClient';

const LOG_DIRS = ['qemu/logs', 'qemu-arm64/logs', 'qemu-hardening/logs'].map((d) => path.join(CORPUS, d));
const SYZ = path.join(CORPUS, 'syzkaller/report');

function corpusFiles(): string[] {
  const files: string[] = [];
  for (const d of LOG_DIRS)
    if (existsSync(d))
      files.push(
        ...readdirSync(d)
          .filter((f) => f.endsWith('.log'))
          .map((f) => path.join(d, f)),
      );
  if (existsSync(SYZ))
    files.push(
      ...readdirSync(SYZ)
        .sort((a, b) => Number(a) - Number(b))
        .map((f) => path.join(SYZ, f)),
    );
  return files;
}

let lsp: LspSession;
before(async () => {
  lsp = new LspSession();
  await lsp.initialize();
});
after(() => lsp.shutdown());

function within(lines: string[], r: Range, what: string): void {
  for (const p of [r.start, r.end]) {
    assert.ok(p.line >= 0 && p.line < lines.length, `${what}: line ${p.line} outside the document`);
    assert.ok(
      p.character >= 0 && p.character <= lines[p.line].length,
      `${what}: column ${p.character} outside line ${p.line}`,
    );
  }
  assert.ok(
    r.start.line < r.end.line || (r.start.line === r.end.line && r.start.character <= r.end.character),
    `${what}: inverted`,
  );
}
test('every corpus log: diagnostics, symbols and folds an editor accepts', { timeout: 240_000 }, async () => {
  const files = corpusFiles();
  if (files.length === 0) return void console.log('# no corpus found beside the repository; skipped');
  let diagnostics = 0;
  let symbols = 0;
  for (const file of files) {
    // Syzkaller cases: header block, blank line, log (the REPORT: part is not log).
    let text = readFileSync(file, 'utf8');
    if (file.startsWith(SYZ)) text = text.slice(text.indexOf('\n\n') + 2).split(/\n\nREPORT:\n/)[0];
    const lines = lspLines(text);
    const uri = pathToFileURL(file).href;
    const mark = lsp.published.length;
    await lsp.open(uri, text);
    const diags = await lsp.waitForDiagnostics(uri, () => true, 20_000, mark);
    for (const d of diags) {
      within(lines, d.range, `${file}: diagnostic ${d.code}`);
      assert.equal(d.range.start.line, d.range.end.line, `${file}: header range spans lines`);
      for (const r of d.relatedInformation ?? [])
        within(lines, r.location.range, `${file}: related ${r.message}`);
    }
    diagnostics += diags.length;
    const tree = (await lsp.symbols(uri)) ?? [];
    symbols += checkSymbolTree(tree, file);
    for (const s of allSymbols(tree)) within(lines, s.range, `${file}: ${s.name} range`);
    // Identical repeats share a diagnostic (data.occurrences); every event keeps its symbol.
    const events = diags.reduce(
      (n, d) => n + ((d.data as { occurrences?: number[] } | undefined)?.occurrences?.length ?? 1),
      0,
    );
    assert.equal(tree.length, events, `${file}: one symbol per event`);
    for (const f of (await lsp.folding(uri)) ?? []) {
      assert.ok(
        f.startLine < f.endLine && f.endLine < lines.length,
        `${file}: fold ${f.startLine}-${f.endLine}`,
      );
    }
    await lsp.close(uri);
  }
  console.log(`# ${files.length} corpus logs: ${diagnostics} diagnostics, ${symbols} symbols`);
  assert.ok(diagnostics > files.length / 2);
});

test('a stack overflow by recursion: the diagnostic names the recursing function and its run', async () => {
  const file = path.join(CORPUS, 'qemu-hardening/logs/recursion.console.log');
  const text = readFileSync(file, 'utf8');
  // The run as the log prints it: consecutive `hard_recurse+…` trace entries after the guard-page report.
  const run = /(?:\n[^\n]*\] {2}hard_recurse\+0x[0-9a-f]+\/0x[0-9a-f]+ \[hardening\]\r?)+/.exec(text)![0];
  const count = run.split('\n').length - 1;
  const uri = pathToFileURL(file).href + '?recursion';
  const mark = lsp.published.length;
  await lsp.open(uri, text);
  const diags = await lsp.waitForDiagnostics(uri, () => true, 20_000, mark);
  const guard = diags.find((d) => d.code === 'stack-guard');
  assert.ok(guard, JSON.stringify(diags.map((d) => d.code)));
  const message = messageOf(guard);
  assert.match(message, /^BUG: stack guard page was hit in hard_recurse — /);
  assert.match(message, /culprit: hard_recurse\+0x[0-9a-f]+\/0x80 \[hardening\], recursion: /);
  assert.ok(
    message.includes(`recursion: hard_recurse ${count} times in a row in the trace`),
    `${count}: ${message}`,
  );
  assert.ok(count >= 8, `${count}`);
});

test("a hung task whose report names the lock's likely owner: the diagnostic says who and where", async () => {
  const file = path.join(REPO, 'test-fixtures/engine/events/hung-task-blocker-6.15.log');
  const uri = pathToFileURL(file).href;
  const mark = lsp.published.length;
  await lsp.open(uri, readFileSync(file, 'utf8'));
  const [hung] = await lsp.waitForDiagnostics(uri, () => true, 20_000, mark);
  assert.equal(
    messageOf(hung),
    'INFO: task hung in foo_work_fn — culprit: foo_work_fn+0x2a/0x80 [foo], blocked on a mutex likely owned by task foo-daemon:456 (in foo_daemon_loop)',
  );
});

test('a report titled `in corrupted` says why it names no culprit (syzkaller report 335)', async () => {
  const file = path.join(SYZ, '335');
  const raw = readFileSync(file, 'latin1');
  const uri = pathToFileURL(file).href + '?corrupted';
  const mark = lsp.published.length;
  await lsp.open(uri, raw.slice(raw.indexOf('\n\n') + 2));
  const diags = await lsp.waitForDiagnostics(uri, () => true, 20_000, mark);
  const warning = diags.find((d) => messageOf(d).startsWith('WARNING: locking bug in corrupted'));
  assert.ok(warning, JSON.stringify(diags.map((d) => messageOf(d))));
  assert.match(
    messageOf(warning),
    / — culprit: no frame of the report names it \(its call trace is missing, garbled or mixed with another stack\)/,
  );
});
