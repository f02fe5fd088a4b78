// Inlay hints after each symbolized frame: `fs/read_write.c:582`, or the inline chain compactly
// (`list.h:141 ‹ list.h:155 ‹ buggy.c:150`, innermost first), paths relative to the source root that has
// them. Each part links to its line when the source is at hand; the tooltip names the function and the
// full build path. `?` frames say that they are unreliable.
import type { InlayHint, InlayHintLabelPart, Range } from 'vscode-languageserver';
import { fileUri, mappedLevels } from './frameSource';
import { lineLength } from './ranges';
import type { DocSymbolization } from './symbolization';
import type { TextDocument } from 'vscode-languageserver-textdocument';

const UNRELIABLE =
  'A `?` frame: an address found on the stack, not proven by the unwinder — possibly stale, not part of the call chain.';

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
    const unreliable = !f.frame.reliable;
    const parts: InlayHintLabelPart[] = levels.map((m, i) => {
      const short = i === 0 ? m.short : m.short.slice(m.short.lastIndexOf('/') + 1);
      const part: InlayHintLabelPart = {
        value: `${i === 0 ? '' : ' ‹ '}${short}:${m.level.line}`,
        tooltip:
          `${m.level.function ?? '??'} — ${m.level.file}:${m.level.line}` +
          (m.local && m.local !== m.level.file ? `\n(${m.local})` : '') +
          (unreliable ? `\n${UNRELIABLE}` : ''),
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
    if (unreliable) parts.unshift({ value: '? unreliable: ', tooltip: UNRELIABLE });
    hints.push({ position: { line, character: lineLength(doc, line) }, label: parts, paddingLeft: true });
  }
  return hints;
}
