// Turning engine positions (0-based line + UTF-16 columns, the same counting as LSP) into LSP ranges.
import type { Range } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Span } from '../engine';

export function spanRange(span: Span): Range {
  return { start: { line: span.line, character: span.start }, end: { line: span.line, character: span.end } };
}

/** Length of `line` without its line break (0 past the end of the document). */
export function lineLength(doc: TextDocument, line: number): number {
  if (line < 0 || line >= doc.lineCount) return 0;
  const text = doc.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } });
  let n = text.length;
  if (n > 0 && text.charCodeAt(n - 1) === 10) n--;
  if (n > 0 && text.charCodeAt(n - 1) === 13) n--;
  return n;
}

/** Whole lines `first`..`last` (inclusive), ending at the last character of `last`, clamped to the document. */
export function linesRange(doc: TextDocument, first: number, last: number): Range {
  const max = Math.max(0, doc.lineCount - 1);
  const a = Math.min(Math.max(0, first), max);
  const b = Math.min(Math.max(a, last), max);
  return { start: { line: a, character: 0 }, end: { line: b, character: lineLength(doc, b) } };
}

/** Does `outer` contain `inner`? (LSP requires a symbol's selectionRange and children inside its range.) */
export function contains(outer: Range, inner: Range): boolean {
  const before = (p: Range['start'], q: Range['start']) =>
    p.line < q.line || (p.line === q.line && p.character <= q.character);
  return before(outer.start, inner.start) && before(inner.end, outer.end);
}
