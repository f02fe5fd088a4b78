// Every kind in the event catalogue, recognised in a realistic log: kind, severity, title (syzkaller's
// conventions where syzkaller has one), header line and the facts that matter for the kind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeText, CATALOGUE, type KernelEvent, type Severity } from '../../src/engine';
import { fixture, lineOf, qemuLog, summarize } from './fixtures';

interface Case {
  /** `events/x.log`, `parts/x.log` (test-fixtures/engine/) or `qemu:<scenario>` (test-fixtures/corpus/qemu/logs). */
  file: string;
  /** Cut the log just before the first line containing this. */
  cutBefore?: string;
  /** Text on the header line of the event. */
  at: string;
  kind: string;
  severity: Severity;
  title: string | RegExp;
  guilty?: string;
  faultAddress?: string;
  /** How many error/warning events the whole log yields. */
  problems?: number;
  extra?: (e: KernelEvent, text: string) => void;
  todo?: string;
}

const CASES: Case[] = [
  {
    file: 'parts/x86-oops-modern.log',
    at: 'BUG: kernel NULL pointer dereference',
    kind: 'null-deref',
    severity: 'error',
    title: 'BUG: unable to handle kernel NULL pointer dereference in frob_attach_queue',
    guilty: 'frob_attach_queue',
    faultAddress: '0000000000000008',
  },
  {
    file: 'parts/x86-oops-2.6.log',
    at: 'BUG: unable to handle kernel NULL pointer dereference at',
    kind: 'null-deref',
    severity: 'error',
    title: 'BUG: unable to handle kernel NULL pointer dereference in hello_init',
    faultAddress: '0000000000000008',
    problems: 1,
  },
  {
    file: 'events/paging-request.log',
    at: 'BUG: unable to handle page fault for address',
    kind: 'paging-request',
    severity: 'error',
    title: 'BUG: unable to handle kernel paging request in ringbuf_copy_out',
    guilty: 'ringbuf_copy_out',
    faultAddress: 'ffffc90000a3f000',
    problems: 1,
  },
  {
    file: 'events/arm64-paging-request.log',
    at: 'Unable to handle kernel paging request at virtual address',
    kind: 'arm-page-fault',
    severity: 'error',
    title: 'BUG: unable to handle kernel paging request in frob_read_status',
    faultAddress: 'ffff800009a3c010',
    problems: 1,
    extra: (e) => {
      assert.equal(e.arch, 'arm64');
      assert.equal(e.errorCode, '0000000096000007');
      assert.equal(e.ip?.function, 'frob_read_status');
    },
  },
  {
    file: 'events/oops-truncated-head.log',
    at: 'Oops: 0000 [#1]',
    kind: 'oops',
    severity: 'error',
    title: 'Oops in frob_next_desc',
    faultAddress: '0000000000000008',
    problems: 1,
  },
  {
    file: 'events/gpf-noncanonical.log',
    at: 'general protection fault, probably for non-canonical address',
    kind: 'gpf',
    severity: 'error',
    title: 'general protection fault in tcf_frob_init',
    faultAddress: 'dffffc0000000003',
    problems: 1,
  },
  {
    file: 'events/gpf-old.log',
    at: 'general protection fault: 0000 [#1]',
    kind: 'gpf',
    severity: 'error',
    title: 'general protection fault in nf_frob_lookup',
    problems: 1,
    extra: (e) => {
      const frames = e.traces[0].frames;
      assert.deepEqual([frames[0].function, frames[0].context], ['nf_frob_hook', 'irq']);
      const after = frames.find((f) => f.function === 'do_softirq.part.17');
      assert.equal(after?.context, null, 'frames after </IRQ> with no <TASK> are not in the IRQ block');
    },
  },
  {
    file: 'events/divide-error.log',
    at: 'Oops: divide error',
    kind: 'divide-error',
    severity: 'error',
    title: 'divide error in frob_rate_per_slot',
    problems: 1,
  },
  {
    file: 'events/kernel-bug.log',
    at: 'kernel BUG at fs/ext4/inode.c:2721!',
    kind: 'kernel-bug',
    severity: 'error',
    title: 'kernel BUG in ext4_writepages',
    problems: 1,
    extra: (e) => assert.equal(e.oopsNumber, 1),
  },
  {
    file: 'events/invalid-opcode.log',
    at: 'invalid opcode: 0000',
    kind: 'invalid-opcode',
    severity: 'error',
    title: 'invalid opcode in frob_dispatch_op',
    problems: 1,
  },
  {
    file: 'events/warning.log',
    at: 'WARNING: CPU: 1 PID: 812',
    kind: 'warning',
    severity: 'warning',
    title: 'WARNING in drm_wait_one_vblank',
    problems: 1,
    extra: (e, text) => assert.equal(e.endLine, lineOf(text, '---[ end trace')),
  },
  {
    // mm/slub.c slab_bug / check_bytes_and_report, as 6.1 prints them with slub_debug=FZPU.
    file: 'events/slub-redzone.log',
    at: 'BUG kmalloc-64 (Tainted:',
    kind: 'slab-corruption',
    severity: 'error',
    title: 'Right Redzone overwritten in kmalloc-64',
    problems: 1,
    extra: (e, text) => {
      // The culprit is the first frame past the allocator and SLUB's own checks.
      assert.equal(e.guiltyFrame?.function, 'frob_release');
      assert.equal(e.guiltyFrame?.span.line, lineOf(text, 'frob_release+0x1d/0x40'));
      assert.ok(e.endLine >= lineOf(text, '</TASK>'));
      assert.ok(e.traces.some((t) => t.frames.some((f) => f.function === 'frob_alloc')));
    },
  },
  {
    file: 'events/warning-2.6.log',
    at: 'WARNING: at fs/sysfs/dir.c:491',
    kind: 'warning',
    severity: 'warning',
    title: 'WARNING in sysfs_add_one',
    problems: 1,
  },
  {
    file: 'events/stack-protector.log',
    at: 'stack-protector: Kernel stack is corrupted',
    kind: 'stack-protector',
    severity: 'error',
    title: 'kernel panic: stack is corrupted in frobfs_parse_opts',
    problems: 1,
  },
  {
    file: 'events/panic-kill-init.log',
    at: 'Attempted to kill init!',
    kind: 'panic',
    severity: 'error',
    title: 'kernel panic: Attempted to kill init!',
    problems: 1,
  },
  {
    file: 'events/panic-vfs.log',
    at: 'VFS: Unable to mount root fs',
    kind: 'panic',
    severity: 'error',
    title: /^kernel panic: VFS: Unable to mount root fs/,
    problems: 1,
  },
  {
    file: 'events/double-fault.log',
    at: 'PANIC: double fault',
    kind: 'double-fault',
    severity: 'error',
    title: 'PANIC: double fault in deeprec_walk',
    problems: 2,
    extra: (e) =>
      assert.ok(
        e.traces[0].frames.some((f) => f.context === 'exception'),
        '<#DF> block frames',
      ),
  },
  {
    file: 'events/stack-guard.log',
    at: 'stack guard page was hit at',
    kind: 'stack-guard',
    severity: 'error',
    title: 'BUG: stack guard page was hit in deeprec_descend',
    faultAddress: 'ffffc90000a17ff8',
    problems: 1,
  },
  {
    file: 'qemu:softlockup',
    at: 'BUG: soft lockup - CPU#0 stuck for',
    kind: 'soft-lockup',
    severity: 'error',
    title: 'BUG: soft lockup in proc_reg_write',
    problems: 1,
    // syzkaller's stall extractor titles a lockup by the frame before the syscall/vfs anchor, not the spinning RIP.
    extra: (e) => assert.equal(e.ip?.function, 'buggy_softlockup'),
  },
  {
    file: 'events/hard-lockup.log',
    at: 'Watchdog detected hard LOCKUP on cpu 3',
    kind: 'hard-lockup',
    severity: 'error',
    title: /^BUG: hard lockup in (spinny_hold_forever|spinny_ioctl|sys_ioctl)$/,
    problems: 2,
  },
  {
    file: 'events/hard-lockup-nmi-watchdog.log',
    at: 'NMI watchdog: Watchdog detected hard LOCKUP',
    kind: 'hard-lockup',
    severity: 'error',
    title: /^BUG: hard lockup in (memory_bm_find_bit|kernfs_fop_write)$/,
    problems: 2,
  },
  {
    file: 'events/hung-task-io-wait.log',
    at: 'blocked in I/O wait for more than',
    kind: 'hung-task',
    severity: 'error',
    title: 'INFO: task hung in frobblk_read_folio',
    problems: 1,
  },
  {
    file: 'qemu:hung',
    at: 'INFO: task init:115 blocked for more than',
    kind: 'hung-task',
    severity: 'error',
    title: /^INFO: task hung in buggy_/,
  },
  {
    file: 'events/rcu-stall.log',
    at: 'rcu_preempt detected stalls',
    kind: 'rcu-stall',
    severity: 'error',
    title: 'INFO: rcu detected stall in stally_write',
    problems: 1,
  },
  {
    file: 'events/workqueue-lockup.log',
    at: 'BUG: workqueue lockup',
    kind: 'workqueue-lockup',
    severity: 'error',
    title: 'BUG: workqueue lockup',
    problems: 1,
  },
  {
    file: 'qemu:oom',
    at: 'dd invoked oom-killer',
    kind: 'oom-kill',
    severity: 'warning',
    title: /\bdd\b/,
    problems: 1,
  },
  // The same report cut before its `Out of memory: Killed process` line (the capture stopped there).
  {
    file: 'qemu:oom',
    cutBefore: 'Out of memory: Killed process',
    at: 'dd invoked oom-killer',
    kind: 'oom-invoked',
    severity: 'warning',
    title: /\bdd\b/,
    problems: 1,
  },
  {
    file: 'events/oom-kill-line.log',
    at: 'Memory cgroup out of memory: Killed process 4410',
    kind: 'oom-kill',
    severity: 'warning',
    title: /\bchrome\b/,
    problems: 1,
    extra: (e) => {
      assert.equal(e.oom?.victimPid, 4410);
      assert.equal(e.oom?.victimComm, 'chrome');
      assert.deepEqual(
        [e.oom?.totalVmKb, e.oom?.anonRssKb, e.oom?.fileRssKb, e.oom?.shmemRssKb],
        [34512340, 1823400, 102400, 20480],
      );
    },
  },
  {
    file: 'events/alloc-failure.log',
    at: 'page allocation failure: order:4',
    kind: 'alloc-failure',
    severity: 'warning',
    title: /^page allocation failure: order:4\b/,
    problems: 1,
  },
  {
    file: 'parts/x86-kasan-uaf.log',
    at: 'BUG: KASAN: slab-use-after-free',
    kind: 'kasan',
    severity: 'error',
    title: 'KASAN: slab-use-after-free Read in widget_release',
    problems: 1,
  },
  {
    file: 'events/kfence.log',
    at: 'BUG: KFENCE: use-after-free read',
    kind: 'kfence',
    severity: 'error',
    title: 'KFENCE: use-after-free read in frob_lookup',
    faultAddress: '00000000a8b5c2d1',
    problems: 1,
  },
  {
    file: 'events/kmsan.log',
    at: 'BUG: KMSAN: uninit-value',
    kind: 'kmsan',
    severity: 'error',
    title: 'KMSAN: uninit-value in frob_parse_header',
    problems: 1,
  },
  {
    file: 'events/kcsan.log',
    at: 'BUG: KCSAN: data-race',
    kind: 'kcsan',
    severity: 'warning',
    title: 'KCSAN: data-race in frob_stats_read / frob_stats_update',
    problems: 1,
  },
  {
    file: 'events/ubsan.log',
    at: 'UBSAN: shift-out-of-bounds',
    kind: 'ubsan',
    severity: 'warning',
    title: 'UBSAN: shift-out-of-bounds in frob_calc_mask',
    problems: 1,
  },
  {
    file: 'events/lockdep-circular.log',
    at: 'WARNING: possible circular locking dependency detected',
    kind: 'lockdep-circular',
    severity: 'error',
    title: 'possible deadlock in frob_reconfigure',
    problems: 1,
  },
  {
    file: 'events/lockdep-recursive.log',
    at: 'WARNING: possible recursive locking detected',
    kind: 'lockdep-recursive',
    severity: 'error',
    title: 'possible deadlock in frob_flush',
    problems: 1,
  },
  {
    file: 'events/lockdep-inconsistent.log',
    at: 'WARNING: inconsistent lock state',
    kind: 'lockdep-inconsistent',
    severity: 'error',
    title: 'inconsistent lock state in frob_rx_count',
    problems: 1,
  },
  {
    file: 'events/suspicious-rcu.log',
    at: 'WARNING: suspicious RCU usage',
    kind: 'suspicious-rcu',
    severity: 'warning',
    title: 'WARNING: suspicious RCU usage in frob_find_peer',
    problems: 1,
  },
  {
    file: 'events/lockdep-bad-unlock.log',
    at: 'WARNING: bad unlock balance detected!',
    kind: 'lockdep-bug',
    severity: 'error',
    title: 'WARNING: bad unlock balance in frob_apply',
    problems: 1,
  },
  {
    file: 'events/spinlock.log',
    at: 'BUG: spinlock bad magic',
    kind: 'spinlock',
    severity: 'error',
    title: 'BUG: spinlock bad magic in frob_queue_event',
    problems: 1,
  },
  {
    file: 'events/preemptible.log',
    at: 'BUG: using smp_processor_id() in preemptible',
    kind: 'preemptible',
    severity: 'warning',
    title: 'BUG: using smp_processor_id() in preemptible code in frob_stat_inc',
    problems: 1,
  },
  {
    file: 'events/scheduling-while-atomic.log',
    at: 'BUG: scheduling while atomic',
    kind: 'scheduling-while-atomic',
    severity: 'error',
    title: 'BUG: scheduling while atomic in frob_poll',
    problems: 1,
  },
  {
    file: 'events/sleep-in-atomic.log',
    at: 'BUG: sleeping function called from invalid context',
    kind: 'sleep-in-atomic',
    severity: 'warning',
    title: 'BUG: sleeping function called from invalid context in frob_refill',
    problems: 1,
  },
  {
    file: 'qemu:list_corrupt',
    at: 'list_del corruption',
    kind: 'list-corruption',
    severity: 'error',
    title: 'BUG: corrupted list in buggy_list_corrupt',
    problems: 1,
  },
  {
    file: 'events/usercopy.log',
    at: 'usercopy: Kernel memory exposure attempt',
    kind: 'usercopy',
    severity: 'error',
    title: 'BUG: bad usercopy in frob_get_info',
    problems: 1,
  },
  {
    file: 'events/bad-page-state.log',
    at: 'BUG: Bad page state in process frobd',
    kind: 'bad-page-state',
    severity: 'error',
    title: /^BUG: Bad page state\b/,
    problems: 1,
  },
  {
    file: 'events/memory-leak.log',
    at: 'unreferenced object 0xffff888106c4a300',
    kind: 'memory-leak',
    severity: 'warning',
    title: 'memory leak in frob_add_entry',
    problems: 1,
  },
  {
    file: 'events/machine-check.log',
    at: 'Machine check events logged',
    kind: 'machine-check',
    severity: 'error',
    title: /machine check|hardware error/i,
    problems: 1,
  },
  {
    file: 'events/refcount.log',
    at: 'refcount_t: underflow; use-after-free.',
    kind: 'refcount',
    severity: 'warning',
    title: 'WARNING: refcount bug in frob_put_session',
    problems: 1,
  },
  {
    file: 'events/user-space.log',
    at: 'frobctl[2231]: segfault at 8',
    kind: 'segfault',
    severity: 'information',
    title: /frobctl.*segfault|segfault.*frobctl/,
    problems: 0,
  },
  {
    file: 'events/user-space.log',
    at: 'traps: frobctl[2240] general protection fault',
    kind: 'user-trap',
    severity: 'information',
    title: /frobctl.*general protection fault/,
    problems: 0,
  },
  {
    file: 'events/user-space.log',
    at: 'traps: frobctl[2241] trap invalid opcode',
    kind: 'user-trap',
    severity: 'information',
    title: /frobctl.*invalid opcode/,
    problems: 0,
  },
  {
    // syzkaller executor/common.h fail(): the fuzzer's own failure in a syzbot console log.
    file: 'events/syzfail.log',
    at: 'SYZFAIL: failed to recv rpc',
    kind: 'syzkaller-failure',
    severity: 'warning',
    title: 'SYZFAIL: failed to recv rpc',
    problems: 1,
  },
  {
    file: 'events/block-io-error.log',
    at: 'I/O error, dev sdb, sector 1953520',
    kind: 'block-io-error',
    severity: 'warning',
    title: /I\/O error/,
  },
  {
    file: 'events/blk-update-request.log',
    at: 'blk_update_request: I/O error, dev sda',
    kind: 'block-io-error',
    severity: 'warning',
    title: /I\/O error/,
  },
  {
    file: 'events/netdev-refcount.log',
    at: 'unregister_netdevice: waiting for frobnet0',
    kind: 'netdev-refcount',
    severity: 'warning',
    title: 'unregister_netdevice: waiting for DEV to become free',
  },
  {
    file: 'events/vfs-file-count.log',
    at: 'VFS: Close: file count is 0',
    kind: 'vfs-file-count',
    severity: 'error',
    title: /^VFS: Close: file count is (0|zero)/,
    problems: 1,
  },
];

