// Go-to-source in the built language server, spoken to over stdio like an editor: the real Debian-kernel
// crashes of test-fixtures/corpus/qemu with kernelOops.modulePaths at the real buggy.ko, and buggy.c copied
// into a temporary "kernel tree" named by kernelOops.sourceRoot (its DWARF path is
// /var/lib/dkms/buggy/1.0/build/buggy.c, which does not exist here). Build first: `npm run build`.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { InlayHint, LocationLink } from 'vscode-languageserver-protocol';
import {
  DECODE_LOG_COMMAND,
  DECODE_LOG_PAGE_COMMAND,
  type DecodeLogPage,
  type DecodeLogResult,
} from '../../protocol';
import { LspSession, lspLines } from '../lsp/lspClient';
import { moduleTruth, rawAddressLog, QEMU, QEMU_LOGS, QEMU_MODULES, type ModuleTruth } from './truth';

const CAPS = {
  workspace: { configuration: true },
  textDocument: { definition: { linkSupport: true }, inlayHint: {}, hover: { contentFormat: ['markdown'] } },
};

let tree = '';
let lsp: LspSession;
const truth = moduleTruth();
const logs = [...new Set(truth.map((t) => t.log))];
const uriOf = (log: string) => pathToFileURL(path.join(QEMU_LOGS, `${log}.console.log`)).href;
const textOf = (log: string) => readFileSync(path.join(QEMU_LOGS, `${log}.console.log`), 'utf8');

/** Line and column of the first printed token of `row` (the RIP line for the faulting IP, the header for WARN_AT). */
function positionOf(row: ModuleTruth): { line: number; character: number } {
  const lines = lspLines(textOf(row.log));
  const has = (l: string) => l.includes(`${row.token} [buggy]`);
  const line =
    row.kind === 'WARN_AT'
      ? lines.findIndex((l) => has(l) && /WARNING: CPU/.test(l))
      : lines.findIndex((l) => has(l) && /RIP: /.test(l) === (row.kind === 'RIP') && !/WARNING:/.test(l));
  assert.ok(line >= 0, `${row.log}: ${row.token} not found`);
  return { line, character: lines[line].indexOf(row.token) + 2 };
}

before(async () => {
  tree = mkdtempSync(path.join(tmpdir(), 'oops-lens-tree-'));
  mkdirSync(path.join(tree, 'drivers'), { recursive: true });
  copyFileSync(path.join(QEMU, 'module/buggy.c'), path.join(tree, 'buggy.c'));
  lsp = new LspSession({ DEBUGINFOD_URLS: '' });
  lsp.configuration = { modulePaths: [QEMU_MODULES], sourceRoot: tree };
  await lsp.initialize(CAPS);
  for (const log of logs) await lsp.open(uriOf(log), textOf(log));
});

after(async () => {
  await lsp?.shutdown();
  if (tree) rmSync(tree, { recursive: true, force: true });
});

test('definition on every buggy.ko frame (RIP and call trace) of every qemu log: the truth lines in sourceRoot, innermost first', async (t) => {
  const buggyC = pathToFileURL(path.join(tree, 'buggy.c')).href;
  let checked = 0;
  const failures: string[] = [];
  for (const row of truth) {
    const pos = positionOf(row);
    const links = (await lsp.conn.sendRequest('textDocument/definition', {
      textDocument: { uri: uriOf(row.log) },
      position: pos,
    })) as LocationLink[] | null;
    // Only buggy.c is in the tree: header levels (list.h, processor.h) have no location.
    const want = row.want.filter((l) => l.file.endsWith('/buggy.c')).map((l) => `${buggyC}:${l.line - 1}`);
    const got = (links ?? []).map((l) => `${l.targetUri}:${l.targetSelectionRange.start.line}`);
    checked++;
    if (JSON.stringify(got) !== JSON.stringify(want))
      failures.push(`${row.log} ${row.kind} ${row.token}: got ${got.join(' ')} want ${want.join(' ')}`);
    for (const l of links ?? []) {
      // The origin is the function token of the frame.
      assert.equal(l.originSelectionRange?.start.line, pos.line);
      const line = lspLines(textOf(row.log))[pos.line];
      assert.equal(
        line.slice(l.originSelectionRange!.start.character, l.originSelectionRange!.end.character),
        row.symbol,
      );
    }
  }
  t.diagnostic(`definition: ${checked - failures.length}/${checked} module frames equal the truth`);
  assert.deepEqual(failures, []);
  assert.ok(checked >= 39, `only ${checked} frames checked`); // 39 module rows, 2 of them WARN_AT (a WARNING header's location)
});

