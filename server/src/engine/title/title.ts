// Titles in syzkaller's conventions (google/syzkaller pkg/report: linux.go's formats, report.go's
// extractStackFrameImpl and dynamic-title replacements): the catalogue's template, with `$1…` from the
// header's groups, `{ACCESS}` from the KASAN access line, `{MESSAGE}` from the line after the header and
// `{FUNC}` from the guilty frame (guilty.ts). When the report has no usable frame the title says
// `corrupted`, as syzbot's do; when it lacks the line its title depends on (`requires`) the entry's
// fallback title, made of header text, applies.

import type { CatalogueEntry, FramePart, FrameRule } from '../catalogue';
import type { Frame } from '../model';
import * as F from '../log/frames';
import * as P from '../log/parts';
import { extractFrame, makeSkipper } from './guilty';
import { demangleRust } from '../rust-demangle';

export interface ReportLine {
  line: number;
  /** Prefix-stripped message, kernel indentation kept. */
  message: string;
}

export interface TitleInput {
  entry: CatalogueEntry;
  match: RegExpExecArray;
  /** The report's lines from its header on (and a little past its end: stacks can trail). */
  lines: readonly ReportLine[];
  /** The task the report says was killed, when its entry's `onVictim` made it another kind. */
  victim?: string | null;
  /** The report's Frame for a function found on a line (by name, as the title reads it). */
  frameAt: (line: number, fn: string) => Frame | null;
}

export interface TitleResult {
  title: string;
  /** The blamed frame, if any: the report's own Frame of the function the title names. */
  guilty: Frame | null;
}

/** syzkaller's FUNC: the name up to the first `.` (drops `.isra.0`, `.constprop.0`, `.cold`). */
const FUNC_NAME = /^([A-Za-z0-9_]+)(?:\.|\+|$)/;
const SYMBOL_OFFSET = /(?:\.[\w.]{1,40})?\+0x[0-9a-f]{1,16}\/0x[0-9a-f]{1,16}/g;

/** Does the title read lines past the header? (When not, a caller need not gather the report's lines.) */
export function titleReadsReport(entry: CatalogueEntry): boolean {
  return (
    entry.requires !== undefined ||
    entry.frames !== undefined ||
    /\{(?:MESSAGE|ACCESS|FUNC)\}/.test(entry.title)
  );
}

export function titleEvent(input: TitleInput): TitleResult {
  const { entry, match, lines, victim } = input;
  if (entry.onVictim && victim)
    return { title: entry.onVictim.title.replace('$1', () => victim), guilty: null };
  // Header text copied into a title loses `+0x1f/0x60` offsets (`KCSAN: data-race in foo / bar`); text that
  // is sanitised as a whole keeps them for stableText, which also keeps `.part.NUM` suffixes.
  const fill = (template: string, dynamic: boolean) =>
    template.replace(/\$(\d)/g, (_, n: string) =>
      dynamic ? (match[Number(n)] ?? '') : (match[Number(n)] ?? '').replace(SYMBOL_OFFSET, ''),
    );
  if (entry.fallbackTitle && entry.requires) {
    const required = entry.requires;
    if (!lines.some((l, k) => k > 0 && required.test(l.message)))
      return { title: stableText(fill(entry.fallbackTitle, true)), guilty: null };
  }
  let title = fill(entry.title, entry.dynamicText === true);
  // Rust panics print their message on the line after `panicked at file:line:col:`.
  if (title.includes('{MESSAGE}')) title = title.replace('{MESSAGE}', stableText(lines[1]?.message ?? ''));
  if (title.includes('{ACCESS}')) {
    let access: RegExpExecArray | null = null;
    for (let k = 1; k < lines.length && !access; k++) access = P.KASAN_ACCESS_KIND.exec(lines[k].message);
    title = title.replace(' {ACCESS}', access ? ` ${access[1]}` : '');
  }
  if (entry.dynamicText) title = stableText(title);
  // A title without a function still names a culprit when its entry says where to find one.
  if (!title.includes('{FUNC}') && !entry.frames) return { title, guilty: null };

  const rule = entry.frames ?? DEFAULT_RULE;
  const skip = makeSkipper(rule.skip, !rule.raw);
  const attempt = (parts: readonly FramePart[]) => {
    const { found, faultInjection } = scanParts(lines, parts, skip, (rule.extractor ?? 'first') === 'first');
    const picked = extractFrame(
      found.map((f) => f.name),
      rule.extractor ?? 'first',
    );
    return { pick: picked && { ...found[picked.index], titleName: picked.name }, faultInjection };
  };
  const guilty = pickGuilty(rule, attempt);
  if (!title.includes('{FUNC}'))
    return { title, guilty: guilty && input.frameAt(guilty.line, guilty.function) };
  if (guilty === null && entry.fallbackTitle && !entry.requires)
    return { title: stableText(fill(entry.fallbackTitle, true)), guilty: null };
  return {
    title: title.replace('{FUNC}', guilty?.titleName ?? 'corrupted'),
    guilty: guilty && input.frameAt(guilty.line, guilty.function),
  };
}

const DEFAULT_RULE: FrameRule = { parts: [P.CALL_TRACE, 'stack'] };

interface Attempt<T> {
  pick: T | null;
  /** A fault-injection stack was met: the frames read so far may belong to it, not to the crash. */
  faultInjection: boolean;
}

