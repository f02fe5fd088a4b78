// Which files beside the logs are not logs (oops-lens triage skips them): every log of the corpora is text,
// report 620 with its console NULs included; ELF files, compressed logs, images and random bytes are not.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { deflateSync, gzipSync } from 'node:zlib';
import { looksBinary } from '../../src/engine';

const CORPUS = join(__dirname, '../../../test-fixtures/corpus');
const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : [p];
  });

test('every corpus log is text, report 620 (NULs in its first 8 KB) too', () => {
  const r620 = readFileSync(join(CORPUS, 'syzkaller/report/620'));
  assert.ok(r620.subarray(0, 8192).includes(0), 'the case needs NULs near the start');
  assert.equal(looksBinary(r620), false);
  const logs = [
    ...files(join(CORPUS, 'syzkaller/report')),
    ...files(join(CORPUS, 'qemu/logs')),
    ...files(join(CORPUS, 'qemu-arm64/logs')),
  ];
  assert.ok(logs.length > 500);
  for (const f of logs) assert.equal(looksBinary(readFileSync(f)), false, f);
});

test('ELF files, compressed logs, images and random bytes are binary', () => {
  const log = readFileSync(join(CORPUS, 'qemu/logs/null_read.console.log'));
  const junk = [
    ['buggy.ko', readFileSync(join(CORPUS, 'qemu/module/buggy.ko'))],
    ['node', readFileSync(process.execPath).subarray(0, 65536)],
    ['gzip', gzipSync(log)],
    ['deflate', deflateSync(log)],
    ['png', readFileSync(join(__dirname, '../../../docs/screenshots/diagnostics.png'))],
    // A fixed pseudo-random sequence (xorshift), so the case is the same on every run.
    ['random', Buffer.from(Array.from({ length: 8192 }, xorshift(0x9e3779b9)))],
    ['zeros', Buffer.alloc(8192)],
  ] as const;
  for (const [what, data] of junk) assert.equal(looksBinary(data), true, what);
  assert.equal(looksBinary(Buffer.alloc(0)), false, 'an empty file is an empty log');
});

function xorshift(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x & 0xff;
  };
}
