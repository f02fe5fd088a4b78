// Files read by name: a FIFO, a device, a directory or an oversized file is refused with a one-line reason
// before anything blocks or allocates; links are followed to what they name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  FILE_LIMITS,
  FileRefused,
  linePieces,
  openRegularFile,
  readLogPieces,
  readTextFile,
  regularFileProblem,
} from '../../src/engine';

function withDir(body: (dir: string) => void): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oops-lens-safefile-'));
  try {
    body(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function refusal(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof FileRefused, String(e));
    return e.message;
  }
  assert.fail('not refused');
}

test('FIFOs (also behind a symlink), devices and directories are refused without being read', () => {
  withDir((dir) => {
    const fifo = path.join(dir, 'modules');
    execFileSync('mkfifo', [fifo]);
    const link = path.join(dir, 'buggy.ko');
    fs.symlinkSync(fifo, link);
    // No writer ever comes: a blocking open or read would hang this test.
    assert.equal(
      refusal(() => readTextFile(fifo, FILE_LIMITS.map)),
      `${fifo}: not a regular file (a FIFO)`,
    );
    assert.equal(
      refusal(() => openRegularFile(link)),
      `${link}: not a regular file (a FIFO)`,
    );
    assert.equal(regularFileProblem(link), 'not a regular file (a FIFO)');
    assert.equal(
      refusal(() => readTextFile('/dev/zero', FILE_LIMITS.map)),
      '/dev/zero: not a regular file (a character device)',
    );
    assert.equal(regularFileProblem(dir), 'not a regular file (a directory)');
    assert.equal(regularFileProblem(path.join(dir, 'absent')), 'no such file');
    const dangling = path.join(dir, 'dangling');
    fs.symlinkSync(path.join(dir, 'absent'), dangling);
    assert.equal(regularFileProblem(dangling), 'no such file');
  });
});

test('size limits: a map over 64 MB is refused by its size alone; a regular file within the limit is read', () => {
  withDir((dir) => {
    const big = path.join(dir, 'System.map');
    // Sparse: 65 MB claimed, nothing written.
    fs.closeSync(fs.openSync(big, 'w'));
    fs.truncateSync(big, FILE_LIMITS.map + (1 << 20));
    assert.equal(
      refusal(() => readTextFile(big, FILE_LIMITS.map)),
      `${big}: too large (65 MB; at most 64 MB are read)`,
    );
    const small = path.join(dir, 'modules.txt');
    fs.writeFileSync(small, 'buggy 16384 0 - Live 0xffffffffc0a00000 (OE)\n');
    assert.equal(readTextFile(small, FILE_LIMITS.map), 'buggy 16384 0 - Live 0xffffffffc0a00000 (OE)\n');
    const link = path.join(dir, 'link');
    fs.symlinkSync(small, link);
    assert.equal(regularFileProblem(link, 10), `too large (45 bytes; at most 10 bytes are read)`);
    const { fd, size } = openRegularFile(link);
    fs.closeSync(fd);
    assert.equal(size, 45);
    // procfs files say 0 bytes and are read to their end.
    assert.match(readTextFile('/proc/self/status', FILE_LIMITS.map), /^Name:/);
  });
});

test('readLogPieces / linePieces: whole lines that decode as the whole file does, however the blocks fall', () => {
  withDir((dir) => {
    // Invalid UTF-8 (a lone continuation byte, a truncated sequence before a break), multi-byte characters,
    // CRLF and lone CR, a line longer than a block, no final break.
    const bytes = Buffer.concat([
      Buffer.from('[    1.0] ok \u00e9\u20ac\n\r\n'),
      Buffer.from([0x80, 0x41, 0x0a, 0xe2, 0x82, 0x0a, 0xf0, 0x9f]),
      Buffer.from('\u{1F600}x\r\ry\n' + 'long '.repeat(40) + '\n\n\nlast'),
    ]);
    const file = path.join(dir, 'log');
    for (const data of [
      bytes,
      Buffer.concat([bytes, Buffer.from('\n')]),
      Buffer.alloc(0),
      Buffer.from('\n'),
    ]) {
      fs.writeFileSync(file, data);
      const whole = data.toString('utf8');
      assert.equal(readTextFile(file, FILE_LIMITS.log), whole);
      for (const size of [1, 2, 3, 7, 16, 64, 1 << 20]) {
        for (const pieces of [readLogPieces(file, FILE_LIMITS.log, size), linePieces(data, size)]) {
          assert.equal(pieces.join(''), whole, `pieces of ${size}`);
          pieces.slice(0, -1).forEach((p) => assert.ok(p.endsWith('\n'), `${JSON.stringify(p)} ends a line`));
        }
      }
    }
    // Still a regular file only, within the limit.
    assert.match(
      refusal(() => readLogPieces(dir, FILE_LIMITS.log)),
      /not a regular file/,
    );
    fs.writeFileSync(file, bytes);
    assert.match(
      refusal(() => readLogPieces(file, 10)),
      /too large/,
    );
  });
});
