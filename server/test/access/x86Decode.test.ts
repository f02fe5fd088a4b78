// The hand x86-64 decoder (access/x86Decode.ts) against iced-x86, the library it stands in for on the cold
// path: every instruction of the x86_64 corpus modules it reads must read exactly as iced-x86 reads it
// (x86Differential.ts), and so must a list of encodings picked for their traps (AH..BH without REX, SPL with
// it, prefixes, string instructions, RIP-relative and absolute operands, branches). Opt-in: the whole vmlinux.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeX86 } from '../../src/engine/access/x86Decode';
import { decodeWithIced } from '../../src/engine/access/instruction';
import { CORPUS } from '../symbolize/helpers';
import { compareWithIced } from './x86Differential';

const MODULES = [
  'qemu/module/buggy.ko',
  'qemu-access/module/access.ko',
  'qemu-hardening/module/hardening.ko',
];

test('every instruction of the corpus modules the hand decoder reads, it reads as iced-x86 does', (t) => {
  for (const m of MODULES) {
    const r = compareWithIced(CORPUS + m);
    t.diagnostic(`${m}: ${r.covered}/${r.instructions} by hand, ${r.differ} differ`);
    assert.deepEqual(r.mismatches, [], m);
    // Compiled C: nearly everything is in the hand decoder's table (what is not goes to iced-x86).
    assert.ok(r.covered / r.instructions > 0.99, `${m}: ${r.covered}/${r.instructions}`);
  }
});

/** Encodings picked for their traps; the comment is iced-x86's text. */
const TRAPS = [
  'f6c410', // test $0x10,%ah
  '00b9010100c0', // add %bh,-0x3ffffeff(%rcx)
  '88e0', // mov %ah,%al
  '0fb6c4', // movzbl %ah,%eax
  '40b410', // mov $0x10,%spl
  '86e0', // xchg %ah,%al
  '4883c0ff', // add $0xffffffffffffffff,%rax
  '6683c0ff', // add $0xffff,%ax
  '48c7470800000000', // movq $0x0,0x8(%rdi)
  '488b442408', // mov 0x8(%rsp),%rax
  '4c8b6c24f8', // mov -0x8(%rsp),%r13
  '4a8b04e0', // mov (%rax,%r12,8),%rax
  '488d14c500000000', // lea (,%rax,8),%rdx
  '488b0425f8ffffff', // mov 0xfffffffffffffff8,%rax
  '65488b042528000000', // mov %gs:0x28,%rax
  '488b05f0ffffff', // mov -0x10(%rip),%rax
  'ff5008', // call *0x8(%rax)
  'ffd0', // call *%rax
  '41ffe3', // jmp *%r11
  'e3fe', // jrcxz
  '0f8500000000', // jne
  'f0480fb14f08', // lock cmpxchg %rcx,0x8(%rdi)
  'f0ff07', // lock incl (%rdi)
  'f3a4', // rep movsb (%rsi),(%rdi)
  'f348ab', // rep stos %rax,(%rdi)
  'a5', // movsl (%rsi),(%rdi)
  '66662e0f1f840000000000', // nopw (%rax,%rax)
  '4869c038000000', // imul $0x38,%rax
  '486bc838', // imul $0x38,%rax,%rcx
  '48f7f9', // idiv %rcx
  'd16708', // shll $0x1,0x8(%rdi)
  '0f94c0', // sete %al
  'f30f1efa', // endbr64
  'c20800', // ret $0x8
  'e800000080', // call, a target below 0 (wraps to 0xffffffff80000045)
];

test('encodings picked for their traps read as iced-x86 reads them', () => {
  const json = (v: unknown) => JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? x.toString() : x));
  for (const hex of TRAPS) {
    const bytes = Uint8Array.from(hex.match(/../g)!.map((b) => parseInt(b, 16)));
    const hand = decodeX86(bytes, 0x40);
    assert.ok(hand, `${hex}: the hand decoder reads it`);
    assert.equal(json(hand), json(decodeWithIced(bytes, 0x40)), hex);
    // Cut short, it is no instruction (never a guess from the bytes that are there).
    assert.equal(decodeX86(bytes.subarray(0, hand.length - 1), 0x40), null, `${hex} cut short`);
  }
});

test('what the hand decoder leaves to iced-x86 decodes to null: VEX, SSE, 32-bit addressing', () => {
  for (const hex of ['c5f877', '660fefc0', '678b07', 'f20f1001'])
    assert.equal(decodeX86(Uint8Array.from(hex.match(/../g)!.map((b) => parseInt(b, 16)))), null, hex);
});

const VMLINUX = process.env.OOPS_LENS_VMLINUX;
test(
  'x86_64 vmlinux: every 7th instruction the hand decoder reads, it reads as iced-x86 does',
  { skip: VMLINUX ? false : 'set OOPS_LENS_VMLINUX=/path/to/vmlinux (Debian -dbg package) to check vmlinux' },
  (t) => {
    const r = compareWithIced(VMLINUX!, 7);
    t.diagnostic(`vmlinux: ${r.covered}/${r.instructions} by hand, ${r.differ} differ`);
    assert.deepEqual(r.mismatches, []);
    assert.ok(r.covered / r.instructions > 0.99, `${r.covered}/${r.instructions}`);
  },
);

test('random bytes: the hand decoder never throws, and what it reads, it reads as iced-x86 does', () => {
  let seed = 20261202;
  const byte = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8) & 0xff;
  const json = (v: unknown) => JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? x.toString() : x));
  let covered = 0;
  for (let i = 0; i < 30_000; i++) {
    const bytes = Uint8Array.from({ length: 15 }, byte);
    const hand = decodeX86(bytes, 0x1000);
    if (!hand) continue;
    covered++;
    assert.equal(json(hand), json(decodeWithIced(bytes, 0x1000)), Buffer.from(bytes).toString('hex'));
  }
  // Random bytes are mostly one-byte-opcode integer instructions: most are the hand decoder's.
  assert.ok(covered > 10_000, `${covered}`);
});
