// The VS Code side of Kernel Oops Lens: starts the bundled language server and nothing more. Everything
// that understands kernel logs lives in the server, so other editors get the same features.
import * as vscode from 'vscode';
import {
  LanguageClient,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { registerDebugFiles, registerWorkspaceTrust, trustOptions } from './debugFiles';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const serverModule = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: {
      module: serverModule,
      transport: TransportKind.ipc,
      options: { execArgv: ['--nolazy', '--inspect=6009'] },
    },
  };
  // vscode-languageclient 11 expects a LogOutputChannel; the client id `kernelOops` makes it read
  // `kernelOops.trace.server` by itself.
  const outputChannel = vscode.window.createOutputChannel('Kernel Oops Lens', { log: true });
  const trust = trustOptions();
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ language: 'kernel-log' }],
    outputChannel,
    synchronize: { configurationSection: 'kernelOops' },
    initializationOptions: trust,
  };
  client = new LanguageClient('kernelOops', 'Kernel Oops Lens', serverOptions, clientOptions);
  context.subscriptions.push(outputChannel);
  await client.start();
  registerWorkspaceTrust(context, client, trust);
  registerDebugFiles(context, client);
}

export async function deactivate(): Promise<void> {
  const running = client;
  client = undefined;
  if (running) await running.stop();
}
