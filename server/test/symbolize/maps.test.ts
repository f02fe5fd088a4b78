// Module maps, kallsyms, System.map and KASLR: raw addresses must come back as the `sym+off/size [mod]`
// the kernel printed, and symbolizeFrames() must give the ground-truth source lines for whole traces.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { gunzipSync } from 'node:zlib';
import {
  KernelAddressResolver,
  openDebugFile,
  parseKernelOffset,
  LogMapsReader,
  parseLogMaps,
  parseModuleSections,
  parseProcModules,
  parseSymbolMap,
  symbolizeFrames,
  type FrameToSymbolize,
  type KernelSymbol,
} from '../../src/engine/symbolize';
import { CORPUS, formatAddr2line, readTruth } from './helpers';

/** The corpus stores System.map files gzip-compressed (test-fixtures/corpus/README.md). */
function readGzipText(file: string): string {
  return gunzipSync(fs.readFileSync(file)).toString('utf8');
}

const CORPORA = [
  { arch: 'x86_64', dir: CORPUS + 'qemu', map: 'boot/System.map-6.1.0-56-amd64.gz' },
  { arch: 'arm64', dir: CORPUS + 'qemu-arm64', map: 'boot/System.map-6.1.0-56-arm64.gz' },
];
const FRAME = /([A-Za-z_][\w.]*)\+0x([0-9a-f]+)\/0x([0-9a-f]+) \[buggy\]/;

test('parsers: /proc/modules, sysfs sections (both dump styles), System.map/kallsyms, Kernel Offset', () => {
  const [m] = parseProcModules(
    'buggy 16384 0 - Live 0xffffffffc02e2000 (OE)\nnf_tables 245760 1 nft_ct,nft_nat, Live 0xffffffffc0a00000\n',
  );
  assert.deepEqual(m, {
    name: 'buggy',
    size: 16384,
    refs: 0,
    deps: [],
    state: 'Live',
    base: 0xffffffffc02e2000n,
    taint: 'OE',
  });
  const deps = parseProcModules('nf-tables 245760 1 nft_ct,nft_nat, Live 0x0000000000000000')[0];
  assert.deepEqual([deps.name, deps.deps, deps.base], ['nf_tables', ['nft_ct', 'nft_nat'], null]);
  const grep = parseModuleSections(
    '/sys/module/my-mod/sections/.text:0xffffffffc0400000\n/sys/module/my-mod/sections/.text.unlikely:0xffffffffc0401000\n',
  );
  assert.equal(grep.get('my_mod')?.get('.text.unlikely'), 0xffffffffc0401000n);
  const plain = parseModuleSections('.text 0xffffffffc02e2000\r\n.init.text 0xffffffffc02e7000\r\n', 'buggy');
  assert.equal(plain.get('buggy')?.get('.init.text'), 0xffffffffc02e7000n);
  const syms = parseSymbolMap(
    'ffffffff81000000 T _text\nffffffffc02e2000 t buggy_null_read_level2\t[buggy]\nnot a symbol line\n',
  );
  assert.deepEqual(
    syms.map((s) => [s.name, s.module]),
    [
      ['_text', null],
      ['buggy_null_read_level2', 'buggy'],
    ],
  );
  assert.deepEqual(
    parseKernelOffset(
      '[    5.060163] Kernel Offset: 0xec00000 from 0xffffffff81000000 (relocation range: …)',
    ),
    {
      offset: 0xec00000n,
      from: 0xffffffff81000000n,
    },
  );
});

