// Build ids count only where the kernel prints them (CONFIG_STACKTRACE_BUILD_ID): `[mod <40 hex>]` after a
// module frame (kernel/kallsyms.c ` %20phN`) and vmlinux's at the end of the CPU line (lib/dump_stack.c).
// Text that merely looks like one (`[vmlinux 0123456789abcdef]`) never rejects a debug file, and a log that
// prints two build ids for one object says so in one line.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeText } from '../../src/engine';
import { printedBuildIds } from '../../src/engine/debugfiles';
import { openDebugFile } from '../../src/engine/symbolize';
import { QEMU_LOGS } from '../engine/fixtures';
import { buildFixture, hasTool } from '../symbolize/helpers';
import { BUGGY_BUILD_ID, BUGGY_KO, symbolizeText, tempDir } from './helpers';

const noGcc = hasTool('gcc') ? false : 'gcc missing';
const cacheDir = tempDir('cache');
after(() => fs.rmSync(cacheDir, { recursive: true, force: true }));

// The console capture ends its lines with CRLF; LF keeps the edits below simple.
const QEMU_LOG = fs.readFileSync(path.join(QEMU_LOGS, 'null_read.console.log'), 'utf8').replace(/\r/g, '');
/** The stand-in vmlinux and its one kernel-like function (virtqueue_add) with its kallsyms size. */
const VMLINUX = noGcc ? null : fakeVmlinux();
// The real log with its vmlinux trace entries renamed to the stand-in's function at its size, so that the
// stand-in agrees with every vmlinux frame (a file that disagrees with them is rejected for that alone).
const LOG = QEMU_LOG.replace(
  /^(\[ *[\d.]+\] {2}(?:\? )?)[\w.]+\+0x[0-9a-f]+\/0x[0-9a-f]+$/gm,
  `$1virtqueue_add+0x4/0x${(VMLINUX?.size ?? 0).toString(16)}`,
);
const CPU_LINE = 'Tainted: G           OE      6.1.0-56-amd64 #1  Debian 6.1.192-2';
const OTHER_ID = 'ab'.repeat(20);

/** The log with `suffix` appended to the first line that ends with `end`. */
function withSuffix(log: string, end: string, suffix: string): string {
  const at = log.indexOf(`${end}\n`);
  assert.ok(at >= 0, `no line ends with ${end}`);
  return log.slice(0, at + end.length) + suffix + log.slice(at + end.length);
}

const symbolize = (text: string, settings: Parameters<typeof symbolizeText>[1]) =>
  symbolizeText(text, settings, cacheDir);

/** A vmlinux stand-in with the release of the x86_64 qemu logs (its `Linux version` banner) and a build id. */
function fakeVmlinux(): { file: string; id: string; size: number } {
  const file = buildFixture('vmlinux-qemu', ['banner.c'], ['-g', '-O1', '-DRELEASE="6.1.0-56-amd64"']);
  const df = openDebugFile(file);
  assert.match(df.buildId ?? '', /^[0-9a-f]{40}$/, 'gcc links with a sha1 build id');
  const size = df.lookupSymbol('virtqueue_add', 4).symbol?.size;
  assert.ok(size && size > 4, 'virtqueue_add is in the stand-in');
  return { file, id: df.buildId!, size };
}

test('the CPU line ends with vmlinux build id: read as the kernel build id, not as part of the version', () => {
  const id = '0123456789abcdef0123456789abcdef01234567';
  for (const tail of [`#1  Debian 6.1.192-2 ${id}`, `#1 PREEMPT(full)  ${id}`, `#1 ${id}`]) {
    const e = analyzeText(
      `BUG: kernel NULL pointer dereference, address: 0000000000000010\nCPU: 0 PID: 1 Comm: init Not tainted 6.15.0 ${tail}\n`,
    ).events[0];
    assert.equal(e.kernelBuildId, id, tail);
    assert.equal(e.release, '6.15.0');
  }
  const plain = analyzeText(QEMU_LOG).events.find((e) => e.cpuLine !== null)!;
  assert.equal(plain.kernelBuildId, null);
  // Not 40 digits: no build id (the kernel prints exactly 20 bytes).
  const short = analyzeText(
    'BUG: kernel NULL pointer dereference, address: 0000000000000010\nCPU: 0 PID: 1 Comm: init Not tainted 6.15.0 #1 0123456789abcdef\n',
  ).events[0];
  assert.equal(short.kernelBuildId, null);
});

