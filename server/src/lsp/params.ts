// Requests from a client are checked before a handler reads them: a malformed one is answered with
// InvalidParams (-32602) and a sentence saying what was expected, not with the TypeError it would cause.
import { ErrorCodes, ResponseError } from 'vscode-languageserver/node';

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object';
}

const isCount = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 0;

function isPosition(v: unknown): boolean {
  return isObject(v) && isCount(v.line) && isCount(v.character);
}

function invalid(method: string, expected: string): ResponseError<void> {
  return new ResponseError(ErrorCodes.InvalidParams, `${method} expects ${expected}.`);
}

function checkDocument(method: string, p: unknown, expected: string): void {
  if (!isObject(p) || !isObject(p.textDocument) || typeof p.textDocument.uri !== 'string')
    throw invalid(method, expected);
}

/** documentSymbol, foldingRange: `{textDocument: {uri}}`. */
export function checkDocumentParams(method: string, p: unknown): void {
  checkDocument(method, p, 'params {textDocument: {uri: string}}');
}

/** hover, definition: `{textDocument: {uri}, position: {line, character}}`. */
export function checkPositionParams(method: string, p: unknown): void {
  const expected = 'params {textDocument: {uri: string}, position: {line: number, character: number}}';
  checkDocument(method, p, expected);
  if (!isPosition((p as Record<string, unknown>).position)) throw invalid(method, expected);
}

/** inlayHint: `{textDocument: {uri}, range: {start, end}}`. */
export function checkRangeParams(method: string, p: unknown): void {
  const expected = 'params {textDocument: {uri: string}, range: {start: Position, end: Position}}';
  checkDocument(method, p, expected);
  const range = (p as Record<string, unknown>).range;
  if (!isObject(range) || !isPosition(range.start) || !isPosition(range.end)) throw invalid(method, expected);
}

/** codeAction: `{textDocument: {uri}, range, context: {diagnostics: Diagnostic[]}}`. */
export function checkCodeActionParams(method: string, p: unknown): void {
  const expected = 'params {textDocument: {uri: string}, range: Range, context: {diagnostics: Diagnostic[]}}';
  checkRangeParams(method, p);
  const context = (p as Record<string, unknown>).context;
  if (!isObject(context) || !Array.isArray(context.diagnostics)) throw invalid(method, expected);
  for (const d of context.diagnostics as unknown[]) {
    const range = isObject(d) ? d.range : undefined;
    if (!isObject(range) || !isPosition(range.start) || !isPosition(range.end))
      throw invalid(method, expected);
  }
}

/** workspace/symbol: `{query: string}`. */
export function checkQueryParams(method: string, p: unknown): void {
  if (!isObject(p) || typeof p.query !== 'string') throw invalid(method, 'params {query: string}');
}

/** kernelOops/crashGroups (and crashGroupEvents with `signature`): `{uris: string[], by?, signature?}`. */
export function checkCrashGroupsParams(method: string, p: unknown, withSignature: boolean): void {
  const expected = `params {uris: string[], by?: 'title' | 'frames'${withSignature ? ', signature: string' : ''}}`;
  if (!isObject(p) || !Array.isArray(p.uris) || !p.uris.every((u) => typeof u === 'string'))
    throw invalid(method, expected);
  if (p.by !== undefined && p.by !== 'title' && p.by !== 'frames') throw invalid(method, expected);
  if (withSignature && typeof p.signature !== 'string') throw invalid(method, expected);
}
