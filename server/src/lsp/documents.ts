// The open documents and everything the server keeps per document: their settings, the scheduled
// analyses and the symbolizations, the published diagnostics. Handlers in server.ts ask here for what a
// feature needs (an analysis, a symbolization, a hover's inputs); this file decides how long each waits.
import { fileURLToPath } from 'node:url';
import {
  ErrorCodes,
  MessageType,
  ResponseError,
  TextDocuments,
  type CancellationToken,
  type Connection,
  type DidCloseTextDocumentParams,
  type DidOpenTextDocumentParams,
  type InitializeParams,
  type NotificationHandler,
  type Position,
} from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import {
  DEBUG_FILES_NOTIFICATION,
  CRASH_REPORT_COMMAND,
  DECODE_LOG_COMMAND,
  DECODE_LOG_PAGE_COMMAND,
  type DebugFilesParams,
  type DecodeLogPage,
  type DecodeLogResult,
  type LargeLogResult,
  LARGE_LOG_CLOSED_NOTIFICATION,
  LARGE_LOG_OPEN_REQUEST,
} from '../../../protocol';
import type { Analysis, FaultAccess, KernelEvent, LogFrame } from '../engine';
import {
  archOf,
  debugFilesStatus,
  decodedLines,
  decodeLogLines,
  decodeSummary,
  findEventAt,
  findFrameAt,
  framesFromRefs,
  framesOfAnalysis,
  releaseOf,
  SourceMapper,
} from '../engine';
import type { Analyzer } from './analyzer';
import type { LongText } from './worker';
import type { CrashReportInputs } from './crashReport';
import { CHUNKED_DOCUMENTS, type ChunkedDocument } from './chunkedDocument';
import { DecodedPages, MIN_PAGE_CHARS } from './decodedPages';
import { rememberDiagnosticFacts, toDiagnostics } from './diagnostics';
import { frameAt, frameSourceMarkdown } from './frameSource';
import { initDisassemblers } from './hover';
import { largeLogFile, readLargeLog } from './largeLogs';
import { AnalysisScheduler } from './scheduler';
import { DEFAULT_SETTINGS, readSettings, type Settings } from './settings';
import { SymbolizationService, type DocSymbolization } from './symbolization';
import { timelineStep } from './timeline';

/** How long the first `Code:` hover waits for the disassemblers to load before answering without them. */
const DISASSEMBLER_WAIT_MS = 3000;
const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/** How long a hover waits for an analysis that is still running before answering without it. */
const HOVER_WAIT_MS = 300;
/** How long a hover waits for a frame's source before answering without it. */
const HOVER_SOURCE_WAIT_MS = 150;
/** How long workspace symbols wait for the analyses of logs still being analysed (all at once). */
const ALL_LOGS_WAIT_MS = 2000;
/** How long an edited document stays unchanged before it is symbolized again. */
const SYMBOLIZE_AFTER_EDIT_MS = 1500;
/**
 * How long after a document's first diagnostics its symbolization starts (unless a feature asks first).
 * The requests an editor sends on seeing them (hover, code lenses) come first: started at once, listing a
 * big log's frames and sending its text to the symbolizer filled the young generation with the analysis
 * just received, and the scavenge that copied it (15-30 ms) held up the first hover of a 300,000-line log
 * (15-21 ms, up to 98 ms; 4-5 ms with this delay, bench tl runs on 2 cores).
 */
const FIRST_SYMBOLIZATION_DELAY_MS = 100;
/** Definition and Decode log are asked for explicitly: they may wait for a vmlinux to be indexed. */
const SOURCE_WAIT_MS = 120_000;

type Token = Pick<CancellationToken, 'onCancellationRequested'>;

