// Decode log's result: a read-only virtual document (`kernel-oops-decoded:` scheme) named `<log> (decoded)`,
// opened beside the log. Its first lines say what was decoded and why the rest was not. It is never sent
// to the server (see `isDecodedDocument` in extension.ts), so its events are not listed twice in Problems.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import {
  DECODE_LOG_CLIENT_COMMAND,
  DECODE_LOG_COMMAND as SERVER_DECODE_COMMAND,
  DECODE_LOG_PAGE_COMMAND,
  type DecodeLogOptions,
  type DecodeLogPage,
  type DecodeLogResult,
} from '../../protocol';
import { KERNEL_LOG } from './detectByContent';

export const DECODED_SCHEME = 'kernel-oops-decoded';
/**
 * The decoded text comes in pages of about this many characters: never all in one message. Not more: the
 * server's page and its JSON outlive the young generation when they are larger, and each stays in its
 * heap until a full collection (a 100 MB log's Decode log in pages of 4 Mi characters raised the server's
 * peak to 5.8–6.3× the log, in pages of 1 Mi to no more than its open had).
 */
const PAGE_CHARS = 1 << 20;

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
    // From a CodeLens: `[uri, line]` (strings over LSP), the copy revealed at that event.
    vscode.commands.registerCommand(
      DECODE_LOG_CLIENT_COMMAND,
      async (uri?: vscode.Uri | string, line?: number) => {
        const log = uri
          ? await vscode.workspace.openTextDocument(typeof uri === 'string' ? vscode.Uri.parse(uri) : uri)
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
        const at =
          typeof line === 'number' && line < log.lineCount ? copyLine(doc, log.lineAt(line).text, line) : 0;
        const selection = new vscode.Range(at, 0, at, 0);
        await vscode.window.showTextDocument(doc, {
          preview: false,
          viewColumn: vscode.ViewColumn.Beside,
          selection,
        });
      },
    ),
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

/** Lines the copy may have gained before an event (inline levels, faulting-access lines) that are searched. */
const MAX_ADDED_LINES = 100_000;

/**
 * The copy's line for the log's line `line` holding `text`: decoding only adds lines (a frame's inline
 * levels, a faulting-access line), so it is the first equal line at or after the same index past the head.
 */
function copyLine(copy: vscode.TextDocument, text: string, line: number): number {
  let head = 0;
  while (head < copy.lineCount && !/^-{72}$/.test(copy.lineAt(head).text)) head++;
  const from = head + 1 + line;
  const to = Math.min(copy.lineCount, from + MAX_ADDED_LINES);
  for (let i = from; i < to; i++) if (copy.lineAt(i).text === text) return i;
  return Math.min(from, copy.lineCount - 1);
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
