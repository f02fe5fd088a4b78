// LSP-level tests of what the server publishes and answers: the built server, spoken to over stdio.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { Diagnostic, Range } from 'vscode-languageserver-protocol';
import { PROBLEMS_CAP } from '../../server/src/lsp/diagnostics';
import { SYMBOL_BUDGET } from '../../server/src/lsp/symbols';
import {
  LspSession,
  CORPUS,
  allSymbols,
  checkSymbolTree,
  fixtureText,
  lineIndex,
  lspLines,
  messageOf,
  uriOf,
} from './lspClient';

let lsp: LspSession;
before(async () => {
  lsp = new LspSession();
  await lsp.initialize({
    textDocument: { publishDiagnostics: { relatedInformation: true, tagSupport: { valueSet: [1, 2] } } },
  });
});
after(() => lsp.shutdown());

const OOPS = 'oops-then-panic.dmesg';
const WARN_OOM = 'warn-oom.kern.log';

function textAt(text: string, r: Range): string {
  assert.equal(r.start.line, r.end.line, 'single-line range expected');
  return lspLines(text)[r.start.line].slice(r.start.character, r.end.character);
}
const byCode = (ds: Diagnostic[], code: string) => ds.find((d) => d.code === code);

async function opened(name: string): Promise<{ uri: string; text: string; diags: Diagnostic[] }> {
  const uri = uriOf(name);
  const text = fixtureText(name);
  await lsp.open(uri, text);
  return { uri, text, diags: await lsp.waitForDiagnostics(uri) };
}

test('initialize declares every feature the server serves', () => {
  const caps = lsp.initializeResult.capabilities;
  assert.deepEqual(caps.textDocumentSync, { openClose: true, change: 2 });
  assert.ok(caps.documentSymbolProvider);
  assert.equal(caps.foldingRangeProvider, true);
  assert.equal(caps.hoverProvider, true);
  // The build writes package.json's version into the server.
  const pkg = JSON.parse(readFileSync(path.join(__dirname, '../../package.json'), 'utf8'));
  assert.deepEqual(lsp.initializeResult.serverInfo, { name: pkg.name, version: pkg.version });
});