/** The frames of an analysis to symbolize, computed once per analysis (from the worker's list if it sent one). */
const framesCache = new WeakMap<Analysis, LogFrame[]>();
const frameRefsCache = new WeakMap<Analysis, Int32Array>();
function framesOf(analysis: Analysis): LogFrame[] {
  let frames = framesCache.get(analysis);
  if (!frames) {
    const refs = frameRefsCache.get(analysis);
    frames = refs ? framesFromRefs(analysis, refs) : framesOfAnalysis(analysis);
    framesCache.set(analysis, frames);
  }
  return frames;
}

/** Frames made from the worker's list per turn of the event loop: the first hovers after open go between. */
const FRAMES_PER_TURN = 2000;

/** framesOf, made a slice at a time when the worker listed them. */
async function framesInTurns(analysis: Analysis): Promise<LogFrame[]> {
  const refs = frameRefsCache.get(analysis);
  if (framesCache.has(analysis) || !refs) return framesOf(analysis);
  const frames: LogFrame[] = [];
  for (let k = 0; k < refs.length; k += 3 * FRAMES_PER_TURN) {
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (framesCache.has(analysis)) return framesOf(analysis);
    frames.push(...framesFromRefs(analysis, refs.subarray(k, k + 3 * FRAMES_PER_TURN)));
  }
  framesCache.set(analysis, frames);
  return frames;
}

/** Does `line` hold a frame (IP, WARN location, link register, trace entry)? Looked up, never scanned. */
function frameOnLine(analysis: Analysis, line: number): boolean {
  const ev = findEventAt(analysis, line);
  return (
    !!ev &&
    (ev.ip?.line === line || ev.location?.line === line || ev.lr?.line === line || !!findFrameAt(ev, line))
  );
}

/** What a hover is computed from: the document, its analysis if ready in time, the frame's source section. */
export interface HoverInputs {
  doc: TextDocument;
  analysis: Analysis | undefined;
  frameSource: { markdown: string; start: number; end: number } | null;
  /** The symbolized faulting access of an event (its variable and member), when the symbolization is done. */
  accessOf?: (event: KernelEvent) => FaultAccess | undefined;
}

export class OpenDocuments {
  // Chunked: a keystroke in a 1,000,000-line log costs a chunk, not a copy of the log (chunkedDocument.ts).
  private readonly documents = new TextDocuments(CHUNKED_DOCUMENTS);
  private readonly symbolization: SymbolizationService;
  private readonly scheduler: AnalysisScheduler;
  private readonly decodedPages = new DecodedPages();
  private pullConfiguration = false;
  private baseSettings: Settings = DEFAULT_SETTINGS;
  private readonly settingsCache = new Map<string, Promise<Settings>>();
  // Debounce is needed synchronously on every keystroke: use the last settings seen for the document.
  private readonly debounceSeen = new Map<string, number>();
  private workspaceFolders: string[] = [];
  /**
   * In an untrusted workspace nothing from the workspace is opened or run: no search of its folders for
   * debug files, no xz/zstd, no cross-check tool, no debuginfod (a log there must not make us download).
   */
  private trusted = true;
  private progressSupport = false;
  private inlayRefreshSupport = false;
  private codeLensRefreshSupport = false;
  /** The client accepts LocationLinks as definitions. */
  linkSupport = false;
  private readonly shownMessages = new Set<string>();
  /** Documents whose first analysis has started a symbolization. */
  private readonly symbolizedOnce = new Set<string>();
  /** The version whose symbolization a hover already waited for in vain, per document. */
  private readonly sourceWaited = new Map<string, number>();

