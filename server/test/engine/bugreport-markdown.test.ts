// The Markdown bug report read back by a CommonMark parser (markdown-it, the renderer VS Code and vsce use):
// on every event of the real corpora the heading is the title and the one fenced block is the report's lines,
// nothing in them read as emphasis, links or HTML; the facts list matches the plain-text report's lines;
// names and lines full of Markdown syntax come out as written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeText, buildBugReport, type BugReport } from '../../src/engine';
import { SYZKALLER_REPORTS } from './syzkaller-corpus';

// Not from ./fixtures: it loads the symbolizer's helpers, which build binaries with gcc.
const QEMU_LOGS = join(__dirname, '../../../test-fixtures/corpus/qemu/logs');
const QEMU_ARM64_LOGS = join(__dirname, '../../../test-fixtures/corpus/qemu-arm64/logs');
const SYZKALLER_GUILTY = join(SYZKALLER_REPORTS, '../guilty');

interface Token {
  type: string;
  tag: string;
  content: string;
  info: string;
  children: Token[] | null;
}
interface MarkdownIt {
  parse(src: string, env: object): Token[];
}
const markdownIt = createRequire(__filename)('markdown-it') as (options?: object) => MarkdownIt;
const md = markdownIt({ html: true, linkify: false });

/**
 * An inline token's text as a reader sees it; anything but plain text and code spans is a failure, except
 * the bold label a facts item starts with (`**Kernel:**`).
 */
function plainText(inline: Token): string {
  let children = (inline.children ?? []).filter((c) => c.type !== 'text' || c.content !== '');
  if (children[0]?.type === 'strong_open' && children[2]?.type === 'strong_close')
    children = [children[1], ...children.slice(3)];
  return children
    .map((c) => {
      if (c.type === 'text' || c.type === 'text_special' || c.type === 'code_inline') return c.content;
      if (c.type === 'softbreak') return '\n';
      throw new Error(`read as Markdown syntax (${c.type}): ${inline.content}`);
    })
    .join('');
}

interface Parsed {
  heading: string;
  items: string[];
  fences: Token[];
  subheadings: string[];
  paragraphs: string[];
}

function parse(markdown: string): Parsed {
  const tokens = md.parse(markdown, {});
  const out: Parsed = { heading: '', items: [], fences: [], subheadings: [], paragraphs: [] };
  let inItem = 0;
  tokens.forEach((t, i) => {
    if (t.type === 'list_item_open') inItem++;
    if (t.type === 'list_item_close') inItem--;
    if (t.type === 'fence') out.fences.push(t);
    if (t.type !== 'inline') return;
    const open = tokens[i - 1];
    if (open.type === 'heading_open' && open.tag === 'h2') out.heading = plainText(t);
    else if (open.type === 'heading_open') out.subheadings.push(plainText(t));
    else if (inItem > 0) out.items.push(plainText(t));
    else out.paragraphs.push(plainText(t));
  });
  return out;
}

function corpusLogs(): { name: string; text: string }[] {
  const logs: { name: string; text: string }[] = [];
  for (const dir of [QEMU_LOGS, QEMU_ARM64_LOGS])
    for (const n of readdirSync(dir).filter((f) => f.endsWith('.console.log')))
      logs.push({ name: n, text: readFileSync(join(dir, n), 'utf8') });
  // syzkaller's guilty-file cases (the report/ cases: guiltyFileOf does not finish on report/140, left as found).
  for (const n of readdirSync(SYZKALLER_GUILTY))
    logs.push({ name: `syzkaller/guilty/${n}`, text: readFileSync(join(SYZKALLER_GUILTY, n), 'utf8') });
  return logs;
}

/** The plain-text report's `Label: value` lines before its `Report` line. */
function textFacts(r: BugReport): Map<string, string> {
  const facts = new Map<string, string>();
  for (const l of r.text.split('\n').slice(2)) {
    if (l.startsWith('Report')) break;
    const m = /^([A-Za-z ]+): (.*)$/.exec(l);
    if (m) facts.set(m[1], m[2]);
  }
  return facts;
}

