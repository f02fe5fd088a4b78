// Decode log's text page by page (DECODE_LOG_PAGE_COMMAND): a 100 MB log's decoded copy built as one string
// and written as one message costs the server several times the log (the string, its JSON, the bytes
// written). Pages are whole lines of the document's chunks as they were when decoding began, decoded as
// they are asked for; a page's `more` names the next one.
import { randomUUID } from 'node:crypto';
import { decodedParts } from '../engine';
import { lineBreaks } from './chunkedDocument';

/** Pages are at least this many characters (a line longer than a page makes that page longer). */
export const MIN_PAGE_CHARS = 1024;
/** A `more` nobody asked for within this long is forgotten. */
const EXPIRES_MS = 60_000;

interface Decoding {
  uri: string;
  /** The document's chunks (whole lines), and where the next page begins: chunk, offset, line. */
  chunks: readonly string[];
  chunk: number;
  offset: number;
  line: number;
  pageChars: number;
  /** The lines decoding rewrites (decodedLines). */
  rewritten: readonly (readonly [number, string])[];
  timer: NodeJS.Timeout | null;
}

export interface DecodedPage {
  text: string;
  more?: string;
}

export class DecodedPages {
  private readonly open = new Map<string, Decoding>();

  /** The first page of `chunks` decoded, `pageChars` (Infinity: all of it) at a time. */
  start(
    uri: string,
    chunks: readonly string[],
    rewritten: readonly (readonly [number, string])[],
    pageChars: number,
  ): DecodedPage {
    const d: Decoding = { uri, chunks, chunk: 0, offset: 0, line: 0, pageChars, rewritten, timer: null };
    return this.page(randomUUID(), d);
  }

  /** The page after the one `more` came with; undefined when `more` is unknown or expired. */
  next(more: string): DecodedPage | undefined {
    const d = this.open.get(more);
    if (!d) return undefined;
    this.forget(more);
    return this.page(randomUUID(), d);
  }

  /** Forget the decodings of a closed log. */
  close(uri: string): void {
    for (const [more, d] of [...this.open]) if (d.uri === uri) this.forget(more);
  }

  dispose(): void {
    for (const more of [...this.open.keys()]) this.forget(more);
  }

  private forget(more: string): void {
    const d = this.open.get(more);
    if (d?.timer) clearTimeout(d.timer);
    this.open.delete(more);
  }

  private page(more: string, d: Decoding): DecodedPage {
    // Decoded a part at a time (whole lines of one chunk), never copied into one page of the log first.
    const decoded: string[] = [];
    let n = 0;
    while (d.chunk < d.chunks.length && n < d.pageChars) {
      const c = d.chunks[d.chunk];
      const room = d.pageChars - n;
      let end = c.length;
      // Within a chunk, a page ends after a line break.
      if (c.length - d.offset > room) {
        const nl = c.indexOf('\n', d.offset + room - 1);
        if (nl >= 0) end = nl + 1;
      }
      const part = c.slice(d.offset, end);
      for (const x of decodedParts(part, d.line, d.rewritten)) decoded.push(x);
      d.line += lineBreaks(part);
      n += end - d.offset;
      if (end === c.length) {
        d.chunk++;
        d.offset = 0;
      } else d.offset = end;
    }
    const text = decoded.join('');
    if (d.chunk >= d.chunks.length) return { text };
    d.timer = setTimeout(() => this.forget(more), EXPIRES_MS);
    d.timer.unref();
    this.open.set(more, d);
    return { text, more };
  }
}
