// LSP hover: a thin adapter from (document, position) to the engine's hover explainer. It reads the hovered
// line (and the few lines above it the engine asks for: a Code: line's RIP line, a CR2's Code: line) and
// uses the precomputed analysis, so it stays fast on huge logs; facts that need the analysis are simply
// absent without it.

import type { Hover, Position } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Analysis, FaultAccess, KernelEvent } from '../engine';
import { explainAt, TRAILING_LINE_BREAK } from '../engine';

export { initDisassemblers } from '../engine';

function lineText(document: TextDocument, line: number): string | undefined {
  if (line < 0 || line >= document.lineCount) return undefined;
  const text = document.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } });
  // Strip the line break(s) the range includes: `\r\n`, `\n` or a lone `\r`.
  return text.replace(TRAILING_LINE_BREAK, '');
}

/** `frameSource`: the source section of the frame under the cursor (lsp/frameSource.ts), appended when given. */
export function provideHover(
  document: TextDocument,
  position: Position,
  analysis: Analysis | undefined,
  frameSource?: { markdown: string; start: number; end: number } | null,
  accessOf?: (event: KernelEvent) => FaultAccess | undefined,
): Hover | null {
  const text = lineText(document, position.line);
  if (text === undefined) return null;
  const result =
    explainAt(text, position.character, {
      line: position.line,
      analysis,
      getLine: (n) => lineText(document, n),
      accessOf,
    }) ?? (frameSource ? { markdown: '', start: frameSource.start, end: frameSource.end } : null);
  if (!result) return null;
  const markdown = frameSource
    ? [result.markdown, frameSource.markdown].filter((m) => m).join('\n\n---\n\n')
    : result.markdown;
  return {
    contents: { kind: 'markdown', value: markdown },
    range: {
      start: { line: position.line, character: result.start },
      end: { line: position.line, character: result.end },
    },
  };
}
