// One .debug_info unit: its header, the attributes of its root DIE, and — parsed on first use — the tree of
// functions and inlined calls with code ranges, which is all a symbolizer needs from the DIEs.
import { Cursor, initialLength } from './cursor';
import { DW_AT, DW_FORM, DW_TAG, DW_UT } from './constants';
import { type Abbrev, type AbbrevCache, type AbbrevTable, fixedLayout, layoutKey } from './abbrev';
import { readConstant, readIndex, readReference, skipForm, type UnitEncoding } from './forms';
import { type DwarfSections, need } from './sections';
import { readRanges, type RangeContext } from './ranges';
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

/** A function or inlined call with code, as found in the DIE tree. */
export interface FunctionRecord {
  tag: number;
  /** Absolute .debug_info offset of the DIE. */
  die: number;
  /** Linear [lo, hi) pairs. */
  ranges: number[];
  parent: number;
  children: number[];
  name: string | null;
  /** .debug_str offset of DW_AT_name when not decoded yet, else -1. */
  nameStrp: number;
  /** abstract_origin or specification target (absolute offset), -1 if none. */
  origin: number;
  callFile: number;
  callLine: number;
  callColumn: number;
  /** Absolute offset of the first child DIE while the children are not parsed yet, else -1. */
  childStart: number;
  /** DW_AT_sibling (end of the subtree) when known, else -1. */
  subtreeEnd: number;
}

export interface DieNameInfo {
  name: string | null;
  linkageName: string | null;
  origin: number;
}

const CODE_TAGS = new Set<number>([DW_TAG.subprogram, DW_TAG.inlined_subroutine]);
/** Tags whose children may hold code-bearing DIEs; children of every other tag are skipped via DW_AT_sibling. */
const CONTAINER_TAGS = new Set<number>([
  DW_TAG.compile_unit,
  DW_TAG.partial_unit,
  DW_TAG.skeleton_unit,
  DW_TAG.subprogram,
  DW_TAG.inlined_subroutine,
  DW_TAG.lexical_block,
  DW_TAG.namespace,
  DW_TAG.module,
  DW_TAG.try_block,
  DW_TAG.catch_block,
]);
/** class_type, structure_type: scopes of C++ member functions (concrete ones are normally outside them). */
const TYPE_SCOPE_TAGS = new Set<number>([0x02, 0x13]);
/** DW_AT_language of C++ units (DWARF 5 §7.12): only there may a type hold a member function with code. */
const CXX_LANGUAGES = new Set<number>([0x04, 0x1a, 0x21, 0x2b]);
const DW_AT_language = 0x13;

/** How a walk treats a DIE: skip its subtree, walk its children, or record it as code with a range. */
const WALK_SKIP = 0;
const WALK_CHILDREN = 1;
const WALK_CODE = 2;
/** A struct or class: walked in C++ units, skipped elsewhere (a C unit's tens of thousands of members). */
const WALK_TYPE_SCOPE = 3;
const PC_ATTRIBUTES = new Set<number>([DW_AT.low_pc, DW_AT.high_pc, DW_AT.ranges]);

function walkKind(ab: Abbrev): number {
  if (ab.walk !== undefined) return ab.walk;
  let hasPc = false;
  for (let i = 0; i < ab.specs.length; i += 2) if (PC_ATTRIBUTES.has(ab.specs[i])) hasPc = true;
  // A function without code attributes (a declaration, an abstract inline instance) holds no code either:
  // its subtree is skipped like a type's.
  if (CODE_TAGS.has(ab.tag)) ab.walk = hasPc ? WALK_CODE : WALK_SKIP;
  else
    ab.walk = CONTAINER_TAGS.has(ab.tag)
      ? WALK_CHILDREN
      : TYPE_SCOPE_TAGS.has(ab.tag)
        ? WALK_TYPE_SCOPE
        : WALK_SKIP;
  return ab.walk;
}

