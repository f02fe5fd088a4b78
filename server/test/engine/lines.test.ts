// The offset-based line scan (log/lines.ts) against splitLines, which splits the text with String.split:
// the same lines, in the same count, for every mix of line breaks, and any line found again by number.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LineCursor, LineIndex } from '../../src/engine/log/lines';
import { splitLines } from '../../src/engine/log/normalize';

/** Every line a cursor steps through, with the offsets it reports checked against the text. */
function scan(text: string): string[] {
  const out: string[] = [];
  const c = new LineCursor(text);
  while (c.next()) {
    assert.equal(c.line, out.length);
    assert.ok(c.start <= c.end && c.end <= text.length);
    out.push(text.slice(c.start, c.end));
  }
  return out;
}

function checkIndex(text: string): void {
  const expected = splitLines(text);
  assert.deepEqual(scan(text), expected);
  const index = LineIndex.of(text);
  assert.equal(index.lineCount, expected.length);
  // In order, backwards, and in a scrambled order (each lookup may start from a checkpoint).
  expected.forEach((l, n) => assert.equal(index.line(n), l, `line ${n}`));
  for (let n = expected.length - 1; n >= 0; n--) assert.equal(index.line(n), expected[n]);
  for (let k = 0; k < Math.min(expected.length, 500); k++) {
    const n = (k * 7919) % expected.length;
    assert.equal(index.line(n), expected[n]);
    assert.equal(text.slice(index.offsetOf(n), index.offsetOf(n) + expected[n].length), expected[n]);
  }
  assert.equal(index.line(expected.length), '');
  assert.equal(index.line(-1), '');
}

test('lines break at \\r\\n, lone \\r and \\n, as splitLines counts them', () => {
  for (const text of [
    'a\r\nb\rc\nd',
    'a\r\n\r\nb',
    'a\n\rb',
    'x\r\n',
    'x\r',
    '\r',
    '\n',
    '\r\n',
    '\n\r',
    '\r\r\n\n',
    'one line, no break at the end',
    'last line empty\n',
  ])
    checkIndex(text);
});

test('an empty text has one empty line', () => {
  assert.deepEqual(scan(''), ['']);
  const index = LineIndex.of('');
  assert.equal(index.lineCount, 1);
  assert.equal(index.line(0), '');
  assert.equal(index.offsetOf(0), 0);
});

test('random mixes of breaks and text, across many checkpoints', () => {
  let seed = 12345;
  const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x80000000;
  const pieces = ['\n', '\r\n', '\r', 'a', 'line text', '', '\t[ 1.0] x', '\x1b[0m'];
  for (let round = 0; round < 40; round++) {
    let text = '';
    const n = Math.floor(random() * (round < 20 ? 30 : 3000));
    for (let k = 0; k < n; k++) text += pieces[Math.floor(random() * pieces.length)];
    checkIndex(text);
  }
});

test('a text of only line breaks, and only one kind of them', () => {
  checkIndex('\n'.repeat(1000));
  checkIndex('\r'.repeat(777));
  checkIndex('\r\n'.repeat(600));
});

test('a huge line between short ones', () => {
  const huge = 'x'.repeat(1 << 20);
  checkIndex(`a\n${huge}\r\nb`);
  checkIndex(huge);
  const index = LineIndex.of(`a\n${huge}\nb`);
  assert.equal(index.line(1).length, huge.length);
  assert.equal(index.offsetOf(2), huge.length + 3);
});
