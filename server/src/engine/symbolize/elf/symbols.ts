// Symbol table layer: `.symtab` (else `.dynsym`) with kallsyms-style sizes — the distance to the next symbol
// in the same section, which is the `/0xSIZE` the kernel prints and what scripts/faddr2line compares.
// A vmlinux has ~130k symbols: they are kept as typed arrays (values relative to their section, exact
// numbers) and turned into objects only when asked for; the address index is sorted per section on demand.
import { ElfFile, ElfSection, SHT_SYMTAB, SHT_DYNSYM } from './elfFile';
import { corrupt, SymbolizeError } from '../errors';
import { countAtOrBefore } from '../search';

export const STT_NOTYPE = 0;
export const STT_OBJECT = 1;
export const STT_FUNC = 2;
const STT_FILE = 4;
const STB_LOCAL = 0;
const STB_WEAK = 2;
const SHN_LORESERVE = 0xff00;
const TWO32 = 4294967296;
/** Symbol indexes must stay below this for the (hash, index) packing of the name index (2^21). */
const NAME_SLOTS = 2097152;

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
  /** The preceding STT_FILE symbol as binutils attributes it (reported when DWARF has no line). */
  file: string | null;
}

/** Mapping symbols ($x, $d, $a, $t on arm/arm64) are not real symbols; kallsyms drops them too. */
export function isMappingSymbol(name: string): boolean {
  return name.startsWith('$');
}

export class SymbolTable {
  private count = 0;
  private nameOff = new Uint32Array(0);
  /** st_value - sh_addr of the symbol's section: exact and small. */
  private rel = new Float64Array(0);
  private elfSize = new Float64Array(0);
  private values: Float64Array | null = null;
  private secStart = new Uint32Array(1);
  private sizeQueries = 0;
  private info = new Uint8Array(0);
  private shndx = new Uint32Array(0);
  /** strtab offset of the attributed STT_FILE name, or -1. */
  private fileOff = new Int32Array(0);
  private strtab: Buffer = Buffer.alloc(0);
  private byHash: Float64Array | null = null;
  private readonly nameCache = new Map<string, number[]>();
  private nameQueries = 0;
  private readonly bySection = new Map<number, Int32Array>();

  constructor(private readonly elf: ElfFile) {
    const tab = elf.sections.find((s) => s.type === SHT_SYMTAB) ?? elf.sections.find((s) => s.type === SHT_DYNSYM);
    if (!tab) return;
    const entSize = elf.is64 ? 24 : 16;
    if (tab.link >= elf.sections.length) throw corrupt(`symbol table string table index ${tab.link} out of range`);
    const total = Math.floor(tab.size / entSize);
    if (total >= NAME_SLOTS) throw new SymbolizeError('too-large', `symbol table with ${total} entries`);
    const data = elf.readSection(tab);
    const strtab = (this.strtab = elf.readSection(elf.sections[tab.link]));
    const e = elf.endian;
    const le = e.little;
    const nsec = elf.sections.length;
    const secHi = new Float64Array(nsec);
    const secLo = new Float64Array(nsec);
    for (const s of elf.sections) {
      secHi[s.index] = Number(s.addr >> 32n);
      secLo[s.index] = Number(s.addr & 0xffffffffn);
    }
    this.nameOff = new Uint32Array(total);
    this.rel = new Float64Array(total);
    this.elfSize = new Float64Array(total);
    this.info = new Uint8Array(total);
    this.shndx = new Uint32Array(total);
    this.fileOff = new Int32Array(total);
    // binutils (bfd/elf.c elf_find_function) attributes the last STT_FILE name to a symbol, but to global
    // symbols only while no STT_FILE has followed another symbol.
    let file = -1;
    let fileState = 0; // 0: nothing seen, 1: a symbol seen, 2: a file symbol after a symbol
    let n = 0;
    for (let i = 1; i < total; i++) {
      const o = i * entSize;
      const nameOff = le ? data.readUInt32LE(o) : data.readUInt32BE(o);
      const info = elf.is64 ? data[o + 4] : data[o + 12];
      const type = info & 0xf;
      if (type === STT_FILE) {
        file = nameOff;
        if (fileState === 1) fileState = 2;
        continue;
      }
      if (fileState === 0) fileState = 1;
      if (type !== STT_FUNC && type !== STT_NOTYPE && type !== STT_OBJECT) continue;
      const shndx = le ? data.readUInt16LE(elf.is64 ? o + 6 : o + 14) : data.readUInt16BE(elf.is64 ? o + 6 : o + 14);
      if (shndx === 0 || shndx >= SHN_LORESERVE || shndx >= nsec) continue;
      if (nameOff >= strtab.length) throw corrupt(`symbol ${i} has a name offset outside the string table`);
      const c0 = strtab[nameOff];
      if (c0 === 0 || c0 === 0x24 /* $ */) continue;
      let rel: number;
      if (elf.is64) {
        const lo = le ? data.readUInt32LE(o + 8) : data.readUInt32BE(o + 12);
        const hi = le ? data.readUInt32LE(o + 12) : data.readUInt32BE(o + 8);
        rel = (hi - secHi[shndx]) * TWO32 + (lo - secLo[shndx]);
      } else rel = e.u32(data, o + 4) - secLo[shndx];
      this.nameOff[n] = nameOff;
      this.rel[n] = rel;
      // st_size without BigInt (130k symbols): sizes beyond 2^32 are kept approximately, which is harmless.
      this.elfSize[n] = elf.is64 ? (le ? data.readUInt32LE(o + 16) + data.readUInt32LE(o + 20) * TWO32 : data.readUInt32BE(o + 20) + data.readUInt32BE(o + 16) * TWO32) : e.u32(data, o + 8);
      this.info[n] = info;
      this.shndx[n] = shndx;
      this.fileOff[n] = file >= 0 && (info >> 4 === STB_LOCAL || fileState !== 2) ? file : -1;
      n++;
    }
    this.count = n;
  }