test('an oops: one error at its header with title, culprit, code and related locations', async () => {
  const { uri, text, diags } = await opened(OOPS);
  const header = lineIndex(text, 'BUG: kernel NULL pointer dereference');
  const oops = byCode(diags, 'null-deref');
  assert.ok(oops, JSON.stringify(diags));
  assert.equal(oops.severity, 1);
  assert.equal(oops.source, 'kernel-oops-lens');
  assert.equal(oops.range.start.line, header);
  assert.ok(
    textAt(text, oops.range).startsWith('BUG: kernel NULL pointer dereference'),
    textAt(text, oops.range),
  );
  assert.equal(
    messageOf(oops),
    'BUG: unable to handle kernel NULL pointer dereference in demo_queue_push — writing 8 bytes at RDX+0x18 with RDX == NULL → 0x18, the fault address\nculprit: demo_queue_push+0x2c/0x90 [demo_drv], task demo-writer (pid 2741)',
  );
  assert.match(oops.codeDescription?.href ?? '', /^https:\/\/docs\.kernel\.org\//);
  assert.equal(oops.tags, undefined, 'the first oops is not a consequence');
  const related = oops.relatedInformation ?? [];
  assert.ok(related.every((r) => r.location.uri === uri));
  const guilty = related.find((r) => r.message.startsWith('guilty frame'));
  assert.ok(guilty);
  assert.equal(textAt(text, guilty.location.range), 'demo_queue_push');
  assert.equal(guilty.location.range.start.line, lineIndex(text, 'RIP: 0010:demo_queue_push'));
  const fault = related.find((r) => r.message.startsWith('fault address'));
  assert.ok(fault);
  assert.match(fault.message, /0x0000000000000018/);
});

test('the panic after the oops is a tagged consequence that links back', async () => {
  const { text, diags } = await opened(OOPS);
  const panic = byCode(diags, 'panic');
  assert.ok(panic);
  assert.equal(panic.range.start.line, lineIndex(text, 'Kernel panic - not syncing'));
  assert.deepEqual(panic.tags, [1], 'DiagnosticTag.Unnecessary');
  assert.match(
    messageOf(panic),
    /consequence of the earlier "BUG: unable to handle kernel NULL pointer dereference in demo_queue_push" at line 4/,
  );
  const back = panic.relatedInformation?.find((r) => r.message.startsWith('earlier crash'));
  assert.equal(back?.location.range.start.line, lineIndex(text, 'BUG: kernel NULL pointer dereference'));
  assert.equal(diags.length, 2, JSON.stringify(diags.map((d) => d.code)));
});

test('document symbols: each event with its registers, trace frames and modules', async () => {
  const { uri, text } = await opened(OOPS);
  const symbols = (await lsp.symbols(uri))!;
  checkSymbolTree(symbols);
  assert.deepEqual(
    symbols.map((s) => s.kind),
    [24, 24],
  );
  const [oops, panic] = symbols;
  assert.match(oops.name, /NULL pointer dereference in demo_queue_push/);
  assert.match(panic.name, /panic/i);
  assert.equal(oops.range.start.line, lineIndex(text, 'BUG: kernel NULL pointer dereference'));
  const child = (n: string) => oops.children?.find((c) => c.name === n);
  const regs = child('Registers');
  assert.ok(regs, oops.children?.map((c) => c.name).join(', '));
  const raxLine = regs.children?.find((r) => r.name.split(' ').includes('RAX'));
  assert.equal(raxLine?.name, 'RAX RBX RCX', 'one child per printed line of the dump');
  const rax = raxLine?.children?.find((r) => r.name === 'RAX');
  assert.equal(rax?.detail, 'ffff9a3b41f2e400');
  assert.equal(rax && textAt(text, rax.selectionRange).startsWith('RAX'), true);
  const trace = child('Call Trace');
  assert.ok(trace);
  assert.equal(trace.range.start.line, lineIndex(text, 'Call Trace:'));
  assert.deepEqual(
    trace.children?.map((f) => f.name),
    [
      'demo_submit',
      'demo_ioctl',
      '__x64_sys_ioctl',
      'do_syscall_64',
      'exit_to_user_mode_prepare',
      'entry_SYSCALL_64_after_hwframe',
    ],
  );
  assert.match(trace.children![4].detail ?? '', /^\? /, 'unreliable frames are marked');
  const mods = child('Modules linked in');
  assert.ok(mods);
  assert.equal(mods.range.start.line, lineIndex(text, 'Modules linked in:'));
  assert.deepEqual(
    mods.children?.slice(0, 2).map((m) => [m.name, m.detail]),
    [
      ['demo_drv', '(O)'],
      ['nls_ascii', ''],
    ],
  );
  assert.ok(allSymbols(symbols).length > 40);
});

test('folding: each report, its register dump and its trace', async () => {
  const { uri, text } = await opened(OOPS);
  const folds = (await lsp.folding(uri))!;
  const pairs = folds.map((f) => `${f.startLine}-${f.endLine}`);
  for (const f of folds) assert.ok(f.endLine > f.startLine);
  const at = (needle: string) => lineIndex(text, needle);
  assert.ok(
    folds.some((f) => f.startLine === at('BUG: kernel NULL pointer dereference')),
    pairs.join(' '),
  );
  assert.ok(
    folds.some(
      (f) => f.startLine === at('Call Trace:') && f.endLine === at('entry_SYSCALL_64_after_hwframe'),
    ),
    pairs.join(' '),
  );
  assert.ok(
    folds.some(
      (f) => f.startLine <= at('RAX: ffff9a3b41f2e400') && f.endLine >= at('CR2: 0000000000000018 CR3'),
    ),
    pairs.join(' '),
  );
});

test('syslog prefixes: a WARNING and an OOM kill, ranges after the prefix, the OOM task table', async () => {
  const { uri, text, diags } = await opened(WARN_OOM);
  const warn = byCode(diags, 'warning');
  assert.ok(warn, JSON.stringify(diags.map((d) => d.code)));
  assert.equal(warn.severity, 2);
  assert.equal(warn.range.start.line, 0);
  assert.ok(textAt(text, warn.range).startsWith('WARNING: CPU: 3 PID: 8812'), textAt(text, warn.range));
  assert.match(
    messageOf(warn),
    /^WARNING in demo_fence_signal — culprit: demo_fence_signal\+0x1b\/0x29 \[demo_gpu\]/,
  );
  assert.ok(
    diags.some((d) => String(d.code).startsWith('oom')),
    'an OOM event',
  );
  const symbols = (await lsp.symbols(uri))!;
  checkSymbolTree(symbols);
  const table = allSymbols(symbols).find((s) => s.name === 'OOM task table');
  assert.ok(
    table,
    allSymbols(symbols)
      .map((s) => s.name)
      .join(', '),
  );
  assert.equal(table.range.start.line, lineIndex(text, '[  pid  ]'));
  assert.equal(table.range.end.line, lineIndex(text, '[   9117]'));
  const folds = (await lsp.folding(uri))!;
  assert.ok(folds.some((f) => f.startLine === table.range.start.line && f.endLine === table.range.end.line));
});

test('a real serial capture with CRLF and a lone CR: lines agree with LSP counting', async () => {
  const file = path.join(CORPUS, 'qemu/logs/null_read.console.log');
  const text = readFileSync(file, 'utf8');
  assert.ok(/\r(?!\n)/.test(text) && text.includes('\r\n'), 'the capture has CRLF and a lone CR');
  const uri = pathToFileURL(file).href;
  await lsp.open(uri, text);
  const diags = await lsp.waitForDiagnostics(uri);
  const oops = byCode(diags, 'null-deref');
  assert.ok(oops);
  assert.equal(oops.range.start.line, lineIndex(text, 'BUG: kernel NULL pointer dereference'));
  assert.ok(textAt(text, oops.range).startsWith('BUG: kernel NULL pointer dereference'));
  const symbols = (await lsp.symbols(uri))!;
  checkSymbolTree(symbols);
  const frames = allSymbols(symbols).filter((s) => s.kind === 12);
  for (const f of frames) assert.equal(textAt(text, f.selectionRange), f.name, 'frame token under its range');
  await lsp.close(uri);
});

test('outline of a real capture: distinct event names with culprit and line, a child per dump line, FS and CS', async () => {
  const file = path.join(CORPUS, 'qemu/logs/null_read.console.log');
  const text = readFileSync(file, 'utf8');
  const lines = lspLines(text);
  const uri = pathToFileURL(file).href;
  await lsp.open(uri, text);
  const symbols = (await lsp.symbols(uri))!;
  checkSymbolTree(symbols);
  for (const ev of symbols) assert.match(ev.name, new RegExp(` · line ${ev.range.start.line + 1}$`));
  const oops = symbols[0];
  assert.match(oops.name, /buggy_null_read_level2/);
  const regs = oops.children?.find((c) => c.name === 'Registers');
  assert.ok(regs?.children);
  // Every printed line of the dump (but Code:) is a child, whose registers are the NAME: tokens of that line.
  for (const child of regs.children) {
    const line = lines[child.range.start.line].replace(/^.*?\] /, '');
    const printed = [...line.matchAll(/(?:^|\s)([A-Za-z][A-Za-z0-9_]*) ?:(?= |[0-9a-f])/g)].map((m) => m[1]);
    assert.equal(child.name, printed.join(' '), line);
    assert.deepEqual(
      child.children?.map((r) => r.name),
      printed,
    );
  }
  const dumpLines = lines
    .slice(regs.range.start.line, regs.range.end.line + 1)
    .filter((l) => !/\] Code: /.test(l));
  assert.equal(regs.children.length, dumpLines.length);
  const names = regs.children.flatMap((c) => c.children!.map((r) => r.name));
  for (const name of ['RIP', 'RSP', 'FS', 'GS', 'knlGS', 'CS', 'DS', 'ES', 'CR0', 'CR2', 'CR3', 'CR4'])
    assert.ok(names.includes(name), `${name} missing: ${names.join(' ')}`);
  await lsp.close(uri);
  // Three hung-task reports with one title: their names still differ.
  const hung = path.join(CORPUS, 'qemu/logs/hung.console.log');
  await lsp.open(pathToFileURL(hung).href, readFileSync(hung, 'utf8'));
  const hungSymbols = (await lsp.symbols(pathToFileURL(hung).href))!;
  assert.equal(hungSymbols.length, 3);
  assert.equal(new Set(hungSymbols.map((s) => s.name)).size, 3, hungSymbols.map((s) => s.name).join(' | '));
  await lsp.close(pathToFileURL(hung).href);
});

