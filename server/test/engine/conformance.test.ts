// Conformance over real crash reports: syzkaller's corpus (expected titles) and the qemu captures of
// Debian's kernel. Prints the measured rates; fails below floors set from measured numbers (raise them
// as the engine improves, never lower them to make a change pass).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeText } from '../../src/engine';
import { loadSyzkallerCases, SYZKALLER_EXTRA_REPORTS } from './syzkaller-corpus';

const FLOORS = { detection: 0.993, titles: 0.97 };

test('syzkaller corpus: detection, negatives and titles', (t) => {
  const cases = loadSyzkallerCases();
  assert.ok(cases.length > 400, `the syzkaller corpus holds ${cases.length} cases`);
  let positives = 0;
  let detected = 0;
  let titled = 0;
  let negatives = 0;
  const negativeHits: string[] = [];
  for (const c of cases) {
    const events = analyzeText(c.log).events.filter((e) => e.severity !== 'information');
    if (c.titles.length === 0) {
      negatives++;
      if (events.length) negativeHits.push(`${c.name}: ${events[0].title}`);
      continue;
    }
    positives++;
    if (events.length) detected++;
    if (events.length && c.titles.includes(events[0].title)) titled++;
  }
  const detection = detected / positives;
  const titles = titled / positives;
  console.log(
    `syzkaller corpus: ${positives} reports, detection ${(100 * detection).toFixed(1)}% (${detected}), ` +
      `titles ${(100 * titles).toFixed(1)}% (${titled}), negatives with error/warning events ${negativeHits.length}/${negatives}`,
  );
  assert.deepEqual(negativeHits, [], 'negative cases must have no error/warning event');
  assert.ok(detection >= FLOORS.detection, `detection ${detection} below floor ${FLOORS.detection}`);
  assert.ok(titles >= FLOORS.titles, `titles ${titles} below floor ${FLOORS.titles}`);
});

// The newer reports picked for the forms they hold (rcu_tasks stalls, riscv dumps, …): each titled exactly.
test('syzkaller-extra corpus: every report has its TITLE or an ALT', () => {
  const cases = loadSyzkallerCases(SYZKALLER_EXTRA_REPORTS);
  assert.ok(cases.length >= 2);
  const wrong = cases
    .map((c) => {
      const [first] = analyzeText(c.log).events.filter((e) => e.severity !== 'information');
      return first && c.titles.includes(first.title) ? null : `${c.name}: ${first?.title ?? 'no event'}`;
    })
    .filter((w) => w !== null);
  assert.deepEqual(wrong, []);
});

// What each qemu scenario must produce as its first event (both arches, same module).
const QEMU_EXPECTED: Record<string, { kind: string; title: RegExp }> = {
  null_read: {
    kind: 'null-deref|arm-page-fault',
    title: /^BUG: unable to handle kernel NULL pointer dereference in buggy_null_read_level2$/,
  },
  init_null_read: {
    kind: 'arm-page-fault',
    title: /^BUG: unable to handle kernel NULL pointer dereference in buggy_null_read_level2$/,
  },
  null_write: {
    kind: 'null-deref|arm-page-fault',
    title: /^BUG: unable to handle kernel NULL pointer dereference in buggy_null_write$/,
  },
  null_wq: {
    kind: 'null-deref|arm-page-fault',
    title: /^BUG: unable to handle kernel NULL pointer dereference in buggy_work_fn$/,
  },
  inline: {
    kind: 'null-deref|arm-page-fault',
    title: /^BUG: unable to handle kernel NULL pointer dereference in buggy_inline$/,
  },
  bug_on: { kind: 'kernel-bug', title: /^kernel BUG in buggy_bug_on$/ },
  warn_on: { kind: 'warning', title: /^WARNING in buggy_warn_on$/ },
  warn_timer: { kind: 'warning', title: /^WARNING in buggy_timer_fn$/ },
  gpf: {
    kind: 'gpf|arm-page-fault',
    title: /^(general protection fault|BUG: unable to handle kernel paging request) in buggy_gpf$/,
  },
  gpf_moffs: { kind: 'gpf', title: /^general protection fault in buggy_gpf_moffs$/ },
  list_corrupt: { kind: 'list-corruption', title: /^BUG: corrupted list in buggy_list_corrupt$/ },
  softlockup: { kind: 'soft-lockup', title: /^BUG: soft lockup in proc_reg_write$/ },
  hung: { kind: 'hung-task', title: /^INFO: task hung in buggy_(dispatch|hung)$/ },
  panic: { kind: 'panic', title: /^kernel panic: buggy: explicit panic requested via \/proc\/buggy$/ },
  oom: { kind: 'oom-kill', title: /^Out of memory: Killed process \(dd\)$/ },
  sysrq_c: { kind: 'panic', title: /^kernel panic: sysrq triggered crash$/ },
};

for (const arch of ['qemu', 'qemu-arm64']) {
  const dir = join(__dirname, '../../../test-fixtures/corpus', arch, 'logs');
  test(`${arch} corpus: every scenario's first event`, (t) => {
    let checked = 0;
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.console.log'))) {
      const scenario = file.replace('.console.log', '');
      const expected = QEMU_EXPECTED[scenario];
      if (!expected) continue;
      const events = analyzeText(readFileSync(join(dir, file), 'utf8')).events;
      assert.ok(events.length > 0, `${file}: no event`);
      assert.match(events[0].kind, new RegExp(`^(${expected.kind})$`), `${file}: kind`);
      assert.match(events[0].title, expected.title, `${file}: title`);
      checked++;
    }
    console.log(`${arch}: ${checked} scenarios checked`);
    assert.ok(checked >= 13);
  });
}
