// A small x86-64 decoder for what the faulting-access explanation asks of one instruction: its length, its
// memory operand (base, index, scale, displacement), the access kind and size, the general-purpose registers
// it writes, its control flow, and its text as the engine's iced-x86 formatter prints it (GNU as syntax).
//
// Why by hand: iced-x86 costs a cold process about 50 ms of CPU before its first formatted instruction (its
// 900 KB glue, then its decoder, instruction-info and formatter tables built in WebAssembly), against the
// 20 ms issue 13 allows the whole explanation on a cold `oops-lens decode`. This covers the instructions
// compilers emit in kernel code (integer ALU, moves, loads and stores, string instructions, branches, calls,
// atomics, multi-byte nops); anything else — SSE/AVX, VEX/EVEX, system instructions with operands, 32-bit
// addressing, unusual prefix combinations — decodes to null and the caller falls back to iced-x86, so no
// instruction is ever explained less well than before. The test compares every instruction this decodes,
// field for field, with iced-x86 on whole .text sections (buggy.ko, access.ko, opt-in vmlinux).
import type { AccessKind, MemoryOperand } from './instruction';

/** The 16 general-purpose registers in encoding order, named as the register dump prints them. */
export const X86_64_GPRS = [
  'RAX',
  'RCX',
  'RDX',
  'RBX',
  'RSP',
  'RBP',
  'RSI',
  'RDI',
  'R8',
  'R9',
  'R10',
  'R11',
  'R12',
  'R13',
  'R14',
  'R15',
];

export type X86Flow = 'next' | 'call' | 'indirect-call' | 'branch' | 'indirect-branch' | 'return' | 'stop';

export interface X86MemoryAccess {
  operand: MemoryOperand;
  /** null: the operand is an address, not accessed (lea, nop, prefetch). */
  access: AccessKind | null;
  /** Bytes accessed; null when a rep prefix makes it a count. */
  size: number | null;
  /** `%fs`/`%gs` when the operand has that prefix. */
  segment: 'FS' | 'GS' | null;
}

export interface X86Instruction {
  length: number;
  /** GNU as text, one space after the mnemonic: `mov 0x8(%rdi),%rax`, `movq $0x0,0x8(%rdi)`. */
  text: string;
  flow: X86Flow;
  /** Direct branch or call target, as a byte offset in the same numbering as `at`. */
  target: number | null;
  /** The explicit memory operands (string instructions have two; source first as printed). */
  memory: X86MemoryAccess[];
  /** Full names (`RAX`) of the general-purpose registers the instruction writes, partially or conditionally. */
  writes: string[];
  /** `mov %rsi,%rax`: a 64-bit register copy. */
  copy: { from: string; into: string } | null;
  /** `mov 0x8(%rdi),%rax`: a 64-bit load into a 64-bit register. */
  load: { into: string; memory: MemoryOperand; segment: 'FS' | 'GS' | null } | null;
  /** `mov %rax,0x8(%rsp)`: a 64-bit register stored. */
  store: { from: string; memory: MemoryOperand; segment: 'FS' | 'GS' | null } | null;
  /** `lea 0x10(%rdi),%rax`: the address computed, into a register of `size` bytes. */
  address: { into: string; size: number; memory: MemoryOperand } | null;
  /** `call *%rax` / `jmp *%rax`: the register holding the target. */
  through: string | null;
}

const R64 = ['rax', 'rcx', 'rdx', 'rbx', 'rsp', 'rbp', 'rsi', 'rdi'];
const R32 = ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi'];
const R16 = ['ax', 'cx', 'dx', 'bx', 'sp', 'bp', 'si', 'di'];
const R8_REX = ['al', 'cl', 'dl', 'bl', 'spl', 'bpl', 'sil', 'dil'];
const R8_LEGACY = ['al', 'cl', 'dl', 'bl', 'ah', 'ch', 'dh', 'bh'];
const CC = ['o', 'no', 'b', 'ae', 'e', 'ne', 'be', 'a', 's', 'ns', 'p', 'np', 'l', 'ge', 'le', 'g'];
const ALU = ['add', 'or', 'adc', 'sbb', 'and', 'sub', 'xor', 'cmp'];
const SHIFT = ['rol', 'ror', 'rcl', 'rcr', 'shl', 'shr', null, 'sar'];
const SUFFIX: Record<number, string> = { 1: 'b', 2: 'w', 4: 'l', 8: 'q' };

function regName(n: number, size: number, rex: boolean): string {
  if (n >= 8) return 'r' + n + (size === 8 ? '' : size === 4 ? 'd' : size === 2 ? 'w' : 'b');
  const table = size === 8 ? R64 : size === 4 ? R32 : size === 2 ? R16 : rex ? R8_REX : R8_LEGACY;
  return table[n];
}

