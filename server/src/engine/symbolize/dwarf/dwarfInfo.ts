// The DWARF query layer: address -> unit (via .debug_aranges, else unit root ranges, built lazily),
// then unit -> innermost-first chain of inlined frames with file:line, as `addr2line -f -i` prints it.
import { countAtOrBefore } from '../search';
import { AbbrevCache } from './abbrev';
import { type DwarfSections } from './sections';
import { containingLength, type FunctionRecord } from './functions';
import { CompUnit, readUnitHeader, type UnitHeader } from './unit';
import { type Die, readDie, readDieTree } from './dies';
import { type AddressSpace } from '../elf/addressSpace';
import { corrupt } from '../errors';

export interface SourceFrame {
  /** Function name (the inlined callee for all but the last frame); null when DWARF has none. */
  function: string | null;
  /** Source file as recorded in DWARF (a build path), null when unknown. */
  file: string | null;
  /** 0 when unknown. */
  line: number;
  column: number;
  /** Line-table discriminator of the row (innermost frame only), 0 when none. */
  discriminator: number;
}

interface RangeIndex {
  lo: Float64Array;
  hi: Float64Array;
  unit: Float64Array;
}

const UNIT_CACHE = 48;
const MAX_ORIGIN_HOPS = 16;

export class DwarfInfo {
  private readonly abbrevs: AbbrevCache;
  private readonly units = new Map<number, CompUnit>();
  private aranges: RangeIndex | null = null;
  private headers: UnitHeader[] | null = null;
  private fallback: RangeIndex | null = null;

  constructor(
    readonly sections: DwarfSections,
    readonly space: AddressSpace,
  ) {
    this.abbrevs = new AbbrevCache(sections);
  }

  /** Source frames for a linear address, innermost inline level first; [] when DWARF knows nothing. */
  symbolize(addr: number): SourceFrame[] {
    const unit = this.findUnit(addr);
    if (!unit) return [];
    const chain = this.functionChain(unit, addr);
    const lines = unit.lines();
    const row = lines?.find(addr) ?? null;
    const frames: SourceFrame[] = [];
    const inner = chain[chain.length - 1];
    frames.push({
      function: inner ? this.functionName(unit, inner) : null,
      file: row && lines ? lines.fileName(row.file) : null,
      line: row?.line ?? 0,
      column: row?.column ?? 0,
      discriminator: row?.discriminator ?? 0,
    });
    for (let i = chain.length - 1; i > 0; i--) {
      const callee = chain[i];
      frames.push({
        function: this.functionName(unit, chain[i - 1]),
        file: lines ? lines.fileName(callee.callFile) : null,
        line: callee.callLine,
        column: callee.callColumn,
        discriminator: 0,
      });
    }
    if (!row && chain.length === 0) return [];
    return frames;
  }

  /** The unit whose code covers `addr`, or null. */
  findUnit(addr: number): CompUnit | null {
    if (!this.sections.info || Number.isNaN(addr)) return null;
    const off = lookupIndex(this.arangesIndex(), addr) ?? lookupIndex(this.fallbackIndex(), addr);
    return off === null ? null : this.unitAt(off);
  }

  unitAt(offset: number): CompUnit {
    let u = this.units.get(offset);
    if (u) {
      this.units.delete(offset);
      this.units.set(offset, u);
      return u;
    }
    u = new CompUnit(this.sections, this.space, this.abbrevs, readUnitHeader(this.sections, offset));
    this.units.set(offset, u);
    if (this.units.size > UNIT_CACHE) this.units.delete(this.units.keys().next().value as number);
    return u;
  }

  /** Outermost-first chain: the subprogram, then each inlined call containing addr. */
  private functionChain(unit: CompUnit, addr: number): FunctionRecord[] {
    const functions = unit.functions();
    let best = functions.topLevelContaining(addr);
    const recs = functions.records();
    const chain: FunctionRecord[] = [];
    const seen = new Set<number>();
    while (best >= 0 && !seen.has(best)) {
      seen.add(best);
      functions.expand(best);
      chain.push(recs[best]);
      let next = -1;
      let nextLen = Infinity;
      for (const ch of recs[best].children) {
        const len = containingLength(recs[ch].ranges, addr);
        if (len < nextLen) {
          next = ch;
          nextLen = len;
        }
      }
      best = next;
    }
    return chain;
  }