  /** `workerScript`: the bundle that also serves as the symbolizer worker. */
  constructor(
    private readonly connection: Connection,
    analyzer: Analyzer,
    workerScript: string,
  ) {
    this.symbolization = new SymbolizationService(workerScript, {
      log: (m) => connection.console.warn(m),
      indexing: (file) => this.indexingProgress(file),
      ready: (uri, r) => this.symbolizationReady(uri, r),
    });
    this.scheduler = new AnalysisScheduler(analyzer, {
      document: (uri) => {
        const d = this.documents.get(uri);
        return (
          d && {
            version: d.version,
            // Read when needed: counting a huge document's lines would hold up its first analysis.
            get lineCount() {
              return d.lineCount;
            },
            prepare: () => void d.lineCount,
            text: () => d.textPieces(),
            readLines: (from, to) =>
              d.getText({ start: { line: from, character: 0 }, end: { line: to, character: 0 } }),
            editsSince: (version) => d.editsSince(version),
          }
        );
      },
      debounceMs: (uri) => this.debounceSeen.get(uri) ?? this.baseSettings.analysis.debounceMs,
      onAnalysed: (uri, r) => {
        if (r.frameRefs) frameRefsCache.set(r.analysis, r.frameRefs);
        if (r.diagnostics) rememberDiagnosticFacts(r.analysis, r.diagnostics);
        void this.publish(uri).catch((e) => connection.console.error(`publishing diagnostics failed: ${e}`));
      },
      onFailed: (uri, version, e) =>
        connection.console.error(
          `analysis of ${uri} (version ${version}) failed: ${e instanceof Error ? (e.stack ?? e.message) : e}`,
        ),
    });

    // Fires for the open and for every change: analyse a new document at once, an edited one after the debounce.
    this.documents.onDidChangeContent((e) => {
      const { uri, version } = e.document;
      const opened = !this.scheduler.has(uri);
      this.scheduler.schedule(uri, version, opened);
      // Its settings are asked for while it is analysed, not after: the first diagnostics need them.
      if (opened) void this.settingsFor(uri);
    });
    this.documents.onDidClose((e) => {
      this.scheduler.close(e.document.uri);
      this.symbolization.close(e.document.uri);
      this.settingsCache.delete(e.document.uri);
      this.debounceSeen.delete(e.document.uri);
      this.sourceWaited.delete(e.document.uri);
      this.symbolizedOnce.delete(e.document.uri);
      this.decodedPages.close(e.document.uri);
      void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
    });
  }

  /** Reads the client's capabilities, workspace folders and initial settings. */
  initialize(params: InitializeParams): void {
    this.pullConfiguration = params.capabilities.workspace?.configuration === true;
    const init = (params.initializationOptions ?? {}) as Record<string, unknown>;
    this.baseSettings = readSettings(init.kernelOops ?? init, DEFAULT_SETTINGS);
    this.trusted = init.workspaceTrusted !== false;
    const folders = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
    this.workspaceFolders = folders.filter((u) => u.startsWith('file:')).map((u) => fileURLToPath(u));
    this.linkSupport = params.capabilities.textDocument?.definition?.linkSupport === true;
    this.progressSupport = params.capabilities.window?.workDoneProgress === true;
    this.inlayRefreshSupport = params.capabilities.workspace?.inlayHint?.refreshSupport === true;
    this.codeLensRefreshSupport = params.capabilities.workspace?.codeLens?.refreshSupport === true;
  }

  /** Start the analysis worker now, while the editor is still opening the first document. */
  warmUp(): void {
    this.scheduler.warmUp();
  }

  /** `workspace/didChangeConfiguration`: `settings` is what the client pushed, if anything. */
  configurationChanged(settings: unknown): void {
    const pushed = (settings ?? {}) as Record<string, unknown>;
    if (pushed.kernelOops) this.baseSettings = readSettings(pushed.kernelOops, this.baseSettings);
    this.debounceSeen.clear();
    this.debugFilesChanged();
  }

  /** WORKSPACE_TRUST_NOTIFICATION: `{trusted: boolean}`; anything else is ignored. */
  trustChanged(params: unknown): void {
    const trusted = (params as { trusted?: unknown } | null)?.trusted;
    if (typeof trusted !== 'boolean' || trusted === this.trusted) return;
    this.trusted = trusted;
    this.debugFilesChanged();
  }

