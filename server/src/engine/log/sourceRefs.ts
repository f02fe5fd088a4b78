// `file:line` text the log already holds: a WARNING's `at /var/lib/dkms/buggy/1.0/build/buggy.c:84`,
// `kernel BUG at mm/slub.c:412!`, syzbot's symbolized frames (`__schedule kernel/sched/core.c:4146`),
// KASAN's `… in foo+0x12/0x34 net/core/sock.c:123`. Editors make them links into the user's tree.
import type { Span } from '../model';
import { LineCursor } from './lines';

export interface SourceReference {
  /** As printed: a build path (`/var/lib/dkms/…/buggy.c`) or a path in the kernel tree (`mm/slub.c`). */
  path: string;
  line: number;
  column: number | null;
  /** The whole `path:line[:column]` text. */
  span: Span;
}

/** More references than this in one log are not reported (a syzbot log has a few hundred). */
export const MAX_SOURCE_REFERENCES = 10_000;

// A path (optionally absolute, no spaces) ending in a source extension, then `:line` and maybe `:column`.
// Not preceded by a path character, so `a/b.c:1` inside a longer token is not cut in the middle.
const SOURCE_REF =
  /(?<![\w/.~+-])((?:\/|~\/)?(?:[\w.+-]+\/)*[\w+-][\w.+-]*\.(?:c|h|S|s|rs|cc|cpp|cxx|hh|hpp|lds|y|l|dts|dtsi)):(\d{1,7})(?::(\d{1,5}))?(?![\w.])/g;

/** Every `file:line` in `text`, in document order (lines counted as LSP counts them). */
export function findSourceReferences(text: string, max = MAX_SOURCE_REFERENCES): SourceReference[] {
  const refs: SourceReference[] = [];
  // Line by line without splitting the text: only lines that may hold a reference become strings.
  const cursor = new LineCursor(text);
  while (refs.length < max && cursor.next()) {
    const { start, end } = cursor;
    if (end - start < 4) continue;
    const n = cursor.line;
    const line = text.slice(start, end);
    // Cheap reject: every reference has a `.` before a `:`.
    const colon = line.lastIndexOf(':');
    if (colon < 2 || line.indexOf('.') < 0 || line.indexOf('.') > colon) continue;
    SOURCE_REF.lastIndex = 0;
    for (let m; (m = SOURCE_REF.exec(line)) && refs.length < max;) {
      const lineNo = Number(m[2]);
      if (lineNo === 0) continue;
      refs.push({
        path: m[1],
        line: lineNo,
        column: m[3] ? Number(m[3]) : null,
        span: { line: n, start: m.index, end: m.index + m[0].length },
      });
    }
  }
  return refs;
}
