// A CodeLens on each event header: *Copy crash report*, which runs the client's command with the log and the
// header line (the client asks the server for the report and copies its text).
import type { CodeLens } from 'vscode-languageserver';
import { COPY_CRASH_REPORT_COMMAND } from '../../../protocol';
import type { Analysis } from '../engine';

export function toCodeLenses(uri: string, analysis: Analysis): CodeLens[] {
  return analysis.events.map((e) => ({
    range: { start: { line: e.line, character: 0 }, end: { line: e.line, character: 0 } },
    command: { title: 'Copy crash report', command: COPY_CRASH_REPORT_COMMAND, arguments: [uri, e.line] },
  }));
}
