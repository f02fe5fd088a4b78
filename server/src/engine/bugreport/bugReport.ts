// One event written up as kernel mailing lists expect a bug report: the syzkaller-style title, the kernel
// release and hardware, the taint letters explained, the guilty file and who maintains it (the tree's
// MAINTAINERS, when a source root has one), then the report's own lines without timestamps and printk
// prefixes — decoded (`func (file:line) mod`, inline levels) when the caller symbolized the log.
import { faultAccess } from '../access/faultAccess';
import { ACCESS_LINE_LABEL } from '../debugfiles/decodeText';
import { releaseOf } from '../debugfiles/frames';
import { taintFlagsIn } from '../explain/report';
import { LineIndex } from '../log/lines';
import { normalizeLine } from '../log/normalize';
import { findMaintainers, type MaintainersAnswer } from '../maintainers';
import type { Analysis, KernelEvent } from '../model';
import { guiltyFileOf } from '../title/guiltyFile';
import { headerFacts, NOT_TAINTED, type BugReport, type ReportFacts } from './facts';
import { renderMarkdown } from './markdown';

export type { BugReport, BugReportPerson } from './facts';

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

  const lines = trimBlankEdges(own);
  const report: ReportFacts = {
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
    faultAccess: accessSummary(lines) ?? logAccessSummary(e),
    decoded,
    lines,
  };
  return { ...report, text: renderText(report, e), markdown: renderMarkdown(report, e) };
}

/** The decoded log's `Faulting access:` line among the event's lines (symbolized when debug files answered). */
function accessSummary(lines: readonly string[]): string | null {
  const line = lines.find((l) => l.startsWith(ACCESS_LINE_LABEL));
  return line ? line.slice(ACCESS_LINE_LABEL.length) : null;
}

/** What the log alone says of the access (its Code: bytes and registers); null when it cannot say. */
function logAccessSummary(e: KernelEvent): string | null {
  const a = faultAccess(e);
  return a && a.instruction !== '' ? a.summary : null;
}

function trimBlankEdges(lines: string[]): string[] {
  let a = 0;
  let b = lines.length;
  while (a < b && lines[a].trim() === '') a++;
  while (b > a && lines[b - 1].trim() === '') b--;
  return lines.slice(a, b);
}

function renderText(r: ReportFacts, e: KernelEvent): string {
  const out: string[] = [r.title, ''];
  const f = headerFacts(r, e);
  if (f.kernel) out.push(`Kernel: ${f.kernel}`);
  if (r.hardware) out.push(`Hardware: ${r.hardware}`);
  if (e.tainted !== null)
    out.push(
      r.taint.length === 0
        ? `Tainted: ${NOT_TAINTED}`
        : `Tainted: ${r.taint.map((t) => `${t.letter} (${t.meaning})`).join('; ')}`,
    );
  if (f.task) out.push(`Task: ${f.task}`);
  if (r.guiltyFile) out.push(`Guilty file: ${r.guiltyFile}`);
  if (r.subsystems.length > 0) out.push(`Subsystems: ${r.subsystems.join(', ')}`);
  if (f.to.length > 0) out.push(`To: ${f.to.join(', ')}`);
  if (f.cc.length > 0) out.push(`Cc: ${f.cc.join(', ')}`);
  out.push(
    '',
    r.decoded ? 'Report (call trace decoded):' : 'Report:',
    '',
    ...r.lines.map((l) => `  ${l}`.trimEnd()),
    '',
  );
  return out.join('\n');
}
