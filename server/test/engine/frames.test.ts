// Stack-frame lines in every form the kernel prints them, and the x86 stack-context markers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFrame } from '../../src/engine';
import { parseContextMarker } from '../../src/engine/log/frames';

interface Expected {
  function: string | null;
  offset?: number | null;
  size?: number | null;
  module?: string | null;
  buildId?: string | null;
  address?: string | null;
  reliable?: boolean;
}

/** Parses `message` and checks the fields given, plus that [start,end) covers the name (or the address). */
function expectFrame(message: string, want: Expected): void {
  const f = parseFrame(message);
  assert.ok(f, `a frame in ${JSON.stringify(message)}`);
  const full = {
    offset: null,
    size: null,
    module: null,
    buildId: null,
    address: null,
    reliable: true,
    ...want,
  };
  assert.deepEqual(
    {
      function: f.function,
      offset: f.offset,
      size: f.size,
      module: f.module,
      buildId: f.buildId,
      address: f.address,
      reliable: f.reliable,
    },
    full,
    message,
  );
  const token = want.function ?? `0x${want.address}`;
  assert.equal(message.slice(f.start, f.end), token, `span of ${JSON.stringify(message)}`);
}

test('x86_64 frames as printed since 4.x (ORC and frame-pointer unwinders)', () => {
  expectFrame(' buggy_dispatch+0x4d/0x60 [buggy]', {
    function: 'buggy_dispatch',
    offset: 0x4d,
    size: 0x60,
    module: 'buggy',
  });
  expectFrame(' proc_reg_write+0x56/0xa0', { function: 'proc_reg_write', offset: 0x56, size: 0xa0 });
  expectFrame(' entry_SYSCALL_64_after_hwframe+0x6e/0xd8', {
    function: 'entry_SYSCALL_64_after_hwframe',
    offset: 0x6e,
    size: 0xd8,
  });
});

test('"? " frames are unreliable', () => {
  expectFrame(' ? __handle_mm_fault+0x97b/0xfa0', {
    function: '__handle_mm_fault',
    offset: 0x97b,
    size: 0xfa0,
    reliable: false,
  });
  expectFrame(' ? buggy_proc_write+0xd0/0xd0 [buggy]', {
    function: 'buggy_proc_write',
    offset: 0xd0,
    size: 0xd0,
    module: 'buggy',
    reliable: false,
  });
});

test('module frames with a build id (CONFIG_STACKTRACE_BUILD_ID)', () => {
  expectFrame(' frob_work_fn+0x2c/0x70 [frob 3c1d9a7e5b0f42d18e6a9c07b2f1e4d5a6b7c8d9]', {
    function: 'frob_work_fn',
    offset: 0x2c,
    size: 0x70,
    module: 'frob',
    buildId: '3c1d9a7e5b0f42d18e6a9c07b2f1e4d5a6b7c8d9',
  });
  expectFrame(' ? frob_irq+0x1/0x2 [frob_drv 0123abcd]', {
    function: 'frob_irq',
    offset: 1,
    size: 2,
    module: 'frob_drv',
    buildId: null, // the kernel prints 40 hex digits: shorter hex is no build id
    reliable: false,
  });
});

test('compiler suffixes stay part of the symbol (.cold, .isra.0, .constprop.0, .part.0)', () => {
  expectFrame(' __list_del_entry_valid.cold+0x5c/0x6f', {
    function: '__list_del_entry_valid.cold',
    offset: 0x5c,
    size: 0x6f,
  });
  expectFrame(' ? ip_rcv_finish_core.isra.0+0x370/0x370', {
    function: 'ip_rcv_finish_core.isra.0',
    offset: 0x370,
    size: 0x370,
    reliable: false,
  });
  expectFrame(' el0_svc_common.constprop.0+0x4c/0xf4', {
    function: 'el0_svc_common.constprop.0',
    offset: 0x4c,
    size: 0xf4,
  });
  expectFrame(' do_softirq.part.17+0x46/0x50', { function: 'do_softirq.part.17', offset: 0x46, size: 0x50 });
});

