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
