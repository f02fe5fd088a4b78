// Real reports of the kernel's debugging and hardening checks (test-fixtures/corpus/qemu-hardening: SLUB debug
// with slub_debug=FZPU, hardened usercopy, FORTIFY_SOURCE, stack protector, VMAP stack guard page, scheduling
// while atomic), captured from Debian's 6.1 kernel under qemu: the event, its title and culprit, and every
// frame of the addr2line ground truth parsed on its line, the SLUB track and %pB return addresses included.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeText, type Frame, type KernelEvent } from '../../src/engine';
import { QEMU_HARDENING_LOGS, lspLine, readTruth, summarize } from './fixtures';

interface Expect {
  kind: string;
  title: string;
  /** The culprit: what the module's source (module/hardening.c) says did it, as far as the stack shows it. */
  guilty: string;
}

const EXPECTED: Record<string, Expect> = {
  // The overrun is only found at kfree; hard_slub_redzone tail-called kfree, so its caller is on the stack.
  slub_redzone: {
    kind: 'slab-corruption',
    title: 'Right Redzone overwritten in kmalloc-64',
    guilty: 'hard_dispatch',
  },
  slub_double_free: { kind: 'slab-corruption', title: 'BUG: Object already free', guilty: 'hard_dispatch' },
  slub_poison: {
    kind: 'slab-corruption',
    title: 'Poison overwritten in kmalloc-64',
    guilty: 'hard_slub_poison',
  },
  usercopy: { kind: 'warning', title: 'WARNING in hard_usercopy_leak', guilty: 'hard_usercopy_leak' },
  usercopy_slab: {
    kind: 'usercopy',
    title: 'BUG: bad usercopy in hard_usercopy_slab',
    guilty: 'hard_usercopy_slab',
  },
  fortify: { kind: 'kernel-bug', title: 'kernel BUG in hard_fortify', guilty: 'hard_fortify' },
  stack_smash: {
    kind: 'stack-protector',
    title: 'kernel panic: stack is corrupted in hard_stack_smash',
    guilty: 'hard_stack_smash',
  },
  recursion: {
    kind: 'stack-guard',
    title: 'BUG: stack guard page was hit in hard_recurse',
    guilty: 'hard_recurse',
  },
  // msleep is the sleeping helper; the caller slept under the spinlock.
  sleep_atomic: {
    kind: 'scheduling-while-atomic',
    title: 'BUG: scheduling while atomic in hard_sleep_atomic',
    guilty: 'hard_sleep_atomic',
  },
};

function log(scenario: string): string {
  return readFileSync(join(QEMU_HARDENING_LOGS, `${scenario}.console.log`), 'utf8');
}

function firstProblem(events: KernelEvent[]): KernelEvent | undefined {
  return events.find((e) => e.severity !== 'information');
}

for (const [scenario, want] of Object.entries(EXPECTED)) {
  test(`hardening ${scenario}: kind, title and culprit of the first event`, () => {
    const events = analyzeText(log(scenario)).events;
    const e = firstProblem(events);
    assert.ok(e, summarize(events));
    assert.deepEqual([e.kind, e.title, e.guiltyFrame?.function], [want.kind, want.title, want.guilty]);
  });
}

test('hardening: every ground-truth frame is a frame on its line, SLUB tracks and %pB included', () => {
  const kinds = new Map<string, number>();
  for (const scenario of Object.keys(EXPECTED)) {
    const text = log(scenario);
    const truth = readTruth(QEMU_HARDENING_LOGS, scenario)!;
    const events = analyzeText(text).events;
    const frames = new Map<number, Frame[]>();
    for (const e of events)
      for (const tr of e.traces)
        for (const f of tr.frames) frames.set(f.span.line, [...(frames.get(f.span.line) ?? []), f]);
    for (const row of truth) {
      if (row.kind === 'RIP' || row.kind === 'WARN_AT') continue;
      const where = `${scenario}.console.log:${row.logLine} (${row.kind} ${row.symbol})`;
      const f = frames.get(lspLine(text, row.logLine))?.[0];
      assert.ok(f, `${where}: no frame on its line`);
      assert.deepEqual(
        [f.function, f.offset, f.size, f.module, f.reliable],
        [
          row.symbol,
          row.offset,
          row.size,
          row.object === 'vmlinux' ? null : row.object,
          row.kind !== 'CALL?',
        ],
        where,
      );
      kinds.set(row.kind, (kinds.get(row.kind) ?? 0) + 1);
    }
  }
  // Each kind of return address the corpus holds was checked.
  for (const kind of ['CALL', 'CALL?', 'CALL_TRACK', 'CALL_PB'])
    assert.ok((kinds.get(kind) ?? 0) > 0, `${kind}: ${JSON.stringify([...kinds])}`);
});

test('hardening: a SLUB report has its Allocated in / Freed in tracks as traces of their own', () => {
  const e = firstProblem(analyzeText(log('slub_double_free')).events)!;
  const labels = e.traces.map((t) => t.label);
  assert.deepEqual(labels.slice(0, 2), ['Allocated in', 'Freed in']);
  // The track's own address first, then the stack-depot stack.
  assert.deepEqual(
    e.traces[1].frames.slice(0, 2).map((f) => f.function),
    ['hard_slub_double_free', 'hard_dispatch'],
  );
});
