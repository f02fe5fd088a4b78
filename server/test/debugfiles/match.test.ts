// A debug file of another kernel is not used for a log: ELF machine vs the log's architecture, module
// vermagic / vmlinux banner release vs the log's release. Checked on real logs: the arm64 qemu log with the
// x86_64 buggy.ko, a syzbot report of a 6.4.0-syzkaller kernel with a vmlinux built for another release.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeText, frameText } from '../../src/engine';
import { debugFilesStatus, identityMismatch, releaseOf } from '../../src/engine/debugfiles';
import { openDebugFile, vermagicRelease } from '../../src/engine/symbolize';
import { QEMU_ARM64_LOGS, QEMU_LOGS } from '../engine/fixtures';
import { SYZKALLER_REPORTS } from '../engine/syzkaller-corpus';
import { buildFixture, hasTool } from '../symbolize/helpers';
import { BUGGY_KO, put, symbolizeText, tempDir } from './helpers';

const noGcc = hasTool('gcc') ? false : 'gcc missing';
const cacheDir = tempDir('cache');
after(() => fs.rmSync(cacheDir, { recursive: true, force: true }));

const symbolize = (text: string, settings: Parameters<typeof symbolizeText>[1]) =>
  symbolizeText(text, settings, cacheDir);

test('vermagicRelease: the release is the first word of vermagic=; junk is no release', () => {
  const info = (s: string) => Buffer.from(s.replace(/\|/g, '\0'), 'latin1');
  assert.equal(
    vermagicRelease(info('license=GPL|vermagic=6.1.0-56-amd64 SMP preempt mod_unload |')),
    '6.1.0-56-amd64',
  );
  assert.equal(vermagicRelease(info('license=GPL|')), null);
  assert.equal(vermagicRelease(info('vermagic=../../etc/passwd SMP|')), null);
});

test('the real buggy.ko says it is built for the release the x86_64 qemu logs print', () => {
  const log = fs.readFileSync(path.join(QEMU_LOGS, 'null_read.console.log'), 'utf8');
  const release = releaseOf(analyzeText(log));
  assert.ok(release);
  assert.deepEqual(openDebugFile(BUGGY_KO, { allowNoDebugInfo: true }).kernelIdentity(), {
    release,
    from: 'vermagic',
  });
  assert.equal(identityMismatch(BUGGY_KO, { arch: 'x86_64', release }), null);
});

test('the arm64 log with the x86_64 buggy.ko: no frame symbolized, one warning, the frame error and the status say why', async () => {
  const log = fs.readFileSync(path.join(QEMU_ARM64_LOGS, 'null_read.console.log'), 'utf8');
  const { frames, sym } = await symbolize(log, { modulePaths: [BUGGY_KO] });
  const moduleFrames = frames.filter((f) => f.frame.module === 'buggy');
  assert.ok(moduleFrames.length >= 3, 'the log has buggy frames');
  for (const f of frames) assert.equal(sym.results.get(f.key)!.ok, false, f.frame.function ?? '');
  for (const f of moduleFrames)
    assert.match(
      sym.results.get(f.key)!.error!,
      /^buggy\.ko does not match this log: its ELF machine is x86_64, the log's kernel is arm64$/,
    );
  assert.deepEqual(Object.keys(sym.files.modules), []);
  assert.equal(sym.files.rejected.buggy.path, BUGGY_KO);
  const warnings = sym.messages.filter((m) => m.includes('does not match'));
  assert.deepEqual(warnings, [
    `${BUGGY_KO} does not match the log: its ELF machine is x86_64, the log's kernel is arm64`,
  ]);
  assert.equal(
    debugFilesStatus(sym.files),
    "debug files don't match this log: buggy.ko: its ELF machine is x86_64, the log's kernel is arm64",
  );
});

