// Table tests: the knowledge tables against the kernel's documented values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TAINT_FLAGS, taintAtPosition } from '../../src/engine/explain/tables/taint';
import {
  CR0_BITS,
  CR4_BITS,
  EFLAGS_BITS,
  PF_ERROR_BITS,
  X86_64_SELECTORS,
} from '../../src/engine/explain/tables/x86';
import {
  x86_64Syscall,
  x86_64SyscallCount,
  X32_SYSCALL_BIT,
} from '../../src/engine/explain/tables/syscalls-x86_64';
import {
  ESR_CLASSES,
  FSC_NAMES,
  PSTATE_BITS,
  arm64RegisterRole,
} from '../../src/engine/explain/tables/arm64';
import { decodeGfp, GFP_COMPOSITES } from '../../src/engine/explain/tables/gfp';
import { decodeFields, parseHex64, unknownBits } from '../../src/engine/explain/tables/bits';
import { classifyValue } from '../../src/engine/explain/classify';

// Documentation/admin-guide/tainted-kernels.rst, "Table for decoding tainted state".
const DOCUMENTED_TAINTS = 'PFSRMBUDAWCIOELKXTNJ';

test('taint table: 20 letters at bits 0–19 in documented order', () => {
  assert.equal(TAINT_FLAGS.length, 20);
  TAINT_FLAGS.forEach((t, i) => {
    assert.equal(t.bit, i);
    assert.equal(t.letter, DOCUMENTED_TAINTS[i]);
  });
  assert.equal(TAINT_FLAGS[0].clear, 'G');
  assert.deepEqual(
    TAINT_FLAGS.filter((t) => t.module)
      .map((t) => t.letter)
      .join(''),
    'PFCOEKXTNJ',
  );
  assert.equal(taintAtPosition(12, 'O')?.flag.name, 'OOT_MODULE');
  assert.equal(taintAtPosition(13, 'E')?.flag.name, 'UNSIGNED_MODULE');
  assert.equal(taintAtPosition(9, 'W')?.flag.name, 'WARN');
  assert.equal(taintAtPosition(0, 'G')?.set, false);
  assert.equal(taintAtPosition(12, 'E'), undefined, 'a letter at the wrong position is not a flag');
});

const bitOf = (table: readonly { bit: number; name: string }[], name: string) =>
  table.find((f) => f.name === name)?.bit;

test('CR4 bit positions (arch/x86/include/uapi/asm/processor-flags.h)', () => {
  const expected: Record<string, number> = {
    VME: 0,
    PVI: 1,
    TSD: 2,
    DE: 3,
    PSE: 4,
    PAE: 5,
    MCE: 6,
    PGE: 7,
    PCE: 8,
    OSFXSR: 9,
    OSXMMEXCPT: 10,
    UMIP: 11,
    LA57: 12,
    VMXE: 13,
    SMXE: 14,
    FSGSBASE: 16,
    PCIDE: 17,
    OSXSAVE: 18,
    SMEP: 20,
    SMAP: 21,
    PKE: 22,
    CET: 23,
    PKS: 24,
  };
  for (const [name, bit] of Object.entries(expected)) assert.equal(bitOf(CR4_BITS, name), bit, name);
  // A real value from a syzbot report: CR4 00000000001526f0.
  const set = decodeFields(0x00000000001526f0n, CR4_BITS)
    .filter((d) => d.value)
    .map((d) => d.field.name);
  assert.deepEqual(set, [
    'PSE',
    'PAE',
    'MCE',
    'PGE',
    'OSFXSR',
    'OSXMMEXCPT',
    'VMXE',
    'FSGSBASE',
    'OSXSAVE',
    'SMEP',
  ]);
});

test('CR0 and EFLAGS decode real values', () => {
  const cr0 = decodeFields(0x80050033n, CR0_BITS)
    .filter((d) => d.value)
    .map((d) => d.field.name);
  assert.deepEqual(cr0, ['PE', 'MP', 'ET', 'NE', 'WP', 'AM', 'PG']);
  const fl = decodeFields(0x00010246n, EFLAGS_BITS)
    .filter((d) => d.value)
    .map((d) => d.field.name);
  assert.deepEqual(fl, ['FIXED', 'PF', 'ZF', 'IF', 'RF']);
  assert.deepEqual(unknownBits(0x00010246n, EFLAGS_BITS), []);
  assert.deepEqual(unknownBits(1n << 40n, EFLAGS_BITS), [40]);
});

