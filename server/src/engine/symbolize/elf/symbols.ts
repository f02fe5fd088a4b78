// Symbol table layer: `.symtab` (else `.dynsym`) with kallsyms-style sizes — the distance to the next symbol
// in the same section, which is the `/0xSIZE` the kernel prints and what scripts/faddr2line compares.
import { ElfFile, ElfSection, SHT_SYMTAB, SHT_DYNSYM } from './elfFile';
import { countAtOrBefore } from '../search';
import { corrupt } from '../errors';

export const STT_NOTYPE = 0;
export const STT_OBJECT = 1;
export const STT_FUNC = 2;
const STT_FILE = 4;
const STB_LOCAL = 0;
const STB_WEAK = 2;
const SHN_LORESERVE = 0xff00;

export interface ElfSymbol {
  name: string;
  /** st_value: a virtual address (ET_EXEC/ET_DYN) or an offset in its section (ET_REL). */
  value: bigint;
  /** st_size as in the ELF file. */
  elfSize: number;
  /** Distance to the next symbol in the same section (or st_size for the last one), like kallsyms. */
  kallsymsSize: number;
  type: number;
  section: ElfSection;
  weak: boolean;
  /** No symbol follows in the section: the kernel's size for it depends on what is loaded after it. */
  lastInSection: boolean;
  /** For local symbols, the preceding STT_FILE symbol (binutils reports it when DWARF has no line). */
  file: string | null;
}

/** Mapping symbols ($x, $d, $a, $t on arm/arm64) are not real symbols; kallsyms drops them too. */
export function isMappingSymbol(name: string): boolean {
  return name.startsWith('$');
}

export class SymbolTable {
  private readonly all: ElfSymbol[] = [];
  private readonly byName = new Map<string, ElfSymbol[]>();
  /** Code-ish symbols (FUNC/NOTYPE) per section index, sorted by value, for address -> symbol. */
  private readonly bySection = new Map<number, ElfSymbol[]>();

  constructor(elf: ElfFile) {
    const tab = elf.sections.find((s) => s.type === SHT_SYMTAB) ?? elf.sections.find((s) => s.type === SHT_DYNSYM);
    if (!tab) return;
    const entSize = elf.is64 ? 24 : 16;
    if (tab.link >= elf.sections.length) throw corrupt(`symbol table string table index ${tab.link} out of range`);
    const count = Math.floor(tab.size / entSize);
    const data = elf.readSection(tab);
    const strtab = elf.readSection(elf.sections[tab.link]);
    const e = elf.endian;
    // All symbols that delimit others for the kallsyms-size computation (FUNC, NOTYPE, OBJECT).
    const delimiters = new Map<number, bigint[]>();
    let file: string | null = null;
    let fileState = 0; // 0: nothing seen, 1: a symbol seen, 2: a file symbol after a symbol
    for (let i = 1; i < count; i++) {
      const o = i * entSize;
      const nameOff = e.u32(data, o);
      const info = elf.is64 ? data[o + 4] : data[o + 12];
      const shndx = e.u16(data, elf.is64 ? o + 6 : o + 14);
      const value = elf.is64 ? e.u64(data, o + 8) : BigInt(e.u32(data, o + 4));
      const size = elf.is64 ? e.off64(data, o + 16) : e.u32(data, o + 8);
      const type = info & 0xf;
      // binutils (bfd/elf.c elf_find_function) names the source file of a symbol after the last STT_FILE
      // symbol, but for global symbols only while no STT_FILE has followed another symbol.
      if (type === STT_FILE) {
        file = nameOff < strtab.length ? strtab.toString('utf8', nameOff, Math.max(nameOff, strtab.indexOf(0, nameOff))) : null;
        if (fileState === 1) fileState = 2;
        continue;
      }
      if (fileState === 0) fileState = 1;
      if (type !== STT_FUNC && type !== STT_NOTYPE && type !== STT_OBJECT) continue;
      if (shndx === 0 || shndx >= SHN_LORESERVE || shndx >= elf.sections.length) continue;
      if (nameOff >= strtab.length) throw corrupt(`symbol ${i} has a name offset outside the string table`);
      const end = strtab.indexOf(0, nameOff);
      const name = strtab.toString('utf8', nameOff, end < 0 ? strtab.length : end);
      if (!name || isMappingSymbol(name)) continue;
      const sym: ElfSymbol = {
        name,
        value,
        elfSize: size,
        kallsymsSize: size,
        type,
        section: elf.sections[shndx],
        lastInSection: false,
        weak: info >> 4 === STB_WEAK,
        file: info >> 4 === STB_LOCAL || fileState !== 2 ? file : null,
      };
      this.all.push(sym);
      let d = delimiters.get(shndx);
      if (!d) delimiters.set(shndx, (d = []));
      d.push(value);
    }
    for (const [, d] of delimiters) d.sort(cmpBig);
    for (const sym of this.all) {
      const d = delimiters.get(sym.section.index)!;
      const next = upperBound(d, sym.value);
      if (next < d.length) sym.kallsymsSize = Number(d[next] - sym.value);
      else sym.lastInSection = true;
      if (sym.type === STT_OBJECT) continue;
      let list = this.byName.get(sym.name);
      if (!list) this.byName.set(sym.name, (list = []));
      list.push(sym);
      let sec = this.bySection.get(sym.section.index);
      if (!sec) this.bySection.set(sym.section.index, (sec = []));
      sec.push(sym);
    }
    for (const [, list] of this.bySection) list.sort((a, b) => cmpBig(a.value, b.value) || preferFunc(a, b));
  }

