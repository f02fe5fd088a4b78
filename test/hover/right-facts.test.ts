// Facts that used to be confidently wrong, each checked through the LSP adapters on a real log: CR2 after
// `Code: Unable to access opcode bytes` (the kernel's own failed read overwrote it), CR2 in a WARNING
// (stale), the opcode-bytes hover when RIP is a real function, and a second oops of another task (after
// the first, not its consequence).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { DiagnosticTag } from 'vscode-languageserver';
import { analyzeText } from '../../server/src/engine';
import { provideHover } from '../../server/src/lsp/hover';
import { toDiagnostics } from '../../server/src/lsp/diagnostics';
import { DEFAULT_SETTINGS } from '../../server/src/lsp/settings';
import { QEMU_ARM64, QEMU_LOGS } from '../symbolize-lsp/truth';
import { SYZKALLER_REPORTS } from '../../server/test/engine/syzkaller-corpus';

function open(path: string) {
  const text = readFileSync(path, 'latin1');
  return {
    doc: TextDocument.create(pathToFileURL(path).href, 'kernel-log', 1, text),
    analysis: analyzeText(text),
  };
}

/** The hover at the `nth` line containing `needle`, on the needle's first character (+delta). */
function hoverAt(path: string, needle: string, nth = 0, delta = 0): string {
  const { doc, analysis } = open(path);
  const lines = doc.getText().split(/\r\n|\r|\n/);
  const hits = lines.flatMap((l, i) => (l.includes(needle) ? [i] : []));
  assert.ok(hits.length > nth, `no ${nth + 1}th line with ${needle}`);
  const line = hits[nth];
  const h = provideHover(doc, { line, character: lines[line].indexOf(needle) + delta }, analysis);
  assert.ok(h, `a hover on ${needle}`);
  return (h.contents as { value: string }).value;
}

test('CR2 after "Code: Unable to access opcode bytes at X" is X, not the fault address; the final CR2 is', () => {
  const log = join(QEMU_LOGS, 'null_read.console.log');
  const overwritten = hoverAt(log, 'CR2: ffffffffc02e1fdb');
  assert.match(overwritten, /Not this crash's fault address/);
  assert.match(overwritten, /The access that faulted was at `0x0000000000000010`/);
  assert.doesNotMatch(overwritten, /the address whose access faulted/);
  const real = hoverAt(log, 'CR2: 0000000000000010');
  assert.match(real, /the address whose access faulted: 0x0000000000000010/);
});

test('CR2 in a WARNING is stale, not a fault address', () => {
  const md = hoverAt(join(QEMU_LOGS, 'warn_on.console.log'), 'CR2: 000000003d733f60');
  assert.match(md, /Stale here/);
  assert.match(md, /A WARNING is no page fault/);
  assert.doesNotMatch(md, /the address whose access faulted/);
});

test('"Unable to access opcode bytes" with RIP in a real function: no wild jump, only the bytes before it', () => {
  const md = hoverAt(join(QEMU_LOGS, 'null_read.console.log'), 'Code: Unable to access opcode bytes');
  assert.match(
    md,
    /The instruction pointer itself is fine: it is inside `buggy_null_read_level2`, a real function/,
  );
  assert.match(md, /starts 42 bytes before it, before the start of `buggy_null_read_level2`/);
  assert.doesNotMatch(md, /wild address|pointer itself is bad/);
  const a = hoverAt(join(QEMU_ARM64, 'logs/null_read.console.log'), 'Code: bad PC value');
  assert.match(a, /inside `buggy_null_read_level2`, a real function/);
  assert.match(a, /starts 16 bytes before it/);
});

test('"Unable to access opcode bytes at RIP 0x7f…" under a user-mode RIP: user memory not present, no wild jump', () => {
  const md = hoverAt(
    join(SYZKALLER_REPORTS, '662'),
    'Code: Unable to access opcode bytes at RIP 0x7fc4826295bf',
  );
  assert.match(md, /user-space address whose page is not present/);
  assert.doesNotMatch(md, /wild/);
});

test('a second oops [#2] of another task with an unrelated trace is "after an earlier oops (kernel tainted D)", not faded; the panic is a consequence', () => {
  const { doc, analysis } = open(join(SYZKALLER_REPORTS, '364'));
  const diags = toDiagnostics(doc, analysis, DEFAULT_SETTINGS).map((d) => ({
    ...d,
    message: typeof d.message === 'string' ? d.message : d.message.value,
  }));
  const second = diags.find((d) => d.message.includes('getname_flags'))!;
  assert.ok(second, diags.map((d) => d.message).join('\n'));
  assert.match(
    second.message,
    /\(after an earlier oops, kernel tainted D: "BUG: unable to handle kernel paging request in qlist_free_all" at line \d+\)/,
  );
  assert.doesNotMatch(second.message, /consequence/);
  assert.ok(!second.tags?.includes(DiagnosticTag.Unnecessary), 'not faded');
  const panic = diags.find((d) => d.message.includes('Fatal exception'))!;
  assert.match(
    panic.message,
    /consequence of the earlier "BUG: unable to handle kernel paging request in qlist_free_all"/,
  );
  assert.ok(panic.tags?.includes(DiagnosticTag.Unnecessary));
  // The [#2] hover says the same.
  const md = hoverAt(join(SYZKALLER_REPORTS, '364'), '[#2]', 0, 1);
  assert.match(md, /in another task with its own trace: nothing here shows it follows from that one/);
  assert.doesNotMatch(md, /likely a consequence/);
});
