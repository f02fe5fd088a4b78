// The one place that says what the server offers. Every feature registered in server.ts is declared here.
import { CodeActionKind, TextDocumentSyncKind, type ServerCapabilities } from 'vscode-languageserver';
import {
  CRASH_REPORT_COMMAND,
  DECODE_LOG_COMMAND,
  DECODE_LOG_PAGE_COMMAND,
  EVENT_HEADERS_COMMAND,
  PSTORE_COMMAND,
} from '../../../protocol';
import { semanticTokensLegend } from './semanticTokens';

export function capabilities(): ServerCapabilities {
  return {
    // Incremental: an edit to a large log sends only the edit, not the whole text again.
    textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
    documentSymbolProvider: { label: 'Kernel Oops Lens' },
    foldingRangeProvider: true,
    hoverProvider: true,
    // Frames -> source (needs debug files: kernelOops.vmlinux / modulePaths, see lsp/symbolization.ts).
    definitionProvider: true,
    inlayHintProvider: true,
    // Colours for the logs VS Code does not tokenize (above 20 MB or 300,000 lines), the viewport asked for
    // (lsp/semanticTokens.ts); none for the others, which the grammar colours.
    semanticTokensProvider: { legend: semanticTokensLegend(), range: true, full: false },
    // file:line text in the log -> the source line (lsp/documentLinks.ts).
    documentLinkProvider: { resolveProvider: false },
    // CodeLenses per event header: Decode, Copy report, Go to culprit source (lsp/codeLens.ts).
    codeLensProvider: { resolveProvider: false },
    // Every event of every open log by title, culprit and task (lsp/workspaceSymbols.ts).
    workspaceSymbolProvider: true,
    // On our diagnostics: Copy crash report, Search on syzbot, Select debug files (lsp/codeActions.ts).
    codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
    // Beyond LSP, always served: kernelOops/crashGroups and crashGroupEvents (lsp/crashTree.ts), the
    // Kernel Crashes view.
    // EVENT_HEADERS_COMMAND: where Next / Previous crash move to (lsp/eventHeaders.ts).
    executeCommandProvider: {
      commands: [
        DECODE_LOG_COMMAND,
        DECODE_LOG_PAGE_COMMAND,
        CRASH_REPORT_COMMAND,
        EVENT_HEADERS_COMMAND,
        PSTORE_COMMAND,
      ],
    },
  };
}
