// The file to blame, against syzkaller's guilty test data (test-fixtures/corpus/syzkaller/guilty/N: `FILE:` is
// the file syzkaller's extractGuiltyFile names, empty for none). Prints the rate; fails below the floor.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeText, buildBugReport, firstFileLine, kernelRelativePath } from '../../src/engine';

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

test(
  'file:line found in one pass, as syzkaller’s filenameRe finds it, and a long run of path characters costs no time',
  { timeout: 60_000 },
  () => {
    // The oracle is syzkaller's regular expression itself, on every line where it is fast (short lines).
    const FILENAME_RE = /[a-zA-Z0-9_\-./]*[a-zA-Z0-9_-]+\.[ch]:[0-9]+/;
    const dirs = [GUILTY, join(GUILTY, '../report')];
    let lines = 0;
    let found = 0;
    for (const dir of dirs)
      for (const name of readdirSync(dir))
        for (const line of readFileSync(join(dir, name), 'utf8').split('\n')) {
          if (line.length > 400) continue;
          lines++;
          const want = FILENAME_RE.exec(line)?.[0] ?? null;
          if (want) found++;
          assert.equal(firstFileLine(line), want, line);
        }
    assert.ok(lines > 40_000 && found > 1_500, `${lines} lines, ${found} with a file:line`);
    for (const line of [
      'x.c:',
      'a/.c:1',
      '.c:1',
      'foo.cc:12 bar.h:7',
      'a.b.c.h:9x',
      '-_./x.c:0:1',
      'ab.c:1.c:2',
    ])
      assert.equal(firstFileLine(line), FILENAME_RE.exec(line)?.[0] ?? null, line);
    // syzkaller report 140 prints an 8,319-character hex string: the regular expression backtracks on it for
    // minutes; a longer one here, and the report of that log, must come back at once (a hang fails the run).
    assert.equal(firstFileLine(`"${'b13b9bdbc8ff4c49'.repeat(20_000)}"`), null);
    const report = readFileSync(join(GUILTY, '../report/140'), 'utf8');
    const text = report.slice(report.indexOf('\n\n') + 2);
    const analysis = analyzeText(text);
    assert.equal(analysis.events[0].title, 'WARNING in strp_data_ready');
    assert.ok(buildBugReport(text, analysis, 0, {}).title, 'the report is built');
  },
);
