// The text of an open document, kept in chunks of whole lines so that a keystroke costs one chunk, not
// the document. vscode-languageserver-textdocument keeps one string: each edit concatenates and flattens
// it (copying all of it, ~100-400 ms for a 300,000-line log) and adds the edit's length to every later
// line offset. Here an edit rebuilds the chunk it falls in and a small index over the chunks; the whole
// text is joined only when asked for (an analysis of all of it, a symbolization), once per version.
// Lines are counted as LSP counts them (`\r\n`, `\r`, `\n`), positions clamp as TextDocument's do.
import type { Position, Range } from 'vscode-languageserver';
import type { TextDocument, TextDocumentContentChangeEvent } from 'vscode-languageserver-textdocument';
import { LineCursor } from '../engine';
import { textOf, TextPieces, type LongText } from './worker';

/** Chunks are cut after the first `\n` at or past this many UTF-16 units. */
const CHUNK_CHARS = 1 << 16;

/** One incremental change in line terms: old lines [start, oldEnd] became new lines [start, newEnd]. */
export interface LineEdit {
  /** The document versions before and after the change (a didChange may carry several changes). */
  from: number;
  version: number;
  start: number;
  oldEnd: number;
  newEnd: number;
}

/** How many line edits a document remembers (an analysis further behind starts again from the text). */
const MAX_EDITS = 4096;

const LF = 10;
const CR = 13;

/** How many chunks keep their line starts (the chunks requests read lately): 4 bytes a line, for these only. */
const CACHED_STARTS = 16;

/** Line starts within `s` (0 first), breaking lines as the engine does; `last`: whether `s` is the document's
 *  last chunk (its end is no line start). */
function lineStarts(s: string, last: boolean): Int32Array {
  const out = new Int32Array(lineCount(s, last));
  let i = 0;
  for (const cursor = new LineCursor(s); i < out.length && cursor.next();) out[i++] = cursor.start;
  return out;
}

/** How many line breaks `s` holds (`\r\n` one), as LSP and the engine count them. */
export function lineBreaks(s: string): number {
  return lineCount(s, false);
}

/** How many lines start within `s` (see lineStarts), counted without keeping them. */
function lineCount(s: string, last: boolean): number {
  // Without `\r`: the first line and one after each `\n`.
  let n = 1;
  if (s.indexOf('\r') < 0) for (let at = s.indexOf('\n'); at >= 0; at = s.indexOf('\n', at + 1)) n++;
  else {
    n = 0;
    for (const cursor = new LineCursor(s, null, 0, 0, true); cursor.next();) n++;
  }
  // A chunk other than the last ends with `\n`: the line start after it belongs to the next chunk.
  return last ? n : n - 1;
}

/** Cuts `s` into chunks of whole lines of about `size` units, each but the last ending with `\n`. */
function cut(s: string, size: number): string[] {
  const out: string[] = [];
  let at = 0;
  while (s.length - at > size) {
    const nl = s.indexOf('\n', at + size - 1);
    if (nl < 0) break;
    out.push(s.slice(at, nl + 1));
    at = nl + 1;
  }
  // No empty chunk, except for an empty document: a last chunk ending with `\n` ends the last line.
  if (at < s.length || out.length === 0) out.push(s.slice(at));
  return out;
}

/** `cut` of a text given in pieces (messageReader.ts), without joining them: a line may span pieces. */
function cutText(text: LongText, size: number): string[] {
  if (typeof text === 'string') return cut(text, size);
  const out: string[] = [];
  let pending: string[] = [];
  let pendingLength = 0;
  for (const p of text.pieces) {
    for (let at = 0; at < p.length;) {
      const nl = p.indexOf('\n', Math.max(at, at + size - pendingLength - 1));
      if (nl < 0) {
        pending.push(p.slice(at));
        pendingLength += p.length - at;
        break;
      }
      pending.push(p.slice(at, nl + 1));
      out.push(pending.join(''));
      pending = [];
      pendingLength = 0;
      at = nl + 1;
    }
  }
  if (pendingLength > 0 || out.length === 0) out.push(pending.join(''));
  return out;
}

export class ChunkedDocument implements TextDocument {
  private chunks: string[];
  /** Per chunk: how many lines start in it, -1 until counted. */
  private counts: number[];
  /** The line starts of the chunks read last (by chunk index, oldest first; emptied by an edit). Nothing
   *  is kept per line for the rest: 100 MB of empty lines would cost 400 MB. */
  private readonly starts = new Map<number, Int32Array>();
  /** First line and first offset of each chunk; rebuilt after an edit. */
  private firstLine: Int32Array | null = null;
  private firstChar: Float64Array | null = null;
  private totalLines = 0;
  private totalChars = 0;
  private joined: string | null;
  private readonly edits: LineEdit[] = [];

