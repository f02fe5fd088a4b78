// Step 1 for arm64: the faulting instruction decoded by hand, only the classes a data abort or a bad call
// can come from (Arm ARM, "A64 instruction set encoding": Loads and Stores; Branches, exception generating
// and system instructions): load/store register (unsigned immediate, unscaled, pre/post-index,
// unprivileged, register offset with extend/shift), load/store pair (offset, pre/post-index, non-temporal),
// load register literal (PC-relative: no bad pointer), the atomics the kernel's atomic_t and locks compile to
// (LSE LDADD/SWP/… and their ST<op> aliases, LDAPR; exclusives LDXR/STXR and pairs; LDAR/STLR, LDLAR/STLLR;
// CAS/CASP) and BR/BLR/RET. The text is what llvm-objdump prints (with +lse,+rcpc,+lor).
// Anything else is null: the caller says the instruction was not decoded.
import type { AccessKind, DecodedAccess, MemoryOperand } from './instruction';

/** The register dump's names: `x0` … `x30` (`lr` is printed as a symbol, not a value), `sp`. */
export function arm64RegisterName(n: number): string {
  return n === 31 ? 'sp' : `x${n}`;
}

const bits = (w: number, hi: number, lo: number) => (w >>> lo) & ((1 << (hi - lo + 1)) - 1);
const signExtend = (v: number, width: number) => (v << (32 - width)) >> (32 - width);

/** `x3`/`w3`/`xzr` for a general register operand (31 is the zero register here, not sp). */
function gpr(n: number, wide: boolean): string {
  return n === 31 ? (wide ? 'xzr' : 'wzr') : `${wide ? 'x' : 'w'}${n}`;
}

const FP_PREFIX = ['b', 'h', 's', 'd', 'q'];

/** What a single-register load/store moves: mnemonic suffix, register spelling, log2 of its size. */
interface Transfer {
  load: boolean;
  /** `b`, `h`, `sb`, `sh`, `sw`, '' */
  suffix: string;
  reg: (n: number) => string;
  scale: number;
}

/** size (31:30), V (26), opc (23:22) of the load/store register classes; null when unallocated or a
 * prefetch (PRFM never faults). */
function transferOf(size: number, v: number, opc: number): Transfer | null {
  if (v === 1) {
    const scale = (opc & 2) !== 0 ? (size === 0 ? 4 : -1) : size;
    if (scale < 0) return null;
    return { load: (opc & 1) === 1, suffix: '', reg: (n) => `${FP_PREFIX[scale]}${n}`, scale };
  }
  const plain = ['b', 'h', '', ''][size];
  if (opc === 0) return { load: false, suffix: plain, reg: (n) => gpr(n, size === 3), scale: size };
  if (opc === 1) return { load: true, suffix: plain, reg: (n) => gpr(n, size === 3), scale: size };
  if (opc === 2) {
    if (size === 3) return null;
    return { load: true, suffix: ['sb', 'sh', 'sw'][size], reg: (n) => gpr(n, true), scale: size };
  }
  if (size >= 2) return null;
  return { load: true, suffix: ['sb', 'sh'][size], reg: (n) => gpr(n, false), scale: size };
}

const imm = (v: number) => `#${v}`;
/** `[x0]`, `[x0, #16]`: a base plus an immediate, the zero one not shown. */
const offsetText = (base: string, off: number) => `[${base}${off ? `, ${imm(off)}` : ''}]`;

function access(
  word: number,
  text: string,
  kind: AccessKind,
  size: number | null,
  memory: MemoryOperand | null,
  extra: Partial<DecodedAccess> = {},
): DecodedAccess {
  const bytes = Uint8Array.of(word & 0xff, (word >>> 8) & 0xff, (word >>> 16) & 0xff, word >>> 24);
  return {
    text,
    length: 4,
    bytes,
    kind,
    size,
    memory,
    target: null,
    indirectCall: false,
    otherOperands: 0,
    ...extra,
  };
}

function memoryOperand(
  base: number,
  displacement: number,
  index: Partial<MemoryOperand> = {},
): MemoryOperand {
  return {
    base: arm64RegisterName(base),
    index: null,
    scale: 1,
    displacement: BigInt(displacement),
    addressBits: 64,
    ...index,
  };
}

