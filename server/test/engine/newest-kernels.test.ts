// Report forms of the newest kernels (6.10 and later), each in a short realistic fixture
// (test-fixtures/engine/events/*-6.1x.log), titled as syzkaller's pkg/report/linux.go titles them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  analyzeText,
  blockerOf,
  mainTrace,
  parseFrame,
  type Frame,
  type KernelEvent,
} from '../../src/engine';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixture, lineOf, problems, summarize } from './fixtures';
import { SYZKALLER_REPORTS } from './syzkaller-corpus';

/** The one problem event of a fixture, checked to sit on the line holding `at`. */
function onlyProblem(file: string, at: string): { e: KernelEvent; text: string } {
  const text = fixture(file);
  const found = problems(text);
  assert.equal(found.length, 1, summarize(found));
  assert.equal(found[0].line, lineOf(text, at), summarize(found));
  return { e: found[0], text };
}

// arch/x86/kernel/dumpstack.c __die_header (v6.10): `Oops: %s: %04lx [#%d]` with the trap name inside.
test('6.10 x86: `Oops: int3: 0000 [#1]` is an int3 trap titled from the RIP line', () => {
  const { e } = onlyProblem('events/oops-int3-6.10.log', 'Oops: int3: 0000 [#1]');
  assert.equal(e.kind, 'oops');
  assert.equal(e.title, 'int3 in frob_dispatch');
  assert.equal(e.errorCode, '0000');
  assert.equal(e.oopsNumber, 1);
  assert.equal(e.ip?.function, 'frob_dispatch');
});

test('old x86: a bare `int3: 0000 [#1]` header is titled the same way', () => {
  const text = fixture('events/oops-int3-6.10.log').replace('Oops: int3:', 'int3:');
  const found = problems(text);
  assert.deepEqual(
    found.map((e) => e.title),
    ['int3 in frob_dispatch'],
  );
});

test('6.10 x86: `Oops: general protection fault, probably for non-canonical address …` is a GPF', () => {
  const { e } = onlyProblem('events/gpf-oops-prefix-6.10.log', 'Oops: general protection fault');
  assert.equal(e.kind, 'gpf');
  assert.equal(e.title, 'general protection fault in frob_reap_one');
  assert.equal(e.faultAddress, 'dffffc0000000003');
  assert.equal(e.oopsNumber, 1);
});

test('an `Oops: 0000 [#1]` without a trap name stays an Oops', () => {
  const text = fixture('events/oops-int3-6.10.log').replace('Oops: int3: 0000', 'Oops: 0000');
  assert.deepEqual(
    problems(text).map((e) => e.title),
    ['Oops in frob_dispatch'],
  );
  assert.ok(analyzeText(text).events.every((e) => !e.title.startsWith('int3')));
});

// lib/dump_stack.c dump_stack_print_info: v6.11 adds `UID: %u` and prints the named taints on their own
// `Tainted:` line (print_tainted_verbose); v6.15 appends preempt_model_str() (`PREEMPT(full)`, …).
/** Ends of the CPU line after the release: 6.15 `PREEMPT(full)` / `PREEMPT(lazy)` / `(undef)` (with a
 *  distribution's trailing build text), and the plain `#1` before 6.15. */
const CPU_LINE_TAILS = ['#1 PREEMPT(full)  5e8f1c2a', '#1 PREEMPT(lazy)', '#1 (undef)', '#1'];
for (const tail of CPU_LINE_TAILS) {
  test(`6.11+ CPU line \`CPU: 3 UID: 1000 PID: …\` ending \`${tail}\`: its facts still read`, () => {
    const text = fixture('events/cpu-line-6.15.log').replace('#1 PREEMPT(full)  5e8f1c2a', tail);
    const found = problems(text);
    assert.equal(found.length, 1, summarize(found));
    const e = found[0];
    assert.equal(e.title, 'BUG: unable to handle kernel NULL pointer dereference in frob_queue_peek');
    assert.equal(e.cpuLine, lineOf(text, 'UID: 1000'));
    assert.deepEqual(
      [e.cpu, e.pid, e.comm, e.tainted, e.release],
      [3, 2417, 'frobd', 'G        W  O', '6.15.2-arch1-1'],
    );
    assert.equal(e.build, tail);
  });
}

test('6.11+ `Tainted: [W]=WARN, [O]=OOT_MODULE` under the CPU line stays inside the report', () => {
  const { e, text } = onlyProblem('events/cpu-line-6.15.log', 'BUG: kernel NULL pointer dereference');
  assert.ok(e.endLine >= lineOf(text, 'end trace'), summarize([e]));
  assert.equal(e.hardware?.startsWith('LENOVO 21K5CTO1WW'), true);
  assert.equal(e.registerLines?.line, lineOf(text, 'RIP: 0010:frob_queue_peek'));
  assert.deepEqual(
    e.traces[0].frames.slice(0, 2).map((f) => f.function),
    ['frob_poll', 'do_sys_poll'],
  );
  assert.deepEqual(
    e.modules?.list.map((m) => m.name),
    ['frob', 'snd_hda_intel', 'iwlmvm'],
  );
});