  /** DW_AT_name of a function, following abstract_origin / specification (possibly into other units). */
  functionName(unit: CompUnit, rec: FunctionRecord): string | null {
    if (rec.nameStrp >= 0 && this.sections.str) {
      rec.name = this.sections.str.cstring(rec.nameStrp);
      rec.nameStrp = -1;
    }
    if (rec.name) return rec.name;
    let target = rec.origin;
    let linkage: string | null = null;
    for (let hop = 0; hop < MAX_ORIGIN_HOPS && target >= 0; hop++) {
      const u = unit.contains(target) ? unit : this.unitContaining(target);
      if (!u) return linkage;
      const info = u.dieNameInfo(target);
      if (info.name) return info.name;
      linkage ??= info.linkageName;
      target = info.origin;
    }
    return linkage;
  }

  /** The DIE at an absolute .debug_info offset (any unit), without its children; null outside every unit. */
  dieAt(offset: number): Die | null {
    const u = this.unitContaining(offset);
    return u ? readDie(u, offset) : null;
  }

  /** The DIE at an absolute .debug_info offset with its whole subtree; null outside every unit. */
  dieTreeAt(offset: number): Die | null {
    const u = this.unitContaining(offset);
    return u ? readDieTree(u, offset) : null;
  }

  private unitContaining(dieOffset: number): CompUnit | null {
    const hs = this.unitHeaders();
    const h = hs[countAtOrBefore(hs.length, (i) => hs[i].offset <= dieOffset) - 1];
    return h && dieOffset < h.end ? this.unitAt(h.offset) : null;
  }

  /** Every unit header, read by hopping over unit lengths (a few bytes per unit). */
  unitHeaders(): UnitHeader[] {
    if (this.headers) return this.headers;
    const hs: UnitHeader[] = [];
    const size = this.sections.info?.size ?? 0;
    for (let off = 0; off < size;) {
      const h = readUnitHeader(this.sections, off);
      hs.push(h);
      if (h.end <= off) throw corrupt('unit with zero length');
      off = h.end;
    }
    this.headers = hs;
    return hs;
  }

  private arangesIndex(): RangeIndex {
    if (this.aranges) return this.aranges;
    const lo: number[] = [];
    const hi: number[] = [];
    const unit: number[] = [];
    const sec = this.sections.aranges;
    if (sec && sec.size > 0) {
      const buf = sec.bytes(0, sec.size);
      const little = this.sections.little;
      // Thousands of sets and tuples in a vmlinux, read when cold: DataView reads, no BigInt, no objects.
      const d = new DataView(buf.buffer, buf.byteOffset, buf.length);
      const u32 = (p: number) => d.getUint32(p, little);
      let off = 0;
      while (off < buf.length) {
        if (off + 4 > buf.length) throw corrupt('.debug_aranges set header runs past the section');
        let length = u32(off);
        let pos = off + 4;
        let is64 = false;
        if (length === 0xffffffff) {
          if (pos + 8 > buf.length) throw corrupt('.debug_aranges set header runs past the section');
          const hi = u32(little ? pos + 4 : pos);
          if (hi > 0x1fffff) throw corrupt('.debug_aranges set with an absurd length');
          length = u32(little ? pos : pos + 4) + hi * 4294967296;
          pos += 8;
          is64 = true;
        } else if (length >= 0xfffffff0) throw corrupt(`reserved unit length 0x${length.toString(16)}`);
        const end = pos + length;
        if (end > buf.length) throw corrupt('.debug_aranges set runs past the section');
        const headerEnd = pos + 2 + (is64 ? 8 : 4) + 2;
        if (headerEnd > end) throw corrupt('.debug_aranges set header runs past the set');
        const cu = is64
          ? u32(little ? pos + 2 : pos + 6) + u32(little ? pos + 6 : pos + 2) * 4294967296
          : u32(pos + 2);
        const addrSize = buf[headerEnd - 2];
        const segSize = buf[headerEnd - 1];
        const tuple = 2 * addrSize + segSize;
        if (addrSize !== 2 && addrSize !== 4 && addrSize !== 8)
          throw corrupt(`.debug_aranges with address size ${addrSize}`);
        // Tuples start at a multiple of the tuple size from the set start.
        const rel = headerEnd - off;
        for (let p = off + Math.ceil(rel / tuple) * tuple + segSize; p + 2 * addrSize <= end; p += tuple) {
          let aHi = 0;
          let aLo: number;
          let len: number;
          if (addrSize === 8) {
            aLo = u32(little ? p : p + 4);
            aHi = u32(little ? p + 4 : p);
            len = u32(little ? p + 8 : p + 12) + u32(little ? p + 12 : p + 8) * 4294967296;
          } else if (addrSize === 4) {
            aLo = u32(p);
            len = u32(p + 4);
          } else {
            aLo = d.getUint16(p, little);
            len = d.getUint16(p + 2, little);
          }
          if (aHi === 0 && aLo === 0 && len === 0) break;
          const start = this.space.fromParts(aHi, aLo);
          if (!Number.isNaN(start) && len > 0) {
            lo.push(start);
            hi.push(start + len);
            unit.push(cu);
          }
        }
        off = end;
      }
    }
    this.aranges = sortIndex(lo, hi, unit);
    return this.aranges;
  }

