// Line normaliser: splits a log into lines the way LSP counts them and strips each line's prefix
// (timestamps, printk levels and caller ids, syslog/journal headers, /dev/kmsg record headers, ANSI
// escapes) while remembering where the kernel's own message starts, so every later range points at the
// user's real text.

/** Line breaks as LSP counts them: `\r\n`, lone `\r`, `\n`. */
export const LINE_BREAK = /\r\n|\r|\n/;
/** One line break at the end of a text (what a range that runs to the next line's start includes). */
export const TRAILING_LINE_BREAK = new RegExp(`(?:${LINE_BREAK.source})$`);

export function splitLines(text: string): string[] {
  // Splitting on '\n' is native-fast; only lines that still hold a '\r' need the slower split.
  const parts = text.split('\n');
  if (text.indexOf('\r') < 0) return parts;
  const lines: string[] = [];
  const last = parts.length - 1;
  for (let i = 0; i <= last; i++) {
    let part = parts[i];
    // A '\r' right before the '\n' belongs to that line break; any other '\r' is a break of its own.
    if (i < last && part.charCodeAt(part.length - 1) === 13) part = part.slice(0, -1);
    if (part.indexOf('\r') < 0) lines.push(part);
    else for (const piece of part.split('\r')) lines.push(piece);
  }
  return lines;
}

/** Lines longer than this are analysed by their head only: nothing the kernel prints is longer. */
export const MAX_ANALYSED_LINE = 8192;
/** A line's head, as the analyser reads it. */
export function clipLine(raw: string): string {
  return raw.length > MAX_ANALYSED_LINE ? raw.slice(0, MAX_ANALYSED_LINE) : raw;
}

export interface NormalizedLine {
  /** The kernel's message with prefix and escapes removed. */
  message: string;
  /** Column in the original line where `message[0]` comes from. */
  start: number;
  /** printk timestamp in seconds (`[   12.345678]` or the journal's monotonic stamp), if any. */
  time: number | null;
  /** printk caller id (`T123` task or `C3` CPU), if any. */
  caller: string | null;
  /** printk log level from `<4>` or a /dev/kmsg record, if any. */
  level: number | null;
  /**
   * Only set when characters inside the message were removed (ANSI escapes, control characters):
   * pairs [messageIndex, originalColumn] marking where each kept run starts. Use `toColumn`.
   */
  runs: number[] | null;
}

// Each prefix pattern is sticky (matched at a position, no slicing) and bounded so a hostile line cannot
// make it backtrack.
const KMSG_RECORD = /(\d{1,3}),(\d{1,20}),(\d{1,20}),[^;]{0,16};/y;
const LEVEL = /<(\d{1,3})>/y;
const TIMESTAMP = /\[ {0,12}(\d{1,12}\.\d{1,9})\]/y;
// `dmesg -T`: [Sun Nov 22 10:00:00 2026]
const HUMAN_TIME = /\[[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \d{4}\]/y;
// printk caller id, alone (`[ T123]`, `[  C3]`) or fused after the timestamp (`[  144.2][T11794]`).
const CALLER = /\[ {0,8}([TC]\d{1,10})\]/y;
// syslog (`Nov 22 10:00:00 host kernel: `, short-precise adds `.123456`) and journalctl short-iso
// (`2026-11-22T10:00:00+0000 host kernel: `, short-iso-precise).
const SYSLOG =
  /(?:[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d(?:\.\d{1,9})?|\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d{1,9})?(?:Z|[+-]\d\d:?\d\d)?|[A-Z][a-z]{2} \d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d{1,9})? [A-Za-z+-][\w+-]{0,7}) [^\s:]{1,255} kernel(?:\[\d{1,10}\])?: /y;
// `dmesg -x` (--decode): facility and level names, `kern  :err   : ` (util-linux dmesg.c).
const DMESG_X =
  /(?:kern|user|mail|daemon|auth|syslog|lpr|news|uucp|cron|authpriv|ftp|local[0-7]) {0,8}:(emerg|alert|crit|err|warn|notice|info|debug) {0,8}: /y;
const DMESG_X_LEVELS: Record<string, number> = {
  emerg: 0,
  alert: 1,
  crit: 2,
  err: 3,
  warn: 4,
  notice: 5,
  info: 6,
  debug: 7,
};
// journalctl short-full also: `Sun 2026-11-22 10:00:00 UTC host kernel: ` (weekday, date, time, zone).
// journalctl short-monotonic: `[   12.345678] host kernel: ` — the host part after a timestamp.
const HOST_KERNEL = / [^\s:]{1,255} kernel(?:\[\d{1,10}\])?: /y;

let scannedTime = 0;

