// Reports of 2.6–4.x kernels and other arches, each in a short fixture (test-fixtures/engine/events/) written
// after the kernel code that prints it: old ARM backtraces, lockdep's framed banners, the `Pid: N, comm:` line,
// i386's `EIP: [<…>] f SS:ESP` trailer, ppc's `NIP [c…] f` / `LR [c…] f`. Titles as syzkaller's linux.go.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { framesOfAnalysis } from '../../src/engine/debugfiles';
import { analyzeText } from '../../src/engine';
import { explainAt } from '../../src/engine/explain/hover';
import { fixture, lineOf, problems, summarize } from './fixtures';

const only = (file: string) => {
  const text = fixture(file);
  const found = problems(text);
  assert.equal(found.length, 1, summarize(found));
  return { e: found[0], text };
};
const fns = (frames: readonly { function: string | null }[]) => frames.map((f) => f.function);

// arch/arm/kernel/traps.c dump_backtrace_entry: 3.x `[<where>] (func+0x0/0x6ac) from [<from>] (caller+0x50/0x60)`,
// 4.x+ `[<where>] (func) from [<from>] (caller+0xa8/0x1c0)`: each line is the callee's frame.
test('old ARM 3.x backtrace `(f+0x0/0x6ac) from [<…>] (caller+…)`: every callee is a frame with its offset', () => {
  const { e } = only('events/arm-oops-3.4.log');
  assert.equal(e.title, 'BUG: unable to handle kernel NULL pointer dereference in shmem_getpage_gfp');
  const frames = e.traces[0].frames;
  assert.deepEqual(fns(frames), ['shmem_getpage_gfp', 'shmem_write_begin', 'generic_perform_write']);
  assert.deepEqual([frames[1].offset, frames[1].size, frames[1].address], [0, 0x60, 'c03333b0']);
  assert.equal(e.traces[0].label, 'Backtrace');
});

test('ARM 4.x backtrace `[<c0333330>] (shmem_getpage_gfp) from [<c031c7a0>] (generic_perform_write+0xa8/0x1c0)`', () => {
  const { e } = only('events/arm-oops-4.4.log');
  const frames = e.traces[0].frames;
  assert.deepEqual(fns(frames), [
    'shmem_getpage_gfp',
    'generic_perform_write',
    'generic_file_buffered_write',
  ]);
  assert.deepEqual([frames[0].address, frames[0].offset], ['c0333330', null]);
  assert.equal(e.arch, 'arm');
});

test("ARM: `LR is at f+0x50/0x60` is the event's link-register frame", () => {
  const { e, text } = only('events/arm-oops-3.4.log');
  assert.deepEqual(
    [e.lr?.function, e.lr?.offset, e.lr?.size, e.lr?.line],
    ['shmem_write_begin', 0x50, 0x60, lineOf(text, 'LR is at')],
  );
});

// The unwinder prints itself first; syzkaller's own skip list names mark_buffer_dirty.
test('old ARM WARNING: unwind_backtrace and warn_slowpath_* never name it', () => {
  const text = fixture('events/arm-warning-3.x.log').replace(
    'Modules linked in:',
    'Modules linked in:\n[  100.000000] Backtrace: ',
  );
  const [e] = problems(text);
  assert.equal(e.title, 'WARNING in ext4_commit_super');
  assert.deepEqual(fns(e.traces[0].frames).slice(0, 2), ['unwind_backtrace', 'warn_slowpath_common']);
});

// kernel/lockdep.c before 4.15 framed its banners: `[ INFO: possible recursive locking detected ]`.
const FRAMED: readonly [string, string, string, string][] = [
  [
    'events/lockdep-recursive-3.10.log',
    '[ INFO: possible recursive',
    'lockdep-recursive',
    'possible deadlock in frob_attach',
  ],
  [
    'events/lockdep-bad-unlock-3.3.log',
    '[ BUG: bad unlock balance',
    'lockdep-bug',
    'BUG: bad unlock balance in frob_release',
  ],
  // kernel/lockdep.c lockdep_rcu_dereference (2.6.33–3.x): `[ INFO: suspicious rcu_dereference_check() usage. ]`
  [
    'events/suspicious-rcu-2.6.log',
    '[ INFO: suspicious rcu_dereference',
    'suspicious-rcu',
    'INFO: suspicious RCU usage in dev_frob',
  ],
];
for (const [file, at, kind, title] of FRAMED) {
  test(`framed lockdep banner \`${at}… ]\`: an event with its body and trace`, () => {
    const { e, text } = only(file);
    assert.equal(e.kind, kind);
    assert.equal(e.title, title);
    assert.equal(e.line, lineOf(text, at));
    const callTrace = e.traces.find((t) => t.line === lineOf(text, 'Call Trace:'));
    assert.ok(callTrace && callTrace.frames.length >= 3, summarize([e]));
    assert.ok(e.endLine >= callTrace.endLine);
  });
}

