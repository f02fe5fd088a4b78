// Bad input: truncated, corrupt, stripped, mismatched and huge-claim ELF files must give a SymbolizeError
// with a clear message (or a failed lookup explaining why), never a crash, a hang or a huge allocation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DebugFile, openDebugFile, SymbolizeError } from '../../src/engine/symbolize';
import { ElfFile } from '../../src/engine/symbolize/elf/elfFile';
import { buildFixture, CORPUS, hasTool } from './helpers';

const skip = hasTool('gcc') && hasTool('strip') ? false : 'gcc/binutils missing';
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'oops-lens-corrupt-'));
process.on('exit', () => fs.rmSync(work, { recursive: true, force: true }));

function fixture(): string {
  return buildFixture('chain-dwarf5', ['chain.c', 'dup.c'], ['-g', '-gdwarf-5', '-O2']);
}

function write(name: string, data: Buffer): string {
  const p = path.join(work, name);
  fs.writeFileSync(p, data);
  return p;
}

/** Opens and looks up every code byte; returns the error if any (must be a SymbolizeError). */
function exercise(p: string): SymbolizeError | null {
  try {
    const df = DebugFile.open(p);
    try {
      for (const s of df.codeSections())
        for (let i = 0n; i < BigInt(s.size); i++) {
          df.lookupAddress(s.addr + i);
          if (df.isRelocatable) df.lookupAddress({ section: s.name, offset: i });
        }
      df.prefetchSymbols(['main', 'in_custom', 'no_such_symbol']); // the batch path, then single lookups
      for (const name of ['chain', 'dup', 'main', 'in_custom']) df.lookupSymbol(name, 4, null);
    } finally {
      df.close();
    }
    return null;
  } catch (e) {
    if (!(e instanceof SymbolizeError)) throw e;
    assert.ok(e.message.length > 10 && e.message.includes(p), `message names the file: ${e.message}`);
    return e;
  }
}

function sectionHeaderField(file: string, name: string, field: 'offset' | 'size'): number {
  const elf = ElfFile.open(file);
  try {
    const shoff = Number(fs.readFileSync(file).readBigUInt64LE(0x28));
    const s = elf.section(name)!;
    return shoff + s.index * 64 + (field === 'offset' ? 24 : 32);
  } finally {
    elf.close();
  }
}

test('truncated files: SymbolizeError saying so', { skip }, () => {
  const good = fs.readFileSync(fixture());
  for (const len of [0, 10, 60, 64, 1000, good.length >> 1, good.length - 1]) {
    const e = exercise(write(`trunc-${len}`, good.subarray(0, len)));
    assert.ok(e, `truncated to ${len} bytes must fail`);
    assert.match(e.message, /not an ELF|truncated|beyond the end|unexpected end/);
  }
});

test('not an ELF file', () => {
  const e = exercise(
    write('text', Buffer.from('this is not an ELF file at all, just some text\n'.repeat(3))),
  );
  assert.equal(e?.code, 'not-elf');
});

test('stripped file: no-debug-info error; symbols still usable on request', { skip }, () => {
  const p = path.join(work, 'stripped');
  assert.equal(spawnSync('strip', ['-g', '-o', p, fixture()]).status, 0);
  assert.throws(
    () => openDebugFile(p),
    (e: unknown) => e instanceof SymbolizeError && e.code === 'no-debug-info' && /stripped/.test(e.message),
  );
  const df = openDebugFile(p, { allowNoDebugInfo: true });
  const r = df.lookupSymbol('chain', 1, null);
  assert.equal(r.ok, false);
  assert.equal(r.frames[0]?.function, 'chain');
  assert.equal(r.symbol?.name, 'chain');
});

test('huge claims: absurd section sizes, section counts and unit lengths', { skip }, () => {
  const src = fixture();
  const good = fs.readFileSync(src);
  // .debug_info claims 1 TB.
  const a = Buffer.from(good);
  a.writeBigUInt64LE(1n << 40n, sectionHeaderField(src, '.debug_info', 'size'));
  assert.match(exercise(write('huge-section', a))!.message, /beyond the end of the file/);
  // 65535 section headers.
  const b = Buffer.from(good);
  b.writeUInt16LE(0xffff, 0x3c);
  assert.match(exercise(write('huge-shnum', b))!.message, /section header table|beyond the end/);
  // First unit claims 64-bit length 2^50.
  const c = Buffer.from(good);
  const infoOff = Number(c.readBigUInt64LE(sectionHeaderField(src, '.debug_info', 'offset')));
  c.writeUInt32LE(0xffffffff, infoOff);
  c.writeBigUInt64LE(1n << 50n, infoOff + 4);
  assert.match(exercise(write('huge-unit', c))!.message, /unit at 0x0 claims|too large/);
  // Line table claims 4 GB.
  const d = Buffer.from(good);
  const lineOff = Number(d.readBigUInt64LE(sectionHeaderField(src, '.debug_line', 'offset')));
  d.writeUInt32LE(0xfffffff0 - 1, lineOff);
  assert.match(exercise(write('huge-line', d))!.message, /line table at 0x0 claims/);
});

test('random corruption of the debug sections never crashes or hangs', { skip }, (t) => {
  const src = fixture();
  const good = fs.readFileSync(src);
  const elf = ElfFile.open(src);
  const targets = [
    '.debug_info',
    '.debug_abbrev',
    '.debug_line',
    '.debug_rnglists',
    '.debug_aranges',
    '.debug_str_offsets',
    '.symtab',
    '.strtab',
  ]
    .map((n) => elf.section(n))
    .filter((s): s is NonNullable<typeof s> => !!s);
  elf.close();
  let seed = 12345;
  const rand = (n: number) => (seed = (seed * 1103515245 + 12345) >>> 0) % n;
  let failed = 0;
  const internal: string[] = [];
  const started = Date.now();
  for (let iter = 0; iter < 100; iter++) {
    const buf = Buffer.from(good);
    const s = targets[iter % targets.length];
    for (let k = 0; k < 1 + rand(8); k++) buf[s.offset + rand(s.size)] = rand(256);
    const e = exercise(write('fuzz', buf));
    if (e) failed++;
    if (e && /internal error/.test(e.message)) internal.push(e.message);
  }
  t.diagnostic(
    `100 corrupted files: ${failed} SymbolizeErrors, ${100 - failed} still readable, ${Date.now() - started} ms`,
  );
  assert.deepEqual(internal, [], 'no reader bug reached (all errors are diagnosed corruption)');
});

test('mismatched debug file: sizes disagree -> the lookup says the file does not match', () => {
  const armKo = CORPUS + 'qemu-arm64/module/buggy.ko';
  const df = openDebugFile(armKo);
  // Frame printed by the x86_64 kernel (../qemu null_read): same module source, another build.
  const r = df.lookupSymbol('buggy_null_read', 0x1d, 0x29);
  assert.equal(r.ok, false);
  assert.match(
    r.error!,
    /size mismatch for buggy_null_read\+0x1d\/0x29: .* has buggy_null_read with size 0x44 — the debug file does not match/,
  );
});
