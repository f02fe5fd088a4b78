// Code actions on our diagnostics (the light bulb, Quick Fix in Problems): *Copy crash report* of that
// event, *Search this title on syzbot* (the client opens the browser only when chosen) and *Select debug
// files…*. All three run client commands; the server only says which event they are for.
import { CodeActionKind, type CodeAction, type Diagnostic } from 'vscode-languageserver';
import {
  COPY_CRASH_REPORT_COMMAND,
  SEARCH_SYZBOT_COMMAND,
  SELECT_DEBUG_FILES_COMMAND,
} from '../../../protocol';
import type { Analysis } from '../engine';
import { DIAGNOSTIC_SOURCE } from './diagnostics';

export function toCodeActions(uri: string, analysis: Analysis, diagnostics: Diagnostic[]): CodeAction[] {
  const byHeader = new Map(analysis.events.map((e) => [e.headerSpan.line, e]));
  const out: CodeAction[] = [];
  const ours = diagnostics.filter((d) => d.source === DIAGNOSTIC_SOURCE);
  for (const d of ours) {
    const ev = byHeader.get(d.range.start.line);
    if (!ev) continue;
    out.push(
      {
        title: 'Copy crash report',
        kind: CodeActionKind.QuickFix,
        diagnostics: [d],
        command: {
          title: 'Copy crash report',
          command: COPY_CRASH_REPORT_COMMAND,
          arguments: [uri, ev.line],
        },
      },
      {
        title: 'Search this title on syzbot',
        kind: CodeActionKind.QuickFix,
        diagnostics: [d],
        command: {
          title: 'Search this title on syzbot',
          command: SEARCH_SYZBOT_COMMAND,
          arguments: [ev.title],
        },
      },
    );
  }
  // Debug files are per log, not per event: offered once.
  if (out.length)
    out.push({
      title: 'Select debug files…',
      kind: CodeActionKind.QuickFix,
      diagnostics: ours,
      command: { title: 'Select debug files…', command: SELECT_DEBUG_FILES_COMMAND },
    });
  return out;
}
