// The file to blame, against syzkaller's guilty test data (test-fixtures/corpus/syzkaller/guilty/N: `FILE:` is
// the file syzkaller's extractGuiltyFile names, empty for none). Prints the rate; fails below the floor.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeText, buildBugReport, kernelRelativePath } from '../../src/engine';

const GUILTY = join(__dirname, '../../../test-fixtures/corpus/syzkaller/guilty');
const FLOOR = 0.95;

test('syzkaller guilty test data: the guilty file of the first event', (t) => {
  const misses: string[] = [];
  const names = readdirSync(GUILTY).sort((a, b) => Number(a) - Number(b));
  for (const name of names) {
    const raw = readFileSync(join(GUILTY, name), 'utf8');
    const want = /^FILE: ?(.*)$/m.exec(raw)![1].trim();
    const text = raw.slice(raw.indexOf('\n\n') + 2);
    const analysis = analyzeText(text);
    const index = analysis.events.findIndex((e) => e.severity !== 'information');
    const got = index < 0 ? '(no event)' : (buildBugReport(text, analysis, index).guiltyFile ?? '');
    if (got !== want) misses.push(`guilty/${name}: want ${want || '(none)'}, got ${got || '(none)'}`);
  }
  const rate = (names.length - misses.length) / names.length;
  t.diagnostic(`guilty files: ${names.length - misses.length}/${names.length} (${(rate * 100).toFixed(1)}%)`);
  for (const m of misses) t.diagnostic(m);
  assert.ok(names.length >= 40, `${names.length} cases`);
  assert.ok(rate >= FLOOR, `${rate} below ${FLOOR}:\n${misses.join('\n')}`);
});

test('kernelRelativePath: a build directory is cut, a path of its own is kept', () => {
  assert.equal(kernelRelativePath('debian/build/build_amd64_none_amd64/fs/proc/inode.c'), 'fs/proc/inode.c');
  assert.equal(kernelRelativePath('./net/ipv4/../ipv6/route.c'), 'net/ipv6/route.c');
  assert.equal(kernelRelativePath('driver/foo/lib/foo.c'), 'driver/foo/lib/foo.c');
  assert.equal(
    kernelRelativePath('/var/lib/dkms/buggy/1.0/build/buggy.c'),
    '/var/lib/dkms/buggy/1.0/build/buggy.c',
  );
});
