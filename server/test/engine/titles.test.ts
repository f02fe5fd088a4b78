// Title rules learnt from syzkaller's pkg/report (linux.go, report.go), each on a small log of our own:
// which part of a report names the function, what is skipped, and when the title falls back to the header.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeText } from '../../src/engine';

const log = (lines: string[]) => lines.map((l, i) => `[  100.${String(i).padStart(6, '0')}] ${l}`).join('\n');
const firstTitle = (lines: string[]) => analyzeText(log(lines)).events[0]?.title;

test('anchored skip patterns: `^down$` hides down() but not a driver shutdown', () => {
  const trace = (fn: string) => [
    'general protection fault, probably for non-canonical address 0xdead000000000122: 0000 [#1] SMP',
    `RIP: 0010:${fn}+0x10/0x40`,
    'Call Trace:',
    ` ${fn}+0x10/0x40`,
    ' frob_ioctl+0x7e/0x110 [frob]',
  ];
  assert.equal(firstTitle(trace('down')), 'general protection fault in frob_ioctl');
  assert.equal(firstTitle(trace('frob_shutdown')), 'general protection fault in frob_shutdown');
});

test('a stall is titled by the work above the first dispatch frame, syscall prefix stripped', () => {
  const title = firstTitle([
    'watchdog: BUG: soft lockup - CPU#1 stuck for 22s! [frob:77]',
    'RIP: 0010:frob_spin+0x10/0x40',
    'Call Trace:',
    ' frob_spin+0x10/0x40',
    ' frob_do_read+0x20/0x80',
    ' __x64_sys_frobnicate+0x8f/0xd0',
    ' do_syscall_64+0x3b/0x90',
  ]);
  assert.equal(title, 'BUG: soft lockup in sys_frobnicate');
});

test('a stack overflow without entry frames still names the function that recursed', () => {
  const title = firstTitle([
    'BUG: TASK stack guard page was hit at ffffc90000a17ff8 (stack is ffffc90000a18000..ffffc90000a1ffff)',
    'RIP: 0010:deep_descend+0x14/0x50 [deep]',
    'Call Trace:',
    ' deep_descend+0x3a/0x50 [deep]',
    ' deep_descend+0x3a/0x50 [deep]',
  ]);
  assert.equal(title, 'BUG: stack guard page was hit in deep_descend');
});

test('questionable frames never feed a part', () => {
  const title = firstTitle([
    'rcu: INFO: rcu_preempt self-detected stall on CPU',
    'Call Trace:',
    ' ? sysvec_apic_timer_interrupt+0xaf/0xd0',
    ' frob_poll+0x10/0x40',
    ' frob_read+0x20/0x80',
    ' vfs_read+0x8f/0xd0',
  ]);
  // Without the `? …apic_timer_interrupt` line the stall has no interrupt frame to start from.
  assert.equal(title, 'INFO: rcu detected stall in corrupted');
});

test('KASAN without its access line is titled from the header, dynamic text replaced', () => {
  const title = firstTitle([
    'BUG: KASAN: slab-out-of-bounds in frob_copy.part.3+0x52/0x80 at addr ffff88004ec29b58',
    'Modules linked in:',
  ]);
  assert.equal(title, 'KASAN: slab-out-of-bounds in frob_copy.part.NUM at addr ADDR');
});

test('suspicious RCU usage needs its source line', () => {
  assert.equal(
    firstTitle(['WARNING: suspicious RCU usage', '6.6.0 #1 Not tainted']),
    'WARNING: suspicious RCU usage',
  );
});

test('circular locking: the lock being taken names the deadlock, lock helpers skipped', () => {
  const title = firstTitle([
    'WARNING: possible circular locking dependency detected',
    'frob/77 is trying to acquire lock:',
    'ffff888012345678 (&frob->lock){+.+.}-{3:3}, at: mutex_lock_nested+0x1b/0x20',
    'but task is already holding lock:',
    'ffff888087654321 (&dev->mutex){+.+.}-{3:3}, at: frob_attach+0x40/0x120',
  ]);
  assert.equal(title, 'possible deadlock in frob_attach');
});

test('Trusty panics, also when a timestamp split the line', () => {
  assert.equal(
    firstTitle(['trusty: panic (caller 0xffffffffe0002314): failed(-5) to start app 6']),
    'trusty: panic: failed(-NUM) to start app NUM',
  );
  const split =
    '[  331.001241] trusty: panic (caller [  331.008787] trusty: 0xffffffffe000fbb8): ASSERT FAILED at (lib/ipc.c:472): !list_in_list(&chan->node)';
  assert.equal(analyzeText(split).events[0]?.title, 'trusty: ASSERT FAILED: !list_in_list(&chan->node)');
});

