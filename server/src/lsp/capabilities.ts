// The one place that says what the server offers. Every feature registered in server.ts is declared here.
import { TextDocumentSyncKind, type ServerCapabilities } from 'vscode-languageserver';

/** workspace/executeCommand: arguments [uri]; returns the decode_stacktrace.sh-style text of the log. */
export const DECODE_LOG_COMMAND = 'kernelOops.server.decodeLog';

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
    executeCommandProvider: { commands: [DECODE_LOG_COMMAND] },
  };
}
