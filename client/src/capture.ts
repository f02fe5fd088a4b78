// Open kernel log: this boot / previous boot / from a file…. The kernel's log is read where the extension
// runs — the workspace's machine, remote ones included — from journalctl, then dmesg, then syslog's file
// (captureSources.ts), each command spawned with an argument array (no shell), streamed into a read-only
// Kernel Log document (`kernel-oops-capture:`) with progress; a refusal for lack of privilege (the usual
// kernel.dmesg_restrict) ends in one message saying how to get the log anyway.
import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import * as vscode from 'vscode';
import {
  captureFailureMessage,
  captureSources,
  describeSource,
  hasLogLines,
  isPermissionProblem,
  type Boot,
  type CaptureSource,
} from './captureSources';
import { KERNEL_LOG } from './detectByContent';

export const CAPTURE_SCHEME = 'kernel-oops-capture';
/** A capture stops past this much text (an editor document of more is unusable anyway). */
const MAX_CAPTURE_BYTES = 256 * 1024 * 1024;
/** How often a growing capture is shown again. */
const REFRESH_MS = 250;

const COMMANDS: Record<Boot, string> = {
  this: 'kernelOops.openKernelLog.thisBoot',
  previous: 'kernelOops.openKernelLog.previousBoot',
};
const FROM_FILE_COMMAND = 'kernelOops.openKernelLog.fromFile';

/** What a capture command returns (for scripts and tests): the document, or the message shown instead. */
export interface CaptureResult {
  uri: string | null;
  /** The command or file the log came from. */
  source: string | null;
  /** The error shown when nothing could be read. */
  message: string | null;
}

/** How one source ended: its text (complete or cut at the limit), or why not. */
type Outcome = { ok: true; truncated: boolean; said: string } | { ok: false; reason: string };

interface Sink {
  /** Text read so far from the current source. */
  text: string;
  /** Called after each chunk. */
  grew(): void;
}

/** Runs one source, appending its output to `sink.text`; ends early when `token` is cancelled. */
function readSource(source: CaptureSource, sink: Sink, token: vscode.CancellationToken): Promise<Outcome> {
  return new Promise((resolve) => {
    const decoder = new StringDecoder('utf8');
    let bytes = 0;
    let truncated = false;
    let stderr = '';
    let settled = false;
    const done = (o: Outcome) => {
      if (settled) return;
      settled = true;
      resolve(o);
    };
    const onData = (chunk: Buffer, stop: () => void) => {
      bytes += chunk.length;
      sink.text += decoder.write(chunk);
      if (bytes > MAX_CAPTURE_BYTES) {
        truncated = true;
        stop();
      }
      sink.grew();
    };
    if (source.kind === 'file') {
      const stream = createReadStream(source.path);
      const cancel = token.onCancellationRequested(() => stream.destroy());
      stream.on('data', (c) => onData(c as Buffer, () => stream.destroy()));
      stream.on('error', (e: NodeJS.ErrnoException) => {
        cancel.dispose();
        done({ ok: false, reason: `${source.path}: ${e.code === 'ENOENT' ? 'not found' : e.message}` });
      });
      stream.on('close', () => {
        cancel.dispose();
        sink.text += decoder.end();
        done({ ok: true, truncated, said: '' });
      });
      return;
    }
    const child = spawn(source.command, source.args, {
      shell: false,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, SYSTEMD_PAGER: '', LC_ALL: 'C.UTF-8' },
    });
    const cancel = token.onCancellationRequested(() => child.kill());
    child.stdout.on('data', (c: Buffer) => onData(c, () => child.kill()));
    child.stderr.on('data', (c: Buffer) => {
      if (stderr.length < 4096) stderr += c.toString('utf8');
    });
    child.on('error', (e: NodeJS.ErrnoException) => {
      cancel.dispose();
      done({
        ok: false,
        reason: `${source.command}: ${e.code === 'ENOENT' ? 'not installed (not found in PATH)' : e.message}`,
      });
    });
    child.on('close', (code) => {
      cancel.dispose();
      sink.text += decoder.end();
      const said = stderr.trim().split('\n').filter(Boolean).slice(0, 3).join(' ');
      if (code === 0 || truncated || token.isCancellationRequested)
        return done({ ok: true, truncated, said });
      done({ ok: false, reason: `${source.command}: ${said || `exit status ${code}`}` });
    });
  });
}

/** The text of each open capture document, by URI. */
const contents = new Map<string, string>();
const changed = new vscode.EventEmitter<vscode.Uri>();
let captures = 0;

/** A new capture document's URI (`label` is shown as its name). */
function captureUri(label: string): vscode.Uri {
  return vscode.Uri.from({
    scheme: CAPTURE_SCHEME,
    path: `/kernel log, ${label}.dmesg`,
    query: String(++captures),
  });
}

