// Speaks to the built language server over stdio the way an editor does (vscode-jsonrpc), and collects
// what it publishes. Used by the LSP-level tests; not a test file itself.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createMessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type MessageConnection,
} from 'vscode-jsonrpc/node';
import assert from 'node:assert/strict';
import type {
  Diagnostic,
  DocumentSymbol,
  FoldingRange,
  Hover,
  Range,
  InitializeResult,
  PublishDiagnosticsParams,
  TextDocumentContentChangeEvent,
} from 'vscode-languageserver-protocol';

export const REPO = path.resolve(__dirname, '../..');
export const SERVER = path.join(REPO, 'dist/server.js');
/** The real-data corpora (syzkaller/, qemu/, qemu-arm64/) copied into the repository. */
export const CORPUS = path.resolve(REPO, 'test-fixtures/corpus');
/** An empty folder, the default workspace of a test session. */
export const EMPTY_WORKSPACE = mkdtempSync(path.join(tmpdir(), 'oops-lens-workspace-'));
process.on('exit', () => rmSync(EMPTY_WORKSPACE, { recursive: true, force: true }));

export function fixtureText(name: string): string {
  return readFileSync(path.join(REPO, 'test-fixtures/lsp', name), 'utf8');
}
export function uriOf(name: string): string {
  return pathToFileURL(path.join(REPO, 'test-fixtures/lsp', name)).href;
}
/** Lines as LSP counts them (`\r\n`, `\r`, `\n`). */
export function lspLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}
export function lineIndex(text: string, needle: string): number {
  const i = lspLines(text).findIndex((l) => l.includes(needle));
  if (i < 0) throw new Error(`"${needle}" not found`);
  return i;
}

export class LspSession {
  readonly conn: MessageConnection;
  readonly proc: ChildProcessWithoutNullStreams;
  /** Every publishDiagnostics in arrival order. */
  readonly published: PublishDiagnosticsParams[] = [];
  stderr = '';
  /** The server's window/logMessage texts, in order. */
  readonly logs: string[] = [];
  private listeners: (() => void)[] = [];
  initializeResult!: InitializeResult;
  /** What this "editor" answers to workspace/configuration for the `kernelOops` section. */
  configuration: unknown = null;

