// Byte access to one section's contents, either fully in memory (small, compressed or relocated sections)
// or read on demand from the file in cached blocks (a vmlinux's 165 MB .debug_info is never loaded whole).
import { type ElfFile, type ElfSection, cString } from './elfFile';
import { corrupt } from '../errors';

export interface SectionData {
  readonly name: string;
  readonly size: number;
  /** `length` bytes at `offset` (a view when possible; do not modify). */
  bytes(offset: number, length: number): Buffer;
  /** NUL-terminated UTF-8 string at `offset`. */
  cstring(offset: number): string;
  /** Like bytes(), without filling any cache (for one-off small reads such as unit headers); the result may be
   * overwritten by the next peek. */
  peek(offset: number, length: number): Buffer;
}

export class MemorySection implements SectionData {
  constructor(
    readonly name: string,
    readonly data: Buffer,
  ) {}
  get size(): number {
    return this.data.length;
  }
  bytes(offset: number, length: number): Buffer {
    if (offset < 0 || length < 0 || offset + length > this.data.length)
      throw corrupt(
        `${length} bytes at offset 0x${offset.toString(16)} run past the end of ${this.name} (${this.data.length} bytes)`,
      );
    return this.data.subarray(offset, offset + length);
  }
  peek(offset: number, length: number): Buffer {
    return this.bytes(offset, length);
  }
  cstring(offset: number): string {
    if (offset < 0 || offset >= this.data.length)
      throw corrupt(`string offset 0x${offset.toString(16)} outside ${this.name}`);
    return cString(this.data, offset);
  }
}

const BLOCK = 16 * 1024;
const MAX_BLOCKS = 256; // 4 MB of cache per section at most
/**
 * Sections up to this size are read whole on first use (a module's strings, abbreviations, range lists…).
 * A vmlinux's are megabytes of which a trace touches a few blocks: those are read in blocks.
 */
export const WHOLE_SECTION_LIMIT = 1024 * 1024;

/** Common part of the views of a section of an ELF file. */
abstract class ElfSectionView {
  constructor(
    protected readonly elf: ElfFile,
    protected readonly sec: ElfSection,
  ) {}
  get name(): string {
    return this.sec.name;
  }
  get size(): number {
    return this.sec.size;
  }
}

/** A section read whole, but only when first needed (then passed through `prepare`, e.g. to relocate it). */
export class LazyMemorySection extends ElfSectionView implements SectionData {
  private mem: MemorySection | null = null;
  constructor(
    elf: ElfFile,
    sec: ElfSection,
    private readonly prepare?: (data: Buffer) => Buffer,
  ) {
    super(elf, sec);
  }
  private data(): MemorySection {
    if (!this.mem) {
      const raw = this.elf.readSection(this.sec);
      this.mem = new MemorySection(this.sec.name, this.prepare ? this.prepare(raw) : raw);
    }
    return this.mem;
  }
  bytes(offset: number, length: number): Buffer {
    return this.data().bytes(offset, length);
  }
  cstring(offset: number): string {
    return this.data().cstring(offset);
  }
  peek(offset: number, length: number): Buffer {
    return this.bytes(offset, length);
  }
}

export class FileSection extends ElfSectionView implements SectionData {
  private readonly blocks = new Map<number, Buffer>();
  private readonly scratch = Buffer.alloc(64);
  bytes(offset: number, length: number): Buffer {
    if (offset < 0 || length < 0 || offset + length > this.sec.size)
      throw corrupt(
        `${length} bytes at offset 0x${offset.toString(16)} run past the end of ${this.name} (${this.sec.size} bytes)`,
      );
    const b = Math.floor(offset / BLOCK);
    if (Math.floor((offset + length - 1) / BLOCK) === b && length > 0) {
      const blk = this.block(b);
      return blk.subarray(offset - b * BLOCK, offset - b * BLOCK + length);
    }
    return this.elf.readSectionRange(this.sec, offset, length);
  }
  /** Small peeks reuse one scratch buffer: the result is only valid until the next peek. */
  peek(offset: number, length: number): Buffer {
    if (length <= this.scratch.length)
      return this.elf.readSectionInto(this.sec, this.scratch, offset, length);
    return this.elf.readSectionRange(this.sec, offset, length);
  }
  cstring(offset: number): string {
    if (offset < 0 || offset >= this.sec.size)
      throw corrupt(`string offset 0x${offset.toString(16)} outside ${this.name}`);
    const parts: Buffer[] = [];
    let pos = offset;
    for (let guard = 0; pos < this.sec.size && guard < 1024; guard++) {
      const b = Math.floor(pos / BLOCK);
      const blk = this.block(b);
      const start = pos - b * BLOCK;
      const nul = blk.indexOf(0, start);
      if (nul >= 0) {
        parts.push(blk.subarray(start, nul));
        return Buffer.concat(parts).toString('utf8');
      }
      parts.push(blk.subarray(start));
      pos = (b + 1) * BLOCK;
    }
    return Buffer.concat(parts).toString('utf8');
  }
  private block(b: number): Buffer {
    let blk = this.blocks.get(b);
    if (blk) {
      // LRU: re-insert to mark as recently used.
      this.blocks.delete(b);
      this.blocks.set(b, blk);
      return blk;
    }
    const start = b * BLOCK;
    blk = this.elf.readSectionRange(this.sec, start, Math.min(BLOCK, this.sec.size - start));
    this.blocks.set(b, blk);
    if (this.blocks.size > MAX_BLOCKS) this.blocks.delete(this.blocks.keys().next().value as number);
    return blk;
  }
}