/** Cheap pre-check for journalctl short-monotonic's ` host kernel: ` before running its regex. */
function hasKernelTag(text: string, pos: number): boolean {
  const space = text.indexOf(' ', pos + 1);
  return space > 0 && space - pos <= 256 && text.startsWith(' kernel', space);
}

/**
 * `s.charCodeAt(i)`, -1 past the end: the optimised code of the per-line functions assumes in-bounds reads
 * and is thrown away at the first one past the end (a short line), several times in a log's first pass.
 */
function codeAt(s: string, i: number): number {
  return i < s.length ? s.charCodeAt(i) : -1;
}

/** `[ 1234.567890]` at `pos` without a regex: returns the index after `]` (time in `scannedTime`) or -1. */
function scanTimestamp(text: string, pos: number): number {
  let i = pos + 1;
  let spaces = 0;
  while (codeAt(text, i) === 32 && spaces < 12) {
    i++;
    spaces++;
  }
  let whole = 0;
  let digits = 0;
  let c = codeAt(text, i);
  while (c >= 48 && c <= 57 && digits < 12) {
    whole = whole * 10 + (c - 48);
    c = codeAt(text, ++i);
    digits++;
  }
  if (digits === 0 || c !== 46 /* . */) return -1;
  let frac = 0;
  let scale = 1;
  c = codeAt(text, ++i);
  while (c >= 48 && c <= 57 && scale < 1e9) {
    frac = frac * 10 + (c - 48);
    scale *= 10;
    c = codeAt(text, ++i);
  }
  if (scale === 1 || c !== 93 /* ] */) return -1;
  // (whole·scale + frac) / scale is correctly rounded, as Number('12.345678') is.
  const scaled = whole * scale + frac;
  scannedTime = scaled <= Number.MAX_SAFE_INTEGER ? scaled / scale : whole + frac / scale;
  return i + 1;
}

function at(re: RegExp, text: string, pos: number): RegExpExecArray | null {
  re.lastIndex = pos;
  return re.exec(text);
}
// ANSI CSI / OSC / two-byte escapes and stray control characters (serial-console noise). Tab is kept.
const ESCAPES =
  /\x1b\[[0-?]{0,32}[ -/]{0,8}[@-~]|\x1b\][^\x07\x1b]{0,256}(?:\x07|\x1b\\)|\x1b[@-~]|[\x00-\x08\x0b-\x1f\x7f]/g;
