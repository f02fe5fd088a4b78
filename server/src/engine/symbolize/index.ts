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
 *   dwarf/               DWARF 2–5: abbrev, forms, unit (root DIE + function/inline tree per unit),
 *                        line (line programs), ranges (rnglists/ranges), dwarfInfo (aranges -> unit ->
 *                        innermost-first inline chain). Parsed lazily per unit and cached; a 600 MB
 *                        vmlinux is read through its file handle, never loaded whole.
 *   debugFile.ts         DebugFile: faddr2line semantics on one object.
 *   kernel/maps.ts       System.map / kallsyms / /proc/modules / sysfs section dumps / `Kernel Offset:`.
 *   kernel/resolve.ts    raw address -> {object, section, offset, symbol+off} (KASLR, module map).
 *   decode.ts            symbolizeFrames(): a whole trace against vmlinux + module files.
 *   external.ts          ExternalSymbolizer: optional cross-check through addr2line/llvm-symbolizer/eu-addr2line.
 *
 * Public API
 *   openDebugFile(path, {allowNoDebugInfo?}): DebugFile       cached by path+mtime; throws SymbolizeError
 *   closeAllDebugFiles(): void
 *   debugFile.buildId: string | null                          NT_GNU_BUILD_ID as hex
 *   debugFile.isRelocatable: boolean                          `.ko`/`.o`: addresses are (section, offset)
 *   debugFile.lookupSymbol(func, offset, size?, {section?, isReturnAddress?}): LookupResult
 *       func+offset/size as printed by the kernel. Candidates are chosen by name and kallsyms size
 *       (distance to the next symbol), then ELF size; no match on size -> ok:false, error names the
 *       mismatch (the debug file does not belong to the log). isReturnAddress looks up address-1
 *       (inside the call instruction; what the kernel's %pB does). Several candidates -> `alternatives`.
 *   debugFile.lookupAddress(bigint | {section, offset}, {section?, isReturnAddress?}): LookupResult
 *   debugFile.symbolAt(bigint | {section, offset}): {symbol, offset} | null
 *   LookupResult = { ok, frames: SourceFrame[] (innermost inline level first), symbol, symbolOffset,
 *                    symbolSection, address, alternatives?, warning?, error? }
 *   SourceFrame  = { function, file, line (0 = unknown), column, discriminator }
 *   Kernel maps: parseSymbolMap, parseProcModules, parseModuleSections, parseKernelOffset,
 *                parseLogMaps (all dumps found in a log), KernelAddressResolver (raw address resolution).
 *   symbolizeFrames(frames, {vmlinux?, modules?}): FrameSymbolization[]   (for `oops-lens decode`)
 *
 * Numbers: kernel addresses are bigint at the API; inside, "linear" addresses are exact JS numbers
 * relative to the image base (see elf/addressSpace.ts).
 */
export { SymbolizeError } from './errors';
export type { SymbolizeErrorCode } from './errors';
export { openDebugFile, closeAllDebugFiles, DebugFile } from './debugFile';
export type { CodeAddress, LookupOptions, LookupResult, OpenOptions, SourceFrame, SymbolInfo } from './debugFile';
export { parseSymbolMap, parseProcModules, parseModuleSections, parseKernelOffset, parseLogMaps, normalizeModuleName } from './kernel/maps';
export type { KernelSymbol, ProcModule, KernelOffset, ModuleLayout, LogMaps } from './kernel/maps';
export { KernelAddressResolver } from './kernel/resolve';
export type { ResolvedAddress, KaslrInfo, ResolverInputs } from './kernel/resolve';
export { Symbolizer, symbolizeFrames } from './decode';
export type { FrameToSymbolize, DebugFileSet, FrameSymbolization } from './decode';
export { ExternalSymbolizer } from './external';
export type { ExternalTool, ExternalQuery } from './external';