test('the modern `WARNING: bad unlock balance detected!` report keeps its body too', () => {
  const { e, text } = only('events/lockdep-bad-unlock.log');
  assert.ok(e.endLine >= lineOf(text, 'stack backtrace:'), summarize([e]));
});

// 2.6–3.9 `Pid: %d, comm: %.20s %s %s %.*s` (arch/x86/kernel/process.c show_regs_common, dump_stack).
test('`Pid: 881, comm: frobd Tainted: P           O 3.3.7 #1`: pid, comm, taint, release; hovers', () => {
  const { e, text } = only('events/lockdep-bad-unlock-3.3.log');
  assert.deepEqual(
    [e.pid, e.comm, e.tainted, e.release, e.cpuLine],
    [881, 'frobd', 'P           O', '3.3.7', lineOf(text, 'Pid: 881')],
  );
  const line = 'Pid: 3, comm: ksoftirqd/0 Tainted: P    B D    O 3.3.7 #1';
  assert.match(explainAt(line, line.indexOf('ksoftirqd') + 2, { line: 0 })!.markdown, /Comm `ksoftirqd\/0`/);
  assert.match(explainAt(line, line.indexOf('Pid') + 1, { line: 0 })!.markdown, /PID 3/);
  assert.match(explainAt(line, line.indexOf('B D'), { line: 0 })!.markdown, /TAINT_BAD_PAGE/);
});

// arch/x86/kernel/dumpstack_32.c die(): `EIP: [<%08lx>] %pS SS:ESP %04x:%08lx` after the register dump.
test('i386: the `EIP: [<f88dec25>] frob_read+0x15/0x60 [frob] SS:ESP …` trailer is the IP when nothing else is', () => {
  const text = fixture('events/i386-oops-3.2.log')
    .replace(/^.*EIP is at.*\n/m, '')
    .replace(/^.*\] IP: \[<.*\n/m, '');
  const [e] = problems(text);
  assert.equal(e.title, 'BUG: unable to handle kernel NULL pointer dereference in frob_read');
  assert.deepEqual(
    [e.ip?.function, e.ip?.module, e.ip?.address, e.ip?.line],
    ['frob_read', 'frob', 'f88dec25', lineOf(text, 'SS:ESP')],
  );
  assert.equal(e.arch, 'i386');
  const trailer = text.split('\n')[lineOf(text, 'SS:ESP')];
  assert.match(explainAt(trailer, trailer.indexOf('frob_read') + 2, { line: 0 })!.markdown, /\*\*EIP\*\*/);
});

// arch/powerpc/kernel/process.c show_regs: `NIP [%016lx] %pS` and `LR [%016lx] %pS`.
test('ppc64: `NIP [c…] f+0x3c/0x80 [frob]` is the IP and `LR [c…] f+0x20/0x80 [frob]` the link register', () => {
  const { e, text } = only('events/ppc64-oops-3.10.log');
  assert.equal(e.title, 'BUG: unable to handle kernel paging request in frob_read');
  assert.deepEqual([e.ip?.function, e.ip?.offset, e.ip?.address], ['frob_read', 0x3c, 'c0000000004a1b2c']);
  assert.deepEqual(
    [e.lr?.function, e.lr?.offset, e.lr?.module, e.lr?.line],
    ['frob_read', 0x20, 'frob', lineOf(text, 'LR [c0000000004a1b10]')],
  );
  // Both are frames to symbolize: the IP at its address, LR as a return address.
  const frames = framesOfAnalysis(analyzeText(text));
  const lr = frames.find((f) => f.frame.span.line === e.lr?.line);
  assert.equal(lr?.isIp, false);
  assert.equal(lr?.query.isReturnAddress, true);
  const lines = text.split('\n');
  for (const [at, name] of [
    ['NIP [', 'NIP'],
    ['LR [', 'LR'],
  ] as const) {
    const l = lines[lineOf(text, at)];
    const h = explainAt(l, l.indexOf('frob_read') + 2, { line: 0 })!.markdown;
    assert.match(h, new RegExp(`\\*\\*${name}\\*\\*`));
    assert.match(h, /in module `frob`/);
  }
});
