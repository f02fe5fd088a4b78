// Report forms of recent kernels inside a report's body, each cited to the kernel source that prints it:
// nbcon replay lines, hung-task blocker lines, kmemleak's `backtrace (crc …):`, rcu_tasks stalls, the
// soft-lockup utilization table and riscv register dumps. Titles as syzkaller's pkg/report/linux.go.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixture, lineOf, problems, summarize } from './fixtures';
import { SYZKALLER_EXTRA_REPORTS, SYZKALLER_REPORTS } from './syzkaller-corpus';

const syz = (n: string) => readFileSync(join(SYZKALLER_REPORTS, n), 'latin1');
const syzExtra = (n: string) => readFileSync(join(SYZKALLER_EXTRA_REPORTS, n), 'latin1');
const REPLAY = '** replaying previous printk message **';

// kernel/hung_task.c debug_show_blocker (v6.16): `INFO: task %s:%d is blocked on a mutex likely owned by
// task %s:%d.` then sched_show_task(owner). The owner's stack belongs to the same report.
test('hung task with its mutex owner: one report, the owner stack its second trace, titled from the first', () => {
  const text = fixture('events/hung-task-mutex-owner-6.16.log');
  const found = problems(text);
  assert.equal(found.length, 1, summarize(found));
  const [e] = found;
  assert.equal(e.title, 'INFO: task hung in read_dummy');
  assert.equal(e.traces.length, 2);
  assert.equal(e.traces[1].line, lineOf(text, 'Call Trace:', lineOf(text, 'likely owned by')));
  assert.deepEqual(
    e.traces[1].frames.slice(3, 5).map((f) => f.function),
    ['msleep_interruptible', 'read_dummy'],
  );
  assert.ok(e.endLine >= lineOf(text, 'entry_SYSCALL_64', lineOf(text, 'likely owned by')));
});

// kernel/printk/printk.c console_prepend_replay (nbcon): the record cut short on the line before the marker
// is printed again after it.
test('a frame cut short before a printk replay is not read twice', () => {
  const text = fixture('events/hung-task-mutex-owner-6.16.log').replace(
    '[  246.012650]  __mutex_lock+0x75f/0xeb0',
    `[  246.012650]  __mutex_lock+0x75f/0xe\n${REPLAY}\n[  246.012650]  __mutex_lock+0x75f/0xeb0`,
  );
  const [e] = problems(text);
  assert.deepEqual(
    e.traces[0].frames.slice(2, 5).map((f) => [f.function, f.size]),
    [
      ['schedule_preempt_disabled', 0x30],
      ['__mutex_lock', 0xeb0],
      ['read_dummy', 0x70],
    ],
  );
  assert.equal(e.traces.length, 2);
});

test('a header cut short before a printk replay opens no report of its own', () => {
  const text = fixture('events/hung-task-mutex-owner-6.16.log').replace(
    '[  246.012345] INFO: task cat:115 blocked for more than 122 seconds.',
    `[  246.012345] INFO: task cat:115 blocked for more than 1\n${REPLAY}\n[  246.012345] INFO: task cat:115 blocked for more than 122 seconds.`,
  );
  const found = problems(text);
  assert.equal(found.length, 1, summarize(found));
  assert.equal(found[0].line, lineOf(text, 'more than 122 seconds'));
  assert.equal(found[0].title, 'INFO: task hung in read_dummy');
});

test('replay lines inside a trace do not end the report (several in a row)', () => {
  const text = fixture('events/hung-task-mutex-owner-6.16.log').replace(
    '[  246.012660]  read_dummy+0x3f/0x70',
    `[  246.012660]  read_dum\n${REPLAY}\n[  246.012660]  read_dummy+0x3f/0x70\n[  246.012670]  full_pro\n${REPLAY}`,
  );
  const [e] = problems(text);
  assert.equal(e.traces.length, 2);
  assert.equal(e.traces[0].frames.length, 10);
});

// Real: syzkaller report 1000 (`INFO: t` + replay + the full `blocked in I/O wait` header, v6.14 hung_task.c).
test('real: `INFO: task … blocked in I/O wait for more than N seconds` after a replay (syzkaller 1000)', () => {
  const text = syz('1000');
  const found = problems(text);
  assert.equal(found[0].title, 'INFO: task hung in read_cache_folio');
  assert.equal(found[0].line, lineOf(text, 'blocked in I/O wait for more than 143 seconds'));
});

// mm/kmemleak.c print_unreferenced (v6.7): `backtrace (crc %x):`.
test('real: kmemleak `backtrace (crc c9a1c131):` is the leak trace (syzkaller 752)', () => {
  const text = syz('752');
  const [e] = problems(text);
  assert.equal(e.title, 'memory leak in lookup_or_create_module_kobject');
  const trace = e.traces.find((t) => t.line === lineOf(text, 'backtrace (crc c9a1c131):'));
  assert.ok(trace, summarize([e]));
  assert.equal(trace.frames[0].function, '__kmalloc_cache_noprof');
});

