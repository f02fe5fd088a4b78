// A write into the stack (issue 13, item 5: a stack guard page hit): the base register followed back to
// RSP/RBP (stepBack.ts stackAddressIn), a `rep stos`'s range of elements left to write (values.ts), and the
// real recursion into the VMAP stack's guard page of test-fixtures/corpus/qemu-hardening, whose local buffer
// is checked against the module's own CFI (readelf's .debug_frame table) and gdb's DW_OP_fbreg.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  analyzeText,
  evidenceFromFile,
  explainAt,
  faultAccess,
  openDebugFile,
  type FaultAccess,
  type Register,
} from '../../src/engine';
import { faultAddressInAccess } from '../../src/engine/access/hoverText';
import { stackAddressIn } from '../../src/engine/access/stepBack';
import { accessValues } from '../../src/engine/access/values';
import { decodeAccess } from '../../src/engine/access/instruction';
import { CORPUS, hasTool } from '../symbolize/helpers';
import { QEMU_HARDENING_LOGS } from '../engine/fixtures';

const HARDENING_KO = `${CORPUS}qemu-hardening/module/hardening.ko`;

/** hard_recurse's first bytes in hardening.ko (objdump -d): the unrelocated `call __fentry__` and its prologue. */
const HARD_RECURSE = [
  0xe8,
  0,
  0,
  0,
  0, // call __fentry__
  0x48,
  0x81,
  0xec,
  0x08,
  0x01,
  0x00,
  0x00, // sub $0x108,%rsp
  0x89,
  0xfa, // mov %edi,%edx
  0xb9,
  0x20,
  0x00,
  0x00,
  0x00, // mov $0x20,%ecx
  0x65,
  0x48,
  0x8b,
  0x04,
  0x25,
  0x28,
  0x00,
  0x00,
  0x00, // mov %gs:0x28,%rax
  0x48,
  0x89,
  0x84,
  0x24,
  0x00,
  0x01,
  0x00,
  0x00, // mov %rax,0x100(%rsp)
  0x31,
  0xc0, // xor %eax,%eax
  0x48,
  0x89,
  0xe6, // mov %rsp,%rsi
  0x48,
  0x89,
  0xf7, // mov %rsi,%rdi
]; // then f3 48 ab: rep stos %rax,(%rdi)

test('a register copied from RSP is an address in the frame: CFA - 8 - the bytes reserved since entry', () => {
  const s = stackAddressIn(Uint8Array.from(HARD_RECURSE), HARD_RECURSE.length, 'RDI');
  assert.ok(typeof s !== 'string', String(s));
  assert.equal(s.cfaOffset, -0x110n);
  assert.equal(s.depthAtPc, 0x108);
  assert.deepEqual(s.notes, [
    'RSI was copied from RSP by `mov %rsp,%rsi` (+0x26)',
    'RDI was copied from RSI by `mov %rsi,%rdi` (+0x29)',
  ]);
  // RSP itself, at the PC.
  const rsp = stackAddressIn(Uint8Array.from(HARD_RECURSE), HARD_RECURSE.length, 'RSP');
  assert.ok(typeof rsp !== 'string');
  assert.equal(rsp.cfaOffset, -0x110n);
});

test('lea off RSP or RBP: the address of a local at its CFA offset; a pointer plus a constant on the way', () => {
  // push %rbx; sub $0x2010,%rsp; lea 0x8(%rsp),%rdx; mov %rdx,%rdi: CFA - 8 - 0x2018 + 8.
  const lea = [0x53, 0x48, 0x81, 0xec, 0x10, 0x20, 0, 0, 0x48, 0x8d, 0x54, 0x24, 0x08, 0x48, 0x89, 0xd7];
  const a = stackAddressIn(Uint8Array.from(lea), lea.length, 'RDI');
  assert.ok(typeof a !== 'string', String(a));
  assert.equal(a.cfaOffset, -0x2018n);
  // push %rbp; mov %rsp,%rbp; sub $0x120,%rsp; lea -0x110(%rbp),%rax; lea 0x10(%rax),%rdi: RBP = CFA - 0x10.
  const rbp = [
    0x55, 0x48, 0x89, 0xe5, 0x48, 0x81, 0xec, 0x20, 0x01, 0, 0, 0x48, 0x8d, 0x85, 0xf0, 0xfe, 0xff, 0xff,
    0x48, 0x8d, 0x78, 0x10,
  ];
  const b = stackAddressIn(Uint8Array.from(rbp), rbp.length, 'RDI');
  assert.ok(typeof b !== 'string', String(b));
  assert.equal(b.cfaOffset, -0x110n);
  assert.equal(b.depthAtPc, 0x128);
});

