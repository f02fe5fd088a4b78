// The Kernel Oops Lens language server: wiring only. Each LSP feature lives in its own file in lsp/.
// Runs inside VS Code (IPC) and standalone (`node dist/server.js --stdio`) for any LSP editor. The same
// bundle is also the analysis worker's script (see lsp/analyzer.ts).
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import {
  createConnection,
  ProposedFeatures,
  TextDocuments,
  type Connection,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Analysis } from './engine';
import { fileURLToPath } from 'node:url';
import { MessageType } from 'vscode-languageserver/node';
import { InlineAnalyzer, WORKER_ROLE, WorkerAnalyzer, serveAnalyses, type Analyzer } from './lsp/analyzer';
import { capabilities, DECODE_LOG_COMMAND } from './lsp/capabilities';
import { provideDefinition } from './lsp/definition';
import { frameAt, frameSourceMarkdown } from './lsp/frameSource';
import { provideInlayHints } from './lsp/inlayHints';
import { SYMBOLIZER_ROLE, SymbolizationService, serveSymbolization, type DocSymbolization } from './lsp/symbolization';
import { decodeLogText, framesOfAnalysis, releaseOf, SourceMapper } from './engine/debugfiles';
import { toDiagnostics } from './lsp/diagnostics';
import { toFoldingRanges } from './lsp/folding';
import { initDisassemblers, provideHover } from './lsp/hover';
import { AnalysisScheduler } from './lsp/scheduler';
import { DEFAULT_SETTINGS, readSettings, type Settings } from './lsp/settings';
import { toDocumentSymbols } from './lsp/symbols';

/** How long the first `Code:` hover waits for the disassemblers to load before answering without them. */
const DISASSEMBLER_WAIT_MS = 3000;
const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/** How long a hover waits for an analysis that is still running before answering without it. */
const HOVER_WAIT_MS = 300;
/** How long a hover waits for a frame's source before answering without it. */
const HOVER_SOURCE_WAIT_MS = 150;
/** Definition and Decode log are asked for explicitly: they may wait for a vmlinux to be indexed. */
const SOURCE_WAIT_MS = 120_000;

/** Lines holding a frame (IP or trace entry), per analysis. */
const frameLineCache = new WeakMap<Analysis, Set<number>>();
function frameLines(analysis: Analysis): Set<number> {
  let lines = frameLineCache.get(analysis);
  if (!lines) {
    lines = new Set(framesOfAnalysis(analysis).map((f) => f.frame.span.line));
    frameLineCache.set(analysis, lines);
  }
  return lines;
}

