// What the editor tests share: the suite's config, opening fixtures, waiting for our diagnostics and
// definitions, and the hand-over with the launcher (screenshots, and what only the page shows).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { loadConfig } from './config';
import { eventually } from './harness';

export const cfg = loadConfig();
export const fixture = (name: string) =>
  vscode.Uri.file(path.join(cfg.repoRoot, 'test-fixtures/editor', name));
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const codeOf = (d: vscode.Diagnostic) => (typeof d.code === 'object' ? d.code.value : d.code);

export async function open(uri: vscode.Uri): Promise<vscode.TextDocument> {
  const doc = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(doc, { preview: false });
  return doc;
}

export function lineOf(doc: vscode.TextDocument, needle: string): number {
  for (let i = 0; i < doc.lineCount; i++) if (doc.lineAt(i).text.includes(needle)) return i;
  throw new Error(`"${needle}" not in ${doc.uri.fsPath}`);
}

/** Diagnostics of our server for `uri`, once at least `min` have arrived. */
export function diagnostics(uri: vscode.Uri, min = 1): Promise<vscode.Diagnostic[]> {
  return eventually(`${min} diagnostics on ${path.basename(uri.fsPath)}`, () => {
    const d = vscode.languages.getDiagnostics(uri).filter((x) => x.source === 'kernel-oops-lens');
    return d.length >= min ? d : undefined;
  });
}

/** The first definition at `pos` as file and 0-based line, or undefined when there is none. */
export async function definitionAt(
  uri: vscode.Uri,
  pos: vscode.Position,
): Promise<{ uri: vscode.Uri; line: number } | undefined> {
  const defs = await vscode.commands.executeCommand<(vscode.Location | vscode.LocationLink)[]>(
    'vscode.executeDefinitionProvider',
    uri,
    pos,
  );
  const d = defs?.[0];
  if (!d) return undefined;
  return 'targetUri' in d
    ? { uri: d.targetUri, line: (d.targetSelectionRange ?? d.targetRange).start.line }
    : { uri: d.uri, line: d.range.start.line };
}

/** Lets the launcher take screenshots of the state this sets up: it writes `name.ready`, waits for `name.done`. */
export async function screenshotPause(name: string): Promise<void> {
  if (!cfg.screenshots || !cfg.handshakeDir) return;
  mkdirSync(cfg.handshakeDir, { recursive: true });
  writeFileSync(path.join(cfg.handshakeDir, `${name}.ready`), '');
  await eventually(
    `screenshot ${name}`,
    () => (existsSync(path.join(cfg.handshakeDir!, `${name}.done`)) ? true : undefined),
    60_000,
  );
}

let questions = 0;
/**
 * One question to the launcher, which alone sees the page: `request` is written to NAME.`ask` in the
 * handshake folder, the answer read from NAME.`answer` (JSON) once the launcher has written it.
 */
function askLauncher<T>(what: string, ask: string, request: string, answer: string): Promise<T> {
  const dir = cfg.handshakeDir;
  if (!dir) throw new Error(`${what} needs the code-server launcher (run-code-server.mjs)`);
  mkdirSync(dir, { recursive: true });
  const name = `${ask}-${++questions}`;
  writeFileSync(path.join(dir, `${name}.${ask}`), request);
  const file = path.join(dir, `${name}.${answer}`);
  return eventually(`the launcher's answer ${name}`, () =>
    existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as T) : undefined,
  );
}

/** The status bar entries as the page renders them (text | accessible label), read by the launcher. */
export async function statusBarTexts(): Promise<string[]> {
  return (await askLauncher<{ statusBar: string[] }>('reading the status bar', 'ask', '', 'json')).statusBar;
}

/** The notification toasts the page shows now (their messages), read by the launcher. */
export async function notificationTexts(): Promise<string[]> {
  const a = await askLauncher<{ notifications?: string[] }>('reading notifications', 'ask', '', 'json');
  return a.notifications ?? [];
}

/** Has the launcher click the page's first button or link with this text (a user's click); false if none. */
export async function pressButton(text: string): Promise<boolean> {
  return (await askLauncher<{ pressed: boolean }>('pressing a button', 'press', text, 'pressed')).pressed;
}

/** Waits until a status bar entry contains `needle`; returns that entry. */
export function statusBarEntry(needle: string, timeoutMs = 30_000): Promise<string> {
  return eventually(
    `a status bar entry with "${needle}"`,
    async () => (await statusBarTexts()).find((t) => t.includes(needle)),
    timeoutMs,
  );
}

/** The rows of a side-bar view as the page shows them (aria label, tree level, expanded), read by the launcher. */
export async function viewRows(
  view: string,
): Promise<{ label: string; level: number; expanded: string | null }[]> {
  type Rows = { rows: { label: string; level: number; expanded: string | null }[] };
  return (await askLauncher<Rows>('reading a view', 'rows', view, 'json')).rows;
}

/** Has the launcher click the first row of a side-bar view whose label starts with `label`; false if none. */
export async function clickViewRow(view: string, label: string): Promise<boolean> {
  const request = JSON.stringify({ view, label });
  return (await askLauncher<{ clicked: boolean }>('clicking a view', 'click', request, 'clicked')).clicked;
}
