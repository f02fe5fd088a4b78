// Applies `.rela.debug_*` / `.rel.debug_*` relocations of a relocatable object (a `.ko`) to a debug section
// in memory, resolving symbols against the synthetic per-section layout of AddressSpace. Only for ET_REL:
// a vmlinux keeps leftover `.rela.debug_*` sections that must not be applied (the values are final).
// Relocation numbers: the x86-64 psABI and the AArch64 ELF ABI (also arch/*/include/asm/elf.h).
import { cString, type ElfFile, type ElfSection, SHT_RELA, SHT_REL } from './elfFile';
import { type AddressSpace } from './addressSpace';
import { corrupt } from '../errors';

const EM_386 = 3;
const EM_ARM = 40;
const EM_X86_64 = 62;
const EM_AARCH64 = 183;

/** [width in bytes, pc-relative] for the relocation types that can occur in debug sections. */
type RelocKind = [number, boolean];
const KINDS: Record<number, Record<number, RelocKind>> = {
  [EM_X86_64]: { 1: [8, false], 2: [4, true], 10: [4, false], 11: [4, false], 24: [8, true] },
  [EM_AARCH64]: {
    257: [8, false],
    258: [4, false],
    259: [2, false],
    260: [8, true],
    261: [4, true],
    262: [2, true],
  },
  [EM_386]: { 1: [4, false], 2: [4, true] },
  [EM_ARM]: { 2: [4, false], 3: [4, true] },
};

export interface RelocationStats {
  applied: number;
  /** Relocation types we do not know: counted, the bytes are left as they are. */
  skipped: number;
}

export function applyDebugRelocations(
  elf: ElfFile,
  space: AddressSpace,
  target: ElfSection,
  data: Buffer,
): RelocationStats {
  const stats: RelocationStats = { applied: 0, skipped: 0 };
  const kinds = KINDS[elf.machine] ?? {};
  const e = elf.endian;
  const dv = new DataView(data.buffer, data.byteOffset, data.length);
  for (const rs of elf.sections) {
    if ((rs.type !== SHT_RELA && rs.type !== SHT_REL) || rs.info !== target.index) continue;
    const isRela = rs.type === SHT_RELA;
    const symValues = symbolValues(elf, space, rs.link);
    const ent = elf.is64 ? (isRela ? 24 : 16) : isRela ? 12 : 8;
    const raw = elf.readSection(rs);
    const n = Math.floor(raw.length / ent);
    // Plain numbers, not BigInt, and DataView reads (builtins, cheap while the code is still interpreted):
    // thousands of relocations per .ko, and every value in a debug section of a relocatable object
    // (offsets in its own small sections plus addends) is far below 2^53.
    const rv = new DataView(raw.buffer, raw.byteOffset, raw.length);
    const le = e.little;
    for (let i = 0; i < n; i++) {
      const o = i * ent;
      let offset: number, symIndex: number, type: number, addend: number | null;
      if (elf.is64) {
        offset = le
          ? rv.getUint32(o, true) + rv.getUint32(o + 4, true) * 4294967296
          : rv.getUint32(o + 4) + rv.getUint32(o) * 4294967296;
        symIndex = rv.getUint32(le ? o + 12 : o + 8, le);
        type = rv.getUint32(le ? o + 8 : o + 12, le);
        addend = isRela
          ? le
            ? rv.getUint32(o + 16, true) + rv.getInt32(o + 20, true) * 4294967296
            : rv.getUint32(o + 20) + rv.getInt32(o + 16) * 4294967296
          : null;
      } else {
        offset = rv.getUint32(o, le);
        const info = rv.getUint32(o + 4, le);
        symIndex = info >>> 8;
        type = info & 0xff;
        addend = isRela ? rv.getInt32(o + 8, le) : null;
      }
      if (type === R_NONE) continue;
      const kind = kinds[type];
      if (!kind) {
        stats.skipped++;
        continue;
      }
      const [width, pcrel] = kind;
      if (offset + width > data.length)
        throw corrupt(`relocation ${i} in ${rs.name} points outside ${target.name}`);
      if (symIndex >= symValues.length)
        throw corrupt(`relocation ${i} in ${rs.name} names symbol ${symIndex}, out of range`);
      const a = addend ?? readImplicit(dv, offset, width, le);
      let value = symValues[symIndex] + a;
      if (pcrel) value -= offset;
      writeValue(dv, offset, width, value, le);
      stats.applied++;
    }
  }
  return stats;
}

