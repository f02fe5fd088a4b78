// ELF container layer: header, section table, section contents (read lazily through the file handle,
// decompressed when SHF_COMPRESSED), build-id. Knows nothing about DWARF or symbols.
// Layouts: the System V gABI "Object Files" chapter (include/uapi/linux/elf.h in the kernel tree).
import type * as Zlib from 'node:zlib';
import { type ByteSource, FileSource } from './fileSource';
import { SymbolizeError, corrupt } from '../errors';

export const ET_REL = 1;
export const ET_EXEC = 2;
export const ET_DYN = 3;
export const SHT_SYMTAB = 2;
export const SHT_RELA = 4;
export const SHT_NOBITS = 8;
export const SHT_NOTE = 7;
export const SHT_REL = 9;
export const SHT_DYNSYM = 11;
export const SHF_ALLOC = 0x2;
export const SHF_EXECINSTR = 0x4;
export const SHF_COMPRESSED = 0x800;
const ELFCOMPRESS_ZLIB = 1;
const ELFCOMPRESS_ZSTD = 2;
const NT_GNU_BUILD_ID = 3;
/** Decompressed sections above this are refused rather than risking the memory budget. */
const MAX_INFLATED = 768 * 1024 * 1024;

export interface ElfSection {
  index: number;
  name: string;
  type: number;
  flags: number;
  addr: bigint;
  offset: number;
  size: number;
  link: number;
  info: number;
  addralign: number;
  entsize: number;
}

/** Little helper to read integers of the file's endianness from a buffer. */
export class Endian {
  constructor(readonly little: boolean) {}
  u16(b: Buffer, o: number): number {
    return this.little ? b.readUInt16LE(o) : b.readUInt16BE(o);
  }
  u32(b: Buffer, o: number): number {
    return this.little ? b.readUInt32LE(o) : b.readUInt32BE(o);
  }
  i32(b: Buffer, o: number): number {
    return this.little ? b.readInt32LE(o) : b.readInt32BE(o);
  }
  u64(b: Buffer, o: number): bigint {
    return this.little ? b.readBigUInt64LE(o) : b.readBigUInt64BE(o);
  }
  i64(b: Buffer, o: number): bigint {
    return this.little ? b.readBigInt64LE(o) : b.readBigInt64BE(o);
  }
  /** A 64-bit unsigned value as a number, without BigInt (exact below 2^53). */
  u64n(b: Buffer, o: number): number {
    return this.little
      ? b.readUInt32LE(o) + b.readUInt32LE(o + 4) * 4294967296
      : b.readUInt32BE(o + 4) + b.readUInt32BE(o) * 4294967296;
  }
  /** A 64-bit file offset or size as a number; values beyond 2^53 are corrupt for any real file. */
  off64(b: Buffer, o: number): number {
    const v = this.u64(b, o);
    if (v > BigInt(Number.MAX_SAFE_INTEGER))
      throw corrupt(`offset/size 0x${v.toString(16)} is impossibly large`);
    return Number(v);
  }
}

export class ElfFile {
  readonly is64: boolean;
  readonly endian: Endian;
  readonly type: number;
  readonly machine: number;
  readonly sections: ElfSection[] = [];
  private readonly byName = new Map<string, ElfSection>();

  static open(path: string): ElfFile {
    const src = new FileSource(path);
    try {
      return new ElfFile(src, path);
    } catch (e) {
      src.close();
      throw e;
    }
  }

