// Kernel logs too large for VS Code to give extensions. VS Code opens a file above 50 MB in its editor
// but never hands it to the extension host (TextModel._MODEL_SYNC_LIMIT in VS Code 1.100), so the language
// server never hears of it: no squiggles, hovers or go-to-source there, silently. What still works is what
// reads the file on disk: the Kernel Crashes view lists such a log's events under "This log" (the server
// reads and analyses it). This file finds that log in the active tab and says so, once per file.
import { open, stat } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { DETECT_LIMIT, looksLikeKernelLog } from './kernelLogContent';

/** The largest document VS Code gives extensions (TextModel._MODEL_SYNC_LIMIT, VS Code 1.100). */
export const EXTENSION_SYNC_LIMIT = 50 * 1024 * 1024;

export interface LargeLog {
  uri: vscode.Uri;
  bytes: number;
}

/** What a file was found to be, while its size and modification time stay the same. */
const judged = new Map<string, { size: number; mtimeMs: number; isLog: boolean }>();

/**
 * The active tab's file when VS Code did not give it to extensions because of its size and its first
 * 64 KB look like a kernel log; undefined otherwise (a document we have, another kind of tab, a file
 * that cannot be read).
 */
export async function activeLargeLog(): Promise<LargeLog | undefined> {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  if (!(input instanceof vscode.TabInputText) || input.uri.scheme !== 'file') return undefined;
  const uri = input.uri;
  if (vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString())) return undefined;
  try {
    const st = await stat(uri.fsPath);
    if (!st.isFile() || st.size <= EXTENSION_SYNC_LIMIT) return undefined;
    const key = uri.toString();
    let seen = judged.get(key);
    if (!seen || seen.size !== st.size || seen.mtimeMs !== st.mtimeMs) {
      seen = { size: st.size, mtimeMs: st.mtimeMs, isLog: looksLikeKernelLog(await head(uri.fsPath)) };
      judged.set(key, seen);
    }
    return seen.isLog ? { uri, bytes: st.size } : undefined;
  } catch {
    return undefined;
  }
}

/** The first DETECT_LIMIT bytes of a file as text (a character cut at the end is harmless to the look). */
async function head(file: string): Promise<string> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(DETECT_LIMIT);
    const { bytesRead } = await fh.read(buf, 0, DETECT_LIMIT, 0);
    return buf.toString('utf8', 0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** The one-time notice for a large log: what is missing in its editor, and where its events are. */
export function largeLogNotice(log: LargeLog): string {
  const mb = (log.bytes / (1024 * 1024)).toFixed(0);
  return (
    `${path.basename(log.uri.fsPath)} is ${mb} MB: VS Code gives extensions no file above 50 MB, so this ` +
    'editor gets no problems, hovers or go-to-source from Kernel Oops Lens. Its events are listed in the ' +
    'Kernel Crashes view (This log).'
  );
}