test('outline of a huge log: every event, coarser parts, within the symbol budget, the same object again', async () => {
  const capture = readFileSync(path.join(CORPUS, 'qemu/logs/null_read.console.log'), 'utf8');
  const uri = 'untitled:outline-budget.log';
  const repeats = 300;
  const text = capture.repeat(repeats);
  await lsp.open(uri, text);
  const small = (await lsp.symbols(uri))!;
  checkSymbolTree(small);
  const perCapture = fullOutlineCount(path.join(CORPUS, 'qemu/logs/null_read.console.log'));
  assert.ok(perCapture.symbols * repeats > SYMBOL_BUDGET, 'the log must need more than the budget in full');
  // Every event keeps its symbol; the parts stay, the frames, single registers and modules go.
  assert.equal(small.length, perCapture.events * repeats);
  assert.ok(allSymbols(small).length <= SYMBOL_BUDGET, `${allSymbols(small).length} symbols`);
  const oops = small.find((s) => s.children?.some((c) => c.name === 'Registers'));
  assert.ok(oops, 'the events keep their parts at this size');
  for (const part of oops.children!) for (const c of part.children ?? []) assert.equal(c.children, undefined);
  assert.ok(oops.children!.every((c) => !/^Call Trace/.test(c.name) || c.children === undefined));
  await lsp.close(uri);
});

