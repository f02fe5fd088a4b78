// Copy crash report (and its Markdown twin): the server writes the bug report of the event at the cursor (or
// at the line a CodeLens gives); the client only copies its text or its Markdown to the clipboard and says
// what it copied.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import {
  COPY_CRASH_REPORT_COMMAND,
  COPY_CRASH_REPORT_MARKDOWN_COMMAND,
  CRASH_REPORT_COMMAND,
  type CrashReportResult,
} from '../../protocol';
import { KERNEL_LOG } from './detectByContent';

export function registerCopyCrashReport(
  context: vscode.ExtensionContext,
  client: () => LanguageClient | undefined,
): void {
  const formats = [
    [COPY_CRASH_REPORT_COMMAND, 'text', 'the report'],
    [COPY_CRASH_REPORT_MARKDOWN_COMMAND, 'markdown', 'the Markdown report'],
  ] as const;
  for (const [command, field, what] of formats)
    context.subscriptions.push(
      vscode.commands.registerCommand(
        command,
        async (uri?: string | vscode.Uri, line?: number): Promise<CrashReportResult | null> => {
          const editor = vscode.window.activeTextEditor;
          const target = uri ? uri.toString() : editor?.document.uri.toString();
          const at = typeof line === 'number' ? line : editor?.selection.active.line;
          const c = client();
          if (!c || !target || at === undefined || (!uri && editor?.document.languageId !== KERNEL_LOG)) {
            void vscode.window.showWarningMessage(
              'Kernel Oops Lens: open a kernel log to copy a crash report.',
            );
            return null;
          }
          const result = await c.sendRequest<CrashReportResult | null>('workspace/executeCommand', {
            command: CRASH_REPORT_COMMAND,
            arguments: [target, at],
          });
          if (!result) {
            void vscode.window.showInformationMessage(
              'Kernel Oops Lens: no kernel event at or above this line.',
            );
            return null;
          }
          await vscode.env.clipboard.writeText(result[field]);
          void vscode.window.setStatusBarMessage(`Kernel Oops Lens: copied ${what} "${result.title}"`, 5000);
          return result;
        },
      ),
    );
}