  constructor(
    readonly source: ByteSource,
    readonly path: string,
  ) {
    if (source.size < 52) throw new SymbolizeError('not-elf', `not an ELF file (only ${source.size} bytes)`);
    const id = source.read(0, 16);
    if (id[0] !== 0x7f || id[1] !== 0x45 || id[2] !== 0x4c || id[3] !== 0x46)
      throw new SymbolizeError('not-elf', 'not an ELF file (bad magic)');
    if (id[4] !== 1 && id[4] !== 2) throw new SymbolizeError('not-elf', `bad ELF class ${id[4]}`);
    if (id[5] !== 1 && id[5] !== 2) throw new SymbolizeError('not-elf', `bad ELF data encoding ${id[5]}`);
    this.is64 = id[4] === 2;
    this.endian = new Endian(id[5] === 1);
    const e = this.endian;
    const h = source.read(0, this.is64 ? 64 : 52);
    this.type = e.u16(h, 16);
    this.machine = e.u16(h, 18);
    const shoff = this.is64 ? e.off64(h, 40) : e.u32(h, 32);
    const shentsize = e.u16(h, this.is64 ? 58 : 46);
    let shnum = e.u16(h, this.is64 ? 60 : 48);
    let shstrndx = e.u16(h, this.is64 ? 62 : 50);
    if (shoff === 0) return; // no section table at all (e.g. a stripped core file); lookups will say so
    const wantEnt = this.is64 ? 64 : 40;
    if (shentsize < wantEnt) throw corrupt(`section header entry size ${shentsize} is too small`);
    if (shoff + shentsize > source.size)
      throw corrupt('section header table lies beyond the end of the file (truncated?)');
    if (shnum === 0 || shstrndx === 0xffff) {
      // Extended numbering: the real values live in section header 0.
      const s0 = source.read(shoff, shentsize);
      if (shnum === 0) shnum = this.is64 ? e.off64(s0, 32) : e.u32(s0, 20);
      if (shstrndx === 0xffff) shstrndx = e.u32(s0, this.is64 ? 40 : 24);
    }
    if (shoff + shnum * shentsize > source.size)
      throw corrupt(`section header table (${shnum} entries) lies beyond the end of the file (truncated?)`);
    const tab = source.read(shoff, shnum * shentsize);
    for (let i = 0; i < shnum; i++) {
      const o = i * shentsize;
      const s: ElfSection = this.is64
        ? {
            index: i,
            name: '',
            type: e.u32(tab, o + 4),
            flags: Number(e.u64(tab, o + 8) & 0xffffffffn),
            addr: e.u64(tab, o + 16),
            offset: e.off64(tab, o + 24),
            size: e.off64(tab, o + 32),
            link: e.u32(tab, o + 40),
            info: e.u32(tab, o + 44),
            addralign: e.off64(tab, o + 48),
            entsize: e.off64(tab, o + 56),
          }
        : {
            index: i,
            name: '',
            type: e.u32(tab, o + 4),
            flags: e.u32(tab, o + 8),
            addr: BigInt(e.u32(tab, o + 12)),
            offset: e.u32(tab, o + 16),
            size: e.u32(tab, o + 20),
            link: e.u32(tab, o + 24),
            info: e.u32(tab, o + 28),
            addralign: e.u32(tab, o + 32),
            entsize: e.u32(tab, o + 36),
          };
      if (i > 0 && s.type !== SHT_NOBITS && s.type !== 0 && s.offset + s.size > source.size)
        throw corrupt(
          `section ${i} (${s.size} bytes at ${s.offset}) lies beyond the end of the file (truncated?)`,
        );
      this.sections.push(s);
    }
    if (shstrndx >= shnum) throw corrupt(`section name table index ${shstrndx} out of range`);
    const strs = this.sections[shstrndx];
    const names = strs.type === SHT_NOBITS ? Buffer.alloc(0) : source.read(strs.offset, strs.size);
    for (const s of this.sections) {
      const nameOff = e.u32(tab, s.index * shentsize);
      s.name = nameOff < names.length ? cString(names, nameOff) : '';
      if (s.name && !this.byName.has(s.name)) this.byName.set(s.name, s);
    }
  }

  section(name: string): ElfSection | undefined {
    return this.byName.get(name);
  }

  /** Raw file bytes of a section (compressed sections are inflated). */
  readSection(s: ElfSection): Buffer {
    if (s.type === SHT_NOBITS || s.type === 0) return Buffer.alloc(0);
    if (s.flags & SHF_COMPRESSED) return this.inflate(s);
    return this.source.read(s.offset, s.size);
  }