test('no stack address: a load, a call between, another path; said, not guessed', () => {
  const load = [0x48, 0x8b, 0x7f, 0x08]; // mov 0x8(%rdi),%rdi
  assert.match(
    String(stackAddressIn(Uint8Array.from(load), load.length, 'RDI')),
    /set by `mov 0x8\(%rdi\),%rdi`/,
  );
  const called = [0x48, 0x89, 0xe7, 0xe8, 0, 0, 0, 0]; // mov %rsp,%rdi; call
  assert.match(String(stackAddressIn(Uint8Array.from(called), called.length, 'RDI')), /set by the call/);
  const joined = [0x48, 0x89, 0xe7, 0xeb, 0x00]; // mov %rsp,%rdi; jmp to the next
  assert.match(String(stackAddressIn(Uint8Array.from(joined), joined.length, 'RDI')), /another path/);
  assert.match(String(stackAddressIn(Uint8Array.from([]), 0, 'RDI')), /comes from before the function/);
  // RBP without `mov %rsp,%rbp` is a general register (evidence.ts then follows its loads instead).
  assert.match(String(stackAddressIn(Uint8Array.from([]), 0, 'RBP')), /RBP is no frame pointer/);
  // `and $-16,%rsp`: the depth is lost, the CFA not computed.
  const aligned = [0x48, 0x83, 0xe4, 0xf0, 0x48, 0x89, 0xe7]; // and $0xfffffffffffffff0,%rsp; mov %rsp,%rdi
  assert.match(
    String(stackAddressIn(Uint8Array.from(aligned), aligned.length, 'RDI')),
    /stack depth there is not known/,
  );
});

test('rep stos: the fault address agrees anywhere in the RCX elements left to write, up or (DF) down', () => {
  const rep = decodeAccess(Uint8Array.from([0xf3, 0x48, 0xab]))!;
  const at = { line: 0, start: 0, end: 0 };
  const regs = (rdi: string, rcx: string, eflags: string): Register[] => [
    { name: 'RDI', value: rdi, span: at },
    { name: 'RCX', value: rcx, span: at },
    { name: 'EFLAGS', value: eflags, span: at },
  ];
  const up = accessValues(rep, regs('1000', '20', '00000246'), '10f8', null);
  assert.equal(up.agrees, true);
  assert.deepEqual(up.stringRange, { start: 0x1000n, end: 0x1100n });
  assert.match(
    up.notes.join('\n'),
    /RCX == 0x20 elements of 8 bytes left to write from RDI: \[0x1000, 0x1100\); the fault address is in it, \+0xf8 into it/,
  );
  assert.equal(accessValues(rep, regs('1000', '20', '00000246'), '1100', null).agrees, false);
  const down = accessValues(rep, regs('1000', '20', '00000646'), 'f08', null);
  assert.deepEqual(down.stringRange, { start: 0xf08n, end: 0x1008n });
  assert.equal(down.agrees, true);
  // Without RCX: no range, the address alone.
  const bare = accessValues(rep, [{ name: 'RDI', value: '1000', span: at }], '1008', null);
  assert.equal(bare.stringRange, null);
  assert.equal(bare.agrees, false);
});

const skipTools = ['readelf', 'gdb'].filter((t) => !hasTool(t));

