// Every byte of every code section of gcc-built fixtures (DWARF 4 and 5, executable and relocatable,
// ELF64 and ELF32, zlib-compressed debug sections) must symbolize exactly as binutils `addr2line -fie`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import {
  openDebugFile,
  SymbolizeError,
  DebugFile,
  ExternalSymbolizer,
  type SourceFrame,
} from '../../src/engine/symbolize';
import { addr2lineBatch, buildFixture, formatAddr2line, hasTool } from './helpers';

const haveTools = hasTool('gcc') && hasTool('addr2line');
const skip = haveTools ? false : 'gcc/addr2line missing (apt-get install -y gcc binutils)';
const SOURCES = ['chain.c', 'dup.c'];

/** Compares every byte of every code section with addr2line; returns how many addresses were checked. */
function compareAllCode(file: string, df: DebugFile): number {
  let checked = 0;
  for (const sec of df.codeSections()) {
    if (sec.size === 0) continue;
    const offsets = Array.from({ length: sec.size }, (_, i) => BigInt(i));
    if (df.isRelocatable) {
      const want = addr2lineBatch(file, offsets, sec.name);
      offsets.forEach((off, i) => {
        const got = formatAddr2line(df.lookupAddress({ section: sec.name, offset: off }).frames);
        assert.equal(got, want[i], `${file} ${sec.name}+0x${off.toString(16)}`);
      });
    } else {
      const addrs = offsets.map((o) => sec.addr + o);
      const want = addr2lineBatch(file, addrs);
      addrs.forEach((a, i) => {
        const got = formatAddr2line(df.lookupAddress(a).frames);
        assert.equal(got, want[i], `${file} 0x${a.toString(16)} (${sec.name})`);
      });
    }
    checked += sec.size;
  }
  return checked;
}

for (const dwarf of [4, 5]) {
  test(`DWARF ${dwarf} executable: every code byte matches addr2line`, { skip }, () => {
    const exe = buildFixture(`chain-dwarf${dwarf}`, SOURCES, ['-g', `-gdwarf-${dwarf}`, '-O2']);
    const df = openDebugFile(exe);
    assert.ok(df.buildId && /^[0-9a-f]{40}$/.test(df.buildId), 'gcc/ld emits a build-id');
    assert.ok(compareAllCode(exe, df) > 200);
  });

  test(
    `DWARF ${dwarf} relocatable object: every byte of every text section matches addr2line -j`,
    { skip },
    () => {
      const obj = buildFixture(`chain-dwarf${dwarf}.o`, ['chain.c'], ['-g', `-gdwarf-${dwarf}`, '-O2', '-c']);
      const df = openDebugFile(obj);
      assert.ok(df.isRelocatable);
      const names = df.codeSections().map((s) => s.name);
      for (const n of ['.text', '.text.unlikely', '.text.custom'])
        assert.ok(names.includes(n), `${n} in ${names}`);
      assert.ok(compareAllCode(obj, df) > 100);
    },
  );

  test(`DWARF ${dwarf}: the inline chain is reported innermost first`, { skip }, () => {
    const obj = buildFixture(`chain-dwarf${dwarf}.o`, ['chain.c'], ['-g', `-gdwarf-${dwarf}`, '-O2', '-c']);
    const df = openDebugFile(obj);
    const sym = df.symbols().lookupName('chain')[0];
    let found = false;
    for (let off = 0; off < sym.kallsymsSize && !found; off++) {
      const r = df.lookupSymbol('chain', off, sym.kallsymsSize);
      const names = r.frames.map((f) => f.function);
      if (names.join(',') === 'inner,outer,chain') {
        found = true;
        assert.ok(r.frames.every((f) => f.file?.endsWith('chain.c') && f.line > 0));
        assert.equal(r.symbolSection, '.text');
      }
    }
    assert.ok(found, 'some byte of chain() is inside inner() inlined in outer()');
  });
}