  /** Like readSectionRange into a caller-provided buffer (no allocation). */
  readSectionInto(s: ElfSection, into: Buffer, offset: number, length: number): Buffer {
    if (offset < 0 || length < 0 || length > into.length || offset + length > s.size)
      throw corrupt(`read of ${length} bytes at ${offset} runs past the end of ${s.name} (${s.size} bytes)`);
    return this.source.readInto(into, s.offset + offset, length);
  }

  /** Reads `length` bytes at `offset` inside an uncompressed section, without loading all of it. */
  readSectionRange(s: ElfSection, offset: number, length: number): Buffer {
    if (offset < 0 || length < 0 || offset + length > s.size)
      throw corrupt(`read of ${length} bytes at ${offset} runs past the end of ${s.name} (${s.size} bytes)`);
    return this.source.read(s.offset + offset, length);
  }

  private inflate(s: ElfSection): Buffer {
    const e = this.endian;
    const hdrSize = this.is64 ? 24 : 12;
    if (s.size < hdrSize) throw corrupt(`compressed section ${s.name} is too short`);
    const raw = this.source.read(s.offset, s.size);
    const chType = e.u32(raw, 0);
    const chSize = this.is64 ? e.off64(raw, 8) : e.u32(raw, 4);
    if (chSize > MAX_INFLATED)
      throw new SymbolizeError('too-large', `compressed section ${s.name} claims ${chSize} bytes`);
    const body = raw.subarray(hdrSize);
    let out: Buffer;
    // Loaded here, not at start-up: few files have compressed sections, and loading zlib costs every process.
    const zlib = require('node:zlib') as typeof Zlib;
    if (chType === ELFCOMPRESS_ZLIB) {
      try {
        out = zlib.inflateSync(body, { maxOutputLength: Math.max(chSize, 1) });
      } catch (err) {
        throw corrupt(`cannot inflate ${s.name}: ${(err as Error).message}`);
      }
    } else if (chType === ELFCOMPRESS_ZSTD) {
      const zstd = (zlib as unknown as { zstdDecompressSync?: (b: Buffer, o?: object) => Buffer })
        .zstdDecompressSync;
      if (!zstd)
        throw new SymbolizeError(
          'unsupported',
          `${s.name} is zstd-compressed and this Node.js (${process.version}) cannot inflate zstd (needs zlib.zstdDecompressSync, Node >= 22.15); ` +
            'decompress it with `objcopy --decompress-debug-sections`',
        );
      try {
        out = zstd(body, { maxOutputLength: Math.max(chSize, 1) });
      } catch (err) {
        throw corrupt(`cannot decompress ${s.name}: ${(err as Error).message}`);
      }
    } else {
      throw new SymbolizeError('unsupported', `${s.name} uses unknown compression type ${chType}`);
    }
    if (out.length !== chSize)
      throw corrupt(`${s.name} inflated to ${out.length} bytes, header says ${chSize}`);
    return out;
  }

  /** Hex NT_GNU_BUILD_ID from the first note section that has one, or null. */
  buildId(): string | null {
    for (const s of this.sections) {
      if (s.type !== SHT_NOTE || s.size > 1 << 20) continue;
      const b = this.readSection(s);
      let o = 0;
      while (o + 12 <= b.length) {
        const namesz = this.endian.u32(b, o);
        const descsz = this.endian.u32(b, o + 4);
        const type = this.endian.u32(b, o + 8);
        const nameOff = o + 12;
        const descOff = nameOff + align4(namesz);
        if (descOff + descsz > b.length || descOff < nameOff) break;
        if (type === NT_GNU_BUILD_ID && namesz === 4 && b.toString('latin1', nameOff, nameOff + 3) === 'GNU')
          return b.subarray(descOff, descOff + descsz).toString('hex');
        o = descOff + align4(descsz);
      }
    }
    return null;
  }

  close(): void {
    this.source.close();
  }
}

function align4(n: number): number {
  return (n + 3) & ~3;
}

export function cString(b: Buffer, off: number): string {
  let end = b.indexOf(0, off);
  if (end < 0) end = b.length;
  return b.toString('utf8', off, end);
}
