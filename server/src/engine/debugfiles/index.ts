/**
 * Finding the debug files a kernel log needs and mapping their DWARF paths onto the user's tree.
 * Pure TypeScript, no editor API. Used by `oops-lens` (cli.ts) and the language server (lsp/symbolization.ts).
 *
 *   locateDebugFiles({settings, release, modules, workspaceFolders?, systemRoot?}): LocatedFiles
 *       settings first (`vmlinux`, `modulePaths` searched for `<mod>.ko[.debug][.xz|.zst|.gz]`, `-` == `_`),
 *       then the release's distribution paths (/usr/lib/debug/boot/vmlinux-<rel>, /usr/lib/debug/lib/modules/<rel>,
 *       /lib/modules/<rel>/build/vmlinux, …), then workspace folders. Missing settings become `notes`.
 *   prepareDebugFile(path, cacheDir?, {maxOutput?, runTools?}): a path the symbolizer can open (compressed modules
 *       decompressed once; runTools false: never the xz/zstd commands).
 *   printedBuildIds(frames): the build ids the log prints per object (`[mod <40 hex>]`, the CPU line's for
 *       vmlinux); buildIdMismatch(object, file, printed, actual), buildIdConflict(object, ids): one line or null.
 *   identityMismatch(file, {arch, release}): why a file belongs to another kernel (ELF machine, module
 *       vermagic / vmlinux banner release), or null. symbolizeLog does not use such files (files.rejected).
 *   fetchDebuginfo(buildId, {urls, cacheDir?, timeoutMs?}): debuginfod download (network; only when asked).
 *   SourceMapper({sourceRoots, pathMap, workspaceFolders}).resolve(dwarfPath): local file inside those folders
 *       (symlinks resolved) or null; explainMiss(dwarfPath): what to set;
 *   displaySourcePath(dwarfPath): `fs/read_write.c` for `debian/build/build_amd64_none_amd64/fs/read_write.c`.
 *   framesOfAnalysis(analysis): LogFrame[] (IP lines as is, trace entries as return addresses), releaseOf.
 *   symbolizeLog(text, frames, options): the whole pipeline -> {results by frame key, files in use, messages,
 *       crossChecks (options.crossCheck: the same lookups through addr2line / eu-addr2line / llvm-symbolizer)}.
 *   debugFilesStatus(files): "debug files don't match this log: …" / "no matching debug files" / null.
 *   decodeLogText(text, frames, results): decode_stacktrace.sh-style copy of the log.
 */
export {
  locateDebugFiles,
  findModules,
  vmlinuxCandidates,
  moduleDirCandidates,
  compressionOf,
  isKernelRelease,
  NO_DEBUG_FILE_SETTINGS,
} from './locate';
export type { DebugFileSettings, LocateRequest, LocatedFile, LocatedFiles } from './locate';
export { prepareDebugFile, defaultCacheDir } from './decompress';
export type { Prepared } from './decompress';
export { buildIdConflict, buildIdMismatch, printedBuildIds } from './buildId';
export { fetchDebuginfo, debuginfodUrls } from './debuginfod';
export type { DebuginfodOptions, Fetched } from './debuginfod';
export { SourceMapper, displaySourcePath } from './sourceMap';
export type { SourceMapOptions } from './sourceMap';
export {
  framesOfAnalysis,
  frameRefsOfAnalysis,
  framesFromRefs,
  joinFrameRefs,
  frameKey,
  releaseOf,
  archOf,
} from './frames';
export type { LogFrame } from './frames';
export { symbolizeLog, debugFilesStatus } from './session';
export type { SessionOptions, LogSymbolization, DebugFilesInUse, RejectedFile, CrossCheck } from './session';
export { identityMismatch } from './match';
export type { LogIdentity } from './match';
export {
  decodedLines,
  decodedParts,
  rewrittenLines,
  decodeLogLines,
  decodeLogText,
  decodeSummary,
  locationsText,
  ACCESS_LINE_LABEL,
} from './decodeText';