test('6.11+ CPU line with `Not tainted`: tainted reads as empty', () => {
  const text = fixture('events/cpu-line-6.15.log')
    .replace('Tainted: G        W  O        6.15', 'Not tainted 6.15')
    .replace(/^.*Tainted: \[W\]=WARN.*\n/m, '');
  const [e] = problems(text);
  assert.deepEqual([e.cpu, e.pid, e.comm, e.tainted, e.release], [3, 2417, 'frobd', '', '6.15.2-arch1-1']);
});

// kernel/panic.c __warn (v6.19): `WARNING: %s:%d at %pS, CPU#%d: %s/%d`; CONFIG_DEBUG_BUGVERBOSE_DETAILED puts
// the condition first (`[cond] `, glued to the file on riscv); a WARN raised by x86's UD1 prints `at 0x0`.
const WARNING_HEADERS: readonly [string, string | null][] = [
  [
    'WARNING: drivers/gpu/drm/drm_vblank.c:1307 at drm_wait_one_vblank+0x1a5/0x1c0 [drm], CPU#1: Xorg/812',
    'drm',
  ],
  [
    'WARNING: [!drm_dev_has_vblank(dev)] drivers/gpu/drm/drm_vblank.c:1307 at drm_wait_one_vblank+0x1a5/0x1c0 [drm], CPU#1: Xorg/812',
    'drm',
  ],
  [
    'WARNING: [vblank->inmodeset[0]]drivers/gpu/drm/drm_vblank.c:1307 at drm_wait_one_vblank+0x1a5/0x1c0 [drm], CPU#1: Xorg/812',
    'drm',
  ],
  ['WARNING: drivers/gpu/drm/drm_vblank.c:1307 at 0x0, CPU#1: Xorg/812', null],
];
for (const [header, module] of WARNING_HEADERS) {
  test(`6.19 \`${header.slice(0, 60)}…\` is a WARNING titled from its site`, () => {
    const text = fixture('events/warning-6.19.log').replace(/WARNING: .*$/m, header);
    const found = problems(text);
    assert.equal(found.length, 1, summarize(found));
    const e = found[0];
    assert.equal(e.kind, 'warning');
    assert.equal(e.line, lineOf(text, 'WARNING: '));
    assert.equal(e.title, 'WARNING in drm_wait_one_vblank');
    assert.deepEqual([e.cpu, e.pid, e.comm, e.release], [1, 812, 'Xorg', '6.19.0-1-mainline']);
    if (module === null) {
      assert.equal(e.location, null, 'a UD1 WARN names no site on its header');
    } else {
      assert.deepEqual(
        [e.location?.function, e.location?.offset, e.location?.size, e.location?.module],
        ['drm_wait_one_vblank', 0x1a5, 0x1c0, module],
      );
      const col = header.indexOf('drm_wait_one_vblank') + '[ 8124.006715] '.length;
      assert.equal(e.location?.span.start, col);
    }
  });
}

// arch/arm64/kernel/stacktrace.c dump_backtrace_entry (v6.13): `%pSb` then ` (` + the unwinder's source
// (C/T/P/U) + `F` (fgraph) + `K` (kretprobe) + `)`; an ordinary frame-record entry has no marks.
const UNWIND_MARKS = ['P', 'T', 'C', 'U', 'PF', 'CFK', 'K'];
for (const marks of UNWIND_MARKS) {
  test(`6.13 arm64 frame \`… [buggy] (${marks})\`: still a frame, its marks read`, () => {
    const text = fixture('events/arm64-unwind-marks-6.13.log').replace(' [buggy] (P)', ` [buggy] (${marks})`);
    const found = problems(text);
    assert.equal(found.length, 1, summarize(found));
    const e = found[0];
    assert.equal(e.title, 'BUG: unable to handle kernel NULL pointer dereference in buggy_null_read_level2');
    const frames = e.traces[0].frames;
    assert.deepEqual(
      frames.slice(0, 3).map((f) => [f.function, f.offset, f.size, f.module, f.unwindMarks]),
      [
        ['buggy_null_read_level2', 0x8, 0x20, 'buggy', marks],
        ['buggy_null_read', 0x2c, 0x44, 'buggy', undefined],
        ['buggy_dispatch', 0x68, 0xa0, 'buggy', undefined],
      ],
    );
    assert.equal(frames.length, 14);
    const span = frames[0].span;
    assert.equal(text.split('\n')[span.line].slice(span.start, span.end), 'buggy_null_read_level2');
  });
}

test('arm64: parentheses that are not unwinder marks are not read as marks', () => {
  for (const tail of [' (X)', ' (PP)', ' ()', ' (P) trailing']) {
    const f = parseFrame(` buggy_null_read_level2+0x8/0x20 [buggy]${tail}`);
    assert.equal(f?.function, 'buggy_null_read_level2', tail);
    assert.equal(f?.unwindMarks, undefined, tail);
  }
});