test('page-fault error code bits (arch/x86/include/asm/trap_pf.h)', () => {
  assert.equal(bitOf(PF_ERROR_BITS, 'PROT'), 0);
  assert.equal(bitOf(PF_ERROR_BITS, 'WRITE'), 1);
  assert.equal(bitOf(PF_ERROR_BITS, 'USER'), 2);
  assert.equal(bitOf(PF_ERROR_BITS, 'RSVD'), 3);
  assert.equal(bitOf(PF_ERROR_BITS, 'INSTR'), 4);
  assert.equal(bitOf(PF_ERROR_BITS, 'PK'), 5);
  assert.equal(bitOf(PF_ERROR_BITS, 'SHSTK'), 6);
  assert.equal(bitOf(PF_ERROR_BITS, 'SGX'), 15);
});

test('x86_64 selectors (arch/x86/include/asm/segment.h)', () => {
  assert.equal(X86_64_SELECTORS[0x10].name, '__KERNEL_CS');
  assert.equal(X86_64_SELECTORS[0x18].name, '__KERNEL_DS');
  assert.equal(X86_64_SELECTORS[0x33].name, '__USER_CS');
  assert.equal(X86_64_SELECTORS[0x2b].name, '__USER_DS');
  assert.equal(X86_64_SELECTORS[0x23].name, '__USER32_CS');
});

test('x86_64 syscall numbers (arch/x86/entry/syscalls/syscall_64.tbl)', () => {
  const cases: [number, string][] = [
    [0, 'read'],
    [1, 'write'],
    [2, 'open'],
    [3, 'close'],
    [9, 'mmap'],
    [16, 'ioctl'],
    [39, 'getpid'],
    [56, 'clone'],
    [57, 'fork'],
    [59, 'execve'],
    [60, 'exit'],
    [62, 'kill'],
    [202, 'futex'],
    [231, 'exit_group'],
    [257, 'openat'],
    [321, 'bpf'],
    [334, 'rseq'],
    [425, 'io_uring_setup'],
    [435, 'clone3'],
    [462, 'mseal'],
  ];
  for (const [nr, name] of cases) assert.equal(x86_64Syscall(nr)?.name, name, `syscall ${nr}`);
  assert.equal(x86_64Syscall(400), undefined);
  assert.equal(x86_64Syscall(-1), undefined);
  assert.equal(x86_64Syscall(X32_SYSCALL_BIT | 520)?.name, 'execve');
  assert.equal(x86_64Syscall(X32_SYSCALL_BIT | 59), undefined, 'x32 callers cannot use 64-only entries');
  assert.equal(x86_64SyscallCount(), 336 + 39 + 36);
});

test('arm64 tables (esr.h, fault.c, ptrace.h)', () => {
  assert.equal(ESR_CLASSES[0x25].name, 'DABT (current EL)');
  assert.equal(ESR_CLASSES[0x24].name, 'DABT (lower EL)');
  assert.equal(ESR_CLASSES[0x3c].id, 'BRK64');
  assert.equal(ESR_CLASSES[0x15].name, 'SVC (AArch64)');
  assert.equal(FSC_NAMES[4], 'level 0 translation fault');
  assert.equal(FSC_NAMES[5], 'level 1 translation fault');
  assert.equal(FSC_NAMES[6], 'level 2 translation fault');
  assert.equal(FSC_NAMES[15], 'level 3 permission fault');
  assert.equal(FSC_NAMES[33], 'alignment fault');
  assert.equal(bitOf(PSTATE_BITS, 'PAN'), 22);
  assert.equal(bitOf(PSTATE_BITS, 'N'), 31);
  assert.equal(bitOf(PSTATE_BITS, 'SSBS'), 12);
  assert.match(arm64RegisterRole('x0') ?? '', /return value/);
  assert.match(arm64RegisterRole('x8') ?? '', /syscall number/);
  assert.match(arm64RegisterRole('x29') ?? '', /frame pointer/);
  assert.match(arm64RegisterRole('x30') ?? '', /link register/);
  assert.equal(arm64RegisterRole('x31'), undefined);
});