test('Rust panics: the message, then the demangled guilty frame', () => {
  const title = firstTitle([
    'rust_kernel: panicked at drivers/android/binder/node.rs:877:13:',
    'attempt to subtract with overflow',
    'Call Trace:',
    ' _RNvCscSpY9Juk0HT_7___rustc17rust_begin_unwind+0x15b/0x160',
    ' _RNvNtCs9jEwPDbx20M_4core9panicking9panic_fmt+0x84/0x90',
    ' _RNvMs3_NtCshgDM7dBCdno_11rust_binder7processNtB5_7Process10update_ref+0x17e5/0x1860',
  ]);
  assert.equal(title, 'attempt to subtract with overflow in <rust_binder::process::Process>::update_ref');
});

test('header variants titled as syzkaller titles them', () => {
  assert.equal(
    firstTitle(['divide_error: 0000 [#1] SMP', 'RIP: 0010:frob_ratio+0x10/0x40']),
    'divide error in frob_ratio',
  );
  assert.equal(
    firstTitle([
      'BUG: Invalid wait context',
      'Call trace:',
      ' _raw_spin_lock+0x10/0x20',
      ' frob_irq+0x20/0x80',
    ]),
    'WARNING: locking bug in frob_irq',
  );
  assert.equal(
    firstTitle(['VFS: Busy inodes after unmount of loop0. Self-destruct in 5 seconds.']),
    'VFS: Busy inodes after unmount (use-after-free)',
  );
  assert.equal(
    firstTitle(['INFO: Allocated in frob_new+0x29/0x90 age=1 cpu=1 pid=6024']),
    'INFO: Allocated in frob_new age=NUM cpu=NUM pid=NUM',
  );
});

test('without caller ids a fault-injection stack ends the title window', () => {
  const title = firstTitle([
    'WARNING: CPU: 0 PID: 1 at drivers/frob/core.c:10 frob_check+0x10/0x20',
    'FAULT_INJECTION: forcing a failure.',
    'Call Trace:',
    ' should_fail+0x10/0x20',
    ' frob_other+0x10/0x20',
  ]);
  // No RIP and no trace of its own: the header's function (our deliberate deviation from `corrupted`).
  assert.equal(title, 'WARNING in frob_check');
});

// syzkaller's extractStackFrame: a fault-injection stack (`should_fail+0x…`) ends the part being read, and
// a WARNING's second reading (from `Call Trace:`) then decides even when it finds nothing.
test('a WARNING whose trace runs into a fault-injection stack is titled `in corrupted`', () => {
  const warning = (between: string[]) => [
    'WARNING: CPU: 1 PID: 13845 at kernel/locking/lockdep.c:3553 lock_downgrade+0x4d2/0x910',
    'Call Trace:',
    ...between,
    ' should_fail.cold+0xa/0x15',
    ' __should_failslab+0x121/0x190',
    ' __kmalloc+0x71/0x740',
    ' frob_buffer_grow+0x2bf/0x7e0',
  ];
  // The frames after should_fail are the injected allocation's, not the warning's.
  assert.equal(firstTitle(warning([' dump_stack+0x1db/0x2d0'])), 'WARNING: locking bug in corrupted');
  // A frame of the warning's own before it still names the culprit.
  assert.equal(
    firstTitle(warning([' dump_stack+0x1db/0x2d0', ' frob_downgrade+0x44/0x90'])),
    'WARNING: locking bug in frob_downgrade',
  );
});

test('an oops keeps the frame found past a fault-injection stack, as syzkaller does (no second reading)', () => {
  const title = firstTitle([
    'general protection fault: 0000 [#1] SMP KASAN',
    ' should_fail+0x8c0/0xa40',
    ' should_failslab+0xec/0x120',
    ' kmem_cache_alloc_node_trace+0x5a/0x750',
    ' __alloc_skb+0x13b/0x780',
  ]);
  assert.equal(title, 'general protection fault in __alloc_skb');
});

test('with printk caller ids, lines of another task or without an id are not the report’s', () => {
  const text = [
    '[  560.713151][ T1194] WARNING: CPU: 2 PID: 1194 at net/xfrm/xfrm_state.c:2381 xfrm_state_fini+0x440/0x5c0',
    '[  438.400447][ T2345] RIP: 0010:other_task_fn+0xa/0x10',
    '[  438.400447] RIP: 0010:console_fn+0xa/0x10',
    'RIP: 0010:unprefixed_fn+0xa/0x10',
    '[  560.719399][ T1194] Call Trace:',
    '[  560.719962][ T1194]  dump_stack+0x1db/0x2d0',
    '[  560.733271][ T1194] RIP: 0010:xfrm_state_fini+0x440/0x5c0',
    '[  560.747522][ T1194]  xfrm_net_exit+0x25/0x70',
  ].join('\n');
  assert.equal(analyzeText(text).events[0]?.title, 'WARNING in xfrm_state_fini');
});
