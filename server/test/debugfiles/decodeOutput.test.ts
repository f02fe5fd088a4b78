// oops-lens decode's writer (decodeOutput.ts): a reader that does not keep up holds at most
// BUFFERS_IN_FLIGHT buffers of output, not the decoded log (a full pipe once queued all of it); the bytes
// are the decoded copy, whatever the pace; the buffers are used again rather than made per megabyte.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUFFERS_IN_FLIGHT, writeDecoded } from '../../src/decodeOutput';
import { decodeLogText, linePieces } from '../../src/engine';
import { QEMU_LOGS } from '../engine/fixtures';
import { resolvedAll } from './helpers';

const turns = async (n: number) => {
  for (let i = 0; i < n; i++) await new Promise<void>((resolve) => setImmediate(resolve));
};

test('decode output: a stalled reader holds two buffers, and the bytes are the decoded log', async () => {
  // About 6 MB of a real log, every frame resolved to a made-up line.
  const one = readFileSync(join(QEMU_LOGS, 'null_write.console.log'), 'utf8');
  const text = one.repeat(Math.ceil((6 << 20) / one.length));
  const { frames, results } = resolvedAll(text);
  const expected = decodeLogText(text, frames, results) + (text.endsWith('\n') ? '' : '\n');
  assert.ok(expected.length > 5 << 20 && expected.includes('(dir/file0.c:1)'));

  const written: Buffer[] = [];
  const buffers = new Set<ArrayBufferLike>();
  const pending: (() => void)[] = [];
  const out = {
    write(chunk: Uint8Array, done: () => void) {
      // A copy: the writer may fill the same buffer again once `done` is called.
      written.push(Buffer.from(chunk));
      buffers.add(chunk.buffer);
      pending.push(done);
      return false;
    },
  };
  let finished = false;
  const run = writeDecoded(linePieces(Buffer.from(text)), frames, results, out).then(() => (finished = true));
  await turns(20);
  assert.equal(finished, false, 'the writer waits for a stalled reader');
  assert.equal(written.length, BUFFERS_IN_FLIGHT, 'no more than BUFFERS_IN_FLIGHT writes before one is done');
  while (!finished) {
    assert.ok(pending.length <= BUFFERS_IN_FLIGHT, `${pending.length} writes outstanding`);
    pending.shift()?.();
    await turns(3);
  }
  await run;
  assert.ok(written.length >= 5, `${written.length} writes`);
  assert.equal(buffers.size, BUFFERS_IN_FLIGHT, 'the same buffers are filled again');
  assert.equal(Buffer.concat(written).toString('utf8'), expected);
});
