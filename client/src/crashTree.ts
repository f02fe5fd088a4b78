// The Kernel Crashes view (Explorer): the events of the workspace's kernel logs grouped by signature, as
// `oops-lens triage` groups them, and under "This log" the same for the active kernel log alone (a huge
// log's thousands of events as a few groups, none lost past the Problems cap; a log above the 50 MB VS Code
// gives extensions, read from disk, largeLogs.ts). The server computes the
// groups (kernelOops/crashGroups) and a group's events when it is expanded (kernelOops/crashGroupEvents);
// this file only lists the logs, keeps the last answer until something changes, cancels a request that a
// change made stale, and opens an event when clicked.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import {
  CRASH_GROUP_EVENTS_REQUEST,
  CRASH_GROUPS_REQUEST,
  type CrashEventLocation,
  type CrashGroup,
  type CrashGroupsResult,
} from '../../protocol';
import { isDecodedDocument } from './decodedDocuments';
import { KERNEL_LOG } from './detectByContent';
import { activeLargeLog } from './largeLogs';

export const CRASH_TREE_VIEW = 'kernelOops.crashes';
const REFRESH_COMMAND = 'kernelOops.crashes.refresh';
/** At most this many workspace files are listed (a huge tree). */
const MAX_FILES = 5000;
/** Changes closer together than this refresh once. */
const REFRESH_DELAY_MS = 1000;

type Scope = { type: 'scope'; label: string; uris: () => Promise<string[]>; which: 'workspace' | 'active' };
type GroupNode = { type: 'group'; scope: Scope; group: CrashGroup };
type EventNode = { type: 'event'; parent: GroupNode; location: CrashEventLocation };
type MessageNode = { type: 'message'; label: string; tooltip?: string };
type Node = Scope | GroupNode | EventNode | MessageNode;

interface LanguageContribution {
  id: string;
  extensions?: string[];
  filenames?: string[];
  filenamePatterns?: string[];
}

/** One glob for every file VS Code opens as Kernel Log by name (package.json's own language entry). */
function kernelLogGlob(context: vscode.ExtensionContext): string {
  const pkg = context.extension.packageJSON as { contributes?: { languages?: LanguageContribution[] } };
  const lang = pkg.contributes?.languages?.find((l) => l.id === KERNEL_LOG);
  const parts = [
    ...(lang?.extensions ?? []).map((e) => `*${e}`),
    ...(lang?.filenames ?? []),
    ...(lang?.filenamePatterns ?? []),
  ];
  return `**/{${parts.join(',')}}`;
}