/** Shows text read elsewhere (the server's pstore dumps) as a read-only Kernel Log capture; returns its URI. */
export async function openCapturedText(label: string, text: string): Promise<string> {
  const uri = captureUri(label);
  contents.set(uri.toString(), text);
  await openCapture(uri);
  return uri.toString();
}

export function registerCapture(context: vscode.ExtensionContext): void {
  const capture = async (boot: Boot): Promise<CaptureResult> => {
    const label = boot === 'this' ? 'this boot' : 'previous boot';
    const uri = captureUri(label);
    const key = uri.toString();
    const failures: string[] = [];
    const result = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: `Kernel Oops Lens: reading the kernel log of ${label}`,
        cancellable: true,
      },
      async (progress, token) => {
        for (const source of captureSources(boot)) {
          const what = describeSource(source);
          progress.report({ message: what });
          let opened: Promise<unknown> | null = null;
          let lastShown = 0;
          const show = (sink: Sink) => {
            contents.set(key, sink.text);
            changed.fire(uri);
            lastShown = Date.now();
          };
          const sink: Sink = {
            text: '',
            grew() {
              // Open the document once real log lines arrive (not journalctl's "-- No entries --").
              if (!opened && hasLogLines(sink.text)) {
                contents.set(key, sink.text);
                opened = openCapture(uri);
              } else if (opened && Date.now() - lastShown > REFRESH_MS) show(sink);
              else return;
              const lines = sink.text.length ? sink.text.split('\n').length - 1 : 0;
              progress.report({ message: `${what}: ${lines.toLocaleString('en-US')} lines` });
            },
          };
          const outcome = await readSource(source, sink, token);
          if (token.isCancellationRequested && !opened) return null;
          if (outcome.ok && hasLogLines(sink.text)) {
            show(sink);
            if (!opened) opened = openCapture(uri);
            await opened;
            return { source: what, truncated: outcome.truncated, text: sink.text };
          }
          failures.push(
            outcome.ok
              ? `${what}: no kernel messages${outcome.said ? ` (${outcome.said})` : ''}`
              : outcome.reason,
          );
          if (opened) show({ text: '', grew() {} });
        }
        return null;
      },
    );
    if (!result) {
      contents.delete(key);
      const message = failures.length ? captureFailureMessage(label, failures) : null;
      if (message) void vscode.window.showErrorMessage(message);
      return { uri: null, source: null, message };
    }
    const lines = result.text.split('\n').length - (result.text.endsWith('\n') ? 1 : 0);
    void vscode.window.setStatusBarMessage(
      `Kernel Oops Lens: ${lines.toLocaleString('en-US')} lines of ${label} from ${result.source}` +
        (result.truncated ? ` (stopped at ${MAX_CAPTURE_BYTES / 1024 / 1024} MB)` : ''),
      8000,
    );
    return { uri: key, source: result.source, message: null };
  };

  context.subscriptions.push(
    changed,
    vscode.workspace.registerTextDocumentContentProvider(CAPTURE_SCHEME, {
      onDidChange: changed.event,
      provideTextDocumentContent: (uri) => contents.get(uri.toString()) ?? '',
    }),
    vscode.workspace.onDidCloseTextDocument((d) => {
      if (d.uri.scheme === CAPTURE_SCHEME) contents.delete(d.uri.toString());
    }),
    vscode.commands.registerCommand(COMMANDS.this, () => capture('this')),
    vscode.commands.registerCommand(COMMANDS.previous, () => capture('previous')),
    vscode.commands.registerCommand(FROM_FILE_COMMAND, openLogFile),
  );
}

async function openCapture(uri: vscode.Uri): Promise<void> {
  const doc = await vscode.languages.setTextDocumentLanguage(
    await vscode.workspace.openTextDocument(uri),
    KERNEL_LOG,
  );
  await vscode.window.showTextDocument(doc, { preview: false });
}

/** Opens a saved log (a file the user picks, or `file` from a script) as Kernel Log. */
async function openLogFile(file?: vscode.Uri): Promise<vscode.Uri | null> {
  const target =
    file ??
    (
      await vscode.window.showOpenDialog({
        canSelectMany: false,
        openLabel: 'Open kernel log',
        defaultUri: vscode.Uri.file('/var/log'),
      })
    )?.[0];
  if (!target) return null;
  try {
    const doc = await vscode.languages.setTextDocumentLanguage(
      await vscode.workspace.openTextDocument(target),
      KERNEL_LOG,
    );
    await vscode.window.showTextDocument(doc, { preview: false });
    return target;
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    const hint = isPermissionProblem(why) ? ' (copy it with sudo into a file you can read)' : '';
    void vscode.window.showErrorMessage(`Kernel Oops Lens: cannot open ${target.fsPath}: ${why}${hint}`);
    return null;
  }
}