test('old x86 form with the address first: [<ffffffff812345>] func+0x1/0x2', () => {
  expectFrame(' [<ffffffff8100a07d>] ? do_one_initcall+0x64/0x174', {
    function: 'do_one_initcall',
    offset: 0x64,
    size: 0x174,
    address: 'ffffffff8100a07d',
    reliable: false,
  });
  expectFrame(' [<ffffffffa0180000>] ? hello_init+0x0/0x30 [hello]', {
    function: 'hello_init',
    offset: 0,
    size: 0x30,
    module: 'hello',
    address: 'ffffffffa0180000',
    reliable: false,
  });
  expectFrame(' [<ffffffff81010b42>] system_call_fastpath+0x16/0x1b', {
    function: 'system_call_fastpath',
    offset: 0x16,
    size: 0x1b,
    address: 'ffffffff81010b42',
  });
  // kmemleak indents its backtrace by four spaces.
  expectFrame('    [<ffffffffc0a1c1fb>] frob_add_entry+0x4b/0x130 [frob]', {
    function: 'frob_add_entry',
    offset: 0x4b,
    size: 0x130,
    module: 'frob',
    address: 'ffffffffc0a1c1fb',
  });
});

test('i386 frames carry 32-bit addresses', () => {
  expectFrame(' [<c100214e>] do_one_initcall+0x3e/0x170', {
    function: 'do_one_initcall',
    offset: 0x3e,
    size: 0x170,
    address: 'c100214e',
  });
  expectFrame(' [<f8a1e01d>] frob_init+0x1d/0x1000 [frob]', {
    function: 'frob_init',
    offset: 0x1d,
    size: 0x1000,
    module: 'frob',
    address: 'f8a1e01d',
  });
});

test('arm64 frames (no "? ", first entry is the faulting pc)', () => {
  expectFrame(' buggy_null_read_level2+0x1c/0x30 [buggy]', {
    function: 'buggy_null_read_level2',
    offset: 0x1c,
    size: 0x30,
    module: 'buggy',
  });
  expectFrame(' el0t_64_sync+0x18c/0x190', { function: 'el0t_64_sync', offset: 0x18c, size: 0x190 });
  expectFrame(' [<ffff80000810a2c4>] dump_backtrace+0xe4/0x140', {
    function: 'dump_backtrace',
    offset: 0xe4,
    size: 0x140,
    address: 'ffff80000810a2c4',
  });
});

test('arm (32-bit) "(func+off/size) from" frames, old form', () => {
  expectFrame('[<c0412a4c>] (foo_probe+0x24/0x1a0) from [<c04a3b2c>] (platform_drv_probe+0x50/0xa0)', {
    function: 'foo_probe',
    offset: 0x24,
    size: 0x1a0,
    address: 'c0412a4c',
  });
});

test('arm (32-bit) module frames: the module sits inside the parentheses', () => {
  expectFrame(
    '[<bf0a1048>] (frob_irq+0x48/0x90 [frob]) from [<c016e2d4>] (__handle_irq_event_percpu+0x5c/0x250)',
    {
      function: 'frob_irq',
      offset: 0x48,
      size: 0x90,
      module: 'frob',
      address: 'bf0a1048',
    },
  );
});

test('arm (32-bit) "(func) from" frames as printed since 5.x (callee without offset)', () => {
  expectFrame('[<c07a3aac>] (spi_probe) from [<c06f1d5c>] (really_probe+0xdc/0x3d4)', {
    function: 'spi_probe',
    address: 'c07a3aac',
  });
  expectFrame('[<7f01a028>] (frob_spi_probe [frob_spi]) from [<c07a3b2c>] (spi_probe+0x80/0xb0)', {
    function: 'frob_spi_probe',
    module: 'frob_spi',
    address: '7f01a028',
  });
});

test('ppc64 frames: stack pointer, address, symbol, "(unreliable)"', () => {
  expectFrame('[c00000000f72b940] [c00800000a1c0b20] frob_submit+0x60/0x120 [frob] (unreliable)', {
    function: 'frob_submit',
    offset: 0x60,
    size: 0x120,
    module: 'frob',
    address: 'c00800000a1c0b20',
    reliable: false,
  });
  expectFrame('[c00000000f72ba30] [c00000000061c9e8] sys_ioctl+0xf8/0x160', {
    function: 'sys_ioctl',
    offset: 0xf8,
    size: 0x160,
    address: 'c00000000061c9e8',
  });
});

