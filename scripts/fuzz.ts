// `npm run fuzz -- --inputs N --seed S [--elf-inputs M] [--out DIR]`: N mutated corpus logs through the
// engine in process and M (default N/10) corrupted ELF files (the real buggy.ko and small gcc-built
// fixtures) through the symbolizer. Prints inputs, crashes, the slowest input and peak RSS; every failing
// or >1 s input is saved under DIR (default .tmp/fuzz/). Exit status 1 when anything crashed.
// `npm run fuzz -- --retime DIR...`: runs every saved slow-log-* / slow-elf-* input again (best of 3, in
// this process, at this process's priority) — a long campaign run at low priority on a busy machine flags
// inputs that were only starved of CPU — and prints how many still take more than 1 s.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { initDisassemblers } from '../server/src/engine';
import { elfSeeds, formatStats, fuzzElf, fuzzLogs, Rng, runElf, runLog } from '../server/test/fuzz/fuzzer';
import { buildFixture, hasTool } from '../server/test/symbolize/helpers';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isSafeInteger(v) || v < 0) throw new Error(`--${name} takes a whole number`);
  return v;
}

/** Best-of-3 times of the saved slow inputs under `dirs`; exit status 1 when one still exceeds 1 s. */
function retime(dirs: string[]): void {
  let count = 0;
  let over = 0;
  let slowest = { ms: 0, file: '' };
  for (const dir of dirs)
    for (const name of fs
      .readdirSync(dir)
      .filter((n) => n.startsWith('slow-'))
      .sort()) {
      const file = path.join(dir, name);
      let best = Infinity;
      for (let run = 0; run < 3; run++) {
        const t0 = performance.now();
        if (name.startsWith('slow-log-')) runLog(fs.readFileSync(file, 'utf8'), new Rng(1));
        else runElf(file);
        best = Math.min(best, performance.now() - t0);
      }
      count++;
      if (best > 1000) {
        over++;
        console.log(`  still slow: ${file} ${best.toFixed(0)} ms`);
      }
      if (best > slowest.ms) slowest = { ms: best, file };
    }
  console.log(
    `retimed ${count} saved slow inputs: ${over} over 1 s (best of 3); slowest ${slowest.ms.toFixed(0)} ms ${slowest.file}`,
  );
  if (over > 0) process.exitCode = 1;
}

async function main(): Promise<void> {
  const r = process.argv.indexOf('--retime');
  if (r >= 0) {
    await initDisassemblers();
    return retime(process.argv.slice(r + 1));
  }
  const inputs = arg('inputs', 10_000);
  const seed = arg('seed', Date.now() % 1_000_000);
  const elfInputs = arg('elf-inputs', Math.ceil(inputs / 10));
  const o = process.argv.indexOf('--out');
  const out = o >= 0 ? process.argv[o + 1] : path.join(__dirname, '../.tmp/fuzz');
  await initDisassemblers();
  console.log(`seed ${seed}`);
  const started = Date.now();
  const logs = fuzzLogs(inputs, seed, out);
  console.log(formatStats('logs', logs), `in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  const fixtures = hasTool('gcc')
    ? [
        buildFixture('chain-dwarf5', ['chain.c', 'dup.c'], ['-g', '-gdwarf-5', '-O2']),
        buildFixture('chain-dwarf4', ['chain.c', 'dup.c'], ['-g', '-gdwarf-4', '-O2']),
      ]
    : [];
  const elfStarted = Date.now();
  const elf = fuzzElf(elfInputs, seed, out, elfSeeds(fixtures));
  console.log(formatStats('elf', elf), `in ${((Date.now() - elfStarted) / 1000).toFixed(0)} s`);
  if (logs.crashes + elf.crashes > 0) process.exitCode = 1;
}

void main();
