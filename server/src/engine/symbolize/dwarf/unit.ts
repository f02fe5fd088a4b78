// One .debug_info unit (gimli's UnitHeader, addr2line's unit): its header, the attributes of its root DIE,
// reading strings and addresses through its bases, its line table, and — on first use — the tree of its
// functions and inlined calls (functions.ts), which is all a symbolizer needs from the DIEs.
import { Cursor, initialLength } from './cursor';
import { DW_AT, DW_FORM, DW_UT } from './constants';
import { type Abbrev, type AbbrevCache, type AbbrevTable } from './abbrev';
import { readConstant, readIndex, readReference, skipForm, type UnitEncoding } from './forms';
import { type DwarfSections, need } from './sections';
import { PcAttributes } from './ranges';
import { FunctionTree, type FunctionUnit } from './functions';
import { LineTable } from './line';
import { type AddressSpace } from '../elf/addressSpace';
import { corrupt, SymbolizeError } from '../errors';

export interface UnitHeader extends UnitEncoding {
  /** Offset of the unit in .debug_info. */
  offset: number;
  /** Offset just past the unit. */
  end: number;
  unitType: number;
  abbrevOffset: number;
  /** Offset of the root DIE. */
  dieOffset: number;
}

export function readUnitHeader(sections: DwarfSections, offset: number): UnitHeader {
  const info = need(sections.info, '.debug_info');
  const head = info.peek(offset, Math.min(40, info.size - offset));
  const c = new Cursor(head, 0, sections.little);
  const { length, is64 } = initialLength(c);
  const end = offset + c.pos + length;
  if (end > info.size)
    throw corrupt(
      `unit at 0x${offset.toString(16)} claims ${length} bytes, beyond .debug_info (${info.size})`,
    );
  const offsetSize = is64 ? 8 : 4;
  const version = c.u16();
  if (version < 2 || version > 5)
    throw new SymbolizeError(
      'unsupported',
      `unsupported DWARF version ${version} in unit at 0x${offset.toString(16)}`,
    );
  let unitType: number = DW_UT.compile;
  let addrSize: number;
  let abbrevOffset: number;
  if (version >= 5) {
    unitType = c.u8();
    addrSize = c.u8();
    abbrevOffset = c.uN(offsetSize);
    if (unitType === DW_UT.skeleton || unitType === DW_UT.split_compile) c.skip(8);
    else if (unitType === DW_UT.type || unitType === DW_UT.split_type) c.skip(8 + offsetSize);
  } else {
    abbrevOffset = c.uN(offsetSize);
    addrSize = c.u8();
  }
  if (addrSize !== 2 && addrSize !== 4 && addrSize !== 8)
    throw corrupt(`unit at 0x${offset.toString(16)} has address size ${addrSize}`);
  return { offset, end, version, unitType, addrSize, offsetSize, abbrevOffset, dieOffset: offset + c.pos };
}

export interface DieNameInfo {
  name: string | null;
  linkageName: string | null;
  origin: number;
}

/** DW_AT_language of C++ units (DWARF 5 §7.12): only there may a type hold a member function with code. */
const CXX_LANGUAGES = new Set<number>([0x04, 0x1a, 0x21, 0x2b]);
const DW_AT_language = 0x13;

export class CompUnit implements FunctionUnit {
  readonly header: UnitHeader;
  readonly abbrevs: AbbrevTable;
  name: string | null = null;
  compDir: string | null = null;
  stmtList = -1;
  /** Raw DW_AT_low_pc of the root DIE: the base address of range lists. */
  baseAddress: bigint = 0n;
  strOffsetsBase = 0;
  addrBase = 0;
  rnglistsBase = 0;
  /** DW_AT_loclists_base: where this unit's loclistx offsets table starts. */
  loclistsBase = 0;
  /** Linear [lo, hi) pairs of the whole unit (from the root DIE). */
  ranges: number[] = [];
  /** C++: member functions may sit inside class/struct DIEs, which the function walk then enters. */
  typesHoldCode = false;
  private lineTable: LineTable | null = null;
  private functionTree: FunctionTree | null = null;

  constructor(
    readonly sections: DwarfSections,
    readonly space: AddressSpace,
    abbrevCache: AbbrevCache,
    header: UnitHeader,
  ) {
    this.header = header;
    this.abbrevs = abbrevCache.get(header.abbrevOffset);
    this.atWindow(header.dieOffset, 4096, (c) => this.readRoot(c));
  }

  get offset(): number {
    return this.header.offset;
  }

  contains(dieOffset: number): boolean {
    return dieOffset >= this.header.dieOffset && dieOffset < this.header.end;
  }

  /** Runs `fn` on a cursor at `absOffset`, reading only a window of the unit (grown if `fn` needs more). */
  atWindow<T>(absOffset: number, initial: number, fn: (c: Cursor) => T): T {
    if (absOffset < this.header.dieOffset || absOffset >= this.header.end)
      throw corrupt(`DIE offset 0x${absOffset.toString(16)} outside its unit`);
    const info = need(this.sections.info, '.debug_info');
    let len = Math.min(initial, this.header.end - absOffset);
    for (;;) {
      const c = new Cursor(info.bytes(absOffset, len), 0, this.sections.little);
      try {
        return fn(c);
      } catch (e) {
        if (
          len >= this.header.end - absOffset ||
          !(e instanceof Error) ||
          !/unexpected end|unterminated/.test(e.message)
        )
          throw e;
        len = Math.min(len * 8, this.header.end - absOffset);
      }
    }
  }

