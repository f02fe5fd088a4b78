// scheduler.ts: an edited document is re-analysed incrementally (no full analysis job), equal to the full
// analysis; a request during the quiet period after an edit gets the new analysis at once; edits whose
// lines are unknown (a whole-text change) or too many go to the worker. And composeEdits against
// replaying the edits line by line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeTextWithState, type AnalysisState } from '../../src/engine';
import type { Analyzer, AnalysisJob } from '../../src/lsp/analyzer';
import { ChunkedDocument, type LineEdit } from '../../src/lsp/chunkedDocument';
import { AnalysisScheduler, composeEdits, type AnalysedVersion } from '../../src/lsp/scheduler';
import { textOf, type LongText } from '../../src/lsp/worker';
import { Rng } from '../fuzz/fuzzer';
import { QEMU_LOGS } from '../engine/fixtures';

/** Full analyses, run at once on this thread, counted. */
class CountingAnalyzer implements Analyzer {
  runs = 0;
  run(req: { text: LongText }): AnalysisJob {
    this.runs++;
    const state = analyzeTextWithState(textOf(req.text));
    return {
      result: Promise.resolve({
        state,
        frameRefs: new Int32Array(0),
        diagnostics: { messages: [], identities: [] },
      }),
      started: true,
      sent: Promise.resolve(),
      cancel() {},
    };
  }
  warmUp(): void {}
  dispose(): void {}
}

function setUp(text: string, debounceMs = 10_000) {
  const doc = new ChunkedDocument('file:///x.log', 'kernel-log', 1, text);
  const analyzer = new CountingAnalyzer();
  const published: AnalysedVersion[] = [];
  const scheduler = new AnalysisScheduler(analyzer, {
    document: () => ({
      version: doc.version,
      lineCount: doc.lineCount,
      text: () => doc.textPieces(),
      readLines: (from, to) =>
        doc.getText({ start: { line: from, character: 0 }, end: { line: to, character: 0 } }),
      editsSince: (v) => doc.editsSince(v),
    }),
    debounceMs: () => debounceMs,
    onAnalysed: (_uri, r) => published.push(r),
    onFailed: (_uri, _v, e) => assert.fail(String(e)),
  });
  return { doc, analyzer, published, scheduler };
}

const LOG = readdirSync(QEMU_LOGS)
  .filter((n) => n.endsWith('.log'))
  .sort()
  .map((n) => readFileSync(join(QEMU_LOGS, n), 'utf8'))
  .join('\n');

function sameAsFull(state: AnalysisState, text: string) {
  const full = analyzeTextWithState(text);
  assert.deepEqual(state.analysis, full.analysis);
  assert.deepEqual(state.idle, full.idle);
}

test('edits are re-analysed incrementally: no full analysis after the first, the same result', async () => {
  const { doc, analyzer, published, scheduler } = setUp(LOG, 0);
  scheduler.schedule(doc.uri, 1, true);
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(analyzer.runs, 1);
  assert.equal(published.length, 1);
  // A report typed in the middle of the log, a line at a time, then a line deleted.
  const mid = Math.floor(doc.lineCount / 2);
  const typed = [
    'BUG: kernel NULL pointer dereference, address: 0000000000000008',
    'Call Trace:',
    ' foo+0x1/0x2',
  ];
  let version = 1;
  for (const line of typed) {
    const at = mid + version - 1;
    doc.update(
      [{ range: { start: { line: at, character: 0 }, end: { line: at, character: 0 } }, text: `${line}\n` }],
      ++version,
    );
    scheduler.schedule(doc.uri, version, false);
  }
  doc.update(
    [{ range: { start: { line: 3, character: 0 }, end: { line: 4, character: 0 } }, text: '' }],
    ++version,
  );
  scheduler.schedule(doc.uri, version, false);
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(analyzer.runs, 1, 'no full analysis for the edits');
  const last = published[published.length - 1];
  assert.equal(last.version, version);
  sameAsFull(last.state, doc.getText());
  // The typed header, one line up after the deletion above it.
  assert.ok(last.analysis.events.some((e) => e.line === mid - 1));
  scheduler.dispose();
});

test('a request during the quiet period after an edit is answered at once, from the incremental result', async () => {
  const { doc, analyzer, scheduler } = setUp(LOG);
  scheduler.schedule(doc.uri, 1, true);
  await new Promise((r) => setTimeout(r, 20));
  doc.update(
    [{ range: { start: { line: 10, character: 0 }, end: { line: 10, character: 0 } }, text: 'x' }],
    2,
  );
  scheduler.schedule(doc.uri, 2, false);
  const t0 = performance.now();
  const analysis = await scheduler.whenAnalysed(doc.uri, 2, { timeoutMs: 5000 });
  assert.ok(analysis);
  assert.ok(performance.now() - t0 < 5000);
  assert.equal(analyzer.runs, 1);
  sameAsFull(scheduler.latest(doc.uri)!.state, doc.getText());
  scheduler.dispose();
});

test('a whole-text change is analysed in full', async () => {
  const { doc, analyzer, published, scheduler } = setUp(LOG, 0);
  scheduler.schedule(doc.uri, 1, true);
  await new Promise((r) => setTimeout(r, 20));
  doc.update([{ text: 'BUG: soft lockup - CPU#0 stuck for 22s! [a:1]\n' }], 2);
  scheduler.schedule(doc.uri, 2, false);
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(analyzer.runs, 2);
  sameAsFull(published[published.length - 1].state, doc.getText());
  scheduler.dispose();
});

test('composeEdits: the composed change leaves every line outside it as it was', () => {
  const rng = new Rng(7);
  for (let round = 0; round < 500; round++) {
    const before = Array.from({ length: 5 + rng.int(30) }, (_, i) => `line ${i}`);
    let lines = [...before];
    const edits: LineEdit[] = [];
    for (let k = 0; k < 1 + rng.int(5); k++) {
      const start = rng.int(lines.length);
      const oldEnd = Math.min(lines.length - 1, start + rng.int(3));
      const added = Array.from({ length: 1 + rng.int(3) }, (_, i) => `new ${round}.${k}.${i}`);
      lines = [...lines.slice(0, start), ...added, ...lines.slice(oldEnd + 1)];
      edits.push({ from: 1, version: 2, start, oldEnd, newEnd: start + added.length - 1 });
    }
    const c = composeEdits(edits);
    const at = `round ${round}: ${JSON.stringify(edits)} → ${JSON.stringify(c)}`;
    assert.deepEqual(lines.slice(0, c.start), before.slice(0, c.start), at);
    assert.deepEqual(lines.slice(c.newEnd + 1), before.slice(c.oldEnd + 1), at);
  }
});
