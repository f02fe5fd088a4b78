// Workspace symbols (Ctrl+T): every event of every open kernel log, named by its title and culprit (guilty
// frame and task), so that typing a function, a task or words of a title finds the crash in any open log.
// VS Code filters the names again with its own fuzzy matcher, so everything searchable is in the name.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SymbolKind, type SymbolInformation } from 'vscode-languageserver';
import type { Analysis } from '../engine';
import { culprit } from './diagnostics';
import { spanRange } from './ranges';

/** At most this many symbols per answer (a log of 100,000 events must not make a 20 MB answer). */
export const WORKSPACE_SYMBOL_LIMIT = 5000;

export interface OpenLog {
  uri: string;
  analysis: Analysis;
}

/** The name a log is shown by: its file name, else the last part of its URI (untitled:Untitled-1). */
function logName(uri: string): string {
  if (uri.startsWith('file:')) return path.basename(fileURLToPath(uri));
  return decodeURIComponent(uri.slice(uri.lastIndexOf('/') + 1).replace(/^[a-z-]+:/, ''));
}

/** Does `name` contain the query's characters in order (case-insensitive, spaces ignored)? */
export function fuzzyMatches(query: string, name: string): boolean {
  const q = query.toLowerCase().replace(/\s+/g, '');
  const n = name.toLowerCase();
  let at = 0;
  for (const c of q) {
    at = n.indexOf(c, at) + 1;
    if (at === 0) return false;
  }
  return true;
}

export function workspaceSymbols(
  logs: OpenLog[],
  query: string,
  limit = WORKSPACE_SYMBOL_LIMIT,
): SymbolInformation[] {
  const out: SymbolInformation[] = [];
  for (const { uri, analysis } of logs) {
    const file = logName(uri);
    for (const ev of analysis.events) {
      const who = culprit(ev);
      const name = who ? `${ev.title} — ${who}` : ev.title;
      const containerName = `${file}:${ev.line + 1}`;
      if (!fuzzyMatches(query, name)) continue;
      out.push({
        name,
        kind: SymbolKind.Event,
        location: { uri, range: spanRange(ev.headerSpan) },
        containerName,
      });
      if (out.length >= limit) return out;
    }
  }
  return out;
}