// binutils 2.40 misreads 64-bit DWARF 5 line tables ("offset … greater than or equal to .debug_line_str size"),
// so this one is checked against elfutils' eu-addr2line, which reads them correctly.
// clang's DWARF 5 uses what gcc does not: DW_FORM_strx*/addrx* (.debug_str_offsets, .debug_addr),
// DW_FORM_rnglistx and DW_RLE_*x range entries. binutils 2.40 drops inlined calls whose ranges are given
// by DW_FORM_rnglistx (48 of 293 bytes of the fixture object: `outer at chain.c:9` where line 9 is in
// inner()), so DWARF 5 is checked against clang's own llvm-symbolizer on the executable, and the object
// file against the executable function by function.
const clang = ['clang-14', 'clang'].find(hasTool);
const clangSkip = skip || (clang ? false : 'clang not installed (apt-get install -y clang-14)');
test('clang DWARF 4: executable and object match addr2line', { skip: clangSkip }, () => {
  const exe = buildFixture('chain-clang-dwarf4', SOURCES, ['-g', '-gdwarf-4', '-O2'], clang);
  const obj = buildFixture('chain-clang-dwarf4.o', ['chain.c'], ['-g', '-gdwarf-4', '-O2', '-c'], clang);
  assert.ok(compareAllCode(exe, openDebugFile(exe)) > 200);
  assert.ok(compareAllCode(obj, openDebugFile(obj)) > 100);
});

test(
  'clang DWARF 5 (strx/addrx/rnglistx): executable matches llvm-symbolizer, object matches executable',
  { skip: clangSkip || (hasTool('llvm-symbolizer') ? false : 'llvm-symbolizer missing') },
  () => {
    const exe = buildFixture('chain-clang-dwarf5', SOURCES, ['-g', '-gdwarf-5', '-O2'], clang);
    const obj = buildFixture('chain-clang-dwarf5.o', ['chain.c'], ['-g', '-gdwarf-5', '-O2', '-c'], clang);
    const dx = openDebugFile(exe);
    const dobj = openDebugFile(obj);
    assert.ok(
      dobj.elf.section('.debug_addr') &&
        dobj.elf.section('.debug_str_offsets') &&
        dobj.elf.section('.debug_rnglists'),
    );
    const strip = (fs: SourceFrame[]) => fs.map((f) => `${f.function} ${f.file}:${f.line}`).join(' <- ');
    const llvm = new ExternalSymbolizer('llvm-symbolizer');
    let compared = 0;
    for (const sec of dx.codeSections()) {
      const queries = Array.from({ length: sec.size }, (_, i) => ({ address: sec.addr + BigInt(i) }));
      const theirs = llvm.symbolize(exe, queries);
      queries.forEach((q, i) => {
        const ours = dx.lookupAddress(q.address).frames;
        if (!ours[0]?.line || theirs[i].some((f) => f.function === null)) return; // no DWARF line: tools differ
        assert.equal(strip(ours), strip(theirs[i]), `0x${q.address.toString(16)}`);
        compared++;
      });
    }
    assert.ok(compared > 200, `${compared} compared`);
    let inObject = 0;
    for (const name of ['chain', 'cold_path', 'in_custom', 'chain_entry']) {
      const [o] = dobj.symbols().lookupName(name);
      const [x] = dx.symbols().lookupName(name);
      for (let off = 0; off < o.elfSize; off++) {
        assert.deepEqual(
          dobj.lookupSymbol(name, off, null).frames,
          dx.lookupSymbol(name, off, null).frames,
          `${name}+${off}`,
        );
        inObject++;
      }
      assert.equal(o.elfSize, x.elfSize);
    }
    assert.ok(inObject > 100);
  },
);