  /** Which debug files may be used changed (settings, trust): ask for settings again and symbolize again. */
  private debugFilesChanged(): void {
    this.settingsCache.clear();
    // publish starts the symbolization again, at once.
    this.symbolization.clear();
    this.symbolizedOnce.clear();
    this.shownMessages.clear();
    // Settings only change how results are shown: re-publish, no need to analyse again.
    for (const uri of this.scheduler.uris()) void this.publish(uri);
  }

  /** `f` of the document and its current analysis (waiting for it), or null for a closed document. */
  async withAnalysis<T>(
    uri: string,
    token: Token,
    f: (doc: TextDocument, analysis: Analysis) => T,
  ): Promise<T | null> {
    const r = await this.analysisFor(uri, token);
    return r ? f(r.doc, r.analysis) : null;
  }

  /** CodeLenses' inputs: the analysis (waiting for it) and the symbolization if ready within a hover's wait. */
  async codeLensInputs(
    uri: string,
    token: Token,
  ): Promise<{ analysis: Analysis; sym: DocSymbolization | undefined } | null> {
    const r = await this.analysisFor(uri, token);
    if (!r) return null;
    await this.ensureSymbolization(r.doc, r.analysis);
    const sym = await this.symbolization.when(uri, r.doc.version, HOVER_WAIT_MS);
    return { analysis: r.analysis, sym };
  }

  /** The current analysis of `uri` when it is an open document (null if it could not be had), else undefined. */
  async analysisIfOpen(uri: string, token: Token): Promise<Analysis | null | undefined> {
    if (!this.documents.get(uri)) return undefined;
    const r = await this.analysisFor(uri, token, SOURCE_WAIT_MS);
    return r ? r.analysis : null;
  }

  /** Every open log with its current analysis; a log still being analysed after `timeoutMs` is left out. */
  async openAnalyses(
    token: Token,
    timeoutMs = ALL_LOGS_WAIT_MS,
  ): Promise<{ uri: string; analysis: Analysis }[]> {
    const all = await Promise.all(
      this.documents.keys().map((uri) => this.analysisFor(uri, token, timeoutMs)),
    );
    return all.flatMap((r) => (r ? [{ uri: r.doc.uri, analysis: r.analysis }] : []));
  }

  /** `f` of the document's symbolization; asked for explicitly, so it may wait for a vmlinux to be indexed. */
  async withSymbolization<T>(uri: string, token: Token, f: (sym: DocSymbolization) => T): Promise<T | null> {
    const sym = await this.symbolizationFor(uri, token, SOURCE_WAIT_MS);
    return sym ? f(sym) : null;
  }

  /** `f` of the document and its symbolization if it is (nearly) ready; never waits long. */
  async withReadySymbolization<T>(
    uri: string,
    token: CancellationToken,
    f: (doc: TextDocument, sym: DocSymbolization) => T,
  ): Promise<T | null> {
    const doc = this.documents.get(uri);
    if (!doc) return null;
    // Hints appear when the symbolization is ready (then a refresh is requested); never wait long here.
    const sym = await this.symbolization.when(doc.uri, doc.version, HOVER_WAIT_MS);
    return sym && !token.isCancellationRequested ? f(doc, sym) : null;
  }

  /** `f` of the document and the mapping of build paths onto the user's source trees (from its settings). */
  private readonly publishedListeners: ((uri: string) => void)[] = [];
  /** Called after each publication of diagnostics. */
  onPublished(f: (uri: string) => void): void {
    this.publishedListeners.push(f);
  }

  /** The open document `uri`, as it is now. */
  document(uri: string): ChunkedDocument | undefined {
    return this.documents.get(uri);
  }

  async withSources<T>(
    uri: string,
    f: (doc: ChunkedDocument, sources: SourceMapper) => T,
  ): Promise<T | null> {
    const doc = this.documents.get(uri);
    if (!doc) return null;
    // A fresh mapper per request: a source that appeared since the last one is found.
    const sources = this.sourceMapper(await this.settingsFor(uri));
    return this.documents.get(uri) === doc ? f(doc, sources) : null;
  }

