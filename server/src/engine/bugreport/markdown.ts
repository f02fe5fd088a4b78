// The bug report as Markdown, for trackers that render it (GitHub, GitLab, Bugzilla's Markdown comments,
// syzbot-style mails read in a Markdown viewer): the title as a heading, the facts as a list, taint letters one
// per item, the faulting access, and the report's lines in a fenced block so that nothing in them is read as
// Markdown.
import type { KernelEvent } from '../model';
import { headerFacts, NOT_TAINTED, type ReportFacts } from './facts';

/**
 * ASCII punctuation that would start emphasis, a link, an HTML tag or entity, a table cell or a heading's
 * closing run. An underscore between two letters or digits never delimits emphasis (CommonMark), so
 * `buggy_null_read` stays as written.
 */
const SPECIAL = /[\\`*[\]<>|~#&]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])/g;

/** Text shown as written: every character Markdown could read as syntax backslash-escaped. */
export function escapeMarkdown(s: string): string {
  return s.replace(SPECIAL, (c) => `\\${c}`);
}

/** Text that already marks C expressions with backticks (the access summaries): escaped outside them only. */
function escapeOutsideCode(s: string): string {
  return s
    .split(/(`[^`]+`)/)
    .map((part, i) => (i % 2 === 1 ? part : escapeMarkdown(part)))
    .join('');
}

/** An inline code span holding `s` whatever backticks it has (CommonMark: a longer run of them around it). */
export function codeSpan(s: string): string {
  const longest = Math.max(0, ...(s.match(/`+/g) ?? []).map((r) => r.length));
  const ticks = '`'.repeat(longest + 1);
  return longest > 0 ? `${ticks} ${s} ${ticks}` : `${ticks}${s}${ticks}`;
}

/** A fenced block holding `lines` verbatim: its fence is longer than any run of backticks in them. */
export function fencedBlock(lines: readonly string[], info = 'text'): string {
  const longest = Math.max(0, ...lines.flatMap((l) => l.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return [`${fence}${info}`, ...lines, fence].join('\n');
}

export function renderMarkdown(r: ReportFacts, e: KernelEvent): string {
  const f = headerFacts(r, e);
  const items: string[] = [];
  if (f.kernel) items.push(`- **Kernel:** ${codeSpan(f.kernel)}`);
  if (r.hardware) items.push(`- **Hardware:** ${escapeMarkdown(r.hardware)}`);
  if (e.tainted !== null) {
    if (r.taint.length === 0) items.push(`- **Tainted:** ${NOT_TAINTED}`);
    else
      items.push(
        '- **Tainted:**',
        ...r.taint.map((t) => `  - ${codeSpan(t.letter)}: ${escapeMarkdown(t.meaning)}`),
      );
  }
  if (f.task) items.push(`- **Task:** ${escapeMarkdown(f.task)}`);
  if (r.guiltyFile) items.push(`- **Guilty file:** ${codeSpan(r.guiltyFile)}`);
  if (r.subsystems.length > 0) items.push(`- **Subsystems:** ${r.subsystems.map(escapeMarkdown).join(', ')}`);
  if (f.to.length > 0) items.push(`- **To:** ${f.to.map(escapeMarkdown).join(', ')}`);
  if (f.cc.length > 0) items.push(`- **Cc:** ${f.cc.map(escapeMarkdown).join(', ')}`);

  const out = [`## ${escapeMarkdown(r.title)}`, ''];
  if (items.length > 0) out.push(...items, '');
  if (r.faultAccess) out.push('### Faulting access', '', escapeOutsideCode(r.faultAccess), '');
  out.push(
    r.decoded ? '### Report (call trace decoded)' : '### Report',
    '',
    fencedBlock(r.lines.map((l) => l.trimEnd())),
    '',
  );
  return out.join('\n');
}
