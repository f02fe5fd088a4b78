// The guilty frame: generic infrastructure (allocators, locking, string/user-copy helpers, sanitizer
// runtime, reporting, syscall entry) is skipped the way syzkaller skips it, whichever part of the
// report the frame comes from.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeText } from '../../src/engine';

const GENERIC = [
  'kfree',
  '__kmalloc',
  'kmem_cache_alloc',
  'kmalloc_trace',
  'kmem_cache_free',
  'vmalloc',
  'kvfree',
  '_raw_spin_lock',
  '_raw_spin_lock_irqsave',
  'mutex_lock',
  '__mutex_lock',
  'down_write',
  'up_read',
  'memcpy',
  'memset',
  'memmove',
  'strlen',
  'strscpy',
  '_copy_from_user',
  'copy_to_user',
  'kasan_report',
  '__asan_load8',
  '__kasan_check_read',
  '__msan_warning',
  '__tsan_read8',
  '__ubsan_handle_out_of_bounds',
  'dump_stack',
  'dump_stack_lvl',
  '__warn',
  'refcount_warn_saturate',
  '__might_sleep',
  'lock_acquire',
  'list_del',
  '__list_add_valid',
];

function gpfAt(fn: string): string {
  return [
    '[   50.000000] general protection fault, probably for non-canonical address 0xdead000000000122: 0000 [#1] PREEMPT SMP NOPTI',
    '[   50.000001] CPU: 0 PID: 77 Comm: frobctl Tainted: G           O       6.6.30 #1',
    `[   50.000002] RIP: 0010:${fn}+0x10/0x40`,
    '[   50.000003] Call Trace:',
    '[   50.000004]  <TASK>',
    `[   50.000005]  ${fn}+0x10/0x40`,
    '[   50.000006]  frob_guilty+0x20/0x80 [frob]',
    '[   50.000007]  frob_ioctl+0x7e/0x110 [frob]',
    '[   50.000008]  __x64_sys_ioctl+0x8f/0xd0',
    '[   50.000009]  do_syscall_64+0x3b/0x90',
    '[   50.000010]  entry_SYSCALL_64_after_hwframe+0x6e/0xd8',
    '[   50.000011]  </TASK>',
    '[   50.000012] ---[ end trace 0000000000000000 ]---',
  ].join('\n');
}

/** Generic functions the engine does not skip yet. */
for (const fn of GENERIC) {
  test(`a fault in ${fn} is blamed on its caller`, () => {
    const [e] = analyzeText(gpfAt(fn)).events;
    assert.equal(e.title, 'general protection fault in frob_guilty');
    assert.equal(e.guiltyFrame?.function, 'frob_guilty');
    assert.equal(e.guiltyFrame?.module, 'frob');
    assert.equal(e.guiltyFrame?.span.line, 6);
  });
}

test('a fault in an ordinary function is blamed on that function (the RIP frame)', () => {
  const [e] = analyzeText(gpfAt('frob_walk_table')).events;
  assert.equal(e.title, 'general protection fault in frob_walk_table');
  assert.equal(e.guiltyFrame?.span.line, 2, 'the RIP line is the navigation target');
});

test('"? " frames are not blamed when a reliable frame is there', () => {
  const text = [
    '[   60.000000] WARNING: CPU: 0 PID: 77 at drivers/frob/core.c:10 frob_check+0x10/0x20 [frob]',
    '[   60.000001] Call Trace:',
    '[   60.000002]  <TASK>',
    '[   60.000003]  ? __warn+0x81/0x130',
    '[   60.000004]  ? frob_stale_pointer+0x1/0x10 [frob]',
    '[   60.000005]  ? report_bug+0x171/0x1a0',
    '[   60.000006]  frob_check+0x10/0x20 [frob]',
    '[   60.000007]  frob_ioctl+0x7e/0x110 [frob]',
    '[   60.000008]  </TASK>',
  ].join('\n');
  const [e] = analyzeText(text).events;
  assert.equal(e.title, 'WARNING in frob_check');
  assert.equal(e.guiltyFrame?.reliable, true);
});

test('KASAN: the sanitizer runtime and the allocator are skipped in the access stack', () => {
  const text = [
    '[   70.000000] ==================================================================',
    '[   70.000001] BUG: KASAN: slab-out-of-bounds in memcpy+0x20/0x60',
    '[   70.000002] Write of size 16 at addr ffff888104a1c0f8 by task frobctl/77',
    '[   70.000003] ',
    '[   70.000004] CPU: 0 PID: 77 Comm: frobctl Tainted: G           O       6.6.30 #1',
    '[   70.000005] Call Trace:',
    '[   70.000006]  <TASK>',
    '[   70.000007]  dump_stack_lvl+0x48/0x70',
    '[   70.000008]  print_report+0xcf/0x630',
    '[   70.000009]  kasan_report+0xd7/0x110',
    '[   70.000010]  kasan_check_range+0x10c/0x1c0',
    '[   70.000011]  __asan_memcpy+0x3c/0x60',
    '[   70.000012]  frob_fill+0x44/0x90 [frob]',
    '[   70.000013]  frob_ioctl+0x7e/0x110 [frob]',
    '[   70.000014]  </TASK>',
    '[   70.000015] ==================================================================',
  ].join('\n');
  const [e] = analyzeText(text).events;
  assert.equal(e.title, 'KASAN: slab-out-of-bounds Write in frob_fill');
  assert.equal(e.faultAddress, 'ffff888104a1c0f8');
});
