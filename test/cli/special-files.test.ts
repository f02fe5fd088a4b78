// Special files where a file was expected (issue: a FIFO hung the CLI forever, /dev/zero grew until the
// process died): the log argument, --module-map, --system-map, --vmlinux and a `<mod>.ko` in a module
// folder that is a symlink to a FIFO. Each gives a one-line message at once. Build first: `npm run build`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  closeSync,
  openSync,
  ftruncateSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QEMU_LOGS } from '../symbolize-lsp/truth';

const CLI = join(__dirname, '../../dist/cli.js');
const LOG = join(QEMU_LOGS, 'null_read.console.log');

function run(args: string[]) {
  assert.ok(existsSync(CLI), 'dist/cli.js is missing: run `npm run build` first');
  const r = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    // A hang is the failure this test is about: it must end long before this.
    timeout: 30_000,
    env: { ...process.env, DEBUGINFOD_URLS: '' },
  });
  assert.equal(r.error, undefined, `oops-lens ${args.join(' ')} did not finish`);
  return r;
}

function withDir(body: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'oops-lens-special-'));
  try {
    body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('the log argument: a FIFO or /dev/zero is refused with a pointer to standard input', () => {
  withDir((dir) => {
    const fifo = join(dir, 'dmesg');
    execFileSync('mkfifo', [fifo]);
    for (const [file, kind] of [
      [fifo, 'a FIFO'],
      ['/dev/zero', 'a character device'],
    ]) {
      const r = run(['analyze', file]);
      assert.equal(r.status, 2);
      assert.equal(
        r.stderr,
        `oops-lens: ${file}: not a regular file (${kind}); give - and redirect it to standard input\n`,
      );
    }
  });
});

test('decode: a FIFO, /dev/zero or an oversized file as a map or vmlinux is one warning each; the log is still printed', () => {
  withDir((dir) => {
    const fifo = join(dir, 'modules');
    execFileSync('mkfifo', [fifo]);
    const big = join(dir, 'System.map');
    const fd = openSync(big, 'w');
    ftruncateSync(fd, 65 << 20); // sparse
    closeSync(fd);
    const r = run(['decode', LOG, '--module-map', fifo, '--system-map', big, '--vmlinux', '/dev/zero']);
    assert.equal(r.status, 0, r.stderr);
    const warn = (m: string) => `oops-lens: warning: ${LOG}: ${m}`;
    const lines = r.stderr.trim().split('\n');
    assert.ok(lines.includes(warn(`moduleMap ${fifo}: not a regular file (a FIFO)`)), r.stderr);
    assert.ok(lines.includes(warn(`systemMap ${big}: too large (65 MB; at most 64 MB are read)`)), r.stderr);
    assert.ok(lines.includes(warn('vmlinux /dev/zero: not a regular file (a character device)')), r.stderr);
    assert.match(r.stdout, /buggy_null_read_level1\+0xa\/0x20 \[buggy\]/);
  });
});

test('decode: a `buggy.ko` that is a symlink to a FIFO in a module folder is reported, not opened', () => {
  withDir((dir) => {
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    mkdirSync(join(dir, 'mods'));
    symlinkSync(fifo, join(dir, 'mods/buggy.ko'));
    const r = run(['decode', LOG, '--modules', join(dir, 'mods')]);
    assert.equal(r.status, 0, r.stderr);
    assert.ok(r.stderr.includes(`${join(dir, 'mods/buggy.ko')}: not a regular file (a FIFO)`), r.stderr);
  });
});