const hex = (v: bigint) => '0x' + v.toString(16);
const signedHex = (v: bigint) => (v < 0n ? '-0x' + (-v).toString(16) : '0x' + v.toString(16));
const MASK = (bits: number) => (1n << BigInt(bits)) - 1n;

type Operand =
  | { kind: 'reg'; n: number; size: number; high: boolean; star?: boolean }
  | { kind: 'mem'; m: MemoryOperand; dispBytes: number; star?: boolean }
  | { kind: 'imm'; value: bigint; size: number }
  | { kind: 'text'; text: string }
  /** A branch target (printed from the shape's target). */
  | { kind: 'rel' };

/** Decoder state of one instruction. */
class Cursor {
  at = 0;
  constructor(readonly b: Uint8Array) {}
  byte(): number {
    if (this.at >= this.b.length || this.at >= 15) throw OUT;
    return this.b[this.at++];
  }
  signed(bytes: 1 | 2 | 4): bigint {
    let v = 0n;
    for (let i = 0; i < bytes; i++) v |= BigInt(this.byte()) << BigInt(8 * i);
    return BigInt.asIntN(bytes * 8, v);
  }
}
/** Thrown when the bytes end inside the instruction. */
const OUT = new Error('truncated');

interface Prefixes {
  lock: boolean;
  rep: 'rep' | 'repne' | null;
  opsize: boolean;
  segment: 'FS' | 'GS' | 'CS' | 'DS' | null;
  rexW: boolean;
  rexR: number;
  rexX: number;
  rexB: number;
  rex: boolean;
}

interface ModRM {
  mod: number;
  reg: number;
  rm: number;
  /** The r/m operand as memory, when mod != 3. */
  mem: { m: MemoryOperand; dispBytes: number } | null;
}

function modrm(c: Cursor, p: Prefixes): ModRM | null {
  const x = c.byte();
  const mod = x >> 6;
  const reg = ((x >> 3) & 7) | p.rexR;
  const low = x & 7;
  if (mod === 3) return { mod, reg, rm: low | p.rexB, mem: null };
  let base: number | null = null;
  let index: number | null = null;
  let scale = 1;
  let rip = false;
  let dispBytes: 0 | 1 | 4 = mod === 1 ? 1 : mod === 2 ? 4 : 0;
  if (low === 4) {
    const sib = c.byte();
    scale = 1 << (sib >> 6);
    const i = ((sib >> 3) & 7) | p.rexX;
    index = i === 4 ? null : i;
    // No index with a scale: no compiler writes it, iced prints it oddly (`(%rsp,)`); left to iced.
    if (index === null && scale !== 1) return null;
    const b = sib & 7;
    if (b === 5 && mod === 0) dispBytes = 4;
    else base = b | p.rexB;
  } else if (low === 5 && mod === 0) {
    rip = true;
    dispBytes = 4;
  } else base = low | p.rexB;
  const disp = dispBytes ? c.signed(dispBytes) : 0n;
  const m: MemoryOperand = {
    base: rip ? 'RIP' : base === null ? null : X86_64_GPRS[base],
    index: index === null ? null : X86_64_GPRS[index],
    scale,
    displacement: disp,
    addressBits: 64,
  };
  return { mod, reg, rm: low, mem: { m, dispBytes } };
}

/** iced's GNU as text of a memory operand (zero displacements and scale 1 left out, as it prints them). */
function memText(m: MemoryOperand, segment: Prefixes['segment'], dispBytes: number): string {
  const seg = segment === 'FS' || segment === 'GS' ? `%${segment.toLowerCase()}:` : '';
  if (m.base === 'RIP') return `${seg}${m.displacement === 0n ? '' : signedHex(m.displacement)}(%rip)`;
  if (!m.base && !m.index) return seg + hex(m.displacement & MASK(64));
  const regs =
    (m.base ? '%' + m.base.toLowerCase() : '') +
    (m.index ? `,%${m.index.toLowerCase()}${m.scale === 1 ? '' : ',' + m.scale}` : '');
  const disp = m.displacement === 0n || dispBytes === 0 ? '' : signedHex(m.displacement);
  return `${seg}${disp}(${regs})`.replace(/%(r\d+)\b/g, (_, r: string) => '%' + r.toLowerCase());
}

