// ELF32/ELF64 × little/big endian: a hand-written ELF with DWARF 4 (miniElf.ts) read through every layer.
// binutils' generic elf32/64-big/little targets read these files too, and must agree where they can.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openDebugFile } from '../../src/engine/symbolize';
import { buildMiniElf } from './miniElf';
import { addr2lineBatch, formatAddr2line, hasTool } from './helpers';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'oops-lens-endian-'));
process.on('exit', () => fs.rmSync(work, { recursive: true, force: true }));

const EXPECTED: [bigint, string][] = [
  [0x400004n, 'outer_fn at /build/src/main.c:10'],
  [0x40000an, 'helper at /build/src/helper.h:3 | (inlined by) outer_fn at /build/src/main.c:12'],
  [0x400012n, 'outer_fn at /build/src/main.c:12'],
  [0x400024n, 'other_fn at /build/src/main.c:20'],
];

for (const is64 of [true, false])
  for (const little of [true, false]) {
    const label = `ELF${is64 ? 64 : 32} ${little ? 'little' : 'big'}-endian`;
    test(`${label}: symbols, build-id, kallsyms sizes, lines and the inline chain`, () => {
      const file = path.join(work, label.replace(/\W+/g, '_'));
      fs.writeFileSync(file, buildMiniElf({ little, is64 }));
      const df = openDebugFile(file);
      assert.equal(df.buildId, Array.from({ length: 20 }, (_, i) => (0xa0 + i).toString(16)).join(''));
      const outer = df.symbols().lookupName('outer_fn');
      assert.equal(outer.length, 1);
      assert.equal(outer[0].value, 0x400000n);
      assert.equal(outer[0].kallsymsSize, 0x20);
      assert.equal(df.symbolAt(0x400025n)?.symbol.name, 'other_fn');
      for (const [addr, want] of EXPECTED)
        assert.equal(
          formatAddr2line(df.lookupAddress(addr).frames).replace(' |  (', ' | ('),
          want,
          `0x${addr.toString(16)}`,
        );
      const r = df.lookupSymbol('outer_fn', 0xb, 0x20, { isReturnAddress: true });
      assert.deepEqual(
        r.frames.map((f) => [f.function, f.line]),
        [
          ['helper', 3],
          ['outer_fn', 12],
        ],
      );
      // binutils reads the same bytes through its generic ELF targets and must print the same — except that it
      // names the inlined callee of this minimal hand-written DWARF after its caller (it does name gcc's;
      // see gcc.test.ts), so for the inlined address only the file:line chain is compared.
      if (hasTool('addr2line') && spawnSync('addr2line', ['-e', file, '0x400004']).status === 0) {
        const theirs = addr2lineBatch(
          file,
          EXPECTED.map(([a]) => a),
        );
        EXPECTED.forEach(([a], i) => {
          const ours = formatAddr2line(df.lookupAddress(a).frames);
          if (a === 0x40000an) assert.equal(ours.replace(/^helper/, 'outer_fn'), theirs[i]);
          else assert.equal(ours, theirs[i], `addr2line 0x${a.toString(16)}`);
        });
      }
    });
  }
