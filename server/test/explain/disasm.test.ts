// Disassembly of Code: lines, checked against binutils' objdump (run at test time) for every x86 Code:
// line in the corpus, and against syzkaller's expected decompilations.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { disassemble, initDisassemblers, parseCodeBytes } from '../../src/engine/explain/disasm';
import { normalizeLine, splitLines } from '../../src/engine/log/normalize';
import { normalizeMnemonic } from './objdumpText';

const CORPUS = join(__dirname, '../../../test-fixtures/corpus');
const hasObjdump = spawnSync('objdump', ['--version']).status === 0;

before(async () => {
  await initDisassemblers();
});

function corpusCodeLines(): { file: string; bytes: string }[] {
  const out: { file: string; bytes: string }[] = [];
  const add = (file: string) => {
    for (const raw of splitLines(readFileSync(file, 'utf8'))) {
      const m = /^\s*Code: ((?:[<(]?[0-9a-f]{2}[>)]? ?){8,})$/.exec(normalizeLine(raw).message.trimEnd());
      if (m) out.push({ file, bytes: m[1] });
    }
  };
  for (const dir of ['qemu/logs']) {
    const d = join(CORPUS, dir);
    if (existsSync(d)) for (const f of readdirSync(d)) if (f.endsWith('.log')) add(join(d, f));
  }
  const dec = join(CORPUS, 'syzkaller/decompile/amd64');
  if (existsSync(dec)) for (const f of readdirSync(dec)) if (f.endsWith('.in')) add(join(dec, f));
  return out;
}

interface ObjLine {
  offset: number;
  length: number;
  mnemonic: string;
}

function objdump(bytes: Uint8Array, start: number): ObjLine[] {
  const dir = mkdtempSync(join(tmpdir(), 'oops-lens-objdump-'));
  const file = join(dir, 'code.bin');
  writeFileSync(file, bytes.subarray(start));
  const text = execFileSync('objdump', ['-D', '-b', 'binary', '-m', 'i386:x86-64', file], {
    encoding: 'utf8',
  });
  const lines: ObjLine[] = [];
  for (const l of text.split('\n')) {
    const m = /^\s+([0-9a-f]+):\t((?:[0-9a-f]{2} )+)\s*\t?(\S*)/.exec(l);
    if (!m) continue;
    const len = m[2].trim().split(' ').length;
    const off = parseInt(m[1], 16) + start;
    // objdump continues long instructions on a second line with no mnemonic.
    if (!m[3] && lines.length && lines[lines.length - 1].offset + lines[lines.length - 1].length === off) {
      lines[lines.length - 1].length += len;
      continue;
    }
    lines.push({ offset: off, length: len, mnemonic: m[3] });
  }
  return lines;
}

test('the corpus has x86 Code: lines to check', () => {
  assert.ok(corpusCodeLines().length >= 10);
});

test(
  'x86_64 disassembly agrees with objdump on instruction boundaries and mnemonics',
  { skip: !hasObjdump && 'objdump not installed (apt-get install -y binutils)' },
  () => {
    let checked = 0;
    for (const { file, bytes } of corpusCodeLines()) {
      const parsed = parseCodeBytes(bytes, 'x86_64');
      assert.ok(parsed, `parse ${file}: ${bytes}`);
      const all = disassemble(parsed);
      assert.ok(
        all.lines.some((l) => l.trapping),
        `trapping instruction found in ${file}`,
      );
      // decodecode's two listings: all code, and code starting with the faulting instruction.
      const fromTrap = disassemble({
        ...parsed,
        bytes: parsed.bytes.subarray(parsed.trapOffset!),
        trapOffset: 0,
      });
      let compared = 0;
      for (const [d, bin] of [
        [all, parsed.bytes],
        [fromTrap, parsed.bytes.subarray(parsed.trapOffset!)],
      ] as const) {
        const ref = objdump(bin, d.start);
        const mine = new Map(d.lines.map((l) => [l.offset, l]));
        // Compare every instruction objdump decoded completely (its last one may run off the end).
        for (const r of ref) {
          if (r.offset + r.length > bin.length) continue;
          // Past an undecodable byte the two decoders resynchronise differently: stop there.
          if (r.mnemonic === '(bad)' || r.mnemonic === '.byte') break;
          const l = mine.get(r.offset);
          assert.ok(
            l,
            `${file}: objdump has an instruction at ${r.offset.toString(16)} (${r.mnemonic}) that we do not`,
          );
          if (l.text === '(bad)' || l.text === '(truncated)') break;
          assert.equal(
            l.length,
            r.length,
            `${file} @${r.offset.toString(16)}: length (${l.text} vs ${r.mnemonic})`,
          );
          const ours = normalizeMnemonic(l.text.split(/\s+/)[0]);
          const theirs = normalizeMnemonic(r.mnemonic);
          if (theirs)
            assert.equal(ours, theirs, `${file} @${r.offset.toString(16)}: ${l.text} vs ${r.mnemonic}`);
          compared++;
        }
      }
      assert.ok(compared >= 5, `${file}: compared ${compared}`);
      checked++;
    }
    assert.ok(checked >= 10);
  },
);

