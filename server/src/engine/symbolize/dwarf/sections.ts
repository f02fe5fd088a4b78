// The set of DWARF sections of one object, as SectionData (possibly absent).
import { type SectionData } from '../elf/sectionData';
import { corrupt } from '../errors';

export interface DwarfSections {
  info?: SectionData;
  abbrev?: SectionData;
  line?: SectionData;
  lineStr?: SectionData;
  str?: SectionData;
  strOffsets?: SectionData;
  addr?: SectionData;
  aranges?: SectionData;
  ranges?: SectionData;
  rnglists?: SectionData;
  /** Location lists (DWARF 5; DWARF 2–4), read only by the faulting-access explanation. */
  loclists?: SectionData;
  loc?: SectionData;
  little: boolean;
}

export const DWARF_SECTION_NAMES: Record<Exclude<keyof DwarfSections, 'little'>, string> = {
  info: '.debug_info',
  abbrev: '.debug_abbrev',
  line: '.debug_line',
  lineStr: '.debug_line_str',
  str: '.debug_str',
  strOffsets: '.debug_str_offsets',
  addr: '.debug_addr',
  aranges: '.debug_aranges',
  ranges: '.debug_ranges',
  rnglists: '.debug_rnglists',
  loclists: '.debug_loclists',
  loc: '.debug_loc',
};

export function need(s: SectionData | undefined, name: string): SectionData {
  if (!s) throw corrupt(`DWARF refers to ${name}, which the file does not have`);
  return s;
}

/**
 * Runs `parse` on a window of `sec` starting at `offset`, growing the window when the data turns out to be
 * longer than guessed (for structures without a length prefix, such as abbreviation tables).
 */
export function withGrowingWindow<T>(
  sec: SectionData,
  offset: number,
  initial: number,
  parse: (buf: Buffer) => T,
): T {
  let len = Math.min(initial, sec.size - offset);
  if (len <= 0) throw corrupt(`offset 0x${offset.toString(16)} is outside ${sec.name}`);
  for (;;) {
    const buf = sec.bytes(offset, len);
    try {
      return parse(buf);
    } catch (e) {
      const remaining = sec.size - offset;
      if (len >= remaining || !(e instanceof Error) || !/unexpected end|unterminated/.test(e.message))
        throw e;
      len = Math.min(len * 4, remaining);
    }
  }
}