function startServer(): void {
  const connection: Connection = createConnection(ProposedFeatures.all);
  const documents = new TextDocuments(TextDocument);
  let pullConfiguration = false;
  let baseSettings: Settings = DEFAULT_SETTINGS;
  const settingsCache = new Map<string, Promise<Settings>>();

  function settingsFor(uri: string): Promise<Settings> {
    if (!pullConfiguration) return Promise.resolve(baseSettings);
    let s = settingsCache.get(uri);
    if (!s) {
      s = connection.workspace
        .getConfiguration({ scopeUri: uri, section: 'kernelOops' })
        .then((raw) => readSettings(raw, baseSettings), () => baseSettings);
      settingsCache.set(uri, s);
    }
    return s;
  }
  // Debounce is needed synchronously on every keystroke: use the last settings seen for the document.
  const debounceSeen = new Map<string, number>();
  let workspaceFolders: string[] = [];
  let linkSupport = false;
  let progressSupport = false;
  let inlayRefreshSupport = false;
  const shownMessages = new Set<string>();

  const symbolization = new SymbolizationService(__filename, {
    log: (m) => connection.console.warn(m),
    indexing(file) {
      if (!progressSupport) return { done() {} };
      const p = connection.window.createWorkDoneProgress();
      let ended = false;
      void p.then((r) => {
        r.begin('Kernel Oops Lens', undefined, `Indexing ${file}…`);
        if (ended) return r.done();
        handle.done = () => r.done();
      }, () => {});
      const handle: { done(): void } = {
        done: () => {
          ended = true;
        },
      };
      return { done: () => handle.done() };
    },
    ready(uri, r) {
      void connection.sendNotification('kernelOops/debugFiles', {
        uri,
        vmlinux: r.files.vmlinux,
        modules: r.files.modules,
        systemMap: r.files.systemMap,
        moduleMap: r.files.moduleMap,
        messages: r.messages,
      });
      // Problems with debug files are worth a notification, once each.
      for (const m of r.messages) {
        if (shownMessages.has(m)) continue;
        shownMessages.add(m);
        void connection.sendNotification('window/showMessage', { type: MessageType.Warning, message: `Kernel Oops Lens: ${m}` });
      }
      if (inlayRefreshSupport) void connection.sendRequest('workspace/inlayHint/refresh').catch(() => {});
    },
  });

  /** Start symbolizing the frames of an analysed document (in the symbolizer worker). */
  function symbolize(uri: string, version: number, text: string, analysis: Analysis, settings: Settings): void {
    const frames = framesOfAnalysis(analysis);
    if (frames.length === 0) return;
    const sources = new SourceMapper({ sourceRoot: settings.sourceRoot || null, workspaceFolders });
    symbolization.request(uri, version, text, frames, {
      settings: {
        vmlinux: settings.vmlinux || null,
        modulePaths: settings.modulePaths,
        systemMap: settings.systemMap || null,
        moduleMap: settings.moduleMap || null,
      },
      release: releaseOf(analysis),
      workspaceFolders,
      debuginfodUrls: settings.debuginfod.enable ? process.env.DEBUGINFOD_URLS || undefined : undefined,
      crossCheck: settings.symbolizer.external || undefined,
    }, sources);
  }

  /** Starts the symbolization of `analysis` (the document's current version) unless done or under way. */
  async function ensureSymbolization(doc: TextDocument, analysis: Analysis): Promise<void> {
    if (symbolization.get(doc.uri, doc.version) || symbolization.pending(doc.uri)) return;
    const settings = await settingsFor(doc.uri);
    if (documents.get(doc.uri) !== doc || symbolization.pending(doc.uri)) return;
    symbolize(doc.uri, doc.version, doc.getText(), analysis, settings);
  }

  /** The symbolization of the document's current version, waiting up to `timeoutMs` for it. */
  async function symbolizationFor(uri: string, token: { onCancellationRequested(f: () => void): unknown }, timeoutMs: number): Promise<DocSymbolization | undefined> {
    const r = await analysisFor(uri, token, timeoutMs);
    if (!r) return undefined;
    await ensureSymbolization(r.doc, r.analysis);
    return symbolization.when(uri, r.doc.version, timeoutMs);
  }

  let analyzer: Analyzer;
  try {
    // KERNEL_OOPS_LENS_ANALYSIS=inline analyses on the server's own thread (for measuring the difference).
    if (process.env.KERNEL_OOPS_LENS_ANALYSIS === 'inline') throw new Error('inline requested');
    analyzer = new WorkerAnalyzer(__filename, (m) => connection.console.warn(m));
  } catch {
    analyzer = new InlineAnalyzer();
  }

  async function publish(uri: string): Promise<void> {
    const doc = documents.get(uri);
    const result = scheduler.latest(uri);
    if (!doc || !result || result.version !== doc.version) return;
    const settings = await settingsFor(uri);
    debounceSeen.set(uri, settings.analysis.debounceMs);
    // The document may have changed or closed while the settings were fetched.
    if (documents.get(uri) !== doc || doc.version !== result.version) return;
    const diagnostics = toDiagnostics(doc, result.analysis, settings);
    await connection.sendDiagnostics({ uri, version: doc.version, diagnostics });
    await ensureSymbolization(doc, result.analysis);
  }

  const scheduler = new AnalysisScheduler(analyzer, {
    text: (uri) => {
      const d = documents.get(uri);
      return d && { version: d.version, text: d.getText() };
    },
    debounceMs: (uri) => debounceSeen.get(uri) ?? baseSettings.analysis.debounceMs,
    onAnalysed: (uri) => void publish(uri).catch((e) => connection.console.error(`publishing diagnostics failed: ${e}`)),
    onFailed: (uri, version, e) =>
      connection.console.error(`analysis of ${uri} (version ${version}) failed: ${e instanceof Error ? (e.stack ?? e.message) : e}`),
  });

  /** The analysis matching the document's current text; waits (off-thread) while it is being computed. */
  async function analysisFor(uri: string, token: { onCancellationRequested(f: () => void): unknown }, timeoutMs?: number) {
    const doc = documents.get(uri);
    if (!doc) return undefined;
    const analysis = await scheduler.whenAnalysed(uri, doc.version, {
      timeoutMs,
      onCancel: (f) => token.onCancellationRequested(f),
    });
    return analysis && { doc, analysis };
  }

  connection.onInitialized(() => {
    // Start the analysis worker now, while the editor is still opening the first document.
    scheduler.warmUp();
    // Load the disassemblers (WebAssembly) a little later, so that the first analysis goes first; they
    // load on demand anyway, this only spares the first Code: hover the wait.
    setTimeout(() => void initDisassemblers().catch((e) => connection.console.warn(`disassemblers unavailable: ${e}`)), 2000).unref();
  });

  connection.onInitialize((params): InitializeResult => {
    pullConfiguration = params.capabilities.workspace?.configuration === true;
    const init = (params.initializationOptions ?? {}) as Record<string, unknown>;
    baseSettings = readSettings(init.kernelOops ?? init, DEFAULT_SETTINGS);
    const folders = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
    workspaceFolders = folders.filter((u) => u.startsWith('file:')).map((u) => fileURLToPath(u));
    linkSupport = params.capabilities.textDocument?.definition?.linkSupport === true;
    progressSupport = params.capabilities.window?.workDoneProgress === true;
    inlayRefreshSupport = params.capabilities.workspace?.inlayHint?.refreshSupport === true;
    return { capabilities: capabilities(), serverInfo: { name: 'kernel-oops-lens', version: '0.1.0' } };
  });

  connection.onDidChangeConfiguration((change) => {
    const pushed = (change.settings ?? {}) as Record<string, unknown>;
    if (pushed.kernelOops) baseSettings = readSettings(pushed.kernelOops, baseSettings);
    settingsCache.clear();
    debounceSeen.clear();
    // Debug-file settings may have changed: symbolize again (publish starts it).
    symbolization.clear();
    shownMessages.clear();
    // Settings only change how results are shown: re-publish, no need to analyse again.
    for (const uri of scheduler.uris()) void publish(uri);
  });

  // Fires for the open and for every change: analyse a new document at once, an edited one after the debounce.
  documents.onDidChangeContent((e) => {
    const { uri, version } = e.document;
    scheduler.schedule(uri, version, !scheduler.has(uri));
  });
  documents.onDidClose((e) => {
    scheduler.close(e.document.uri);
    symbolization.close(e.document.uri);
    settingsCache.delete(e.document.uri);
    debounceSeen.delete(e.document.uri);
    void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });

  connection.onDocumentSymbol(async (params, token) => {
    const r = await analysisFor(params.textDocument.uri, token);
    return r ? toDocumentSymbols(r.doc, r.analysis) : null;
  });
  connection.onFoldingRanges(async (params, token) => {
    const r = await analysisFor(params.textDocument.uri, token);
    return r ? toFoldingRanges(r.analysis) : null;
  });

  connection.onHover(async (params, token) => {
    // A hover must come back at once: wait briefly for a running analysis, then answer from the line
    // alone (provideHover explains what it can without the analysis).
    const r = await analysisFor(params.textDocument.uri, token, HOVER_WAIT_MS);
    const doc = documents.get(params.textDocument.uri);
    if (!doc) return null;
    // A `Code:` hover needs the WebAssembly disassemblers; the first one waits (boundedly) for them to load.
    const line = doc.getText({ start: { line: params.position.line, character: 0 }, end: { line: params.position.line + 1, character: 0 } });
    if (line.includes('Code: ')) await Promise.race([initDisassemblers().catch(() => undefined), delay(DISASSEMBLER_WAIT_MS)]);
    // Only a hover on a frame line waits (briefly) for its source; other hovers never do.
    const onFrame = r && r.doc.version === doc.version && frameLines(r.analysis).has(params.position.line);
    if (onFrame) await ensureSymbolization(doc, r.analysis);
    const sym = onFrame ? await symbolization.when(doc.uri, doc.version, HOVER_SOURCE_WAIT_MS) : undefined;
    const frame = sym && frameAt(sym, params.position);
    const markdown = sym && frame ? frameSourceMarkdown(sym, frame) : null;
    const section = frame && markdown ? { markdown, start: frame.frame.span.start, end: frame.frame.span.end } : null;
    return provideHover(doc, params.position, r && r.doc.version === doc.version ? r.analysis : undefined, section);
  });

  connection.onDefinition(async (params, token) => {
    const sym = await symbolizationFor(params.textDocument.uri, token, SOURCE_WAIT_MS);
    return sym ? provideDefinition(sym, params.position, linkSupport) : null;
  });

  connection.languages.inlayHint.on(async (params, token) => {
    const doc = documents.get(params.textDocument.uri);
    if (!doc) return null;
    // Hints appear when the symbolization is ready (then a refresh is requested); never wait long here.
    const sym = await symbolization.when(doc.uri, doc.version, HOVER_WAIT_MS);
    return sym && !token.isCancellationRequested ? provideInlayHints(doc, sym, params.range) : null;
  });

  connection.onExecuteCommand(async (params, token) => {
    if (params.command !== DECODE_LOG_COMMAND) return null;
    const uri = params.arguments?.[0];
    if (typeof uri !== 'string' || !documents.get(uri)) throw new Error(`${DECODE_LOG_COMMAND}: argument 1 must be the URI of an open document`);
    const r = await analysisFor(uri, token, SOURCE_WAIT_MS);
    if (!r) return null;
    const sym = await symbolizationFor(uri, token, SOURCE_WAIT_MS);
    const text = r.doc.getText();
    const frames = sym?.frames ?? framesOfAnalysis(r.analysis);
    return { text: decodeLogText(text, frames, sym?.results ?? new Map()), messages: sym?.messages ?? [] };
  });

  connection.onShutdown(() => {
    scheduler.dispose();
    symbolization.dispose();
  });
  documents.listen(connection);
  connection.listen();
}

const role = isMainThread ? null : (workerData as { role?: string } | null)?.role;
if (role === WORKER_ROLE && parentPort) {
  serveAnalyses(parentPort);
} else if (role === SYMBOLIZER_ROLE && parentPort) {
  serveSymbolization(parentPort);
} else {
  startServer();
}