test('map dumps read the normalised lines: every log prefix the analyser strips, mid-line timestamps too', () => {
  const dump = [
    'buggy 16384 0 - Live 0xffffffffc02e2000 (OE)',
    '/sys/module/buggy/sections',
    '.text 0xffffffffc02e2000',
    '.init.text 0xffffffffc02e7000',
    'ffffffffc02e2000 t buggy_null_read_level2\t[buggy]',
    'ffffffff81000000 T _text',
    'Kernel Offset: 0xec00000 from 0xffffffff81000000 (relocation range: 0xffffffff80000000-0xffffffffbfffffff)',
  ];
  const prefixes = [
    '',
    '<4>[    5.558827] ',
    '[    5.558827] [  T123] ',
    'Nov 22 10:00:00 host kernel: ',
    '2026-11-22T10:00:00+0000 host kernel: ',
    'kern  :warn  : ',
    '\x1b[33m[    5.558827] \x1b[0m',
    'syzkaller login: [    5.558827] ',
  ];
  const plain = parseLogMaps(dump.join('\n'));
  assert.equal(plain.modules.get('buggy')?.sections.get('.init.text'), 0xffffffffc02e7000n);
  for (const prefix of prefixes) {
    const maps = parseLogMaps(dump.map((l) => prefix + l).join('\r\n'));
    assert.deepEqual(maps, plain, JSON.stringify(prefix));
  }
});

