// DebugFile: one ELF object with its symbols and DWARF, opened lazily and cached by path. This is where
// faddr2line semantics live: `func+off/size` -> symbol (disambiguated by kallsyms size), the address to
// look up (return addresses at address-1), and section-aware lookups for relocatable `.ko` files.
import * as fs from 'node:fs';
import { ElfFile, type ElfSection, SHF_ALLOC, SHF_COMPRESSED, SHF_EXECINSTR } from './elf/elfFile';
import { AddressSpace } from './elf/addressSpace';
import { applyDebugRelocations } from './elf/relocations';
import {
  FileSection,
  LazyMemorySection,
  MemorySection,
  type SectionData,
  WHOLE_SECTION_LIMIT,
} from './elf/sectionData';
import { type ElfSymbol, SymbolTable } from './elf/symbols';
import { DwarfInfo, type SourceFrame } from './dwarf/dwarfInfo';
import { DWARF_SECTION_NAMES, type DwarfSections } from './dwarf/sections';
import { readUnitHeader } from './dwarf/unit';
import { SymbolizeError, withPath } from './errors';
import { kernelIdentity, type KernelIdentity } from './kernel/identity';

export type { SourceFrame };

/** A code address: an absolute address (vmlinux, executables) or a section-relative one (`.ko`). */
export type CodeAddress = bigint | { section: string; offset: number | bigint };

export interface LookupOptions {
  /** Restrict `func` to symbols of this section (relocatable objects: `.text`, `.text.unlikely`, …). */
  section?: string;
  /** The address is a return address (a call-trace entry): look up address-1, inside the call instruction. */
  isReturnAddress?: boolean;
}

export interface SymbolInfo {
  name: string;
  section: string;
  /** st_value: an address, or an offset in `section` for relocatable objects. */
  value: bigint;
  /** kallsyms-style size: distance to the next symbol in the section. */
  size: number;
}

export interface LookupResult {
  ok: boolean;
  /** Innermost inline level first; the last frame is the real (out-of-line) function. */
  frames: SourceFrame[];
  /** The symbol the address belongs to (for `lookupSymbol`: the one chosen by name and size). */
  symbol: SymbolInfo | null;
  /** Offset of the address in `symbol`. */
  symbolOffset: number;
  /** Section of the address (what `addr2line -j` would be given). */
  symbolSection: string | null;
  /** The address looked up, before the return-address adjustment: absolute, or the section offset for `.ko`. */
  address: bigint | null;
  /** Other symbols with the same name and size (faddr2line prints all of them). */
  alternatives?: LookupResult[];
  warning?: string;
  /** Why ok is false. */
  error?: string;
  /** The lookup failed because the file disagrees with the log: no symbol of that name, or none of that size. */
  mismatch?: SymbolMismatch;
}

export type SymbolMismatch = 'missing' | 'size';

export interface OpenOptions {
  /** Accept objects without DWARF (symbol table only). Default false: a stripped file is a SymbolizeError. */
  allowNoDebugInfo?: boolean;
}

const cache = new Map<string, { mtimeMs: number; size: number; file: DebugFile }>();

/** Opens (or returns the cached) DebugFile for `path`. Throws SymbolizeError for unusable files. */
export function openDebugFile(path: string, options: OpenOptions = {}): DebugFile {
  let st: fs.Stats;
  try {
    st = fs.statSync(path);
  } catch (e) {
    throw new SymbolizeError('io', (e as Error).message, path);
  }
  const hit = cache.get(path);
  if (
    hit &&
    hit.mtimeMs === st.mtimeMs &&
    hit.size === st.size &&
    (hit.file.hasDebugInfo || options.allowNoDebugInfo)
  )
    return hit.file;
  hit?.file.close();
  const file = DebugFile.open(path, options);
  cache.set(path, { mtimeMs: st.mtimeMs, size: st.size, file });
  return file;
}

/** The NT_GNU_BUILD_ID of the ELF file at `path` (hex), or null when it has none; SymbolizeError if not ELF. */
export function readBuildId(path: string): string | null {
  let elf: ElfFile | null = null;
  try {
    elf = ElfFile.open(path);
    return elf.buildId();
  } catch (e) {
    throw withPath(e, path);
  } finally {
    elf?.close();
  }
}

