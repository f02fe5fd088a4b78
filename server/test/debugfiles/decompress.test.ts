// Decompression bombs and junk: a compressed module is streamed into the cache with a hard cap on its
// output (256 MB), the cap stops a bomb without holding it in memory, and nothing that failed stays in
// the cache. Bombs are built here: gzip by zlib, xz and zstd by their commands (CI installs them).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { MAX_DECOMPRESSED, prepareDebugFile } from '../../src/engine/debugfiles/decompress';
import { BUGGY_KO, put, tempDir } from './helpers';

/** Every file under `dir` (the cache must hold none after a failure). */
function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => !e.isDirectory())
    .map((e) => path.join(e.parentPath, e.name));
}

test('a gzip bomb (300 MB of zeros in 300 KB) stops at the 256 MB cap, costs no memory, leaves nothing in the cache', async () => {
  const dir = tempDir('bomb-gz');
  try {
    const bomb = await new Promise<Buffer>((resolve, reject) => {
      const parts: Buffer[] = [];
      const z = zlib.createGzip({ level: 1 });
      z.on('data', (d: Buffer) => parts.push(d));
      z.on('end', () => resolve(Buffer.concat(parts)));
      z.on('error', reject);
      const chunk = Buffer.alloc(1 << 20);
      for (let mb = 0; mb < 300; mb++) z.write(chunk);
      z.end();
    });
    assert.ok(bomb.length < 2 << 20, `the bomb is small (${bomb.length} bytes)`);
    const file = put(path.join(dir, 'mods/buggy.ko.gz'), bomb);
    const cache = path.join(dir, 'cache');
    const peakBefore = process.resourceUsage().maxRSS * 1024;
    const r = await prepareDebugFile(file, cache);
    const peakAfter = process.resourceUsage().maxRSS * 1024;
    assert.equal(r.ok, false);
    if (!r.ok) {
      assert.match(r.error, /buggy\.ko\.gz: cannot decompress \(decompresses to more than 256 MB/);
      assert.doesNotMatch(r.error, /\n/);
    }
    assert.equal(MAX_DECOMPRESSED, 256 << 20);
    assert.ok(peakAfter - peakBefore < 128 << 20, `peak RSS grew by ${(peakAfter - peakBefore) >> 20} MB`);
    assert.deepEqual(filesUnder(cache), []);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('xz and zstd bombs stop at the cap (the command is killed), nothing stays in the cache', async () => {
  const dir = tempDir('bomb-tools');
  try {
    const zeros = path.join(dir, 'zeros');
    fs.writeFileSync(zeros, Buffer.alloc(16 << 20));
    for (const [tool, ext] of [
      ['xz', 'xz'],
      ['zstd', 'zst'],
    ]) {
      const has = spawnSync(tool, ['--version']).status === 0;
      assert.ok(has, `${tool} is not installed (CI installs it: .ci/run)`);
      const bomb = execFileSync(tool, ['-c', '-q', zeros], { maxBuffer: 64 << 20 });
      assert.ok(bomb.length < 1 << 20);
      const file = put(path.join(dir, `mods/buggy.ko.${ext}`), bomb);
      const cache = path.join(dir, `cache-${ext}`);
      // A 4 MB cap for the 16 MB bomb: the same path as 256 MB for a 5 GB one, in a fraction of the time.
      const r = await prepareDebugFile(file, cache, { maxOutput: 4 << 20 });
      assert.equal(r.ok, false, tool);
      if (!r.ok)
        assert.match(
          r.error,
          new RegExp(`buggy\\.ko\\.${ext}: cannot decompress \\(decompresses to more than 4 MB`),
        );
      assert.deepEqual(filesUnder(cache), [], tool);
      // Under the cap, the same file decompresses, and is refused only for not being ELF.
      const under = await prepareDebugFile(file, cache, { maxOutput: 32 << 20 });
      assert.deepEqual(under, {
        ok: false,
        error: `${file}: decompresses to ${16 << 20} bytes that are not an ELF file`,
      });
      assert.deepEqual(filesUnder(cache), [], `${tool}: a non-ELF result is not cached`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('corrupt or truncated compressed modules: one-line message, empty cache; a real module is cached once', async () => {
  const dir = tempDir('bomb-junk');
  try {
    const cache = path.join(dir, 'cache');
    const ko = fs.readFileSync(BUGGY_KO);
    const gz = zlib.gzipSync(ko);
    const cases: [string, Buffer][] = [
      ['junk.ko.gz', Buffer.from('not gzip at all')],
      ['cut.ko.gz', gz.subarray(0, gz.length >> 1)],
      ['junk.ko.xz', Buffer.from('not xz at all')],
      ['junk.ko.zst', Buffer.from('not zstd at all')],
    ];
    for (const [name, data] of cases) {
      const r = await prepareDebugFile(put(path.join(dir, name), data), cache);
      assert.equal(r.ok, false, name);
      if (!r.ok) {
        assert.ok(r.error.startsWith(path.join(dir, name)), r.error);
        assert.doesNotMatch(r.error, /\n/);
      }
    }
    assert.deepEqual(filesUnder(cache), []);
    const good = put(path.join(dir, 'buggy.ko.gz'), gz);
    const r = await prepareDebugFile(good, cache);
    assert.ok(r.ok, JSON.stringify(r));
    assert.ok(r.ok && fs.readFileSync(r.path).equals(ko));
    assert.equal(filesUnder(cache).length, 1);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a FIFO or a device named like a compressed module is refused at once, never opened for reading', async () => {
  const dir = tempDir('bomb-fifo');
  try {
    const fifo = path.join(dir, 'buggy.ko.xz');
    execFileSync('mkfifo', [fifo]);
    const link = path.join(dir, 'zero.ko.gz');
    fs.symlinkSync('/dev/zero', link);
    assert.deepEqual(await prepareDebugFile(fifo, path.join(dir, 'cache')), {
      ok: false,
      error: `${fifo}: not a regular file (a FIFO)`,
    });
    assert.deepEqual(await prepareDebugFile(link, path.join(dir, 'cache')), {
      ok: false,
      error: `${link}: not a regular file (a character device)`,
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
