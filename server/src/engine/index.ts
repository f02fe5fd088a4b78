// The engine's public surface. Everything outside server/src/engine/ imports from here.
export * from './model';
export { analyzeText, analyzeTextWithState } from './analyze';
export { REPORT_SILENCE } from './report/segment';
export { joinAnalyses, reanalyzeChange } from './incremental';
export type { LineChange } from './incremental';
export type { AnalyzeOptions } from './analyze';
export { normalizeLine, splitLines, toColumn, LINE_BREAK, TRAILING_LINE_BREAK } from './log/normalize';
export { LineCursor, logPieces } from './log/lines';
export type { LogText } from './log/lines';
export { looksBinary } from './log/binary';
export type { NormalizedLine } from './log/normalize';
export { CATALOGUE, entryByKind, matchHeader } from './catalogue';
export type { CatalogueEntry, HeaderMatch } from './catalogue';
export { parseFrame } from './log/frames';
// Files read by name: regular files only, a size limit per kind, never a blocking open.
export {
  FILE_LIMITS,
  FileRefused,
  linePieces,
  openRegularFile,
  readLogPieces,
  readRegularFile,
  readTextFile,
  regularFileProblem,
} from './safeFile';
export { findSourceReferences, MAX_SOURCE_REFERENCES } from './log/sourceRefs';
export type { SourceReference } from './log/sourceRefs';
// Debug files: finding them, and the log → source pipeline (CLI decode, server go-to-source).
export * from './debugfiles';
// The ELF/DWARF symbolizer those build on.
export * from './symbolize';
// The faulting access of a memory fault: instruction, values, variable, C expression.
export * from './access';
// Hovers.
export { explainAt } from './explain/hover';
export { findEventAt, findFrameAt } from './explain/locate';
export { initDisassemblers, loadIced } from './explain/disasm';
// Who to send a report to: get_maintainer.pl's answer from a tree's MAINTAINERS.
export * from './maintainers';
// A bug report for one event (oops-lens report, Copy crash report).
export * from './bugreport';

export * from './triage';
export { firstFileLine, guiltyFileOf, kernelRelativePath } from './title/guiltyFile';
export { recursionOf, RECURSION_MIN_REPEATS } from './title/guilty';
export { mainTrace } from './report/mainTrace';
export { blockerOf } from './report/blocker';
export type { Blocker } from './report/blocker';
export { splitPstoreRecords, joinPstoreRecords } from './log/pstore';
export type { PstoreRecord, JoinedDump } from './log/pstore';
export { readPstoreDumps, describeDump, PSTORE_FOLDERS } from './pstoreFiles';
export type { PstoreDumps } from './pstoreFiles';
