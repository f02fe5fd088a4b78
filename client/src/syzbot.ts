// Search this title on syzbot (a diagnostic's code action): opens the dashboard in the browser, and only
// then — nothing is fetched by the extension itself.
import * as vscode from 'vscode';
import { SEARCH_SYZBOT_COMMAND, syzbotSearchUrl } from '../../protocol';

export function registerSearchSyzbot(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.commands.registerCommand(SEARCH_SYZBOT_COMMAND, async (title?: unknown) => {
      if (typeof title !== 'string' || !title.trim()) {
        void vscode.window.showWarningMessage('Kernel Oops Lens: no crash title to search for.');
        return false;
      }
      // A string, not a Uri: VS Code opens a string as given, whereas Uri.toString() would percent-encode
      // the `:~:` of the text fragment (the extension host's openUri accepts both).
      return vscode.env.openExternal(syzbotSearchUrl(title) as unknown as vscode.Uri);
    }),
  );
}
