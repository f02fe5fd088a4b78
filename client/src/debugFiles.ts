// The status-bar item naming the debug files the server uses for the active log, the "Select debug
// files" command its click runs (writes kernelOops.vmlinux / modulePaths / sourceRoot / systemMap), and
// the "Decode log" command (the server decodes; the client only opens the text in a new editor).
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import {
  DEBUG_FILES_NOTIFICATION,
  DECODE_LOG_COMMAND as SERVER_DECODE_COMMAND,
  WORKSPACE_TRUST_NOTIFICATION,
  type DebugFilesParams,
  type DecodeLogResult,
  type TrustInitializationOptions,
  type WorkspaceTrustParams,
} from '../../protocol';

const SELECT_COMMAND = 'kernelOops.selectDebugFiles';
const DECODE_COMMAND = 'kernelOops.decodeLog';

/** initializationOptions: in an untrusted workspace the server opens and runs nothing from it. */
export function trustOptions(): TrustInitializationOptions {
  return { workspaceTrusted: vscode.workspace.isTrusted };
}

/**
 * Tells the server when the user trusts the workspace (VS Code never revokes trust without a reload).
 * `sent`: the trustOptions() the client started with (trust may have come while it started).
 */
export function registerWorkspaceTrust(
  context: vscode.ExtensionContext,
  client: LanguageClient,
  sent: TrustInitializationOptions,
): void {
  const params: WorkspaceTrustParams = { trusted: true };
  const trusted = () => void client.sendNotification(WORKSPACE_TRUST_NOTIFICATION, params);
  context.subscriptions.push(vscode.workspace.onDidGrantWorkspaceTrust(trusted));
  if (vscode.workspace.isTrusted && !sent.workspaceTrusted) trusted();
}

/** The commands and the status-bar item; `client` is the language client once started (at the first kernel log). */
export function registerDebugFiles(
  context: vscode.ExtensionContext,
  client: () => LanguageClient | undefined,
): (started: LanguageClient) => void {
  const byUri = new Map<string, DebugFilesParams>();
  const item = vscode.window.createStatusBarItem(
    'kernelOops.debugFiles',
    vscode.StatusBarAlignment.Right,
    100,
  );
  item.name = 'Kernel Oops Lens debug files';
  item.command = SELECT_COMMAND;

  const update = () => {
    const doc = vscode.window.activeTextEditor?.document;
    if (!doc || doc.languageId !== 'kernel-log') return item.hide();
    const p = byUri.get(doc.uri.toString());
    const modules = p ? Object.keys(p.modules) : [];
    const names = [p?.vmlinux ? path.basename(p.vmlinux.path) : null, ...modules].filter(
      (n): n is string => !!n,
    );
    item.text = names.length
      ? `$(file-binary) ${names.length > 2 ? `${names[0]} +${names.length - 1}` : names.join(', ')}`
      : '$(file-binary) No debug files';
    const md = new vscode.MarkdownString(undefined, true);
    md.appendMarkdown('**Kernel Oops Lens debug files**\n\n');
    if (p?.vmlinux) md.appendMarkdown(`- vmlinux: \`${p.vmlinux.path}\` (${p.vmlinux.source})\n`);
    for (const [name, f] of Object.entries(p?.modules ?? {}))
      md.appendMarkdown(`- ${name}: \`${f.path}\` (${f.source})\n`);
    if (p?.systemMap) md.appendMarkdown(`- System.map: \`${p.systemMap}\`\n`);
    if (!names.length) md.appendMarkdown('None found for this log.\n');
    for (const m of p?.messages ?? [])
      md.appendMarkdown(`\n$(warning) ${m.replace(/[\\`*_[\]]/g, '\\$&')}\n`);
    md.appendMarkdown('\nClick to choose them.');
    item.tooltip = md;
    item.show();
  };

  context.subscriptions.push(
    item,
    vscode.window.onDidChangeActiveTextEditor(update),
    vscode.workspace.onDidCloseTextDocument((d) => byUri.delete(d.uri.toString())),
    vscode.commands.registerCommand(SELECT_COMMAND, selectDebugFiles),
    vscode.commands.registerCommand(DECODE_COMMAND, (uri?: vscode.Uri) => decodeLog(client(), uri)),
  );
  update();
  return (started) =>
    context.subscriptions.push(
      started.onNotification(DEBUG_FILES_NOTIFICATION, (p: DebugFilesParams) => {
        byUri.set(p.uri, p);
        update();
      }),
    );
}

async function selectDebugFiles(): Promise<void> {
  const config = vscode.workspace.getConfiguration('kernelOops');
  const target = vscode.workspace.workspaceFolders?.length
    ? vscode.ConfigurationTarget.Workspace
    : vscode.ConfigurationTarget.Global;
  const show = (key: string) => {
    const v = config.get<string | string[]>(key);
    return Array.isArray(v) ? v.join(', ') || 'not set' : v || 'not set';
  };
  const choice = await vscode.window.showQuickPick(
    [
      { key: 'vmlinux', label: '$(file-binary) Set vmlinux…', description: show('vmlinux') },
      {
        key: 'modulePaths',
        label: '$(folder-library) Add module folder or .ko file…',
        description: show('modulePaths'),
      },
      { key: 'sourceRoot', label: '$(file-code) Set kernel source tree…', description: show('sourceRoot') },
      {
        key: 'systemMap',
        label: '$(symbol-numeric) Set System.map / kallsyms…',
        description: show('systemMap'),
      },
      { key: 'clear', label: '$(clear-all) Clear these settings' },
    ],
    { title: 'Kernel Oops Lens: debug files', placeHolder: 'Which debug files to use for kernel logs' },
  );
  if (!choice) return;
  if (choice.key === 'clear') {
    for (const k of ['vmlinux', 'modulePaths', 'sourceRoot', 'systemMap'])
      await config.update(k, undefined, target);
    return;
  }
  const folders = choice.key === 'sourceRoot' || choice.key === 'modulePaths';
  const picked = await vscode.window.showOpenDialog({
    title: choice.label.replace(/^\$\([^)]*\) /, ''),
    canSelectFiles: choice.key !== 'sourceRoot',
    canSelectFolders: folders,
    canSelectMany: choice.key === 'modulePaths',
  });
  if (!picked?.length) return;
  const paths = picked.map((u) => u.fsPath);
  if (choice.key === 'modulePaths')
    await config.update(
      'modulePaths',
      [...new Set([...(config.get<string[]>('modulePaths') ?? []), ...paths])],
      target,
    );
  else await config.update(choice.key, paths[0], target);
}

async function decodeLog(client: LanguageClient | undefined, uri?: vscode.Uri): Promise<void> {
  const doc = uri ? await vscode.workspace.openTextDocument(uri) : vscode.window.activeTextEditor?.document;
  if (!client || !doc || doc.languageId !== 'kernel-log') {
    void vscode.window.showWarningMessage('Kernel Oops Lens: open a kernel log to decode it.');
    return;
  }
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Kernel Oops Lens: decoding the log…' },
    () =>
      client.sendRequest<DecodeLogResult | null>('workspace/executeCommand', {
        command: SERVER_DECODE_COMMAND,
        arguments: [doc.uri.toString()],
      }),
  );
  if (!result) return;
  const decoded = await vscode.workspace.openTextDocument({ content: result.text, language: 'kernel-log' });
  await vscode.window.showTextDocument(decoded, { preview: false, viewColumn: vscode.ViewColumn.Beside });
}
