// iced-x86 loaded with a V8 code cache (engine/explain/icedLoader.ts), each load a fresh process as a CLI run
// is: the first writes the cache at exit, the next uses it, a corrupt or foreign cache is rejected by V8 and
// rewritten, an unwritable cache folder only costs the plain compile — and every one decodes the same.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const LOADER = join(__dirname, '../../src/engine/explain/icedLoader.ts');

/** One process: load through the cache in `dir`, decode `mov 0x10(%rdi),%rax`, report. */
function load(dir: string): { cache: string; text: string } {
  const code = `
    const { loadIcedCached } = require(${JSON.stringify(LOADER)});
    const r = loadIcedCached(${JSON.stringify(dir)});
    const ice = r.ice;
    const d = new ice.Decoder(64, Uint8Array.of(0x48, 0x8b, 0x47, 0x10), ice.DecoderOptions.None);
    const f = new ice.Formatter(ice.FormatterSyntax.Gas);
    process.stdout.write(JSON.stringify({ cache: r.cache, text: f.format(d.decode()) }));`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', code], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as { cache: string; text: string };
}

test('the glue compiled once: written at exit, then used; a corrupt cache is rejected and rewritten', () => {
  const dir = mkdtempSync(join(tmpdir(), 'oops-lens-iced-cache-'));
  try {
    const first = load(dir);
    assert.equal(first.cache, 'compiled');
    assert.equal(first.text, 'mov 0x10(%rdi),%rax');
    const files = readdirSync(dir);
    assert.equal(files.length, 1, files.join(', '));
    assert.match(files[0], /^iced-x86-[0-9a-f]{16}-v8-.+\.jscache$/);
    assert.deepEqual(load(dir), { cache: 'used', text: first.text });
    // Garbage of the right name: V8 checks it and refuses it, the glue compiles as without a cache.
    writeFileSync(join(dir, files[0]), Buffer.alloc(4096, 0x5a));
    assert.deepEqual(load(dir), { cache: 'compiled', text: first.text });
    assert.deepEqual(load(dir), { cache: 'used', text: first.text });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a cache folder that cannot be made costs nothing but the compile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'oops-lens-iced-cache-'));
  try {
    const notADir = join(dir, 'file');
    writeFileSync(notADir, 'x');
    assert.deepEqual(load(join(notADir, 'cache')), { cache: 'compiled', text: 'mov 0x10(%rdi),%rax' });
    assert.deepEqual(load(join(notADir, 'cache')), { cache: 'compiled', text: 'mov 0x10(%rdi),%rax' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a FIFO planted under the cache file name is not read (no hang): the glue compiles as without a cache', () => {
  const dir = mkdtempSync(join(tmpdir(), 'oops-lens-iced-cache-'));
  try {
    load(dir);
    const [name] = readdirSync(dir);
    rmSync(join(dir, name));
    execFileSync('mkfifo', [join(dir, name)]);
    assert.equal(load(dir).cache, 'compiled');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
