// How code addresses are represented inside the symbolizer: a JS number that is exact ("linear address").
// - ET_EXEC/ET_DYN: linear = vaddr - base, where base is the lowest allocated section address. Kernel
//   addresses (0xffffffff8…) exceed 2^53, the offsets from the image base do not.
// - ET_REL (.ko): every section starts at 0, so each allocated section gets its own synthetic, disjoint
//   linear range; relocations in .debug_* are resolved against those, which keeps DWARF section-aware.
import { type ElfFile, type ElfSection, ET_REL, SHF_ALLOC } from './elfFile';

const REL_LAYOUT_START = 0x10000;
const REL_LAYOUT_GAP = 0x100;

export class AddressSpace {
  /** Added to a linear address to get the real one (ET_EXEC/ET_DYN); 0 for ET_REL. */
  readonly base: bigint;
  private readonly baseHi: number;
  private readonly baseLo: number;
  readonly relocatable: boolean;
  /** ET_REL: synthetic start of each allocated section, by section index. */
  private readonly relStart = new Map<number, number>();
  private readonly allocSections: ElfSection[];

  constructor(elf: ElfFile) {
    this.relocatable = elf.type === ET_REL;
    this.allocSections = elf.sections.filter((s) => s.flags & SHF_ALLOC);
    if (this.relocatable) {
      this.base = 0n;
      let cursor = REL_LAYOUT_START;
      for (const s of this.allocSections) {
        const align = Math.max(16, Math.min(s.addralign || 1, 1 << 20));
        cursor = Math.ceil(cursor / align) * align;
        this.relStart.set(s.index, cursor);
        cursor += s.size + REL_LAYOUT_GAP;
      }
    } else {
      let min: bigint | null = null;
      for (const s of this.allocSections) if (s.addr !== 0n && (min === null || s.addr < min)) min = s.addr;
      this.base = min ?? 0n;
    }
    this.baseHi = Number(this.base >> 32n);
    this.baseLo = Number(this.base & 0xffffffffn);
  }

  /** Linear address of a raw address value as stored in DWARF (after relocation); NaN for tombstones. */
  fromParts(hi: number, lo: number): number {
    if (hi === 0xffffffff && lo >= 0xfffffffe) return NaN; // DWARF 5 / lld tombstones -1 and -2
    if (hi === 0 && lo === 0 && this.base !== 0n) return NaN; // discarded code resolved to 0 by the linker
    return (hi - this.baseHi) * 4294967296 + (lo - this.baseLo);
  }

  fromBig(addr: bigint): number {
    return this.fromParts(Number((addr >> 32n) & 0xffffffffn), Number(addr & 0xffffffffn));
  }

  toBig(linear: number): bigint {
    return this.base + BigInt(linear);
  }

  /** Linear address of `offset` in a section (ET_REL: the synthetic layout; else sh_addr + offset). */
  inSection(section: ElfSection, offset: number | bigint): number {
    if (this.relocatable) {
      const start = this.relStart.get(section.index);
      return start === undefined ? NaN : start + Number(offset);
    }
    return this.fromBig(section.addr + BigInt(offset));
  }

  /** Synthetic start of an ET_REL section (0 for non-allocated ones, which relocations treat as offsets). */
  relocationBase(sectionIndex: number): number {
    return this.relStart.get(sectionIndex) ?? 0;
  }

  /** The allocated section a linear address falls in, with the offset inside it. */
  sectionAt(linear: number): { section: ElfSection; offset: number } | null {
    for (const s of this.allocSections) {
      const start = this.relocatable ? this.relStart.get(s.index)! : this.fromBig(s.addr);
      if (linear >= start && linear < start + Math.max(s.size, 1))
        return { section: s, offset: linear - start };
    }
    return null;
  }
}
