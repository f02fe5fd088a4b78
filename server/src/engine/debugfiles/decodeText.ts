// A decode_stacktrace.sh-style copy of a log: every frame the symbolizer resolved is rewritten as
// `func (file:line file:line…) mod` — the inline chain innermost first, as scripts/decode_stacktrace.sh
// of Linux 6.1 prints it — and a raw address gains the `sym+off/size [mod]` it falls in. Other lines are
// copied unchanged (without their `\r`).
import type { FrameSymbolization, SourceFrame } from '../symbolize';
import type { FaultAccess } from '../access/faultAccess';
import { LineCursor, logPieces, type LogText } from '../log/lines';
import { splitLines } from '../log/normalize';
import type { LogFrame } from './frames';
import { displaySourcePath } from './sourceMap';

/** `file:line` of each inline level, innermost first; build-directory prefixes dropped. */
export function locationsText(frames: SourceFrame[]): string {
  return frames
    .filter((f) => f.file)
    .map((f) => `${displaySourcePath(f.file!)}:${f.line || '?'}`)
    .join(' ');
}

/** `func+0x1d/0x29 [mod 0123abcd]` (or a bare `func+0x1d/0x29`) at the start of `rest`. */
const NAMED_TOKEN = /^[^\s+()]+\+0x[0-9a-fA-F]+(?:\/0x[0-9a-fA-F]+)?(?:\s+\[[^\]\s]+(?:\s+[0-9a-fA-F]+)?\])?/;

/**
 * The decoded copy as one text, lines joined by `\n`: the text between rewritten lines is copied in
 * stretches (its `\r\n` and `\r` made `\n`), never split into lines.
 */
export function decodeLogText(
  text: string,
  frames: LogFrame[],
  results: Map<string, FrameSymbolization>,
): string {
  return [...decodedParts(text, 0, rewrittenLines(text, frames, results))].join('');
}

/**
 * The decoded copy of `text`, whole lines of the log of which the first is line `first`, in parts to be
 * written one after the other (a 100 MB log need not be decoded into one string): stretches copied as
 * they are (`\r\n` and `\r` made `\n`) and `rewritten` lines (decodedLines, for the whole log).
 */
export function* decodedParts(
  text: string,
  first: number,
  rewritten: readonly (readonly [number, string])[],
): Generator<string> {
  const cursor = new LineCursor(text, null, first);
  let copied = 0;
  let i = 0;
  for (let lo = rewritten.length; i < lo;) {
    const mid = (i + lo) >> 1;
    if (rewritten[mid][0] < first) i = mid + 1;
    else lo = mid;
  }
  for (; i < rewritten.length; i++) {
    const [n, line] = rewritten[i];
    while (cursor.line < n && cursor.next());
    // Past the text (the line after its last break is the next stretch's: no frame is on an empty line).
    if (cursor.line !== n || cursor.start >= text.length) break;
    if (cursor.start > copied) yield lineBreaksAsLF(text.slice(copied, cursor.start));
    yield line;
    copied = cursor.end;
  }
  if (text.length > copied) yield lineBreaksAsLF(text.slice(copied));
}

function lineBreaksAsLF(s: string): string {
  return s.indexOf('\r') < 0 ? s : s.replace(/\r\n?/g, '\n');
}

/**
 * The decoded copy line for line with the log: element n is line n rewritten, followed by a
 * `Faulting access:` line (after a `\n`) when it is a memory fault's RIP line.
 */
export function decodeLogLines(
  text: string,
  frames: LogFrame[],
  results: Map<string, FrameSymbolization>,
): string[] {
  const lines = splitLines(text);
  for (const [n, line] of rewrittenLines(text, frames, results)) lines[n] = line;
  return lines;
}

/** The lines decoding rewrites in `text`, in line order: [line number, the line rewritten]. */
export function rewrittenLines(
  text: LogText,
  frames: LogFrame[],
  results: Map<string, FrameSymbolization>,
): [number, string][] {
  const pieces = logPieces(text);
  let k = 0;
  let cursor = new LineCursor(pieces[0]);
  return decodedLines(frames, results, (n) => {
    for (;;) {
      while (cursor.line < n && cursor.next());
      // At the end of a piece but the last: its last line (empty, after its last `\n`) is the next one's first.
      if (!cursor.last || k + 1 === pieces.length) break;
      cursor = new LineCursor(pieces[++k], null, cursor.line);
    }
    return cursor.line === n ? pieces[k].slice(cursor.start, cursor.end) : undefined;
  });
}

/**
 * The lines decoding rewrites, in line order: [line number, the line rewritten]. `lineAt(n)` reads line n
 * of the log without its break (undefined past the end); it is asked in increasing order.
 */