test('definition on the inlined crash site lists the whole chain, innermost first', async () => {
  const row = truth.find((r) => r.log === 'inline' && r.isIp)!;
  const links = (await lsp.conn.sendRequest('textDocument/definition', {
    textDocument: { uri: uriOf('inline') },
    position: positionOf(row),
  })) as LocationLink[];
  assert.deepEqual(
    links.map((l) => l.targetSelectionRange.start.line + 1),
    [157, 167, 174],
  );
});

async function inlayHints(log: string): Promise<InlayHint[]> {
  return (await lsp.conn.sendRequest('textDocument/inlayHint', {
    textDocument: { uri: uriOf(log) },
    range: { start: { line: 0, character: 0 }, end: { line: lspLines(textOf(log)).length, character: 0 } },
  })) as InlayHint[];
}
const label = (h: InlayHint) =>
  typeof h.label === 'string' ? h.label : h.label.map((p) => p.value).join('');
const tooltips = (h: InlayHint) =>
  typeof h.label === 'string'
    ? ''
    : h.label.map((p) => (typeof p.tooltip === 'string' ? p.tooltip : '')).join('\n');

test('inlay hints: each buggy.ko frame line ends with its source line, relative to sourceRoot', async () => {
  const lines = lspLines(textOf('null_read'));
  const hints = await inlayHints('null_read');
  for (const row of truth.filter((r) => r.log === 'null_read')) {
    const { line } = positionOf(row);
    const h = hints.find((x) => x.position.line === line);
    assert.ok(h, `no hint on line ${line + 1}`);
    // buggy.c lies at the top of the tree: the hint is short, the tooltip has the DWARF path and the copy.
    assert.equal(label(h), `buggy.c:${row.want[0].line}`);
    assert.ok(tooltips(h).includes(`/var/lib/dkms/buggy/1.0/build/buggy.c:${row.want[0].line}`), tooltips(h));
    assert.ok(tooltips(h).includes(path.join(tree, 'buggy.c')), tooltips(h));
    assert.equal(h.position.character, lines[line].length, 'at the end of the line');
  }
});

test('inlay hints: a `?` frame says it is unreliable, the proven frames do not', async () => {
  const lines = lspLines(textOf('warn_timer'));
  const hints = await inlayHints('warn_timer');
  assert.ok(hints.length >= 2);
  for (const h of hints) {
    const unreliable = /^\s*\? /.test(lines[h.position.line].replace(/^\[[^\]]*\]/, ''));
    assert.equal(
      label(h).startsWith('? unreliable: '),
      unreliable,
      `${lines[h.position.line]} → ${label(h)}`,
    );
  }
  assert.ok(
    hints.some((h) => label(h).startsWith('? unreliable: buggy.c:')),
    hints.map(label).join(' | '),
  );
});

test('hover on a module frame shows the source line and a few lines of buggy.c', async () => {
  const row = truth.find((r) => r.log === 'null_read' && r.symbol === 'buggy_null_read')!;
  const pos = positionOf(row);
  const h = await lsp.hover(uriOf('null_read'), pos.line, pos.character);
  const md = h && typeof h.contents === 'object' && 'value' in h.contents ? h.contents.value : '';
  assert.match(md, /\*\*Source\*\*/);
  assert.ok(md.includes(`buggy.c:${row.want[0].line}`), md);
  const srcLine = readFileSync(path.join(tree, 'buggy.c'), 'utf8').split('\n')[row.want[0].line - 1].trim();
  assert.ok(md.includes(srcLine), `snippet with "${srcLine}" missing:\n${md}`);
});

