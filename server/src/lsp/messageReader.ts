// The LSP messages read from a stream (`--stdio`) without holding a large one several times over. The
// library's reader keeps the stream's chunks, copies them into one body, decodes it to a string and parses
// that: four copies of a 100 MB didOpen at once (the body of 100 MB of `\n` is 200 MB, each escaped). This
// one parses a large body as it arrives: the bytes outside long strings are kept (the message's skeleton),
// a long string is decoded in pieces of about a megabyte as soon as they are complete, one byte a
// character wherever the piece allows it. A document's text (didOpen, a whole-text didChange) stays in
// those pieces, which the document store keeps as they are (chunkedDocument.ts); any other long string is
// joined. Small messages are parsed as the library parses them.
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import {
  AbstractMessageReader,
  type DataCallback,
  type Disposable,
  type Message,
} from 'vscode-languageserver/node';
import { TextPieces } from './worker';
import { timelineStep } from './timeline';

/** Bodies from this size on are parsed as they arrive. */
const STREAM_FROM = 1 << 20;
/** A string is decoded in pieces once this many of its bytes are pending. */
const PIECE_BYTES = 1 << 20;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const LOWER_U = 0x75;

/** How many backslashes end `b[from, to)`. */
function backslashesBefore(b: Uint8Array, from: number, to: number): number {
  let n = 0;
  while (to - n > from && b[to - n - 1] === BACKSLASH) n++;
  return n;
}

/**
 * The end of a prefix of the string bytes `b` (the content of a JSON string, escapes undone by JSON.parse)
 * that can be decoded alone: before the last few bytes, not inside a UTF-8 sequence nor an escape.
 */
function safeCut(b: Uint8Array): number {
  let p = b.length - 4;
  while (p > 0 && (b[p] & 0xc0) === 0x80) p--;
  // `\uXXXX` started within the 5 bytes before p (its `\` after an even run of backslashes).
  for (let k = 1; k <= 5 && p - k - 1 >= 0; k++)
    if (b[p - k] === LOWER_U && backslashesBefore(b, 0, p - k) % 2 === 1) return p - k - 1;
  // A lone `\` (after an even run) ends the prefix: its escaped character comes after the cut.
  return backslashesBefore(b, 0, p) % 2 === 1 ? p - 1 : p;
}

function decodePiece(b: Uint8Array): string {
  return JSON.parse(`"${Buffer.from(b.buffer, b.byteOffset, b.length).toString('utf8')}"`) as string;
}

/** One message body parsed as its bytes come (see the top of the file). */
export class StreamingBodyParser {
  private readonly skeleton: Uint8Array[] = [];
  private inString = false;
  /** The current string's bytes not decoded yet, and how many backslashes end them. */
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private backslashes = 0;
  /** The current string's decoded pieces, once it is long. */
  private pieces: string[] | null = null;
  private readonly texts: TextPieces[] = [];

  /** `mark`: how a long string is named in the skeleton (unique, so that no text of the client is one). */
  constructor(private readonly mark: string) {}

  push(chunk: Uint8Array): void {
    let pos = 0;
    while (pos < chunk.length) {
      if (!this.inString) {
        const q = chunk.indexOf(QUOTE, pos);
        if (q < 0) {
          this.skeleton.push(chunk.subarray(pos));
          return;
        }
        this.skeleton.push(chunk.subarray(pos, q + 1));
        this.inString = true;
        this.backslashes = 0;
        pos = q + 1;
        continue;
      }
      // The string ends at the next quote after an even run of backslashes (counting those before `pos`).
      let q = chunk.indexOf(QUOTE, pos);
      while (q >= 0) {
        const run = backslashesBefore(chunk, pos, q);
        if ((run === q - pos ? run + this.backslashes : run) % 2 === 0) break;
        q = chunk.indexOf(QUOTE, q + 1);
      }
      const end = q < 0 ? chunk.length : q;
      this.addToString(chunk.subarray(pos, end));
      if (q < 0) return;
      this.endString();
      pos = q + 1;
    }
  }

  /** The message, its document texts in pieces (a didOpen's, a whole-text didChange's). */
  end(): Message {
    const message = JSON.parse(Buffer.concat(this.skeleton).toString('utf8')) as Message;
    return this.texts.length ? revive(message, this.mark, this.texts) : message;
  }

  private addToString(b: Uint8Array): void {
    if (b.length === 0) return;
    const run = backslashesBefore(b, 0, b.length);
    this.backslashes = run === b.length ? this.backslashes + run : run;
    this.pending.push(b);
    this.pendingBytes += b.length;
    if (this.pendingBytes < PIECE_BYTES) return;
    const all = Buffer.concat(this.pending);
    const cut = safeCut(all);
    (this.pieces ??= []).push(decodePiece(all.subarray(0, cut)));
    // The rest is copied: it must not keep the chunk it came from.
    this.pending = [new Uint8Array(all.subarray(cut))];
    this.pendingBytes = all.length - cut;
  }