class CrashTree implements vscode.TreeDataProvider<Node> {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  /** The last answer per scope, until a change; the request in flight, to cancel. */
  private readonly answers = new Map<Scope['which'], Promise<CrashGroupsResult | null>>();
  private readonly inFlight = new Map<Scope['which'], vscode.CancellationTokenSource>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly client: () => Promise<LanguageClient | undefined>,
    private readonly glob: string,
  ) {}

  /** Something the groups depend on changed: cancel what is being computed, recompute when next shown. */
  refresh(which?: Scope['which']): void {
    for (const w of which ? [which] : (['workspace', 'active'] as const)) {
      this.inFlight.get(w)?.cancel();
      this.inFlight.delete(w);
      this.answers.delete(w);
    }
    this.changed.fire(undefined);
  }

  refreshSoon(which?: Scope['which']): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.refresh(which), REFRESH_DELAY_MS);
  }

  getTreeItem(n: Node): vscode.TreeItem {
    switch (n.type) {
      case 'scope': {
        const item = new vscode.TreeItem(n.label, vscode.TreeItemCollapsibleState.Expanded);
        // Stable ids keep what is expanded across refreshes.
        item.id = n.which;
        item.contextValue = 'scope';
        return item;
      }
      case 'group': {
        const g = n.group;
        const item = new vscode.TreeItem(g.title, vscode.TreeItemCollapsibleState.Collapsed);
        const logs = n.scope.which === 'workspace' ? `, ${g.logs} log${g.logs === 1 ? '' : 's'}` : '';
        item.description = `×${g.count}${logs}${g.culprit ? ` · ${g.culprit}` : ''}`;
        item.tooltip = [
          g.title,
          `${g.count} event${g.count === 1 ? '' : 's'}${logs}`,
          g.culprit ? `culprit: ${g.culprit}` : '',
          g.releases.length ? `release: ${g.releases.join(', ')}` : '',
          g.signature !== g.title ? `signature: ${g.signature}` : '',
        ]
          .filter(Boolean)
          .join('\n');
        item.accessibilityInformation = {
          label: `${g.title}, ${g.count} event${g.count === 1 ? '' : 's'}${logs}`,
        };
        item.iconPath = new vscode.ThemeIcon(
          g.severity === 'error' ? 'error' : g.severity === 'warning' ? 'warning' : 'info',
        );
        item.id = `${n.scope.which}\n${g.signature}`;
        item.contextValue = 'group';
        return item;
      }
      case 'event': {
        const e = n.location;
        const uri = vscode.Uri.parse(e.uri);
        const name = uri.scheme === 'file' ? path.basename(uri.fsPath) : uri.path;
        const item = new vscode.TreeItem(`${name}:${e.line + 1}`, vscode.TreeItemCollapsibleState.None);
        item.description = e.culprit ?? '';
        item.accessibilityInformation = { label: `${name}:${e.line + 1}, ${e.title}` };
        item.tooltip = `${e.title}\n${uri.scheme === 'file' ? uri.fsPath : e.uri}:${e.line + 1}`;
        const at = new vscode.Range(e.line, e.character, e.line, e.character);
        item.command = {
          title: 'Go to the event',
          command: 'vscode.open',
          arguments: [uri, { selection: at, preview: true } satisfies vscode.TextDocumentShowOptions],
        };
        item.id = `${n.parent.scope.which}\n${n.parent.group.signature}\n${e.uri}\n${e.line}`;
        item.contextValue = 'event';
        return item;
      }
      case 'message':
        return Object.assign(new vscode.TreeItem(n.label), { tooltip: n.tooltip });
    }
  }

  async getChildren(n?: Node): Promise<Node[]> {
    if (!n) return await this.scopes();
    if (n.type === 'scope') return this.groups(n);
    if (n.type === 'group') return this.events(n);
    return [];
  }

  private async scopes(): Promise<Node[]> {
    const scopes: Node[] = [];
    const active = vscode.window.activeTextEditor?.document;
    // A log VS Code keeps from extensions has no text editor for us: its tab names the file.
    const uri =
      active && active.languageId === KERNEL_LOG && !isDecodedDocument(active)
        ? active.uri
        : (await activeLargeLog())?.uri;
    if (uri) {
      const name = uri.scheme === 'file' ? path.basename(uri.fsPath) : uri.path;
      scopes.push({
        type: 'scope',
        which: 'active',
        label: `This log: ${name}`,
        uris: () => Promise.resolve([uri.toString()]),
      });
    }
    scopes.push({
      type: 'scope',
      which: 'workspace',
      label: 'Kernel logs in the workspace',
      uris: () => this.workspaceLogs(),
    });
    return scopes;
  }

  /** The workspace's files named like kernel logs, and every open kernel log (untitled ones too). */
  private async workspaceLogs(): Promise<string[]> {
    const files = vscode.workspace.workspaceFolders?.length
      ? await vscode.workspace.findFiles(this.glob, '**/node_modules/**', MAX_FILES)
      : [];
    const open = vscode.workspace.textDocuments.filter(
      (d) => d.languageId === KERNEL_LOG && !isDecodedDocument(d),
    );
    return [...new Set([...files, ...open.map((d) => d.uri)].map((u) => u.toString()))];
  }

  private answer(scope: Scope): Promise<CrashGroupsResult | null> {
    let p = this.answers.get(scope.which);
    if (!p) {
      const source = new vscode.CancellationTokenSource();
      this.inFlight.set(scope.which, source);
      p = (async () => {
        const c = await this.client();
        if (!c) return null;
        const uris = await scope.uris();
        return c.sendRequest<CrashGroupsResult | null>(CRASH_GROUPS_REQUEST, { uris }, source.token);
      })();
      // A failed or cancelled answer is not kept: the next look asks again.
      p.catch(() => this.answers.get(scope.which) === p && this.answers.delete(scope.which));
      this.answers.set(scope.which, p);
    }
    return p;
  }

  private async groups(scope: Scope): Promise<Node[]> {
    let r: CrashGroupsResult | null;
    try {
      r = await this.answer(scope);
    } catch (e) {
      return [{ type: 'message', label: `Could not group the logs: ${String(e)}` }];
    }
    if (!r) return [{ type: 'message', label: 'The language server is not running.' }];
    const nodes: Node[] = r.groups.map((group) => ({ type: 'group', scope, group }));
    if (r.groups.length === 0)
      nodes.push({ type: 'message', label: `No kernel events in ${r.logs} log${r.logs === 1 ? '' : 's'}.` });
    if (r.consequences)
      nodes.push({
        type: 'message',
        label: `${r.consequences} consequence${r.consequences === 1 ? '' : 's'} of earlier crashes not counted`,
      });
    if (r.skipped.length)
      nodes.push({
        type: 'message',
        label: `${r.skipped.length} file${r.skipped.length === 1 ? '' : 's'} skipped`,
        tooltip: r.skipped.join('\n'),
      });
    return nodes;
  }

  private async events(n: GroupNode): Promise<Node[]> {
    const c = await this.client();
    if (!c) return [];
    const source = this.inFlight.get(n.scope.which) ?? new vscode.CancellationTokenSource();
    const locations = await c.sendRequest<CrashEventLocation[] | null>(
      CRASH_GROUP_EVENTS_REQUEST,
      { uris: await n.scope.uris(), signature: n.group.signature },
      source.token,
    );
    return (locations ?? []).map((location) => ({ type: 'event', parent: n, location }));
  }
}

