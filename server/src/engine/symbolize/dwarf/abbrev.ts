// .debug_abbrev: abbreviation tables, parsed once per offset and cached.
import { Cursor } from './cursor';
import { DW_FORM } from './constants';
import { DwarfSections, need, withGrowingWindow } from './sections';
import { corrupt } from '../errors';

export interface Abbrev {
  tag: number;
  hasChildren: boolean;
  /** Flattened [attribute, form, attribute, form, …]. */
  specs: number[];
  /** DW_FORM_implicit_const values, parallel to specs/2. */
  implicit: number[] | null;
}

export type AbbrevTable = Map<number, Abbrev>;

export class AbbrevCache {
  private readonly tables = new Map<number, AbbrevTable>();
  constructor(private readonly sections: DwarfSections) {}

  get(offset: number): AbbrevTable {
    let t = this.tables.get(offset);
    if (t) return t;
    const sec = need(this.sections.abbrev, '.debug_abbrev');
    t = withGrowingWindow(sec, offset, 16 * 1024, (buf) => parseAbbrevTable(new Cursor(buf, 0, this.sections.little)));
    if (this.tables.size > 512) this.tables.delete(this.tables.keys().next().value as number);
    this.tables.set(offset, t);
    return t;
  }
}

function parseAbbrevTable(c: Cursor): AbbrevTable {
  const table: AbbrevTable = new Map();
  for (;;) {
    const code = c.uleb();
    if (code === 0) return table;
    const tag = c.uleb();
    const hasChildren = c.u8() !== 0;
    const specs: number[] = [];
    let implicit: number[] | null = null;
    for (;;) {
      const at = c.uleb();
      const form = c.uleb();
      if (at === 0 && form === 0) break;
      if (form === DW_FORM.implicit_const) {
        implicit ??= [];
        implicit[specs.length / 2] = c.sleb();
      }
      specs.push(at, form);
      if (specs.length > 2 * 4096) throw corrupt('abbreviation with an absurd number of attributes');
    }
    table.set(code, { tag, hasChildren, specs, implicit });
  }
}
