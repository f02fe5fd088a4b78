// The optional external backend parses what the installed tools print into the same SourceFrame shape,
// and agrees with our own reader on the gcc fixtures (addr2line, eu-addr2line) — a cross-check both ways.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ExternalSymbolizer, openDebugFile, SymbolizeError } from '../../src/engine/symbolize';
import { buildFixture, hasTool } from './helpers';

for (const tool of ['addr2line', 'eu-addr2line', 'llvm-symbolizer'] as const) {
  const ext = new ExternalSymbolizer(tool);
  const skip = hasTool('gcc') && ext.available() ? false : `${tool} not installed`;
  test(`${tool}: same function/file/line chain as our reader on every byte of the fixture`, { skip }, () => {
    const exe = buildFixture('chain-dwarf5', ['chain.c', 'dup.c'], ['-g', '-gdwarf-5', '-O2']);
    const df = openDebugFile(exe);
    const text = df.codeSections().find((s) => s.name === '.text')!;
    const queries = Array.from({ length: text.size }, (_, i) => ({ address: text.addr + BigInt(i) }));
    const theirs = ext.symbolize(exe, queries);
    let compared = 0;
    queries.forEach((q, i) => {
      const ours = df.lookupAddress(q.address).frames;
      // Where DWARF has no line or no function (padding between functions), the tools differ: binutils falls
      // back to the symbol table, elfutils and llvm print ??. Compare where both sides know the function.
      if (ours.length === 0 || ours[0].line === 0 || theirs[i].some((f) => f.function === null)) return;
      const strip = (fs: typeof ours) => fs.map((f) => `${f.function} ${f.file}:${f.line}`);
      assert.deepEqual(strip(theirs[i]), strip(ours), `0x${q.address.toString(16)}`);
      compared++;
    });
    assert.ok(compared > 100);
  });
}

test(
  'relocatable objects: section-relative queries; llvm-symbolizer refuses them clearly',
  { skip: hasTool('gcc') && hasTool('addr2line') ? false : 'no gcc/addr2line' },
  () => {
    const obj = buildFixture('chain-dwarf5.o', ['chain.c'], ['-g', '-gdwarf-5', '-O2', '-c']);
    const df = openDebugFile(obj);
    const ext = new ExternalSymbolizer('addr2line');
    const q = [
      { address: 0x10n, section: '.text.custom' },
      { address: 0x4n, section: '.text' },
    ];
    const theirs = ext.symbolize(obj, q);
    q.forEach((x, i) =>
      assert.deepEqual(
        theirs[i].map((f) => f.line),
        df.lookupAddress({ section: x.section!, offset: x.address }).frames.map((f) => f.line),
      ),
    );
    assert.throws(
      () => new ExternalSymbolizer('llvm-symbolizer').symbolize(obj, q),
      (e: unknown) => e instanceof SymbolizeError && /cannot select a section/.test(e.message),
    );
  },
);