// printk always prints six decimals; requiring them keeps ordinary bracketed text from matching.
const MID_LINE_TIMESTAMP = /\[ {0,12}\d{1,12}\.\d{6}\](?=[[ ])/g;

// Escape or control character (tab aside): a regex test beats a charCode loop here.
const HAS_CONTROL = /[\x00-\x08\x0b-\x1f\x7f]/;

/** Strips the prefix of one line (no line break inside). Never throws, bounded time on any input. */
export function normalizeLine(raw: string): NormalizedLine {
  return normalizeInto(
    raw,
    { message: '', start: 0, time: null, caller: null, level: null, runs: null },
    true,
  );
}

/**
 * normalizeLine writing into `out` (the analyser reuses one object for a million lines rather than
 * allocating each). `checkControl: false` skips the escape scan when the caller knows there is none;
 * `sliceMessage: false` leaves `message` empty when no escape was removed — the message is then
 * `raw.slice(start)`, which the caller makes only for the few lines it needs.
 */
export function normalizeInto(
  raw: string,
  out: NormalizedLine,
  checkControl: boolean,
  sliceMessage = true,
): NormalizedLine {
  let runs: number[] | null = null;
  let text = raw;
  // Besides the lines the caller flagged, a line that starts with a control character (NUL padding,
  // a stray BEL from the console) is cleaned too: an O(1) check that keeps its prefix readable.
  const first = codeAt(raw, 0);
  if ((checkControl || (first < 32 && first !== 9) || first === 127) && HAS_CONTROL.test(raw)) {
    runs = [];
    let kept = '';
    let last = 0;
    ESCAPES.lastIndex = 0;
    for (let m = ESCAPES.exec(raw); m; m = ESCAPES.exec(raw)) {
      if (m.index > last) {
        runs.push(kept.length, last);
        kept += raw.slice(last, m.index);
      }
      last = m.index + m[0].length;
    }
    if (last < raw.length) {
      runs.push(kept.length, last);
      kept += raw.slice(last);
    }
    text = kept;
  }

  let pos = 0;
  let time: number | null = null;
  let caller: string | null = null;
  let level: number | null = null;

  // kmsg continuation lines (` SUBSYSTEM=pci`) are metadata: the whole line is prefix.
  if (text.length > 1 && codeAt(text, 0) === 32 && /^ [A-Z_]{1,32}=/.test(text)) {
    out.message = '';
    out.start = raw.length;
    out.time = time;
    out.caller = caller;
    out.level = level;
    out.runs = null;
    return out;
  }

  // Prefixes combine (`<4>[   1.2] …`, `Nov 22 … kernel: [   1.2] …`), so peel them in a short loop.
  // A printk timestamp in the middle of the line means another message was printed over this one
  // (interleaved console output, `syzkaller login: [  16.3] INFO: …`): the later message wins.
  for (let pass = 0; pass < 2; pass++) {
    for (let guard = 0; guard < 6; guard++) {
      const c = codeAt(text, pos);
      let m: RegExpExecArray | null;
      let sep = false;
      if (c === 91 /* [ */) {
        const end = scanTimestamp(text, pos);
        if (end > 0) {
          // The common case, parsed by hand: no match array, no substring.
          time = scannedTime;
          pos = end;
          if (
            codeAt(text, pos) === 32 &&
            codeAt(text, pos + 1) !== 32 &&
            hasKernelTag(text, pos) &&
            at(HOST_KERNEL, text, pos)
          ) {
            pos += HOST_KERNEL.lastIndex - pos;
          } else if (codeAt(text, pos) === 32) {
            pos += 1;
          }
          continue;
        }
        if ((m = at(TIMESTAMP, text, pos))) {
          time = Number(m[1]);
          const host = at(HOST_KERNEL, text, pos + m[0].length);
          if (host) pos += host[0].length;
          else sep = true;
        } else if ((m = at(CALLER, text, pos))) {
          caller = m[1];
          sep = true;
        } else if ((m = at(HUMAN_TIME, text, pos))) {
          sep = true;
        } else {
          break;
        }
      } else if (c === 60 /* < */ && (m = at(LEVEL, text, pos))) {
        level = Number(m[1]) & 7;
      } else if (
        c >= 97 &&
        c <= 122 &&
        (codeAt(text, pos + 6) === 58 || codeAt(text, pos + 8) === 58) &&
        (m = at(DMESG_X, text, pos))
      ) {
        // (the facility is padded to six characters, `authpriv` is eight: the colon is checked before the
        // regex runs, since most kernel messages start with a lowercase word too)
        level = DMESG_X_LEVELS[m[1]];
      } else if (c >= 48 && c <= 57 && (m = at(KMSG_RECORD, text, pos))) {
        level = Number(m[1]) & 7;
        time = Number(m[3]) / 1e6;
      } else if (
        // `Nov 22 …` has a space at +3, `2026-11-22…` a dash at +4: test that before running the regex,
        // since most kernel messages start with a capital too.
        ((c >= 65 && c <= 90 && codeAt(text, pos + 3) === 32) ||
          (c >= 48 && c <= 57 && codeAt(text, pos + 4) === 45)) &&
        (m = at(SYSLOG, text, pos))
      ) {
        // syslog / journal date and host
      } else {
        break;
      }
      pos += m[0].length;
      // One space separates a bracketed prefix from the message; the kernel's own indentation is kept.
      if (sep && codeAt(text, pos) === 32) pos += 1;
    }
    if (pass > 0) break;
    const bracket = text.indexOf('[', pos + 1);
    if (bracket < 0) break;
    MID_LINE_TIMESTAMP.lastIndex = bracket;
    const mid = MID_LINE_TIMESTAMP.exec(text);
    if (!mid) break;
    pos = mid.index;
  }

  const message = runs === null && !sliceMessage ? '' : pos === 0 ? text : text.slice(pos);
  out.time = time;
  out.caller = caller;
  out.level = level;
  out.message = message;
  if (runs === null) {
    out.start = pos;
    out.runs = null;
    return out;
  }
  // Rebase runs so they index into `message`.
  const rebased: number[] = [];
  for (let i = 0; i < runs.length; i += 2) {
    const runStart = runs[i];
    const runEnd = i + 2 < runs.length ? runs[i + 2] : text.length;
    if (runEnd <= pos) continue;
    const from = Math.max(runStart, pos);
    rebased.push(from - pos, runs[i + 1] + (from - runStart));
  }
  const start = rebased.length ? rebased[1] : raw.length;
  out.start = start;
  out.runs = rebased;
  return out;
}

/** Maps an index into `line.message` back to a column of the original line. */
export function toColumn(line: NormalizedLine, index: number): number {
  const runs = line.runs;
  if (runs === null) return line.start + index;
  let col = line.start + index;
  for (let i = 0; i < runs.length; i += 2) {
    if (runs[i] > index) break;
    col = runs[i + 1] + (index - runs[i]);
  }
  return col;
}
