// Symbol table layer: `.symtab` (else `.dynsym`) with kallsyms-style sizes — the distance to the next symbol
// in the same section, which is the `/0xSIZE` the kernel prints and what scripts/faddr2line compares.
// A vmlinux has ~130k symbols and a one-shot decode needs a few dozen: the raw table is kept as read and
// searched (names by one native regular-expression scan of the string table, sizes by one pass per batch of
// lookups). Typed arrays of every symbol, sorted per section, are built only for address lookups or after
// many name lookups (a long-lived language server).
import { cString, type ElfFile, type ElfSection, SHT_SYMTAB, SHT_DYNSYM } from './elfFile';
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

/** Every kept symbol in compact typed arrays (symbol-table order), for sorting and address lookups. */
interface KeptSymbols {
  count: number;
  /** Raw symbol-table index of each kept symbol. */
  raw: Uint32Array;
  /** st_value - sh_addr of the symbol's section: exact and small. */
  rel: Float64Array;
  shndx: Uint32Array;
  info: Uint8Array;
}

/** A batch of name lookups falls back to the all-names hash index beyond this many queries. */
const NATIVE_NAME_QUERIES = 64;
/** Size passes over the raw table before the per-section sort of every value pays off. */
const SIZE_PASSES = 6;

export class SymbolTable {
  private readonly total: number = 0;
  private readonly entSize: number;
  private readonly view: DataView = new DataView(new ArrayBuffer(0));
  private readonly little: boolean;
  private readonly strtab: Buffer = Buffer.alloc(0);
  /** The string table reversed, as a latin1 string (see findInStrings). */
  private reversedStrtab: string | null = null;
  private readonly secHi: Float64Array;
  private readonly secLo: Float64Array;
  private kept: KeptSymbols | null = null;
  /** Per-section sorted values of the kept symbols (offsets into `values` by section index), once sorted. */
  private values: Float64Array | null = null;
  private secStart = new Uint32Array(1);
  /** Kallsyms size of raw symbols computed by a pass (before `values` exists). */
  private readonly sizes = new Map<number, { size: number; last: boolean }>();
  private sizePasses = 0;
  /** Kept-symbol positions sorted by a hash of their name (hash * NAME_SLOTS + position). */
  private byHash: Float64Array | null = null;
  /** Name -> raw indexes of its code symbols. */
  private readonly nameCache = new Map<string, number[]>();
  private nameQueries = 0;
  private readonly bySection = new Map<number, Int32Array>();
  /** First STT_FILE entry that follows another symbol (binutils' file attribution rule), -1 none, -2 unknown. */
  private fileRuleStart = -2;

  constructor(private readonly elf: ElfFile) {
    this.entSize = elf.is64 ? 24 : 16;
    this.little = elf.endian.little;
    const nsec = elf.sections.length;
    this.secHi = new Float64Array(nsec);
    this.secLo = new Float64Array(nsec);
    for (const s of elf.sections) {
      this.secHi[s.index] = Number(s.addr >> 32n);
      this.secLo[s.index] = Number(s.addr & 0xffffffffn);
    }
    const tab =
      elf.sections.find((s) => s.type === SHT_SYMTAB) ?? elf.sections.find((s) => s.type === SHT_DYNSYM);
    if (!tab) return;
    if (tab.link >= elf.sections.length)
      throw corrupt(`symbol table string table index ${tab.link} out of range`);
    const total = Math.floor(tab.size / this.entSize);
    if (total >= NAME_SLOTS) throw new SymbolizeError('too-large', `symbol table with ${total} entries`);
    const data = elf.readSection(tab);
    this.view = new DataView(data.buffer, data.byteOffset, data.length);
    this.strtab = elf.readSection(elf.sections[tab.link]);
    this.total = Math.min(total, Math.floor(data.length / this.entSize));
  }

