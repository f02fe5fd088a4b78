// Reading and skipping attribute values by DW_FORM, given the unit's encoding.
import { type Cursor } from './cursor';
import { DW_FORM } from './constants';
import { corrupt, SymbolizeError } from '../errors';

export interface UnitEncoding {
  version: number;
  addrSize: number;
  /** 4 (32-bit DWARF) or 8 (64-bit DWARF). */
  offsetSize: number;
}

/** Size of a form for this encoding, or -1 when it varies (LEB128, strings, blocks, indirect). */
export function fixedFormSize(form: number, enc: UnitEncoding): number {
  switch (form) {
    case DW_FORM.flag_present:
    case DW_FORM.implicit_const:
      return 0;
    case DW_FORM.addr:
      return enc.addrSize;
    case DW_FORM.data1:
    case DW_FORM.ref1:
    case DW_FORM.flag:
    case DW_FORM.strx1:
    case DW_FORM.addrx1:
      return 1;
    case DW_FORM.data2:
    case DW_FORM.ref2:
    case DW_FORM.strx2:
    case DW_FORM.addrx2:
      return 2;
    case DW_FORM.strx3:
    case DW_FORM.addrx3:
      return 3;
    case DW_FORM.data4:
    case DW_FORM.ref4:
    case DW_FORM.ref_sup4:
    case DW_FORM.strx4:
    case DW_FORM.addrx4:
      return 4;
    case DW_FORM.data8:
    case DW_FORM.ref8:
    case DW_FORM.ref_sig8:
    case DW_FORM.ref_sup8:
      return 8;
    case DW_FORM.data16:
      return 16;
    case DW_FORM.strp:
    case DW_FORM.line_strp:
    case DW_FORM.sec_offset:
    case DW_FORM.strp_sup:
    case DW_FORM.GNU_ref_alt:
    case DW_FORM.GNU_strp_alt:
      return enc.offsetSize;
    case DW_FORM.ref_addr:
      return enc.version <= 2 ? enc.addrSize : enc.offsetSize;
    default:
      return -1;
  }
}

/** Skips one attribute value. */
export function skipForm(c: Cursor, form: number, enc: UnitEncoding): void {
  const n = fixedFormSize(form, enc);
  if (n >= 0) return c.skip(n);
  switch (form) {
    case DW_FORM.sdata:
      c.sleb();
      return;
    case DW_FORM.udata:
    case DW_FORM.ref_udata:
    case DW_FORM.strx:
    case DW_FORM.addrx:
    case DW_FORM.loclistx:
    case DW_FORM.rnglistx:
    case DW_FORM.GNU_addr_index:
    case DW_FORM.GNU_str_index:
      c.uleb();
      return;
    case DW_FORM.string:
      return c.skipCstr();
    case DW_FORM.block1:
      return c.skip(c.u8());
    case DW_FORM.block2:
      return c.skip(c.u16());
    case DW_FORM.block4:
      return c.skip(c.u32());
    case DW_FORM.block:
    case DW_FORM.exprloc:
      return c.skip(c.uleb());
    case DW_FORM.indirect:
      return skipForm(c, c.uleb(), enc);
    default:
      throw new SymbolizeError(
        'unsupported',
        `unknown DWARF form 0x${form.toString(16)} at offset 0x${c.pos.toString(16)}`,
      );
  }
}

/** An unsigned constant (data*, udata, sec_offset, flag…); sdata is returned signed. */
export function readConstant(c: Cursor, form: number, enc: UnitEncoding, implicit?: number): number {
  switch (form) {
    case DW_FORM.data1:
    case DW_FORM.flag:
      return c.u8();
    case DW_FORM.data2:
      return c.u16();
    case DW_FORM.data4:
      return c.u32();
    case DW_FORM.data8:
      return c.u64();
    case DW_FORM.udata:
      return c.uleb();
    case DW_FORM.sdata:
      return c.sleb();
    case DW_FORM.sec_offset:
      return c.uN(enc.offsetSize);
    case DW_FORM.implicit_const:
      return implicit ?? 0;
    case DW_FORM.flag_present:
      return 1;
    case DW_FORM.indirect:
      return readConstant(c, c.uleb(), enc, implicit);
    default:
      throw corrupt(`form 0x${form.toString(16)} where a constant was expected`);
  }
}

/**
 * A reference as an absolute .debug_info offset (`unitOffset` is where the unit starts), or -1 for references
 * we cannot follow (type units, supplementary/alt files).
 */
export function readReference(c: Cursor, form: number, enc: UnitEncoding, unitOffset: number): number {
  switch (form) {
    case DW_FORM.ref1:
      return unitOffset + c.u8();
    case DW_FORM.ref2:
      return unitOffset + c.u16();
    case DW_FORM.ref4:
      return unitOffset + c.u32();
    case DW_FORM.ref8:
      return unitOffset + c.u64();
    case DW_FORM.ref_udata:
      return unitOffset + c.uleb();
    case DW_FORM.ref_addr:
      return c.uN(enc.version <= 2 ? enc.addrSize : enc.offsetSize);
    case DW_FORM.indirect:
      return readReference(c, c.uleb(), enc, unitOffset);
    default:
      skipForm(c, form, enc);
      return -1;
  }
}

/** Index of an indexed form (strx*, addrx*, and their GNU split-DWARF forerunners), or -1 for other forms. */
export function readIndex(c: Cursor, form: number): number {
  switch (form) {
    case DW_FORM.strx:
    case DW_FORM.addrx:
    case DW_FORM.GNU_str_index:
    case DW_FORM.GNU_addr_index:
      return c.uleb();
    case DW_FORM.strx1:
    case DW_FORM.addrx1:
      return c.u8();
    case DW_FORM.strx2:
    case DW_FORM.addrx2:
      return c.u16();
    case DW_FORM.strx3:
    case DW_FORM.addrx3:
      return c.u24();
    case DW_FORM.strx4:
    case DW_FORM.addrx4:
      return c.u32();
    default:
      return -1;
  }
}