export function decodedLines(
  frames: LogFrame[],
  results: Map<string, FrameSymbolization>,
  lineAt: (n: number) => string | undefined,
): [number, string][] {
  // The frames by line, right to left within a line (so that rewriting one keeps earlier columns valid),
  // as indexes: a 100 MB log has some 50,000 frames, and an array per line would outlive the young
  // generation in a CLI that holds the log (garbage that is only collected after the peak).
  const order = Int32Array.from(frames.keys()).sort((a, b) => {
    const x = frames[a].frame.span;
    const y = frames[b].frame.span;
    return x.line - y.line || y.start - x.start || a - b;
  });
  const out: [number, string][] = [];
  for (let i = 0; i < order.length;) {
    const n = frames[order[i]].frame.span.line;
    let end = i + 1;
    while (end < order.length && frames[order[end]].frame.span.line === n) end++;
    const line = rewriteLine(frames, order.subarray(i, end), results, lineAt, n);
    if (line === null) break;
    if (line !== undefined) out.push([n, line]);
    i = end;
  }
  return out;
}

/**
 * Line `n` with its frames (`list`, indexes into `frames`, right to left) decoded; undefined when decoding
 * leaves it as it is (it is not read then), null past the end of the log.
 */
function rewriteLine(
  frames: LogFrame[],
  list: Int32Array,
  results: Map<string, FrameSymbolization>,
  lineAt: (n: number) => string | undefined,
  n: number,
): string | null | undefined {
  // Without a decoded frame or a faulting access on it, the line is copied as it is: most lines when
  // debug files are missing, so not read at all.
  let changes = false;
  for (const k of list) {
    const r = results.get(frames[k].key);
    if (r && ((r.ok && r.frames.length > 0) || (frames[k].fault && r.access))) changes = true;
  }
  if (!changes) return undefined;
  const original = lineAt(n);
  if (original === undefined) return null;
  let line = original;
  let access: FaultAccess | undefined;
  for (const k of list) {
    const f = frames[k];
    const r = results.get(f.key);
    access ??= f.fault ? r?.access : undefined;
    if (!r || !r.ok || r.frames.length === 0) continue;
    const where = locationsText(r.frames);
    if (!where) continue;
    const start = f.frame.span.start;
    if (f.frame.function) {
      const m = NAMED_TOKEN.exec(line.slice(start));
      if (!m) continue;
      const mod = f.frame.module ? ` ${f.frame.module}` : ' ';
      line = `${line.slice(0, start)}${f.frame.function} (${where})${mod}${line.slice(start + m[0].length)}`;
    } else {
      const end = f.frame.span.end;
      const resolved = r.resolved ? ` ${r.resolved}` : '';
      line = `${line.slice(0, end)}${resolved} (${where})${line.slice(end)}`;
    }
  }
  if (access) line += '\n' + accessLine(line, access.summary);
  return line !== original ? line : undefined;
}

/** At most this many distinct reasons are listed; the rest are counted. */
const MAX_REASONS = 6;

/**
 * What a decoded copy holds, for its first lines: how many frames were decoded and, grouped, why the
 * others were not (`buggy.ko does not match this log: …`, `no debug file for module e1000`).
 */
export function decodeSummary(frames: LogFrame[], results: Map<string, FrameSymbolization>): string[] {
  let decoded = 0;
  const why = new Map<string, number>();
  for (const f of frames) {
    const r = results.get(f.key);
    if (r?.ok && r.frames.some((l) => l.file)) {
      decoded++;
      continue;
    }
    const reason = !r ? 'not symbolized' : r.ok ? 'no line information' : (r.error ?? 'not resolved');
    why.set(reason, (why.get(reason) ?? 0) + 1);
  }
  const lines = [`Decoded ${decoded} of ${frames.length} frame${frames.length === 1 ? '' : 's'}.`];
  const reasons = [...why].sort((a, b) => b[1] - a[1]);
  for (const [reason, n] of reasons.slice(0, MAX_REASONS)) lines.push(`Not decoded (${n}): ${reason}`);
  if (reasons.length > MAX_REASONS)
    lines.push(
      `Not decoded: ${reasons.slice(MAX_REASONS).reduce((s, [, n]) => s + n, 0)} more frames, other reasons.`,
    );
  return lines;
}

/**
 * The line `decode` adds after a memory fault's RIP / pc line (or, for a call through a bad pointer, its
 * caller's trace or lr line), with that line's prefix (timestamp…).
 */
function accessLine(ripLine: string, summary: string): string {
  const at = ripLine.search(/\b(?:RIP|EIP): |\b(?:pc|lr) : /);
  const prefix = at > 0 ? ripLine.slice(0, at) : (/^\s*(?:<\d>)?\[\s*\d+\.\d+\] ?/.exec(ripLine)?.[0] ?? '');
  return `${prefix}${ACCESS_LINE_LABEL}${summary}`;
}

/** How the added line starts (after the log's own prefix). */
export const ACCESS_LINE_LABEL = 'Faulting access: ';
