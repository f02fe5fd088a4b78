// Inlay hints after each symbolized frame: `fs/read_write.c:582`, or the inline chain compactly
// (`list.h:141 ‹ list.h:155 ‹ buggy.c:150`, innermost first). Each part links to its line when the
// source is at hand; the tooltip names the functions.
import type { InlayHint, InlayHintLabelPart, Range } from 'vscode-languageserver';
import { fileUri, mappedLevels } from './frameSource';
import { lineLength } from './ranges';
import type { DocSymbolization } from './symbolization';
import type { TextDocument } from 'vscode-languageserver-textdocument';

export function provideInlayHints(doc: TextDocument, sym: DocSymbolization, range: Range): InlayHint[] {
  const hints: InlayHint[] = [];
  const seenLines = new Set<number>();
  for (const f of sym.frames) {
    const line = f.frame.span.line;
    if (line < range.start.line || line > range.end.line || seenLines.has(line)) continue;
    const r = sym.results.get(f.key);
    if (!r || !r.ok) continue;
    const levels = mappedLevels(sym, r);
    if (levels.length === 0) continue;
    seenLines.add(line);
    const parts: InlayHintLabelPart[] = levels.map((m, i) => {
      const short = i === 0 ? m.display : m.display.slice(m.display.lastIndexOf('/') + 1);
      const part: InlayHintLabelPart = {
        value: `${i === 0 ? '' : ' ‹ '}${short}:${m.level.line}`,
        tooltip: `${m.level.function ?? '??'} — ${m.display}:${m.level.line}`,
      };
      if (m.local)
        part.location = {
          uri: fileUri(m.local),
          range: {
            start: { line: Math.max(0, m.level.line - 1), character: 0 },
            end: { line: Math.max(0, m.level.line - 1), character: 0 },
          },
        };
      return part;
    });
    if (r.resolved) parts.unshift({ value: `${r.resolved} ` });
    hints.push({ position: { line, character: lineLength(doc, line) }, label: parts, paddingLeft: true });
  }
  return hints;
}