  constructor(
    readonly uri: string,
    readonly languageId: string,
    private _version: number,
    /** The text, or its pieces as the message reader decoded them (then it is never joined here). */
    content: LongText,
    /** Chunk size (tests make it small to cross chunk boundaries often). */
    private readonly chunkChars = CHUNK_CHARS,
  ) {
    this.chunks = cutText(content, chunkChars);
    this.counts = new Array<number>(this.chunks.length).fill(-1);
    this.joined = typeof content === 'string' ? content : null;
  }

  get version(): number {
    return this._version;
  }

  get lineCount(): number {
    this.index();
    return this.totalLines;
  }

  getText(range?: Range): string {
    // Joined for the caller only: kept, it would hold the text a second time (twice the size of the
    // chunks when one character needs two bytes). Whole-log work reads `textPieces` or `lineChunks`.
    if (!range) return this.joined ?? this.chunks.join('');
    // A reversed range gives the text between its ends, as String.substring (TextDocument's) does.
    const a = this.offsetAt(range.start);
    const b = this.offsetAt(range.end);
    return this.slice(Math.min(a, b), Math.max(a, b));
  }

  /** The whole text without joining it: the string when it is one, else the chunks (for a worker). */
  textPieces(): LongText {
    return this.joined ?? new TextPieces(this.chunks.slice());
  }

  offsetAt(position: Position): number {
    this.index();
    if (position.line >= this.totalLines) return this.totalChars;
    if (position.line < 0) return 0;
    const lineOffset = this.lineOffset(position.line);
    if (position.character <= 0) return lineOffset;
    return this.beforeEol(Math.min(lineOffset + position.character, this.lineEnd(position.line)), lineOffset);
  }

  getLineRange(line: number): Range {
    this.index();
    if (line >= this.totalLines) {
      const last = this.totalLines - 1;
      return {
        start: { line: last, character: 0 },
        end: { line: last, character: this.totalChars - this.lineOffset(last) },
      };
    }
    if (line < 0) return { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    const start = this.lineOffset(line);
    const end = this.beforeEol(this.lineEnd(line), start);
    return { start: { line, character: 0 }, end: { line, character: end - start } };
  }

  getEOLCharacters(line: number): string {
    this.index();
    if (line < 0 || line >= this.totalLines) return '';
    const next = this.lineEnd(line);
    return this.slice(this.beforeEol(next, this.lineOffset(line)), next);
  }

  positionAt(offset: number): Position {
    this.index();
    offset = Math.max(Math.min(offset, this.totalChars), 0);
    const c = this.chunkOfChar(offset);
    const starts = this.startsOf(c);
    const local = offset - this.firstChar![c];
    let lo = 0;
    let hi = starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (starts[mid] > local) hi = mid;
      else lo = mid + 1;
    }
    const line = this.firstLine![c] + lo - 1;
    const lineOffset = this.firstChar![c] + starts[lo - 1];
    return { line, character: this.beforeEol(offset, lineOffset) - lineOffset };
  }

  /** The chunks (each whole lines) with the number of their first line, for work line by line. */
  lineChunks(): { text: string; line: number }[] {
    this.index();
    return this.chunks.map((text, c) => ({ text, line: this.firstLine![c] }));
  }

  /** How many line starts the document holds now: a few chunks' worth, however many lines the log has. */
  get heldLineStarts(): number {
    let n = 0;
    for (const s of this.starts.values()) n += s.length;
    return n;
  }

  /** The line edits that led from `version` to this one, oldest first; undefined when not all are known. */
  editsSince(version: number): LineEdit[] | undefined {
    if (version === this._version) return [];
    const i = this.edits.findIndex((e) => e.from === version);
    return i < 0 ? undefined : this.edits.slice(i);
  }

  /** Applies the editor's changes (TextDocuments' `update`). */
  update(changes: readonly TextDocumentContentChangeEvent[], version: number): void {
    const from = this._version;
    // After a whole-text change, the version before this update is no base for line edits.
    let whole = false;
    for (const change of changes) {
      // The message reader may give a long text in pieces.
      const text = change.text as LongText;
      if (!('range' in change)) {
        this.chunks = cutText(text, this.chunkChars);
        this.counts = new Array<number>(this.chunks.length).fill(-1);
        this.starts.clear();
        this.firstLine = null;
        this.joined = typeof text === 'string' ? text : null;
        // A whole new text: no line edit describes it.
        this.edits.length = 0;
        whole = true;
        continue;
      }
      const { start, end } = wellFormed(change.range);
      const s = this.offsetAt(start);
      const e = this.offsetAt(end);
      const startLine = this.positionAt(s).line;
      const oldEnd = this.positionAt(e).line;
      this.replace(s, e, textOf(text));
      const newEnd = this.positionAt(s + text.length).line;
      if (whole) continue;
      this.edits.push({ from, version, start: startLine, oldEnd, newEnd });
      if (this.edits.length > MAX_EDITS) this.edits.splice(0, this.edits.length - MAX_EDITS);
    }
    this._version = version;
  }