/** Drops every cached DebugFile (closing their file handles). */
export function closeAllDebugFiles(): void {
  for (const { file } of cache.values()) file.close();
  cache.clear();
}

export class DebugFile {
  readonly buildId: string | null;
  readonly hasDebugInfo: boolean;
  readonly space: AddressSpace;
  private symtab: SymbolTable | null = null;
  private dwarfInfo: DwarfInfo | null = null;
  private identity: KernelIdentity | null = null;

  static open(path: string, options: OpenOptions = {}): DebugFile {
    let elf: ElfFile | null = null;
    try {
      elf = ElfFile.open(path);
      return new DebugFile(elf, options);
    } catch (e) {
      elf?.close();
      throw withPath(e, path);
    }
  }

  private constructor(
    readonly elf: ElfFile,
    options: OpenOptions,
  ) {
    this.space = new AddressSpace(elf);
    this.buildId = elf.buildId();
    this.hasDebugInfo = !!(elf.section('.debug_info') && elf.section('.debug_line'));
    if (!this.hasDebugInfo) {
      if (elf.section('.gnu_debuglink') || elf.section('.gnu_debugdata'))
        if (!options.allowNoDebugInfo)
          throw new SymbolizeError(
            'no-debug-info',
            'no DWARF debug info (stripped; the debug info is in a separate file named by .gnu_debuglink)',
          );
      if (!options.allowNoDebugInfo)
        throw new SymbolizeError(
          'no-debug-info',
          'no DWARF debug info (.debug_info/.debug_line missing: stripped file?)',
        );
    } else {
      // Fail early on a garbage first unit header rather than at the first lookup.
      readUnitHeader(this.dwarf().sections, 0);
    }
  }

  get path(): string {
    return this.elf.path;
  }
  get isRelocatable(): boolean {
    return this.space.relocatable;
  }
  get machine(): number {
    return this.elf.machine;
  }

  /** The kernel release the file was built for (module vermagic, vmlinux banner), read once. */
  kernelIdentity(): KernelIdentity {
    try {
      this.identity ??= kernelIdentity(this.elf);
    } catch (e) {
      throw withPath(e, this.path);
    }
    return this.identity;
  }

  symbols(): SymbolTable {
    this.symtab ??= new SymbolTable(this.elf);
    return this.symtab;
  }

  /**
   * Readies the symbols of these names for `lookupSymbol` in one batch (a whole trace). Best effort: a corrupt
   * symbol table is reported by the lookups themselves.
   */
  prefetchSymbols(names: Iterable<string>): void {
    try {
      this.symbols().prefetch(names);
    } catch (e) {
      if (!(e instanceof SymbolizeError)) throw e;
    }
  }

  dwarf(): DwarfInfo {
    if (this.dwarfInfo) return this.dwarfInfo;
    const secs: DwarfSections = { little: this.elf.endian.little };
    for (const [key, name] of Object.entries(DWARF_SECTION_NAMES) as [
      Exclude<keyof DwarfSections, 'little'>,
      string,
    ][]) {
      const s = this.elf.section(name);
      if (s) secs[key] = this.sectionData(s);
    }
    this.dwarfInfo = new DwarfInfo(secs, this.space);
    return this.dwarfInfo;
  }

  private sectionData(s: ElfSection): SectionData {
    if (this.space.relocatable) {
      // Relocatable objects are small; their debug sections are loaded and relocated in memory, each when first used.
      return new LazyMemorySection(this.elf, s, (raw) => {
        const data = Buffer.from(raw);
        applyDebugRelocations(this.elf, this.space, s, data);
        return data;
      });
    }
    if (s.flags & SHF_COMPRESSED) return new MemorySection(s.name, this.elf.readSection(s));
    // Random access into small sections (strings above all) is cheaper from memory than by block reads.
    if (s.size <= WHOLE_SECTION_LIMIT) return new LazyMemorySection(this.elf, s);
    return new FileSection(this.elf, s);
  }

