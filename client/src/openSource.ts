// The culprit CodeLens' target: the server names a source file and a position (a string URI and 0-based
// line and column over LSP); this opens it there.
import * as vscode from 'vscode';
import { OPEN_SOURCE_COMMAND } from '../../protocol';

export function registerOpenSource(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.commands.registerCommand(OPEN_SOURCE_COMMAND, async (uri: string, line = 0, character = 0) => {
      if (typeof uri !== 'string') return undefined;
      const at = new vscode.Range(line, character, line, character);
      return vscode.window.showTextDocument(vscode.Uri.parse(uri), { selection: at, preview: true });
    }),
  );
}