/** What one opcode does, given its decoded operands. */
interface Shape {
  mnemonic: string;
  /** Intel order: destination first. */
  operands: Operand[];
  /** Access of the memory operand when there is one. */
  access?: AccessKind | null;
  /** Size of the memory operand. */
  memSize?: number | null;
  /** Print the size suffix (a memory operand and no register to give its size). */
  suffix?: number;
  flow?: X86Flow;
  target?: number | null;
  /** Written registers beyond a register destination. */
  implicitWrites?: number[];
  /** The destination register operand is not written (cmp, test, bt). */
  noDestWrite?: boolean;
  /** Print the mnemonic verbatim with no operands. */
  bare?: boolean;
  /** Extra prefix text (`lock `, `rep `). */
  prefix?: string;
  /** String instruction memory operands (RSI source / RDI destination). */
  strings?: ('RSI' | 'RDI')[];
}

const RAX = 0;
const RCX = 1;
const RDX = 2;
const RBX = 3;
const RSP = 4;
const RBP = 5;
const RSI = 6;
const RDI = 7;

/**
 * The instruction at the start of `bytes` (`at`: its offset, for branch targets), or null when it is outside
 * what this decoder covers (the caller asks iced-x86) or the bytes end inside it.
 */
export function decodeX86(bytes: Uint8Array, at = 0): X86Instruction | null {
  try {
    return decodeOne(bytes, at);
  } catch (e) {
    if (e === OUT) return null;
    throw e;
  }
}

function decodeOne(bytes: Uint8Array, at: number): X86Instruction | null {
  const c = new Cursor(bytes);
  const p: Prefixes = {
    lock: false,
    rep: null,
    opsize: false,
    segment: null,
    rexW: false,
    rexR: 0,
    rexX: 0,
    rexB: 0,
    rex: false,
  };
  let opcode = c.byte();
  let opsizeCount = 0;
  for (;;) {
    if (opcode === 0xf0 && !p.lock) p.lock = true;
    else if ((opcode === 0xf3 || opcode === 0xf2) && !p.rep) p.rep = opcode === 0xf3 ? 'rep' : 'repne';
    else if (opcode === 0x66 && opsizeCount < 2) {
      p.opsize = true;
      opsizeCount++;
    } else if ((opcode === 0x64 || opcode === 0x65) && !p.segment) p.segment = opcode === 0x64 ? 'FS' : 'GS';
    else if ((opcode === 0x2e || opcode === 0x3e) && !p.segment) p.segment = opcode === 0x2e ? 'CS' : 'DS';
    else break;
    opcode = c.byte();
  }
  if (opcode >= 0x40 && opcode <= 0x4f) {
    p.rex = true;
    p.rexW = (opcode & 8) !== 0;
    p.rexR = opcode & 4 ? 8 : 0;
    p.rexX = opcode & 2 ? 8 : 0;
    p.rexB = opcode & 1 ? 8 : 0;
    opcode = c.byte();
  }
  const shape = opcode === 0x0f ? twoByte(c, p, c.byte()) : oneByte(c, p, opcode);
  if (!shape) return null;
  let targetText = '';
  if (shape.target !== undefined && shape.target !== null) {
    // Past 2^53 (a negative offset wrapped) the number is rounded as iced-x86's is; the text is exact.
    const absolute = BigInt.asUintN(64, BigInt(shape.target + at + c.at));
    shape.target = Number(absolute);
    targetText = hex(absolute);
  }
  // Prefixes the shape did not take: CS/DS only on nops (iced hides them there), two 0x66 only on a nop.
  if ((p.segment === 'CS' || p.segment === 'DS') && shape.mnemonic !== 'nopw' && shape.mnemonic !== 'nopl')
    return null;
  if (opsizeCount > 1 && shape.mnemonic !== 'nopw') return null;
  if (p.lock && !shape.prefix?.startsWith('lock')) return null;
  // F3/F2 belong to string instructions, pause and endbr64; elsewhere iced prints them (`bnd ret`): left to it.
  if (p.rep && !shape.prefix?.startsWith('rep') && shape.mnemonic !== 'pause' && shape.mnemonic !== 'endbr64')
    return null;
  return finish(shape, c.at, p, targetText);
}