function load(file: string): string {
  if (file.startsWith('qemu:')) return qemuLog('x86_64', file.slice(5));
  return fixture(file);
}

for (const c of CASES) {
  const name = `${c.kind}: ${c.file} (${c.at})`;
  test(name, c.todo ? { todo: c.todo } : {}, (t) => {
    let text = load(c.file);
    if (c.cutBefore) text = text.slice(0, text.lastIndexOf('\n', text.indexOf(c.cutBefore)) + 1);
    const { events } = analyzeText(text);
    const line = lineOf(text, c.at);
    const e = events.find((ev) => ev.line === line);
    assert.ok(e, `an event on line ${line}: ${summarize(events)}`);
    assert.equal(e.kind, c.kind);
    assert.equal(e.severity, c.severity);
    if (typeof c.title === 'string') assert.equal(e.title, c.title);
    else assert.match(e.title, c.title);
    if (c.guilty) assert.equal(e.guiltyFrame?.function, c.guilty);
    if (c.faultAddress) assert.equal(e.faultAddress, c.faultAddress);
    if (c.problems !== undefined) {
      const problems = events.filter((ev) => ev.severity !== 'information');
      assert.equal(problems.length, c.problems, `errors and warnings: ${summarize(problems)}`);
    }
    c.extra?.(e, text);
  });
}

