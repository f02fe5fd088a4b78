// `oops-lens triage` on the real corpora. The qemu logs of buggy.ko, copied as three test runs, group by
// crash site: with --by frames each group's first frame is the function the corpus' ground truth
// (addr2line on the real module, decoded/*.truth.tsv) puts at the faulting IP, logs of one site share a
// group and logs of different sites never do. By title, every log's crash is one group counted once per run,
// newest run first; consequences (the panic an oops ends in) are left out unless --all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { moduleTruth } from '../symbolize-lsp/truth';

const ROOT = join(__dirname, '../..');
const CLI = join(ROOT, 'dist/cli.js');
const QEMU = join(ROOT, 'test-fixtures/corpus/qemu');

function run(args: string[]): SpawnSyncReturns<string> {
  assert.ok(existsSync(CLI), 'dist/cli.js is missing: run `npm run build` first');
  return spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
}

interface Group {
  signature: string;
  count: number;
  logs: number;
  title: string;
  culprit: string | null;
  first: { file: string; line: number };
  last: { file: string; line: number };
  releases: string[];
}
interface TriageJson {
  by: string;
  logs: number;
  events: number;
  consequences: number;
  skipped: string[];
  groups: Group[];
}

const LOGS = readdirSync(join(QEMU, 'logs')).filter((f) => f.endsWith('.console.log'));
/** The function at the faulting IP of each log whose IP is in buggy.ko, from the ground truth. */
const IP_TRUTH = new Map(
  LOGS.flatMap((log) => {
    const tsv = join(QEMU, 'decoded', log.replace('.console.log', '.truth.tsv'));
    if (!existsSync(tsv)) return [];
    const rip = readFileSync(tsv, 'utf8')
      .split('\n')
      .map((l) => l.split('\t'))
      .find((c) => c[1] === 'RIP' && c[5] === 'buggy');
    return rip ? [[log, rip[2]] as const] : [];
  }),
);

/** run1/, run2/, run3/ each holding every qemu log, run3 the newest; plus the module (a binary to skip). */
function farm(): string {
  const dir = mkdtempSync(join(tmpdir(), 'oops-lens-triage-'));
  ['run1', 'run2', 'run3'].forEach((r, i) => {
    mkdirSync(join(dir, r));
    for (const log of LOGS) {
      copyFileSync(join(QEMU, 'logs', log), join(dir, r, log));
      const t = new Date(Date.UTC(2026, 0, 1 + i));
      utimesSync(join(dir, r, log), t, t);
    }
  });
  copyFileSync(join(QEMU, 'module/buggy.ko'), join(dir, 'run1/buggy.ko'));
  return dir;
}

function triage(args: string[]): TriageJson {
  const r = run(['triage', '--json', ...args]);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as TriageJson;
}

test('the truth names a crash site for most qemu logs', () => {
  assert.ok(IP_TRUTH.size >= 8, `${IP_TRUTH.size} logs with a buggy.ko RIP`);
});

test('--by frames: the qemu logs of buggy.ko group by crash site (ground truth), once per run', () => {
  const dir = farm();
  const out = triage(['--by', 'frames', dir]);
  assert.equal(out.logs, LOGS.length * 3);
  assert.deepEqual(
    out.skipped.map((s) => s.replace(dir, '')),
    ['/run1/buggy.ko: binary, not a log'],
  );
  const groupOf = (log: string) =>
    out.groups.filter((g) => g.first.file.endsWith(`/run1/${log}`) || g.last.file.endsWith(`/run3/${log}`));
  const siteGroup = new Map<string, Group>();
  for (const [log, fn] of IP_TRUTH) {
    const g = out.groups.find((x) => x.signature.startsWith(`${fn} [buggy]`));
    assert.ok(
      g,
      `${log}: no group for the crash site ${fn}: ${out.groups.map((x) => x.signature).join(' | ')}`,
    );
    assert.ok(groupOf(log).includes(g), `${log} is not in the group of ${fn}`);
    assert.equal(g.count % 3, 0, `${fn}: counted ${g.count} times in 3 runs`);
    const other = siteGroup.get(g.signature);
    if (other) assert.equal(other, g);
    siteGroup.set(g.signature, g);
  }
  // Different sites, different groups.
  const sites = new Set(IP_TRUTH.values());
  const groups = new Set(
    [...IP_TRUTH.values()].map((fn) => out.groups.find((x) => x.signature.startsWith(`${fn} [buggy]`))),
  );
  assert.equal(groups.size, sites.size);
});

