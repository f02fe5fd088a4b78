// Scope assertions written beside log lines in test-fixtures/grammar/cases/*.txt (format in
// test-fixtures/grammar/README.md):
//   <log line>                     any line not starting with "@" or "##"; "\x1b" stands for ESC
//   @ "text" scope                 every token covering `text` carries `scope` (or a child of it: x.kernel-log
//                                  accepts x.y.kernel-log), and
//                                  `text` starts and ends on token boundaries
//   @2 "text" scope                the same for the 2nd (non-overlapping) occurrence of `text` (@-1: the last)
//   @! "text" scope                no token covering `text` carries `scope` (or a child of it)
//   ## comment
import type { IToken } from 'vscode-textmate';

export interface Assertion {
  fixture: string;
  fixtureLine: number;
  logIndex: number;
  text: string;
  occurrence: number;
  scope: string;
  negative: boolean;
}

export interface Fixture {
  lines: string[];
  assertions: Assertion[];
}

const ESC = /\\x1b/g;
const ASSERTION = /^@(!|-?\d*) "((?:[^"\\]|\\.)*)" (\S+)\s*$/;

export function parseFixture(name: string, text: string): Fixture {
  const lines: string[] = [];
  const assertions: Assertion[] = [];
  text.split('\n').forEach((raw, i) => {
    if (raw.startsWith('##')) return;
    if (raw.startsWith('@')) {
      const m = ASSERTION.exec(raw);
      if (!m) throw new Error(`${name}:${i + 1}: malformed assertion: ${raw}`);
      if (lines.length === 0) throw new Error(`${name}:${i + 1}: assertion before any log line`);
      assertions.push({
        fixture: name,
        fixtureLine: i + 1,
        logIndex: lines.length - 1,
        text: m[2].replace(ESC, '\x1b').replace(/\\"/g, '"'),
        occurrence: m[1] === '!' || m[1] === '' ? 1 : Number(m[1]),
        scope: m[3],
        negative: m[1] === '!',
      });
      return;
    }
    lines.push(raw.replace(ESC, '\x1b'));
  });
  return { lines, assertions };
}

// "constant.numeric.hex.kernel-log" also accepts "constant.numeric.hex.address.kernel-log": compare
// without the language suffix, then as a dotted prefix.
const bare = (s: string) => s.replace(/\.kernel-log$/, '');
const hasScope = (t: IToken, scope: string) =>
  t.scopes.some((s) => bare(s) === bare(scope) || bare(s).startsWith(bare(scope) + '.'));

/** Returns a failure message, or null when the assertion holds. */
export function check(a: Assertion, line: string, tokens: IToken[]): string | null {
  const starts: number[] = [];
  for (let i = line.indexOf(a.text); i >= 0; i = line.indexOf(a.text, i + a.text.length)) starts.push(i);
  const start = a.occurrence > 0 ? starts[a.occurrence - 1] : starts[starts.length + a.occurrence];
  if (start === undefined) return `"${a.text}" (occurrence ${a.occurrence}) not found in line: ${line}`;
  const end = start + a.text.length;
  // vscode-textmate's last token may run one past the line (over the "\n" it appends).
  const tokenEnd = (t: IToken) => Math.min(t.endIndex, line.length);
  const covering = tokens.filter((t) => t.startIndex < end && tokenEnd(t) > start);
  const describe = () =>
    covering
      .map((t) => `${JSON.stringify(line.slice(t.startIndex, t.endIndex))}: ${t.scopes.slice(1).join(' ')}`)
      .join('\n    ');
  if (a.negative) {
    return covering.some((t) => hasScope(t, a.scope))
      ? `"${a.text}" must not have ${a.scope}, tokens:\n    ${describe()}`
      : null;
  }
  if (!covering.every((t) => hasScope(t, a.scope)))
    return `"${a.text}" should have ${a.scope}, tokens:\n    ${describe()}`;
  if (covering[0].startIndex !== start || tokenEnd(covering[covering.length - 1]) !== end) {
    return `"${a.text}" has ${a.scope} but is not exactly a token range, tokens:\n    ${describe()}`;
  }
  return null;
}
