// incremental.ts against the full analysis as the oracle: random edits (report lines inserted, lines
// deleted, split, joined, typed into) applied one after another to real logs from the corpus; after each,
// the re-analysis of the edited region, spliced into the previous result, must equal analysing the whole
// edited text anew — events, idle runs and callers — and must have read only part of the log.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  analyzeTextWithState,
  joinAnalyses,
  REPORT_SILENCE,
  reanalyzeChange,
  splitLines,
  type AnalysisState,
  type LineChange,
} from '../../src/engine';
import { logsIn, QEMU_ARM64_LOGS, QEMU_LOGS } from './fixtures';
import { loadSyzkallerCases } from './syzkaller-corpus';
import { Rng } from '../fuzz/fuzzer';

/** Lines that open, continue, end or break reports. */
const REPORT_LINES = [
  '',
  'x',
  '[   12.345678] BUG: kernel NULL pointer dereference, address: 0000000000000008',
  '[   12.345679] Oops: 0002 [#1] PREEMPT SMP NOPTI',
  '[   12.345680] WARNING: CPU: 0 PID: 1 at kernel/foo.c:12 foo+0x1b/0x29',
  '[   12.345681] Call Trace:',
  '[   12.345682]  <TASK>',
  '[   12.345683]  bar+0x10/0x20 [buggy]',
  '[   12.345684]  </TASK>',
  '[   12.345685] RIP: 0010:foo+0x1b/0x29',
  '[   12.345686] ---[ end trace 0000000000000000 ]---',
  '[   12.345687] Kernel panic - not syncing: Fatal exception',
  '[   12.345688] ==================================================================',
  '[   12.345689] BUG: KASAN: slab-use-after-free in foo+0x1/0x2',
  '[   12.345690] watchdog: BUG: soft lockup - CPU#0 stuck for 22s! [swapper/0:1]',
  '[   12.345691] Out of memory: Killed process 1 (init) total-vm:1kB, anon-rss:1kB',
  '[   12.345692] CPU: 0 PID: 1 Comm: init Not tainted 6.1.0 #1',
  '[   12.345693] ** 5 printk messages dropped **',
  '[   T123] BUG: unable to handle page fault for address: ffff888000000000',
  '[   T124] Call Trace:',
];

type Edit = { change: LineChange; lines: string[] };

/** One random edit of `lines`: which old lines became which new ones, and the new lines. */
function randomEdit(r: () => number, lines: string[]): Edit {
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)];
  const at = Math.floor(r() * lines.length);
  const op = r();
  const next = [...lines];
  if (op < 0.3) {
    // Insert 1-3 report lines (or lines copied from elsewhere in the log).
    const n = 1 + Math.floor(r() * 3);
    const added = Array.from({ length: n }, () => (r() < 0.7 ? pick(REPORT_LINES) : pick(lines)));
    // Inserting before line `at`: the old line `at` (or the end) is rewritten as the added lines + itself.
    next.splice(at, 0, ...added);
    return { change: { start: at, oldEnd: at, newEnd: at + n }, lines: next };
  }
  if (op < 0.5 && lines.length > 6) {
    // Delete 1-5 lines: old [at, at+n] becomes the single line that followed them.
    const n = Math.min(1 + Math.floor(r() * 5), lines.length - at - 1);
    if (n > 0) {
      next.splice(at, n);
      return { change: { start: at, oldEnd: at + n, newEnd: at }, lines: next };
    }
  }
  if (op < 0.6 && at + 1 < lines.length) {
    // Join a line with the next.
    next.splice(at, 2, lines[at] + lines[at + 1]);
    return { change: { start: at, oldEnd: at + 1, newEnd: at }, lines: next };
  }
  if (op < 0.7) {
    // Split a line.
    const c = Math.floor(r() * (lines[at].length + 1));
    next.splice(at, 1, lines[at].slice(0, c), lines[at].slice(c));
    return { change: { start: at, oldEnd: at, newEnd: at + 1 }, lines: next };
  }
  // Type into a line (or replace it).
  const c = Math.floor(r() * (lines[at].length + 1));
  next[at] =
    r() < 0.8
      ? lines[at].slice(0, c) + pick(['x', ' ', ':', '0', ']']) + lines[at].slice(c)
      : pick(REPORT_LINES);
  return { change: { start: at, oldEnd: at, newEnd: at }, lines: next };
}

/** Lines [from, to) of `lines` as the document's text has them: each with its break, the last line without. */
function readerOf(lines: string[], reads: number[]) {
  return (from: number, to: number) => {
    reads.push(to - from);
    const part = lines.slice(from, to).join('\n');
    return to < lines.length ? part + '\n' : part;
  };
}

function check(name: string, text: string, steps: number, seed: number): number[] {
  const g = new Rng(seed);
  const r = () => g.float();
  let lines = splitLines(text);
  let state: AnalysisState = analyzeTextWithState(lines.join('\n'));
  const reads: number[] = [];
  for (let step = 0; step < steps; step++) {
    const edit = randomEdit(r, lines);
    lines = edit.lines;
    const inc = reanalyzeChange(state, edit.change, lines.length, readerOf(lines, reads), Infinity);
    const full = analyzeTextWithState(lines.join('\n'));
    const at = `${name}, seed ${seed}, step ${step}: ${JSON.stringify(edit.change)}`;
    assert.ok(inc, at);
    assert.deepEqual(inc.analysis, full.analysis, at);
    assert.deepEqual(inc.idle, full.idle, `${at}: idle runs`);
    assert.deepEqual(inc.callers, full.callers, `${at}: callers`);
    state = inc;
  }
  return reads;
}