test('every kind in the catalogue has a fixture above', () => {
  const covered = new Set(CASES.map((c) => c.kind));
  const missing = [...new Set(CATALOGUE.map((e) => e.kind))].filter((k) => !covered.has(k));
  assert.deepEqual(missing, [], 'catalogue kinds without a fixture test');
});

test('every catalogue entry has a name, an explanation and the kernel source it comes from', () => {
  for (const e of CATALOGUE) {
    assert.ok(e.name.length > 0, e.kind);
    assert.ok(e.explanation.length > 20, `${e.kind}: explanation`);
    assert.match(e.source, /\.[ch]\b|\//, `${e.kind}: source names a kernel file`);
  }
});

test('boot chatter, firmware complaints and deprecation WARNINGs are not errors or warnings', () => {
  const text = fixture('events/chatter-negative.log');
  const { events } = analyzeText(text);
  assert.deepEqual(
    events.filter((e) => e.severity !== 'information').map((e) => e.title),
    [],
  );
});

test('a kernel event inside a user-space segfault line is still information', () => {
  const text = fixture('events/panic-kill-init.log');
  const segv = analyzeText(text).events.find((e) => e.kind === 'segfault');
  assert.equal(segv?.severity, 'information');
  assert.equal(segv?.line, lineOf(text, 'init[1]: segfault at 0'));
});

test('the entries of one kind agree on its traits', () => {
  const traits = (e: (typeof CATALOGUE)[number]) =>
    JSON.stringify([
      e.opensOops === true,
      e.continuesOops === true,
      e.seeThrough === true,
      e.longBody === true,
    ]);
  const byKind = new Map<string, Set<string>>();
  for (const e of CATALOGUE) byKind.set(e.kind, (byKind.get(e.kind) ?? new Set()).add(traits(e)));
  const split = [...byKind].filter(([, t]) => t.size > 1).map(([k]) => k);
  assert.deepEqual(split, [], 'kinds whose entries disagree on opensOops/continuesOops/seeThrough/longBody');
  // The kinds the analyser relies on having them.
  const kindsWith = (trait: (e: (typeof CATALOGUE)[number]) => boolean | undefined) =>
    [...new Set(CATALOGUE.filter(trait).map((e) => e.kind))].sort();
  assert.deepEqual(
    kindsWith((e) => e.opensOops),
    ['arm-page-fault', 'gpf', 'kasan', 'kernel-bug', 'null-deref', 'paging-request'],
  );
  assert.deepEqual(
    kindsWith((e) => e.continuesOops),
    ['oops'],
  );
});