test('s390 frames: " [<addr>] func+off/size " and the r14 form "([<addr>] func+off/size)"', () => {
  expectFrame(' [<000003ff8012a0c4>] frob_lookup+0x2c/0x90 [frob] ', {
    function: 'frob_lookup',
    offset: 0x2c,
    size: 0x90,
    module: 'frob',
    address: '000003ff8012a0c4',
  });
  expectFrame(' [<00000000004c3e1a>] __s390x_sys_ioctl+0xba/0x100 ', {
    function: '__s390x_sys_ioctl',
    offset: 0xba,
    size: 0x100,
    address: '00000000004c3e1a',
  });
});

test('s390 parenthesised frames are not proven by the unwinder', () => {
  expectFrame('([<000003ff8012a0b4>] frob_lookup+0x1c/0x90 [frob])', {
    function: 'frob_lookup',
    offset: 0x1c,
    size: 0x90,
    module: 'frob',
    address: '000003ff8012a0b4',
    reliable: false,
  });
});

test('riscv frames', () => {
  expectFrame('[<ffffffff01a2c01a>] frob_get_stats+0x1a/0x40 [frob]', {
    function: 'frob_get_stats',
    offset: 0x1a,
    size: 0x40,
    module: 'frob',
    address: 'ffffffff01a2c01a',
  });
  expectFrame('[<ffffffff80a2c3d8>] ret_from_exception+0x0/0x64', {
    function: 'ret_from_exception',
    offset: 0,
    size: 0x64,
    address: 'ffffffff80a2c3d8',
  });
});

test('bare addresses with no symbol', () => {
  expectFrame(' ? 0xffffffffc020c000', { function: null, address: 'ffffffffc020c000', reliable: false });
  expectFrame(' 0xffffffffc020c000', { function: null, address: 'ffffffffc020c000' });
  expectFrame(' [<ffffffffc020c000>] 0xffffffffc020c000', { function: null, address: 'ffffffffc020c000' });
});

test('lines that are not frames', () => {
  for (const msg of [
    'Call Trace:',
    'RIP: 0010:buggy_null_read_level2+0x5/0x20 [buggy]',
    'Modules linked in: buggy(OE)',
    'CPU: 0 PID: 115 Comm: init Tainted: G           OE      6.1.0-56-amd64 #1  Debian 6.1.192-2',
    'Code: 48 8b 47 10 48 85 c0 74 3a <48> 89 42 08',
    ' #0: ffff888104a1c0a0 (&frob->lock){+.+.}-{2:2}, at: frob_ioctl+0x3a/0x110 [frob]',
    'hardirqs last  enabled at (1226710): [<ffffffff81e3a2b1>] _raw_spin_unlock_irqrestore+0x31/0x60',
    'WARNING: CPU: 0 PID: 115 at /var/lib/dkms/buggy/1.0/build/buggy.c:84 buggy_warn_on+0x1b/0x29 [buggy]',
    ' <TASK>',
    ' ...',
    '',
    'RSP: 0018:ffffcc7a4062fd08 EFLAGS: 00000246',
  ]) {
    assert.equal(parseFrame(msg), null, JSON.stringify(msg));
  }
});

test('x86 stack context markers', () => {
  assert.deepEqual(parseContextMarker(' <IRQ>'), { open: true, context: 'irq' });
  assert.deepEqual(parseContextMarker(' </IRQ>'), { open: false, context: 'irq' });
  assert.deepEqual(parseContextMarker(' <TASK>'), { open: true, context: 'task' });
  assert.deepEqual(parseContextMarker(' </TASK>'), { open: false, context: 'task' });
  assert.deepEqual(parseContextMarker(' <NMI>'), { open: true, context: 'nmi' });
  assert.deepEqual(parseContextMarker(' <SOFTIRQ>'), { open: true, context: 'softirq' });
  assert.deepEqual(parseContextMarker(' <#DF>'), { open: true, context: 'exception' });
  assert.deepEqual(parseContextMarker(' </#DF>'), { open: false, context: 'exception' });
  assert.deepEqual(parseContextMarker(' <EOI>'), { open: true, context: null });
  assert.equal(parseContextMarker(' buggy_dispatch+0x4d/0x60 [buggy]'), null);
  // lockdep's scenario diagram, not a stack marker
  assert.equal(parseContextMarker('  <Interrupt>'), null);
  assert.equal(parseContextMarker('Call Trace: <IRQ> x'), null);
});