  get size(): number {
    return this.all.length;
  }

  /** FUNC and NOTYPE symbols with this name (several when static functions share a name). */
  lookupName(name: string): ElfSymbol[] {
    return this.byName.get(name) ?? [];
  }

  /**
   * The code symbol at or before `value` in section `sectionIndex`, if `value` lies within its kallsyms size
   * (or its ELF size when that is larger) — `sym+off` as the kernel would print it. Unbounded: the nearest
   * preceding symbol whatever its size, as binutils names functions when DWARF does not.
   */
  containing(sectionIndex: number, value: bigint, bounded = true): { symbol: ElfSymbol; offset: number } | null {
    const list = this.bySection.get(sectionIndex);
    if (!list) return null;
    const lo = countAtOrBefore(list.length, (i) => list[i].value <= value);
    if (lo === 0) return null;
    // Several symbols may share the address: the list is sorted so that the preferred alias comes first.
    let i = lo - 1;
    while (i > 0 && list[i - 1].value === list[i].value) i--;
    const best = list[i];
    const offset = Number(value - best.value);
    if (bounded && offset >= Math.max(best.kallsymsSize, best.elfSize, 1)) return null;
    return { symbol: best, offset };
  }
}

function preferFunc(a: ElfSymbol, b: ElfSymbol): number {
  return (b.type === STT_FUNC ? 1 : 0) - (a.type === STT_FUNC ? 1 : 0) || kallsymsAliasOrder(a.name, a.weak, b.name, b.weak);
}

/**
 * Order of symbols sharing an address, as scripts/kallsyms.c (compare_symbols) sorts them; the kernel
 * prints the first: strong before weak, real symbols before linker-script markers (__start_x, x_end…),
 * fewer leading underscores first.
 */
export function kallsymsAliasOrder(a: string, aWeak: boolean, b: string, bWeak: boolean): number {
  return (
    Number(aWeak) - Number(bWeak) ||
    Number(isLinkerMarker(a)) - Number(isLinkerMarker(b)) ||
    leadingUnderscores(a) - leadingUnderscores(b)
  );
}

function isLinkerMarker(n: string): boolean {
  if (n.length < 8 || !n.startsWith('__')) return false;
  return /^__(start_|stop_|end_)/.test(n) || n.endsWith('_start') || n.endsWith('_end');
}

function leadingUnderscores(n: string): number {
  let i = 0;
  while (n[i] === '_') i++;
  return i;
}

export function cmpBig(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function upperBound(arr: bigint[], v: bigint): number {
  return countAtOrBefore(arr.length, (i) => arr[i] <= v);
}

