// The fuzz harness with a fixed seed (`npm run fuzz` runs it at any size): mutated corpus logs through
// the engine and corrupted ELF/DWARF files (the real buggy.ko, gcc-built fixtures) through the symbolizer
// must never crash. A failing input is saved under .tmp/fuzz/ and named in the message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { initDisassemblers } from '../../src/engine';
import { buildFixture } from '../symbolize/helpers';
import { elfSeeds, formatStats, fuzzElf, fuzzLogs } from './fuzzer';

const OUT = path.join(__dirname, '../../../.tmp/fuzz');

test(
  '2,000 mutated logs (seed 1): analysis, hovers and decode never crash',
  { timeout: 300_000 },
  async (t) => {
    await initDisassemblers();
    const s = fuzzLogs(2000, 1, OUT);
    t.diagnostic(formatStats('logs', s));
    assert.equal(s.inputs, 2000);
    assert.deepEqual(s.messages, []);
  },
);

test('1,000 corrupted ELF files (seed 1): the symbolizer never crashes', { timeout: 300_000 }, (t) => {
  const seeds = elfSeeds([buildFixture('chain-dwarf5', ['chain.c', 'dup.c'], ['-g', '-gdwarf-5', '-O2'])]);
  assert.equal(seeds.length, 2, 'buggy.ko and the gcc fixture');
  const s = fuzzElf(1000, 1, OUT, seeds);
  t.diagnostic(formatStats('elf', s));
  assert.equal(s.inputs, 1000);
  assert.deepEqual(s.messages, []);
});
