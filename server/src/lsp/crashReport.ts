// The crash-report command (CRASH_REPORT_COMMAND): the bug report of the event at a line, from the
// engine's buildBugReport; the client copies its text. Arguments are checked first.
import { ErrorCodes, ResponseError } from 'vscode-languageserver';
import { CRASH_REPORT_COMMAND, type CrashReportResult } from '../../../protocol';
import { buildBugReport, type Analysis } from '../engine';

export interface CrashReportInputs {
  text: string;
  analysis: Analysis;
  /** The log decoded line for line (decodeLogText), or null without debug files. */
  decodedLines: string[] | null;
  sourceRoots: string[];
}

/** `[uri, line]`, or a ResponseError saying what is wrong. */
export function crashReportArguments(args: unknown[] | undefined): { uri: string; line: number } {
  const [uri, line] = args ?? [];
  if (typeof uri !== 'string')
    throw new ResponseError(
      ErrorCodes.InvalidParams,
      `${CRASH_REPORT_COMMAND}: argument 1 must be a document URI.`,
    );
  if (typeof line !== 'number' || !Number.isInteger(line) || line < 0)
    throw new ResponseError(
      ErrorCodes.InvalidParams,
      `${CRASH_REPORT_COMMAND}: argument 2 must be a 0-based line.`,
    );
  return { uri, line };
}

/** The event a line belongs to: the one whose extent holds it, else the nearest header above it. */
export function eventAtLine(analysis: Analysis, line: number): number {
  let best = -1;
  analysis.events.forEach((e, i) => {
    if (e.line <= line && line <= e.endLine) best = i;
    else if (e.line <= line && (best < 0 || analysis.events[best].endLine < line)) best = i;
  });
  return best;
}

export function crashReport(inputs: CrashReportInputs, line: number): CrashReportResult | null {
  const index = eventAtLine(inputs.analysis, line);
  if (index < 0) return null;
  const r = buildBugReport(inputs.text, inputs.analysis, index, {
    decodedLines: inputs.decodedLines,
    sourceRoots: inputs.sourceRoots,
  });
  return {
    title: r.title,
    release: r.release,
    guiltyFile: r.guiltyFile,
    subsystems: r.subsystems,
    maintainers: r.maintainers,
    reviewers: r.reviewers,
    lists: r.lists,
    text: r.text,
    markdown: r.markdown,
    taint: r.taint,
    faultAccess: r.faultAccess,
    decoded: r.decoded,
    lines: r.lines,
    line: inputs.analysis.events[index].line,
  };
}