test('--by title: one group per crash title, counted once per run, newest first, releases, first and last', () => {
  const dir = farm();
  // One more log, newer than all: its crash comes first.
  mkdirSync(join(dir, 'run4'));
  copyFileSync(join(QEMU, 'logs/null_read.console.log'), join(dir, 'run4/late.log'));
  const out = triage([dir]);
  const analyzed = JSON.parse(
    run(['analyze', '--json', ...LOGS.map((l) => join(QEMU, 'logs', l))]).stdout,
  ) as {
    events: { title: string; consequenceOf: number | null; release: string | null }[];
  }[];
  const titles = new Map<string, number>();
  const releases = new Map<string, Set<string>>();
  let consequences = 0;
  for (const f of analyzed)
    for (const e of f.events) {
      if (e.consequenceOf !== null) {
        consequences++;
        continue;
      }
      titles.set(e.title, (titles.get(e.title) ?? 0) + 1);
      if (!releases.has(e.title)) releases.set(e.title, new Set());
      if (e.release) releases.get(e.title)!.add(e.release);
    }
  assert.deepEqual(out.groups.map((g) => g.title).sort(), [...titles.keys()].sort());
  for (const g of out.groups) {
    const extra = g.title === out.groups[0].title ? 1 : 0;
    assert.equal(g.count, titles.get(g.title)! * 3 + extra, g.title);
    assert.match(g.first.file, /\/run1\//, g.title);
    assert.deepEqual(g.releases, [...releases.get(g.title)!].sort(), g.title);
  }
  assert.equal(out.consequences, consequences * 3);
  assert.ok(out.groups.some((g) => g.releases.includes('6.1.0-56-amd64')));
  assert.equal(out.groups[0].last.file, join(dir, 'run4/late.log'));
  const nullRead = JSON.parse(run(['analyze', '--json', join(QEMU, 'logs/null_read.console.log')]).stdout)[0]
    .events[0];
  assert.equal(out.groups[0].title, nullRead.title);
  assert.equal(out.groups[0].culprit, nullRead.guiltyFrame);
  // --all counts the consequences too.
  const all = triage(['--all', dir]);
  assert.equal(
    all.groups.reduce((n, g) => n + g.count, 0),
    out.groups.reduce((n, g) => n + g.count, 0) + consequences * 3,
  );
});

test('text output: one row per group with its count, and a summary line', () => {
  const dir = farm();
  const r = run(['triage', dir]);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trimEnd().split('\n');
  const json = triage([dir]);
  assert.equal(lines.length, json.groups.length + 1);
  json.groups.forEach((g, i) => {
    assert.match(lines[i], new RegExp(`^ *${g.count}  `));
    assert.ok(lines[i].includes(g.title), lines[i]);
  });
  assert.match(
    lines.at(-1)!,
    new RegExp(`^${json.groups.length} groups of ${json.events} events in ${json.logs} logs, `),
  );
});

test('bad usage and unreadable inputs', () => {
  for (const args of [[], ['--by', 'stack', QEMU], ['--frames', '0', QEMU], ['--frobnicate', QEMU]]) {
    const r = run(['triage', ...args]);
    assert.equal(r.status, 2, JSON.stringify(args));
    assert.match(r.stderr, /^oops-lens: /);
  }
  const dir = mkdtempSync(join(tmpdir(), 'oops-lens-triage-'));
  writeFileSync(join(dir, 'empty.log'), '');
  const out = triage([dir, join(dir, 'missing.log')]);
  assert.equal(out.logs, 1);
  assert.equal(out.groups.length, 0);
  assert.match(out.skipped.join('\n'), /missing\.log: /);
});

test('a log with console NULs near its start is triaged; a compressed log beside it is skipped', () => {
  const dir = mkdtempSync(join(tmpdir(), 'oops-lens-triage-nul-'));
  const report = readFileSync(join(ROOT, 'test-fixtures/corpus/syzkaller/report/620'));
  assert.ok(report.subarray(0, 8192).includes(0));
  writeFileSync(join(dir, '620.log'), report);
  writeFileSync(
    join(dir, 'null_read.log.gz'),
    gzipSync(readFileSync(join(QEMU, 'logs/null_read.console.log'))),
  );
  const out = triage([dir]);
  assert.equal(out.logs, 1);
  assert.deepEqual(
    out.skipped.map((s) => s.replace(dir, '')),
    ['/null_read.log.gz: binary, not a log'],
  );
  assert.ok(out.events > 0 && out.groups.some((g) => g.first.file.endsWith('620.log')));
});

// With debug files every frame is decoded and each group names its culprit's source line: buggy.ko's
// culprits against the ground truth (addr2line on the real module, innermost inline level first).
const VMLINUX = process.env.OOPS_LENS_VMLINUX;
interface DecodedTriage extends TriageJson {
  frames: number;
  decoded: number;
  groups: (Group & { culpritSource: string | null })[];
}

test('triage --modules: every buggy.ko culprit names the ground truth source line', () => {
  const r = run(['triage', '--json', join(QEMU, 'logs'), '--modules', join(QEMU, 'module')]);
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as DecodedTriage;
  assert.ok(out.frames > 0 && out.decoded > 0, `${out.decoded} of ${out.frames}`);
  const truth = moduleTruth();
  let checked = 0;
  for (const g of out.groups) {
    if (!g.culprit?.endsWith(' [buggy]')) continue;
    const token = g.culprit.slice(0, -' [buggy]'.length);
    const log = g.first.file.split('/').pop()!.replace('.console.log', '');
    const wants = truth.filter((t) => t.log === log && t.token === token).map((t) => t.want[0]);
    if (wants.length === 0) continue;
    assert.ok(
      wants.some((w) => g.culpritSource?.endsWith(`${w.file.split('/').pop()}:${w.line}`)),
      `${log} ${token}: ${g.culpritSource}, truth ${wants.map((w) => `${w.file}:${w.line}`).join(' or ')}`,
    );
    checked++;
  }
  assert.ok(checked >= 8, `${checked} culprits checked`);
});

test(
  'triage --vmlinux --modules: the vmlinux frames decoded too (opt-in: OOPS_LENS_VMLINUX)',
  { skip: VMLINUX && existsSync(VMLINUX) ? false : 'OOPS_LENS_VMLINUX not set' },
  () => {
    const modulesOnly = JSON.parse(
      run(['triage', '--json', join(QEMU, 'logs'), '--modules', join(QEMU, 'module')]).stdout,
    ) as DecodedTriage;
    const r = run([
      'triage',
      '--json',
      join(QEMU, 'logs'),
      '--vmlinux',
      VMLINUX!,
      '--modules',
      join(QEMU, 'module'),
    ]);
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as DecodedTriage;
    assert.equal(out.frames, modulesOnly.frames);
    assert.ok(out.decoded > modulesOnly.decoded, `${out.decoded} vs ${modulesOnly.decoded}`);
    assert.ok(out.decoded >= out.frames * 0.9, `${out.decoded} of ${out.frames}`);
  },
);
