// Variable locations: which DWARF expression holds at a PC (an exprloc, a DWARF 5 .debug_loclists list —
// every DW_LLE_* kind, DW_FORM_loclistx through DW_AT_loclists_base — or a DWARF 2–4 .debug_loc list), and
// what the expression says about registers: "in register N", or "value = register N + k".
import { Cursor } from './cursor';
import { DW_FORM, DW_LLE } from './constants';
import { type AttrValue } from './dies';
import { need, withGrowingWindow } from './sections';
import { type CompUnit } from './unit';
import { corrupt } from '../errors';

const MAX_ENTRIES = 100_000;
const MASK64 = (1n << 64n) - 1n;

/** The location expression in force at linear `pc`: the expression, null when the list has none there. */
export function locationAt(unit: CompUnit, attr: AttrValue, pc: number): Buffer | null {
  if (attr.kind === 'block') return attr.value;
  if (attr.kind !== 'list') return null;
  if (unit.header.version >= 5) {
    const sec = need(unit.sections.loclists, '.debug_loclists');
    let offset = attr.value;
    if (attr.form === DW_FORM.loclistx) {
      const size = unit.header.offsetSize;
      const table = unit.loclistsBase;
      offset =
        table + new Cursor(sec.bytes(table + attr.value * size, size), 0, unit.sections.little).uN(size);
    }
    return withGrowingWindow(sec, offset, 512, (buf) => findInLocList(unit, buf, pc));
  }
  const sec = need(unit.sections.loc, '.debug_loc');
  return withGrowingWindow(sec, attr.value, 512, (buf) => findInDebugLoc(unit, buf, pc));
}

function linear(unit: CompUnit, raw: bigint): number {
  return unit.space.fromBig(raw & MASK64);
}

function findInLocList(u: CompUnit, buf: Buffer, pc: number): Buffer | null {
  const c = new Cursor(buf, 0, u.sections.little);
  const size = u.header.addrSize;
  let base = u.baseAddress;
  let fallback: Buffer | null = null;
  const expr = () => {
    const n = c.uleb();
    const start = c.pos;
    c.skip(n);
    return buf.subarray(start, start + n);
  };
  const hit = (lo: number, hi: number): Buffer | null => {
    const e = expr();
    return pc >= lo && pc < hi ? Buffer.from(e) : null;
  };
  for (let n = 0; n < MAX_ENTRIES; n++) {
    const kind = c.u8();
    let found: Buffer | null = null;
    switch (kind) {
      case DW_LLE.end_of_list:
        return fallback;
      case DW_LLE.base_addressx:
        base = u.addrx(c.uleb());
        continue;
      case DW_LLE.startx_endx: {
        const a = linear(u, u.addrx(c.uleb()));
        found = hit(a, linear(u, u.addrx(c.uleb())));
        break;
      }
      case DW_LLE.startx_length: {
        const a = linear(u, u.addrx(c.uleb()));
        found = hit(a, a + c.uleb());
        break;
      }
      case DW_LLE.offset_pair: {
        const a = c.uleb();
        const b = c.uleb();
        const lo = linear(u, base + BigInt(a));
        found = hit(lo, lo + (b - a));
        break;
      }
      case DW_LLE.default_location:
        fallback = Buffer.from(expr());
        continue;
      case DW_LLE.base_address:
        base = c.addr(size);
        continue;
      case DW_LLE.start_end: {
        const a = linear(u, c.addr(size));
        found = hit(a, linear(u, c.addr(size)));
        break;
      }
      case DW_LLE.start_length: {
        const a = linear(u, c.addr(size));
        found = hit(a, a + c.uleb());
        break;
      }
      case DW_LLE.GNU_view_pair:
        c.uleb();
        c.uleb();
        continue;
      default:
        throw corrupt(`unknown location list entry kind ${kind}`);
    }
    if (found) return found;
  }
  throw corrupt('location list without an end');
}