/** Decodes one little-endian A64 instruction word; null when it is in no class this file knows. */
export function decodeArm64Access(word: number): DecodedAccess | null {
  word >>>= 0;
  return (
    loadStoreRegister(word) ??
    atomic(word) ??
    exclusiveOrdered(word) ??
    loadStorePair(word) ??
    literal(word) ??
    branchRegister(word)
  );
}

/** The A64 word at the start of `bytes` (little-endian), or null when fewer than 4 bytes. */
export function decodeArm64AccessBytes(bytes: Uint8Array): DecodedAccess | null {
  if (bytes.length < 4) return null;
  return decodeArm64Access(bytes[0] | (bytes[1] << 8) | (bytes[2] << 16) | (bytes[3] << 24));
}

function loadStoreRegister(w: number): DecodedAccess | null {
  if (bits(w, 29, 27) !== 0b111) return null;
  const size = bits(w, 31, 30);
  const v = bits(w, 26, 26);
  const opc = bits(w, 23, 22);
  const rn = bits(w, 9, 5);
  const rt = bits(w, 4, 0);
  const base = rn === 31 ? 'sp' : `x${rn}`;
  const t = transferOf(size, v, opc);
  const op24 = bits(w, 25, 24);
  if (op24 === 0b01) {
    // Unsigned immediate, scaled by the access size.
    if (!t) return null;
    const off = bits(w, 21, 10) << t.scale;
    return single(w, t, 'ldr', 'str', rt, offsetText(base, off), memoryOperand(rn, off));
  }
  if (op24 !== 0b00 || !t) return null;
  if (bits(w, 21, 21) === 0) {
    const simm = signExtend(bits(w, 20, 12), 9);
    switch (bits(w, 11, 10)) {
      case 0b00:
        return single(w, t, 'ldur', 'stur', rt, offsetText(base, simm), memoryOperand(rn, simm));
      case 0b01:
        // Post-index: the access is at the base, the base moves afterwards.
        return single(w, t, 'ldr', 'str', rt, `[${base}], ${imm(simm)}`, memoryOperand(rn, 0));
      case 0b10:
        if (v === 1) return null;
        return single(w, t, 'ldtr', 'sttr', rt, offsetText(base, simm), memoryOperand(rn, simm));
      default:
        return single(w, t, 'ldr', 'str', rt, `[${base}, ${imm(simm)}]!`, memoryOperand(rn, simm));
    }
  }
  if (bits(w, 11, 10) !== 0b10) return null; // atomics: atomic(); pointer-authenticated loads: not decoded
  const option = bits(w, 15, 13);
  if ((option & 0b010) === 0) return null;
  const rm = bits(w, 20, 16);
  const s = bits(w, 12, 12);
  const wideIndex = (option & 1) === 1;
  const amount = s ? t.scale : 0;
  const extend = ['', '', 'uxtw', 'lsl', '', '', 'sxtw', 'sxtx'][option];
  const shown =
    extend === 'lsl' ? (s ? `, lsl ${imm(amount)}` : '') : `, ${extend}${s ? ` ${imm(amount)}` : ''}`;
  const memory = memoryOperand(rn, 0, {
    index: rm === 31 ? null : arm64RegisterName(rm),
    scale: 1 << amount,
    ...(wideIndex ? {} : { indexExtend: extend as 'uxtw' | 'sxtw' }),
  });
  return single(w, t, 'ldr', 'str', rt, `[${base}, ${gpr(rm, wideIndex)}${shown}]`, memory);
}

function single(
  w: number,
  t: Transfer,
  load: string,
  store: string,
  rt: number,
  operand: string,
  memory: MemoryOperand,
): DecodedAccess {
  const mnemonic = (t.load ? load : store) + t.suffix;
  return access(w, `${mnemonic} ${t.reg(rt)}, ${operand}`, t.load ? 'read' : 'write', 1 << t.scale, memory);
}

