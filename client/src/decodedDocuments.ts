// Decode log's result: a read-only virtual document (`kernel-oops-decoded:` scheme) named `<log> (decoded)`,
// opened beside the log. Its first lines say what was decoded and why the rest was not. It is never sent
// to the server (see `isDecodedDocument` in extension.ts), so its events are not listed twice in Problems.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import {
  DECODE_LOG_COMMAND as SERVER_DECODE_COMMAND,
  DECODE_LOG_PAGE_COMMAND,
  type DecodeLogOptions,
  type DecodeLogPage,
  type DecodeLogResult,
} from '../../protocol';
import { KERNEL_LOG } from './detectByContent';

export const DECODED_SCHEME = 'kernel-oops-decoded';
const DECODE_COMMAND = 'kernelOops.decodeLog';
/** The decoded text comes in pages of about this many characters: never all in one message. */
const PAGE_CHARS = 1 << 22;

export function isDecodedDocument(doc: vscode.TextDocument): boolean {
  return doc.uri.scheme === DECODED_SCHEME;
}

export function registerDecodeLog(
  context: vscode.ExtensionContext,
  client: () => LanguageClient | undefined,
): void {
  const contents = new Map<string, string>();
  const changed = new vscode.EventEmitter<vscode.Uri>();
  context.subscriptions.push(
    changed,
    vscode.workspace.registerTextDocumentContentProvider(DECODED_SCHEME, {
      onDidChange: changed.event,
      provideTextDocumentContent: (uri) =>
        contents.get(uri.toString()) ?? 'This decoded copy is gone: run Kernel Oops Lens: Decode log again.',
    }),
    vscode.workspace.onDidCloseTextDocument((d) => {
      if (isDecodedDocument(d)) contents.delete(d.uri.toString());
    }),
    vscode.commands.registerCommand(DECODE_COMMAND, async (uri?: vscode.Uri) => {
      const log = uri
        ? await vscode.workspace.openTextDocument(uri)
        : vscode.window.activeTextEditor?.document;
      const c = client();
      if (!c || !log || log.languageId !== KERNEL_LOG || isDecodedDocument(log)) {
        void vscode.window.showWarningMessage('Kernel Oops Lens: open a kernel log to decode it.');
        return;
      }
      const result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'Kernel Oops Lens: decoding the log…' },
        async () => {
          const first = await c.sendRequest<DecodeLogResult | null>('workspace/executeCommand', {
            command: SERVER_DECODE_COMMAND,
            arguments: [log.uri.toString(), { pageChars: PAGE_CHARS } satisfies DecodeLogOptions],
          });
          const pages = first ? [first.text] : [];
          for (let more = first?.more; more;) {
            const page = await c.sendRequest<DecodeLogPage>('workspace/executeCommand', {
              command: DECODE_LOG_PAGE_COMMAND,
              arguments: [more],
            });
            pages.push(page.text);
            more = page.more;
          }
          return first && { ...first, text: pages.join('') };
        },
      );
      if (!result) return;
      const target = decodedUri(log.uri);
      contents.set(target.toString(), decodedText(log.uri, result));
      changed.fire(target);
      const doc = await vscode.languages.setTextDocumentLanguage(
        await vscode.workspace.openTextDocument(target),
        KERNEL_LOG,
      );
      await vscode.window.showTextDocument(doc, { preview: false, viewColumn: vscode.ViewColumn.Beside });
    }),
  );
}

/** `kernel-oops-decoded:/<name> (decoded)?<log uri>`: one decoded copy per log, titled after it. */
function decodedUri(log: vscode.Uri): vscode.Uri {
  const name = path.posix.basename(log.path) || 'log';
  return vscode.Uri.from({
    scheme: DECODED_SCHEME,
    path: `/${name} (decoded)`,
    query: log.toString(),
  });
}

function decodedText(log: vscode.Uri, r: DecodeLogResult): string {
  const where = log.scheme === 'file' ? log.fsPath : log.toString();
  const head = [
    `Kernel Oops Lens: decoded copy of ${where} (read-only; Decode log again after the log or the debug files change)`,
    ...r.summary,
    ...r.messages.map((m) => `Debug files: ${m}`),
    '-'.repeat(72),
  ];
  return `${head.join('\n')}\n${r.text}`;
}