  /** What a hover at `position` needs, gathered within the hover's short waits; null for a closed document. */
  async hoverInputs(uri: string, position: Position, token: Token): Promise<HoverInputs | null> {
    // A hover must come back at once: wait briefly for a running analysis, then answer from the line
    // alone (provideHover explains what it can without the analysis).
    const r = await this.analysisFor(uri, token, HOVER_WAIT_MS);
    const doc = this.documents.get(uri);
    if (!doc) return null;
    // A `Code:` hover needs the WebAssembly disassemblers; the first one waits (boundedly) for them to load.
    const line = doc.getText({
      start: { line: position.line, character: 0 },
      end: { line: position.line + 1, character: 0 },
    });
    if (line.includes('Code: '))
      await Promise.race([initDisassemblers().catch(() => undefined), delay(DISASSEMBLER_WAIT_MS)]);
    // Only a hover on a frame line waits (briefly) for its source; other hovers never do.
    const onFrame = r && r.doc.version === doc.version && frameOnLine(r.analysis, position.line);
    if (onFrame) await this.ensureSymbolization(doc, r.analysis);
    // Only the first such hover of a version waits: while a huge log is still being symbolized, every
    // frame hover would otherwise cost the whole wait.
    const wait = this.sourceWaited.get(doc.uri) === doc.version ? 0 : HOVER_SOURCE_WAIT_MS;
    const sym = onFrame ? await this.symbolization.when(doc.uri, doc.version, wait) : undefined;
    if (onFrame && !sym) this.sourceWaited.set(doc.uri, doc.version);
    const frame = sym && frameAt(sym, position);
    const markdown = sym && frame ? frameSourceMarkdown(sym, frame) : null;
    const frameSource =
      frame && markdown ? { markdown, start: frame.frame.span.start, end: frame.frame.span.end } : null;
    const analysis = r && r.doc.version === doc.version ? r.analysis : undefined;
    // A register or fault-address hover never waits: it uses the symbolization only when it is already done.
    const done = sym ?? (analysis ? await this.symbolization.when(doc.uri, doc.version, 0) : undefined);
    return { doc, analysis, frameSource, accessOf: done && analysis && symbolizedAccess(done, analysis) };
  }

  /**
   * The Decode log command: the log with its frames symbolized (waiting for the debug files), in pages when
   * `options` ask for them (DecodeLogOptions).
   */
  async decodeLog(uri: unknown, options: unknown, token: Token): Promise<DecodeLogResult | null> {
    if (typeof uri !== 'string' || !this.documents.get(uri))
      throw new ResponseError(
        ErrorCodes.InvalidParams,
        `${DECODE_LOG_COMMAND}: argument 1 must be the URI of an open document.`,
      );
    const r = await this.analysisFor(uri, token, SOURCE_WAIT_MS);
    if (!r) return null;
    const sym = await this.symbolizationFor(uri, token, SOURCE_WAIT_MS);
    const doc = r.doc;
    const frames = sym?.frames ?? framesOf(r.analysis);
    const results = sym?.results ?? new Map();
    const lines = doc.lineCount;
    const rewritten = decodedLines(frames, results, (n) =>
      n < lines ? doc.getText(doc.getLineRange(n)) : undefined,
    );
    const asked = (options as { pageChars?: unknown } | null | undefined)?.pageChars;
    const pageChars = typeof asked === 'number' && asked > 0 ? Math.max(asked, MIN_PAGE_CHARS) : Infinity;
    const chunks = doc.lineChunks().map((c) => c.text);
    return {
      ...this.decodedPages.start(uri, chunks, rewritten, pageChars),
      summary: decodeSummary(frames, results),
      messages: sym?.messages ?? [],
    };
  }

  /** The next page of a Decode log (DECODE_LOG_PAGE_COMMAND). */
  decodeLogPage(more: unknown): DecodeLogPage {
    const page = typeof more === 'string' ? this.decodedPages.next(more) : undefined;
    if (!page)
      throw new ResponseError(
        ErrorCodes.InvalidParams,
        `${DECODE_LOG_PAGE_COMMAND}: argument 1 must be the 'more' of the page before (it expires a minute after that page, or when its log closes).`,
      );
    return page;
  }

