// Open kernel log: pstore: the crash logs pstore kept (ramoops, EFI; systemd-pstore's copies), read by the
// server — it runs where the workspace is — with the engine's pstore reader, parts joined oldest first, shown
// as a read-only Kernel Log capture. When nothing is readable the message says why and offers a folder.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { PSTORE_COMMAND, type PstoreResult } from '../../protocol';
import { openCapturedText, type CaptureResult } from './capture';
import { pstoreDirs, pstoreFailureMessage } from './captureSources';

export const OPEN_PSTORE_COMMAND = 'kernelOops.openKernelLog.pstore';
const CHOOSE_FOLDER = 'Choose a folder…';

export function registerPstore(
  context: vscode.ExtensionContext,
  client: () => LanguageClient | undefined,
): void {
  const open = async (folders?: string[]): Promise<CaptureResult> => {
    const c = client();
    if (!c) {
      const message = 'Kernel Oops Lens: the language server is not running.';
      void vscode.window.showErrorMessage(message);
      return { uri: null, source: null, message };
    }
    const paths = folders ?? pstoreDirs();
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Kernel Oops Lens: reading pstore dumps' },
      () =>
        c.sendRequest<PstoreResult>('workspace/executeCommand', {
          command: PSTORE_COMMAND,
          arguments: paths ? [paths] : [],
        }),
    );
    if (!result.text) {
      const message = pstoreFailureMessage(result.problems);
      void vscode.window.showErrorMessage(message, CHOOSE_FOLDER).then(async (choice) => {
        if (choice !== CHOOSE_FOLDER) return;
        const picked = await vscode.window.showOpenDialog({
          canSelectFiles: false,
          canSelectFolders: true,
          openLabel: 'Read pstore dumps',
        });
        if (picked?.[0]) await open([picked[0].fsPath]);
      });
      return { uri: null, source: null, message };
    }
    const uri = await openCapturedText('pstore', result.text);
    const notes = result.problems.length ? ` (${result.problems.length} file(s) skipped)` : '';
    void vscode.window.setStatusBarMessage(`Kernel Oops Lens: ${result.dumps.join('; ')}${notes}`, 8000);
    return { uri, source: result.dumps.join('; '), message: null };
  };
  context.subscriptions.push(
    vscode.commands.registerCommand(OPEN_PSTORE_COMMAND, (folders?: string[]) => open(folders)),
  );
}