test('every event of the corpora: heading = title, one fenced block = the lines, facts = the text report', () => {
  let events = 0;
  for (const { name, text } of corpusLogs()) {
    const analysis = analyzeText(text);
    analysis.events.forEach((e, i) => {
      const r = buildBugReport(text, analysis, i);
      const p = parse(r.markdown);
      const at = `${name} event ${i + 1}`;
      assert.equal(p.heading, e.title, at);
      assert.equal(p.fences.length, 1, at);
      assert.equal(p.fences[0].content, r.lines.map((l) => l.trimEnd()).join('\n') + '\n', at);
      // The text report's body is the same lines, indented.
      const body = r.text.split('\n');
      assert.deepEqual(
        body.slice(body.findIndex((l) => /^Report( \(call trace decoded\))?:$/.test(l)) + 2, -1),
        r.lines.map((l) => `  ${l}`.trimEnd()),
        at,
      );
      const facts = textFacts(r);
      const items = new Map(
        p.items.filter((s) => /^[A-Z][a-z ]+:/.test(s)).map((s) => [s.slice(0, s.indexOf(':')), s]),
      );
      for (const [label, value] of facts) {
        if (label === 'Tainted' && r.taint.length > 0) continue;
        assert.equal(items.get(label), `${label}: ${value}`, `${at}: ${label}`);
      }
      // Taint letters one per item, as the text report explains them.
      for (const t of r.taint) assert.ok(p.items.includes(`${t.letter}: ${t.meaning}`), `${at}: ${t.letter}`);
      assert.equal(p.subheadings.includes('Faulting access'), r.faultAccess !== null, at);
      events++;
    });
  }
  assert.ok(events > 100, `${events} events`);
});

test('names, titles and lines full of Markdown syntax come out as written', () => {
  const tree = mkdtempSync(join(tmpdir(), 'oops-lens-md-tree-'));
  writeFileSync(
    join(tree, 'MAINTAINERS'),
    [
      'SOME_DRIVER *FAST* [x86]',
      'M:\t"Ann_ *Net*" <ann_x@example.org>',
      'R:\tRob_ | ~x~ & co <rob@example.org>',
      'L:\tnet_dev@example.org',
      'S:\tMaintained',
      'F:\tdrivers/',
      '',
    ].join('\n'),
  );
  const log = [
    '[    1.000000] WARNING: CPU: 0 PID: 1 at drivers/x_y.c:10 foo_*bar*+0x1/0x2',
    '[    1.000001] Modules linked in:',
    '[    1.000002] CPU: 0 PID: 1 Comm: a_*b*<c> Not tainted 6.1.0 #1',
    '[    1.000003] RIP: 0010:foo_*bar*+0x1/0x2',
    '[    1.000004] Code: ``` ```` # <b>x</b> [a](b)',
    '[    1.000005] Call Trace:',
    '[    1.000006]  <TASK>',
    '[    1.000007]  foo_*bar*+0x1/0x2',
    '[    1.000008]  </TASK>',
    '[    1.000009] ---[ end trace 0000000000000000 ]---',
  ].join('\n');
  const analysis = analyzeText(log);
  assert.ok(analysis.events.length > 0);
  // A title as odd as a function name can make it.
  analysis.events[0].title = 'BUG: *x* _y_ __z [a](b) <i>&amp; | ~q~ #';
  const r = buildBugReport(log, analysis, 0, { sourceRoots: [tree] });
  assert.equal(r.guiltyFile, 'drivers/x_y.c');
  const p = parse(r.markdown);
  assert.equal(p.heading, 'BUG: *x* _y_ __z [a](b) <i>&amp; | ~q~ #');
  assert.equal(p.fences.length, 1);
  assert.match(p.fences[0].content, /^Code: ``` ```` # <b>x<\/b> \[a\]\(b\)$/m);
  assert.ok(p.items.includes('Task: a_*b*<c> (pid 1) on CPU 0'), p.items.join('\n'));
  assert.ok(p.items.includes('Guilty file: drivers/x_y.c'));
  assert.ok(p.items.includes('Subsystems: SOME_DRIVER *FAST* [x86]'), p.items.join('\n'));
  assert.ok(p.items.includes(`To: ${r.maintainers[0].name} <ann_x@example.org>`), p.items.join('\n'));
  assert.ok(
    p.items.includes(`Cc: ${r.reviewers[0].name} <rob@example.org>, net_dev@example.org`),
    p.items.join('\n'),
  );
  assert.ok(r.maintainers[0].name.includes('*') && r.reviewers[0].name.includes('|'));
});