  /** Root-DIE ranges of the units that .debug_aranges does not describe (built on the first miss). */
  private fallbackIndex(): RangeIndex {
    if (this.fallback) return this.fallback;
    const covered = new Set<number>(this.arangesIndex().unit);
    const lo: number[] = [];
    const hi: number[] = [];
    const unit: number[] = [];
    for (const h of this.unitHeaders()) {
      if (covered.has(h.offset) || h.unitType === 2 || h.unitType === 6) continue;
      // Only the root DIE is needed: a unit read here bypasses the cache, which would otherwise lose the
      // units a trace is using to dozens of code-less ones.
      const u = this.units.get(h.offset) ?? new CompUnit(this.sections, this.space, this.abbrevs, h);
      for (let i = 0; i < u.ranges.length; i += 2) {
        lo.push(u.ranges[i]);
        hi.push(u.ranges[i + 1]);
        unit.push(h.offset);
      }
    }
    this.fallback = sortIndex(lo, hi, unit);
    return this.fallback;
  }
}

const SLOTS = 2097152; // 2^21

function sortIndex(lo: number[], hi: number[], unit: number[]): RangeIndex {
  const n = lo.length;
  const order = new Int32Array(n);
  let packable = n < SLOTS;
  for (let i = 0; i < n && packable; i++) packable = lo[i] >= 0 && lo[i] < 2 ** 31;
  if (packable) {
    // Native sort of (start, position) packed into one exact double.
    const keys = new Float64Array(n);
    for (let i = 0; i < n; i++) keys[i] = lo[i] * SLOTS + i;
    keys.sort();
    for (let i = 0; i < n; i++) order[i] = keys[i] % SLOTS;
  } else {
    for (let i = 0; i < n; i++) order[i] = i;
    order.sort((a, b) => lo[a] - lo[b]);
  }
  const idx: RangeIndex = { lo: new Float64Array(n), hi: new Float64Array(n), unit: new Float64Array(n) };
  for (let k = 0; k < n; k++) {
    const i = order[k];
    idx.lo[k] = lo[i];
    idx.hi[k] = hi[i];
    idx.unit[k] = unit[i];
  }
  return idx;
}

function lookupIndex(idx: RangeIndex, addr: number): number | null {
  const a = countAtOrBefore(idx.lo.length, (i) => idx.lo[i] <= addr);
  // Ranges rarely overlap; look back a few entries in case they do.
  for (let i = a - 1; i >= 0 && i >= a - 16; i--) if (addr < idx.hi[i]) return idx.unit[i];
  return null;
}
