// The messages the Kernel Oops Lens server and its VS Code client exchange beyond standard LSP. Both sides
// import the names and shapes from here, so they cannot drift apart. Plain data: this folder imports
// nothing, so the client still never imports server code (eslint.config.mjs).

/**
 * workspace/executeCommand `arguments: [uri, options?: DecodeLogOptions]` (an open kernel log): the log with
 * its frames symbolized, decode_stacktrace.sh style, waiting for the debug files; null when the log could
 * not be analysed.
 */
export const DECODE_LOG_COMMAND = 'kernelOops.server.decodeLog';

export interface DecodeLogOptions {
  /**
   * The text in pages of whole lines, about this many characters each (at least 1024): the result holds
   * the first, `more` the argument for the next (DECODE_LOG_PAGE_COMMAND). Without it the whole text comes
   * in one message, which for a 100 MB log the server builds and writes several times over.
   */
  pageChars?: number;
}

export interface DecodeLogResult {
  text: string;
  /** What was decoded and, grouped, why the rest was not (`Decoded 3 of 5 frames.`, `Not decoded (2): …`). */
  summary: string[];
  /** Problems with the debug files (one line each). */
  messages: string[];
  /** When the text goes on (pages asked for): the argument of DECODE_LOG_PAGE_COMMAND for the next page. */
  more?: string;
}

/**
 * workspace/executeCommand `arguments: [more]` (a DecodeLogResult's or DecodeLogPage's `more`): the next
 * page of the decoded text, of the log as it was when decoding began. A `more` expires a minute after its
 * page, and when the log closes.
 */
export const DECODE_LOG_PAGE_COMMAND = 'kernelOops.server.decodeLogPage';

export interface DecodeLogPage {
  text: string;
  more?: string;
}

/** Server → client notification: the debug files a log's frames are symbolized with (the status bar). */
export const DEBUG_FILES_NOTIFICATION = 'kernelOops/debugFiles';

export interface DebugFileInUse {
  path: string;
  /** Why this file: `setting`, `release search`, `workspace`, `debuginfod`… */
  source: string;
}

export interface RejectedDebugFile {
  path: string;
  /** Why it was not used (another kernel's release or machine). */
  reason: string;
}

export interface DebugFilesParams {
  uri: string;
  vmlinux: DebugFileInUse | null;
  /** Module name → file. */
  modules: Record<string, DebugFileInUse>;
  systemMap: string | null;
  moduleMap: string | null;
  /** Files found but not used because they belong to another kernel (object name → file). */
  rejected: Record<string, RejectedDebugFile>;
  /** The one line a status bar shows when the files in use do not tell the whole story, else null. */
  status: string | null;
  messages: string[];
}

/**
 * Client → server notification: the workspace's trust changed (VS Code: onDidGrantWorkspaceTrust). While
 * untrusted the server opens and runs nothing from the workspace (no debug-file search of its folders, no
 * xz/zstd or cross-check tool, no debuginfod).
 */
export const WORKSPACE_TRUST_NOTIFICATION = 'kernelOops/workspaceTrust';

export interface WorkspaceTrustParams {
  trusted: boolean;
}

/** initializationOptions the VS Code client sends; a client that sends no `workspaceTrusted` is trusted. */
export interface TrustInitializationOptions {
  workspaceTrusted: boolean;
}

/**
 * workspace/executeCommand `arguments: [uri, line]` (an open kernel log, a 0-based line): the bug report of
 * the event at that line (or the nearest one above it), decoded as far as the debug files allow, its
 * maintainers from the MAINTAINERS of kernelOops.sourceRoot (or a trusted workspace folder); null when no
 * event is there.
 */
export const CRASH_REPORT_COMMAND = 'kernelOops.server.crashReport';

/** The client's command that copies a crash report (the CodeLens on each event header runs it). */
export const COPY_CRASH_REPORT_COMMAND = 'kernelOops.copyCrashReport';

/** The language-model tool (`contributes.languageModelTools`) giving chat agents the crash under the cursor. */
export const EXPLAIN_CRASH_TOOL = 'kernel-oops-lens_explainCrash';

/** The client's command that copies the crash report in Markdown (the result's `markdown`), for a tracker. */
export const COPY_CRASH_REPORT_MARKDOWN_COMMAND = 'kernelOops.copyCrashReportMarkdown';

export interface CrashReportPerson {
  name: string;
  email: string;
}

export interface CrashReportResult {
  title: string;
  release: string | null;
  guiltyFile: string | null;
  subsystems: string[];
  maintainers: CrashReportPerson[];
  reviewers: CrashReportPerson[];
  lists: string[];
  /** The report as plain text, ready to paste into a mail. */
  text: string;
  /** The same report in Markdown (`oops-lens report --markdown`), for a tracker. */
  markdown: string;
  /** Taint letters set, each with what it means. */
  taint: { letter: string; meaning: string }[];
  /** What a memory fault's faulting instruction accessed, or null. */
  faultAccess: string | null;
  /** Whether debug files decoded the event's frames (its `lines` then say `func (file:line) mod`). */
  decoded: boolean;
  /** The event's lines without timestamps and printk prefixes, decoded when `decoded`. */
  lines: string[];
  /** 0-based header line of the event reported. */
  line: number;
}

