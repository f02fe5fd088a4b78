// file:line references in real logs: a WARNING's build path in the qemu capture, every symbolized frame of
// syzkaller's guilty-file reports (checked against a whitespace split of the frame line), and text that
// only looks close (timestamps, PCI addresses, URLs, versions).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { findSourceReferences, splitLines } from '../../src/engine';
import { QEMU_LOGS, lineOf } from './fixtures';
import { SYZKALLER_REPORTS } from './syzkaller-corpus';

const GUILTY = join(SYZKALLER_REPORTS, '../guilty');
const textOf = (lines: string[], r: { span: { line: number; start: number; end: number } }) =>
  lines[r.span.line].slice(r.span.start, r.span.end);

test("a WARNING's `at <build path>:<line>` in a real CRLF serial capture", () => {
  const log = readFileSync(join(QEMU_LOGS, 'warn_on.console.log'), 'utf8');
  const lines = splitLines(log);
  const header = lineOf(log, 'WARNING: CPU: 0 PID: 115 at');
  const refs = findSourceReferences(log).filter((r) => r.span.line === header);
  assert.equal(refs.length, 1);
  assert.equal(refs[0].path, '/var/lib/dkms/buggy/1.0/build/buggy.c');
  assert.equal(refs[0].line, 84);
  assert.equal(textOf(lines, refs[0]), '/var/lib/dkms/buggy/1.0/build/buggy.c:84');
});

test('every symbolized frame of the syzkaller guilty-file reports', () => {
  const files = readdirSync(GUILTY);
  assert.ok(files.length > 40);
  let frames = 0;
  for (const name of files) {
    const text = readFileSync(join(GUILTY, name), 'utf8');
    const lines = splitLines(text);
    const refs = findSourceReferences(text);
    const byLine = new Map(refs.map((r) => [r.span.line, r]));
    lines.forEach((line, n) => {
      // ` func+0x1/0x2 path/file.c:123` and ` func path/file.c:123 [inline]`: the last path-like token.
      if (!/^ (?:\? )?[\w.]+(?:\+0x[0-9a-f]+\/0x[0-9a-f]+)? \S+\.[chS]:\d+(?: \[inline\])?$/.test(line))
        return;
      frames++;
      const token = line.split(' ').filter((t) => /:\d+$/.test(t))[0];
      const ref = byLine.get(n);
      assert.ok(ref, `guilty/${name}:${n + 1}: ${line}`);
      assert.equal(textOf(lines, ref), token);
      assert.equal(`${ref.path}:${ref.line}`, token);
    });
  }
  assert.ok(frames > 500, `${frames} frames`);
});

test('kernel BUG at, KASAN and RIP lines; columns; nothing in look-alikes', () => {
  const text = [
    'kernel BUG at mm/slub.c:412!',
    'BUG: KASAN: use-after-free in sock_def_readable+0x3d/0x40 net/core/sock.c:3312',
    'RIP: 0010:__lock_acquire+0x10e5/0x3690 kernel/locking/lockdep.c:3344',
    'drivers/gpu/drm/foo.c:10:5: warning: unused variable',
    '[   72.159680] pci 0000:00:03.0: [8086:100e] type 00 class 0x020000',
    'console output: https://syzkaller.appspot.com/x/log.txt?x=15',
    'Hardware name: QEMU Standard PC (i440FX + PIIX, 1996), BIOS 1.16.2-debian-1.16.2-1 04/01/2014',
    'libfoo.so.6:12 version 1.2.3:45 x.c:0',
  ].join('\n');
  const refs = findSourceReferences(text).map((r) => [r.span.line, r.path, r.line, r.column]);
  assert.deepEqual(refs, [
    [0, 'mm/slub.c', 412, null],
    [1, 'net/core/sock.c', 3312, null],
    [2, 'kernel/locking/lockdep.c', 3344, null],
    [3, 'drivers/gpu/drm/foo.c', 10, 5],
  ]);
  assert.equal(findSourceReferences('a.c:1 b.c:2 c.c:3', 2).length, 2, 'the cap holds');
});