function loadStorePair(w: number): DecodedAccess | null {
  if (bits(w, 29, 27) !== 0b101 || bits(w, 25, 25) !== 0) return null;
  const opc = bits(w, 31, 30);
  const v = bits(w, 26, 26);
  const mode = bits(w, 24, 23);
  const load = bits(w, 22, 22) === 1;
  let scale: number;
  let reg: (n: number) => string;
  let mnemonic = mode === 0 ? (load ? 'ldnp' : 'stnp') : load ? 'ldp' : 'stp';
  if (v === 1) {
    if (opc === 3) return null;
    scale = opc + 2;
    reg = (n) => `${FP_PREFIX[scale]}${n}`;
  } else if (opc === 0) {
    scale = 2;
    reg = (n) => gpr(n, false);
  } else if (opc === 2) {
    scale = 3;
    reg = (n) => gpr(n, true);
  } else if (opc === 1 && load && mode !== 0) {
    scale = 2;
    reg = (n) => gpr(n, true);
    mnemonic = 'ldpsw';
  } else return null; // STGP (memory tagging) and unallocated encodings
  const off = signExtend(bits(w, 21, 15), 7) << scale;
  const rn = bits(w, 9, 5);
  const base = rn === 31 ? 'sp' : `x${rn}`;
  const operand =
    mode === 1 ? `[${base}], ${imm(off)}` : mode === 3 ? `[${base}, ${imm(off)}]!` : offsetText(base, off);
  const text = `${mnemonic} ${reg(bits(w, 4, 0))}, ${reg(bits(w, 14, 10))}, ${operand}`;
  return access(w, text, load ? 'read' : 'write', 2 << scale, memoryOperand(rn, mode === 1 ? 0 : off));
}

/** `ldr x0, <label>`: PC-relative, from the code's own literal pool. */
function literal(w: number): DecodedAccess | null {
  if (bits(w, 29, 27) !== 0b011 || bits(w, 25, 24) !== 0) return null;
  const offset = signExtend(bits(w, 23, 5), 19) * 4;
  const opc = bits(w, 31, 30);
  const v = bits(w, 26, 26);
  const rt = bits(w, 4, 0);
  // opc 3: PRFM (a prefetch never faults) or unallocated.
  if (opc === 3) return null;
  const reg = v ? `${FP_PREFIX[opc + 2]}${rt}` : gpr(rt, opc !== 0);
  const mnemonic = !v && opc === 2 ? 'ldrsw' : 'ldr';
  return access(w, `${mnemonic} ${reg}, .${offset < 0 ? '' : '+'}${offset}`, 'read', null, null, {
    reason:
      'a PC-relative literal load reads the code’s own literal pool: no pointer of the program is involved',
  });
}

/** BR / BLR / RET (no pointer authentication): the target is a register. */
function branchRegister(w: number): DecodedAccess | null {
  if ((w & 0xfe1ffc1f) >>> 0 !== 0xd61f0000) return null;
  const opc = bits(w, 24, 21);
  if (opc > 2) return null;
  const rn = bits(w, 9, 5);
  const reg = gpr(rn, true);
  const text = opc === 2 ? (rn === 30 ? 'ret' : `ret ${reg}`) : `${opc === 1 ? 'blr' : 'br'} ${reg}`;
  return access(w, text, 'exec', null, null, { target: reg, indirectCall: opc === 1 });
}

const ATOMIC_OPS = ['add', 'clr', 'eor', 'set', 'smax', 'smin', 'umax', 'umin'];

/**
 * Atomic memory operations (FEAT_LSE): LDADD, LDCLR, LDEOR, LDSET, LD{S,U}{MAX,MIN} with their acquire /
 * release / byte / halfword forms, SWP, their ST<op> aliases (no result register), and LDAPR (FEAT_LRCPC).
 * All but LDAPR read and write the memory.
 */
function atomic(w: number): DecodedAccess | null {
  if ((w & 0x3f200c00) >>> 0 !== 0x38200000) return null;
  const size = bits(w, 31, 30);
  const acquire = bits(w, 23, 23);
  const release = bits(w, 22, 22);
  const rs = bits(w, 20, 16);
  const o3 = bits(w, 15, 15);
  const opc = bits(w, 14, 12);
  const rn = bits(w, 9, 5);
  const rt = bits(w, 4, 0);
  const wide = size === 3;
  const suffix = ['b', 'h', '', ''][size];
  const base = rn === 31 ? 'sp' : `x${rn}`;
  const memory = memoryOperand(rn, 0);
  const order = (acquire ? 'a' : '') + (release ? 'l' : '');
  if (o3 === 1) {
    if (opc === 0)
      return access(
        w,
        `swp${order}${suffix} ${gpr(rs, wide)}, ${gpr(rt, wide)}, [${base}]`,
        'rmw',
        1 << size,
        memory,
      );
    if (opc === 4 && acquire && !release && rs === 31)
      return access(w, `ldapr${suffix} ${gpr(rt, wide)}, [${base}]`, 'read', 1 << size, memory);
    return null;
  }
  const op = ATOMIC_OPS[opc];
  // No result wanted (Rt = zr) and no acquire: the ST<op> alias.
  if (rt === 31 && !acquire)
    return access(
      w,
      `st${op}${release ? 'l' : ''}${suffix} ${gpr(rs, wide)}, [${base}]`,
      'rmw',
      1 << size,
      memory,
    );
  return access(
    w,
    `ld${op}${order}${suffix} ${gpr(rs, wide)}, ${gpr(rt, wide)}, [${base}]`,
    'rmw',
    1 << size,
    memory,
  );
}