  constructor(env: Record<string, string> = {}) {
    if (!existsSync(SERVER)) throw new Error(`${SERVER} missing: run npm run build first`);
    this.proc = spawn(process.execPath, [SERVER, '--stdio'], {
      stdio: 'pipe',
      env: { ...process.env, ...env },
    });
    this.proc.stderr.on('data', (d) => (this.stderr += d));
    this.conn = createMessageConnection(
      new StreamMessageReader(this.proc.stdout),
      new StreamMessageWriter(this.proc.stdin),
    );
    this.conn.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      this.published.push(p);
      for (const l of this.listeners.slice()) l();
    });
    this.conn.onNotification('window/logMessage', (m: { message: string }) => void this.logs.push(m.message));
    this.conn.onRequest('workspace/configuration', (p: { items: unknown[] }) =>
      p.items.map(() => this.configuration),
    );
    this.conn.onRequest('client/registerCapability', () => null);
    this.conn.listen();
  }

  /**
   * `root` is the workspace folder the server sees. It defaults to an empty folder: the repository holds real
   * debug files (test-fixtures/corpus/qemu/module/buggy.ko, …) that the server's workspace search would pick up.
   */
  async initialize(
    capabilities: object = {},
    initializationOptions?: unknown,
    root: string = EMPTY_WORKSPACE,
  ): Promise<InitializeResult> {
    this.initializeResult = await this.conn.sendRequest('initialize', {
      processId: process.pid,
      rootUri: pathToFileURL(root).href,
      capabilities,
      initializationOptions,
    });
    await this.conn.sendNotification('initialized', {});
    return this.initializeResult;
  }

  /** `until`, its timeout saying what the server logged and whether it is still running. */
  async until(what: string, pred: () => boolean, ms?: number): Promise<void> {
    try {
      await until(what, pred, ms);
    } catch (e) {
      const exit = this.proc.exitCode ?? this.proc.signalCode;
      throw new Error(
        `${(e as Error).message}; server ${exit === null ? 'running' : `exited (${exit})`}, its log: ${JSON.stringify(this.logs.slice(-20))}, stderr: ${JSON.stringify(this.stderr.slice(-2000))}`,
      );
    }
  }

  open(uri: string, text: string, version = 1): Promise<void> {
    return this.conn.sendNotification('textDocument/didOpen', {
      textDocument: { uri, languageId: 'kernel-log', version, text },
    });
  }
  change(uri: string, version: number, contentChanges: TextDocumentContentChangeEvent[]): Promise<void> {
    return this.conn.sendNotification('textDocument/didChange', {
      textDocument: { uri, version },
      contentChanges,
    });
  }
  close(uri: string): Promise<void> {
    return this.conn.sendNotification('textDocument/didClose', { textDocument: { uri } });
  }
  symbols(uri: string): Promise<DocumentSymbol[] | null> {
    return this.conn.sendRequest('textDocument/documentSymbol', { textDocument: { uri } });
  }
  folding(uri: string): Promise<FoldingRange[] | null> {
    return this.conn.sendRequest('textDocument/foldingRange', { textDocument: { uri } });
  }
  hover(uri: string, line: number, character: number): Promise<Hover | null> {
    return this.conn.sendRequest('textDocument/hover', {
      textDocument: { uri },
      position: { line, character },
    });
  }

  /** The first publication for `uri` (after `since` publications) that satisfies `pred`. */
  waitForDiagnostics(
    uri: string,
    pred: (p: PublishDiagnosticsParams) => boolean = () => true,
    timeoutMs = 20_000,
    since = 0,
  ): Promise<Diagnostic[]> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const hit = this.published.slice(since).find((p) => p.uri === uri && pred(p));
        if (!hit) return false;
        clearTimeout(timer);
        this.listeners = this.listeners.filter((l) => l !== listener);
        resolve(hit.diagnostics);
        return true;
      };
      const listener = () => void check();
      const timer = setTimeout(() => {
        this.listeners = this.listeners.filter((l) => l !== listener);
        reject(
          new Error(
            `no matching diagnostics for ${uri} within ${timeoutMs} ms; got ${JSON.stringify(this.published.filter((p) => p.uri === uri).map((p) => [p.version, p.diagnostics.length]))}\n${this.stderr}`,
          ),
        );
      }, timeoutMs);
      if (!check()) this.listeners.push(listener);
    });
  }

  async shutdown(): Promise<void> {
    try {
      await Promise.race([this.conn.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 5000))]);
      await this.conn.sendNotification('exit');
    } catch {}
    const exited = new Promise((r) => this.proc.once('exit', r));
    await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
    if (this.proc.exitCode === null) this.proc.kill('SIGKILL');
    this.conn.dispose();
  }
}

/** Every symbol in a tree, depth first. */
export function allSymbols(symbols: DocumentSymbol[]): DocumentSymbol[] {
  return symbols.flatMap((s) => [s, ...allSymbols(s.children ?? [])]);
}

/** A diagnostic's message as text (LSP 3.18 allows markup there too). */
export function messageOf(d: Diagnostic): string {
  return typeof d.message === 'string' ? d.message : d.message.value;
}

/** Does `outer` contain `inner`? */
export function contains(outer: Range, inner: Range): boolean {
  return (
    (outer.start.line < inner.start.line ||
      (outer.start.line === inner.start.line && outer.start.character <= inner.start.character)) &&
    (inner.end.line < outer.end.line ||
      (inner.end.line === outer.end.line && inner.end.character <= outer.end.character))
  );
}

/** Asserts a symbol tree is one an editor accepts (VS Code rejects the others); returns its size. */
export function checkSymbolTree(symbols: DocumentSymbol[], where = '', parent?: DocumentSymbol): number {
  let n = 0;
  for (const s of symbols) {
    n++;
    assert.ok(s.name.trim().length > 0, `${where}: empty symbol name`);
    assert.ok(contains(s.range, s.selectionRange), `${where}: ${s.name}: selectionRange outside range`);
    if (parent)
      assert.ok(contains(parent.range, s.range), `${where}: ${s.name} outside its parent ${parent.name}`);
    n += checkSymbolTree(s.children ?? [], where, s);
  }
  return n;
}

/** Polls `pred` every 50 ms; throws naming `what` after `ms`. */
export async function until(what: string, pred: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Where a test points at the buggy_null_read_level1 frame of null_read's log (in its name). */
export function level1Position(text: string) {
  const lines = lspLines(text);
  const line = lines.findIndex((l) => l.includes('buggy_null_read_level1+0xa/0x20 [buggy'));
  return { line, character: lines[line].indexOf('buggy_null_read_level1') + 3 };
}
