// KASAN, every bug type: the title is `KASAN: <type> <Read|Write> in <func>` for bad accesses and
// `KASAN: invalid-free in <func>` for double and invalid frees (syzkaller's titles), with the sanitizer
// runtime and the allocator skipped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeText } from '../../src/engine';

const ACCESS_TYPES = [
  'use-after-free',
  'slab-use-after-free',
  'slab-out-of-bounds',
  'global-out-of-bounds',
  'stack-out-of-bounds',
  'vmalloc-out-of-bounds',
  'use-after-scope',
  'alloca-out-of-bounds',
  'out-of-bounds',
  'null-ptr-deref',
  'wild-memory-access',
  'user-memory-access',
  'invalid-access',
];

function accessReport(type: string, access: 'Read' | 'Write'): string {
  return [
    '[  300.000000] ==================================================================',
    `[  300.000001] BUG: KASAN: ${type} in frob_touch+0x44/0x90 [frob]`,
    `[  300.000002] ${access} of size 8 at addr ffff888104a1c0f8 by task frobctl/77`,
    '[  300.000003] ',
    '[  300.000004] CPU: 1 PID: 77 Comm: frobctl Tainted: G    B      O       6.6.30 #1',
    '[  300.000005] Hardware name: QEMU Standard PC (Q35 + ICH9, 2009), BIOS 1.16.3-2 04/01/2014',
    '[  300.000006] Call Trace:',
    '[  300.000007]  <TASK>',
    '[  300.000008]  dump_stack_lvl+0x48/0x70',
    '[  300.000009]  print_report+0xcf/0x630',
    '[  300.000010]  kasan_report+0xd7/0x110',
    '[  300.000011]  frob_touch+0x44/0x90 [frob]',
    '[  300.000012]  frob_ioctl+0x7e/0x110 [frob]',
    '[  300.000013]  __x64_sys_ioctl+0x8f/0xd0',
    '[  300.000014]  do_syscall_64+0x3b/0x90',
    '[  300.000015]  entry_SYSCALL_64_after_hwframe+0x6e/0xd8',
    '[  300.000016]  </TASK>',
    '[  300.000017] ==================================================================',
  ].join('\n');
}

for (const type of ACCESS_TYPES) {
  for (const access of ['Read', 'Write'] as const) {
    test(`KASAN ${type} ${access}`, () => {
      const { events } = analyzeText(accessReport(type, access));
      assert.equal(events.length, 1);
      const [e] = events;
      assert.equal(e.kind, 'kasan');
      assert.equal(e.severity, 'error');
      assert.equal(e.title, `KASAN: ${type} ${access} in frob_touch`);
      assert.equal(e.faultAddress, 'ffff888104a1c0f8');
      assert.equal(e.line, 1);
      assert.equal(e.endLine, 17);
    });
  }
}

function freeReport(header: string): string {
  return [
    '[  310.000000] ==================================================================',
    `[  310.000001] BUG: KASAN: ${header} in kvfree+0x36/0x60`,
    '[  310.000002] Free of addr ffff888104a1c000 by task frobctl/77',
    '[  310.000003] ',
    '[  310.000004] CPU: 1 PID: 77 Comm: frobctl Tainted: G    B      O       6.6.30 #1',
    '[  310.000005] Call Trace:',
    '[  310.000006]  <TASK>',
    '[  310.000007]  dump_stack_lvl+0x48/0x70',
    '[  310.000008]  print_report+0xcf/0x630',
    '[  310.000009]  kasan_report_invalid_free+0xa6/0xd0',
    '[  310.000010]  ____kasan_slab_free+0x1c1/0x1d0',
    '[  310.000011]  __kmem_cache_free+0xc7/0x2e0',
    '[  310.000012]  kvfree+0x36/0x60',
    '[  310.000013]  frob_free_table+0x2c/0x50 [frob]',
    '[  310.000014]  frob_release+0x2a/0x50 [frob]',
    '[  310.000015]  </TASK>',
    '[  310.000016] ==================================================================',
  ].join('\n');
}

for (const header of ['double-free', 'invalid-free', 'double-free or invalid-free']) {
  test(`KASAN ${header}: titled invalid-free in the caller of the allocator`, () => {
    const [e] = analyzeText(freeReport(header)).events;
    assert.equal(e.kind, 'kasan');
    assert.equal(e.title, 'KASAN: invalid-free in frob_free_table');
  });
}
