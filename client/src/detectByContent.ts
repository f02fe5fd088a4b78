// Switches documents that VS Code opened as Log, Plain Text or guessed Markdown to Kernel Log when their
// first 64 KB look like one (kernelLogContent.ts decides). Each document is looked at once, whatever its
// language then (a user who switches a log to Plain Text keeps that choice). `kernelOops.detectByContent: false` turns this off.
import * as vscode from 'vscode';
import { DETECT_LIMIT, looksLikeKernelLog, mayDetect } from './kernelLogContent';

export const KERNEL_LOG = 'kernel-log';
/** Characters after which an Untitled document is judged for good. */
const UNTITLED_SETTLED = 4096;

export function registerContentDetection(
  context: vscode.ExtensionContext,
  log: vscode.LogOutputChannel,
): void {
  /** Documents already looked at (by URI); kept across the close/open pair a language change fires. */
  const seen = new Set<string>();

  const consider = async (doc: vscode.TextDocument): Promise<void> => {
    const key = doc.uri.toString();
    if (seen.has(key)) return;
    // Untitled text is looked at again while it is short: typing a word and then pasting a log is common.
    const growing = doc.isUntitled && doc.getText().length < UNTITLED_SETTLED;
    if (!growing) seen.add(key);
    if (!mayDetect(doc.languageId, doc.uri.scheme, doc.uri.path)) return;
    if (!vscode.workspace.getConfiguration('kernelOops', doc).get<boolean>('detectByContent', true)) return;
    const started = performance.now();
    const end = doc.positionAt(DETECT_LIMIT);
    const isKernelLog = looksLikeKernelLog(doc.getText(new vscode.Range(0, 0, end.line, end.character)));
    const ms = performance.now() - started;
    if (!isKernelLog) return;
    seen.add(key);
    log.info(`${doc.uri.toString(true)} looks like a kernel log (${ms.toFixed(2)} ms): opened as Kernel Log`);
    try {
      await vscode.languages.setTextDocumentLanguage(doc, KERNEL_LOG);
    } catch (e) {
      log.warn(`could not switch ${doc.uri.toString(true)} to Kernel Log: ${String(e)}`);
    }
  };

  context.subscriptions.push(
    vscode.workspace.onDidOpenTextDocument((d) => void consider(d)),
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document.isUntitled && e.contentChanges.length) void consider(e.document);
    }),
    // A language change closes and reopens the document in one go; forget it only after that, so that a
    // real close and reopen is looked at afresh but a switch back by the user is not undone.
    vscode.workspace.onDidCloseTextDocument((d) => {
      const key = d.uri.toString();
      setTimeout(() => {
        if (!vscode.workspace.textDocuments.some((t) => t.uri.toString() === key)) seen.delete(key);
      }, 0);
    }),
  );
  for (const doc of vscode.workspace.textDocuments) void consider(doc);
}
