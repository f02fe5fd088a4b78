// The lines of a text found by index, without splitting it: a 100 MB log split into an array of strings
// costs several times its size (4 GB for 100 MB of empty lines), while a scan by offsets costs nothing per
// line. Lines break as LSP counts them (`\r\n`, lone `\r`, `\n`, as splitLines does); strings are made
// only for the lines someone reads.

/** Every CHECKPOINT-th line's start is kept, so any line is found by stepping over at most CHECKPOINT-1 breaks. */
const CHECKPOINT = 128;

/**
 * Steps through the lines of a text, one `next()` per line. Fields, not getters: the analyser reads them a
 * million times.
 */
export class LineCursor {
  /** The current line's number (0-based); -1 before the first `next()`. */
  line = -1;
  /** Offset of the current line's first character. */
  start = 0;
  /** Offset just past its last character: where its line break starts, or the text's length. */
  end = 0;
  /** Start of the line after the current one; -1 once the last line was reached. */
  private pos: number;
  // The next `\n` and `\r` at or after the current line (the text's length when there is none): each is
  // searched for again only once passed, so the scan stays linear however the breaks mix.
  private nextLF = -1;
  private nextCR = -1;

  /**
   * `checkpoints`, if given, receives the start of every CHECKPOINT-th line (a LineIndex's).
   * `line`/`from`: start at that line, whose first character is at `from`. `hasCR`: does the text hold a
   * `\r` at all (a scan of the whole text, so a caller that makes many cursors says it once).
   */
  constructor(
    readonly text: string,
    private readonly checkpoints: number[] | null = null,
    line = 0,
    from = 0,
    readonly hasCR = text.indexOf('\r') >= 0,
  ) {
    this.line = line - 1;
    this.pos = from;
  }

  /** Moves to the next line; false when there is none (the last line was the current one). */
  next(): boolean {
    const start = this.pos;
    if (start < 0) return false;
    const text = this.text;
    this.line++;
    this.start = start;
    if (this.checkpoints !== null && this.line % CHECKPOINT === 0) this.checkpoints.push(start);
    let end: number;
    if (!this.hasCR) {
      end = text.indexOf('\n', start);
      if (end < 0) end = text.length;
    } else {
      if (this.nextLF < start) this.nextLF = indexOrEnd(text, '\n', start);
      if (this.nextCR < start) this.nextCR = indexOrEnd(text, '\r', start);
      end = this.nextLF < this.nextCR ? this.nextLF : this.nextCR;
    }
    this.end = end;
    if (end >= text.length) this.pos = -1;
    else this.pos = end + (text.charCodeAt(end) === 13 && text.charCodeAt(end + 1) === 10 ? 2 : 1);
    return true;
  }

  /** Is the current line the text's last? */
  get last(): boolean {
    return this.pos < 0;
  }
}

/** The first `ch` at or after `from`, or the text's length when there is none. */
export function indexOrEnd(text: string, ch: string, from: number): number {
  const i = text.indexOf(ch, from);
  return i < 0 ? text.length : i;
}

/**
 * A log's text: one string, or its consecutive pieces, each but the last ending with `\n` (so that no line,
 * and no `\r\n`, spans two). A piece keeps its own width: a log held as pieces costs two bytes a character
 * only in the pieces that hold a character past U+00FF, where one string would cost it everywhere.
 */
export type LogText = string | readonly string[];

/** The pieces of `text`, empty ones left out; pieces that do not end lines joined (one string then). */
export function logPieces(text: LogText): readonly string[] {
  if (typeof text === 'string') return [text];
  const pieces = text.filter((p) => p.length > 0);
  if (pieces.length === 0) return [''];
  for (let k = 0; k + 1 < pieces.length; k++)
    if (pieces[k].charCodeAt(pieces[k].length - 1) !== 10) return [pieces.join('')];
  return pieces;
}

/** What reads a log's lines by number. */
export interface LineSource {
  readonly lineCount: number;
  /** The text of line `line` without its break ('' past the last line). */
  line(line: number): string;
}

/** The lines of a log in pieces (logPieces): an index per piece, and the number of each piece's first line. */
export class PiecedLines implements LineSource {
  readonly lineCount: number;

  constructor(
    private readonly indexes: readonly LineIndex[],
    private readonly firstLines: readonly number[],
  ) {
    const k = indexes.length - 1;
    this.lineCount = firstLines[k] + indexes[k].lineCount;
  }

  line(line: number): string {
    if (line < 0 || line >= this.lineCount) return '';
    let lo = 0;
    let hi = this.firstLines.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.firstLines[mid] <= line) lo = mid;
      else hi = mid - 1;
    }
    return this.indexes[lo].line(line - this.firstLines[lo]);
  }
}

/**
 * Random access to the lines of a text: the line count and a start offset every CHECKPOINT lines (a few
 * bytes per hundred lines); a line is found from its checkpoint, and reading lines in order costs one step
 * each.
 */
export class LineIndex implements LineSource {
  private cursor: LineCursor;

  /**
   * From a scan that already ran (`checkpoints` filled by a LineCursor over all `lineCount` lines;
   * `hasCR` as that cursor found it).
   */
  constructor(
    readonly text: string,
    readonly lineCount: number,
    private readonly checkpoints: readonly number[],
    private readonly hasCR = text.indexOf('\r') >= 0,
  ) {
    this.cursor = new LineCursor(text, null, 0, 0, hasCR);
  }

  /** Scans `text` once. */
  static of(text: string): LineIndex {
    const checkpoints: number[] = [];
    const cursor = new LineCursor(text, checkpoints);
    while (cursor.next());
    return new LineIndex(text, cursor.line + 1, checkpoints, cursor.hasCR);
  }

  /** A cursor on line `line` (0 ≤ line < lineCount), to read it and those after it with `next()`. */
  at(line: number): LineCursor {
    let c = this.cursor;
    // Going on from where the last lookup stopped is cheapest when it is within the same stretch.
    if (line < c.line || line - c.line >= CHECKPOINT || c.line < 0) {
      const k = Math.floor(line / CHECKPOINT);
      c = this.cursor = new LineCursor(this.text, null, k * CHECKPOINT, this.checkpoints[k], this.hasCR);
      c.next();
    }
    while (c.line < line && c.next());
    return c;
  }

  /** The text of line `line` without its break ('' past the last line). */
  line(line: number): string {
    if (line < 0 || line >= this.lineCount) return '';
    const c = this.at(line);
    return this.text.slice(c.start, c.end);
  }

  /** Offset of line `line`'s first character. */
  offsetOf(line: number): number {
    if (line <= 0) return 0;
    if (line >= this.lineCount) return this.text.length;
    return this.at(line).start;
  }
}