/** syzkaller's extractStackFrame: the second way of reading (`parts2`) decides whenever the first found no
 *  frame or ran into a fault-injection stack, even when it finds none (then the title says `corrupted`).
 *  Our own fallbacks (the default trace, `parts3`'s header) apply only to a report no fault-injection stack
 *  ran through: there, any frame found after it could be the injected allocation's. */
function pickGuilty<T>(rule: FrameRule, attempt: (parts: readonly FramePart[]) => Attempt<T>): T | null {
  const first = attempt(rule.parts);
  if (first.pick && !first.faultInjection) return first.pick;
  let faultInjection = first.faultInjection;
  if (rule.parts2) {
    const second = attempt(rule.parts2);
    if (second.pick) return second.pick;
    faultInjection ||= second.faultInjection;
  } else {
    if (first.pick) return first.pick;
    const byDefault = attempt(DEFAULT_RULE.parts);
    if (byDefault.pick) return byDefault.pick;
  }
  if (faultInjection || !rule.parts3) return null;
  return attempt(rule.parts3).pick;
}

/** Walks the report once, part after part, collecting non-generic frames in order (syzkaller's
 *  extractStackFrameImpl). A title names the first result: what comes before a second stack. */
function scanParts(
  lines: readonly ReportLine[],
  parts: readonly FramePart[],
  skip: (fn: string) => boolean,
  firstOnly: boolean,
) {
  const found: { function: string; name: string; line: number }[] = [];
  let faultInjection = false;
  const push = (raw: string | undefined, line: number) => {
    const m = raw ? FUNC_NAME.exec(raw) : null;
    if (!m) return;
    // Rust frames are skipped and titled by their demangled path (`<kernel::Foo as Bar>::baz`).
    const name = m[1].startsWith('_R') ? (demangleRust(m[1]) ?? m[1]) : m[1];
    if (!skip(name)) found.push({ function: m[1], name, line });
  };
  const regexOf = (part: FramePart | undefined) =>
    part === 'ip' ? P.IP_LINE_FUNC : part === 'stack' ? undefined : part;
  /** The first group that took part names the function (a part may offer alternatives). */
  const groupOf = (m: RegExpExecArray) => m.find((g, k) => k > 0 && g !== undefined);
  let pos = 0;
  let stacks = 0;
  // The default extractor takes the first frame found: the rest of the report need not be read.
  for (let p = 0; p < parts.length && !(firstOnly && found.length > 0); p++) {
    const part = parts[p];
    if (part === 'stack') {
      if (stacks++ > 0) break;
      // The part after the stack may show up inside it (`Uninit was created at:` after KMSAN's frames).
      const next = regexOf(parts[p + 1]);
      while (pos < lines.length && !(firstOnly && found.length > 0)) {
        const { message, line } = lines[pos++];
        if (P.STACK_KEYWORD.test(message)) break;
        if (isFaultInjection(message)) {
          faultInjection = true;
          break;
        }
        const ahead = next && next.exec(message);
        if (ahead) {
          push(groupOf(ahead), line);
          p++;
          break;
        }
        const frame = F.parseFrame(message);
        if (frame && frame.reliable && frame.function) {
          push(frame.function, line);
          // arm `(callee) from [<…>] (caller+0x…)`: the caller counts too, the top frame shows only here.
          const from = message.includes(') from [<') ? F.ARM_CALLER.exec(message) : null;
          if (from) push(from[1], line);
        }
      }
    } else {
      const re = regexOf(part)!;
      while (pos < lines.length) {
        const { message, line } = lines[pos++];
        // `? foo+0x1/0x2` frames are stack garbage the unwinder could not prove: no part is read from them.
        if (F.UNRELIABLE_FRAME.test(message) && !message.includes('<EOI>')) continue;
        if (isFaultInjection(message)) {
          faultInjection = true;
          break;
        }
        const m = re.exec(message);
        if (!m) continue;
        push(groupOf(m), line);
        break;
      }
    }
  }
  return { found, faultInjection };
}

/** A fault-injection stack (`should_fail+0x…`) printed into the report: syzkaller ends the part there, its
 *  frames are not the crash's. */
function isFaultInjection(message: string): boolean {
  return message.includes('should_fail') && F.SHOULD_FAIL_FRAME.test(message);
}

/** syzkaller's dynamic-title replacements (pkg/report/report.go), in order: what changes from run to run
 *  (fuzzer process names, addresses, IPs, line numbers, offsets, CPU and other numbers) becomes a token. */
const DYNAMIC_TEXT: readonly [RegExp, string][] = [
  [/syz-executor\.?[0-9]+(?:[/:][0-9]+)?/g, 'syz-executor'],
  [/syzkaller[0-9]+(?:[/:][0-9]+)?/g, 'syzkaller'],
  [/([^a-zA-Z0-9])(?:0x)?[0-9a-f]{6,}/g, '$1ADDR'],
  [/[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}/g, 'IP'],
  [/(\.\w+)(?::[0-9]+)+/g, '$1:LINE'],
  [/([a-zA-Z][a-zA-Z0-9_.]+)\+0x[0-9a-z]+\/0x[0-9a-z]+/g, '$1'],
  [/CPU#[0-9]+/g, 'CPU'],
  [/(\W)(\d+)(\W|$)/g, '$1NUM$3'],
  [/\d{7,}/g, 'NUM'],
];

function stableText(text: string): string {
  for (const [re, to] of DYNAMIC_TEXT) {
    // Matches may overlap (`0,1,2`): repeat until nothing changes.
    for (let prev = ''; prev !== text;) [prev, text] = [text, text.replace(re, to)];
  }
  return text.replace(/\s+/g, ' ').trim();
}
