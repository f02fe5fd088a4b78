// The one module file-name rule (moduleFileName), and a Symbolizer given a `.ko.debug` copy finds its module.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { moduleFileName, symbolizeFrames } from '../../src/engine/symbolize';
import { CORPUS } from './helpers';

test('moduleFileName: <module>.ko[.debug][.xz|.zst|.gz], - and _ alike; anything else is no module file', () => {
  const cases: [string, ReturnType<typeof moduleFileName>][] = [
    ['buggy.ko', { module: 'buggy', compression: null }],
    ['/lib/modules/6.1.0/kernel/sound/snd-hda-intel.ko.xz', { module: 'snd_hda_intel', compression: 'xz' }],
    ['ext4.ko.zst', { module: 'ext4', compression: 'zst' }],
    ['/usr/lib/debug/lib/modules/6.1.0/kernel/fs/xfs.ko.debug', { module: 'xfs', compression: null }],
    ['nf-tables.ko.debug.gz', { module: 'nf_tables', compression: 'gz' }],
    ['vmlinux', null],
    ['buggy.o', null],
    ['buggy.ko.bak', null],
    ['buggy.ko.bz2', null],
    ['.ko', null],
  ];
  for (const [file, want] of cases) assert.deepEqual(moduleFileName(file), want, file);
});

test('a module given as <module>.ko.debug is that module to the symbolizer', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kol-ko-debug-'));
  try {
    const debugCopy = join(dir, 'buggy.ko.debug');
    copyFileSync(join(CORPUS, 'qemu/module/buggy.ko'), debugCopy);
    const frame = {
      function: 'buggy_null_read_level1',
      offset: 0x10,
      size: null,
      module: 'buggy',
      address: null,
      isReturnAddress: false,
    };
    const [viaDebugCopy] = symbolizeFrames([frame], { modules: [debugCopy] });
    const [viaKo] = symbolizeFrames([frame], { modules: [join(CORPUS, 'qemu/module/buggy.ko')] });
    assert.equal(viaKo.ok, true, viaKo.error);
    assert.equal(viaDebugCopy.ok, true, viaDebugCopy.error);
    assert.deepEqual(viaDebugCopy.frames, viaKo.frames);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
