/**
 * Kernel Oops Lens symbolizer: a pure-TypeScript ELF/DWARF reader answering "which source line is
 * `func+0x2c/0x80 [mod]`?" like `scripts/faddr2line` / `addr2line -fie`, without binutils.
 *
 * Layers (each only uses the ones above it):
 *   errors.ts            SymbolizeError — the only error type thrown for bad input (corrupt, truncated,
 *                        stripped, mismatched, absurd sizes).
 *   elf/                 ElfFile (header, sections, build-id, SHF_COMPRESSED zlib; zstd if Node has it),
 *                        FileSource (bounds-checked pread), SectionData (in memory or read in blocks),
 *                        SymbolTable (kallsyms-style sizes), AddressSpace (exact numeric addresses:
 *                        image-relative for vmlinux, a synthetic per-section layout for `.ko`),
 *                        relocations (`.rela.debug_*` of ET_REL only; x86_64, aarch64, i386, arm).
 *   dwarf/               DWARF 2–5: abbrev, forms, unit (unit header + root DIE), functions (a unit's
 *                        function/inline tree), line (line programs), ranges (low/high pc, rnglists/ranges),
 *                        dwarfInfo (aranges -> unit -> innermost-first inline chain). Parsed lazily per unit and cached; a 600 MB
 *                        vmlinux is read through its file handle, never loaded whole.
 *   debugFile.ts         DebugFile: faddr2line semantics on one object.
 *   kernel/maps.ts       System.map / kallsyms / /proc/modules / sysfs section dumps / `Kernel Offset:`.
 *   kernel/moduleName.ts how modules are named: `-` == `_`, and `<module>.ko[.debug][.xz|.zst|.gz]` files.
 *   kernel/resolve.ts    raw address -> {object, section, offset, symbol+off} (KASLR, module map).
 *   kernel/identity.ts   the release a file was built for: module `vermagic`, vmlinux `Linux version` banner.
 *   symbolizer.ts        Symbolizer, symbolizeFrames(): a whole trace against the vmlinux + module files given.
 *   external.ts          ExternalSymbolizer: optional cross-check through addr2line/llvm-symbolizer/eu-addr2line.
 *
 * Public API (all synchronous; every bad input is a SymbolizeError {code, message, path}, never a crash)
 *   openDebugFile(path: string, opts?: {allowNoDebugInfo?: boolean}): DebugFile
 *       Cached by path+mtime+size. Throws for unreadable/corrupt/truncated files and, unless allowed,
 *       for files without DWARF ("no-debug-info", names .gnu_debuglink when present).
 *   closeAllDebugFiles(): void
 *   readBuildId(path): string | null      NT_GNU_BUILD_ID of any ELF file (headers and notes only)
 *   DebugFile
 *     .buildId: string | null               NT_GNU_BUILD_ID, hex
 *     .isRelocatable: boolean               `.ko`/`.o`: addresses are (section, offset)
 *     .hasDebugInfo: boolean
 *     .machine: number                      ELF e_machine
 *     .kernelIdentity(): {release, from}    module vermagic / vmlinux banner release, or nulls
 *     .lookupSymbol(func: string, offset: number | bigint, size?: number | null,
 *                   opts?: {section?: string; isReturnAddress?: boolean}): LookupResult
 *         `func+offset/size` as printed by the kernel (faddr2line semantics). Candidates are chosen by
 *         name, then kallsyms size (distance to the next symbol; the last symbol of a section may be
 *         larger, e.g. init code padded to a page), then ELF size; none -> ok:false with an error naming
 *         the mismatch ("the debug file does not match the kernel that printed the log"). Several
 *         candidates -> the first plus `alternatives`. isReturnAddress: look up address-1 (inside the
 *         call instruction, like the kernel's %pB) — matches the ground truth for x86_64 (address-1) and
 *         arm64 (address-4) alike. The faulting pc / RIP / WARN address: isReturnAddress false.
 *     .lookupAddress(addr: bigint | {section: string; offset: number | bigint},
 *                    opts?: {section?: string; isReturnAddress?: boolean}): LookupResult
 *     .symbolAt(addr: bigint | {section, offset}): {symbol: SymbolInfo; offset: number} | null
 *   LookupResult = { ok: boolean; frames: SourceFrame[] (innermost inline level first);
 *                    symbol: SymbolInfo | null; symbolOffset: number; symbolSection: string | null;
 *                    address: bigint | null; alternatives?: LookupResult[]; warning?: string; error?: string;
 *                    mismatch?: 'missing' | 'size' (the file has no symbol of that name / none of that size) }
 *   SourceFrame  = { function: string | null; file: string | null (DWARF build path); line: number (0 =
 *                    unknown); column: number; discriminator: number }
 *   SymbolInfo   = { name; section; value: bigint; size: number (kallsyms-style) }
 *
 *   Kernel maps (kernel/maps.ts): parseSymbolMap(text) (System.map, /proc/kallsyms), parseProcModules(text),
 *   parseModuleSections(text, module?) (`.text 0x…` lines or `/sys/module/m/sections/.text:0x…`),
 *   parseKernelOffset(text), parseLogMaps(logText) -> {modules: Map<name, {base, size, sections, symbols}>,
 *   kernelOffset, kernelSymbols} (new LogMapsReader(): .push(piece)… .end(), the same of a text in pieces), normalizeModuleName(name) (`-` == `_`), moduleFileName(file).
 *   new KernelAddressResolver({maps?, vmlinux?, systemMap?, modules?: Map<name, DebugFile>, kaslrOffset?})
 *     .resolve(address: bigint): ResolvedAddress | null  = {object: 'vmlinux' | module, section, offset
 *         (module: in section; vmlinux: link-time address), symbol, symbolOffset, symbolSize,
 *         text: "sym+0xoff/0xsize [mod]", how: which map and which KASLR source were used}
 *     .kaslrInfo(): {offset, source} | null    from `Kernel Offset:`, kallsyms `_text`/`_stext` in the log,
 *     .learnFromFrame(address, func, offset)   or a frame printing both an address and sym+off.
 *
 *   Whole traces (symbolizer.ts), for `oops-lens decode` / `analyze --json`:
 *   symbolizeFrames(frames: FrameToSymbolize[], files: DebugFileSet): FrameSymbolization[]
 *   new Symbolizer(files).symbolizeAll(frames) / .symbolize(frame) / .kaslr()   (keep one per log/session)
 *     FrameToSymbolize = {function, offset, size, module, address: bigint | hex string | null, isReturnAddress}
 *     DebugFileSet     = {vmlinux?: path | DebugFile, modules?: (path to .ko | directory | DebugFile)[],
 *                         systemMap?: path, maps?: LogMaps, kaslrOffset?: bigint}
 *     FrameSymbolization = {ok, frames: SourceFrame[], object, section, resolved?: "sym+off/size [mod]"
 *                           (raw addresses), how?, warning?, error?}   — errors are per frame.
 *
 *   new ExternalSymbolizer('addr2line' | 'eu-addr2line' | 'llvm-symbolizer', command?)
 *     .available(): boolean; .symbolize(file, [{address, section?}]): SourceFrame[][]   (cross-checks only)
 *
 * Lookups may also throw SymbolizeError when the DWARF of the unit they reach is corrupt; symbolizeFrames
 * turns that into a per-frame error.
 *
 * Proof: `node scripts/run-tests.mjs server/test/symbolize` (gcc/clang fixtures vs addr2line, eu-addr2line,
 * llvm-symbolizer; the qemu corpora's buggy.ko frames vs ground truth; corrupt inputs). With the Debian -dbg
 * vmlinux: OOPS_LENS_VMLINUX=… / OOPS_LENS_VMLINUX_ARM64=… check every vmlinux frame too.
 * Speed: `node scripts/bench-symbolize.mjs --vmlinux …`.
 *
 * Numbers: kernel addresses are bigint at the API; inside, "linear" addresses are exact JS numbers
 * relative to the image base (see elf/addressSpace.ts).
 */