  // Raw entry fields (index into the symbol table).
  private nameOff(i: number): number {
    return this.view.getUint32(i * this.entSize, this.little);
  }
  private info(i: number): number {
    return this.view.getUint8(i * this.entSize + (this.elf.is64 ? 4 : 12));
  }
  private shndx(i: number): number {
    return this.view.getUint16(i * this.entSize + (this.elf.is64 ? 6 : 14), this.little);
  }
  private rel(i: number, shndx: number): number {
    const o = i * this.entSize;
    if (!this.elf.is64) return this.view.getUint32(o + 4, this.little) - this.secLo[shndx];
    const lo = this.view.getUint32(this.little ? o + 8 : o + 12, this.little);
    const hi = this.view.getUint32(this.little ? o + 12 : o + 8, this.little);
    return (hi - this.secHi[shndx]) * TWO32 + (lo - this.secLo[shndx]);
  }
  /** st_size without BigInt: sizes beyond 2^53 would be approximate, which is harmless. */
  private elfSize(i: number): number {
    const o = i * this.entSize;
    if (!this.elf.is64) return this.view.getUint32(o + 8, this.little);
    return (
      this.view.getUint32(this.little ? o + 16 : o + 20, this.little) +
      this.view.getUint32(this.little ? o + 20 : o + 16, this.little) * TWO32
    );
  }

  /** Whether raw entry i is a kept symbol (FUNC/NOTYPE/OBJECT in a real section, with a name, not `$x`). */
  private keep(i: number, nsec: number): boolean {
    const type = this.info(i) & 0xf;
    if (type !== STT_FUNC && type !== STT_NOTYPE && type !== STT_OBJECT) return false;
    const shndx = this.shndx(i);
    if (shndx === 0 || shndx >= SHN_LORESERVE || shndx >= nsec) return false;
    const nameOff = this.nameOff(i);
    if (nameOff >= this.strtab.length)
      throw corrupt(`symbol ${i} has a name offset outside the string table`);
    const c0 = this.strtab[nameOff];
    return c0 !== 0 && c0 !== 0x24; /* $ */
  }

  private isCode(i: number): boolean {
    return (this.info(i) & 0xf) !== STT_OBJECT;
  }

  /** The compact arrays of every kept symbol (one pass over the raw table, on first need). */
  private keptSymbols(): KeptSymbols {
    if (this.kept) return this.kept;
    const nsec = this.elf.sections.length;
    const raw = new Uint32Array(this.total);
    const rel = new Float64Array(this.total);
    const shndx = new Uint32Array(this.total);
    const info = new Uint8Array(this.total);
    let n = 0;
    for (let i = 1; i < this.total; i++) {
      if (!this.keep(i, nsec)) continue;
      const sh = this.shndx(i);
      raw[n] = i;
      rel[n] = this.rel(i, sh);
      shndx[n] = sh;
      info[n] = this.info(i);
      n++;
    }
    this.kept = { count: n, raw, rel, shndx, info };
    return this.kept;
  }

  /** Per-section sorted values of all kept symbols, for kallsyms sizes (built after a few size passes). */
  private sortValues(): void {
    const k = this.keptSymbols();
    const nsec = this.elf.sections.length;
    const perSection = new Uint32Array(nsec + 1);
    for (let i = 0; i < k.count; i++) perSection[k.shndx[i] + 1]++;
    for (let s = 1; s <= nsec; s++) perSection[s] += perSection[s - 1];
    const values = new Float64Array(k.count);
    const fill = perSection.slice(0, nsec);
    for (let i = 0; i < k.count; i++) values[fill[k.shndx[i]]++] = k.rel[i];
    for (let s = 0; s < nsec; s++) values.subarray(perSection[s], perSection[s + 1]).sort();
    this.secStart = perSection;
    this.values = values;
  }

