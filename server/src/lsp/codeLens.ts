// CodeLenses on each event header: *Decode* (the client's Decode log, revealed at this event), *Copy report*
// (the client asks the server for the report and copies its text) and *Go to culprit source* — the source
// line of the frame the title blames, when the debug files resolve it and its file is in the user's tree;
// otherwise the lens says why (plain text: a lens without a command id is not clickable).
import type { CodeLens } from 'vscode-languageserver';
import { COPY_CRASH_REPORT_COMMAND, DECODE_LOG_CLIENT_COMMAND, OPEN_SOURCE_COMMAND } from '../../../protocol';
import type { Analysis, KernelEvent } from '../engine';
import { fileUri, frameAt, mappedLevels } from './frameSource';
import type { DocSymbolization } from './symbolization';

/** `sym`: the document's symbolization if it is ready, else undefined (the culprit lens says so). */
export function toCodeLenses(uri: string, analysis: Analysis, sym: DocSymbolization | undefined): CodeLens[] {
  return analysis.events.flatMap((e) => {
    const range = { start: { line: e.line, character: 0 }, end: { line: e.line, character: 0 } };
    const args = [uri, e.line];
    return [
      { range, command: { title: 'Decode', command: DECODE_LOG_CLIENT_COMMAND, arguments: args } },
      { range, command: { title: 'Copy report', command: COPY_CRASH_REPORT_COMMAND, arguments: args } },
      { range, command: culpritLens(e, sym) },
    ];
  });
}

function culpritLens(e: KernelEvent, sym: DocSymbolization | undefined): CodeLens['command'] {
  const target = culpritSource(e, sym);
  if ('why' in target) return { title: `No culprit source: ${target.why}`, command: '' };
  return {
    title: `Go to culprit source (${target.label})`,
    command: OPEN_SOURCE_COMMAND,
    arguments: [target.uri, target.line, target.character],
  };
}

/** Where the culprit frame's innermost inline level is in the user's tree, or why it is not known. */
export function culpritSource(
  e: KernelEvent,
  sym: DocSymbolization | undefined,
): { uri: string; line: number; character: number; label: string } | { why: string } {
  const g = e.guiltyFrame;
  if (!g) return { why: 'the report blames no frame' };
  if (!sym) return { why: 'debug files not resolved yet' };
  const f = frameAt(sym, { line: g.span.line, character: g.span.start });
  const r = f && sym.results.get(f.key);
  if (!f || !r) return { why: `${g.function ?? 'the frame'} was not symbolized (no debug file for it)` };
  if (!r.ok) return { why: r.error ?? 'not resolved' };
  const levels = mappedLevels(sym, r);
  if (levels.length === 0) return { why: `no line information for ${g.function ?? 'the frame'}` };
  const local = levels.find((m) => m.local);
  if (!local) return { why: `${levels[0].display} is not in kernelOops.sourceRoot or the workspace` };
  return {
    uri: fileUri(local.local!),
    line: Math.max(0, local.level.line - 1),
    character: Math.max(0, local.level.column - 1),
    label: `${local.short}:${local.level.line}`,
  };
}
