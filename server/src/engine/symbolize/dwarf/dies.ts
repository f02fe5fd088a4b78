// Generic DIEs: every attribute of a DIE read into a value by its form class, and a DIE's subtree. The
// symbolizer's walks (functions.ts) read only what code lookups need; the faulting-access explanation needs
// variables, their locations and types, which it reads here, one function's subtree or one type at a time.
import { type Cursor } from './cursor';
import { DW_AT, DW_FORM } from './constants';
import { readConstant, readIndex, readReference, skipForm } from './forms';
import { PcAttributes } from './ranges';
import { type CompUnit } from './unit';
import { corrupt } from '../errors';

export type AttrValue =
  | { kind: 'const'; value: number }
  | { kind: 'ref'; value: number }
  | { kind: 'string'; value: string | null }
  | { kind: 'block'; value: Buffer }
  | { kind: 'address'; value: bigint }
  /** An index (loclistx, rnglistx) or offset (sec_offset) into another section. */
  | { kind: 'list'; form: number; value: number }
  | { kind: 'other' };

export interface Die {
  /** Absolute .debug_info offset. */
  offset: number;
  tag: number;
  attrs: Map<number, AttrValue>;
  /** Linear [lo, hi) pairs of its code (low_pc/high_pc/ranges), [] when it has none. */
  ranges: number[];
  children: Die[];
  unit: CompUnit;
}

/** A subtree larger than this is refused (a corrupt sibling chain, not a real function). */
const MAX_SUBTREE_DIES = 200_000;

/** The DIE at `offset` (which must be in `unit`), without its children. */
export function readDie(unit: CompUnit, offset: number): Die {
  return unit.atWindow(offset, 1024, (c) => readOne(unit, c, offset)).die;
}

/** The DIE at `offset` and its whole subtree. */
export function readDieTree(unit: CompUnit, offset: number): Die {
  return unit.atWindow(offset, 16 * 1024, (c) => {
    const { die, hasChildren } = readOne(unit, c, offset);
    if (!hasChildren) return die;
    const stack: Die[] = [die];
    let count = 1;
    while (stack.length > 0) {
      const at = offset + c.pos;
      if (c.pos >= c.end) throw corrupt('unexpected end of data (subtree)');
      if (c.buf[c.pos] === 0) {
        c.pos++;
        stack.pop();
        continue;
      }
      const next = readOne(unit, c, at);
      stack[stack.length - 1].children.push(next.die);
      if (next.hasChildren) stack.push(next.die);
      if (++count > MAX_SUBTREE_DIES) throw corrupt('a DIE subtree with an absurd number of entries');
    }
    return die;
  });
}

function readOne(unit: CompUnit, c: Cursor, offset: number): { die: Die; hasChildren: boolean } {
  const code = c.uleb();
  if (code === 0) throw corrupt(`no DIE at 0x${offset.toString(16)}`);
  const ab = unit.abbrev(code, offset);
  const attrs = new Map<number, AttrValue>();
  const pc = new PcAttributes(unit);
  for (let i = 0; i < ab.specs.length; i += 2) {
    const at = ab.specs[i];
    let form = ab.specs[i + 1];
    if (form === DW_FORM.indirect) form = c.uleb();
    const implicit = ab.implicit?.[i / 2];
    if (at === DW_AT.low_pc || at === DW_AT.high_pc || at === DW_AT.ranges) {
      pc.take(c, at, form, implicit);
      continue;
    }
    attrs.set(at, readValue(unit, c, form, implicit));
  }
  return {
    die: { offset, tag: ab.tag, attrs, ranges: pc.ranges(), children: [], unit },
    hasChildren: ab.hasChildren,
  };
}

function readValue(unit: CompUnit, c: Cursor, form: number, implicit: number | undefined): AttrValue {
  const enc = unit.header;
  switch (form) {
    case DW_FORM.string:
    case DW_FORM.strp:
    case DW_FORM.line_strp:
    case DW_FORM.strx:
    case DW_FORM.strx1:
    case DW_FORM.strx2:
    case DW_FORM.strx3:
    case DW_FORM.strx4:
    case DW_FORM.GNU_str_index:
      return { kind: 'string', value: unit.readString(c, form) };
    case DW_FORM.addr:
      return { kind: 'address', value: unit.readAddress(c, form) };
    case DW_FORM.addrx:
    case DW_FORM.addrx1:
    case DW_FORM.addrx2:
    case DW_FORM.addrx3:
    case DW_FORM.addrx4:
    case DW_FORM.GNU_addr_index:
      return { kind: 'address', value: unit.addrx(readIndex(c, form)) };
    case DW_FORM.ref1:
    case DW_FORM.ref2:
    case DW_FORM.ref4:
    case DW_FORM.ref8:
    case DW_FORM.ref_udata:
    case DW_FORM.ref_addr:
      return { kind: 'ref', value: readReference(c, form, enc, unit.header.offset) };
    case DW_FORM.exprloc:
    case DW_FORM.block:
    case DW_FORM.block1:
    case DW_FORM.block2:
    case DW_FORM.block4:
      return { kind: 'block', value: readBlock(c, form) };
    case DW_FORM.sec_offset:
      return { kind: 'list', form, value: c.uN(enc.offsetSize) };
    case DW_FORM.loclistx:
    case DW_FORM.rnglistx:
      return { kind: 'list', form, value: c.uleb() };
    case DW_FORM.data1:
    case DW_FORM.data2:
    case DW_FORM.data4:
    case DW_FORM.data8:
    case DW_FORM.udata:
    case DW_FORM.sdata:
    case DW_FORM.flag:
    case DW_FORM.flag_present:
    case DW_FORM.implicit_const:
      return { kind: 'const', value: readConstant(c, form, enc, implicit) };
    default:
      skipForm(c, form, enc);
      return { kind: 'other' };
  }
}

/** A block's contents (after its length prefix), copied. */
function readBlock(c: Cursor, form: number): Buffer {
  const n =
    form === DW_FORM.block1
      ? c.u8()
      : form === DW_FORM.block2
        ? c.u16()
        : form === DW_FORM.block4
          ? c.u32()
          : c.uleb();
  const start = c.pos;
  c.skip(n);
  return Buffer.from(c.buf.subarray(start, start + n));
}

/** A string attribute's value, or null. */
export function dieString(d: Die, at: number): string | null {
  const v = d.attrs.get(at);
  return v?.kind === 'string' ? v.value : null;
}

/** A reference attribute's absolute offset, or -1. */
export function dieRef(d: Die, at: number): number {
  const v = d.attrs.get(at);
  return v?.kind === 'ref' ? v.value : -1;
}

/** A constant attribute's value, or null. */
export function dieConst(d: Die, at: number): number | null {
  const v = d.attrs.get(at);
  return v?.kind === 'const' ? v.value : null;
}