  /** kallsyms size of raw symbol i: distance to the next distinct value in the same section; ELF size for the last. */
  private kallsymsSize(i: number): { size: number; last: boolean } {
    const known = this.sizes.get(i);
    if (known) return known;
    if (!this.values) {
      this.computeSizes([i]);
      return this.sizes.get(i)!;
    }
    const s = this.shndx(i);
    const v = this.rel(i, s);
    const hi0 = this.secStart[s + 1];
    let lo = this.secStart[s];
    let hi = hi0;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.values[mid] <= v) lo = mid + 1;
      else hi = mid;
    }
    return lo < hi0 ? { size: this.values[lo] - v, last: false } : { size: this.elfSize(i), last: true };
  }

  /**
   * Kallsyms sizes of a batch of raw symbols in one pass over the table: each kept symbol is the "next" of
   * the batch member just below it in its section. After a few passes, every value is sorted once instead.
   */
  private computeSizes(batch: number[]): void {
    const todo = batch.filter((i) => !this.sizes.has(i));
    if (todo.length === 0) return;
    if (this.values || ++this.sizePasses > SIZE_PASSES) {
      if (!this.values) this.sortValues();
      for (const i of todo) this.sizes.set(i, this.kallsymsSize(i));
      return;
    }
    // Per section: the distinct values of the batch, sorted, and the nearest value above each.
    const bySection = new Map<number, { values: Float64Array; next: Float64Array }>();
    const groups = new Map<number, number[]>();
    for (const i of todo) {
      const s = this.shndx(i);
      const v = this.rel(i, s);
      const g = groups.get(s);
      if (g) g.push(v);
      else groups.set(s, [v]);
    }
    for (const [s, vs] of groups) {
      const values = Float64Array.from(new Set(vs)).sort();
      bySection.set(s, { values, next: new Float64Array(values.length).fill(Infinity) });
    }
    // The hot loop of a one-shot decode: fields read inline (cold code runs in the interpreter).
    const nsec = this.elf.sections.length;
    const wanted = new Uint8Array(nsec);
    for (const sh of bySection.keys()) wanted[sh] = 1;
    const { view, little, entSize } = this;
    const shOff = this.elf.is64 ? 6 : 14;
    for (let j = 1, o = entSize + shOff; j < this.total; j++, o += entSize) {
      const sh = view.getUint16(o, little);
      if (sh >= nsec || wanted[sh] === 0) continue;
      const g = bySection.get(sh)!;
      const v = this.rel(j, sh);
      // The batch value just below v: v is a candidate for its next symbol.
      let lo = 0;
      let hi = g.values.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (g.values[mid] < v) lo = mid + 1;
        else hi = mid;
      }
      // Whether the symbol counts is asked last: a running minimum improves rarely.
      if (lo > 0 && v < g.next[lo - 1] && this.keep(j, nsec)) g.next[lo - 1] = v;
    }
    for (const i of todo) {
      const s = this.shndx(i);
      const v = this.rel(i, s);
      const g = bySection.get(s)!;
      const next = g.next[countAtOrBefore(g.values.length, (k) => g.values[k] <= v) - 1];
      this.sizes.set(
        i,
        next !== Infinity ? { size: next - v, last: false } : { size: this.elfSize(i), last: true },
      );
    }
  }

  /** Number of kept symbols. */
  get size(): number {
    return this.keptSymbols().count;
  }

  private name(i: number): string {
    return cString(this.strtab, this.nameOff(i));
  }

  /** The STT_FILE name binutils (bfd/elf.c elf_find_function) attributes to raw symbol i. */
  private fileOf(i: number): string | null {
    // The last STT_FILE before the symbol, but for global symbols only while no STT_FILE has followed
    // another symbol.
    if (this.fileRuleStart === -2) {
      this.fileRuleStart = -1;
      let seenSymbol = false;
      for (let j = 1; j < this.total; j++) {
        const file = (this.info(j) & 0xf) === STT_FILE;
        if (file && seenSymbol) {
          this.fileRuleStart = j;
          break;
        }
        if (!file) seenSymbol = true;
      }
    }
    const local = this.info(i) >> 4 === STB_LOCAL;
    if (!local && this.fileRuleStart >= 0 && this.fileRuleStart < i) return null;
    for (let j = i - 1; j >= 1; j--) if ((this.info(j) & 0xf) === STT_FILE) return this.name(j);
    return null;
  }

  private symbol(i: number): ElfSymbol {
    const section = this.elf.sections[this.shndx(i)];
    const k = this.kallsymsSize(i);
    return {
      name: this.name(i),
      value: section.addr + BigInt(this.rel(i, section.index)),
      elfSize: this.elfSize(i),
      kallsymsSize: k.size,
      type: this.info(i) & 0xf,
      section,
      weak: this.info(i) >> 4 === STB_WEAK,
      lastInSection: k.last,
      file: this.fileOf(i),
    };
  }

  /** FUNC and NOTYPE symbols with this name (several when static functions share a name). */
  lookupName(name: string): ElfSymbol[] {
    this.prefetch([name]);
    return (this.nameCache.get(name) ?? []).map((i) => this.symbol(i));
  }

  /**
   * Finds the symbols of several names (and their kallsyms sizes) at once: one scan of the string table and
   * two passes over the symbol table, however many names — a whole trace costs what one lookup does.
   */
  prefetch(names: Iterable<string>): void {
    // (No symbol has an empty name: one would match every string.)
    const todo = [...new Set(names)].filter((n) => n !== '' && !this.nameCache.has(n));
    if (todo.length === 0) return;
    if (this.nameCache.size >= 8192) this.nameCache.clear();
    this.nameQueries += todo.length;
    const found =
      this.byHash || this.nameQueries > NATIVE_NAME_QUERIES
        ? todo.map((n) => this.findByHash(n))
        : this.findInStrings(todo);
    const all: number[] = [];
    todo.forEach((n, k) => {
      this.nameCache.set(n, found[k]);
      all.push(...found[k]);
    });
    this.computeSizes(all);
  }

  /** Raw indexes of the code symbols of each name: the string table scanned natively, then one table pass. */
  private findInStrings(names: string[]): number[][] {
    // GNU ld merges identical strings and tails, so a name is a whole string or the tail of a longer one:
    // both end at a NUL. In the reversed table both start right after one, which a single regular expression
    // finds natively (one char per byte, so positions are byte offsets).
    const text = (this.reversedStrtab ??= Buffer.from(this.strtab).reverse().toString('latin1'));
    const last = text.length - 1;
    const keys = names.map((n) => Buffer.from(n, 'utf8').reverse().toString('latin1'));
    const re = new RegExp(`\\0(?:${keys.map(escapeRegExp).join('|')})`, 'g');
    const byOffset = new Map<number, number>();
    for (let m = re.exec(text); m; m = re.exec(text))
      // Several names may end at this NUL (`schedule` is the tail of `__schedule`): test each.
      for (let k = 0; k < keys.length; k++)
        if (text.startsWith(keys[k], m.index + 1)) byOffset.set(last - m.index - keys[k].length, k);
    const out = names.map((): number[] => []);
    if (byOffset.size === 0) return out;
    // One pass over st_name fields: a bitmap of the wanted string offsets keeps the loop to typed-array reads.
    const bits = new Uint8Array((this.strtab.length >> 3) + 1);
    for (const off of byOffset.keys()) bits[off >> 3] |= 1 << (off & 7);
    const nsec = this.elf.sections.length;
    const { view, little, entSize } = this;
    for (let i = 1, o = entSize; i < this.total; i++, o += entSize) {
      const off = view.getUint32(o, little);
      if ((bits[off >> 3] & (1 << (off & 7))) === 0) continue;
      const k = byOffset.get(off);
      if (k !== undefined && this.keep(i, nsec) && this.isCode(i)) out[k].push(i);
    }
    return out;
  }

  /** Raw indexes of the code symbols of a name, through the hash index of every kept name. */
  private findByHash(name: string): number[] {
    const needle = Buffer.from(name, 'utf8');
    const k = this.keptSymbols();
    const byHash = this.nameHashIndex();
    const key = hashBytes(needle, 0, needle.length) * NAME_SLOTS;
    const out: number[] = [];
    for (
      let h = countAtOrBefore(byHash.length, (j) => byHash[j] < key);
      h < byHash.length && byHash[h] < key + NAME_SLOTS;
      h++
    ) {
      const i = k.raw[byHash[h] - key];
      const off = this.nameOff(i);
      if (
        this.isCode(i) &&
        this.strtab[off + needle.length] === 0 &&
        this.strtab.compare(needle, 0, needle.length, off, off + needle.length) === 0
      )
        out.push(i);
    }
    return out.sort((a, b) => a - b);
  }

  /** Kept positions sorted by a hash of their name (hash * NAME_SLOTS + position), without decoding names. */
  private nameHashIndex(): Float64Array {
    if (this.byHash) return this.byHash;
    const k = this.keptSymbols();
    const keys = new Float64Array(k.count);
    const st = this.strtab;
    for (let p = 0; p < k.count; p++) {
      const off = this.nameOff(k.raw[p]);
      let end = off;
      while (end < st.length && st[end] !== 0) end++;
      keys[p] = hashBytes(st, off, end) * NAME_SLOTS + p;
    }
    this.byHash = keys.sort();
    return this.byHash;
  }

  /** Code symbols of a section (kept positions) sorted by value, the preferred alias first (built on first use). */
  private sectionIndex(sectionIndex: number): Int32Array {
    let idx = this.bySection.get(sectionIndex);
    if (idx) return idx;
    const k = this.keptSymbols();
    const list: number[] = [];
    for (let p = 0; p < k.count; p++)
      if (k.shndx[p] === sectionIndex && (k.info[p] & 0xf) !== STT_OBJECT) list.push(p);
    // Native sort of (value, position) packed into one exact double; symbol values are section offsets
    // (< 2^31 in any real section), positions < NAME_SLOTS (2^21).
    const packable = list.every((p) => k.rel[p] >= 0 && k.rel[p] < 2 ** 31);
    if (packable) {
      const keys = Float64Array.from(list, (p, n) => k.rel[p] * NAME_SLOTS + n).sort();
      const sorted = Array.from(keys, (key) => list[key % NAME_SLOTS]);
      // Only aliases (same value) need the kallsyms preference order.
      for (let a = 0; a < sorted.length;) {
        let b = a + 1;
        while (b < sorted.length && k.rel[sorted[b]] === k.rel[sorted[a]]) b++;
        if (b - a > 1) {
          const group = sorted.slice(a, b).sort((x, y) => this.aliasOrder(x, y));
          for (let g = 0; g < group.length; g++) sorted[a + g] = group[g];
        }
        a = b;
      }
      idx = Int32Array.from(sorted);
    } else {
      list.sort((a, b) => k.rel[a] - k.rel[b] || this.aliasOrder(a, b));
      idx = Int32Array.from(list);
    }
    this.bySection.set(sectionIndex, idx);
    return idx;
  }

  /** Alias preference of two kept positions. */
  private aliasOrder(a: number, b: number): number {
    const k = this.keptSymbols();
    const fa = (k.info[a] & 0xf) === STT_FUNC ? 0 : 1;
    const fb = (k.info[b] & 0xf) === STT_FUNC ? 0 : 1;
    return (
      fa - fb ||
      kallsymsAliasOrder(
        this.name(k.raw[a]),
        k.info[a] >> 4 === STB_WEAK,
        this.name(k.raw[b]),
        k.info[b] >> 4 === STB_WEAK,
      )
    );
  }

  /**
   * The code symbol at or before `value` in section `sectionIndex`, if `value` lies within its kallsyms size
   * (or its ELF size when that is larger) — `sym+off` as the kernel would print it. Unbounded: the nearest
   * preceding symbol whatever its size, as binutils names functions when DWARF does not.
   */
  containing(
    sectionIndex: number,
    value: bigint,
    bounded = true,
  ): { symbol: ElfSymbol; offset: number } | null {
    const section = this.elf.sections[sectionIndex];
    if (!section) return null;
    const idx = this.sectionIndex(sectionIndex);
    const k = this.keptSymbols();
    const rel = Number(value - section.addr);
    let n = countAtOrBefore(idx.length, (j) => k.rel[idx[j]] <= rel) - 1;
    if (n < 0) return null;
    // Several symbols may share the address: the index puts the preferred alias first.
    while (n > 0 && k.rel[idx[n - 1]] === k.rel[idx[n]]) n--;
    const i = k.raw[idx[n]];
    const offset = rel - k.rel[idx[n]];
    if (bounded && offset >= Math.max(this.kallsymsSize(i).size, this.elfSize(i), 1)) return null;
    return { symbol: this.symbol(i), offset };
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
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