/**
 * workspace/executeCommand `arguments: [uri]` (an open kernel log): every event's header, in document order
 * (what *Next crash* / *Previous crash* move between); null when the log could not be analysed.
 */
export const EVENT_HEADERS_COMMAND = 'kernelOops.server.eventHeaders';

export interface EventHeader {
  /** 0-based line and UTF-16 column of the header text. */
  line: number;
  character: number;
  title: string;
}

/** The client's navigation commands (default keybindings in kernel logs). */
export const NEXT_CRASH_COMMAND = 'kernelOops.nextCrash';
export const PREVIOUS_CRASH_COMMAND = 'kernelOops.previousCrash';

/** The client's *Select debug files…* command (the status-bar item and a diagnostic's code action run it). */
export const SELECT_DEBUG_FILES_COMMAND = 'kernelOops.selectDebugFiles';

/**
 * The client's command `arguments: [title]`: opens syzbot's list of open upstream bugs in the browser with
 * the title highlighted (a text fragment); nothing is fetched until the user runs it.
 */
export const SEARCH_SYZBOT_COMMAND = 'kernelOops.searchSyzbot';

/**
 * syzbot's dashboard has no search box: its open-bugs page lists every open upstream bug by title, and a
 * text fragment (`#:~:text=`) makes the browser scroll to the title and highlight it.
 */
export function syzbotSearchUrl(title: string): string {
  // `-`, `,` and `&` separate the parts of a text directive: encode them too.
  const text = encodeURIComponent(title.trim()).replace(/-/g, '%2D').replace(/,/g, '%2C');
  return `https://syzkaller.appspot.com/upstream#:~:text=${text}`;
}

/**
 * workspace/executeCommand `arguments: [paths?]` (files or folders; default: pstore's and systemd-pstore's
 * folders, those missing skipped): the kernel-log dumps pstore kept, parts joined oldest first, one after the
 * other (*Open kernel log: pstore*).
 */
export const PSTORE_COMMAND = 'kernelOops.server.pstore';

export interface PstoreResult {
  /** The joined dumps' lines; '' when none was found. */
  text: string;
  /** Per dump: `Oops#1: parts 2, 1 joined, oldest first`. */
  dumps: string[];
  /** Per file or folder that could not be used: `/sys/fs/pstore/dmesg-ramoops-0: Permission denied`. */
  problems: string[];
}

/**
 * Request `kernelOops/crashGroups` (the *Kernel Crashes* view): every event of the given logs grouped by
 * signature, as `oops-lens triage` groups them. `uris`: open documents (their current text) or `file:`
 * URIs read from disk (cached while unchanged); cancellable.
 */
export const CRASH_GROUPS_REQUEST = 'kernelOops/crashGroups';

export interface CrashGroupsParams {
  uris: string[];
  /** `title` (default) or `frames` (the first non-generic frames from the crash site). */
  by?: 'title' | 'frames';
}

export interface CrashGroup {
  signature: string;
  title: string;
  culprit: string | null;
  kind: string;
  severity: 'error' | 'warning' | 'information';
  count: number;
  /** How many of the logs hold it. */
  logs: number;
  releases: string[];
}

export interface CrashGroupsResult {
  logs: number;
  events: number;
  /** Events left out because they follow from an earlier crash of their log. */
  consequences: number;
  /** Logs not read, with the reason (`file: binary, not a log`). */
  skipped: string[];
  /** Newest last occurrence first, as `oops-lens triage` lists them. */
  groups: CrashGroup[];
}

/** Request `kernelOops/crashGroupEvents`: the events of one group (a tree node's children, asked on expand). */
export const CRASH_GROUP_EVENTS_REQUEST = 'kernelOops/crashGroupEvents';

export interface CrashGroupEventsParams extends CrashGroupsParams {
  signature: string;
}

export interface CrashEventLocation {
  uri: string;
  /** 0-based header line and UTF-16 column. */
  line: number;
  character: number;
  title: string;
  culprit: string | null;
}

/** The client's *Decode log* command, `arguments: [uri, line]` from a CodeLens: the decoded copy at that line. */
export const DECODE_LOG_CLIENT_COMMAND = 'kernelOops.decodeLog';

/** The client's command `arguments: [fileUri, line, character]` (0-based): opens a source file there. */
export const OPEN_SOURCE_COMMAND = 'kernelOops.openSource';

/**
 * Client → server request: a kernel log open in an editor tab that VS Code does not give extensions (above
 * its 50 MB sync limit). The server reads the file from disk and analyses it as an open document: its
 * diagnostics are published for `uri` as for any log. Answers how many events it found, or why it could not
 * read the file. Closed by LARGE_LOG_CLOSED_NOTIFICATION when the last tab of the file closes.
 */
export const LARGE_LOG_OPEN_REQUEST = 'kernelOops/openLargeLog';
export const LARGE_LOG_CLOSED_NOTIFICATION = 'kernelOops/closeLargeLog';

export interface LargeLogParams {
  /** A `file:` URI. */
  uri: string;
}

export type LargeLogResult = { events: number } | { problem: string };