// kernel/rcu/tasks.h check_all_holdout_tasks: `INFO: %s detected stalls on tasks:` (rcu_tasks, and the
// _rude and _trace flavours), then each holdout task's line and stack.
test('real: `INFO: rcu_tasks detected stalls on tasks:` is an RCU stall; with only `?` frames, corrupted (syzkaller 1002)', () => {
  const text = syzExtra('1002');
  const [e] = problems(text);
  assert.equal(e.kind, 'rcu-stall');
  assert.equal(e.title, 'INFO: rcu detected stall in corrupted');
  assert.equal(e.line, lineOf(text, 'INFO: rcu_tasks detected stalls on tasks:'));
});

for (const flavour of ['rcu_tasks', 'rcu_tasks_trace', 'rcu_tasks_rude']) {
  test(`\`INFO: ${flavour} detected stalls on tasks:\` with reliable frames is titled from the holdout's stack`, () => {
    const text = syzExtra('1002')
      .replace('rcu_tasks detected', `${flavour} detected`)
      .replace(/\] {2}\? /g, ']  ');
    const [e] = problems(text);
    assert.equal(e.kind, 'rcu-stall');
    assert.match(e.title, /^INFO: rcu detected stall in (?!corrupted)\w+$/);
    assert.notEqual(e.guiltyFrame?.function?.startsWith('rcu'), true);
  });
}

test('"INFO: rcu_tasks" without "detected stalls" is not an RCU stall', () => {
  assert.deepEqual(
    problems('[    1.000000] INFO: rcu_tasks self-test passed\n').map((e) => e.kind),
    [],
  );
});

// kernel/watchdog.c print_cpustat / print_irq_counts (v6.10): the utilization table after the soft-lockup
// header stays inside the report.
test('soft lockup with its `CPU#1 Utilization every 4s during lockup:` table: one report, trace read', () => {
  const text = fixture('events/soft-lockup-utilization-6.12.log');
  const found = problems(text);
  assert.equal(found.length, 1, summarize(found));
  const [e] = found;
  assert.equal(e.kind, 'soft-lockup');
  assert.equal(e.title, 'BUG: soft lockup in frob_ioctl');
  assert.equal(e.endLine, lineOf(text, '</TASK>'));
  assert.equal(e.ip?.function, 'frob_spin');
  assert.deepEqual(
    e.modules?.list.map((m) => m.name),
    ['frob'],
  );
});

// arch/riscv/kernel/process.c __show_regs: `epc : %pS`, ` ra : %pS`, then `epc : <hex> ra : <hex> sp : <hex>`
// (5.10 prints `epc: `), the general registers, `status: … badaddr: … cause: …`.
for (const [n, ip] of [
  ['545', null],
  ['607', 'schedule_tail'],
] as const) {
  test(`real riscv register dump (syzkaller ${n}): epc/ra/sp and status/badaddr/cause read, arch riscv`, () => {
    const [e] = problems(syz(n));
    const names = new Set(e.registers.map((r) => r.name));
    for (const r of ['epc', 'ra', 'sp', 'gp', 's11', 't6', 'status', 'badaddr', 'cause'])
      assert.ok(names.has(r), r);
    assert.equal(e.arch, 'riscv');
    assert.equal(e.ip?.function ?? null, ip);
  });
}

test('real riscv (syzkaller-extra 999): epc is the IP, the hex epc line is a register line', () => {
  const text = syzExtra('999');
  const [e] = problems(text);
  assert.equal(e.title, 'WARNING in io_ring_exit_work');
  assert.equal(e.ip?.function, 'io_ring_exit_work');
  assert.equal(e.registers.find((r) => r.name === 'epc')?.value, 'ffffffff80014264');
  assert.equal(e.registers.find((r) => r.name === 'badaddr')?.value, 'ffffffff80014264');
  assert.equal(e.registerLines?.endLine, lineOf(text, 'status: 0000000200000120'));
});

// mm/slub.c slab_bug `BUG %s (%s): %pV` with the defects check_bytes_and_report / check_object name; before
// 5.14 the detail lines began with `INFO: ` (`INFO: Allocated in …`, `INFO: Slab 0x…`, `INFO: Object 0x…`).
for (const defect of [
  'Right Redzone overwritten',
  'Left Redzone overwritten',
  'Poison overwritten',
  'Freepointer corrupt',
]) {
  for (const old of [false, true]) {
    test(`SLUB debug \`BUG kmalloc-64 (Tainted: …): ${defect}\`${old ? ' (INFO: detail lines)' : ''}: one slab-corruption report`, () => {
      let text = fixture('events/slub-redzone.log').replace('Right Redzone overwritten', defect);
      if (old) text = text.replace(/\] (Allocated in|Slab 0x|Object 0x|0xffff888003a4c5a0-)/g, '] INFO: $1');
      const found = problems(text);
      assert.equal(found.length, 1, summarize(found));
      const [e] = found;
      assert.equal(e.kind, 'slab-corruption');
      assert.equal(e.title, `${defect} in kmalloc-64`);
      assert.equal(e.guiltyFrame?.function, 'frob_release');
      assert.ok(e.endLine >= lineOf(text, '</TASK>'));
    });
  }
}

test('4.x KASAN reports printed through slab_bug (`BUG UNIX (Not tainted): kasan: bad access detected`) are not SLUB reports', () => {
  const text = fixture('events/slub-redzone.log').replace(
    'BUG kmalloc-64 (Tainted: G           OE     ): Right Redzone overwritten',
    'BUG UNIX (Not tainted): kasan: bad access detected',
  );
  assert.ok(problems(text).every((e) => e.kind !== 'slab-corruption'));
});
