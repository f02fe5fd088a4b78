// One event written up as kernel mailing lists expect a bug report: the syzkaller-style title, the kernel
// release and hardware, the taint letters explained, the guilty file and who maintains it (the tree's
// MAINTAINERS, when a source root has one), then the report's own lines without timestamps and printk
// prefixes — decoded (`func (file:line) mod`, inline levels) when the caller symbolized the log.
import { releaseOf } from '../debugfiles/frames';
import { taintFlagsIn } from '../explain/report';
import { LineIndex } from '../log/lines';
import { normalizeLine } from '../log/normalize';
import { findMaintainers, type MaintainersAnswer } from '../maintainers';
import type { Analysis, KernelEvent } from '../model';
import { guiltyFileOf } from '../title/guiltyFile';

export interface BugReportPerson {
  name: string;
  email: string;
}

export interface BugReport {
  /** Index of the event in the analysis. */
  event: number;
  title: string;
  release: string | null;
  hardware: string | null;
  /** Taint letters set, each with what it means. */
  taint: { letter: string; meaning: string }[];
  guiltyFile: string | null;
  /** MAINTAINERS sections of the guilty file, most specific first. */
  subsystems: string[];
  maintainers: BugReportPerson[];
  reviewers: BugReportPerson[];
  lists: string[];
  /** The source root whose MAINTAINERS answered, or null. */
  maintainersFrom: string | null;
  /** The report as plain text. */
  text: string;
}

export interface BugReportOptions {
  /** The log as decoded (decodeLogLines: line for line with the original, a line may carry an added
   * `Faulting access:` line); null when not decoded. */
  decodedLines?: readonly string[] | null;
  /** Kernel source trees searched for MAINTAINERS (the first that has one answers). */
  sourceRoots?: readonly string[];
}

/** Lines a guilty-file search reads past the event's own end, up to the next crash. */
const GUILTY_LOOKAHEAD = 400;

/** The event a report is about by default: the first crash or warning that is not a consequence of another. */
export function defaultReportEvent(analysis: Analysis): number {
  const i = analysis.events.findIndex((e) => e.consequenceOf === null && e.severity !== 'information');
  return i >= 0 ? i : analysis.events.length > 0 ? 0 : -1;
}

/** Where the next independent crash starts (its report is not this one's), or the end of the log. */
function nextCrashLine(analysis: Analysis, index: number, lineCount: number): number {
  const own = analysis.events[index];
  for (let k = index + 1; k < analysis.events.length; k++) {
    const e = analysis.events[k];
    if (e.line <= own.endLine) continue;
    if (e.consequenceOf === null && e.afterCrash === null && e.severity === 'error' && !/panic/.test(e.kind))
      return e.line;
  }
  return lineCount;
}

export function buildBugReport(
  text: string,
  analysis: Analysis,
  index: number,
  options: BugReportOptions = {},
): BugReport {
  const e = analysis.events[index];
  // The report reads a few hundred lines: they are found by offset, the log is not split.
  const original = LineIndex.of(text);
  const decodedLines = options.decodedLines;
  const lineAt = (n: number) => (decodedLines ? (decodedLines[n] ?? '') : original.line(n));
  const lineCount = decodedLines?.length ?? original.lineCount;
  // Decoded only when decoding rewrote one of the event's lines (no debug file may have answered); an
  // added `Faulting access:` line alone (from the log's Code: bytes) decodes no frame.
  let decoded = false;
  for (let n = e.line; n <= e.endLine && !decoded && decodedLines; n++)
    decoded = lineAt(n).split('\n')[0] !== original.line(n);
  // A decoded line may carry an added line (`Faulting access: …`): each keeps its own message.
  const messages = (n: number) =>
    lineAt(n)
      .split('\n')
      .map((part) => normalizeLine(part).message.trimEnd());

  const own: string[] = [];
  for (let n = e.line; n <= e.endLine && n < lineCount; n++) own.push(...messages(n));
  const end = Math.min(nextCrashLine(analysis, index, lineCount), e.line + GUILTY_LOOKAHEAD);
  const window: string[] = [];
  for (let n = e.line; n < end; n++) window.push(...messages(n));
  const guiltyFile = guiltyFileOf(window, e.title);

  const answer: (MaintainersAnswer & { root: string }) | null =
    guiltyFile && options.sourceRoots?.length ? findMaintainers(options.sourceRoots, guiltyFile) : null;
  const people = (role: 'maintainer' | 'reviewer') =>
    (answer?.people ?? []).filter((p) => p.role === role).map((p) => ({ name: p.name, email: p.email }));
  const taint = e.tainted
    ? taintFlagsIn(e.tainted).map((t) => ({ letter: t.letter, meaning: t.meaning }))
    : [];

  const report: Omit<BugReport, 'text'> = {
    event: index,
    title: e.title,
    // A report cut short before its CPU line still belongs to the kernel the rest of the log names.
    release: e.release ?? releaseOf(analysis),
    hardware: e.hardware ?? analysis.events.find((x) => x.hardware)?.hardware ?? null,
    taint,
    guiltyFile,
    subsystems: answer?.subsystems.map((s) => s.name) ?? [],
    maintainers: people('maintainer'),
    reviewers: people('reviewer'),
    lists: answer?.lists.map((l) => l.email) ?? [],
    maintainersFrom: answer?.root ?? null,
  };
  return { ...report, text: renderText(report, e, trimBlankEdges(own), decoded) };
}

function trimBlankEdges(lines: string[]): string[] {
  let a = 0;
  let b = lines.length;
  while (a < b && lines[a].trim() === '') a++;
  while (b > a && lines[b - 1].trim() === '') b--;
  return lines.slice(a, b);
}

const address = (p: BugReportPerson) => (p.name ? `${p.name} <${p.email}>` : p.email);

function renderText(r: Omit<BugReport, 'text'>, e: KernelEvent, body: string[], decoded: boolean): string {
  const out: string[] = [r.title, ''];
  const kernel = [r.release, e.build].filter(Boolean).join(' ');
  if (kernel) out.push(`Kernel: ${kernel}`);
  if (r.hardware) out.push(`Hardware: ${r.hardware}`);
  if (e.tainted !== null)
    out.push(
      r.taint.length === 0
        ? 'Tainted: no (only GPL-compatible modules)'
        : `Tainted: ${r.taint.map((t) => `${t.letter} (${t.meaning})`).join('; ')}`,
    );
  if (e.comm)
    out.push(
      `Task: ${e.comm}${e.pid !== null ? ` (pid ${e.pid})` : ''}${e.cpu !== null ? ` on CPU ${e.cpu}` : ''}`,
    );
  if (r.guiltyFile) out.push(`Guilty file: ${r.guiltyFile}`);
  if (r.subsystems.length > 0) out.push(`Subsystems: ${r.subsystems.join(', ')}`);
  const to = r.maintainers.map(address);
  const cc = [...r.reviewers.map(address), ...r.lists];
  if (to.length > 0) out.push(`To: ${to.join(', ')}`);
  if (cc.length > 0) out.push(`Cc: ${cc.join(', ')}`);
  out.push(
    '',
    decoded ? 'Report (call trace decoded):' : 'Report:',
    '',
    ...body.map((l) => `  ${l}`.trimEnd()),
    '',
  );
  return out.join('\n');
}
