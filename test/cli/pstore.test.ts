// `oops-lens pstore`: a real oops (test-fixtures/corpus/qemu null_read) written the way fs/pstore/platform.c
// pstore_dump writes it (records of the log's end first: Part1 the most recent text, `<level>[ts]` prefixes),
// split across two ramoops files in the middle of its call trace; joined, it analyses as the original.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '../..');
const CLI = join(ROOT, 'dist/cli.js');
const run = (args: string[], input?: string) =>
  spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', input, timeout: 30_000 });

/** The kernel lines of the crash, as the console printed them. */
function crashLines(): string[] {
  const log = readFileSync(join(ROOT, 'test-fixtures/corpus/qemu/logs/null_read.console.log'), 'utf8');
  const lines = log.split(/\r?\n/);
  return lines
    .slice(lines.findIndex((l) => l.includes('KCRASH TRIGGER')) + 1)
    .filter((l) => l.startsWith('['));
}

function summary(json: string) {
  const [{ events }] = JSON.parse(json);
  return events.map((e: { title: string; guiltyFrame: string; frames: { function: string }[] }) => [
    e.title,
    e.guiltyFrame,
    e.frames.map((f) => f.function),
  ]);
}

test('pstore: two parts in two files (Part1 first) join oldest first and analyse like the original log', () => {
  const lines = crashLines().map((l) => `<4>${l}`);
  const cut = lines.findIndex((l) => l.includes('Call Trace:')) + 3; // inside the trace
  const dir = mkdtempSync(join(tmpdir(), 'oops-lens-pstore-'));
  try {
    writeFileSync(join(dir, 'dmesg-ramoops-0'), ['Oops#1 Part1', ...lines.slice(cut)].join('\n') + '\n');
    writeFileSync(join(dir, 'dmesg-ramoops-1'), ['Oops#1 Part2', ...lines.slice(0, cut)].join('\n') + '\n');
    writeFileSync(join(dir, 'console-ramoops-0'), 'not a dump\n');
    const joined = run(['pstore', dir]);
    assert.equal(joined.status, 0, joined.stderr);
    assert.equal(joined.stdout, lines.join('\n') + '\n');
    assert.equal(joined.stderr, 'oops-lens: Oops#1: parts 2, 1 joined, oldest first\n');
    const analysed = run(['analyze', '--json', '-'], joined.stdout);
    const original = run(['analyze', '--json', '-'], crashLines().join('\n'));
    assert.deepEqual(summary(analysed.stdout), summary(original.stdout));
    assert.match(summary(analysed.stdout)[0][0], /NULL pointer dereference in buggy_null_read_level2/);
    // One file with both records concatenated (`cat dmesg-ramoops-*`) joins the same way.
    const both = join(dir, 'all.txt');
    writeFileSync(
      both,
      readFileSync(join(dir, 'dmesg-ramoops-0'), 'utf8') + readFileSync(join(dir, 'dmesg-ramoops-1'), 'utf8'),
    );
    assert.equal(run(['pstore', both]).stdout, joined.stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('pstore: a missing part is said, a file without records and a FIFO get one-line messages', () => {
  const dir = mkdtempSync(join(tmpdir(), 'oops-lens-pstore-'));
  try {
    writeFileSync(join(dir, 'dmesg-efi-1'), 'Panic#2 Part3\n<0>[ 1.0] a\n');
    writeFileSync(join(dir, 'dmesg-efi-2'), 'Panic#2 Part1\n<0>[ 3.0] c\n');
    const r = run(['pstore', dir]);
    assert.equal(r.status, 0);
    assert.equal(r.stdout, '<0>[ 1.0] a\n<0>[ 3.0] c\n');
    assert.equal(r.stderr, 'oops-lens: Panic#2: parts 3, 1 joined, oldest first; part 2 missing\n');
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const f = run(['pstore', fifo]);
    assert.equal(f.status, 1);
    assert.match(f.stderr, /^oops-lens: .*fifo: .*FIFO.*\n/);
    assert.equal(f.stderr.split('\n').length, 3, f.stderr); // its line and "no pstore dump found"
    const none = run(['pstore', join(dir, 'nothing-here')]);
    assert.equal(none.status, 1);
    assert.match(none.stderr, /nothing-here: not found\n/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