test(
  '`[vmlinux 0123456789abcdef]` and `[buggy 0123456789abcdef]` in frames are no build ids: both files are used',
  { skip: noGcc },
  async () => {
    const vmlinux = VMLINUX!;
    const log = withSuffix(
      LOG,
      ` virtqueue_add+0x4/0x${vmlinux.size.toString(16)}`,
      ' [vmlinux 0123456789abcdef]',
    ).replace('buggy_dispatch+0x4d/0x60 [buggy]\n', 'buggy_dispatch+0x4d/0x60 [buggy 0123456789abcdef]\n');
    const { frames, sym } = await symbolize(log, { vmlinux: vmlinux.file, modulePaths: [BUGGY_KO] });
    assert.deepEqual(printedBuildIds(frames), new Map());
    assert.equal(sym.files.vmlinux?.path, vmlinux.file);
    assert.equal(sym.files.modules.buggy?.path, BUGGY_KO);
    assert.deepEqual(sym.files.rejected, {});
    assert.deepEqual(
      sym.messages.filter((m) => /build id/.test(m)),
      [],
    );
    const dispatch = frames.find((f) => f.frame.function === 'buggy_dispatch')!;
    assert.equal(dispatch.frame.module, 'buggy');
    assert.equal(sym.results.get(dispatch.key)!.ok, true);
  },
);

test(
  'the build ids the kernel prints are checked: the CPU line for vmlinux, `[buggy <id>]` for the module',
  { skip: noGcc },
  async () => {
    const vmlinux = VMLINUX!;
    const settings = { vmlinux: vmlinux.file, modulePaths: [BUGGY_KO] };
    const right = withSuffix(LOG, CPU_LINE, ` ${vmlinux.id}`).replace(
      'buggy_dispatch+0x4d/0x60 [buggy]\n',
      `buggy_dispatch+0x4d/0x60 [buggy ${BUGGY_BUILD_ID}]\n`,
    );
    const ok = await symbolize(right, settings);
    assert.deepEqual(
      printedBuildIds(ok.frames),
      new Map([
        ['vmlinux', [vmlinux.id]],
        ['buggy', [BUGGY_BUILD_ID]],
      ]),
    );
    assert.equal(ok.sym.files.vmlinux?.path, vmlinux.file);
    assert.equal(ok.sym.files.modules.buggy?.path, BUGGY_KO);

    const wrong = withSuffix(LOG, CPU_LINE, ` ${OTHER_ID}`);
    const bad = await symbolize(wrong, settings);
    assert.equal(bad.sym.files.vmlinux, null);
    assert.deepEqual(
      bad.sym.messages.filter((m) => /build id/.test(m)),
      [
        `${vmlinux.file} does not match the log: its build id is ${vmlinux.id}, the log prints ${OTHER_ID} for vmlinux`,
      ],
    );
    assert.equal(bad.sym.files.modules.buggy?.path, BUGGY_KO, 'the module is not concerned');
  },
);

test(
  'two build ids for one object: one line says so; a file with one of them is used, others are not',
  { skip: noGcc },
  async () => {
    const vmlinux = VMLINUX!;
    const settings = { vmlinux: vmlinux.file, modulePaths: [BUGGY_KO] };
    // Two reports: the first CPU line with the file's id, the second (appended) with another kernel's.
    const second = withSuffix(LOG, CPU_LINE, ` ${OTHER_ID}`);
    const first = withSuffix(LOG, CPU_LINE, ` ${vmlinux.id}`);
    const twoKernels = `${first}\n${second}`;
    const { sym } = await symbolize(twoKernels, settings);
    const conflict = `the log prints 2 different build ids for vmlinux (${vmlinux.id}, ${OTHER_ID}): a debug file for it must have one of them`;
    assert.deepEqual(
      sym.messages.filter((m) => /build id/.test(m)),
      [conflict],
    );
    assert.equal(sym.files.vmlinux?.path, vmlinux.file);

    const neither = `${withSuffix(LOG, CPU_LINE, ` ${'cd'.repeat(20)}`)}\n${second}`;
    const r = await symbolize(neither, settings);
    assert.equal(r.sym.files.vmlinux, null);
    assert.deepEqual(
      r.sym.messages.filter((m) => /build id/.test(m)),
      [
        `the log prints 2 different build ids for vmlinux (${'cd'.repeat(20)}, ${OTHER_ID}): a debug file for it must have one of them`,
        `${vmlinux.file} does not match the log: its build id is ${vmlinux.id}, the log prints ${'cd'.repeat(20)} or ${OTHER_ID} for vmlinux`,
      ],
    );

    // The same for a module: two `[buggy <id>]` frames with different ids.
    const mod = LOG.replace(
      'buggy_null_read+0x1d/0x29 [buggy]\n',
      `buggy_null_read+0x1d/0x29 [buggy ${OTHER_ID}]\n`,
    ).replace('buggy_dispatch+0x4d/0x60 [buggy]\n', `buggy_dispatch+0x4d/0x60 [buggy ${BUGGY_BUILD_ID}]\n`);
    const m = await symbolize(mod, settings);
    assert.deepEqual(
      m.sym.messages.filter((x) => /build id/.test(x)),
      [
        `the log prints 2 different build ids for buggy (${OTHER_ID}, ${BUGGY_BUILD_ID}): a debug file for it must have one of them`,
      ],
    );
    assert.equal(m.sym.files.modules.buggy?.path, BUGGY_KO);
  },
);