  /** Per-section sorted values of all FUNC/NOTYPE/OBJECT symbols, for kallsyms sizes (built after a few lookups). */
  private sortValues(): void {
    const nsec = this.elf.sections.length;
    const n = this.count;
    const perSection = new Uint32Array(nsec + 1);
    for (let i = 0; i < n; i++) perSection[this.shndx[i] + 1]++;
    for (let s = 1; s <= nsec; s++) perSection[s] += perSection[s - 1];
    const values = new Float64Array(n);
    const fill = perSection.slice(0, nsec);
    for (let i = 0; i < n; i++) values[fill[this.shndx[i]]++] = this.rel[i];
    for (let s = 0; s < nsec; s++) values.subarray(perSection[s], perSection[s + 1]).sort();
    this.secStart = perSection;
    this.values = values;
  }

  /** kallsyms size: distance to the next distinct value in the same section; ELF size for the last symbol. */
  private kallsymsSize(i: number): { size: number; last: boolean } {
    const s = this.shndx[i];
    const v = this.rel[i];
    if (!this.values && ++this.sizeQueries > 16) this.sortValues();
    let next = Infinity;
    if (this.values) {
      const lo0 = this.secStart[s];
      const hi0 = this.secStart[s + 1];
      let lo = lo0;
      let hi = hi0;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (this.values[mid] <= v) lo = mid + 1;
        else hi = mid;
      }
      if (lo < hi0) next = this.values[lo];
    } else {
      // A few one-off queries: a linear pass is cheaper than sorting 130k values.
      for (let k = 0; k < this.count; k++) if (this.shndx[k] === s && this.rel[k] > v && this.rel[k] < next) next = this.rel[k];
    }
    return next !== Infinity ? { size: next - v, last: false } : { size: this.elfSize[i], last: true };
  }

  get size(): number {
    return this.count;
  }

  private name(i: number): string {
    const off = this.nameOff[i];
    const end = this.strtab.indexOf(0, off);
    return this.strtab.toString('utf8', off, end < 0 ? this.strtab.length : end);
  }

  private isCode(i: number): boolean {
    return (this.info[i] & 0xf) !== STT_OBJECT;
  }

  private symbol(i: number): ElfSymbol {
    const section = this.elf.sections[this.shndx[i]];
    const f = this.fileOff[i];
    const k = this.kallsymsSize(i);
    return {
      name: this.name(i),
      value: section.addr + BigInt(this.rel[i]),
      elfSize: this.elfSize[i],
      kallsymsSize: k.size,
      type: this.info[i] & 0xf,
      section,
      weak: this.info[i] >> 4 === STB_WEAK,
      lastInSection: k.last,
      file: f >= 0 ? this.strtab.toString('utf8', f, Math.max(f, this.strtab.indexOf(0, f))) : null,
    };
  }

  /**
   * FUNC and NOTYPE symbols with this name (several when static functions share a name). Found by searching
   * the string table for the name, so a one-off lookup does not decode 130k names.
   */
  lookupName(name: string): ElfSymbol[] {
    let hits = this.nameCache.get(name);
    if (!hits) {
      hits = this.findName(name);
      if (this.nameCache.size >= 8192) this.nameCache.clear();
      this.nameCache.set(name, hits);
    }
    return hits.map((i) => this.symbol(i));
  }

  private findName(name: string): number[] {
    const needle = Buffer.from(name, 'utf8');
    const out: number[] = [];
    if (++this.nameQueries <= 64) {
      // Up to a long trace of lookups: search the string table (names may share tails) and the name offsets
      // natively, ~1 ms each, cheaper than hashing 130k names (~100 ms) for a single log.
      const offs = this.nameOff.subarray(0, this.count);
      const z = Buffer.concat([needle, Buffer.alloc(1)]);
      for (let p = this.strtab.indexOf(z); p >= 0; p = this.strtab.indexOf(z, p + 1))
        for (let i = offs.indexOf(p); i >= 0; i = offs.indexOf(p, i + 1)) if (this.isCode(i)) out.push(i);
      return out.sort((a, b) => a - b);
    }
    // Many lookups (a long trace, a server session): a hash index of every name, built once.
    const byHash = this.nameHashIndex();
    const key = hashBytes(needle, 0, needle.length) * NAME_SLOTS;
    for (let k = countAtOrBefore(byHash.length, (j) => byHash[j] < key); k < byHash.length && byHash[k] < key + NAME_SLOTS; k++) {
      const i = byHash[k] - key;
      const off = this.nameOff[i];
      if (this.isCode(i) && this.strtab[off + needle.length] === 0 && this.strtab.compare(needle, 0, needle.length, off, off + needle.length) === 0)
        out.push(i);
    }
    return out.sort((a, b) => a - b);
  }

  /** Symbol indexes sorted by a hash of their name (hash * NAME_SLOTS + index), without decoding names. */
  private nameHashIndex(): Float64Array {
    if (this.byHash) return this.byHash;
    const keys = new Float64Array(this.count);
    const st = this.strtab;
    for (let i = 0; i < this.count; i++) {
      const off = this.nameOff[i];
      let end = off;
      while (end < st.length && st[end] !== 0) end++;
      keys[i] = hashBytes(st, off, end) * NAME_SLOTS + i;
    }
    this.byHash = keys.sort();
    return this.byHash;
  }

  /** Code symbols of a section sorted by value, the preferred alias first (built on first use). */
  private sectionIndex(sectionIndex: number): Int32Array {
    let idx = this.bySection.get(sectionIndex);
    if (idx) return idx;
    const list: number[] = [];
    for (let i = 0; i < this.count; i++) if (this.shndx[i] === sectionIndex && this.isCode(i)) list.push(i);
    // Native sort of (value, position) packed into one exact double; symbol values are section offsets
    // (< 2^31 in any real section), positions < NAME_SLOTS (2^21).
    const packable = list.every((i) => this.rel[i] >= 0 && this.rel[i] < 2 ** 31);
    if (packable) {
      const keys = Float64Array.from(list, (i, k) => this.rel[i] * NAME_SLOTS + k).sort();
      const sorted = Array.from(keys, (key) => list[key % NAME_SLOTS]);
      // Only aliases (same value) need the kallsyms preference order.
      for (let a = 0; a < sorted.length; ) {
        let b = a + 1;
        while (b < sorted.length && this.rel[sorted[b]] === this.rel[sorted[a]]) b++;
        if (b - a > 1) {
          const group = sorted.slice(a, b).sort((x, y) => this.aliasOrder(x, y));
          for (let k = 0; k < group.length; k++) sorted[a + k] = group[k];
        }
        a = b;
      }
      idx = Int32Array.from(sorted);
    } else {
      list.sort((a, b) => this.rel[a] - this.rel[b] || this.aliasOrder(a, b));
      idx = Int32Array.from(list);
    }
    this.bySection.set(sectionIndex, idx);
    return idx;
  }

  private aliasOrder(a: number, b: number): number {
    const fa = (this.info[a] & 0xf) === STT_FUNC ? 0 : 1;
    const fb = (this.info[b] & 0xf) === STT_FUNC ? 0 : 1;
    return fa - fb || kallsymsAliasOrder(this.name(a), this.info[a] >> 4 === STB_WEAK, this.name(b), this.info[b] >> 4 === STB_WEAK);
  }

  /**
   * The code symbol at or before `value` in section `sectionIndex`, if `value` lies within its kallsyms size
   * (or its ELF size when that is larger) — `sym+off` as the kernel would print it. Unbounded: the nearest
   * preceding symbol whatever its size, as binutils names functions when DWARF does not.
   */
  containing(sectionIndex: number, value: bigint, bounded = true): { symbol: ElfSymbol; offset: number } | null {
    const section = this.elf.sections[sectionIndex];
    if (!section) return null;
    const idx = this.sectionIndex(sectionIndex);
    const rel = Number(value - section.addr);
    let k = countAtOrBefore(idx.length, (j) => this.rel[idx[j]] <= rel) - 1;
    if (k < 0) return null;
    // Several symbols may share the address: the index puts the preferred alias first.
    while (k > 0 && this.rel[idx[k - 1]] === this.rel[idx[k]]) k--;
    const i = idx[k];
    const offset = rel - this.rel[i];
    if (bounded && offset >= Math.max(this.kallsymsSize(i).size, this.elfSize[i], 1)) return null;
    return { symbol: this.symbol(i), offset };
  }
}

/** 32-bit FNV-1a of b[start, end). */
function hashBytes(b: Buffer, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ b[i], 0x01000193);
  return h >>> 0;
}

/**
 * Order of symbols sharing an address, as scripts/kallsyms.c (compare_symbols) sorts them; the kernel
 * prints the first: strong before weak, real symbols before linker-script markers (__start_x, x_end…),
 * fewer leading underscores first.
 */
export function kallsymsAliasOrder(a: string, aWeak: boolean, b: string, bWeak: boolean): number {
  return Number(aWeak) - Number(bWeak) || Number(isLinkerMarker(a)) - Number(isLinkerMarker(b)) || leadingUnderscores(a) - leadingUnderscores(b);
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
