// The Kernel Oops Lens language server: wiring only. Each LSP feature lives in its own file in lsp/; the
// per-document state and how long each request waits for an analysis or a symbolization live in
// lsp/documents.ts. Runs inside VS Code (IPC) and standalone (`node dist/server.js --stdio`) for any LSP
// editor. The same bundle is also the analysis and symbolizer workers' script (see lsp/worker.ts).
import { format } from 'node:util';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import {
  createConnection,
  ProposedFeatures,
  StreamMessageWriter,
  type Connection,
  type InitializeResult,
} from 'vscode-languageserver/node';
import {
  CRASH_GROUP_EVENTS_REQUEST,
  CRASH_GROUPS_REQUEST,
  CRASH_REPORT_COMMAND,
  PSTORE_COMMAND,
  DECODE_LOG_COMMAND,
  DECODE_LOG_PAGE_COMMAND,
  EVENT_HEADERS_COMMAND,
  WORKSPACE_TRUST_NOTIFICATION,
  LARGE_LOG_CLOSED_NOTIFICATION,
  LARGE_LOG_OPEN_REQUEST,
  type CrashGroupEventsParams,
  type CrashGroupsParams,
} from '../../protocol';
import { ANALYSIS_JOBS, ANALYSIS_YOUNG_GENERATION_MB, TwoPartAnalyzer } from './lsp/analyzer';
import { capabilities } from './lsp/capabilities';
import { provideSemanticTokens } from './lsp/semanticTokens';
import { toCodeActions } from './lsp/codeActions';
import { toCodeLenses } from './lsp/codeLens';
import { crashReport, crashReportArguments } from './lsp/crashReport';
import { CrashTreeService, TRIAGE_JOBS } from './lsp/crashTree';
import { pstoreArguments, pstoreDumps } from './lsp/pstore';
import { provideDefinition } from './lsp/definition';
import { provideDocumentLinks } from './lsp/documentLinks';
import { eventHeaders, eventHeadersArguments } from './lsp/eventHeaders';
import { OpenDocuments } from './lsp/documents';
import {
  checkCodeActionParams,
  checkCrashGroupsParams,
  checkDocumentParams,
  checkPositionParams,
  checkQueryParams,
  checkRangeParams,
} from './lsp/params';
import { toFoldingRanges } from './lsp/folding';
import { initDisassemblers, provideHover, warmUpHovers } from './lsp/hover';
import { provideInlayHints } from './lsp/inlayHints';
import { LargeMessageReader } from './lsp/messageReader';
import { SYMBOLIZATION_JOBS } from './lsp/symbolization';
import { toDocumentSymbols } from './lsp/symbols';
import { JobWorker, serveJobs } from './lsp/worker';
import { workspaceSymbols } from './lsp/workspaceSymbols';

/** package.json's version, written in by the build (scripts/build.mjs). */
declare const KERNEL_OOPS_LENS_VERSION: string;

/**
 * The connection: over stdio, messages are read by LargeMessageReader (a 100 MB document is not held
 * several times while it is read); the library's stdio set-up is redone here: the process ends with its
 * input, and console output goes to the client's log, not into the protocol stream.
 */
function connect(shutdown: () => boolean): Connection {
  if (!process.argv.includes('--stdio')) return createConnection(ProposedFeatures.all);
  const connection = createConnection(
    ProposedFeatures.all,
    new LargeMessageReader(process.stdin),
    new StreamMessageWriter(process.stdout),
  );
  const end = () => process.exit(shutdown() ? 0 : 1);
  process.stdin.on('end', end);
  process.stdin.on('close', end);
  const log =
    (write: (m: string) => void) =>
    (...args: unknown[]) =>
      write(format(...args));
  console.log = console.info = console.debug = log((m) => connection.console.log(m));
  console.warn = log((m) => connection.console.warn(m));
  console.error = log((m) => connection.console.error(m));
  return connection;
}