export { SymbolizeError } from './errors';
export type { SymbolizeErrorCode } from './errors';
export { openDebugFile, closeAllDebugFiles, readBuildId, DebugFile } from './debugFile';
export type {
  CodeAddress,
  LookupOptions,
  LookupResult,
  OpenOptions,
  SourceFrame,
  SymbolInfo,
  SymbolMismatch,
} from './debugFile';
export {
  parseSymbolMap,
  parseProcModules,
  parseModuleSections,
  parseKernelOffset,
  parseLogMaps,
  LogMapsReader,
} from './kernel/maps';
export { moduleFileName, normalizeModuleName } from './kernel/moduleName';
export type { Compression, ModuleFileName } from './kernel/moduleName';
export type { KernelSymbol, ProcModule, KernelOffset, ModuleLayout, LogMaps } from './kernel/maps';
export { KernelAddressResolver } from './kernel/resolve';
export { kernelIdentity, vermagicRelease } from './kernel/identity';
export type { KernelIdentity } from './kernel/identity';
export type { ResolvedAddress, KaslrInfo, ResolverInputs } from './kernel/resolve';
export { Symbolizer, symbolizeFrames } from './symbolizer';
export type { FrameToSymbolize, DebugFileSet, FrameSymbolization } from './symbolizer';
export { ExternalSymbolizer } from './external';
export type { ExternalTool, ExternalQuery } from './external';