test('a module of the right machine but another release (vermagic) is not used', async () => {
  const dir = tempDir('vermagic');
  try {
    const data = fs.readFileSync(BUGGY_KO);
    const at = data.indexOf('vermagic=6.1.0-56-amd64');
    assert.ok(at > 0);
    data.write('vermagic=6.1.0-99-amd64', at, 'latin1');
    const ko = put(path.join(dir, 'buggy.ko'), data);
    const log = fs.readFileSync(path.join(QEMU_LOGS, 'null_read.console.log'), 'utf8');
    const { frames, sym } = await symbolize(log, { modulePaths: [ko] });
    const f = frames.find((x) => x.frame.module === 'buggy')!;
    assert.equal(sym.results.get(f.key)!.ok, false);
    assert.equal(
      sym.results.get(f.key)!.error,
      "buggy.ko does not match this log: it is built for 6.1.0-99-amd64 (vermagic), the log's kernel is 6.1.0-56-amd64",
    );
    // The real file decodes the same frame.
    const real = await symbolize(log, { modulePaths: [BUGGY_KO] });
    assert.equal(real.sym.results.get(f.key)!.ok, true);
    assert.equal(debugFilesStatus(real.sym.files), null);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test(
  'a syzbot report of 6.4.0-syzkaller with a vmlinux whose banner says 6.1: rejected; with its own release: not for its release',
  {
    skip: noGcc,
  },
  async () => {
    const log = fs.readFileSync(path.join(SYZKALLER_REPORTS, '700'), 'latin1').replace(/\r/g, '');
    const release = releaseOf(analyzeText(log));
    assert.match(release ?? '', /^6\.4\.0-syzkaller/);
    const old = buildFixture('vmlinux-6.1', ['banner.c'], ['-g', '-O1', '-DRELEASE="6.1.0-56-amd64"']);
    assert.deepEqual(openDebugFile(old).kernelIdentity(), {
      release: '6.1.0-56-amd64',
      from: 'Linux version banner',
    });
    const { frames, sym } = await symbolize(log, { vmlinux: old });
    assert.equal(sym.files.vmlinux, null);
    const why = `it is built for 6.1.0-56-amd64 (Linux version banner), the log's kernel is ${release}`;
    assert.deepEqual(sym.files.rejected.vmlinux, { path: old, reason: why });
    assert.ok(sym.messages.includes(`${old} does not match the log: ${why}`), sym.messages.join('\n'));
    for (const f of frames) assert.match(sym.results.get(f.key)!.error ?? '', /does not match this log/);
    assert.match(
      debugFilesStatus(sym.files)!,
      /^debug files don't match this log: vmlinux-6\.1: it is built for 6\.1\.0-56-amd64/,
    );

    const own = buildFixture('vmlinux-own', ['banner.c'], ['-g', '-O1', `-DRELEASE="${release}"`]);
    assert.equal(identityMismatch(own, { arch: 'x86_64', release }), null);
    // The stand-in has none of the report's functions: only that, not its release, keeps it out.
    const ok = await symbolize(log, { vmlinux: own });
    assert.match(ok.sym.files.rejected.vmlinux.reason, /^\d+ of \d+ frames name a function it does not have/);
  },
);

test('nothing found at all: "no matching debug files"', async () => {
  const log = fs.existsSync(path.join(QEMU_LOGS, 'null_read.console.log'))
    ? fs.readFileSync(path.join(QEMU_LOGS, 'null_read.console.log'), 'utf8')
    : 'BUG: kernel NULL pointer dereference, address: 0000000000000000\nCall Trace:\n foo+0x1/0x2\n';
  const { sym } = await symbolize(log, {});
  assert.equal(debugFilesStatus(sym.files), 'no matching debug files');
});

test('symbols that disagree: a few frames stay undecoded with one line; most frames: the file is not used', async () => {
  const log = fs.readFileSync(path.join(QEMU_LOGS, 'null_read.console.log'), 'utf8');
  // One buggy frame printed with another size than buggy.ko's kallsyms size (0x60).
  const one = log.replace('buggy_dispatch+0x4d/0x60 [buggy]', 'buggy_dispatch+0x4d/0x70 [buggy]');
  const { frames, sym } = await symbolize(one, { modulePaths: [BUGGY_KO] });
  const buggy = frames.filter((f) => f.frame.module === 'buggy');
  const wrong = buggy.filter((f) => f.frame.function === 'buggy_dispatch');
  assert.equal(wrong.length, 1);
  assert.match(sym.results.get(wrong[0].key)!.error!, /^size mismatch for buggy_dispatch\+0x4d\/0x70/);
  for (const f of buggy) if (f !== wrong[0]) assert.equal(sym.results.get(f.key)!.ok, true, f.key);
  assert.deepEqual(
    sym.messages.filter((m) => m.includes('another size')),
    [
      `${BUGGY_KO}: 1 of ${buggy.length} frames name a function it does not have or has with another size (first: buggy_dispatch+0x4d/0x70 [buggy]): those frames stay undecoded`,
    ],
  );
  assert.deepEqual(sym.files.rejected, {});

  // Every buggy frame with another size: buggy.ko is of another build, none of its frames is decoded.
  const all = log.replace(/(buggy_\w+\+0x[0-9a-f]+\/0x)([0-9a-f]+)( \[buggy\])/g, '$1fff$3');
  const r = await symbolize(all, { modulePaths: [BUGGY_KO] });
  const reason = `${buggy.length} of ${buggy.length} frames name a function it does not have or has with another size (first: ${frameText(r.frames.find((f) => f.frame.module === 'buggy')!.frame)})`;
  assert.deepEqual(r.sym.files.rejected, { buggy: { path: BUGGY_KO, reason } });
  assert.deepEqual(r.sym.files.modules, {});
  assert.ok(
    r.sym.messages.includes(`${BUGGY_KO} does not match the log: ${reason}`),
    r.sym.messages.join('\n'),
  );
  for (const f of r.frames.filter((x) => x.frame.module === 'buggy'))
    assert.equal(r.sym.results.get(f.key)!.error, `buggy.ko does not match this log: ${reason}`);
});