  abbrev(code: number, at: number): Abbrev {
    const a = this.abbrevs[code];
    if (!a) throw corrupt(`DIE at 0x${at.toString(16)} uses unknown abbreviation ${code}`);
    return a;
  }

  private readRoot(c: Cursor): void {
    const code = c.uleb();
    if (code === 0) return;
    const ab = this.abbrev(code, this.header.dieOffset);
    const start = c.pos;
    // Pass 1: the *_base attributes, which other attributes of the same DIE may depend on.
    for (let i = 0; i < ab.specs.length; i += 2) {
      const at = ab.specs[i];
      const form = ab.specs[i + 1];
      if (at === DW_AT.str_offsets_base) this.strOffsetsBase = readConstant(c, form, this.header);
      else if (at === DW_AT.addr_base || at === DW_AT.GNU_addr_base)
        this.addrBase = readConstant(c, form, this.header);
      else if (at === DW_AT.rnglists_base || at === DW_AT.GNU_ranges_base)
        this.rnglistsBase = readConstant(c, form, this.header);
      else if (at === DW_AT.loclists_base) this.loclistsBase = readConstant(c, form, this.header);
      else skipForm(c, form, this.header);
    }
    c.pos = start;
    const pc = new PcAttributes(this);
    for (let i = 0; i < ab.specs.length; i += 2) {
      const at = ab.specs[i];
      const form = ab.specs[i + 1];
      if (pc.take(c, at, form, ab.implicit?.[i / 2])) continue;
      switch (at) {
        case DW_AT.name:
          this.name = this.readString(c, form);
          break;
        case DW_AT.comp_dir:
          this.compDir = this.readString(c, form);
          break;
        case DW_AT_language:
          this.typesHoldCode = CXX_LANGUAGES.has(readConstant(c, form, this.header));
          break;
        case DW_AT.stmt_list:
          this.stmtList = readConstant(c, form, this.header);
          break;
        default:
          skipForm(c, form, this.header);
      }
    }
    if (pc.low !== null) this.baseAddress = pc.low;
    this.ranges = pc.ranges();
  }

  readString(c: Cursor, form: number): string | null {
    switch (form) {
      case DW_FORM.string:
        return c.cstr();
      case DW_FORM.strp:
        return need(this.sections.str, '.debug_str').cstring(c.uN(this.header.offsetSize));
      case DW_FORM.line_strp:
        return need(this.sections.lineStr, '.debug_line_str').cstring(c.uN(this.header.offsetSize));
      default: {
        const index = readIndex(c, form);
        if (index >= 0) return this.strx(index);
        skipForm(c, form, this.header);
        return null;
      }
    }
  }

  strx(index: number): string {
    const so = need(this.sections.strOffsets, '.debug_str_offsets');
    const size = this.header.offsetSize;
    // Without DW_AT_str_offsets_base (GNU split DWARF), the table starts after the 8/16-byte header.
    const base = this.strOffsetsBase || (this.header.version >= 5 ? (size === 8 ? 16 : 8) : 0);
    const c = new Cursor(so.bytes(base + index * size, size), 0, this.sections.little);
    return need(this.sections.str, '.debug_str').cstring(c.uN(size));
  }

  /** Raw address (after relocation) of an address-class attribute. */
  readAddress(c: Cursor, form: number): bigint {
    switch (form) {
      case DW_FORM.addr:
        return c.addr(this.header.addrSize);
      default: {
        const index = readIndex(c, form);
        if (index >= 0) return this.addrx(index);
        skipForm(c, form, this.header);
        throw corrupt(`form 0x${form.toString(16)} where an address was expected`);
      }
    }
  }

  addrx(index: number): bigint {
    const sec = need(this.sections.addr, '.debug_addr');
    const size = this.header.addrSize;
    const base = this.addrBase || 8;
    return new Cursor(sec.bytes(base + index * size, size), 0, this.sections.little).addr(size);
  }

  /** The unit's functions and inlined calls, walked as lookups need them. */
  functions(): FunctionTree {
    return (this.functionTree ??= new FunctionTree(this));
  }

  lines(): LineTable | null {
    if (this.stmtList < 0 || !this.sections.line) return null;
    this.lineTable ??= new LineTable(this.sections, this.space, this.stmtList, {
      compDir: this.compDir,
      strx: (i) => this.strx(i),
    });
    return this.lineTable;
  }

  /** Name-related attributes of the DIE at `absOffset` (which must be in this unit). */
  dieNameInfo(absOffset: number): DieNameInfo {
    return this.atWindow(absOffset, 512, (c) => this.readNameInfo(c, absOffset));
  }

  private readNameInfo(c: Cursor, absOffset: number): DieNameInfo {
    const code = c.uleb();
    const out: DieNameInfo = { name: null, linkageName: null, origin: -1 };
    if (code === 0) return out;
    const ab = this.abbrev(code, absOffset);
    for (let i = 0; i < ab.specs.length; i += 2) {
      const at = ab.specs[i];
      const form = ab.specs[i + 1];
      if (at === DW_AT.name) out.name = this.readString(c, form);
      else if (at === DW_AT.linkage_name || at === DW_AT.MIPS_linkage_name)
        out.linkageName = this.readString(c, form);
      else if (at === DW_AT.abstract_origin || at === DW_AT.specification)
        out.origin = readReference(c, form, this.header, this.header.offset);
      else skipForm(c, form, this.header);
    }
    return out;
  }
}
