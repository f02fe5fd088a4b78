// Kernel logs too large for VS Code to give extensions. VS Code opens a file above 50 MB in its editor but
// never hands it to the extension host (TextModel._MODEL_SYNC_LIMIT in VS Code 1.100), so the language
// server would never hear of it: no problems, hovers or go-to-source there, silently. This file finds such
// logs in the editor's tabs and has the server read them from disk (kernelOops/openLargeLog): their
// diagnostics appear in the Problems panel and on their editor as any log's, the Kernel Crashes view lists
// their events under "This log" (crashTree.ts), and a notice says once per file what is missing (hovers,
// go-to-source: VS Code asks extensions for those only on documents it gave them).
import { open, stat } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { LARGE_LOG_CLOSED_NOTIFICATION, LARGE_LOG_OPEN_REQUEST, type LargeLogResult } from '../../protocol';
import { DETECT_LIMIT, looksLikeKernelLog } from './kernelLogContent';

/** The largest document VS Code gives extensions (TextModel._MODEL_SYNC_LIMIT, VS Code 1.100). */
export const EXTENSION_SYNC_LIMIT = 50 * 1024 * 1024;

export interface LargeLog {
  uri: vscode.Uri;
  bytes: number;
  mtimeMs: number;
}

/** What a file was found to be, while its size and modification time stay the same. */
const judged = new Map<string, { size: number; mtimeMs: number; isLog: boolean }>();

/**
 * The file of a tab when VS Code did not give it to extensions because of its size and its first 64 KB
 * look like a kernel log; undefined otherwise (a document we have, another kind of tab, a file that cannot
 * be read).
 */
async function largeLogOf(tab: vscode.Tab | undefined): Promise<LargeLog | undefined> {
  const input = tab?.input;
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
    return seen.isLog ? { uri, bytes: st.size, mtimeMs: st.mtimeMs } : undefined;
  } catch {
    return undefined;
  }
}

/** The active tab's large kernel log, if it shows one. */
export function activeLargeLog(): Promise<LargeLog | undefined> {
  return largeLogOf(vscode.window.tabGroups.activeTabGroup.activeTab);
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

/** The one-time notice for a large log: what its editor lacks, and what the server made of the file. */
export function largeLogNotice(log: LargeLog, result: LargeLogResult | undefined): string {
  const mb = (log.bytes / (1024 * 1024)).toFixed(0);
  const name = path.basename(log.uri.fsPath);
  const head = `${name} is ${mb} MB: VS Code gives extensions no file above 50 MB, so its editor gets no hovers or go-to-source from Kernel Oops Lens.`;
  if (!result) return `${head} The language server is not running.`;
  if ('problem' in result) return `${head} Reading it from disk failed: ${result.problem}`;
  const n = result.events;
  return `${head} Read from disk instead: ${n} event${n === 1 ? '' : 's'} in the Problems panel and the Kernel Crashes view.`;
}

/** Has the server read every large kernel log open in a tab, and let go of those whose tabs closed. */
export function registerLargeLogs(
  context: vscode.ExtensionContext,
  client: () => Promise<LanguageClient | undefined>,
  log: vscode.LogOutputChannel,
): void {
  const opened = new Map<string, LargeLog>();
  const noticed = new Set<string>();
  let sync = Promise.resolve();
  const update = () => {
    sync = sync.then(async () => {
      const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs);
      const now = new Map<string, LargeLog>();
      for (const t of tabs) {
        const l = await largeLogOf(t);
        if (l) now.set(l.uri.toString(), l);
      }
      if (opened.size === 0 && now.size === 0) return;
      const c = await client();
      for (const uri of opened.keys())
        if (!now.has(uri)) {
          opened.delete(uri);
          await c?.sendNotification(LARGE_LOG_CLOSED_NOTIFICATION, { uri });
        }
      for (const [uri, l] of now) {
        // Read again when the file changed since (a capture still being written), at the next tab change.
        const was = opened.get(uri);
        if (was && was.bytes === l.bytes && was.mtimeMs === l.mtimeMs) continue;
        opened.set(uri, l);
        const result = c
          ? await c
              .sendRequest<LargeLogResult>(LARGE_LOG_OPEN_REQUEST, { uri })
              .catch((e: unknown): LargeLogResult => ({ problem: String(e) }))
          : undefined;
        log.info(
          `${l.uri.fsPath}: above VS Code's 50 MB sync limit, read from disk: ${JSON.stringify(result)}`,
        );
        if (noticed.has(uri)) continue;
        noticed.add(uri);
        const show = 'Show Kernel Crashes';
        void vscode.window.showInformationMessage(largeLogNotice(l, result), show).then((pick) => {
          if (pick === show) void vscode.commands.executeCommand('kernelOops.crashes.focus');
        });
      }
    });
    sync = sync.catch((e: unknown) => log.warn(`large logs: ${String(e)}`));
  };
  context.subscriptions.push(vscode.window.tabGroups.onDidChangeTabs(update));
  update();
}