  /** Copy crash report's inputs: the analysis, the log decoded as far as the debug files allow, the trees. */
  async crashReportInputs(uri: string, token: Token): Promise<CrashReportInputs | null> {
    if (!this.documents.get(uri))
      throw new ResponseError(
        ErrorCodes.InvalidParams,
        `${CRASH_REPORT_COMMAND}: ${uri} is not an open document.`,
      );
    const r = await this.analysisFor(uri, token, SOURCE_WAIT_MS);
    if (!r) return null;
    const sym = await this.symbolizationFor(uri, token, SOURCE_WAIT_MS);
    const text = r.doc.getText();
    const decodedLines = sym ? decodeLogLines(text, sym.frames, sym.results) : null;
    // MAINTAINERS of the source roots, then of the workspace folders (a kernel tree opened as a workspace).
    const sourceRoots = [
      ...(await this.settingsFor(uri)).sourceRoot,
      ...(this.trusted ? this.workspaceFolders : []),
    ];
    return { text, analysis: r.analysis, decodedLines, sourceRoots };
  }

  /** Start tracking the documents the client opens (after every handler is registered). */
  listen(): void {
    // The open and close handlers are kept: a log the editor keeps from us is opened from disk the same way.
    const c = this.connection;
    this.documents.listen({
      onDidOpenTextDocument: (h) => ((this.openHandler = h), c.onDidOpenTextDocument(h)),
      onDidChangeTextDocument: (h) => c.onDidChangeTextDocument(h),
      onDidCloseTextDocument: (h) => ((this.closeHandler = h), c.onDidCloseTextDocument(h)),
      onWillSaveTextDocument: (h) => c.onWillSaveTextDocument(h),
      onWillSaveTextDocumentWaitUntil: (h) => c.onWillSaveTextDocumentWaitUntil(h),
      onDidSaveTextDocument: (h) => c.onDidSaveTextDocument(h),
    });
  }

  private openHandler: NotificationHandler<DidOpenTextDocumentParams> | null = null;
  private closeHandler: NotificationHandler<DidCloseTextDocumentParams> | null = null;
  /** Logs opened from disk (largeLogs.ts), by URI. */
  private readonly fromDisk = new Set<string>();

  /**
   * LARGE_LOG_OPEN_REQUEST: a log above the editor's sync limit, read from disk and opened as if the editor
   * had sent it (read again when asked again: the file may have changed). A document the editor did send
   * is left as it is.
   */
  async openLargeLog(p: unknown): Promise<LargeLogResult> {
    const { uri, file } = largeLogFile(LARGE_LOG_OPEN_REQUEST, p);
    if (this.documents.get(uri) && !this.fromDisk.has(uri))
      return { problem: `${file} is open in the editor already` };
    const text = await readLargeLog(file);
    if ('problem' in text) return text;
    if (this.fromDisk.has(uri)) this.closeHandler?.({ textDocument: { uri } });
    // The editor may have sent the document while the file was read: its text wins.
    if (this.documents.get(uri)) return { problem: `${file} is open in the editor already` };
    this.fromDisk.add(uri);
    // The chunked store takes the text in pieces, as the message reader hands over a large didOpen's.
    const td = { uri, languageId: 'kernel-log', version: 0, text: text as unknown as string };
    this.openHandler?.({ textDocument: td });
    const analysis = await this.scheduler.whenAnalysed(uri, 0, {});
    return { events: analysis?.events.length ?? 0 };
  }

  /** LARGE_LOG_CLOSED_NOTIFICATION: the last tab of a log opened from disk closed. */
  closeLargeLog(p: unknown): void {
    const { uri } = largeLogFile(LARGE_LOG_CLOSED_NOTIFICATION, p);
    if (!this.fromDisk.delete(uri)) return;
    this.closeHandler?.({ textDocument: { uri } });
  }