function finish(shape: Shape, length: number, p: Prefixes, targetText: string): X86Instruction {
  const ops = shape.operands;
  const memory: X86MemoryAccess[] = [];
  const writes = new Set<number>(shape.implicitWrites ?? []);
  const segment = p.segment === 'FS' || p.segment === 'GS' ? p.segment : null;
  const [dst, src] = ops;
  if (dst?.kind === 'reg' && !shape.noDestWrite) writes.add(dst.n);
  if (shape.access !== null)
    for (const o of ops)
      if (o.kind === 'mem')
        memory.push({ operand: o.m, access: shape.access ?? 'read', size: shape.memSize ?? null, segment });
  for (const s of shape.strings ?? [])
    memory.push({
      operand: { base: s, index: null, scale: 1, displacement: 0n, addressBits: 64 },
      access: s === 'RDI' ? 'write' : 'read',
      size: shape.memSize ?? null,
      segment: null,
    });
  const full = (o: Operand) => (o.kind === 'reg' ? X86_64_GPRS[o.n] : '');
  const is64 = (o: Operand | undefined): o is Extract<Operand, { kind: 'reg' }> =>
    o?.kind === 'reg' && o.size === 8;
  const mov = shape.mnemonic === 'mov';
  const text = shape.bare
    ? shape.mnemonic
    : `${shape.prefix ?? ''}${shape.mnemonic}${shape.suffix ? SUFFIX[shape.suffix] : ''} ` +
      [...ops]
        .reverse()
        .map((o) => operandText(o, p, targetText))
        .join(',');
  return {
    length,
    text: text.trimEnd(),
    flow: shape.flow ?? 'next',
    target: shape.target ?? null,
    memory,
    writes: [...writes].sort((a, b) => a - b).map((n) => X86_64_GPRS[n]),
    copy: mov && is64(dst) && is64(src) ? { from: full(src), into: full(dst) } : null,
    load: mov && is64(dst) && src?.kind === 'mem' ? { into: full(dst), memory: src.m, segment } : null,
    store: mov && dst?.kind === 'mem' && is64(src) ? { from: full(src), memory: dst.m, segment } : null,
    address:
      shape.mnemonic === 'lea' && dst?.kind === 'reg' && src?.kind === 'mem'
        ? { into: full(dst), size: dst.size, memory: src.m }
        : null,
    through: shape.flow?.startsWith('indirect') && dst?.kind === 'reg' ? full(dst) : null,
  };
}

function operandText(o: Operand, p: Prefixes, targetText: string): string {
  switch (o.kind) {
    case 'reg':
      return (o.star ? '*%' : '%') + (o.high ? R8_LEGACY[o.n + 4] : regName(o.n, o.size, p.rex));
    case 'mem':
      return (o.star ? '*' : '') + memText(o.m, p.segment, o.dispBytes);
    case 'imm':
      return '$' + hex(o.value & MASK(o.size * 8));
    case 'text':
      return o.text;
    case 'rel':
      return targetText;
  }
}

/** Operand size of an instruction whose default is 32 bits. */
const vSize = (p: Prefixes) => (p.rexW ? 8 : p.opsize ? 2 : 4);

function reg(n: number, size: number, p: Prefixes): Operand {
  // AH..BH (8-bit registers 4-7 without REX) are bits 8-15 of RAX..RBX: `n` is the full register.
  const high = size === 1 && !p.rex && n >= 4 && n < 8;
  return { kind: 'reg', n: high ? n - 4 : n, size, high };
}
function rmOperand(r: ModRM, size: number, p: Prefixes): Operand {
  if (r.mem) return { kind: 'mem', ...r.mem };
  return reg(r.rm | p.rexB, size, p);
}
function regOperand(r: ModRM, size: number, p: Prefixes): Operand {
  return reg(r.reg, size, p);
}
function imm(c: Cursor, bytes: 1 | 2 | 4, size: number): Operand {
  return { kind: 'imm', value: c.signed(bytes), size };
}

/** Suffix when a memory operand has no register operand to give its size. */
function sized(s: Shape, size: number): Shape {
  const hasMem = s.operands.some((o) => o.kind === 'mem');
  const hasReg = s.operands.some((o) => o.kind === 'reg');
  return hasMem && !hasReg ? { ...s, suffix: size } : s;
}

function locked(s: Shape, p: Prefixes): Shape {
  if (!p.lock) return s;
  // lock is only valid with a memory destination, and never on cmp.
  if (s.operands[0]?.kind !== 'mem' || s.mnemonic === 'cmp') return { ...s, prefix: undefined };
  return { ...s, prefix: 'lock ' };
}

