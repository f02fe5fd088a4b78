// CONFIG_KALLSYMS_LINEINFO frames (kernel/kallsyms.c __sprint_symbol appends ` (file:line)`): the kernel's
// printed line answers a frame when no debug file does; a debug file that matches still wins (inline levels,
// columns). Fixture: the example the LINEINFO patch series prints (test-fixtures/engine/events/lineinfo-sysrq.log).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fixture, QEMU_LOGS } from '../engine/fixtures';
import { BUGGY_KO, symbolizeText, tempDir } from './helpers';

const cacheDir = tempDir('cache');
after(() => fs.rmSync(cacheDir, { recursive: true, force: true }));

const symbolize = (text: string, modulePaths: string[] = []) =>
  symbolizeText(text, { modulePaths }, cacheDir);

test('no debug files: each LINEINFO frame is answered by the line the kernel printed', async () => {
  const { frames, sym } = await symbolize(fixture('events/lineinfo-sysrq.log'));
  assert.equal(frames.length, 14);
  for (const f of frames) {
    const r = sym.results.get(f.key)!;
    assert.ok(r.ok, `${f.frame.function}: ${r.error}`);
    assert.deepEqual(
      r.frames.map((l) => [l.function, l.file, l.line]),
      [[f.frame.function, f.frame.printedSource!.file, f.frame.printedSource!.line]],
    );
    assert.match(r.warning ?? '', /the one the kernel printed/);
  }
  const handler = frames.find((f) => f.frame.function === 'sysrq_handle_crash')!;
  assert.deepEqual(sym.results.get(handler.key)!.frames[0], {
    function: 'sysrq_handle_crash',
    file: 'drivers/tty/sysrq.c',
    line: 154,
    column: 0,
    discriminator: 0,
  });
});

test('a frame without a printed line still says why it has no source', async () => {
  const text = fixture('events/lineinfo-sysrq.log').replace(' (fs/read_write.c:686)', '');
  const { frames, sym } = await symbolize(text);
  const vfsWrite = frames.find((f) => f.frame.function === 'vfs_write')!;
  const r = sym.results.get(vfsWrite.key)!;
  assert.equal(r.ok, false);
  assert.ok(r.error);
});

test('a matching debug file wins over the printed line (real buggy.ko, x86_64 qemu log)', async () => {
  const log = fs
    .readFileSync(path.join(QEMU_LOGS, 'null_read.console.log'), 'utf8')
    .replace('buggy_dispatch+0x4d/0x60 [buggy]', 'buggy_dispatch+0x4d/0x60 [buggy] (printed/elsewhere.c:7)');
  const { frames, sym } = await symbolize(log, [BUGGY_KO]);
  const dispatch = frames.find((f) => f.frame.function === 'buggy_dispatch' && f.frame.printedSource)!;
  assert.deepEqual(dispatch.frame.printedSource, { file: 'printed/elsewhere.c', line: 7 });
  const r = sym.results.get(dispatch.key)!;
  assert.ok(r.ok, r.error);
  // decoded/null_read.truth.tsv: addr2line at the return address − 1 is buggy.c:236.
  assert.equal(path.basename(r.frames[r.frames.length - 1].file!), 'buggy.c');
  assert.equal(r.frames[r.frames.length - 1].line, 236);
  assert.equal(r.warning, undefined);
});