function findInDebugLoc(u: CompUnit, buf: Buffer, pc: number): Buffer | null {
  const c = new Cursor(buf, 0, u.sections.little);
  const size = u.header.addrSize;
  const maxAddr = size === 8 ? MASK64 : (1n << BigInt(size * 8)) - 1n;
  let base = u.baseAddress;
  for (let n = 0; n < MAX_ENTRIES; n++) {
    const a = c.addr(size);
    const b = c.addr(size);
    if (a === 0n && b === 0n) return null;
    if (a === maxAddr) {
      base = b;
      continue;
    }
    const len = c.u16();
    const start = c.pos;
    c.skip(len);
    const lo = linear(u, base + a);
    if (pc >= lo && pc < lo + Number(b - a)) return Buffer.from(buf.subarray(start, start + len));
  }
  throw corrupt('location list without an end');
}

/** What a location expression says about registers (DWARF register numbers). */
export type RegisterLocation =
  /** The value is in the register (DW_OP_reg*, possibly the first DW_OP_piece). */
  | { kind: 'register'; register: number }
  /** The value is register + offset (DW_OP_breg* k; DW_OP_stack_value). */
  | { kind: 'register-plus'; register: number; offset: bigint }
  /** In memory at the frame base + offset (DW_OP_fbreg k): a variable that lives on the stack. */
  | { kind: 'frame-offset'; offset: bigint; what: string }
  /** Somewhere else, said in a few words: the entry value of a register, a constant… */
  | { kind: 'other'; what: string };

const DW_OP = {
  addr: 0x03,
  const1u: 0x08,
  plus_uconst: 0x23,
  lit0: 0x30,
  lit31: 0x4f,
  reg0: 0x50,
  reg31: 0x6f,
  breg0: 0x70,
  breg31: 0x8f,
  regx: 0x90,
  fbreg: 0x91,
  bregx: 0x92,
  piece: 0x93,
  implicit_value: 0x9e,
  stack_value: 0x9f,
  implicit_pointer: 0xa0,
  entry_value: 0xa3,
  GNU_entry_value: 0xf3,
  GNU_implicit_pointer: 0xf2,
} as const;

/** Reads the register facts of an expression; anything it does not model is `other` with a short reason. */
export function registerLocation(expr: Buffer, little: boolean): RegisterLocation {
  if (expr.length === 0) return { kind: 'other', what: 'optimized out here' };
  const c = new Cursor(expr, 0, little);
  const op = c.u8();
  let reg = -1;
  let offset: bigint | null = null;
  if (op >= DW_OP.reg0 && op <= DW_OP.reg31) reg = op - DW_OP.reg0;
  else if (op === DW_OP.regx) reg = c.uleb();
  else if (op >= DW_OP.breg0 && op <= DW_OP.breg31) {
    reg = op - DW_OP.breg0;
    offset = BigInt(c.sleb());
  } else if (op === DW_OP.bregx) {
    reg = c.uleb();
    offset = BigInt(c.sleb());
  } else if (op === DW_OP.fbreg) {
    const offset = BigInt(c.sleb());
    return c.atEnd
      ? { kind: 'frame-offset', offset, what: 'on the stack' }
      : { kind: 'other', what: 'on the stack' };
  } else if (op === DW_OP.entry_value || op === DW_OP.GNU_entry_value)
    return { kind: 'other', what: 'only its value at function entry is known' };
  else if (op === DW_OP.implicit_value || (op >= DW_OP.lit0 && op <= DW_OP.lit31) || op === DW_OP.const1u)
    return { kind: 'other', what: 'a constant here' };
  else if (op === DW_OP.implicit_pointer || op === DW_OP.GNU_implicit_pointer)
    return { kind: 'other', what: 'an implicit pointer' };
  else if (op === DW_OP.addr) return { kind: 'other', what: 'in memory (a static address)' };
  else return { kind: 'other', what: `a location expression starting with op 0x${op.toString(16)}` };
  if (offset === null) {
    // DW_OP_regN alone, or the first of several pieces.
    if (c.atEnd || c.u8() === DW_OP.piece) return { kind: 'register', register: reg };
    return { kind: 'other', what: 'a composite location' };
  }
  // DW_OP_bregN k alone: the variable is in memory at register + k.
  if (c.atEnd) return { kind: 'other', what: 'in memory at a register + offset' };
  let next = c.u8();
  if (next === DW_OP.plus_uconst) {
    offset += BigInt(c.uleb());
    next = c.atEnd ? -1 : c.u8();
  }
  if (next === DW_OP.stack_value && c.atEnd) return { kind: 'register-plus', register: reg, offset };
  return { kind: 'other', what: 'computed from registers by a longer expression' };
}