  /** Code sections (SHF_ALLOC|SHF_EXECINSTR) by name. */
  codeSections(): ElfSection[] {
    return this.elf.sections.filter((s) => (s.flags & SHF_ALLOC) !== 0 && (s.flags & SHF_EXECINSTR) !== 0);
  }

  /**
   * faddr2line: `func+offset/size`. The symbol is chosen by name and kallsyms size (then ELF size); a size
   * that matches no symbol means the debug file does not belong to the log, reported as an error.
   */
  lookupSymbol(
    func: string,
    offset: number | bigint,
    size?: number | null,
    options: LookupOptions = {},
  ): LookupResult {
    return this.guard(() => {
      let cands = this.symbols().lookupName(func);
      if (options.section) cands = cands.filter((s) => s.section.name === options.section);
      if (cands.length === 0)
        return failure(
          `no symbol ${func}${options.section ? ` in section ${options.section}` : ''} in ${this.path}`,
          'missing',
        );
      const off = BigInt(offset);
      if (size !== undefined && size !== null) {
        // The last symbol of a section gets its kernel size from whatever follows it in memory.
        const bySize = cands.filter((s) => s.kallsymsSize === size || this.fitsAtSectionEnd(s, size));
        const byElfSize = bySize.length ? bySize : cands.filter((s) => s.elfSize === size);
        if (byElfSize.length === 0) {
          const sizes = [...new Set(cands.map((s) => '0x' + s.kallsymsSize.toString(16)))].join(', ');
          return failure(
            `size mismatch for ${func}+0x${off.toString(16)}/0x${size.toString(16)}: ${this.path} has ${func} with size ${sizes} — the debug file does not match the kernel that printed the log`,
            'size',
          );
        }
        cands = byElfSize;
      }
      const results = cands.map((sym) => this.lookupInSymbol(sym, off, options));
      const first = results[0];
      if (results.length > 1) {
        first.alternatives = results.slice(1);
        first.warning = appendWarning(
          first.warning,
          `${results.length} symbols named ${func} with this size; showing all`,
        );
      }
      return first;
    });
  }

  /** The last symbol of a section: the kernel's size runs to what follows (e.g. the end of the init page). */
  private fitsAtSectionEnd(s: ElfSymbol, size: number): boolean {
    if (!s.lastInSection || size < s.kallsymsSize) return false;
    const start = this.space.relocatable ? Number(s.value) : Number(s.value - s.section.addr);
    return start + size <= Math.ceil(s.section.size / 4096) * 4096;
  }

  private lookupInSymbol(sym: ElfSymbol, off: bigint, options: LookupOptions): LookupResult {
    const size = Math.max(sym.kallsymsSize, sym.elfSize);
    let warning: string | undefined;
    if (off > BigInt(size))
      warning = `offset 0x${off.toString(16)} is beyond the end of ${sym.name} (size 0x${size.toString(16)})`;
    const linear = this.space.relocatable
      ? this.space.inSection(sym.section, sym.value + off)
      : this.space.fromBig(sym.value + off);
    const res = this.lookupLinear(linear, options.isReturnAddress ?? false, sym);
    res.symbol = symbolInfo(sym);
    res.symbolOffset = Number(off);
    res.symbolSection = sym.section.name;
    res.address = sym.value + off;
    if (warning) res.warning = appendWarning(res.warning, warning);
    return res;
  }

  /** Source location of an address: absolute (bigint) or `{section, offset}` (required for `.ko` files). */
  lookupAddress(addr: CodeAddress, options: LookupOptions = {}): LookupResult {
    return this.guard(() => {
      let linear: number;
      let address: bigint;
      if (typeof addr === 'bigint') {
        if (this.space.relocatable) {
          if (!options.section)
            return failure(`${this.path} is relocatable: give the section of the address (e.g. .text)`);
          const s = this.elf.section(options.section);
          if (!s) return failure(`no section ${options.section} in ${this.path}`);
          linear = this.space.inSection(s, addr);
        } else linear = this.space.fromBig(addr);
        address = addr;
      } else {
        const s = this.elf.section(addr.section);
        if (!s) return failure(`no section ${addr.section} in ${this.path}`);
        linear = this.space.inSection(s, addr.offset);
        address = this.space.relocatable ? BigInt(addr.offset) : s.addr + BigInt(addr.offset);
      }
      const res = this.lookupLinear(linear, options.isReturnAddress ?? false);
      res.address = address;
      return res;
    });
  }