test('real 6.13+ arm64 hung task (syzkaller report 1000): `__switch_to+0x2b0/0x6e0 (T)` is the first frame', () => {
  const text = readFileSync(join(SYZKALLER_REPORTS, '1000'), 'latin1');
  const [e] = problems(text);
  assert.equal(e.title, 'INFO: task hung in read_cache_folio');
  const [first, second] = e.traces[0].frames;
  assert.deepEqual(
    [first.function, first.offset, first.size, first.unwindMarks],
    ['__switch_to', 0x2b0, 0x6e0, 'T'],
  );
  assert.deepEqual([second.function, second.unwindMarks], ['__schedule', undefined]);
});

// CONFIG_KALLSYMS_LINEINFO (kernel/kallsyms.c __sprint_symbol: `" (%s:%u)"` after `[mod buildid]`; arm64's
// marks follow it): the frame is still read, the printed line kept as printedSource.
const LINEINFO_FRAMES: readonly [string, Partial<Frame>][] = [
  [
    ' dump_stack_lvl+0x5d/0x80 (lib/dump_stack.c:94)',
    { function: 'dump_stack_lvl', module: null, printedSource: { file: 'lib/dump_stack.c', line: 94 } },
  ],
  [
    ' ? __lock_acquire+0x465/0x2240 (kernel/locking/lockdep.c:4674)',
    {
      function: '__lock_acquire',
      reliable: false,
      printedSource: { file: 'kernel/locking/lockdep.c', line: 4674 },
    },
  ],
  [
    ' frob_poll+0x1c/0x30 [frob] (drivers/misc/frob.c:12)',
    { function: 'frob_poll', module: 'frob', printedSource: { file: 'drivers/misc/frob.c', line: 12 } },
  ],
  [
    ' frob_poll+0x1c/0x30 [frob 4a5f2d9c0e1b3a7f8e6d5c4b3a291807f6e5d4c3] (frob.c:12) (P)',
    {
      function: 'frob_poll',
      module: 'frob',
      buildId: '4a5f2d9c0e1b3a7f8e6d5c4b3a291807f6e5d4c3',
      printedSource: { file: 'frob.c', line: 12 },
      unwindMarks: 'P',
    },
  ],
  [
    ' entry_SYSCALL_64_after_hwframe+0x77/0x7f (arch/x86/entry/entry_64.S:121)',
    {
      function: 'entry_SYSCALL_64_after_hwframe',
      printedSource: { file: 'arch/x86/entry/entry_64.S', line: 121 },
    },
  ],
  // Not LINEINFO: no line number, or not a path.
  [' frob_poll+0x1c/0x30 (frob.c)', { function: 'frob_poll', printedSource: undefined }],
  [' frob_poll+0x1c/0x30 (a b.c:1)', { function: 'frob_poll', printedSource: undefined }],
];
for (const [line, want] of LINEINFO_FRAMES) {
  test(`LINEINFO frame \`${line.trim()}\``, () => {
    const f = parseFrame(line);
    assert.ok(f);
    for (const [k, v] of Object.entries(want)) assert.deepEqual(f[k as keyof typeof f], v, k);
    assert.equal(line.slice(f.start, f.end), want.function);
  });
}

test('LINEINFO: a sysrq panic (the patch series example) keeps every frame and its printed line', () => {
  const text = fixture('events/lineinfo-sysrq.log');
  const [e] = problems(text);
  assert.equal(e.title, 'kernel panic: sysrq triggered crash');
  const frames = e.traces[0].frames;
  assert.equal(frames.length, 14);
  assert.ok(frames.every((f) => f.printedSource !== undefined));
  assert.deepEqual(frames[6].printedSource, { file: 'drivers/tty/sysrq.c', line: 154 });
  assert.equal(frames[6].function, 'sysrq_handle_crash');
});

// kernel/hung_task.c debug_show_blocker (v6.15+, CONFIG_DETECT_HUNG_TASK_BLOCKER): after the hung task's stack,
// `INFO: task %s:%d is blocked on a mutex likely owned by task %s:%d.` (or `<reader> blocked on an rw-semaphore
// likely owned by task %s:%d <writer>`), then sched_show_task() of that owner.
for (const [file, lock] of [
  ['events/hung-task-blocker-6.15.log', 'mutex'],
  ['events/hung-task-rwsem-blocker-6.15.log', 'rw-semaphore'],
] as const) {
  test(`hung task (${lock}): the owner's stack is a trace of its own, named with the owner; the hung task's is the main one`, () => {
    const { e, text } = onlyProblem(file, 'INFO: task kworker/u8:2:123 blocked for more than');
    assert.equal(e.title, 'INFO: task hung in foo_work_fn');
    assert.equal(
      mainTrace(e)
        ?.frames.map((f) => f.function)
        .includes('foo_work_fn'),
      true,
    );
    const b = blockerOf(e);
    assert.deepEqual(b, {
      lock,
      comm: 'foo-daemon',
      pid: 456,
      line: lineOf(text, 'likely owned by task foo-daemon:456'),
      function: 'foo_daemon_loop',
    });
    const owner = e.traces.find((t) => t.blocker)!;
    assert.equal(owner.label, `Call Trace of foo-daemon:456, likely owner of the ${lock}`);
    assert.equal(owner.line, lineOf(text, 'Call Trace', b!.line));
  });
}
