// The real Debian-kernel crash corpus: every buggy.ko frame (x86_64 and arm64) must equal the ground truth
// (binutils addr2line with -j <section>, at the address and at the return-address adjustment), and
// the same for every vmlinux frame when the -dbg vmlinux is available (opt-in, see below).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openDebugFile } from '../../src/engine/symbolize';
import { checkTruthFiles, CORPUS } from './helpers';

const X86 = CORPUS + 'qemu';
const ARM64 = CORPUS + 'qemu-arm64';

for (const [label, dir, buildId] of [
  ['x86_64', X86, '00d2fee826fcbaa2596c568f6b279a37ccdc20b5'],
  ['arm64', ARM64, 'bd1edec4914389ab5509a54a5981a2a31739bb7b'],
] as const) {
  const ko = `${dir}/module/buggy.ko`;
  test(`${label} buggy.ko: every module frame equals the ground truth`, (t) => {
    const df = openDebugFile(ko);
    assert.equal(df.buildId, buildId);
    const r = checkTruthFiles(dir, 'buggy', df);
    t.diagnostic(
      `${label} module frames: ${r.checked - r.failures.length}/${r.checked} lookups agree with the truth`,
    );
    assert.ok(r.checked > 60, `only ${r.checked} module lookups`);
    assert.deepEqual(r.failures, []);
  });
}

// Opt-in: OOPS_LENS_VMLINUX=/path/to/vmlinux-6.1.0-56-amd64 (Debian linux-image-6.1.0-56-amd64-dbg,
// see test-fixtures/corpus/qemu/README.md), OOPS_LENS_VMLINUX_ARM64=/path/to/vmlinux-6.1.0-56-arm64.
for (const [label, dir, env] of [
  ['x86_64', X86, 'OOPS_LENS_VMLINUX'],
  ['arm64', ARM64, 'OOPS_LENS_VMLINUX_ARM64'],
] as const) {
  const path = process.env[env];
  const skip = path
    ? false
    : `set ${env}=/path/to/vmlinux (Debian -dbg package) to check every vmlinux frame`;
  test(`${label} vmlinux: every vmlinux frame equals the ground truth`, { skip }, (t) => {
    const df = openDebugFile(path!);
    const r = checkTruthFiles(dir, 'vmlinux', df);
    t.diagnostic(
      `${label} vmlinux frames: ${r.checked - r.failures.length}/${r.checked} lookups agree with the truth`,
    );
    assert.ok(r.checked > 100);
    assert.deepEqual(r.failures, []);
  });
}