  /** The symbol containing a code address (`sym+off` as the kernel would print it), or null. */
  symbolAt(addr: CodeAddress): { symbol: SymbolInfo; offset: number } | null {
    try {
      return this.symbolAtUnguarded(addr);
    } catch (e) {
      throw withPath(e, this.path);
    }
  }

  private symbolAtUnguarded(addr: CodeAddress): { symbol: SymbolInfo; offset: number } | null {
    const linear =
      typeof addr === 'bigint'
        ? this.space.fromBig(addr)
        : (() => {
            const s = this.elf.section(addr.section);
            return s ? this.space.inSection(s, addr.offset) : NaN;
          })();
    const hit = this.symbolAtLinear(linear);
    return hit ? { symbol: symbolInfo(hit.symbol), offset: hit.offset } : null;
  }

  private symbolAtLinear(linear: number, bounded = true): { symbol: ElfSymbol; offset: number } | null {
    if (Number.isNaN(linear)) return null;
    const where = this.space.sectionAt(linear);
    if (!where) return null;
    const value = this.space.relocatable ? BigInt(where.offset) : this.space.toBig(linear);
    return this.symbols().containing(where.section.index, value, bounded);
  }

  private lookupLinear(linear: number, isReturnAddress: boolean, known?: ElfSymbol): LookupResult {
    const target = isReturnAddress ? linear - 1 : linear;
    const where = this.space.sectionAt(target);
    // A lookup by name knows its symbol; the address index (a sort of every symbol) is built only when needed.
    const knownStart = known
      ? this.space.relocatable
        ? this.space.inSection(known.section, known.value)
        : this.space.fromBig(known.value)
      : NaN;
    const sym =
      known && target >= knownStart && target < knownStart + Math.max(known.kallsymsSize, known.elfSize, 1)
        ? { symbol: known, offset: target - knownStart }
        : this.symbolAtLinear(target);
    const frames = this.hasDebugInfo ? this.dwarf().symbolize(target) : [];
    // Like binutils: when DWARF names no function, take the nearest preceding symbol (whatever its size).
    // (The known symbol is that nearest one when the target is inside its kallsyms size: nothing starts between.)
    const knownIsNearest = known && sym?.symbol === known && target < knownStart + known.kallsymsSize;
    const named =
      frames.length === 0 || frames[0].function === null
        ? knownIsNearest
          ? sym
          : this.symbolAtLinear(target, false)
        : null;
    if (frames.length === 0 && named)
      frames.push({
        function: named.symbol.name,
        file: named.symbol.file,
        line: 0,
        column: 0,
        discriminator: 0,
      });
    else if (frames.length === 1 && frames[0].function === null && named)
      frames[0].function = named.symbol.name;
    const ok = frames.length > 0 && frames[0].file !== null && frames[0].line > 0;
    return {
      ok,
      frames,
      symbol: sym ? symbolInfo(sym.symbol) : null,
      symbolOffset: sym?.offset ?? 0,
      symbolSection: where?.section.name ?? null,
      address: null,
      ...(ok
        ? {}
        : {
            error: frames.length
              ? 'no line information for this address'
              : 'address not covered by symbols or debug info',
          }),
    };
  }

  private guard(fn: () => LookupResult): LookupResult {
    try {
      return fn();
    } catch (e) {
      throw withPath(e, this.path);
    }
  }

  close(): void {
    this.elf.close();
  }
}

function symbolInfo(s: ElfSymbol): SymbolInfo {
  return { name: s.name, section: s.section.name, value: s.value, size: s.kallsymsSize };
}

function failure(error: string, mismatch?: SymbolMismatch): LookupResult {
  const r: LookupResult = {
    ok: false,
    frames: [],
    symbol: null,
    symbolOffset: 0,
    symbolSection: null,
    address: null,
    error,
  };
  if (mismatch) r.mismatch = mismatch;
  return r;
}

function appendWarning(a: string | undefined, b: string): string {
  return a ? `${a}; ${b}` : b;
}
