// A log given in pieces of whole lines (as the language server's analysis worker and the CLI hold it, never
// joined into one string) is analysed exactly as the whole text: the same events, idle runs and callers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeTextWithState, logPieces } from '../../src/engine';
import { logsIn, QEMU_ARM64_LOGS, QEMU_LOGS } from './fixtures';
import { loadSyzkallerCases } from './syzkaller-corpus';
import { Rng } from '../fuzz/fuzzer';

/** `text` cut after `\n`s chosen at random (about one cut in `every` lines), with empty pieces between some. */
function piecesOf(text: string, g: Rng, every: number): string[] {
  const out: string[] = [];
  let at = 0;
  for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', nl + 1)) {
    if (g.int(every) !== 0) continue;
    out.push(text.slice(at, nl + 1));
    if (g.int(4) === 0) out.push('');
    at = nl + 1;
  }
  out.push(text.slice(at));
  return out;
}

const same = (pieces: readonly string[], text: string, at: string) =>
  assert.equal(JSON.stringify(analyzeTextWithState(pieces)), JSON.stringify(analyzeTextWithState(text)), at);

test('the corpora in pieces of whole lines (LF and CRLF, one line a piece up to long pieces) analyse as the whole text', () => {
  const logs = [
    ...logsIn(QEMU_LOGS),
    ...logsIn(QEMU_ARM64_LOGS),
    ...loadSyzkallerCases().map((c) => ({ name: `syzkaller ${c.name}`, text: c.log })),
  ];
  assert.ok(logs.length > 100);
  const g = new Rng(11);
  let events = 0;
  for (const { name, text } of logs) {
    for (const t of [text, text.replace(/\n/g, '\r\n')])
      for (const every of [1, 3, 40, 1000]) {
        const pieces = piecesOf(t, g, every);
        assert.equal(pieces.join(''), t);
        same(pieces, t, `${name}, a cut every ~${every} lines`);
      }
    events += analyzeTextWithState(text).analysis.events.length;
  }
  assert.ok(events > 700, `${events} events`);
});

test('pieces that do not end lines are joined (logPieces), and give the same analysis', () => {
  const { text } = logsIn(QEMU_LOGS)[0];
  const third = Math.floor(text.length / 3);
  const midLine = [text.slice(0, third), text.slice(third, 2 * third), text.slice(2 * third)];
  assert.deepEqual(logPieces(midLine), [text]);
  same(midLine, text, 'cut inside lines');
  // Between `\r` and `\n`: no piece may end with a lone `\r`.
  const crlf = text.replace(/\n/g, '\r\n');
  const cr = crlf.indexOf('\r\n', third) + 1;
  assert.deepEqual(logPieces([crlf.slice(0, cr), crlf.slice(cr)]), [crlf]);
  same([crlf.slice(0, cr), crlf.slice(cr)], crlf, 'cut between \\r and \\n');
  assert.deepEqual(logPieces([]), ['']);
  same([], '', 'no pieces');
  same(['', ''], '', 'empty pieces');
  same(['a\n', ''], 'a\n', 'an empty last piece');
});
