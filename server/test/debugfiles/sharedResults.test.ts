// Frames of an object without a usable debug file share one result (Symbolizer: a 100 MB log decoded
// without debug files has some 50,000 frames, each once holding its own copy), so results are never
// changed in place: a memory fault's faulting access goes on a copy of its frame's result, never onto the
// frames that share it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BUGGY_KO, QEMU, symbolizeText, tempDir } from './helpers';

const LOG = fs.readFileSync(path.join(QEMU, 'logs/null_write.console.log'), 'utf8');

test('without debug files: one shared result per object, the faulting access only on its own frame', async () => {
  const cache = tempDir('shared');
  try {
    const { frames, sym } = await symbolizeText(LOG, {}, cache);
    const fault = frames.filter((f) => f.fault);
    assert.equal(fault.length, 1, 'null_write has one memory fault');
    assert.ok(frames.length > 10);
    for (const f of frames) assert.equal(sym.results.get(f.key)?.ok, false, f.key);
    const ofObject = (module: string | null) =>
      frames.filter((f) => !f.fault && f.frame.function && f.frame.module === module);
    for (const module of [null, 'buggy']) {
      const shared = new Set(ofObject(module).map((f) => sym.results.get(f.key)));
      assert.ok(ofObject(module).length > 0, `frames of ${module ?? 'vmlinux'}`);
      assert.equal(shared.size, 1, `${module ?? 'vmlinux'}: one result object for all its frames`);
    }
    const own = sym.results.get(fault[0].key)!;
    assert.ok(own.access?.summary, 'the fault frame says what its instruction accessed');
    const others = frames.filter((f) => f !== fault[0]).map((f) => sym.results.get(f.key)!);
    assert.ok(!others.includes(own), 'the fault frame has a result of its own');
    assert.deepEqual(
      others.filter((r) => r.access !== undefined),
      [],
      'no other frame carries the faulting access',
    );
  } finally {
    fs.rmSync(cache, { recursive: true, force: true });
  }
});

test('with buggy.ko only: vmlinux frames share a result, buggy frames are resolved each', async () => {
  const cache = tempDir('shared');
  try {
    const { frames, sym } = await symbolizeText(LOG, { modulePaths: [BUGGY_KO] }, cache);
    const vmlinux = frames.filter((f) => !f.fault && f.frame.function && !f.frame.module);
    assert.equal(new Set(vmlinux.map((f) => sym.results.get(f.key))).size, 1);
    const buggy = frames.filter((f) => f.frame.module === 'buggy').map((f) => sym.results.get(f.key)!);
    assert.ok(buggy.length > 0 && buggy.every((r) => r.ok && r.frames.length > 0));
    const fault = frames.find((f) => f.fault)!;
    assert.ok(sym.results.get(fault.key)?.access?.summary);
    assert.equal(
      vmlinux.filter((f) => sym.results.get(f.key)?.access !== undefined).length,
      0,
      'the faulting access stays on the fault frame',
    );
  } finally {
    fs.rmSync(cache, { recursive: true, force: true });
  }
});