test('past the Problems cap, repeats of one event are one diagnostic that counts and links them', async () => {
  const warnLog = lspLines(readFileSync(path.join(CORPUS, 'qemu/logs/warn_on.console.log'), 'utf8'));
  const from = warnLog.findIndex((l) => l.includes('WARNING: CPU: 0 PID: 115'));
  const to = warnLog.findIndex((l, i) => i > from && l.includes('---[ end trace'));
  const warning = warnLog.slice(from, to + 1).join('\n');
  const repeats = PROBLEMS_CAP + 200;
  const oops = readFileSync(path.join(CORPUS, 'qemu/logs/null_read.console.log'), 'utf8');
  const text = `${Array(repeats).fill(warning).join('\n')}\n${oops}`;
  const uri = 'untitled:problems-cap.log';
  await lsp.open(uri, text);
  const diags = await lsp.waitForDiagnostics(uri);
  assert.ok(diags.length <= PROBLEMS_CAP, `${diags.length} diagnostics`);
  // The distinct event after the repeats is not hidden.
  assert.ok(byCode(diags, 'null-deref'), diags.map((d) => d.code).join(' '));
  const warnings = diags.filter((d) => /buggy_warn_on/.test(messageOf(d)) && d.code === 'warning');
  assert.equal(warnings.length, 1, warnings.map(messageOf).join('\n'));
  assert.match(messageOf(warnings[0]), new RegExp(`\\[${repeats} times in this log: line \\d+`));
  const again = warnings[0].relatedInformation!.filter((r) => /^occurrence \d+ of /.test(r.message));
  assert.equal(again.length, repeats);
  const lines = lspLines(text);
  for (const r of again) assert.match(lines[r.location.range.start.line], /WARNING: CPU: 0 PID: 115/);
  await lsp.close(uri);
});

/** Events and symbols of a capture's full outline, as the server gives it for the capture alone. */
function fullOutlineCount(file: string): { events: number; symbols: number } {
  const text = readFileSync(file, 'utf8');
  return outlineCounts.get(text) ?? { events: 0, symbols: 0 };
}
const outlineCounts = new Map<string, { events: number; symbols: number }>();
before(async () => {
  const file = path.join(CORPUS, 'qemu/logs/null_read.console.log');
  const text = readFileSync(file, 'utf8');
  const uri = 'untitled:outline-one.log';
  await lsp.open(uri, text);
  const symbols = (await lsp.symbols(uri))!;
  outlineCounts.set(text, { events: symbols.length, symbols: allSymbols(symbols).length });
  await lsp.close(uri);
});

test('hover: a register on the dump explains itself', async () => {
  const { uri, text } = await opened(OOPS);
  const line = lineIndex(text, 'RSP: 0018:');
  const h = await lsp.hover(uri, line, lspLines(text)[line].indexOf('RSP') + 1);
  assert.ok(h);
  const value =
    typeof h.contents === 'object' && 'value' in h.contents ? h.contents.value : JSON.stringify(h.contents);
  assert.match(value, /stack pointer/i);
});