/** A small seeded generator (mulberry32), so a failure names cuts that can be made again. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

test('LogMapsReader: a log given in pieces cut anywhere gives the maps of the whole text', (t) => {
  let texts = 0;
  let nonEmpty = 0;
  for (const c of CORPORA)
    for (const name of fs.readdirSync(c.dir + '/logs').filter((n) => n.endsWith('.console.log'))) {
      const lf = fs.readFileSync(`${c.dir}/logs/${name}`, 'utf8');
      // CRLF and lone CR breaks: a cut may fall between `\r` and `\n`, or after a `\r` that ends a line.
      for (const text of [lf, lf.replace(/\n/g, '\r\n'), lf.replace(/\n/g, '\r')]) {
        const whole = parseLogMaps(text);
        if (whole.modules.size > 0 && whole.kernelOffset) nonEmpty++;
        const next = random(texts++);
        for (const mean of [1, 7, 200, 5000]) {
          const reader = new LogMapsReader();
          for (let at = 0; at < text.length;) {
            const end = Math.min(text.length, at + Math.floor(next() * 2 * mean));
            reader.push(text.slice(at, end));
            at = end;
          }
          assert.deepEqual(reader.end(), whole, `${name}, pieces of about ${mean}`);
        }
        // Every cut at a break, on both sides of it.
        for (const after of [0, 1]) {
          const reader = new LogMapsReader();
          let at = 0;
          for (let i = 0; i < text.length; i++) {
            if (text[i] !== '\r' && text[i] !== '\n') continue;
            reader.push(text.slice(at, i + after));
            at = i + after;
          }
          reader.push(text.slice(at));
          assert.deepEqual(reader.end(), whole, `${name}, cut at each break (${after})`);
        }
      }
    }
  t.diagnostic(`${texts} texts, ${nonEmpty} with module maps and a Kernel Offset line`);
  assert.ok(nonEmpty >= 6);
});

for (const c of CORPORA) {
  const logs = fs.readdirSync(c.dir + '/logs').filter((n) => n.endsWith('.console.log'));

  test(`${c.arch}: module map dumps in every log; raw module addresses resolve to the printed sym+off/size`, (t) => {
    const ko = openDebugFile(c.dir + '/module/buggy.ko');
    let checked = 0;
    for (const name of logs) {
      const text = fs.readFileSync(`${c.dir}/logs/${name}`, 'utf8');
      const maps = parseLogMaps(text);
      const mod = maps.modules.get('buggy');
      if (!mod) continue;
      assert.ok(
        mod.size === 16384 || (mod.size === 32768 && name.startsWith('init_')),
        `${name}: ${mod.size}`,
      );
      for (const s of ['.text', '.text.unlikely', '.init.text'])
        assert.ok(mod.sections.has(s), `${name}: ${s}`);
      const withKo = new KernelAddressResolver({ maps, modules: new Map([['buggy', ko]]) });
      const kallsymsOnly = new KernelAddressResolver({ maps });
      for (const line of text.split(/\r\n|\r|\n/)) {
        const m = FRAME.exec(line);
        if (!m) continue;
        const [, func, off, size] = m;
        const sym: KernelSymbol | undefined = mod.symbols.find((s) => s.name === func);
        if (!sym || off === size) continue; // offset == size: the address is the next function's first byte
        const addr: bigint = sym.address + BigInt('0x' + off);
        const printed = `${func}+0x${off}/0x${size} [buggy]`;
        // Through sysfs section bases + the .ko's own (section-relative) symbols.
        const a = withKo.resolve(addr);
        // The last symbol of a section: the kernel sizes it up to whatever follows in memory (init page end).
        const last = ko
          .symbols()
          .lookupName(func)
          .some((s) => s.lastInSection);
        if (last)
          assert.equal(a?.text.replace(/\/0x[0-9a-f]+/, ''), printed.replace(/\/0x[0-9a-f]+/, ''), name);
        else assert.equal(a?.text, printed, `${name}: 0x${addr.toString(16)}`);
        assert.match(a!.how, /sysfs/);
        // Through the module's kallsyms lines alone (no .ko).
        assert.equal(
          kallsymsOnly.resolve(addr)?.text.replace(/ \[buggy\]$/, ''),
          printed.replace(/ \[buggy\]$/, ''),
        );
        // Same source answer as the named lookup.
        const raw = ko.lookupAddress({ section: a!.section!, offset: a!.offset });
        const named = ko.lookupSymbol(func, parseInt(off, 16), parseInt(size, 16));
        assert.deepEqual(raw.frames, named.frames);
        checked++;
      }
    }
    t.diagnostic(`${c.arch}: ${checked} raw module addresses resolved as printed`);
    assert.ok(checked > 30);
  });

  test(`${c.arch}: KASLR from the log (kallsyms _text/_stext or Kernel Offset) + System.map resolve vmlinux addresses`, (t) => {
    const systemMap = parseSymbolMap(readGzipText(`${c.dir}/${c.map}`));
    let checked = 0;
    for (const name of logs) {
      const maps = parseLogMaps(fs.readFileSync(`${c.dir}/logs/${name}`, 'utf8'));
      const r = new KernelAddressResolver({ maps, systemMap });
      const kaslr = r.kaslrInfo();
      assert.ok(kaslr, `${name}: KASLR offset found`);
      if (maps.kernelOffset)
        assert.equal(kaslr.offset, maps.kernelOffset.offset, `${name}: both sources agree`);
      const truth = readTruth(`${c.dir}/decoded/${name.replace('.console.log', '.truth.tsv')}`);
      for (const row of truth.filter((x) => x.object === 'vmlinux' && x.offset < x.size && !x.note)) {
        const link = BigInt(row.address);
        const res = r.resolve(link + kaslr.offset);
        assert.equal(
          res?.text,
          `${row.symbol}+0x${row.offset.toString(16)}/0x${row.size.toString(16)}`,
          `${name} ${row.symbol}`,
        );
        assert.equal(res?.offset, link);
        checked++;
      }
    }
    t.diagnostic(`${c.arch}: ${checked} raw vmlinux addresses resolved through System.map + KASLR`);
    assert.ok(checked > 50);
  });

  test(`${c.arch}: symbolizeFrames on every trace (named and raw module frames) equals the truth`, (t) => {
    let checked = 0;
    for (const name of logs) {
      const text = fs.readFileSync(`${c.dir}/logs/${name}`, 'utf8');
      const maps = parseLogMaps(text);
      const mod = maps.modules.get('buggy');
      const rows = readTruth(`${c.dir}/decoded/${name.replace('.console.log', '.truth.tsv')}`).filter(
        (r) => r.object === 'buggy',
      );
      if (!mod || rows.length === 0) continue;
      const frames: FrameToSymbolize[] = [];
      const want: string[] = [];
      for (const r of rows) {
        const ret = r.atPrevious !== '';
        const named: FrameToSymbolize = {
          function: r.symbol,
          offset: r.offset,
          size: r.size,
          module: 'buggy',
          address: null,
          isReturnAddress: ret,
        };
        const sym = mod.symbols.find((s) => s.name === r.symbol)!;
        const raw: FrameToSymbolize = {
          ...named,
          function: null,
          offset: null,
          size: null,
          module: null,
          address: sym.address + BigInt(r.offset),
        };
        frames.push(named, raw);
        const w = `${ret ? r.atPrevious : r.atAddress}`;
        want.push(w, w);
      }
      const out = symbolizeFrames(frames, { modules: [`${c.dir}/module/buggy.ko`], maps });
      out.forEach((o, i) =>
        assert.equal(formatAddr2line(o.frames), want[i], `${name} frame ${i} ${o.error ?? ''}`),
      );
      checked += out.length;
    }
    t.diagnostic(`${c.arch}: ${checked} frames through symbolizeFrames`);
    assert.ok(checked > 60);
  });
}

test('KASLR derived from a frame printing both an address and sym+off', () => {
  const systemMap = parseSymbolMap(readGzipText(CORPUS + 'qemu/boot/System.map-6.1.0-56-amd64.gz'));
  const r = new KernelAddressResolver({ systemMap });
  assert.equal(r.kaslrInfo(), null);
  const vfsWrite = systemMap.find((s) => s.name === 'vfs_write')!.address;
  assert.ok(r.learnFromFrame(vfsWrite + 0xec00000n + 0xc7n, 'vfs_write', 0xc7));
  assert.equal(r.kaslrInfo()?.offset, 0xec00000n);
  assert.match(r.kaslrInfo()!.source, /frame vfs_write\+0xc7/);
  assert.equal(r.resolve(vfsWrite + 0xec00000n + 0x10n)?.text, 'vfs_write+0x10/0x3f0');
});

// Opt-in (same variables as corpus.test.ts): raw vmlinux addresses through the vmlinux's own symbol table.
for (const [c, env] of [
  [CORPORA[0], 'OOPS_LENS_VMLINUX'],
  [CORPORA[1], 'OOPS_LENS_VMLINUX_ARM64'],
] as const) {
  const vmPath = process.env[env];
  test(
    `${c.arch}: raw vmlinux addresses (KASLR from the log) resolve and symbolize like the named frames`,
    { skip: vmPath ? false : `set ${env}` },
    (t) => {
      const vmlinux = openDebugFile(vmPath!);
      let checked = 0;
      for (const name of fs.readdirSync(`${c.dir}/logs`).filter((n) => n.endsWith('.console.log'))) {
        const maps = parseLogMaps(fs.readFileSync(`${c.dir}/logs/${name}`, 'utf8'));
        const r = new KernelAddressResolver({ maps, vmlinux });
        const kaslr = r.kaslrInfo()!.offset;
        const rows = readTruth(`${c.dir}/decoded/${name.replace('.console.log', '.truth.tsv')}`).filter(
          (x) => x.object === 'vmlinux' && x.offset < x.size && !x.note,
        );
        const frames: FrameToSymbolize[] = rows.map((row) => ({
          function: null,
          offset: null,
          size: null,
          module: null,
          address: BigInt(row.address) + kaslr,
          isReturnAddress: row.atPrevious !== '',
        }));
        const out = symbolizeFrames(frames, { vmlinux, maps });
        rows.forEach((row, i) => {
          assert.equal(
            r.resolve(BigInt(row.address) + kaslr)?.text,
            `${row.symbol}+0x${row.offset.toString(16)}/0x${row.size.toString(16)}`,
            `${name} ${row.symbol}`,
          );
          assert.equal(
            out[i].resolved,
            `${row.symbol}+0x${row.offset.toString(16)}/0x${row.size.toString(16)}`,
          );
          assert.equal(
            formatAddr2line(out[i].frames),
            row.atPrevious || row.atAddress,
            `${name} ${row.symbol}`,
          );
          checked++;
        });
      }
      t.diagnostic(`${c.arch}: ${checked} raw vmlinux addresses resolved and symbolized`);
      assert.ok(checked > 100);
    },
  );
}