function startServer(): void {
  let shutdown = false;
  const connection = connect(() => shutdown);
  const analysisWorker = () =>
    new JobWorker(__filename, ANALYSIS_JOBS, {
      log: (m) => connection.console.warn(m),
      // KERNEL_OOPS_LENS_ANALYSIS=inline analyses on the server's own thread (for measuring the difference).
      inline: process.env.KERNEL_OOPS_LENS_ANALYSIS === 'inline',
      resourceLimits: { maxYoungGenerationSizeMb: ANALYSIS_YOUNG_GENERATION_MB },
    });
  const analyzer = new TwoPartAnalyzer(analysisWorker(), analysisWorker());
  const docs = new OpenDocuments(connection, analyzer, __filename);
  const crashTree = new CrashTreeService(
    __filename,
    { openAnalysis: (uri, token) => docs.analysisIfOpen(uri, token) },
    (m) => connection.console.warn(m),
  );

  // Load the disassemblers (WebAssembly, ~100 ms of this thread) once the server has been quiet a while:
  // 2 s after start, put off by every publication, so that they never compete with a first analysis, its
  // diagnostics or the hovers that follow them. They load on demand anyway; this only spares the first
  // Code: hover the wait.
  let disassemblers: NodeJS.Timeout | null = null;
  let disassemblersLoading = false;
  const loadDisassemblersWhenQuiet = () => {
    if (disassemblersLoading) return;
    if (disassemblers) clearTimeout(disassemblers);
    disassemblers = setTimeout(() => {
      disassemblersLoading = true;
      void initDisassemblers().catch((e) => connection.console.warn(`disassemblers unavailable: ${e}`));
    }, 2000).unref();
  };
  docs.onPublished(loadDisassemblersWhenQuiet);
  connection.onInitialized(() => {
    docs.warmUp();
    loadDisassemblersWhenQuiet();
    // While the editor sends the first document: the first hover need not compile the explainer.
    void warmUpHovers().catch((e) => connection.console.warn(`hover warm-up failed: ${e}`));
  });
  connection.onInitialize((params): InitializeResult => {
    docs.initialize(params);
    return {
      capabilities: capabilities(),
      serverInfo: { name: 'kernel-oops-lens', version: KERNEL_OOPS_LENS_VERSION },
    };
  });
  connection.onDidChangeConfiguration((change) => docs.configurationChanged(change.settings));
  connection.onNotification(WORKSPACE_TRUST_NOTIFICATION, (p: unknown) => docs.trustChanged(p));
  connection.onRequest(LARGE_LOG_OPEN_REQUEST, (p: unknown) => docs.openLargeLog(p));
  connection.onNotification(LARGE_LOG_CLOSED_NOTIFICATION, (p: unknown) => docs.closeLargeLog(p));

  connection.onDocumentSymbol((p, token) => {
    checkDocumentParams('textDocument/documentSymbol', p);
    return docs.withAnalysis(p.textDocument.uri, token, toDocumentSymbols);
  });
  connection.languages.semanticTokens.onRange(async (p) => {
    checkRangeParams('textDocument/semanticTokens/range', p);
    const doc = docs.document(p.textDocument.uri);
    return doc ? provideSemanticTokens(doc, p.range) : { data: [] };
  });
  connection.onFoldingRanges((p, token) => {
    checkDocumentParams('textDocument/foldingRange', p);
    return docs.withAnalysis(p.textDocument.uri, token, (_doc, analysis) => toFoldingRanges(analysis));
  });
  connection.onHover(async (p, token) => {
    checkPositionParams('textDocument/hover', p);
    const h = await docs.hoverInputs(p.textDocument.uri, p.position, token);
    return h && provideHover(h.doc, p.position, h.analysis, h.frameSource, h.accessOf);
  });
  connection.onDefinition((p, token) => {
    checkPositionParams('textDocument/definition', p);
    return docs.withSymbolization(p.textDocument.uri, token, (sym) =>
      provideDefinition(sym, p.position, docs.linkSupport),
    );
  });
  connection.languages.inlayHint.on((p, token) => {
    checkRangeParams('textDocument/inlayHint', p);
    return docs.withReadySymbolization(p.textDocument.uri, token, (doc, sym) =>
      provideInlayHints(doc, sym, p.range),
    );
  });
  connection.onDocumentLinks((p) => {
    checkDocumentParams('textDocument/documentLink', p);
    return docs.withSources(p.textDocument.uri, provideDocumentLinks);
  });
  connection.onCodeLens(async (p, token) => {
    checkDocumentParams('textDocument/codeLens', p);
    const inputs = await docs.codeLensInputs(p.textDocument.uri, token);
    return inputs && toCodeLenses(p.textDocument.uri, inputs.analysis, inputs.sym);
  });
  connection.onCodeAction((p, token) => {
    checkCodeActionParams('textDocument/codeAction', p);
    return docs.withAnalysis(p.textDocument.uri, token, (_doc, analysis) =>
      toCodeActions(p.textDocument.uri, analysis, p.context.diagnostics),
    );
  });
  connection.onWorkspaceSymbol(async (p, token) => {
    checkQueryParams('workspace/symbol', p);
    return workspaceSymbols(await docs.openAnalyses(token), p.query);
  });
  connection.onRequest(CRASH_GROUPS_REQUEST, (p: CrashGroupsParams, token) => {
    checkCrashGroupsParams(CRASH_GROUPS_REQUEST, p, false);
    return crashTree.groups(p, token);
  });
  connection.onRequest(CRASH_GROUP_EVENTS_REQUEST, (p: CrashGroupEventsParams, token) => {
    checkCrashGroupsParams(CRASH_GROUP_EVENTS_REQUEST, p, true);
    return crashTree.groupEvents(p, token);
  });
  connection.onExecuteCommand(async (p, token) => {
    if (p.command === DECODE_LOG_COMMAND) return docs.decodeLog(p.arguments?.[0], p.arguments?.[1], token);
    if (p.command === DECODE_LOG_PAGE_COMMAND) return docs.decodeLogPage(p.arguments?.[0]);
    if (p.command === EVENT_HEADERS_COMMAND)
      return docs.withAnalysis(eventHeadersArguments(p.arguments), token, (_doc, a) => eventHeaders(a));
    if (p.command === PSTORE_COMMAND) return pstoreDumps(pstoreArguments(p.arguments));
    if (p.command !== CRASH_REPORT_COMMAND) return null;
    const { uri, line } = crashReportArguments(p.arguments);
    const inputs = await docs.crashReportInputs(uri, token);
    return inputs && crashReport(inputs, line);
  });

  connection.onShutdown(() => {
    shutdown = true;
    docs.dispose();
    crashTree.dispose();
  });
  docs.listen();
  connection.listen();
}

// The same bundle is the workers' script: a worker thread serves the jobs of its role instead of LSP.
const role = isMainThread ? null : (workerData as { role?: string } | null)?.role;
if (role === ANALYSIS_JOBS.role && parentPort) serveJobs(parentPort, ANALYSIS_JOBS);
else if (role === SYMBOLIZATION_JOBS.role && parentPort) serveJobs(parentPort, SYMBOLIZATION_JOBS);
else if (role === TRIAGE_JOBS.role && parentPort) serveJobs(parentPort, TRIAGE_JOBS);
else startServer();