  private endString(): void {
    if (this.pieces === null) this.skeleton.push(...this.pending);
    else {
      this.pieces.push(decodePiece(Buffer.concat(this.pending)));
      this.skeleton.push(Buffer.from(`${JSON.stringify(this.mark).slice(1, -1)}${this.texts.length}`));
      this.texts.push(new TextPieces(this.pieces));
    }
    this.skeleton.push(Buffer.of(QUOTE));
    this.pending = [];
    this.pendingBytes = 0;
    this.pieces = null;
    this.inString = false;
  }
}

/** The long strings back in the message: a document's text as its pieces, any other joined. */
function revive(message: Message, mark: string, texts: TextPieces[]): Message {
  const long = (s: unknown) =>
    typeof s === 'string' && s.startsWith(mark) ? texts[Number(s.slice(mark.length))] : undefined;
  const m = message as { method?: string; params?: Record<string, unknown> };
  if (m.method === 'textDocument/didOpen') {
    const td = m.params?.textDocument as { text?: unknown } | undefined;
    const t = td && long(td.text);
    if (t) td.text = t;
  }
  if (m.method === 'textDocument/didChange' && Array.isArray(m.params?.contentChanges))
    for (const c of m.params.contentChanges as { text?: unknown; range?: unknown }[]) {
      // A range's new text is joined: it is spliced into a chunk.
      const t = c && !c.range && long(c.text);
      if (t) c.text = t;
    }
  const join = (v: unknown): unknown => {
    const t = long(v);
    if (t) return t.toString();
    if (Array.isArray(v)) for (let i = 0; i < v.length; i++) v[i] = join(v[i]);
    else if (v && typeof v === 'object' && !(v instanceof TextPieces))
      for (const [k, x] of Object.entries(v)) (v as Record<string, unknown>)[k] = join(x);
    return v;
  };
  return join(message) as Message;
}

/** Reads `Content-Length`-framed messages (the base protocol) from a stream. */
export class LargeMessageReader extends AbstractMessageReader {
  private header: Buffer[] = [];
  /** The body being read: its length, what has come of it, and where it goes. */
  private body: { length: number; received: number; small?: Buffer; parser?: StreamingBodyParser } | null =
    null;
  private callback: DataCallback | null = null;
  private readonly mark = `\u0000${randomUUID()}:`;

  constructor(private readonly readable: Readable) {
    super();
  }

  listen(callback: DataCallback): Disposable {
    this.callback = callback;
    const onData = (data: Buffer) => {
      try {
        this.onData(data);
      } catch (e) {
        this.fireError(e);
      }
    };
    const onError = (e: Error) => this.fireError(e);
    const onClose = () => this.fireClose();
    this.readable.on('data', onData);
    this.readable.on('error', onError);
    this.readable.on('end', onClose);
    this.readable.on('close', onClose);
    return {
      dispose: () => {
        this.callback = null;
        this.readable.off('data', onData);
        this.readable.off('error', onError);
        this.readable.off('end', onClose);
        this.readable.off('close', onClose);
      },
    };
  }

  private onData(data: Buffer): void {
    let pos = 0;
    while (pos < data.length) {
      if (!this.body) {
        pos = this.readHeader(data, pos);
        if (pos < 0) return;
        continue;
      }
      const b = this.body;
      const n = Math.min(b.length - b.received, data.length - pos);
      const part = data.subarray(pos, pos + n);
      if (b.small) b.small.set(part, b.received);
      else b.parser!.push(part);
      b.received += n;
      pos += n;
      if (b.received < b.length) return;
      this.body = null;
      let message: Message;
      try {
        message = b.small ? (JSON.parse(b.small.toString('utf8')) as Message) : b.parser!.end();
      } catch (e) {
        this.fireError(e);
        continue;
      }
      if (!b.small) timelineStep('message body received');
      this.callback?.(message);
    }
  }

  /**
   * Reads header bytes from `pos` of `data`; at the blank line that ends them, starts the body and returns
   * where it begins in `data`, else -1 (the header goes on in the next chunk).
   */
  private readHeader(data: Buffer, pos: number): number {
    this.header.push(data.subarray(pos));
    const all = this.header.length === 1 ? this.header[0] : Buffer.concat(this.header);
    const at = all.indexOf('\r\n\r\n');
    if (at < 0) {
      this.header = [all];
      return -1;
    }
    this.header = [];
    const fields = Buffer.from(all.buffer, all.byteOffset, at).toString('ascii').split('\r\n');
    const field = fields.find((f) => /^content-length\s*:/i.test(f));
    const length = field ? Number(field.slice(field.indexOf(':') + 1).trim()) : NaN;
    if (!Number.isSafeInteger(length) || length <= 0)
      throw new Error('Header must provide a Content-Length property.');
    this.body =
      length < STREAM_FROM
        ? { length, received: 0, small: Buffer.allocUnsafe(length) }
        : { length, received: 0, parser: new StreamingBodyParser(this.mark) };
    if (length >= STREAM_FROM) timelineStep(`message body started (${length} bytes)`);
    // The body starts after the blank line: the bytes of `all` after it are the end of `data`.
    return data.length - (all.length - (at + 4));
  }
}