export function registerCrashTree(
  context: vscode.ExtensionContext,
  client: () => Promise<LanguageClient | undefined>,
): void {
  const glob = kernelLogGlob(context);
  const tree = new CrashTree(client, glob);
  const view = vscode.window.createTreeView(CRASH_TREE_VIEW, {
    treeDataProvider: tree,
    showCollapseAll: true,
  });
  const watcher = vscode.workspace.createFileSystemWatcher(glob);
  const isLog = (d: vscode.TextDocument) => d.languageId === KERNEL_LOG && !isDecodedDocument(d);
  context.subscriptions.push(
    view,
    watcher,
    vscode.commands.registerCommand(REFRESH_COMMAND, () => tree.refresh()),
    watcher.onDidCreate(() => tree.refreshSoon('workspace')),
    watcher.onDidChange(() => tree.refreshSoon('workspace')),
    watcher.onDidDelete(() => tree.refreshSoon('workspace')),
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (isLog(e.document) && e.contentChanges.length) tree.refreshSoon();
    }),
    vscode.workspace.onDidOpenTextDocument((d) => isLog(d) && tree.refreshSoon('workspace')),
    vscode.workspace.onDidCloseTextDocument((d) => isLog(d) && tree.refreshSoon('workspace')),
    vscode.window.onDidChangeActiveTextEditor(() => tree.refresh('active')),
    // A large log's tab becoming active fires no editor change (there is no editor for us).
    vscode.window.tabGroups.onDidChangeTabs((e) => {
      if (e.opened.length || e.closed.length || e.changed.some((t) => t.isActive)) tree.refresh('active');
    }),
  );
}
