// The engine's public surface. Everything outside server/src/engine/ imports from here.
export * from './model';
export { analyzeText } from './analyze';
export type { AnalyzeOptions } from './analyze';
export { normalizeLine, splitLines, toColumn, LINE_BREAK } from './normalize';
export type { NormalizedLine } from './normalize';
export { CATALOGUE, entryByKind, matchHeader } from './catalogue';
export type { CatalogueEntry, HeaderMatch } from './catalogue';
export { parseFrame } from './frames';
