// LSP hover: a thin adapter from (document, position) to the engine's hover explainer. It reads the hovered
// line (and the few lines above it the engine asks for: a Code: line's RIP line, a CR2's Code: line) and
// uses the precomputed analysis, so it stays fast on huge logs; facts that need the analysis are simply
// absent without it.

import type { Hover, Position } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Analysis, FaultAccess, KernelEvent } from '../engine';
import { analyzeText, explainAt, TRAILING_LINE_BREAK } from '../engine';

export { initDisassemblers } from '../engine';

function lineText(document: TextDocument, line: number): string | undefined {
  if (line < 0 || line >= document.lineCount) return undefined;
  const text = document.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } });
  // Strip the line break(s) the range includes: `\r\n`, `\n` or a lone `\r`.
  return text.replace(TRAILING_LINE_BREAK, '');
}

/** `frameSource`: the source section of the frame under the cursor (lsp/frameSource.ts), appended when given. */
export function provideHover(
  document: TextDocument,
  position: Position,
  analysis: Analysis | undefined,
  frameSource?: { markdown: string; start: number; end: number } | null,
  accessOf?: (event: KernelEvent) => FaultAccess | undefined,
): Hover | null {
  const text = lineText(document, position.line);
  if (text === undefined) return null;
  const result =
    explainAt(text, position.character, {
      line: position.line,
      analysis,
      getLine: (n) => lineText(document, n),
      accessOf,
    }) ?? (frameSource ? { markdown: '', start: frameSource.start, end: frameSource.end } : null);
  if (!result) return null;
  const markdown = frameSource
    ? [result.markdown, frameSource.markdown].filter((m) => m).join('\n\n---\n\n')
    : result.markdown;
  return {
    contents: { kind: 'markdown', value: markdown },
    range: {
      start: { line: position.line, character: result.start },
      end: { line: position.line, character: result.end },
    },
  };
}

/**
 * A real oops (test-fixtures/corpus/qemu/logs/null_read.console.log: Debian 6.1 in qemu, the test module's
 * NULL read), analysed and hovered once while the server waits for its first document (warmUpHovers).
 */
const WARM_UP_LOG = `[    5.559828] BUG: kernel NULL pointer dereference, address: 0000000000000010
[    5.559976] #PF: supervisor read access in kernel mode
[    5.560043] #PF: error_code(0x0000) - not-present page
[    5.560158] PGD 107e2067 P4D 107e2067 PUD 107f0067 PMD 0 
[    5.560446] Oops: 0000 [#1] PREEMPT SMP NOPTI
[    5.560682] CPU: 0 PID: 115 Comm: init Tainted: G           OE      6.1.0-56-amd64 #1  Debian 6.1.192-2
[    5.560883] Hardware name: QEMU Standard PC (i440FX + PIIX, 1996), BIOS 1.16.2-debian-1.16.2-1 04/01/2014
[    5.561068] RIP: 0010:buggy_null_read_level2+0x5/0x20 [buggy]
[    5.561687] Code: Unable to access opcode bytes at 0xffffffffc02e1fdb.
[    5.561783] RSP: 0018:ffffcc7a4062fd08 EFLAGS: 00000246
[    5.561864] RAX: 0000000000000010 RBX: 0000000000000000 RCX: c0000000ffffefff
[    5.561941] RDX: 0000000000000000 RSI: 00000000ffffefff RDI: 0000000000000000
[    5.562016] RBP: 0000000000000000 R08: 0000000000000000 R09: ffffcc7a4062fbb0
[    5.562090] R10: 0000000000000003 R11: ffffffffb42d4448 R12: ffffcc7a4062fd40
[    5.562165] R13: 000000002f2bd6f0 R14: ffff8a06424ec800 R15: 0000000000000000
[    5.562293] FS:  000000002f2ba3c0(0000) GS:ffff8a065f400000(0000) knlGS:0000000000000000
[    5.562406] CS:  0010 DS: 0000 ES: 0000 CR0: 0000000080050033
[    5.562481] CR2: ffffffffc02e1fdb CR3: 0000000001062000 CR4: 00000000000006f0
[    5.562727] Call Trace:
[    5.563402]  <TASK>
[    5.563598]  buggy_null_read_level1+0xa/0x20 [buggy]
[    5.563734]  buggy_null_read+0x1d/0x29 [buggy]
[    5.563794]  buggy_dispatch+0x4d/0x60 [buggy]
[    5.564010]  buggy_proc_write+0x8e/0xd0 [buggy]
[    5.564077]  proc_reg_write+0x56/0xa0
[    5.564196]  vfs_write+0xc7/0x3f0
[    5.564250]  ? __handle_mm_fault+0x97b/0xfa0
[    5.564325]  ksys_write+0x6b/0xf0
[    5.564367]  do_syscall_64+0x5d/0xb0
[    5.564431]  ? handle_mm_fault+0xdb/0x2d0
[    5.564478]  ? do_user_addr_fault+0x1b0/0x570
[    5.564533]  ? exit_to_user_mode_prepare+0x44/0x240
[    5.564592]  entry_SYSCALL_64_after_hwframe+0x6e/0xd8
[    5.564758] RIP: 0033:0x47b7a0
[    5.564964] Code: 40 00 48 c7 c2 e0 ff ff ff f7 d8 64 89 02 48 c7 c0 ff ff ff ff eb b7 0f 1f 00 80 3d e8 85 16 00 00 74 17 b8 01 00 00 00 0f 05 <48> 3d 00 f0 ff ff 77 58 c3 0f 1f 80 00 00 00 00 48 83 ec 28 48 89
[    5.565175] RSP: 002b:00007fff821ecb98 EFLAGS: 00000202 ORIG_RAX: 0000000000000001
[    5.565271] RAX: ffffffffffffffda RBX: 0000000000000001 RCX: 000000000047b7a0
[    5.565341] RDX: 000000000000000a RSI: 000000002f2bd6f0 RDI: 0000000000000001
[    5.565409] RBP: 000000002f2bd6f0 R08: fefefefefefefeff R09: fefefefeff86ff63
[    5.565478] R10: 0000000000000000 R11: 0000000000000202 R12: 000000000000000a
[    5.565546] R13: 000000002f2ba3a0 R14: 0000000000000001 R15: 00007fff821ecc00
[    5.565651]  </TASK>
[    5.565726] Modules linked in: buggy(OE)
[    5.565935] CR2: 0000000000000010
[    5.566325] ---[ end trace 0000000000000000 ]---`;

/**
 * Runs the analysis and the hover explainer over WARM_UP_LOG, a hover at every word of it, a line per turn of
 * the event loop (a document arriving meanwhile is read between them): V8 compiles a function the first time
 * it is called, so the first hover of a session would otherwise pay for compiling the explainer (tens of
 * milliseconds in all, a few for each kind of line). Resolves with how many hovers explained something.
 */
export async function warmUpHovers(): Promise<number> {
  const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
  const lines = WARM_UP_LOG.split('\n');
  await turn();
  const analysis = analyzeText(WARM_UP_LOG);
  let explained = 0;
  for (let line = 0; line < lines.length; line++) {
    await turn();
    const text = lines[line];
    for (const word of text.matchAll(/\S+/g))
      if (explainAt(text, word.index, { line, analysis, getLine: (n) => lines[n] })) explained++;
  }
  return explained;
}
