// The arm64 instruction decoder (access/arm64.ts) against llvm-objdump: every instruction of the real arm64
// buggy.ko, and thousands of generated words of every class it decodes (load/store register in all its
// addressing modes, pairs, literals, LSE atomics, exclusives, load-acquire/store-release, compare-and-swap,
// BR/BLR/RET) assembled with clang's `.inst` and disassembled by llvm-objdump (with the LSE, RCpc and LOR
// extensions the kernel's atomics use). Where llvm-objdump prints a load/store or a branch to a register, ours is the same text;
// where it prints anything else, ours decodes nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeArm64Access } from '../../src/engine/access/arm64';
import type { DecodedAccess } from '../../src/engine';
import { hasTool } from '../symbolize/helpers';
import { accessEventOf, analyzeText, evidenceFromCall, faultAccess, openDebugFile } from '../../src/engine';
import { qemuLog } from '../engine/fixtures';
import { faultEvent, KO_ARM64, withModule } from './helpers';

const clang = ['clang-14', 'clang'].find(hasTool);
const missing = [...(clang ? [] : ['clang-14']), ...(hasTool('llvm-objdump') ? [] : ['llvm-objdump'])];
const skip = missing.length > 0 && `${missing.join(', ')} not installed (apt-get install -y clang-14 llvm)`;

interface Line {
  word: number;
  mnemonic: string;
  operands: string;
}