test('random edits of the qemu captures: the incremental analysis equals the full one', () => {
  const logs = [...logsIn(QEMU_LOGS), ...logsIn(QEMU_ARM64_LOGS)];
  assert.ok(logs.length > 10);
  logs.forEach((log, i) => check(log.name, log.text, 20, i + 1));
});

test('random edits of syzkaller reports (printk caller ids, interleaved tasks) equal the full analysis', () => {
  const cases = loadSyzkallerCases();
  assert.ok(cases.length > 400);
  // Every eighth report, each edited 12 times.
  cases.filter((_, i) => i % 8 === 0).forEach((c, i) => check(`syzkaller ${c.name}`, c.log, 12, 1000 + i));
});

test('a long log of many reports: equal to the full analysis, and only the edited part is read again', () => {
  const logs = [...logsIn(QEMU_LOGS), ...logsIn(QEMU_ARM64_LOGS)];
  const filler = Array.from({ length: 300 }, (_, i) => `[  ${i}.000000] random: crng init ${i}`).join('\n');
  const text = logs.map((l) => l.text + '\n' + filler).join('\n');
  const total = splitLines(text).length;
  const reads = check('concatenated captures', text, 60, 77);
  reads.sort((a, b) => a - b);
  const median = reads[Math.floor(reads.length / 2)];
  assert.ok(median * 10 < total, `median lines read again ${median} of ${total}`);
});

test('reports whose task falls silent are closed: an edit in a long log of interleaved tasks is read again only around it', () => {
  // syzkaller's console logs with printk caller ids, each followed by caller-less chatter (as in a capture
  // that goes on after the crash): the report's task prints nothing more, so without closing a silent
  // report none of the chatter would be a line to restart at.
  const withCallers = loadSyzkallerCases()
    .filter((c) => /^\[ *\d+\.\d+\]\[ *[TC]\d+\]/m.test(c.log))
    .filter((_, i) => i % 10 === 0)
    .slice(0, 12);
  assert.ok(withCallers.length >= 10);
  const filler = Array.from(
    { length: REPORT_SILENCE + 200 },
    (_, i) => `[ ${9000 + i}.000000] usb 1-1: new high-speed USB device number ${i % 100} using xhci_hcd`,
  ).join('\n');
  const text = withCallers.map((c) => c.log + '\n' + filler).join('\n');
  const total = splitLines(text).length;
  const full = analyzeTextWithState(text);
  // Idle lines come back after every report.
  const idleLines = full.idle.reduce((n, x, i) => (i % 2 ? n + x - full.idle[i - 1] : n), 0);
  assert.ok(idleLines > total / 2, `idle lines ${idleLines} of ${total}`);
  const reads = check('syzkaller reports with callers and chatter', text, 40, 4242);
  reads.sort((a, b) => a - b);
  const median = reads[Math.floor(reads.length / 2)];
  assert.ok(median * 4 < total, `median lines read again ${median} of ${total}`);
});

test('a log analysed in two overlapping parts at once, joined, equals its full analysis', () => {
  const qemu = [...logsIn(QEMU_LOGS), ...logsIn(QEMU_ARM64_LOGS)];
  const filler = Array.from({ length: 300 }, (_, i) => `[  ${i}.000000] random: crng init ${i}`).join('\n');
  const withCallers = loadSyzkallerCases()
    .filter((c) => /^\[ *\d+\.\d+\]\[ *[TC]\d+\]/m.test(c.log))
    .filter((_, i) => i % 25 === 0);
  const texts = [
    qemu.map((l) => l.text + '\n' + filler).join('\n'),
    withCallers.map((c) => c.log + '\n' + filler).join('\n'),
  ];
  const g = new Rng(99);
  let joined = 0;
  let tried = 0;
  for (const text of texts) {
    const lines = splitLines(text);
    const full = analyzeTextWithState(lines.join('\n'));
    for (let k = 0; k < 12; k++) {
      const tailFrom = 1 + Math.floor(g.float() * (lines.length - 2));
      const headEnd = Math.min(lines.length, tailFrom + 1 + Math.floor(g.float() * 3000));
      const head = analyzeTextWithState(lines.slice(0, headEnd).join('\n'));
      const tail = analyzeTextWithState(lines.slice(tailFrom).join('\n'));
      const at = `split ${tailFrom}-${headEnd} of ${lines.length}`;
      const r = joinAnalyses(head, tail, tailFrom);
      tried++;
      if (!r) continue;
      joined++;
      assert.deepEqual(r.state.analysis, full.analysis, at);
      assert.deepEqual(r.state.idle, full.idle, `${at}: idle runs`);
      assert.deepEqual(r.state.callers, full.callers, `${at}: callers`);
    }
  }
  assert.ok(joined * 3 > tried * 2, `${joined} of ${tried} splits joined`);
});