/**
 * Load/store exclusive (LDXR, LDAXR, STXR, STLXR and pairs), load-acquire / store-release (LDAR, STLR, and
 * FEAT_LOR's LDLAR, STLLR) and compare-and-swap (FEAT_LSE CAS, CASP): the op0 = x0 1000 group.
 */
function exclusiveOrdered(w: number): DecodedAccess | null {
  if (bits(w, 29, 24) !== 0b001000) return null;
  const size = bits(w, 31, 30);
  const o2 = bits(w, 23, 23);
  const load = bits(w, 22, 22) === 1;
  const o1 = bits(w, 21, 21);
  const rs = bits(w, 20, 16);
  const o0 = bits(w, 15, 15);
  const rt2 = bits(w, 14, 10);
  const rn = bits(w, 9, 5);
  const rt = bits(w, 4, 0);
  const base = `[${rn === 31 ? 'sp' : `x${rn}`}]`;
  const memory = memoryOperand(rn, 0);
  const suffix = ['b', 'h', '', ''][size];
  const wide = size === 3;
  if (o2 === 0 && o1 === 0) {
    // Single-register exclusives (Rt2, and Rs of a load, are should-be-one: not checked, as by llvm).
    const m = (load ? (o0 ? 'ldaxr' : 'ldxr') : o0 ? 'stlxr' : 'stxr') + suffix;
    if (load) return access(w, `${m} ${gpr(rt, wide)}, ${base}`, 'read', 1 << size, memory);
    return access(w, `${m} ${gpr(rs, false)}, ${gpr(rt, wide)}, ${base}`, 'write', 1 << size, memory);
  }
  if (o2 === 0 && o1 === 1) {
    const pairWide = (size & 1) === 1;
    const one = pairWide ? 8 : 4;
    if (size < 2) {
      // CASP: even register pairs, Rt2 should-be-one.
      if (rt2 !== 31 || rs % 2 || rt % 2 || rs === 31 || rt === 31) return null;
      const m = `casp${load ? 'a' : ''}${o0 ? 'l' : ''}`;
      const r = (n: number) => gpr(n, pairWide);
      return access(
        w,
        `${m} ${r(rs)}, ${r(rs + 1)}, ${r(rt)}, ${r(rt + 1)}, ${base}`,
        'rmw',
        2 * one,
        memory,
      );
    }
    const r = (n: number) => gpr(n, pairWide);
    if (load)
      return access(w, `${o0 ? 'ldaxp' : 'ldxp'} ${r(rt)}, ${r(rt2)}, ${base}`, 'read', 2 * one, memory);
    return access(
      w,
      `${o0 ? 'stlxp' : 'stxp'} ${gpr(rs, false)}, ${r(rt)}, ${r(rt2)}, ${base}`,
      'write',
      2 * one,
      memory,
    );
  }
  if (o2 === 1 && o1 === 0) {
    const m = (load ? (o0 ? 'ldar' : 'ldlar') : o0 ? 'stlr' : 'stllr') + suffix;
    return access(w, `${m} ${gpr(rt, wide)}, ${base}`, load ? 'read' : 'write', 1 << size, memory);
  }
  if (rt2 !== 31) return null;
  const m = `cas${load ? 'a' : ''}${o0 ? 'l' : ''}${suffix}`;
  return access(w, `${m} ${gpr(rs, wide)}, ${gpr(rt, wide)}, ${base}`, 'rmw', 1 << size, memory);
}