/** llvm-objdump -d of an aarch64 object: one entry per instruction word. */
function objdump(file: string): Line[] {
  const r = spawnSync('llvm-objdump', ['-d', '--triple=aarch64', MATTR, file], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  assert.equal(r.status, 0, r.stderr);
  return objdumpLines(r.stdout);
}

function objdumpLines(text: string): Line[] {
  const out: Line[] = [];
  for (const m of text.matchAll(/^\s*[0-9a-f]+: ((?:[0-9a-f]{2} ){4}) ?\t(\S+)(?:\t(.*))?$/gm)) {
    const b = m[1]
      .trim()
      .split(' ')
      .map((x) => parseInt(x, 16));
    out.push({
      word: (b[0] | (b[1] << 8) | (b[2] << 16) | (b[3] << 24)) >>> 0,
      mnemonic: m[2],
      // llvm's remarks (`// acquire semantics dropped since destination is zero`) are no operand.
      operands: (m[3] ?? '').replace(/\s*\/\/.*$/, ''),
    });
  }
  return out;
}

/** The extensions whose instructions the decoder reads: LSE atomics and CAS, LDAPR, LDLAR/STLLR. */
const MATTR = '--mattr=+lse,+rcpc,+lor';

/** The classes the decoder handles, by llvm-objdump's mnemonic. */
const MEMORY = /^(?:ld|st)(?:r|ur|tr)(?:b|h|sb|sh|sw)?$|^(?:ld|st)n?p$|^ldpsw$/;
const ATOMIC =
  /^(?:ld(?:add|clr|eor|set|smax|smin|umax|umin)(?:a|al|l)?|st(?:add|clr|eor|set|smax|smin|umax|umin)l?|swp(?:a|al|l)?|cas(?:a|al|l)?)[bh]?$|^casp(?:a|al|l)?$/;
const EXCLUSIVE = /^(?:ld(?:a?xr|ar|lar|apr)|st(?:l?xr|lr|llr))[bh]?$|^(?:lda?xp|stl?xp)$/;
const BRANCH = /^(?:br|blr|ret)$/;

/** Compares our decoding of every line with llvm-objdump's; returns how many were memory/branch accesses. */
function compare(lines: Line[], where: string): number {
  let checked = 0;
  for (const l of lines) {
    const ours = decodeArm64Access(l.word);
    const hex = `${where} 0x${l.word.toString(16).padStart(8, '0')}`;
    if (
      !MEMORY.test(l.mnemonic) &&
      !ATOMIC.test(l.mnemonic) &&
      !EXCLUSIVE.test(l.mnemonic) &&
      !BRANCH.test(l.mnemonic)
    ) {
      assert.equal(
        ours,
        null,
        `${hex}: llvm-objdump says \`${l.mnemonic} ${l.operands}\`, we \`${ours?.text}\``,
      );
      continue;
    }
    // Pointer-authenticated and atomic forms share mnemonics' spelling with none of ours: llvm's text decides.
    assert.ok(ours, `${hex}: llvm-objdump says \`${l.mnemonic} ${l.operands}\`, we decode nothing`);
    const theirs = `${l.mnemonic} ${l.operands}`.trimEnd();
    if (ours.reason?.startsWith('a PC-relative literal load')) {
      // llvm prints the literal's absolute address; the class and the register are what we compare.
      assert.equal(ours.text.split(', ')[0], theirs.split(', ')[0], hex);
      assert.equal(ours.memory, null, hex);
    } else {
      assert.equal(ours.text, theirs, hex);
      if (BRANCH.test(l.mnemonic)) assert.equal(ours.target, l.operands.split(' ')[0] || 'x30', hex);
      else assert.deepEqual(fieldsOf(ours), operandOf(l), `${hex}: ${theirs}`);
    }
    checked++;
  }
  return checked;
}

/** What the engine computes with: base, index, scale, displacement, extend, size. */
function fieldsOf(d: DecodedAccess) {
  const m = d.memory!;
  return {
    base: m.base,
    index: m.index,
    scale: m.scale,
    displacement: Number(m.displacement),
    extend: m.indexExtend ?? null,
    size: d.size,
    kind: d.kind,
  };
}

const REGISTER_BYTES: Record<string, number> = { x: 8, w: 4, b: 1, h: 2, s: 4, d: 8, q: 16 };

/** The same read from llvm-objdump's text: `ldp x29, x30, [sp, #-16]!`, `ldrsh w0, [x1, w2, sxtw #1]`. */
function operandOf(l: Line) {
  const m =
    /\[(\w+)(?:, #(-?\d+)\]!?|, ([wx])(\d+|zr)(?:, (lsl|uxtw|sxtw|sxtx)(?: #(\d))?)?\]|\](?:, #-?\d+)?)$/.exec(
      l.operands,
    );
  assert.ok(m, `no memory operand in ${l.operands}`);
  const atomic = ATOMIC.test(l.mnemonic);
  const byMnemonic = /^(?:ld|st|swp|cas)\w*?(?:(s?b)|(s?h)|(sw))$/.exec(l.mnemonic.replace(/p$/, ''));
  // A store-exclusive's first register is its status (w), the data register follows.
  const data = /^stl?x[rp][bh]?$/.test(l.mnemonic) ? l.operands.split(', ')[1] : l.operands;
  const reg = REGISTER_BYTES[data[0]];
  const one = byMnemonic ? (byMnemonic[1] ? 1 : byMnemonic[2] ? 2 : 4) : l.mnemonic === 'ldpsw' ? 4 : reg;
  const pair = (/p(?:sw)?$/.test(l.mnemonic) && l.mnemonic !== 'swp') || l.mnemonic.startsWith('casp');
  const extend = m[5] === 'uxtw' || m[5] === 'sxtw' ? m[5] : null;
  return {
    base: m[1],
    index: m[3] && m[4] !== 'zr' ? `x${m[4]}` : null,
    scale: 2 ** Number(m[6] ?? 0),
    displacement: Number(m[2] ?? 0),
    extend,
    size: pair ? 2 * one : one,
    // Atomics and compare-and-swap read and write; exclusives and acquire/release loads and stores one of them.
    kind: atomic ? 'rmw' : l.mnemonic.startsWith('ld') ? 'read' : 'write',
  };
}

/** A fixed-seed generator (xorshift32): the same words on every run. */
function words(seed: number, count: number, mask: number, value: number): number[] {
  let x = seed;
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out.push((((x >>> 0) & ~mask) | value) >>> 0);
  }
  return out;
}

/** Encoding classes (mask, value) from the Arm ARM's A64 encoding index, each filled with random bits. */
const CLASSES: [name: string, mask: number, value: number, decodedAtLeast: number][] = [
  ['load/store register, unsigned immediate', 0x3b000000, 0x39000000, 2000],
  ['load/store register, unscaled/pre/post/unprivileged', 0x3b200000, 0x38000000, 1500],
  ['load/store register, register offset', 0x3b200c00, 0x38200800, 1000],
  // Pointer-authenticated loads: not decoded, and never mistaken for ours.
  ['pointer-authenticated loads', 0x3b200400, 0x38200400, 0],
  ['atomic memory operations (LSE), LDAPR', 0x3f200c00, 0x38200000, 1500],
  ['exclusives, load-acquire/store-release, compare-and-swap', 0x3f000000, 0x08000000, 1800],
  ['load/store pair', 0x3a000000, 0x28000000, 1500],
  ['load register literal', 0x3b000000, 0x18000000, 1500],
  // Mostly unallocated and pointer-authenticated forms: none of ours may appear where llvm sees none.
  ['branch to register', 0xfe000000, 0xd6000000, 0],
  ['branch to register, no pointer authentication', 0xfe1ffc1f, 0xd61f0000, 500],
];

test('every instruction of the arm64 buggy.ko decodes as llvm-objdump decodes it', { skip }, () => {
  const n = compare(objdump(KO_ARM64), 'buggy.ko');
  assert.ok(n >= 100, `only ${n} loads, stores and register branches in buggy.ko`);
});

test(
  'generated words of every load/store and register-branch class decode as llvm-objdump decodes them',
  { skip },
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'oops-lens-arm64-'));
    try {
      for (const [i, [name, mask, value, atLeast]] of CLASSES.entries()) {
        const ws = words(0x9e3779b9 + i, 3000, mask, value);
        writeFileSync(join(dir, 'w.s'), `.text\n${ws.map((w) => `.inst 0x${w.toString(16)}`).join('\n')}\n`);
        const r = spawnSync(
          clang!,
          ['--target=aarch64-linux-gnu', '-c', join(dir, 'w.s'), '-o', join(dir, 'w.o')],
          {
            encoding: 'utf8',
          },
        );
        assert.equal(r.status, 0, r.stderr);
        const lines = objdump(join(dir, 'w.o'));
        assert.equal(lines.length, ws.length, name);
        const n = compare(lines, name);
        assert.ok(n >= atLeast, `${name}: ${n} of ${ws.length} words decoded`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

/** The arm64 memory faults of the corpus (the others are BUG/WARN/lockups/panics: no access to explain). */
const FAULTS = ['null_read', 'null_write', 'gpf', 'inline', 'null_wq', 'init_null_read'];

/** llvm-objdump's instruction at `symbol+offset` of the arm64 buggy.ko. */
function objdumpAt(symbol: string, offset: number): Line {
  const r = spawnSync('llvm-objdump', ['-d', '--triple=aarch64', KO_ARM64], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  const text = r.stdout.split(`<${symbol}>:\n`)[1];
  assert.ok(text, `llvm-objdump shows no ${symbol}`);
  const start = parseInt(/^\s*([0-9a-f]+):/.exec(text)![1], 16);
  const at = (start + offset).toString(16);
  const line = text.split('\n').find((l) => l.trimStart().startsWith(`${at}:`));
  assert.ok(line, `no instruction at ${symbol}+0x${offset.toString(16)}`);
  const [found] = objdumpLines(line);
  return found;
}

test(
  "arm64: the faulting instruction from buggy.ko is llvm-objdump's at the pc, the Code: word decodes the same, the address is the one the kernel printed",
  { skip },
  () => {
    for (const sc of FAULTS) {
      const e = faultEvent(sc, 'arm64');
      const a = withModule(e);
      const why = `${sc}: ${a.summary} ${a.notes.join('; ')}`;
      const oracle = objdumpAt(e.ip!.function!, e.ip!.offset!);
      assert.equal(a.bytesFrom, 'debug file', why);
      assert.equal(a.instruction, `${oracle.mnemonic} ${oracle.operands}`, why);
      const operand = operandOf(oracle);
      assert.equal(a.base?.register, operand.base, why);
      assert.equal(a.size, operand.size, why);
      assert.equal(a.kind, operand.kind, why);
      // The register's value and the fault address read from the log with patterns of our own.
      const log = qemuLog('arm64', sc);
      const value = new RegExp(`\\b${operand.base} ?: ([0-9a-f]{16})`).exec(log)![1];
      assert.equal(a.base?.value, '0x' + BigInt('0x' + value).toString(16), why);
      const far = /Unable to handle kernel .* at virtual address ([0-9a-f]{16})/.exec(log)![1];
      const address = BigInt('0x' + value) + BigInt(operand.displacement);
      assert.equal(a.address, '0x' + address.toString(16), why);
      assert.equal(a.faultAddress, '0x' + BigInt('0x' + far).toString(16), why);
      assert.equal(a.agreesWithFaultAddress, BigInt('0x' + far) === address, why);
      assert.equal(a.agreesWithFaultAddress, true, why);
      // Without the debug file the log's Code: word (when it printed one) gives the same instruction.
      const fromLog = faultAccess(e)!;
      if (/Code: bad PC value/.test(log)) {
        assert.equal(fromLog.instruction, '', sc);
        assert.match(fromLog.summary, /^faulting access unknown: the Code: line holds no instruction bytes/);
      } else {
        assert.equal(fromLog.bytesFrom, 'Code: line', sc);
        assert.equal(fromLog.instruction, a.instruction, sc);
        assert.equal(fromLog.address, a.address, sc);
      }
    }
  },
);

test(
  "arm64: a call through a NULL function pointer (pc : 0x0) is the blr right before lr's return address, per llvm-objdump",
  { skip },
  () => {
    // null_read's oops as `buggy_scenarios[i].fn()` with a NULL fn would print it: pc 0x0, lr in the
    // dispatcher (whose frame record is not on the trace), the fault address 0.
    const lr = 'buggy_dispatch+0x68/0xa0 [buggy]';
    const log = qemuLog('arm64', 'null_read')
      .replace('at virtual address 0000000000000010', 'at virtual address 0000000000000000')
      .replace('pc : buggy_null_read_level2+0x8/0x20 [buggy]', 'pc : 0x0')
      .replace('lr : buggy_null_read_level1+0x18/0x30 [buggy]', `lr : ${lr}`)
      .split('\n')
      .filter((l) => !/\] {2}buggy_(?:null_read(?:_level2)?|dispatch)\+/.test(l))
      .join('\n')
      .replace(/(Call trace:\r?\n)/, '$1[    5.688351]  0x0\n');
    const e = analyzeText(log).events.find((x) => x.registers.length);
    assert.ok(e && !e.ip, 'pc 0x0 is no frame');
    const caller = accessEventOf(e).caller;
    assert.equal(caller?.function, 'buggy_dispatch');
    const a = faultAccess(e, evidenceFromCall(openDebugFile(KO_ARM64), caller!))!;
    const why = `${a.summary} ${a.notes.join('; ')}`;
    const oracle = objdumpAt('buggy_dispatch', caller!.offset! - 4);
    assert.equal(oracle.mnemonic, 'blr');
    assert.equal(a.instruction, `${oracle.mnemonic} ${oracle.operands}`, why);
    assert.equal(a.function, 'buggy_dispatch');
    assert.equal(a.offset, caller!.offset! - 4);
    assert.equal(a.kind, 'exec');
    const value = new RegExp(`\\b${oracle.operands} ?: ([0-9a-f]{16})`).exec(log)![1];
    assert.deepEqual(a.base, { register: oracle.operands, value: '0x' + BigInt('0x' + value).toString(16) });
    assert.equal(a.address, '0x0');
    assert.equal(a.agreesWithFaultAddress, true);
    assert.match(a.summary, /^calling through x0 == NULL at buggy_dispatch\+0x64 \(`blr x0`\)/, why);
  },
);

test('an arm64 fault at an instruction the decoder does not read says which classes it reads, never guesses', () => {
  const e = faultEvent('null_write', 'arm64');
  // `ld1 { v0.16b }, [x19]` (a vector structure load, 0x4c407260): a data-abort site the hand decoder leaves out.
  const a = faultAccess({ ...e, code: 'f941c433 91034000 940000a1 d2824680 (4c407260)' })!;
  assert.equal(a.instruction, '');
  assert.match(
    a.summary,
    /^faulting access unknown: the instruction at the PC \(4c407260\) is in none of the classes/,
  );
});

test('an LSE atomic at the PC (atomic_add with CONFIG_ARM64_LSE_ATOMICS) is a read-modify-write of its base', () => {
  const e = faultEvent('null_write', 'arm64');
  // `ldadd x1, x0, [x19]` (0xf8210260): x19 is the base the atomic updates.
  const a = faultAccess({ ...e, code: 'f941c433 91034000 940000a1 d2824680 (f8210260)' })!;
  assert.equal(a.instruction, 'ldadd x1, x0, [x19]');
  assert.equal(a.kind, 'rmw');
  assert.equal(a.size, 8);
  assert.equal(a.base?.register, 'x19');
});

const skipMc =
  !(hasTool('llvm-mc') && hasTool('llvm-objdump')) &&
  'llvm-mc, llvm-objdump not installed (apt-get install -y llvm)';

/** A tail call by `br`: tcaller's `bl tcallee` leaves lr, tcallee jumps on through x1 or x2. */
const TAIL_ASM = `
	.text
	.globl	tcaller
	.type	tcaller,%function
tcaller:
	stp	x29, x30, [sp, #-16]!
	bl	tcallee
	ldp	x29, x30, [sp], #16
	ret
	.size	tcaller, .-tcaller
	.globl	tcallee
	.type	tcallee,%function
tcallee:
	cbz	w0, 1f
	br	x1
1:	br	x2
	.size	tcallee, .-tcallee
`;

test(
  'arm64: a tail call through a NULL pointer (pc 0x0, lr after a bl) is the br in the callee whose register holds 0, per llvm-objdump',
  { skip: skipMc },
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'oops-lens-tail-'));
    try {
      const obj = join(dir, 'tail.o');
      writeFileSync(join(dir, 'tail.s'), TAIL_ASM);
      const mc = spawnSync('llvm-mc', [
        '-triple=aarch64-linux-gnu',
        '-g',
        '-filetype=obj',
        '-o',
        obj,
        join(dir, 'tail.s'),
      ]);
      assert.equal(mc.status, 0, String(mc.stderr));
      // llvm-objdump: where tcaller's bl returns to, and where tcallee's br instructions are.
      const dis = spawnSync('llvm-objdump', ['-d', '-r', obj], { encoding: 'utf8' }).stdout;
      const rows = [...dis.matchAll(/^\s*([0-9a-f]+):\s+(?:[0-9a-f]{2} ){4}\s*(\w+)\s*(.*)$/gm)].map((m) => ({
        at: parseInt(m[1], 16),
        mnemonic: m[2],
        operands: m[3].trim(),
      }));
      const bl = rows.find((r) => r.mnemonic === 'bl')!;
      assert.match(dis, /R_AARCH64_CALL26\s+tcallee/);
      const callee = parseInt(/^([0-9a-f]+) <tcallee>:/m.exec(dis)![1], 16);
      const brX1 = rows.find((r) => r.mnemonic === 'br' && r.operands === 'x1')!;
      // The null_read oops as a tail call would print it: pc 0x0, lr after tcaller's bl.
      const lr = `tcaller+0x${(bl.at + 4).toString(16)}/0x10 [tail]`;
      const log = qemuLog('arm64', 'null_read')
        .replace('at virtual address 0000000000000010', 'at virtual address 0000000000000000')
        .replace('pc : buggy_null_read_level2+0x8/0x20 [buggy]', 'pc : 0x0')
        .replace('lr : buggy_null_read_level1+0x18/0x30 [buggy]', `lr : ${lr}`);
      const e = analyzeText(log).events.find((x) => x.registers.length)!;
      const df = openDebugFile(obj);
      const withRegisters = (x1: string, x2: string) => ({
        ...e,
        registers: e.registers.map((r) =>
          r.name === 'x1' ? { ...r, value: x1 } : r.name === 'x2' ? { ...r, value: x2 } : r,
        ),
      });
      const zero = '0000000000000000';
      const chosen = withRegisters(zero, 'ffff800008123456');
      const caller = accessEventOf(chosen).caller!;
      assert.equal(caller.function, 'tcaller');
      const a = faultAccess(chosen, evidenceFromCall(df, caller, chosen))!;
      const why = `${a.summary} ${a.notes.join('; ')}`;
      assert.equal(a.function, 'tcallee', why);
      assert.equal(a.offset, brX1.at - callee, why);
      assert.equal(a.instruction, 'br x1', why);
      assert.deepEqual(a.base, { register: 'x1', value: '0x0' });
      assert.ok(
        a.notes.some((n) => n.startsWith('a tail call:')),
        why,
      );
      // Both registers 0: either br could be it, and neither is named.
      const both = withRegisters(zero, zero);
      const b = faultAccess(both, evidenceFromCall(df, caller, both))!;
      assert.equal(b.instruction, '', b.summary);
      assert.ok(
        b.notes.some((n) => /tcallee has 2 indirect jumps/.test(n)),
        b.notes.join('; '),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
