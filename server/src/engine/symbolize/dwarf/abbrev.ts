// .debug_abbrev: abbreviation tables, parsed once per offset and cached.
import { Cursor } from './cursor';
import { DW_FORM } from './constants';
import { type DwarfSections, need, withGrowingWindow } from './sections';
import { fixedFormSize, type UnitEncoding } from './forms';
import { corrupt } from '../errors';

export interface Abbrev {
  tag: number;
  hasChildren: boolean;
  /** Flattened [attribute, form, attribute, form, …]. */
  specs: number[];
  /** DW_FORM_implicit_const values, parallel to specs/2. */
  implicit: number[] | null;
  /** Fixed-size layout for one unit encoding (see fixedLayout), computed on first use. */
  layout?: FixedLayout;
  /** How a DIE walk treats DIEs of this abbreviation (unit.ts), computed on first use. */
  walk?: number;
}

/** When every attribute of an abbreviation has a fixed size, a DIE can be skipped in one step. */
export interface FixedLayout {
  /** Encoding key the layout was computed for. */
  key: number;
  /** Total attribute bytes, or -1 if some form has a variable size. */
  size: number;
  /** Byte offset of DW_AT_sibling within the attributes (-1: none or not at a fixed offset) and its size. */
  siblingOffset: number;
  siblingSize: number;
}

const DW_AT_sibling = 0x01;

/** The encoding a fixed layout depends on, as one number. */
export function layoutKey(enc: UnitEncoding): number {
  return enc.version * 256 + enc.addrSize * 16 + enc.offsetSize;
}

export function fixedLayout(ab: Abbrev, enc: UnitEncoding): FixedLayout {
  const key = layoutKey(enc);
  if (ab.layout && ab.layout.key === key) return ab.layout;
  let size = 0;
  let siblingOffset = -1;
  let siblingSize = 0;
  for (let i = 0; i < ab.specs.length; i += 2) {
    const n = fixedFormSize(ab.specs[i + 1], enc);
    const form = ab.specs[i + 1];
    const unitRelative =
      form === DW_FORM.ref1 || form === DW_FORM.ref2 || form === DW_FORM.ref4 || form === DW_FORM.ref8;
    if (ab.specs[i] === DW_AT_sibling && size >= 0 && unitRelative) {
      siblingOffset = size;
      siblingSize = n;
    }
    if (n < 0 || size < 0) size = -1;
    else size += n;
  }
  ab.layout = { key, size, siblingOffset, siblingSize };
  return ab.layout;
}

/** Abbreviations by code: codes are small and dense (1..n), so an array (holes for unused codes). */
export type AbbrevTable = (Abbrev | undefined)[];
const MAX_ABBREV_CODE = 1 << 20;

export class AbbrevCache {
  private readonly tables = new Map<number, AbbrevTable>();
  constructor(private readonly sections: DwarfSections) {}

  get(offset: number): AbbrevTable {
    let t = this.tables.get(offset);
    if (t) return t;
    const sec = need(this.sections.abbrev, '.debug_abbrev');
    t = withGrowingWindow(sec, offset, 16 * 1024, (buf) =>
      parseAbbrevTable(new Cursor(buf, 0, this.sections.little)),
    );
    if (this.tables.size > 512) this.tables.delete(this.tables.keys().next().value as number);
    this.tables.set(offset, t);
    return t;
  }
}

function parseAbbrevTable(c: Cursor): AbbrevTable {
  const table: AbbrevTable = [];
  // A kernel unit has hundreds of abbreviations, parsed when cold: one-byte LEB128 values (nearly all of
  // them) are read inline, longer ones through the cursor.
  const b = c.buf;
  const leb = (): number => (c.pos < c.end && b[c.pos] < 0x80 ? b[c.pos++] : c.uleb());
  for (;;) {
    const code = leb();
    if (code === 0) return table;
    const tag = leb();
    const hasChildren = c.u8() !== 0;
    const specs: number[] = [];
    let implicit: number[] | null = null;
    for (;;) {
      const at = leb();
      const form = leb();
      if (at === 0 && form === 0) break;
      if (form === DW_FORM.implicit_const) {
        // Dense (zeros elsewhere): reading a hole of a sparse array would deoptimize the DIE walk.
        implicit ??= new Array<number>(specs.length / 2).fill(0);
        implicit.push(c.sleb());
      } else implicit?.push(0);
      specs.push(at, form);
      if (specs.length > 2 * 4096) throw corrupt('abbreviation with an absurd number of attributes');
    }
    if (code >= MAX_ABBREV_CODE) throw corrupt(`abbreviation code ${code} is absurdly large`);
    table[code] = { tag, hasChildren, specs, implicit };
  }
}