test(
  '64-bit DWARF (gcc -gdwarf64): executable and relocatable object match eu-addr2line',
  { skip: skip || (hasTool('eu-addr2line') ? false : 'eu-addr2line missing (apt-get install -y elfutils)') },
  () => {
    const eu = new ExternalSymbolizer('eu-addr2line');
    const strip = (fs: SourceFrame[]) => fs.map((f) => `${f.function} ${f.file}:${f.line}`).join(' <- ');
    let compared = 0;
    for (const [file, flags] of [
      [buildFixture('chain-dwarf64', SOURCES, ['-g', '-gdwarf-5', '-gdwarf64', '-O2']), null],
      [buildFixture('chain-dwarf64.o', ['chain.c'], ['-g', '-gdwarf-5', '-gdwarf64', '-O2', '-c']), 'rel'],
    ] as const) {
      const df = openDebugFile(file);
      assert.equal(df.dwarf().unitHeaders()[0].offsetSize, 8, 'really 64-bit DWARF');
      for (const sec of df.codeSections()) {
        const offsets = Array.from({ length: sec.size }, (_, i) => BigInt(i));
        const queries = offsets.map((o) =>
          flags ? { address: o, section: sec.name } : { address: sec.addr + o },
        );
        const theirs = eu.symbolize(file, queries);
        queries.forEach((q, i) => {
          const ours = flags
            ? df.lookupAddress({ section: sec.name, offset: q.address }).frames
            : df.lookupAddress(q.address).frames;
          // Without DWARF lines the tools differ (binutils/we fall back to the symbol table, eu prints ??).
          if (theirs[i].length === 0 || theirs[i].some((f) => f.function === null) || !ours[0]?.line) return;
          assert.equal(strip(ours), strip(theirs[i]), `${file} ${sec.name}+0x${offsets[i].toString(16)}`);
          compared++;
        });
      }
    }
    assert.ok(compared > 300, `${compared} addresses compared`);
  },
);

test('ELF32 (i386, REL relocations) relocatable object matches addr2line -j', { skip }, () => {
  let obj: string;
  try {
    obj = buildFixture('chain-m32.o', ['chain.c'], ['-m32', '-g', '-O2', '-c']);
  } catch (e) {
    return void test.skip?.(`gcc -m32 unavailable: ${(e as Error).message}`);
  }
  const df = openDebugFile(obj);
  assert.ok(df.isRelocatable);
  assert.equal(df.machine, 3);
  assert.ok(compareAllCode(obj, df) > 100);
});

test('duplicate static names are told apart by kallsyms size; a wrong size is a mismatch', { skip }, () => {
  const exe = buildFixture('chain-dwarf5', SOURCES, ['-g', '-gdwarf-5', '-O2']);
  const df = openDebugFile(exe);
  const dups = df.symbols().lookupName('dup');
  assert.equal(dups.length, 2);
  const sizes = new Set(dups.map((d) => d.kallsymsSize));
  assert.equal(sizes.size, 2, 'the two dup() differ in size');
  for (const d of dups) {
    const r = df.lookupSymbol('dup', 1, d.kallsymsSize);
    assert.equal(r.symbol?.value, d.value);
    assert.equal(r.alternatives, undefined);
    const want = addr2lineBatch(exe, [d.value + 1n])[0];
    assert.equal(formatAddr2line(r.frames), want);
    // Return address: looked up at address-1, as addr2line at the previous byte.
    const rr = df.lookupSymbol('dup', 2, d.kallsymsSize, { isReturnAddress: true });
    assert.equal(formatAddr2line(rr.frames), want);
  }
  const bad = df.lookupSymbol('dup', 1, 0x12345);
  assert.equal(bad.ok, false);
  assert.match(bad.error ?? '', /size mismatch.*does not match/);
  const none = df.lookupSymbol('no_such_function', 0, 4);
  assert.equal(none.ok, false);
  assert.match(none.error ?? '', /no symbol no_such_function/);
});

test('zlib-compressed debug sections give the same answers', { skip }, () => {
  const exe = buildFixture('chain-dwarf5', SOURCES, ['-g', '-gdwarf-5', '-O2']);
  const z = exe + '.zlib';
  if (!fs.existsSync(z))
    assert.equal(spawnSync('objcopy', ['--compress-debug-sections=zlib', exe, z]).status, 0);
  const plain = openDebugFile(exe);
  const comp = openDebugFile(z);
  assert.ok(
    comp.elf.sections.some((s) => s.name === '.debug_info' && s.flags & 0x800),
    'really compressed',
  );
  for (const sec of plain.codeSections())
    for (let i = 0n; i < BigInt(sec.size); i++)
      assert.deepEqual(comp.lookupAddress(sec.addr + i).frames, plain.lookupAddress(sec.addr + i).frames);
  assert.ok(compareAllCode(z, comp) > 200);
});

