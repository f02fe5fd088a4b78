// Line normaliser: splits a log into lines the way LSP counts them and strips each line's prefix
// (timestamps, printk levels and caller ids, syslog/journal headers, /dev/kmsg record headers, ANSI
// escapes) while remembering where the kernel's own message starts, so every later range points at the
// user's real text.

/** Line breaks as LSP counts them: `\r\n`, lone `\r`, `\n`. */
export const LINE_BREAK = /\r\n|\r|\n/;

export function splitLines(text: string): string[] {
  return text.split(LINE_BREAK);
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

// Each prefix pattern is anchored and bounded so a hostile line cannot make it backtrack.
const KMSG_RECORD = /^(\d{1,3}),(\d{1,20}),(\d{1,20}),[^;]{0,16};/;
const LEVEL = /^<(\d{1,3})>/;
const TIMESTAMP = /^\[ {0,12}(\d{1,12}\.\d{1,9})\]/;
// `dmesg -T`: [Sun Nov 22 10:00:00 2026]
const HUMAN_TIME = /^\[[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \d{4}\]/;
// printk caller id, alone (`[ T123]`, `[  C3]`) or fused after the timestamp (`[  144.2][T11794]`).
const CALLER = /^\[ {0,8}([TC]\d{1,10})\]/;
// syslog (`Nov 22 10:00:00 host kernel: `, short-precise adds `.123456`), journalctl short-iso
// (`2026-11-22T10:00:00+0000 host kernel: `, short-iso-precise), short-monotonic (`[   12.345678] host kernel: `).
const SYSLOG =
  /^(?:[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d(?:\.\d{1,9})?|\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d{1,9})?(?:Z|[+-]\d\d:?\d\d)?|\[ {0,12}(\d{1,12}\.\d{1,9})\]) [^\s:]{1,255} kernel(?:\[\d{1,10}\])?: /;
// ANSI CSI / OSC / two-byte escapes and stray control characters (serial-console noise). Tab is kept.
const ESCAPES = /\x1b\[[0-?]{0,32}[ -\/]{0,8}[@-~]|\x1b\][^\x07\x1b]{0,256}(?:\x07|\x1b\\)|\x1b[@-Z\\-_]|[\x00-\x08\x0b-\x1f\x7f]/g;
// printk always prints six decimals; requiring them keeps ordinary bracketed text from matching.
const MID_LINE_TIMESTAMP = /\[ {0,12}\d{1,12}\.\d{6}\](?=[\[ ])/g;
const HAS_ESCAPE = /[\x00-\x08\x0b-\x1f\x7f]/;

/** Strips the prefix of one line (no line break inside). Never throws, bounded time on any input. */
export function normalizeLine(raw: string): NormalizedLine {
  let runs: number[] | null = null;
  let text = raw;
  if (HAS_ESCAPE.test(raw)) {
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
  if (text.length > 1 && text.charCodeAt(0) === 32 && /^ [A-Z_]{1,32}=/.test(text)) {
    return { message: '', start: raw.length, time, caller, level, runs: null };
  }

  // Prefixes combine (`<4>[   1.2] …`, `Nov 22 … kernel: [   1.2] …`), so peel them in a short loop.
  // A printk timestamp in the middle of the line means another message was printed over this one
  // (interleaved console output, `syzkaller login: [  16.3] INFO: …`): the later message wins.
  for (let pass = 0; pass < 2; pass++) {
    for (let guard = 0; guard < 6; guard++) {
      const rest = pos === 0 ? text : text.slice(pos);
      const c = rest.charCodeAt(0);
      let m: RegExpExecArray | null;
      if (c === 91 /* [ */) {
        if ((m = SYSLOG.exec(rest))) {
          if (m[1]) time = Number(m[1]);
        } else if ((m = TIMESTAMP.exec(rest))) {
          time = Number(m[1]);
        } else if ((m = CALLER.exec(rest))) {
          caller = m[1];
        } else if (!(m = HUMAN_TIME.exec(rest))) {
          break;
        }
      } else if (c === 60 /* < */ && (m = LEVEL.exec(rest))) {
        level = Number(m[1]) & 7;
      } else if (c >= 48 && c <= 57 && ((m = KMSG_RECORD.exec(rest)) || (m = SYSLOG.exec(rest)))) {
        if (m.length === 4 && m[0].endsWith(';')) {
          level = Number(m[1]) & 7;
          time = Number(m[3]) / 1e6;
        }
      } else if (c >= 65 && c <= 90 && (m = SYSLOG.exec(rest))) {
        // syslog date prefix
      } else {
        break;
      }
      pos += m[0].length;
      // One space separates a bracketed prefix from the message; the kernel's own indentation is kept
      // (syslog and kmsg headers already end with their separator).
      if (c === 91 && !m[0].endsWith(': ') && text.charCodeAt(pos) === 32) pos += 1;
    }
    if (pass > 0) break;
    const bracket = text.indexOf('[', pos + 1);
    if (bracket < 0) break;
    MID_LINE_TIMESTAMP.lastIndex = bracket;
    const mid = MID_LINE_TIMESTAMP.exec(text);
    if (!mid) break;
    pos = mid.index;
  }

  const message = pos === 0 ? text : text.slice(pos);
  if (runs === null) return { message, start: pos, time, caller, level, runs: null };
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
  return { message, start, time, caller, level, runs: rebased };
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
