// The functions and inlined calls of one unit, with their code ranges (addr2line's Functions): top-level
// functions are found by a walk that stops at the one a lookup needs and resumes there; the inlined calls
// inside a function are parsed when a lookup first lands in it.
import { Cursor } from './cursor';
import { DW_AT, DW_FORM, DW_TAG } from './constants';
import { type Abbrev, type AbbrevTable, fixedLayout, layoutKey } from './abbrev';
import { readConstant, readReference, skipForm, type UnitEncoding } from './forms';
import { PcAttributes, type PcContext } from './ranges';
import { need } from './sections';
import { corrupt } from '../errors';

/** What the walk reads through its unit (a CompUnit). */
export interface FunctionUnit extends PcContext {
  readonly header: UnitEncoding & {
    /** Offset of the unit in .debug_info, just past it, and of its root DIE. */
    readonly offset: number;
    readonly end: number;
    readonly dieOffset: number;
  };
  readonly abbrevs: AbbrevTable;
  /** C++: member functions may sit inside class/struct DIEs, which the walk then enters. */
  readonly typesHoldCode: boolean;
  abbrev(code: number, at: number): Abbrev;
  /** Runs `fn` on a cursor at `absOffset`, reading only a window of the unit (grown if `fn` needs more). */
  atWindow<T>(absOffset: number, initial: number, fn: (c: Cursor) => T): T;
  readString(c: Cursor, form: number): string | null;
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

export class FunctionTree {
  private readonly functions: FunctionRecord[] = [];
  /** Indexes of the top-level function records found so far. */
  private readonly topLevel: number[] = [];
  /** The top-level walk, while it has stopped early: the unit's bytes, where to resume and the open levels. */
  private topWalk: { buf: Buffer; pos: number; stack: number[] } | null = null;
  private topWalkDone = false;

  constructor(private readonly unit: FunctionUnit) {}

  /** Every function record parsed so far (top-level ones and the subtrees `expand` parsed), by index. */
  records(): FunctionRecord[] {
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
      const buf = need(this.unit.sections.info, '.debug_info').bytes(
        this.unit.header.offset,
        this.unit.header.end - this.unit.header.offset,
      );
      const c = new Cursor(
        buf,
        this.unit.header.dieOffset - this.unit.header.offset,
        this.unit.sections.little,
      );
      // Root DIE: skip its attributes (read in readRoot).
      const root = this.unit.abbrevs[c.uleb()];
      if (!root || !root.hasChildren) {
        this.topWalkDone = true;
        return -1;
      }
      for (let i = 0; i < root.specs.length; i += 2) skipForm(c, root.specs[i + 1], this.unit.header);
      this.topWalk = { buf, pos: c.pos, stack: [-1] };
    }
    const state = this.topWalk;
    const c = new Cursor(state.buf, state.pos, this.unit.sections.little);
    const found = this.walk(c, this.unit.header.offset, state.stack, true, addr);
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
    this.unit.atWindow(start, guess, (c) => {
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
    const enc = this.unit.header;
    const unitOff = this.unit.header.offset;
    const unitEnd = this.unit.header.end;
    const end = Math.min(c.end, unitEnd - cursorBase);
    // Tens of thousands of DIEs per unit, walked while the code is cold: the common cases (one-byte codes,
    // cached walk kinds and fixed layouts) are read inline rather than through calls.
    const buf = c.buf;
    const abbrevs = this.unit.abbrevs;
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
      const ab = abbrevs[code] ?? this.unit.abbrev(code, dieAbs);
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
        parent === -2 || kind === WALK_SKIP || (kind === WALK_TYPE_SCOPE && !this.unit.typesHoldCode);
      if (skipSubtree && sibling > dieAbs && sibling <= unitEnd) c.pos = sibling - cursorBase;
      else stack.push(parent);
    }
    if (stack.length > 0 && !topLevel && c.pos >= c.end && c.end < this.unit.header.end - cursorBase)
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
    const enc = this.unit.header;
    const unitOff = this.unit.header.offset;
    const specs = ab.specs;
    let sibling = -1;
    let name: string | null = null;
    let nameStrp = -1;
    let origin = -1;
    const pc = new PcAttributes(this.unit);
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
          else name = this.unit.readString(c, form);
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
}

/** Length of the range containing addr, Infinity if none does. */
export function containingLength(ranges: number[], addr: number): number {
  for (let i = 0; i < ranges.length; i += 2)
    if (addr >= ranges[i] && addr < ranges[i + 1]) return ranges[i + 1] - ranges[i];
  return Infinity;
}