test('the decode command returns a decode_stacktrace.sh-style copy of the log', async () => {
  const r = (await lsp.conn.sendRequest('workspace/executeCommand', {
    command: DECODE_LOG_COMMAND,
    arguments: [uriOf('null_read')],
  })) as DecodeLogResult;
  // The one line added after the memory fault's RIP line is not the log's; every other line keeps its place.
  const all = r.text.split('\n');
  const added = all.flatMap((l, i) => (/\] Faulting access: /.test(l) ? [i] : []));
  assert.equal(added.length, 1);
  assert.match(all[added[0] - 1], /RIP: 0010:buggy_null_read_level2/);
  const out = all.filter((_, i) => !added.includes(i));
  for (const row of truth.filter((x) => x.log === 'null_read')) {
    const { line } = positionOf(row);
    assert.ok(
      out[line].includes(`${row.symbol} (${row.want.map((l) => `${l.file}:${l.line}`).join(' ')}) buggy`),
      out[line],
    );
  }
  const input = lspLines(textOf('null_read'));
  assert.equal(out.length, input.length);
  // In pages (as the VS Code client asks): the same text, whole lines a page.
  const pages: string[] = [];
  let page: DecodeLogResult | DecodeLogPage = (await lsp.conn.sendRequest('workspace/executeCommand', {
    command: DECODE_LOG_COMMAND,
    arguments: [uriOf('null_read'), { pageChars: 1024 }],
  })) as DecodeLogResult;
  for (pages.push(page.text); page.more; pages.push(page.text))
    page = (await lsp.conn.sendRequest('workspace/executeCommand', {
      command: DECODE_LOG_PAGE_COMMAND,
      arguments: [page.more],
    })) as DecodeLogPage;
  assert.equal(pages.join(''), r.text);
  assert.ok(pages.length >= 3, `${pages.length} pages`);
  assert.ok(pages.slice(0, -1).every((p) => p.endsWith('\n')));
  // The summary counts what was rewritten, and accounts for every other frame with a reason.
  const [head, ...why] = r.summary;
  const m = /^Decoded (\d+) of (\d+) frames\.$/.exec(head);
  assert.ok(m, head);
  const rewritten = out.filter((l, i) => l !== input[i].replace(/\r$/, '')).length;
  assert.equal(Number(m[1]), rewritten, r.summary.join('\n'));
  const unexplained = Number(m[2]) - Number(m[1]);
  assert.ok(unexplained > 0, 'vmlinux frames stay undecoded without a vmlinux');
  assert.equal(
    why.reduce((n, l) => n + Number(/^Not decoded \((\d+)\): ./.exec(l)?.[1] ?? NaN), 0),
    unexplained,
    r.summary.join('\n'),
  );
});

test('raw module addresses: the hover shows the resolved sym+off [mod], definition goes to the truth line', async () => {
  const { text, rows } = rawAddressLog();
  const uri = pathToFileURL(path.join(tree, 'raw-addresses.log')).href;
  await lsp.open(uri, text);
  const lines = lspLines(text);
  for (const row of rows) {
    const line = lines.findIndex((l) => l.includes(`0x${row.address}`));
    const pos = { line, character: lines[line].indexOf(row.address) + 4 };
    const links = (await lsp.conn.sendRequest('textDocument/definition', {
      textDocument: { uri },
      position: pos,
    })) as LocationLink[];
    assert.deepEqual(
      links.map((l) => [l.targetUri, l.targetSelectionRange.start.line + 1]),
      [[pathToFileURL(path.join(tree, 'buggy.c')).href, row.line]],
    );
    const h = await lsp.hover(uri, pos.line, pos.character);
    const md = h && typeof h.contents === 'object' && 'value' in h.contents ? h.contents.value : '';
    assert.ok(md.includes(`**Resolved:** \`${row.resolved}\``), md);
  }
});

test('kernelOops.symbolizer.external: the frame hover says whether addr2line agrees', async () => {
  const other = new LspSession({ DEBUGINFOD_URLS: '' });
  other.configuration = { modulePaths: [QEMU_MODULES], symbolizer: { external: 'addr2line' } };
  try {
    await other.initialize(CAPS);
    await other.open(uriOf('null_read'), textOf('null_read'));
    const row = truth.find((r) => r.log === 'null_read' && r.symbol === 'buggy_dispatch')!;
    const pos = positionOf(row);
    let md = '';
    const end = Date.now() + 20_000;
    while (!md.includes('Cross-check') && Date.now() < end) {
      const h = await other.hover(uriOf('null_read'), pos.line, pos.character);
      md = h && typeof h.contents === 'object' && 'value' in h.contents ? h.contents.value : '';
    }
    assert.match(md, /_Cross-check: addr2line agrees\._/);
  } finally {
    await other.shutdown();
  }
});