const R_NONE = 0;
const symbolValueCache = new WeakMap<ElfFile, Map<number, Float64Array>>();

/** st_value of each symbol, plus the synthetic start of its section for allocated sections (per symtab, once). */
function symbolValues(elf: ElfFile, space: AddressSpace, symtabIndex: number): Float64Array {
  let perFile = symbolValueCache.get(elf);
  if (!perFile) symbolValueCache.set(elf, (perFile = new Map()));
  const cached = perFile.get(symtabIndex);
  if (cached) return cached;
  const tab = elf.sections[symtabIndex];
  if (!tab) throw corrupt(`relocation section refers to symbol table ${symtabIndex}, which does not exist`);
  const ent = elf.is64 ? 24 : 16;
  const data = elf.readSection(tab);
  const n = Math.floor(data.length / ent);
  const out = new Float64Array(n);
  const e = elf.endian;
  for (let i = 0; i < n; i++) {
    const o = i * ent;
    const shndx = e.u16(data, elf.is64 ? o + 6 : o + 14);
    const value = elf.is64 ? e.u64n(data, o + 8) : e.u32(data, o + 4);
    out[i] = shndx > 0 && shndx < 0xff00 ? value + space.relocationBase(shndx) : value;
  }
  perFile.set(symtabIndex, out);
  return out;
}

function readImplicit(d: DataView, o: number, width: number, little: boolean): number {
  if (width === 8)
    return little
      ? d.getUint32(o, true) + d.getInt32(o + 4, true) * 4294967296
      : d.getUint32(o + 4) + d.getInt32(o) * 4294967296;
  if (width === 4) return d.getInt32(o, little);
  return d.getInt16(o, little);
}

/** Writes the low `width` bytes of `v` (two's complement for negative values; ToUint32 is exact modulo 2^32). */
function writeValue(d: DataView, o: number, width: number, v: number, little: boolean): void {
  const lo = v >>> 0;
  if (width === 8) {
    const hi = Math.floor(v / 4294967296) >>> 0;
    d.setUint32(little ? o : o + 4, lo, little);
    d.setUint32(little ? o + 4 : o, hi, little);
  } else if (width === 4) d.setUint32(o, lo, little);
  else d.setUint16(o, lo & 0xffff, little);
}

/**
 * The name of the symbol a relocation at byte `offset` of `target` refers to (a `.ko`'s `call` to
 * `__x86_indirect_thunk_rax` is `e8 00 00 00 00` with its target only here), or null when none does.
 */
export function relocatedSymbolAt(elf: ElfFile, target: ElfSection, offset: number): string | null {
  const e = elf.endian;
  for (const rs of elf.sections) {
    if ((rs.type !== SHT_RELA && rs.type !== SHT_REL) || rs.info !== target.index) continue;
    const ent = elf.is64 ? (rs.type === SHT_RELA ? 24 : 16) : rs.type === SHT_RELA ? 12 : 8;
    const raw = elf.readSection(rs);
    for (let o = 0; o + ent <= raw.length; o += ent) {
      const at = elf.is64 ? e.u64n(raw, o) : e.u32(raw, o);
      if (at !== offset) continue;
      const info = elf.is64 ? e.u64n(raw, o + 8) : e.u32(raw, o + 4);
      const symIndex = elf.is64 ? Math.floor(info / 4294967296) : info >>> 8;
      return symbolName(elf, rs.link, symIndex);
    }
  }
  return null;
}

function symbolName(elf: ElfFile, symtabIndex: number, symIndex: number): string | null {
  const tab = elf.sections[symtabIndex];
  const strtab = tab && elf.sections[tab.link];
  if (!tab || !strtab) return null;
  const ent = elf.is64 ? 24 : 16;
  if ((symIndex + 1) * ent > tab.size) return null;
  const sym = elf.readSectionRange(tab, symIndex * ent, ent);
  const nameOffset = elf.endian.u32(sym, 0);
  if (nameOffset >= strtab.size) return null;
  const bytes = elf.readSectionRange(strtab, nameOffset, Math.min(256, strtab.size - nameOffset));
  return cString(bytes, 0);
}
