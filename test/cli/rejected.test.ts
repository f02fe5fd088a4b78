// `oops-lens decode` names every debug file it does not use, one warning line each with the reason: another
// architecture, another build id, another release, or symbols that disagree with the log's frames (the case
// where neither the log nor the file says which kernel it is). Real logs; the vmlinux is a gcc-built stand-in
// carrying a `Linux version` banner. Build first: `npm run build`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUGGY_KO } from '../../server/test/debugfiles/helpers';
import { SYZKALLER_REPORTS } from '../../server/test/engine/syzkaller-corpus';
import { buildFixture, hasTool } from '../../server/test/symbolize/helpers';
import { QEMU_ARM64, QEMU_LOGS } from '../symbolize-lsp/truth';

const CLI = join(__dirname, '../../dist/cli.js');
const noGcc = hasTool('gcc') ? false : 'gcc missing';

/** decode's warnings (stderr lines) and its exit status. */
function decodeWarnings(args: string[]): string[] {
  assert.ok(existsSync(CLI), 'dist/cli.js is missing: run `npm run build` first');
  const r = spawnSync(process.execPath, [CLI, 'decode', ...args], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, DEBUGINFOD_URLS: '' },
  });
  assert.equal(r.status, 0, r.stderr);
  assert.ok(r.stdout.length > 0, 'the log is printed anyway');
  return r.stderr.split('\n').filter((l) => l !== '');
}

const vmlinuxFor = (release: string) =>
  buildFixture(`vmlinux-${release}`, ['banner.c'], ['-g', '-O1', `-DRELEASE="${release}"`]);

test('decode: the x86_64 buggy.ko for the arm64 log is one warning: wrong machine', () => {
  const log = join(QEMU_ARM64, 'logs/null_read.console.log');
  assert.deepEqual(decodeWarnings([log, '--modules', BUGGY_KO]), [
    `oops-lens: warning: ${log}: ${BUGGY_KO} does not match the log: its ELF machine is x86_64, the log's kernel is arm64`,
  ]);
});

test('decode: a buggy.ko with another build id than the log prints is one warning naming both ids', () => {
  const dir = mkdtempSync(join(tmpdir(), 'oops-lens-bid-'));
  try {
    const other = 'ab'.repeat(20);
    const text = readFileSync(join(QEMU_LOGS, 'null_read.console.log'), 'utf8').replace(
      'buggy_dispatch+0x4d/0x60 [buggy]',
      `buggy_dispatch+0x4d/0x60 [buggy ${other}]`,
    );
    const log = join(dir, 'log.txt');
    writeFileSync(log, text);
    const warnings = decodeWarnings([log, '--modules', BUGGY_KO]);
    assert.equal(warnings.length, 1, warnings.join('\n'));
    assert.match(
      warnings[0],
      new RegExp(
        `^oops-lens: warning: ${log}: ${BUGGY_KO} does not match the log: its build id is [0-9a-f]{40}, the log prints ${other} for buggy$`,
      ),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test(
  'decode: a vmlinux built for 6.1 with a syzbot report of 6.4 is one warning: wrong release',
  { skip: noGcc },
  () => {
    const vmlinux = vmlinuxFor('6.1.0-56-amd64');
    const log = join(SYZKALLER_REPORTS, '700');
    const warnings = decodeWarnings([log, '--vmlinux', vmlinux]);
    assert.equal(warnings.length, 1, warnings.join('\n'));
    assert.match(
      warnings[0],
      /does not match the log: it is built for 6\.1\.0-56-amd64 \(Linux version banner\), the log's kernel is 6\.4\.0-syzkaller/,
    );
  },
);

test(
  'decode: a log that prints no release or build id, with a vmlinux lacking its functions, is one warning: the symbols disagree',
  { skip: noGcc },
  () => {
    // Report 124 (a 4.x syzbot KASAN report) names no release; the stand-in has none of its functions.
    const vmlinux = vmlinuxFor('6.1.0-56-amd64');
    const log = join(SYZKALLER_REPORTS, '124');
    assert.doesNotMatch(readFileSync(log, 'latin1'), /ainted/, 'the report prints no CPU line release');
    const warnings = decodeWarnings([log, '--vmlinux', vmlinux]);
    assert.equal(warnings.length, 1, warnings.join('\n'));
    assert.match(
      warnings[0],
      new RegExp(
        `^oops-lens: warning: ${log}: ${vmlinux} does not match the log: (\\d+) of \\1 frames name a function it does not have or has with another size \\(first: \\S+\\+0x[0-9a-f]+/0x[0-9a-f]+\\)$`,
      ),
    );
  },
);

test(
  'decode: the same function with another size (kallsyms) is one warning, the frame stays undecoded',
  { skip: noGcc },
  () => {
    const vmlinux = vmlinuxFor('6.1.0-56-amd64');
    const dir = mkdtempSync(join(tmpdir(), 'oops-lens-size-'));
    try {
      const log = join(dir, 'log.txt');
      // virtqueue_add is far smaller than 0x999 bytes in the stand-in.
      writeFileSync(
        log,
        'BUG: kernel NULL pointer dereference, address: 0000000000000010\nCall Trace:\n virtqueue_add+0x4/0x999\n',
      );
      const r = spawnSync(process.execPath, [CLI, 'decode', log, '--vmlinux', vmlinux], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      assert.equal(
        r.stderr,
        `oops-lens: warning: ${log}: ${vmlinux} does not match the log: 1 of 1 frames name a function it does not have or has with another size (first: virtqueue_add+0x4/0x999)\n`,
      );
      assert.match(r.stdout, /^ virtqueue_add\+0x4\/0x999$/m, 'undecoded');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
