// `file:line` text in the log (a WARNING's `at …/buggy.c:84`, syzbot's `kernel/sched/core.c:4146`, KASAN
// lines) as links to that line in the user's tree. Only paths found there (sourceRoot, workspace folders,
// or the path itself) become links, so nothing is underlined that cannot be opened.
import type { DocumentLink } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { findSourceReferences, type SourceMapper } from '../engine';
import { fileUri } from './frameSource';
import { spanRange } from './ranges';

export function provideDocumentLinks(doc: TextDocument, sources: SourceMapper): DocumentLink[] {
  const links: DocumentLink[] = [];
  for (const ref of findSourceReferences(doc.getText())) {
    const local = sources.resolve(ref.path);
    if (!local) continue;
    // VS Code and most LSP clients open `#L<line>[,<column>]` at that position.
    const fragment = `L${ref.line}${ref.column ? `,${ref.column}` : ''}`;
    links.push({ range: spanRange(ref.span), target: `${fileUri(local)}#${fragment}`, tooltip: local });
  }
  return links;
}
