// The arm64 instruction decoder (access/arm64.ts) against llvm-objdump: every instruction of the real arm64
// buggy.ko, and thousands of generated words of every class it decodes (load/store register in all its
// addressing modes, pairs, literals, BR/BLR/RET) assembled with clang's `.inst` and disassembled by
// llvm-objdump. Where llvm-objdump prints a load/store or a branch to a register, ours is the same text;
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
import { KO_ARM64 } from './helpers';

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
  const r = spawnSync('llvm-objdump', ['-d', '--triple=aarch64', file], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  assert.equal(r.status, 0, r.stderr);
  const out: Line[] = [];
  for (const m of r.stdout.matchAll(/^\s*[0-9a-f]+: ((?:[0-9a-f]{2} ){4}) ?\t(\S+)(?:\t(.*))?$/gm)) {
    const b = m[1]
      .trim()
      .split(' ')
      .map((x) => parseInt(x, 16));
    out.push({
      word: (b[0] | (b[1] << 8) | (b[2] << 16) | (b[3] << 24)) >>> 0,
      mnemonic: m[2],
      operands: m[3] ?? '',
    });
  }
  return out;
}

/** The classes the decoder handles, by llvm-objdump's mnemonic. */
const MEMORY = /^(?:ld|st)(?:r|ur|tr)(?:b|h|sb|sh|sw)?$|^(?:ld|st)n?p$|^ldpsw$/;
const BRANCH = /^(?:br|blr|ret)$/;

/** Compares our decoding of every line with llvm-objdump's; returns how many were memory/branch accesses. */
function compare(lines: Line[], where: string): number {
  let checked = 0;
  for (const l of lines) {
    const ours = decodeArm64Access(l.word);
    const hex = `${where} 0x${l.word.toString(16).padStart(8, '0')}`;
    if (!MEMORY.test(l.mnemonic) && !BRANCH.test(l.mnemonic)) {
      assert.equal(
        ours,
        null,
        `${hex}: llvm-objdump says \`${l.mnemonic} ${l.operands}\`, we \`${ours?.text}\``,
      );
      continue;
    }
    // Pointer-authenticated and atomic forms share mnemonics' spelling with none of ours: llvm's text decides.
    assert.ok(ours, `${hex}: llvm-objdump says \`${l.mnemonic} ${l.operands}\`, we decode nothing`);
    const theirs = `${l.mnemonic}\t${l.operands}`.trimEnd();
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
  const byMnemonic = /^(?:ld|st)\w*?(?:(s?b)|(s?h)|(sw))$/.exec(l.mnemonic.replace(/p$/, ''));
  const reg = REGISTER_BYTES[l.operands[0]];
  const one = byMnemonic ? (byMnemonic[1] ? 1 : byMnemonic[2] ? 2 : 4) : l.mnemonic === 'ldpsw' ? 4 : reg;
  const pair = /p(?:sw)?$/.test(l.mnemonic);
  const extend = m[5] === 'uxtw' || m[5] === 'sxtw' ? m[5] : null;
  return {
    base: m[1],
    index: m[3] && m[4] !== 'zr' ? `x${m[4]}` : null,
    scale: 2 ** Number(m[6] ?? 0),
    displacement: Number(m[2] ?? 0),
    extend,
    size: pair ? 2 * one : one,
    kind: l.mnemonic.startsWith('ld') ? 'read' : 'write',
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
  // Atomics (LDADD, SWP, …) and pointer-authenticated loads: not decoded, and never mistaken for ours.
  ['atomic memory operations, pointer-authenticated loads', 0x3b200400, 0x38200400, 0],
  ['atomic memory operations', 0x3b200c00, 0x38200000, 0],
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
