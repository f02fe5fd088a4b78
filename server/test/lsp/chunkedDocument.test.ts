// chunkedDocument.ts against vscode-languageserver-textdocument's TextDocument as the oracle: the same
// random edits (line breaks of every kind, across chunk boundaries, out-of-range positions) applied to
// both, then every query compared; and the line edits it reports replay the change in line terms.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TextDocument, type TextDocumentContentChangeEvent } from 'vscode-languageserver-textdocument';
import { ChunkedDocument } from '../../src/lsp/chunkedDocument';
import { Rng } from '../fuzz/fuzzer';

const PIECES = ['a', 'xyz', ' ', '\n', '\r\n', '\r', 'µ€', 'line\n', '\r\n\r\n', 'RIP: 0010:f+0x1/0x2\n', ''];

function randomText(r: () => number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += PIECES[Math.floor(r() * PIECES.length)];
  return s;
}

function randomPosition(r: () => number, doc: TextDocument, pastEnd = true) {
  // Mostly inside the text, sometimes past a line's end or (queries only: TextDocument's own bookkeeping
  // takes an edit's line as given) past the last line.
  const line = Math.floor(r() * (doc.lineCount + (pastEnd ? 1 : 0)));
  const character = Math.floor(r() * 12);
  return { line, character };
}

/** `TextDocument.lineCount` lines as LSP counts them. */
function linesOf(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

test('every query answers as TextDocument does, through random edits across chunk boundaries', () => {
  for (let seed = 1; seed <= 60; seed++) {
    const g = new Rng(seed);
    const r = () => g.float();
    const initial = randomText(r, 40);
    const oracle = TextDocument.create('file:///x.log', 'kernel-log', 1, initial);
    const doc = new ChunkedDocument('file:///x.log', 'kernel-log', 1, initial, 1 + Math.floor(r() * 24));
    for (let step = 2; step < 80; step++) {
      const changes: TextDocumentContentChangeEvent[] = [];
      const count = 1 + Math.floor(r() * 3);
      // Each change's positions are valid in the text the changes before it leave, as editors send them.
      const scratch = TextDocument.create('file:///s.log', 'kernel-log', 0, oracle.getText());
      for (let k = 0; k < count; k++) {
        let change: TextDocumentContentChangeEvent;
        if (r() < 0.03) change = { text: randomText(r, 20) };
        else {
          const a = randomPosition(r, scratch, false);
          const b = r() < 0.5 ? a : randomPosition(r, scratch, false);
          change = { range: { start: a, end: b }, text: randomText(r, Math.floor(r() * 4)) };
        }
        changes.push(change);
        TextDocument.update(scratch, [change], k + 1);
      }
      const beforeText = oracle.getText();
      const beforeVersion = oracle.version;
      TextDocument.update(oracle, changes, step);
      doc.update(changes, step);
      const text = oracle.getText();
      const at = `seed ${seed}, step ${step}`;
      assert.equal(doc.lineCount, oracle.lineCount, at);
      assert.equal(doc.version, step, at);
      for (let q = 0; q < 20; q++) {
        const p = randomPosition(r, oracle);
        assert.equal(doc.offsetAt(p), oracle.offsetAt(p), `${at}: offsetAt ${JSON.stringify(p)}`);
        const o = Math.floor(r() * (text.length + 3)) - 1;
        assert.deepEqual(doc.positionAt(o), oracle.positionAt(o), `${at}: positionAt ${o}`);
        const p2 = randomPosition(r, oracle);
        const range = { start: p, end: p2 };
        assert.equal(doc.getText(range), oracle.getText(range), `${at}: getText ${JSON.stringify(range)}`);
        const line = p.line - 1;
        assert.deepEqual(doc.getLineRange(line), oracle.getLineRange(line), `${at}: getLineRange ${line}`);
        assert.equal(
          doc.getEOLCharacters(line),
          oracle.getEOLCharacters(line),
          `${at}: getEOLCharacters ${line}`,
        );
      }
      // The line edits since the last version replay the changes: each one's lines outside
      // [start, newEnd] are lines of the text before it, shifted.
      const edits = doc.editsSince(beforeVersion);
      if (changes.some((c) => !('range' in c))) {
        assert.equal(edits, undefined, at);
      } else {
        assert.ok(edits, at);
        assert.equal(edits.length, changes.length, at);
        const replay = TextDocument.create('file:///y.log', 'kernel-log', 0, beforeText);
        let lines = linesOf(beforeText);
        edits.forEach((e, k) => {
          assert.equal(e.from, beforeVersion, at);
          TextDocument.update(replay, [changes[k]], k + 1);
          const now = linesOf(replay.getText());
          const shifted = [
            ...lines.slice(0, e.start),
            ...now.slice(e.start, e.newEnd + 1),
            ...lines.slice(e.oldEnd + 1),
          ];
          assert.deepEqual(shifted, now, `${at}: line edit ${JSON.stringify(e)}`);
          lines = now;
        });
      }
      if (step % 7 === 0) assert.equal(doc.getText(), text, at);
    }
    assert.equal(doc.getText(), oracle.getText(), `seed ${seed}`);
  }
});

test('editsSince: every version back to the last whole-text change, undefined before it', () => {
  const doc = new ChunkedDocument('file:///x.log', 'kernel-log', 1, 'a\nb\nc\n', 2);
  const at = (line: number) => ({ start: { line, character: 0 }, end: { line, character: 0 } });
  doc.update([{ range: at(1), text: 'x\n' }], 2);
  doc.update([{ range: at(0), text: 'y' }], 5);
  assert.deepEqual(doc.editsSince(5), []);
  assert.deepEqual(
    doc.editsSince(2)?.map((e) => [e.from, e.version, e.start, e.oldEnd, e.newEnd]),
    [[2, 5, 0, 0, 0]],
  );
  assert.equal(doc.editsSince(1)?.length, 2);
  assert.equal(doc.editsSince(3), undefined, 'no such version');
  doc.update([{ text: 'new' }], 6);
  assert.equal(doc.editsSince(5), undefined);
  assert.equal(doc.getText(), 'new');
});

test('nothing is kept per line: 4,000,000 empty lines read everywhere hold a few chunks of line starts', () => {
  const lines = 4_000_000;
  const doc = new ChunkedDocument('file:///n.log', 'kernel-log', 1, '\n'.repeat(lines));
  assert.equal(doc.lineCount, lines + 1);
  for (let line = 0; line <= lines; line += 997) {
    const offset = doc.offsetAt({ line, character: 0 });
    assert.equal(offset, line);
    assert.deepEqual(doc.positionAt(offset), { line, character: 0 });
  }
  doc.update(
    [{ range: { start: { line: 5, character: 0 }, end: { line: 5, character: 0 } }, text: 'x\n' }],
    2,
  );
  assert.equal(doc.lineCount, lines + 2);
  assert.deepEqual(doc.positionAt(lines), { line: lines - 1, character: 0 });
  // The line starts of 16 chunks of 65,536 lines at most, not one per line.
  assert.ok(doc.heldLineStarts <= 16 * 65_537, `${doc.heldLineStarts} line starts held`);
});