export class CompUnit implements RangeContext {
  readonly header: UnitHeader;
  private readonly abbrevs: AbbrevTable;
  name: string | null = null;
  compDir: string | null = null;
  stmtList = -1;
  /** Raw DW_AT_low_pc of the root DIE: the base address of range lists. */
  baseAddress: bigint = 0n;
  strOffsetsBase = 0;
  addrBase = 0;
  rnglistsBase = 0;
  /** Linear [lo, hi) pairs of the whole unit (from the root DIE). */
  ranges: number[] = [];
  private readonly functions: FunctionRecord[] = [];
  /** Indexes of the top-level function records found so far. */
  private readonly topLevel: number[] = [];
  /** The top-level walk, while it has stopped early: the unit's bytes, where to resume and the open levels. */
  private topWalk: { buf: Buffer; pos: number; stack: number[] } | null = null;
  private topWalkDone = false;
  /** C++: member functions may sit inside class/struct DIEs, which the walk then enters. */
  private typesHoldCode = false;
  private lineTable: LineTable | null = null;

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
  private atWindow<T>(absOffset: number, initial: number, fn: (c: Cursor) => T): T {
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

  private abbrev(code: number, at: number) {
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

  lines(): LineTable | null {
    if (this.stmtList < 0 || !this.sections.line) return null;
    this.lineTable ??= new LineTable(this.sections, this.space, this.stmtList, {
      compDir: this.compDir,
      strx: (i) => this.strx(i),
    });
    return this.lineTable;
  }

  /** Every function record parsed so far (top-level ones and the subtrees `expand` parsed), by index. */
  functionRecords(): FunctionRecord[] {
    return this.functions;
  }

  /**
   * The top-level function whose code contains `addr` (the smallest when several do), or -1. Top-level DIEs
   * are walked only as far as needed, and the walk resumes there for the next address: a one-shot lookup
   * reads half a unit on average. The subtree of a function (its inlined calls) is parsed by `expand`.
   */
  topLevelContaining(addr: number): number {
    let best = -1;
    let bestLen = Infinity;
    for (const i of this.topLevel) {
      const len = containingLength(this.functions[i].ranges, addr);
      if (len < bestLen) {
        best = i;
        bestLen = len;
      }
    }
    if (best >= 0 || this.topWalkDone) return best;
    if (!this.topWalk) {
      // The unit is read whole for the top-level walk and dropped when the walk ends; only the records stay.
      const buf = need(this.sections.info, '.debug_info').bytes(
        this.header.offset,
        this.header.end - this.header.offset,
      );
      const c = new Cursor(buf, this.header.dieOffset - this.header.offset, this.sections.little);
      // Root DIE: skip its attributes (read in readRoot).
      const root = this.abbrevs[c.uleb()];
      if (!root || !root.hasChildren) {
        this.topWalkDone = true;
        return -1;
      }
      for (let i = 0; i < root.specs.length; i += 2) skipForm(c, root.specs[i + 1], this.header);
      this.topWalk = { buf, pos: c.pos, stack: [-1] };
    }
    const state = this.topWalk;
    const c = new Cursor(state.buf, state.pos, this.sections.little);
    const found = this.walk(c, this.header.offset, state.stack, true, addr);
    state.pos = c.pos;
    if (found < 0) {
      this.topWalkDone = true;
      this.topWalk = null;
    }
    return found;
  }

  /** Parses the inlined calls (and nested functions) inside a top-level function record, once. */
  expand(index: number): void {
    const rec = this.functions[index];
    if (rec.childStart < 0) return;
    const start = rec.childStart;
    rec.childStart = -1;
    const guess = rec.subtreeEnd > start ? rec.subtreeEnd - start : 64 * 1024;
    const before = this.functions.length;
    this.atWindow(start, guess, (c) => {
      this.functions.length = before; // a retry with a larger window starts over
      rec.children = [];
      this.walk(c, start, [index], false);
    });
  }

  /**
   * Walks DIEs from the cursor until the level it started at is closed. Top-level mode records functions
   * and jumps over their children (DW_AT_sibling) for `expand` to parse later, and stops after the first
   * function containing `stopAddr` (returning its index; -1 at the end); full mode records everything.
   * `stack`: the enclosing record index per open DIE level (-1 = none; -2 = skipping a subtree), kept
   * by the caller to resume.
   */
  private walk(c: Cursor, cursorBase: number, stack: number[], topLevel: boolean, stopAddr = NaN): number {
    const recs = this.functions;
    const enc = this.header;
    const unitOff = this.header.offset;
    const unitEnd = this.header.end;
    const end = Math.min(c.end, unitEnd - cursorBase);
    // Tens of thousands of DIEs per unit, walked while the code is cold: the common cases (one-byte codes,
    // cached walk kinds and fixed layouts) are read inline rather than through calls.
    const buf = c.buf;
    const abbrevs = this.abbrevs;
    const key = layoutKey(enc);
    while (c.pos < end && stack.length > 0) {
      const dieAbs = cursorBase + c.pos;
      const b0 = buf[c.pos];
      let code: number;
      if (b0 < 0x80) {
        code = b0;
        c.pos++;
      } else code = c.uleb();
      if (code === 0) {
        stack.pop();
        continue;
      }
      const ab = abbrevs[code] ?? this.abbrev(code, dieAbs);
      const specs = ab.specs;
      const parent = stack[stack.length - 1];
      let sibling = -1;
      const kind = ab.walk ?? walkKind(ab);
      if (kind === WALK_CODE && parent !== -2) {
        const rec = this.readCodeDie(c, ab, dieAbs, parent, cursorBase);
        if (rec === null) {
          if (ab.hasChildren) stack.push(parent);
          continue;
        }
        const idx = recs.length;
        recs.push(rec);
        if (parent >= 0) recs[parent].children.push(idx);
        if (topLevel) this.topLevel.push(idx);
        if (ab.hasChildren) {
          if (!topLevel) {
            rec.childStart = -1;
            stack.push(idx);
          } else if (rec.subtreeEnd > 0 && rec.subtreeEnd <= unitEnd) c.pos = rec.subtreeEnd - cursorBase;
          else stack.push(-2); // no sibling: walk over the children without recording them
        }
        if (topLevel && containingLength(rec.ranges, stopAddr) < Infinity) return idx;
        continue;
      }
      const layout = ab.layout !== undefined && ab.layout.key === key ? ab.layout : fixedLayout(ab, enc);
      if (layout.size >= 0) {
        // All attributes have fixed sizes: read DW_AT_sibling in place (CU-relative ref form) and jump.
        if (layout.siblingOffset >= 0 && ab.hasChildren) {
          const save = c.pos;
          c.pos += layout.siblingOffset;
          sibling = unitOff + c.uN(layout.siblingSize);
          c.pos = save;
        }
        if (c.pos + layout.size > c.end)
          throw corrupt(`unexpected end of data at offset 0x${c.pos.toString(16)}`);
        c.pos += layout.size;
      } else
        for (let i = 0; i < specs.length; i += 2) {
          if (specs[i] === DW_AT.sibling) sibling = readReference(c, specs[i + 1], enc, unitOff);
          else skipForm(c, specs[i + 1], enc);
        }
      if (!ab.hasChildren) continue;
      const skipSubtree =
        parent === -2 || kind === WALK_SKIP || (kind === WALK_TYPE_SCOPE && !this.typesHoldCode);
      if (skipSubtree && sibling > dieAbs && sibling <= unitEnd) c.pos = sibling - cursorBase;
      else stack.push(parent);
    }
    if (stack.length > 0 && !topLevel && c.pos >= c.end && c.end < this.header.end - cursorBase)
      throw corrupt('unexpected end of data (subtree)');
    return -1;
  }

  /** The record of a function or inlined-call DIE (attributes read, not stored yet), or null if it has no code. */
  private readCodeDie(
    c: Cursor,
    ab: Abbrev,
    dieAbs: number,
    parent: number,
    cursorBase: number,
  ): FunctionRecord | null {
    const enc = this.header;
    const unitOff = this.header.offset;
    const specs = ab.specs;
    let sibling = -1;
    let name: string | null = null;
    let nameStrp = -1;
    let origin = -1;
    const pc = new PcAttributes(this);
    let callFile = 0;
    let callLine = 0;
    let callColumn = 0;
    for (let i = 0; i < specs.length; i += 2) {
      const at = specs[i];
      const form = specs[i + 1];
      if (pc.take(c, at, form, ab.implicit?.[i / 2])) continue;
      switch (at) {
        case DW_AT.name:
          // .debug_str names are decoded only for the functions a lookup reports.
          if (form === DW_FORM.strp) nameStrp = c.uN(enc.offsetSize);
          else name = this.readString(c, form);
          break;
        case DW_AT.sibling:
          sibling = readReference(c, form, enc, unitOff);
          break;
        case DW_AT.abstract_origin:
        case DW_AT.specification:
          origin = readReference(c, form, enc, unitOff);
          break;
        case DW_AT.call_file:
          callFile = readConstant(c, form, enc, ab.implicit?.[i / 2]);
          break;
        case DW_AT.call_line:
          callLine = readConstant(c, form, enc, ab.implicit?.[i / 2]);
          break;
        case DW_AT.call_column:
          callColumn = readConstant(c, form, enc, ab.implicit?.[i / 2]);
          break;
        default:
          skipForm(c, form, enc);
      }
    }
    const ranges = pc.ranges();
    if (ranges.length === 0) return null;
    const childStart = ab.hasChildren ? cursorBase + c.pos : -1;
    const subtreeEnd = sibling > dieAbs ? sibling : -1;
    return {
      tag: ab.tag,
      die: dieAbs,
      ranges,
      parent,
      children: [],
      name,
      nameStrp,
      origin,
      callFile,
      callLine,
      callColumn,
      childStart,
      subtreeEnd,
    };
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

/** Collects DW_AT_low_pc / high_pc / ranges of one DIE and turns them into linear [lo, hi) pairs. */
class PcAttributes {
  low: bigint | null = null;
  private highAddr: bigint | null = null;
  private highOffset = -1;
  private rangesForm = 0;
  private rangesValue = -1;
  constructor(private readonly unit: CompUnit) {}

  /** Reads the attribute if it is one of ours; returns whether it was. */
  take(c: Cursor, at: number, form: number, implicit: number | undefined): boolean {
    const u = this.unit;
    if (at === DW_AT.low_pc) this.low = u.readAddress(c, form);
    else if (at === DW_AT.high_pc) {
      if (isAddressForm(form)) this.highAddr = u.readAddress(c, form);
      else this.highOffset = readConstant(c, form, u.header, implicit);
    } else if (at === DW_AT.ranges) {
      this.rangesForm = form;
      this.rangesValue = readConstant(c, form === DW_FORM.rnglistx ? DW_FORM.udata : form, u.header);
    } else return false;
    return true;
  }

  ranges(): number[] {
    if (this.rangesValue >= 0) return readRanges(this.unit, this.rangesForm, this.rangesValue);
    if (this.low === null) return [];
    const lo = this.unit.space.fromBig(this.low);
    const hi =
      this.highAddr !== null
        ? this.unit.space.fromBig(this.highAddr)
        : this.highOffset >= 0
          ? lo + this.highOffset
          : NaN;
    return hi > lo ? [lo, hi] : [];
  }
}

function isAddressForm(form: number): boolean {
  return (
    form === DW_FORM.addr ||
    form === DW_FORM.addrx ||
    form === DW_FORM.addrx1 ||
    form === DW_FORM.addrx2 ||
    form === DW_FORM.addrx3 ||
    form === DW_FORM.addrx4 ||
    form === DW_FORM.GNU_addr_index
  );
}

/** Length of the range containing addr, Infinity if none does. */
export function containingLength(ranges: number[], addr: number): number {
  for (let i = 0; i < ranges.length; i += 2)
    if (addr >= ranges[i] && addr < ranges[i + 1]) return ranges[i + 1] - ranges[i];
  return Infinity;
}