test(
  "qemu-hardening recursion: `rep stos` into the VMAP stack's guard page writes `pad[0]`, CFA from the module's CFI, pad's DW_OP_fbreg from gdb",
  { skip: skipTools.length > 0 && `${skipTools.join(', ')} not installed (apt-get install -y binutils gdb)` },
  () => {
    const e = analyzeText(
      readFileSync(join(QEMU_HARDENING_LOGS, 'recursion.console.log'), 'latin1'),
    ).events.find((x) => x.kind === 'stack-guard');
    assert.ok(e?.ip);
    const a = faultAccess(e, evidenceFromFile(openDebugFile(HARDENING_KO), e.ip));
    assert.ok(a);
    const why = `${a.summary}\n${a.notes.join('\n')}`;
    assert.equal(a.instruction, 'rep stos %rax,(%rdi)', why);
    assert.equal(a.expression, 'pad[0]', why);
    assert.deepEqual(
      a.variable && [
        a.variable.name,
        a.variable.kind,
        a.variable.function,
        a.variable.inlinedIn,
        a.variable.type,
      ],
      ['pad', 'local', 'hard_recurse', [], 'volatile char[256]'],
      why,
    );
    // The log: RSP == RDI, CR2 8 below (the exception frame's push), RCX the 32 quadwords of pad.
    const reg = (n: string) =>
      BigInt('0x' + e.registers.find((r) => r.name === n)!.value.replace(/^[0-9a-f]{4}:/, ''));
    assert.equal(reg('RDI'), reg('RSP'));
    assert.equal(a.agreesWithFaultAddress, false, why);
    assert.ok(
      a.notes.some((n) => n.startsWith('the fault address is RSP rounded down to 16, minus 8')),
      why,
    );
    assert.ok(a.notes.includes('`rep stos %rax,(%rdi)` has `pad[0]` … `pad[255]` left to write'), why);
    // readelf: the CFA rule of .debug_frame at hard_recurse+0x2c is rsp+N: our CFA is RSP + N.
    const frames = spawnSync('readelf', ['-wF', HARDENING_KO], { encoding: 'utf8' }).stdout;
    const fde = frames.split(/\n\n/).find((b) => /FDE .* pc=0000000000000040\.\./.test(b));
    assert.ok(fde, 'no FDE for hard_recurse at 0x40');
    const pc = 0x40 + e.ip.offset!;
    let rule = '';
    for (const m of fde.matchAll(/^([0-9a-f]{16}) (\S+)/gm)) if (parseInt(m[1], 16) <= pc) rule = m[2];
    const n = /^rsp\+(\d+)$/.exec(rule);
    assert.ok(n, `CFA rule at 0x${pc.toString(16)}: ${rule}`);
    assert.equal(a.stack?.cfa, '0x' + (reg('RSP') + BigInt(n[1])).toString(16), why);
    // gdb: pad is DW_OP_fbreg -272 in the module, the frame base the CFA; the byte written is CFA-0x110.
    const scope = spawnSync('gdb', ['-batch', '-nx', '-ex', 'info scope hard_recurse', HARDENING_KO], {
      encoding: 'utf8',
    }).stdout;
    const fbreg =
      /Symbol pad is a (?:complex DWARF expression|variable with complex DWARF expression locating its address in memory):\s*0: DW_OP_fbreg (-?\d+)/.exec(
        scope,
      );
    assert.ok(fbreg, scope);
    const k = BigInt(fbreg[1]);
    assert.equal(a.stack?.cfaOffset, `-0x${(-k).toString(16)}`, why);
    assert.equal(a.variable?.location, `the stack at CFA-0x${(-k).toString(16)}`, why);
  },
);

test("the recursion log's CR2 hover: the access wrote `pad[0]` above it, the address is the exception frame's push", () => {
  const text = readFileSync(join(QEMU_HARDENING_LOGS, 'recursion.console.log'), 'latin1');
  const lines = text.split(/\r\n|\r|\n/);
  const analysis = analyzeText(text);
  const line = lines.findIndex((l) => /\bCR2: ffffcf0b8058ff28/.test(l));
  assert.ok(line >= 0);
  const df = openDebugFile(HARDENING_KO);
  const hover =
    explainAt(lines[line], lines[line].indexOf('CR2: ') + 6, {
      line,
      analysis,
      getLine: (n) => lines[n],
      accessOf: (e) => faultAccess(e, evidenceFromFile(df, e.ip!)) ?? undefined,
    })?.markdown ?? '';
  assert.ok(
    hover.includes(
      '**Faulting access:** `rep stos %rax,(%rdi)` wrote `pad[0]` at 0xffffcf0b8058ff30, not this address: the fault address is RSP rounded down to 16, minus 8',
    ),
    hover,
  );
});

test('a fault address inside what a rep stos had left to write, not at RDI: said so, named only when it is the byte named', () => {
  const a = {
    instruction: 'rep stos %rax,(%rdi)',
    address: '0x1000',
    faultAddress: '0x10f8',
    agreesWithFaultAddress: true,
    base: { register: 'RDI', value: '0x1000' },
    expression: 'buf[248]',
    stack: { cfa: '0x1110', byte: '0x10f8', cfaOffset: '-0x18' },
    notes: [],
  } as unknown as FaultAccess;
  assert.equal(
    faultAddressInAccess(a, 0x10f8n),
    '**Faulting access:** `rep stos %rax,(%rdi)` had this address left to write from RDI (0x1000) = `&buf[248]`.',
  );
  assert.equal(
    faultAddressInAccess({ ...a, stack: undefined, expression: 'o->buf' }, 0x10f8n),
    '**Faulting access:** `rep stos %rax,(%rdi)` had this address left to write from RDI (0x1000).',
  );
});