test('GFP decode matches what the kernel printed', () => {
  // oom.console.log: gfp_mask=0x140dca(GFP_HIGHUSER_MOVABLE|__GFP_COMP|__GFP_ZERO)
  const d = decodeGfp(0x140dca);
  const names = d.bits.map((b) => b.name);
  assert.equal(d.unknownMask, 0);
  for (const n of [
    '__GFP_HIGHMEM',
    '__GFP_MOVABLE',
    '__GFP_IO',
    '__GFP_FS',
    '__GFP_ZERO',
    '__GFP_DIRECT_RECLAIM',
    '__GFP_KSWAPD_RECLAIM',
    '__GFP_COMP',
    '__GFP_HARDWALL',
  ])
    assert.ok(names.includes(n), n);
  assert.equal(GFP_COMPOSITES.GFP_HIGHUSER_MOVABLE.value | 0x40000 | 0x100, 0x140dca);
  assert.equal(GFP_COMPOSITES.GFP_KERNEL.value, 0xcc0);
});

test('address classification', () => {
  const labels = (v: bigint, arch: Parameters<typeof classifyValue>[1] = 'x86_64') =>
    classifyValue(v, arch).map((c) => c.label);
  assert.deepEqual(labels(0x8n), ['NULL + 0x8']);
  assert.deepEqual(labels(0xdead000000000100n).slice(0, 1), ['LIST_POISON1']);
  assert.deepEqual(labels(0xdead000000000122n).slice(0, 1), ['LIST_POISON2']);
  assert.ok(labels(0xdead000000000122n).includes('non-canonical'));
  assert.match(labels(0x6b6b6b6b6b6b6b6bn)[0], /POISON_FREE/);
  assert.match(labels(0x6b6b6b6b6b6b6b73n)[0], /POISON_FREE.*\+ 0x8/);
  assert.match(labels(0x5a5a5a5a5a5a5a5an)[0], /POISON_INUSE/);
  assert.ok(labels(0xdffffc0000000001n).includes('KASAN null-ptr-deref'));
  assert.match(
    classifyValue(0xdffffc0000000001n, 'x86_64').find((c) => c.label === 'KASAN null-ptr-deref')!.detail,
    /0x0000000000000008-0x000000000000000f/,
  );
  assert.deepEqual(labels(0x00007fff4625c3e8n), ['user space']);
  assert.deepEqual(labels(0xffff8afa41ecf800n), ['direct map']);
  assert.deepEqual(labels(0xffffc90018587a30n), ['vmalloc/ioremap']);
  assert.deepEqual(labels(0xffffffff81000000n), ['kernel image']);
  assert.deepEqual(labels(0xffffffffc021c147n), ['modules']);
  assert.match(labels(0xffffffffffffffdan)[0], /-38 \(-ENOSYS\)/);
  assert.match(labels(0xfffffffffffffff4n)[0], /-12 \(-ENOMEM\)/);
  assert.ok(labels(0x646165725f6c6c75n, 'arm64').some((l) => l === 'ASCII "ull_read"'));
  assert.deepEqual(labels(0xffff584fc3095140n, 'arm64'), ['linear map']);
  assert.deepEqual(labels(0xffff800008233b70n, 'arm64'), ['vmalloc']);
  assert.deepEqual(labels(0x0000ffffabcd0000n, 'arm64'), ['user space']);
});

test('hex parsing rejects junk and overlong values', () => {
  assert.equal(parseHex64('00010246'), 0x10246n);
  assert.equal(parseHex64('0x10'), 16n);
  assert.equal(parseHex64('1'.repeat(17)), null);
  assert.equal(parseHex64('xyz'), null);
  assert.equal(parseHex64(''), null);
});

test('every catalogue kind has a next-steps guide, and every sysctl it names exists', async () => {
  const { CATALOGUE } = await import('../../src/engine/catalogue');
  const { EVENT_GUIDE, SYSCTLS } = await import('../../src/engine/explain/tables/event-guide');
  const missing = [...new Set(CATALOGUE.map((e) => e.kind))].filter((k) => !EVENT_GUIDE[k]);
  assert.deepEqual(missing, [], `kinds without a guide in server/src/engine/explain/tables/event-guide.ts`);
  for (const [kind, g] of Object.entries(EVENT_GUIDE))
    for (const s of g.sysctls) assert.ok(SYSCTLS[s], `${kind}: ${s}`);
});
