// The VS Code side of Kernel Oops Lens: starts the bundled language server once a kernel log is open, and
// recognises kernel logs VS Code opened as Log / Plain Text / guessed Markdown (detectByContent.ts).
// Everything else that understands kernel logs lives in the server, so other editors get the same features.
import * as vscode from 'vscode';
import {
  LanguageClient,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { registerDebugFiles, registerWorkspaceTrust, trustOptions } from './debugFiles';
import type { TrustInitializationOptions } from '../../protocol';
import { registerCapture } from './capture';
import { registerCopyCrashReport } from './crashReport';
import { registerCrashTree } from './crashTree';
import { registerLargeLogs } from './largeLogs';
import { registerExplainCrashTool } from './lmTool';
import { registerPstore } from './pstore';
import { isDecodedDocument, registerDecodeLog } from './decodedDocuments';
import { KERNEL_LOG, registerContentDetection } from './detectByContent';
import { registerNavigation } from './navigation';
import { registerOpenSource } from './openSource';
import { registerSearchSyzbot } from './syzbot';

let client: LanguageClient | undefined;

export function activate(context: vscode.ExtensionContext): void {
  // vscode-languageclient 11 expects a LogOutputChannel.
  const outputChannel = vscode.window.createOutputChannel('Kernel Oops Lens', { log: true });
  context.subscriptions.push(outputChannel);
  // Activated by any Log / Plain Text / Markdown document too (to look at its content): the server starts
  // only when there is a kernel log to serve.
  const attachDebugFiles = registerDebugFiles(context);
  registerDecodeLog(context, () => client);
  registerCopyCrashReport(context, () => client);
  registerExplainCrashTool(context, () => client);
  registerNavigation(context, () => client);
  registerSearchSyzbot(context);
  registerOpenSource(context);
  registerCapture(context);
  registerPstore(context, () => client);
  let starting: Promise<LanguageClient | undefined> | undefined;
  const start = (): Promise<LanguageClient | undefined> => {
    if (starting) return starting;
    const trust = trustOptions();
    const started = createClient(context, outputChannel, trust);
    client = started;
    attachDebugFiles(started);
    starting = started.start().then(
      () => {
        registerWorkspaceTrust(context, started, trust);
        return started;
      },
      (e: unknown) => {
        outputChannel.error(`the language server did not start: ${String(e)}`);
        return undefined;
      },
    );
    return starting;
  };
  const startWhenNeeded = (doc: vscode.TextDocument) => {
    if (doc.languageId !== KERNEL_LOG || isDecodedDocument(doc) || client) return;
    void start();
  };
  // The Kernel Crashes view needs the server even when no kernel log is open.
  registerCrashTree(context, start);
  // Logs above VS Code's 50 MB sync limit never reach onDidOpenTextDocument: the server reads them from disk.
  registerLargeLogs(context, start, outputChannel);
  context.subscriptions.push(vscode.workspace.onDidOpenTextDocument(startWhenNeeded));
  vscode.workspace.textDocuments.forEach(startWhenNeeded);
  registerContentDetection(context, outputChannel);
}

function createClient(
  context: vscode.ExtensionContext,
  outputChannel: vscode.LogOutputChannel,
  trust: TrustInitializationOptions,
): LanguageClient {
  const serverModule = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: {
      module: serverModule,
      transport: TransportKind.ipc,
      options: { execArgv: ['--nolazy', '--inspect=6009'] },
    },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ language: KERNEL_LOG }],
    outputChannel,
    synchronize: { configurationSection: 'kernelOops' },
    initializationOptions: trust,
    // A decoded copy is highlighted as a kernel log but not analysed: its events are the log's, already
    // in Problems. Requests for it reach the server, which answers null for a document it never saw.
    middleware: {
      didOpen: (doc, next) => (isDecodedDocument(doc) ? Promise.resolve() : next(doc)),
      didClose: (doc, next) => (isDecodedDocument(doc) ? Promise.resolve() : next(doc)),
    },
  };
  // The client id `kernelOops` makes it read `kernelOops.trace.server` by itself.
  return new LanguageClient('kernelOops', 'Kernel Oops Lens', serverOptions, clientOptions);
}

export async function deactivate(): Promise<void> {
  const running = client;
  client = undefined;
  if (running) await running.stop();
}
