// The language-model tool `kernel-oops-lens_explainCrash`: what a chat agent gets when it asks about the crash
// under the cursor — the server's crash report (title, report lines decoded as far as the debug files allow,
// fault access, taint letters, maintainers) as JSON, so that it answers from the log's facts. The lm API is
// newer than the VS Code this extension supports (1.91) and missing where no chat is built in: registered only
// where `vscode.lm.registerTool` exists, typed here by the part of it used.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { CRASH_REPORT_COMMAND, EXPLAIN_CRASH_TOOL, type CrashReportResult } from '../../protocol';
import { KERNEL_LOG } from './detectByContent';

interface ToolInput {
  uri?: string;
  line?: number;
}

interface LmApi {
  registerTool(
    name: string,
    tool: {
      invoke(options: { input: ToolInput }, token: vscode.CancellationToken): Promise<unknown>;
    },
  ): vscode.Disposable;
}

interface LmConstructors {
  LanguageModelToolResult: new (parts: unknown[]) => unknown;
  LanguageModelTextPart: new (value: string) => unknown;
}

/** The evidence the tool returns: the crash report's facts, none of its prose twice. */
export function explainCrashEvidence(r: CrashReportResult, uri: string) {
  return {
    uri,
    line: r.line,
    title: r.title,
    release: r.release,
    taint: r.taint,
    faultAccess: r.faultAccess,
    guiltyFile: r.guiltyFile,
    subsystems: r.subsystems,
    maintainers: r.maintainers,
    reviewers: r.reviewers,
    lists: r.lists,
    decoded: r.decoded,
    reportLines: r.lines,
  };
}

export function registerExplainCrashTool(
  context: vscode.ExtensionContext,
  client: () => LanguageClient | undefined,
): void {
  const lm = (vscode as unknown as { lm?: Partial<LmApi> }).lm;
  const api = vscode as unknown as Partial<LmConstructors>;
  if (typeof lm?.registerTool !== 'function' || !api.LanguageModelToolResult || !api.LanguageModelTextPart)
    return;
  const { LanguageModelToolResult, LanguageModelTextPart } = api as LmConstructors;
  const text = (s: string) => new LanguageModelToolResult([new LanguageModelTextPart(s)]);
  context.subscriptions.push(
    lm.registerTool(EXPLAIN_CRASH_TOOL, {
      async invoke(options) {
        const editor = vscode.window.activeTextEditor;
        const input = options.input ?? {};
        const uri =
          input.uri ??
          (editor?.document.languageId === KERNEL_LOG ? editor.document.uri.toString() : undefined);
        const line = typeof input.line === 'number' ? input.line : editor?.selection.active.line;
        const c = client();
        if (!c || !uri || line === undefined)
          return text('No kernel log is open: open one and put the cursor on a crash.');
        const r = await c.sendRequest<CrashReportResult | null>('workspace/executeCommand', {
          command: CRASH_REPORT_COMMAND,
          arguments: [uri, line],
        });
        if (!r) return text(`No kernel event at or above line ${line + 1} of ${uri}.`);
        return text(JSON.stringify(explainCrashEvidence(r, uri), null, 2));
      },
    }),
  );
}