  /** Replaces offsets [s, e) with `text`: only the chunks the range touches are rebuilt. */
  private replace(s: number, e: number, text: string): void {
    this.index();
    const first = this.chunkOfChar(s);
    let last = this.chunkOfChar(e);
    const base = this.firstChar![first];
    let merged = this.chunks.slice(first, last + 1).join('');
    merged = merged.slice(0, s - base) + text + merged.slice(e - base);
    // Every chunk but the last ends with `\n`: take the next ones in until this one does again.
    while (last + 1 < this.chunks.length && merged.charCodeAt(merged.length - 1) !== LF) {
      last++;
      merged += this.chunks[last];
    }
    // An emptied chunk goes, unless it is all the document has left.
    const pieces = merged === '' && this.chunks.length > last - first + 1 ? [] : cut(merged, this.chunkChars);
    this.chunks.splice(first, last - first + 1, ...pieces);
    this.counts.splice(first, last - first + 1, ...new Array<number>(pieces.length).fill(-1));
    // The last chunk counts the line after its end; a chunk that has just become the last must too.
    this.counts[this.chunks.length - 1] = -1;
    this.starts.clear();
    this.firstLine = null;
    this.joined = null;
  }

  private slice(s: number, e: number): string {
    if (e <= s) return '';
    if (this.joined !== null) return this.joined.slice(s, e);
    const a = this.chunkOfChar(s);
    const b = this.chunkOfChar(e);
    if (a === b) return this.chunks[a].slice(s - this.firstChar![a], e - this.firstChar![a]);
    const parts = [this.chunks[a].slice(s - this.firstChar![a])];
    for (let c = a + 1; c < b; c++) parts.push(this.chunks[c]);
    parts.push(this.chunks[b].slice(0, e - this.firstChar![b]));
    return parts.join('');
  }

  private charCodeAt(offset: number): number {
    if (this.joined !== null) return this.joined.charCodeAt(offset);
    const c = this.chunkOfChar(offset);
    return this.chunks[c].charCodeAt(offset - this.firstChar![c]);
  }

  /** `offset` moved back out of a line break, never before `lineOffset`. */
  private beforeEol(offset: number, lineOffset: number): number {
    while (offset > lineOffset && isEol(this.charCodeAt(offset - 1))) offset--;
    return offset;
  }

  /** Offset of the start of the line after `line` (its line break included), or the text's end. */
  private lineEnd(line: number): number {
    return line + 1 < this.totalLines ? this.lineOffset(line + 1) : this.totalChars;
  }

  /** Offset of the start of `line` (0 ≤ line < totalLines). */
  private lineOffset(line: number): number {
    const c = this.chunkOfLine(line);
    return this.firstChar![c] + this.startsOf(c)[line - this.firstLine![c]];
  }

  private startsOf(c: number): Int32Array {
    let s = this.starts.get(c);
    if (s) this.starts.delete(c);
    else {
      s = lineStarts(this.chunks[c], c === this.chunks.length - 1);
      if (this.starts.size >= CACHED_STARTS) this.starts.delete(this.starts.keys().next().value!);
    }
    // Most recently read last.
    this.starts.set(c, s);
    return s;
  }

  private countOf(c: number): number {
    if (this.counts[c] < 0) this.counts[c] = lineCount(this.chunks[c], c === this.chunks.length - 1);
    return this.counts[c];
  }

  /** The last chunk whose first line is at or before `line`. */
  private chunkOfLine(line: number): number {
    return lastAtOrBefore(this.firstLine!, line);
  }

  /** The last chunk starting at or before `offset`. */
  private chunkOfChar(offset: number): number {
    return lastAtOrBefore(this.firstChar!, offset);
  }

  /** Builds the first line and offset of every chunk (after an edit): O(chunks), each chunk counted once. */
  private index(): void {
    if (this.firstLine) return;
    const n = this.chunks.length;
    const firstLine = new Int32Array(n);
    const firstChar = new Float64Array(n);
    let line = 0;
    let char = 0;
    for (let c = 0; c < n; c++) {
      firstLine[c] = line;
      firstChar[c] = char;
      line += this.countOf(c);
      char += this.chunks[c].length;
    }
    this.firstLine = firstLine;
    this.firstChar = firstChar;
    this.totalLines = line;
    this.totalChars = char;
  }
}

function lastAtOrBefore(sorted: Int32Array | Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (sorted[mid] <= x) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function isEol(c: number): boolean {
  return c === CR || c === LF;
}

function wellFormed(range: Range): Range {
  const { start, end } = range;
  if (start.line > end.line || (start.line === end.line && start.character > end.character))
    return { start: end, end: start };
  return range;
}

/** TextDocuments' configuration for chunked documents. */
export const CHUNKED_DOCUMENTS = {
  create: (uri: string, languageId: string, version: number, content: LongText) =>
    new ChunkedDocument(uri, languageId, version, content),
  update: (doc: ChunkedDocument, changes: TextDocumentContentChangeEvent[], version: number) => {
    doc.update(changes, version);
    return doc;
  },
};