/** `* 2a:\t48 f7 f5             \tdiv    %rbp <-- trapping instruction` → offset, bytes, mnemonic, trap. */
function expectedListing(out: string): { offset: number; bytes: string; mnemonic: string; trap: boolean }[] {
  const rows = [];
  const body = out.slice(out.indexOf('Code disassembly (best guess):'));
  for (const l of body.split('\n').slice(1)) {
    const m = /^(\*| ) *([0-9a-f]+):\t([0-9a-f ]+?)\s*\t(\S+)/.exec(l);
    if (!m) continue;
    rows.push({ offset: parseInt(m[2], 16), bytes: m[3].trim(), mnemonic: m[4], trap: m[1] === '*' });
  }
  return rows;
}

for (const [arch, n] of [
  ['amd64', 4],
  ['arm64', 1],
  ['arm', 0],
] as const) {
  test(`matches syzkaller's expected decompilation ${arch}/${n}`, () => {
    const dir = join(CORPUS, 'syzkaller/decompile', arch);
    const input = readFileSync(join(dir, `${n}.in`), 'utf8');
    const expected = expectedListing(readFileSync(join(dir, `${n}.out`), 'utf8'));
    assert.ok(expected.length > 3);
    const codeLine = /^Code: (.*)$/m.exec(input)![1];
    const parsed = parseCodeBytes(codeLine, arch === 'amd64' ? 'x86_64' : arch)!;
    const d = disassemble(parsed);
    assert.equal(d.lines.length, expected.length);
    d.lines.forEach((l, i) => {
      const e = expected[i];
      assert.equal(l.offset, e.offset);
      assert.equal(l.bytes.replace(/ /g, ''), e.bytes.replace(/ /g, ''));
      assert.equal(l.text.split(/\s+/)[0], e.mnemonic, `@${e.offset.toString(16)}`);
      assert.equal(l.trapping, e.trap);
    });
  });
}

test('thumb halfwords decode as Thumb-2', () => {
  // `push {r4, lr}` = b510, `bl` = f7ff fffe, `ldr r3, [r0]` = 6803 (marked).
  const t = parseCodeBytes('b510 f7ff fffe (6803)')!;
  assert.equal(t.arch, 'thumb');
  const d = disassemble(t);
  assert.deepEqual(
    d.lines.map((l) => [l.offset, l.text.split(/\s+/)[0]]),
    [
      [0, 'push'],
      [2, 'bl'],
      [6, 'ldr'],
    ],
  );
  assert.ok(d.lines[2].trapping);
});

test('Code: parsing rejects non-code and mixed widths', () => {
  assert.equal(parseCodeBytes('Bad RIP value.'), null);
  assert.equal(parseCodeBytes('Unable to access opcode bytes at 0x7f12.'), null);
  assert.equal(parseCodeBytes('48 8b <48> <0f>'), null, 'two markers');
  assert.equal(parseCodeBytes('48 d503201f'), null, 'mixed widths');
  const a = parseCodeBytes('d503201f (b9400000)')!;
  assert.equal(a.arch, 'arm64');
  assert.equal(a.trapOffset, 4);
  assert.deepEqual(Array.from(a.bytes.subarray(4)), [0x00, 0x00, 0x40, 0xb9]);
});
