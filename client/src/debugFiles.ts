// The status-bar item naming the debug files the server uses for the active log, the "Select debug
// files" command its click runs (writes kernelOops.vmlinux / modulePaths / sourceRoot / systemMap where
// the server will honour them: user settings in Restricted Mode, with consent), and the trust notification.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import {
  DEBUG_FILES_NOTIFICATION,
  SELECT_DEBUG_FILES_COMMAND as SELECT_COMMAND,
  WORKSPACE_TRUST_NOTIFICATION,
  type DebugFilesParams,
  type TrustInitializationOptions,
  type WorkspaceTrustParams,
} from '../../protocol';

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

/** The command and the status-bar item; the result attaches the language client once started. */
export function registerDebugFiles(context: vscode.ExtensionContext): (started: LanguageClient) => void {
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
    const rejected = Object.entries(p?.rejected ?? {});
    // A file that belongs to another kernel is never used; the status bar says so rather than naming it.
    item.text = names.length
      ? `$(file-binary) ${names.length > 2 ? `${names[0]} +${names.length - 1}` : names.join(', ')}${rejected.length ? ' $(warning)' : ''}`
      : rejected.length
        ? "$(warning) Debug files don't match this log"
        : '$(file-binary) No matching debug files';
    item.backgroundColor =
      rejected.length && !names.length ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    const md = new vscode.MarkdownString(undefined, true);
    md.appendMarkdown('**Kernel Oops Lens debug files**\n\n');
    if (p?.status) md.appendMarkdown(`${escape(p.status)}\n\n`);
    if (p?.vmlinux) md.appendMarkdown(`- vmlinux: \`${p.vmlinux.path}\` (${p.vmlinux.source})\n`);
    for (const [name, f] of Object.entries(p?.modules ?? {}))
      md.appendMarkdown(`- ${name}: \`${f.path}\` (${f.source})\n`);
    if (p?.systemMap) md.appendMarkdown(`- System.map: \`${p.systemMap}\`\n`);
    for (const [name, f] of rejected)
      md.appendMarkdown(`- $(close) ${name}: \`${f.path}\` not used: ${escape(f.reason)}\n`);
    if (!names.length && !rejected.length) md.appendMarkdown('None found for this log.\n');
    for (const m of p?.messages ?? []) md.appendMarkdown(`\n$(warning) ${escape(m)}\n`);
    md.appendMarkdown('\nClick to choose them.');
    item.tooltip = md;
    item.show();
  };

  context.subscriptions.push(
    item,
    vscode.window.onDidChangeActiveTextEditor(update),
    vscode.workspace.onDidCloseTextDocument((d) => byUri.delete(d.uri.toString())),
    vscode.commands.registerCommand(SELECT_COMMAND, selectDebugFiles),
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

/** Markdown-escaped text from the server (paths and reasons may hold `_`, `*`, backticks). */
function escape(text: string): string {
  return text.replace(/[\\`*_[\]]/g, '\\$&');
}

/** The settings Select debug files writes. */
type DebugFileSetting = 'vmlinux' | 'modulePaths' | 'sourceRoot' | 'systemMap';
const DEBUG_FILE_SETTINGS: readonly DebugFileSetting[] = [
  'vmlinux',
  'modulePaths',
  'sourceRoot',
  'systemMap',
];

/**
 * `kernelOops.selectDebugFiles` arguments, for keybindings and scripts (no dialogs): which setting, the
 * paths, and `scope: 'user'` to store them in the user settings (what an untrusted workspace needs).
 */
export interface SelectDebugFilesArgs {
  setting: DebugFileSetting;
  paths: string[];
  scope?: 'user' | 'workspace';
}

const RESTRICTED =
  'This folder is in Restricted Mode: its workspace settings of debug-file paths are ignored (a folder you do not trust must not choose which files are opened).';

/**
 * Where the choice is stored so that the server honours it: workspace settings in a trusted folder, user
 * settings without a folder. In Restricted Mode VS Code ignores the workspace value of these settings, so
 * the choice goes to the user settings (all folders) only with the user's consent; undefined: not stored.
 */
async function settingsTarget(scope: SelectDebugFilesArgs['scope'], interactive: boolean) {
  if (scope === 'user') return vscode.ConfigurationTarget.Global;
  if (!vscode.workspace.workspaceFolders?.length) return vscode.ConfigurationTarget.Global;
  if (vscode.workspace.isTrusted) return vscode.ConfigurationTarget.Workspace;
  const save = 'Save in User Settings';
  const trust = 'Manage Workspace Trust';
  const answer = interactive
    ? await vscode.window.showWarningMessage(
        `Kernel Oops Lens: ${RESTRICTED} Save the choice in your user settings (used in every folder) instead?`,
        { modal: true },
        save,
        trust,
      )
    : undefined;
  if (answer === save) return vscode.ConfigurationTarget.Global;
  if (answer === trust) void vscode.commands.executeCommand('workbench.trust.manage');
  else if (!interactive)
    void vscode.window.showWarningMessage(
      `Kernel Oops Lens: ${RESTRICTED} Nothing was saved; pass scope "user" to save in your user settings.`,
    );
  return undefined;
}

/** Select debug files: a quick pick and an open dialog, or `args` without any dialog. True when saved. */
async function selectDebugFiles(args?: SelectDebugFilesArgs): Promise<boolean> {
  const config = vscode.workspace.getConfiguration('kernelOops');
  if (args !== undefined) {
    if (!isSelectArgs(args)) {
      void vscode.window.showErrorMessage(
        `Kernel Oops Lens: selectDebugFiles takes {setting: ${DEBUG_FILE_SETTINGS.join(' | ')}, paths: string[], scope?: "user" | "workspace"}.`,
      );
      return false;
    }
    const target = await settingsTarget(args.scope, false);
    if (target === undefined) return false;
    await store(config, args.setting, args.paths, target);
    return true;
  }
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
      {
        key: 'sourceRoot',
        label: '$(file-code) Add kernel or module source tree…',
        description: show('sourceRoot'),
      },
      {
        key: 'systemMap',
        label: '$(symbol-numeric) Set System.map / kallsyms…',
        description: show('systemMap'),
      },
      { key: 'clear', label: '$(clear-all) Clear these settings' },
    ] as const,
    {
      title: 'Kernel Oops Lens: debug files',
      placeHolder: vscode.workspace.isTrusted
        ? 'Which debug files to use for kernel logs'
        : 'Restricted Mode: the choice can only be saved in your user settings',
    },
  );
  if (!choice) return false;
  const target = await settingsTarget(undefined, true);
  if (target === undefined) return false;
  if (choice.key === 'clear') {
    for (const k of DEBUG_FILE_SETTINGS) await config.update(k, undefined, target);
    return true;
  }
  const folders = choice.key === 'sourceRoot' || choice.key === 'modulePaths';
  const picked = await vscode.window.showOpenDialog({
    title: choice.label.replace(/^\$\([^)]*\) /, ''),
    canSelectFiles: choice.key !== 'sourceRoot',
    canSelectFolders: folders,
    canSelectMany: folders,
  });
  if (!picked?.length) return false;
  await store(
    config,
    choice.key,
    picked.map((u) => u.fsPath),
    target,
  );
  return true;
}

function isSelectArgs(a: unknown): a is SelectDebugFilesArgs {
  const o = a as Partial<SelectDebugFilesArgs> | null;
  return (
    !!o &&
    DEBUG_FILE_SETTINGS.includes(o.setting as DebugFileSetting) &&
    Array.isArray(o.paths) &&
    o.paths.length > 0 &&
    o.paths.every((p) => typeof p === 'string' && p.trim() !== '') &&
    (o.scope === undefined || o.scope === 'user' || o.scope === 'workspace')
  );
}

/** List settings (module paths, source roots) gain the paths; single-path settings take the first. */
async function store(
  config: vscode.WorkspaceConfiguration,
  setting: DebugFileSetting,
  paths: string[],
  target: vscode.ConfigurationTarget,
): Promise<void> {
  if (setting === 'modulePaths' || setting === 'sourceRoot') {
    const inspected = config.inspect<string | string[]>(setting);
    const current =
      target === vscode.ConfigurationTarget.Global ? inspected?.globalValue : inspected?.workspaceValue;
    const list = current === undefined ? [] : Array.isArray(current) ? current : [current];
    await config.update(setting, [...new Set([...list.filter((p) => p.trim() !== ''), ...paths])], target);
  } else await config.update(setting, paths[0], target);
}