function oneByte(c: Cursor, p: Prefixes, op: number): Shape | null {
  const v = vSize(p);
  // ALU: add/or/adc/sbb/and/sub/xor/cmp in their six forms.
  if (op < 0x40 && (op & 7) < 6) {
    const mn = ALU[op >> 3];
    const form = op & 7;
    const size = form & 1 ? v : 1;
    const isCmp = mn === 'cmp';
    if (form < 4) {
      const r = modrm(c, p);
      if (!r) return null;
      const e = rmOperand(r, size, p);
      const g = regOperand(r, size, p);
      const ops = form < 2 ? [e, g] : [g, e];
      const toMem = form < 2 && e.kind === 'mem';
      return locked(
        {
          mnemonic: mn,
          operands: ops.map((o) => o),
          access: toMem ? (isCmp ? 'read' : 'rmw') : 'read',
          memSize: size,
          noDestWrite: isCmp,
        },
        p,
      );
    }
    const o = imm(c, form === 4 ? 1 : v === 2 ? 2 : 4, form === 4 ? 1 : v);
    return { mnemonic: mn, operands: [reg(RAX, form === 4 ? 1 : v, p), o], noDestWrite: isCmp };
  }
  if (op >= 0x50 && op <= 0x57)
    return {
      mnemonic: 'push',
      operands: [{ kind: 'reg', n: (op & 7) | p.rexB, size: p.opsize ? 2 : 8, high: false }],
      noDestWrite: true,
      implicitWrites: [RSP],
      ...(p.opsize ? { suffix: undefined } : {}),
    };
  if (op >= 0x58 && op <= 0x5f)
    return {
      mnemonic: 'pop',
      operands: [{ kind: 'reg', n: (op & 7) | p.rexB, size: p.opsize ? 2 : 8, high: false }],
      implicitWrites: [RSP],
    };
  if (op === 0x63 && p.rexW) {
    const r = modrm(c, p);
    if (!r) return null;
    const src = rmOperand(r, 4, p);
    return {
      mnemonic: src.kind === 'mem' ? 'movslq' : 'movslq',
      operands: [regOperand(r, 8, p), src],
      memSize: 4,
    };
  }
  if (op === 0x68 || op === 0x6a) {
    if (p.opsize) return null;
    const o = imm(c, op === 0x68 ? 4 : 1, 8);
    return { mnemonic: 'push', operands: [o], implicitWrites: [RSP] };
  }
  if (op === 0x69 || op === 0x6b) {
    const r = modrm(c, p);
    if (!r) return null;
    const src = rmOperand(r, v, p);
    const dst = regOperand(r, v, p);
    const i = imm(c, op === 0x6b ? 1 : v === 2 ? 2 : 4, v);
    // iced prints the two-operand form when the source is the destination.
    const same = src.kind === 'reg' && dst.kind === 'reg' && src.n === dst.n;
    return { mnemonic: 'imul', operands: same ? [dst, i] : [dst, src, i], memSize: v };
  }
  if (op >= 0x70 && op <= 0x7f) {
    const rel = c.signed(1);
    return {
      mnemonic: 'j' + CC[op & 15],
      operands: [{ kind: 'rel' }],
      flow: 'branch',
      target: Number(rel),
    };
  }
  if (op >= 0x80 && op <= 0x83 && op !== 0x82) {
    const r = modrm(c, p);
    if (!r) return null;
    const size = op === 0x80 ? 1 : v;
    const e = rmOperand(r, size, p);
    const i = imm(c, op === 0x81 ? (v === 2 ? 2 : 4) : 1, size);
    const mn = ALU[r.reg & 7];
    const isCmp = mn === 'cmp';
    return locked(
      sized(
        {
          mnemonic: mn,
          operands: [e, i],
          access: isCmp ? 'read' : 'rmw',
          memSize: size,
          noDestWrite: isCmp,
        },
        size,
      ),
      p,
    );
  }
  if (op === 0x84 || op === 0x85) {
    const r = modrm(c, p);
    if (!r) return null;
    const size = op === 0x84 ? 1 : v;
    return {
      mnemonic: 'test',
      operands: [rmOperand(r, size, p), regOperand(r, size, p)],
      memSize: size,
      noDestWrite: true,
    };
  }
  if (op === 0x86 || op === 0x87) {
    const r = modrm(c, p);
    if (!r) return null;
    const size = op === 0x86 ? 1 : v;
    const e = rmOperand(r, size, p);
    const g = regOperand(r, size, p);
    const writes = [g, e].flatMap((o) => (o.kind === 'reg' ? [o.n] : []));
    return {
      mnemonic: 'xchg',
      operands: [e, g],
      access: 'rmw',
      memSize: size,
      implicitWrites: writes,
      noDestWrite: true,
      // xchg with memory is locked by itself; an explicit lock prefix is printed.
      prefix: p.lock ? 'lock ' : '',
    };
  }
  if (op >= 0x88 && op <= 0x8b) {
    const r = modrm(c, p);
    if (!r) return null;
    const size = op & 1 ? v : 1;
    const e = rmOperand(r, size, p);
    const g = regOperand(r, size, p);
    const store = op < 0x8a;
    return {
      mnemonic: 'mov',
      operands: store ? [e, g] : [g, e],
      access: store ? 'write' : 'read',
      memSize: size,
    };
  }
  if (op === 0x8d) {
    const r = modrm(c, p);
    // A segment prefix on lea is printed by iced though it does nothing: left to it.
    if (!r || !r.mem || p.segment) return null;
    return {
      mnemonic: 'lea',
      operands: [regOperand(r, v, p), rmOperand(r, v, p)],
      access: null,
      memSize: null,
    };
  }
  if (op === 0x8f) {
    const r = modrm(c, p);
    // pop 0x8(%rsp) writes at RSP after the pop (iced computes that): left to iced.
    if (!r || (r.reg & 7) !== 0 || !r.mem || p.opsize || r.mem.m.base === 'RSP') return null;
    return {
      mnemonic: 'pop',
      operands: [rmOperand(r, 8, p)],
      access: 'write',
      memSize: 8,
      implicitWrites: [RSP],
    };
  }
  if (op === 0x90 && !p.rex) {
    if (p.rep === 'rep') return { mnemonic: 'pause', operands: [], bare: true };
    if (p.opsize)
      return { mnemonic: 'xchg', operands: [{ kind: 'text', text: '%ax,%ax' }], noDestWrite: true };
    return p.rep ? null : { mnemonic: 'nop', operands: [], bare: true };
  }
  if (op >= 0x91 && op <= 0x97) {
    const a = reg(RAX, v, p);
    const b = reg((op & 7) | p.rexB, v, p);
    return { mnemonic: 'xchg', operands: [b, a], implicitWrites: [RAX, (op & 7) | p.rexB] };
  }
  if (op === 0x98)
    return {
      mnemonic: p.rexW ? 'cltq' : p.opsize ? 'cbtw' : 'cwtl',
      operands: [],
      bare: true,
      implicitWrites: [RAX],
    };
  if (op === 0x99)
    return {
      mnemonic: p.rexW ? 'cqto' : p.opsize ? 'cwtd' : 'cltd',
      operands: [],
      bare: true,
      implicitWrites: [RDX],
    };
  if (op === 0x9c || op === 0x9d) {
    if (p.opsize) return null;
    return { mnemonic: op === 0x9c ? 'pushf' : 'popf', operands: [], bare: true, implicitWrites: [RSP] };
  }
  if (op >= 0xa4 && op <= 0xaf && op !== 0xa8 && op !== 0xa9) return stringOp(op, p);
  if (op === 0xa8 || op === 0xa9) {
    const size = op === 0xa8 ? 1 : v;
    return {
      mnemonic: 'test',
      operands: [reg(RAX, size, p), imm(c, size === 1 ? 1 : size === 2 ? 2 : 4, size)],
      noDestWrite: true,
    };
  }
  if (op >= 0xb0 && op <= 0xbf) {
    const n = (op & 7) | p.rexB;
    if (op < 0xb8) return { mnemonic: 'mov', operands: [reg(n, 1, p), imm(c, 1, 1)] };
    if (p.rexW)
      return { mnemonic: 'movabs', operands: [reg(n, 8, p), { kind: 'imm', value: imm64(c), size: 8 }] };
    return { mnemonic: 'mov', operands: [reg(n, v, p), imm(c, v === 2 ? 2 : 4, v)] };
  }
  if (op === 0xc0 || op === 0xc1 || (op >= 0xd0 && op <= 0xd3)) {
    const r = modrm(c, p);
    if (!r) return null;
    const mn = SHIFT[r.reg & 7];
    if (!mn) return null;
    const size = op & 1 ? v : 1;
    const e = rmOperand(r, size, p);
    const count: Operand =
      op <= 0xc1
        ? imm(c, 1, 1)
        : op <= 0xd1
          ? { kind: 'imm', value: 1n, size: 1 }
          : { kind: 'text', text: '%cl' };
    return sized({ mnemonic: mn, operands: [e, count], access: 'rmw', memSize: size }, size);
  }
  if (op === 0xc2 || op === 0xc3) {
    if (p.opsize) return null;
    const ops: Operand[] = op === 0xc2 ? [imm(c, 2, 2)] : [];
    return { mnemonic: 'ret', operands: ops, bare: op === 0xc3, flow: 'return', implicitWrites: [RSP] };
  }
  if (op === 0xc6 || op === 0xc7) {
    const r = modrm(c, p);
    if (!r || (r.reg & 7) !== 0) return null;
    const size = op === 0xc6 ? 1 : v;
    const e = rmOperand(r, size, p);
    const i = imm(c, size === 1 ? 1 : size === 2 ? 2 : 4, size);
    return sized({ mnemonic: 'mov', operands: [e, i], access: 'write', memSize: size }, size);
  }
  if (op === 0xc9) return { mnemonic: 'leave', operands: [], bare: true, implicitWrites: [RSP, RBP] };
  if (op === 0xcc) return { mnemonic: 'int3', operands: [], bare: true, flow: 'stop' };
  if (op === 0xe3) {
    const rel = c.signed(1);
    return { mnemonic: 'jrcxz', operands: [{ kind: 'rel' }], flow: 'branch', target: Number(rel) };
  }
  if (op === 0xe8 || op === 0xe9 || op === 0xeb) {
    if (p.opsize) return null;
    const rel = c.signed(op === 0xeb ? 1 : 4);
    return {
      mnemonic: op === 0xe8 ? 'call' : 'jmp',
      operands: [{ kind: 'rel' }],
      flow: op === 0xe8 ? 'call' : 'branch',
      target: Number(rel),
      implicitWrites: op === 0xe8 ? [RSP] : [],
    };
  }
  if (op === 0xf4) return { mnemonic: 'hlt', operands: [], bare: true };
  if (op === 0xfa || op === 0xfb) return { mnemonic: op === 0xfa ? 'cli' : 'sti', operands: [], bare: true };
  if (op === 0xf6 || op === 0xf7) {
    const r = modrm(c, p);
    if (!r) return null;
    const size = op === 0xf6 ? 1 : v;
    const e = rmOperand(r, size, p);
    const k = r.reg & 7;
    if (k <= 1) {
      const i = imm(c, size === 1 ? 1 : size === 2 ? 2 : 4, size);
      return sized(
        { mnemonic: 'test', operands: [e, i], access: 'read', memSize: size, noDestWrite: true },
        size,
      );
    }
    if (k === 2 || k === 3)
      return locked(
        sized({ mnemonic: k === 2 ? 'not' : 'neg', operands: [e], access: 'rmw', memSize: size }, size),
        p,
      );
    // mul/imul/div/idiv: RAX (and RDX above 8 bits) implicitly.
    const mn = ['mul', 'imul', 'div', 'idiv'][k - 4];
    const implicit = size === 1 ? [RAX] : [RAX, RDX];
    return sized(
      {
        mnemonic: mn,
        operands: [e],
        access: 'read',
        memSize: size,
        noDestWrite: true,
        implicitWrites: implicit,
      },
      size,
    );
  }
  if (op === 0xfe || op === 0xff) {
    const r = modrm(c, p);
    if (!r) return null;
    const k = r.reg & 7;
    if (k <= 1) {
      const size = op === 0xfe ? 1 : v;
      const e = rmOperand(r, size, p);
      return locked(
        sized({ mnemonic: k ? 'dec' : 'inc', operands: [e], access: 'rmw', memSize: size }, size),
        p,
      );
    }
    if (op === 0xfe || p.opsize) return null;
    if (k === 2 || k === 4) {
      const e = rmOperand(r, 8, p);
      // A stack-relative operand would meet the call's own stack access in iced's view: left to iced.
      if (e.kind === 'mem' && e.m.base === 'RSP') return null;
      return {
        mnemonic: k === 2 ? 'call' : 'jmp',
        operands: [{ ...e, star: true } as Operand],
        access: 'read',
        memSize: 8,
        flow: k === 2 ? 'indirect-call' : 'indirect-branch',
        implicitWrites: k === 2 ? [RSP] : [],
        noDestWrite: true,
      };
    }
    if (k === 6) {
      const e = rmOperand(r, 8, p);
      // push 0x8(%rsp): iced counts the operand and the push's own slot as two stack accesses; left to it.
      if (e.kind !== 'mem' || e.m.base === 'RSP') return null;
      return {
        mnemonic: 'push',
        operands: [e],
        access: 'read',
        memSize: 8,
        implicitWrites: [RSP],
        noDestWrite: true,
      };
    }
    return null;
  }
  return null;
}

