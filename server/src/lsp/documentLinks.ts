// `file:line` text in the log (a WARNING's `at …/buggy.c:84`, syzbot's `kernel/sched/core.c:4146`, KASAN
// lines) as links to that line in the user's tree. Only paths found there (sourceRoot, workspace folders,
// or the path itself) become links, so nothing is underlined that cannot be opened.
import type { DocumentLink } from 'vscode-languageserver';
import {
  findSourceReferences,
  MAX_SOURCE_REFERENCES,
  type SourceMapper,
  type SourceReference,
} from '../engine';
import type { ChunkedDocument } from './chunkedDocument';
import { fileUri } from './frameSource';
import { spanRange } from './ranges';

export function provideDocumentLinks(doc: ChunkedDocument, sources: SourceMapper): DocumentLink[] {
  const links: DocumentLink[] = [];
  // Chunk by chunk (references never span lines): the text is not joined for it.
  const refs: SourceReference[] = [];
  for (const { text, line } of doc.lineChunks()) {
    for (const r of findSourceReferences(text, MAX_SOURCE_REFERENCES - refs.length))
      refs.push({ ...r, span: { ...r.span, line: r.span.line + line } });
    if (refs.length >= MAX_SOURCE_REFERENCES) break;
  }
  for (const ref of refs) {
    const local = sources.resolve(ref.path);
    if (!local) continue;
    // VS Code and most LSP clients open `#L<line>[,<column>]` at that position.
    const fragment = `L${ref.line}${ref.column ? `,${ref.column}` : ''}`;
    links.push({ range: spanRange(ref.span), target: `${fileUri(local)}#${fragment}`, tooltip: local });
  }
  return links;
}
