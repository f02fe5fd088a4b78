// Next crash / Previous crash: the server names every event's header (EVENT_HEADERS_COMMAND); the client
// only moves the cursor to the first one after (or before) the cursor's line and reveals it.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import {
  EVENT_HEADERS_COMMAND,
  NEXT_CRASH_COMMAND,
  PREVIOUS_CRASH_COMMAND,
  type EventHeader,
} from '../../protocol';
import { KERNEL_LOG } from './detectByContent';

export function registerNavigation(
  context: vscode.ExtensionContext,
  client: () => LanguageClient | undefined,
): void {
  const go = async (forward: boolean): Promise<EventHeader | null> => {
    const editor = vscode.window.activeTextEditor;
    const c = client();
    if (!editor || !c || editor.document.languageId !== KERNEL_LOG) {
      void vscode.window.showWarningMessage(
        'Kernel Oops Lens: open a kernel log to move between its crashes.',
      );
      return null;
    }
    const headers = await c.sendRequest<EventHeader[] | null>('workspace/executeCommand', {
      command: EVENT_HEADERS_COMMAND,
      arguments: [editor.document.uri.toString()],
    });
    const line = editor.selection.active.line;
    const list = headers ?? [];
    const target = forward ? list.find((h) => h.line > line) : list.filter((h) => h.line < line).pop();
    if (!target) {
      const where = forward ? 'after' : 'before';
      void vscode.window.setStatusBarMessage(`Kernel Oops Lens: no crash ${where} this line.`, 4000);
      return null;
    }
    const at = new vscode.Position(target.line, target.character);
    editor.selection = new vscode.Selection(at, at);
    editor.revealRange(new vscode.Range(at, at), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    return target;
  };
  context.subscriptions.push(
    vscode.commands.registerCommand(NEXT_CRASH_COMMAND, () => go(true)),
    vscode.commands.registerCommand(PREVIOUS_CRASH_COMMAND, () => go(false)),
  );
}