function imm64(c: Cursor): bigint {
  const lo = BigInt.asUintN(32, c.signed(4));
  const hi = BigInt.asUintN(32, c.signed(4));
  return (hi << 32n) | lo;
}

/** movs/cmps/stos/lods/scas with their rep prefixes, as iced prints them. */
function stringOp(op: number, p: Prefixes): Shape | null {
  const size = op & 1 ? vSize(p) : 1;
  const s = SUFFIX[size];
  const acc = regName(RAX, size, p.rex);
  const rep = p.rep;
  const sized = rep ? null : size;
  // A segment prefix makes iced spell the segments out (`%es:(%rdi)`); compilers do not write one: left to iced.
  if (p.segment) return null;
  switch (op) {
    case 0xa4:
    case 0xa5:
      if (rep === 'repne') return null;
      return {
        mnemonic: 'movs' + s,
        operands: [
          { kind: 'text', text: '(%rdi)' },
          { kind: 'text', text: '(%rsi)' },
        ],
        prefix: rep ? 'rep ' : '',
        memSize: sized,
        strings: ['RDI', 'RSI'],
        implicitWrites: rep ? [RCX, RSI, RDI] : [RSI, RDI],
      };
    case 0xaa:
    case 0xab:
      if (rep === 'repne') return null;
      return {
        mnemonic: 'stos',
        operands: [
          { kind: 'text', text: '(%rdi)' },
          { kind: 'text', text: '%' + acc },
        ],
        prefix: rep ? 'rep ' : '',
        memSize: sized,
        strings: ['RDI'],
        implicitWrites: rep ? [RCX, RDI] : [RDI],
      };
    default:
      return null;
  }
}