  dispose(): void {
    this.decodedPages.dispose();
    this.scheduler.dispose();
    this.symbolization.dispose();
  }

  private settingsFor(uri: string): Promise<Settings> {
    if (!this.pullConfiguration) return Promise.resolve(this.baseSettings);
    let s = this.settingsCache.get(uri);
    if (!s) {
      s = this.connection.workspace.getConfiguration({ scopeUri: uri, section: 'kernelOops' }).then(
        (raw) => readSettings(raw, this.baseSettings),
        () => this.baseSettings,
      );
      this.settingsCache.set(uri, s);
    }
    return s;
  }

  private async publish(uri: string): Promise<void> {
    const doc = this.documents.get(uri);
    const result = this.scheduler.latest(uri);
    if (!doc || !result || result.version !== doc.version) return;
    const settings = await this.settingsFor(uri);
    this.debounceSeen.set(uri, settings.analysis.debounceMs);
    // The document may have changed or closed while the settings were fetched.
    if (this.documents.get(uri) !== doc || doc.version !== result.version) return;
    const diagnostics = toDiagnostics(doc, result.analysis, settings);
    await this.connection.sendDiagnostics({ uri, version: doc.version, diagnostics });
    timelineStep('diagnostics sent');
    for (const f of this.publishedListeners) f(uri);
    // Symbolizing sends the whole log to the symbolizer, which reads all of it again: not on every pause
    // in typing. The first version (and the first after the debug files changed) at once, later ones
    // once the document has stayed as it is a while, or when a feature asks for its symbolization.
    if (!this.symbolizedOnce.has(uri)) {
      this.symbolizedOnce.add(uri);
      await delay(FIRST_SYMBOLIZATION_DELAY_MS);
      // Edited meanwhile: the next version's publish symbolizes at once instead (closed: nothing to do).
      if (this.documents.get(uri) !== doc || doc.version !== result.version) {
        if (this.documents.get(uri) === doc) this.symbolizedOnce.delete(uri);
        return;
      }
      await this.ensureSymbolization(doc, result.analysis);
      return;
    }
    setTimeout(() => {
      if (this.documents.get(uri) === doc && doc.version === result.version)
        void this.ensureSymbolization(doc, result.analysis);
    }, SYMBOLIZE_AFTER_EDIT_MS).unref();
  }

  /** The analysis matching the document's current text; waits (off-thread) while it is being computed. */
  private async analysisFor(uri: string, token: Token, timeoutMs?: number) {
    const doc = this.documents.get(uri);
    if (!doc) return undefined;
    const analysis = await this.scheduler.whenAnalysed(uri, doc.version, {
      timeoutMs,
      onCancel: (f) => token.onCancellationRequested(f),
    });
    return analysis && { doc, analysis };
  }

  /** The symbolization of the document's current version, waiting up to `timeoutMs` for it. */
  private async symbolizationFor(
    uri: string,
    token: Token,
    timeoutMs: number,
  ): Promise<DocSymbolization | undefined> {
    const r = await this.analysisFor(uri, token, timeoutMs);
    if (!r) return undefined;
    // Asked for explicitly: an older version's job under way does not answer it (its waiters would wait the
    // whole timeout for a version nobody then asks for, and decode without the debug files).
    await this.ensureSymbolization(r.doc, r.analysis, true);
    return this.symbolization.when(uri, r.doc.version, timeoutMs);
  }

  /**
   * Starts the symbolization of `analysis` (the document's current version) unless done or under way — for
   * any version, or with `thisVersion` for this one.
   */
  private async ensureSymbolization(
    doc: ChunkedDocument,
    analysis: Analysis,
    thisVersion = false,
  ): Promise<void> {
    const version = doc.version;
    const since = thisVersion ? version : 0;
    if (this.symbolization.get(doc.uri, version) || this.symbolization.pending(doc.uri, since)) return;
    const settings = await this.settingsFor(doc.uri);
    await framesInTurns(analysis);
    if (
      this.documents.get(doc.uri) !== doc ||
      doc.version !== version ||
      this.symbolization.pending(doc.uri, since)
    )
      return;
    this.symbolize(doc.uri, version, doc.textPieces(), analysis, settings);
  }