test(
  'zstd-compressed debug sections: answers, or a clear SymbolizeError when Node cannot inflate zstd',
  { skip },
  (t) => {
    const exe = buildFixture('chain-dwarf5', SOURCES, ['-g', '-gdwarf-5', '-O2']);
    const z = exe + '.zstd';
    if (!fs.existsSync(z) && spawnSync('objcopy', ['--compress-debug-sections=zstd', exe, z]).status !== 0)
      return t.skip('objcopy cannot write zstd');
    const zlib = require('node:zlib') as Record<string, unknown>;
    if (typeof zlib.zstdDecompressSync === 'function') {
      assert.ok(compareAllCode(z, openDebugFile(z)) > 200);
    } else {
      assert.throws(
        () => openDebugFile(z).lookupAddress(openDebugFile(exe).codeSections()[0].addr),
        (e: unknown) =>
          e instanceof SymbolizeError &&
          e.code === 'unsupported' &&
          /zstd/.test(e.message) &&
          /objcopy --decompress-debug-sections/.test(e.message),
      );
    }
  },
);

test(
  'C++ (g++): member functions defined in classes, a local class, a namespace: every code byte matches addr2line',
  { skip: skip || (hasTool('g++') ? false : 'g++ missing') },
  () => {
    const exe = buildFixture('members', ['members.cpp'], ['-g', '-O2'], 'g++');
    const df = openDebugFile(exe);
    // addr2line prints linkage names (_ZN3drv4Ring5drainEv), DWARF's DW_AT_name is `drain`: compare the
    // file:line chain, and that a name is found wherever addr2line finds one.
    const shape = (s: string) =>
      s.replace(
        /(^|\|\s+\(inlined by\) )(\S+) at /g,
        (_m, lead: string, name: string) => `${lead}${name === '??' ? '??' : 'NAME'} at `,
      );
    let checked = 0;
    for (const sec of df.codeSections()) {
      const addrs = Array.from({ length: sec.size }, (_, i) => sec.addr + BigInt(i));
      if (addrs.length === 0) continue;
      const want = addr2lineBatch(exe, addrs);
      addrs.forEach((a, i) => {
        assert.equal(
          shape(formatAddr2line(df.lookupAddress(a).frames)),
          shape(want[i]),
          `0x${a.toString(16)} (${sec.name})`,
        );
        checked++;
      });
    }
    assert.ok(checked > 100);
    const probe = df.lookupSymbol('_ZN3drv6Device5probeEi', 0x10);
    assert.ok(
      probe.ok &&
        probe.frames.some((f) => f.function === 'probe' || f.function === 'push' || f.function === 'twice'),
      JSON.stringify(probe.frames),
    );
  },
);

test(
  'a batch of names (prefetchSymbols) finds exactly what one lookup per name finds, sizes included',
  { skip },
  () => {
    const exe = buildFixture('chain-dwarf5', SOURCES, ['-g', '-gdwarf-5', '-O2']);
    const nm = spawnSync('nm', ['--defined-only', exe], { encoding: 'utf8' });
    const names = [
      ...new Set(
        nm.stdout
          .split('\n')
          .map((l) => l.split(' ')[2])
          .filter((n): n is string => !!n && !n.startsWith('$')),
      ),
    ];
    assert.ok(names.length > 20, `${names.length} names`);
    const view = (df: DebugFile, n: string) =>
      df
        .symbols()
        .lookupName(n)
        .map(
          (s) =>
            `${s.name}@${s.value.toString(16)}/${s.kallsymsSize}/${s.elfSize}/${s.section.name}/${s.file}`,
        );
    const batch = DebugFile.open(exe);
    const single = DebugFile.open(exe);
    try {
      batch.prefetchSymbols([...names, 'no_such_symbol', '']);
      // The other file answers through its other paths: past 64 name queries it uses the hash index of every
      // name, and past a few size passes the sorted values.
      for (let i = 0; i < 70; i++) single.symbols().lookupName(`no_such_${i}`);
      for (const n of names) assert.deepEqual(view(batch, n), view(single, n), n);
      assert.deepEqual(batch.symbols().lookupName('no_such_symbol'), []);
      assert.deepEqual(batch.symbols().lookupName(''), []);
    } finally {
      batch.close();
      single.close();
    }
  },
);