function twoByte(c: Cursor, p: Prefixes, op: number): Shape | null {
  const v = vSize(p);
  if (op === 0x0b) return { mnemonic: 'ud2', operands: [], bare: true, flow: 'stop' };
  if (op === 0x1f) {
    const r = modrm(c, p);
    if (!r || !r.mem || (r.reg & 7) !== 0) return null;
    const size = p.opsize ? 2 : 4;
    return { mnemonic: p.opsize ? 'nopw' : 'nopl', operands: [rmOperand(r, size, p)], access: null };
  }
  if (op === 0x1e && p.rep === 'rep') {
    const x = c.byte();
    if (x !== 0xfa) return null;
    return { mnemonic: 'endbr64', operands: [], bare: true };
  }
  if (op === 0x31) return { mnemonic: 'rdtsc', operands: [], bare: true, implicitWrites: [RAX, RDX] };
  if (op === 0xa2)
    return { mnemonic: 'cpuid', operands: [], bare: true, implicitWrites: [RAX, RCX, RDX, RBX] };
  if (op >= 0x40 && op <= 0x4f) {
    const r = modrm(c, p);
    if (!r) return null;
    return {
      mnemonic: 'cmov' + CC[op & 15],
      operands: [regOperand(r, v, p), rmOperand(r, v, p)],
      memSize: v,
    };
  }
  if (op >= 0x80 && op <= 0x8f) {
    if (p.opsize) return null;
    const rel = c.signed(4);
    return { mnemonic: 'j' + CC[op & 15], operands: [{ kind: 'rel' }], flow: 'branch', target: Number(rel) };
  }
  if (op >= 0x90 && op <= 0x9f) {
    const r = modrm(c, p);
    if (!r) return null;
    const e = rmOperand(r, 1, p);
    return sized({ mnemonic: 'set' + CC[op & 15], operands: [e], access: 'write', memSize: 1 }, 0);
  }
  if (op === 0xaf) {
    const r = modrm(c, p);
    if (!r) return null;
    return { mnemonic: 'imul', operands: [regOperand(r, v, p), rmOperand(r, v, p)], memSize: v };
  }
  if (op === 0xb0 || op === 0xb1) {
    const r = modrm(c, p);
    if (!r) return null;
    const size = op === 0xb0 ? 1 : v;
    const e = rmOperand(r, size, p);
    return locked(
      {
        mnemonic: 'cmpxchg',
        operands: [e, regOperand(r, size, p)],
        access: 'rmw',
        memSize: size,
        implicitWrites: [RAX],
        noDestWrite: e.kind === 'mem',
      },
      p,
    );
  }
  if (op === 0xc0 || op === 0xc1) {
    const r = modrm(c, p);
    if (!r) return null;
    const size = op === 0xc0 ? 1 : v;
    const e = rmOperand(r, size, p);
    const g = regOperand(r, size, p);
    return locked(
      {
        mnemonic: 'xadd',
        operands: [e, g],
        access: 'rmw',
        memSize: size,
        implicitWrites: g.kind === 'reg' ? [g.n] : [],
      },
      p,
    );
  }
  if (op === 0xb6 || op === 0xb7 || op === 0xbe || op === 0xbf) {
    const r = modrm(c, p);
    if (!r) return null;
    const from = op & 1 ? 2 : 1;
    const mn = (op < 0xb8 ? 'movz' : 'movs') + SUFFIX[from] + SUFFIX[v];
    return { mnemonic: mn, operands: [regOperand(r, v, p), rmOperand(r, from, p)], memSize: from };
  }
  if (op >= 0xc8 && op <= 0xcf) return { mnemonic: 'bswap', operands: [reg((op & 7) | p.rexB, v, p)] };
  return null;
}