  /** Start symbolizing the frames of an analysed document (in the symbolizer worker). */
  private symbolize(
    uri: string,
    version: number,
    text: LongText,
    analysis: Analysis,
    settings: Settings,
  ): void {
    const frames = framesOf(analysis);
    if (frames.length === 0) return;
    const sources = this.sourceMapper(settings);
    this.symbolization.request(
      uri,
      version,
      text,
      frames,
      {
        settings: {
          vmlinux: settings.vmlinux || null,
          modulePaths: settings.modulePaths,
          systemMap: settings.systemMap || null,
          moduleMap: settings.moduleMap || null,
        },
        release: releaseOf(analysis),
        arch: archOf(analysis),
        workspaceFolders: this.trusted ? this.workspaceFolders : [],
        debuginfodUrls:
          this.trusted && settings.debuginfod.enable ? process.env.DEBUGINFOD_URLS || undefined : undefined,
        crossCheck: (this.trusted && settings.symbolizer.external) || undefined,
        runTools: this.trusted,
      },
      sources,
    );
  }

  private sourceMapper(settings: Settings): SourceMapper {
    return new SourceMapper({
      sourceRoots: settings.sourceRoot,
      pathMap: settings.sourcePathMap,
      workspaceFolders: this.workspaceFolders,
    });
  }

  /** A work-done progress for indexing `file`, when the client shows them; `done` may come before it begins. */
  private indexingProgress(file: string): { done(): void } {
    if (!this.progressSupport) return { done() {} };
    const p = this.connection.window.createWorkDoneProgress();
    let ended = false;
    void p.then(
      (r) => {
        r.begin('Kernel Oops Lens', undefined, `Indexing ${file}…`);
        if (ended) return r.done();
        handle.done = () => r.done();
      },
      () => {},
    );
    const handle: { done(): void } = {
      done: () => {
        ended = true;
      },
    };
    return { done: () => handle.done() };
  }

  private symbolizationReady(uri: string, r: DocSymbolization): void {
    const params: DebugFilesParams = {
      uri,
      vmlinux: r.files.vmlinux,
      modules: r.files.modules,
      systemMap: r.files.systemMap,
      moduleMap: r.files.moduleMap,
      // Added fields (older clients ignore them): files not used because they belong to another kernel,
      // and the one line a status bar shows when the files in use do not tell the whole story.
      rejected: r.files.rejected,
      status: debugFilesStatus(r.files),
      messages: r.messages,
    };
    void this.connection.sendNotification(DEBUG_FILES_NOTIFICATION, params);
    // Problems with debug files are worth a notification, once each.
    for (const m of r.messages) {
      if (this.shownMessages.has(m)) continue;
      this.shownMessages.add(m);
      void this.connection.sendNotification('window/showMessage', {
        type: MessageType.Warning,
        message: `Kernel Oops Lens: ${m}`,
      });
    }
    if (this.inlayRefreshSupport)
      void this.connection.sendRequest('workspace/inlayHint/refresh').catch(() => {});
    // The culprit lens can now say where the source is (or why not).
    if (this.codeLensRefreshSupport)
      void this.connection.sendRequest('workspace/codeLens/refresh').catch(() => {});
  }
}

/** The faulting access the symbolization explained for an event of `analysis` (on its IP or caller frame). */
function symbolizedAccess(
  sym: DocSymbolization,
  analysis: Analysis,
): (e: KernelEvent) => FaultAccess | undefined {
  return (e) => {
    const index = analysis.events.indexOf(e);
    const f = sym.frames.find((x) => x.event === index && x.fault);
    return f && sym.results.get(f.key)?.access;
  };
}
