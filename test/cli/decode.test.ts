// `oops-lens decode` and `analyze --json` with debug files, against the ground truth of the real Debian
// kernel crashes in test-fixtures/corpus/qemu (every buggy.ko frame). Build first: `npm run build`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  moduleTruth,
  rawAddressLog,
  truthRows,
  QEMU,
  QEMU_ARM64,
  QEMU_HARDENING,
  QEMU_LOGS,
  QEMU_MODULES,
} from '../symbolize-lsp/truth';

const ROOT = join(__dirname, '../..');
const CLI = join(ROOT, 'dist/cli.js');

function run(args: string[]) {
  assert.ok(existsSync(CLI), 'dist/cli.js is missing: run `npm run build` first');
  // An empty DEBUGINFOD_URLS: these tests must not reach any network.
  return spawnSync(process.execPath, [CLI, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, DEBUGINFOD_URLS: '' },
  });
}

const truth = moduleTruth();
const logs = [...new Set(truth.map((t) => t.log))];
// decode shows header paths inside the kernel tree, as for vmlinux frames: /usr/src/linux-headers-<rel>/ dropped.
const loc = (l: { file: string; line: number }) =>
  `${l.file.replace(/^\/usr\/src\/linux-headers-[^/]+\//, '')}:${l.line}`;

test('decode: every buggy.ko frame of every qemu log is rewritten as `func (file:line…) buggy` with the truth', (t) => {
  let checked = 0;
  const failures: string[] = [];
  for (const log of logs) {
    const r = run(['decode', join(QEMU_LOGS, `${log}.console.log`), '--modules', QEMU_MODULES]);
    assert.equal(r.status, 0, r.stderr);
    const inLines = readFileSync(join(QEMU_LOGS, `${log}.console.log`), 'utf8').split(
      /\r\n|\r|\n/,
    ) as string[];
    // The line decode adds after a memory fault's RIP line is not one of the log's.
    const outLines = r.stdout.split('\n').filter((l) => !/\] Faulting access: /.test(l));
    for (const row of truth.filter((x) => x.log === log)) {
      const want = `${row.symbol} (${row.want.map(loc).join(' ')}) buggy`;
      // Every printed occurrence of this token in a line of the matching kind (WARNING header, RIP line or
      // trace entry). (The RIP line re-printed after `---[ end trace` is not part of the event the engine
      // builds: only the first RIP line is a frame.)
      const has = (l: string) => l.includes(`${row.token} [buggy]`);
      let idx =
        row.kind === 'WARN_AT'
          ? inLines.flatMap((l, i) => (has(l) && /WARNING: CPU/.test(l) ? [i] : []))
          : inLines.flatMap((l, i) =>
              has(l) && /RIP: /.test(l) === row.isIp && !/WARNING:/.test(l) ? [i] : [],
            );
      if (row.kind === 'RIP') idx = idx.slice(0, 1);
      assert.ok(idx.length > 0, `${log}: ${row.token} not in the log`);
      for (const i of idx) {
        checked++;
        if (!outLines[i].includes(want)) failures.push(`${log}:${i + 1} want ${want}\n  got  ${outLines[i]}`);
      }
    }
  }
  t.diagnostic(`decode: ${checked - failures.length}/${checked} module frame lines equal the truth`);
  assert.deepEqual(failures, []);
  assert.ok(checked >= 43, `only ${checked} module frames checked`);
});

/** analyze --json on every log of `corpus` with `flags`: every frame's `source` against the truth rows of `object`. */
function checkAnalyzeJson(
  t: { diagnostic(m: string): void },
  label: string,
  corpus: string,
  object: string,
  flags: string[],
  minimum: number,
): Map<string, number> {
  // A WARNING header's location is not in any trace.
  const rows = truthRows(corpus, object).filter((r) => r.kind !== 'WARN_AT');
  let checked = 0;
  const kinds = new Map<string, number>();
  const failures: string[] = [];
  for (const log of [...new Set(rows.map((r) => r.log))]) {
    const r = run(['analyze', '--json', ...flags, join(corpus, 'logs', `${log}.console.log`)]);
    assert.equal(r.status, 0, r.stderr);
    const [result] = JSON.parse(r.stdout);
    for (const e of result.events)
      for (const f of e.traces.flatMap((tr: { frames: unknown[] }) => tr.frames)) {
        if (!f.function) continue;
        const token = `${f.function}+0x${f.offset.toString(16)}/0x${f.size.toString(16)}`;
        const row = rows.find((x) => x.log === log && x.token === token);
        if (!row) continue;
        checked++;
        kinds.set(row.kind, (kinds.get(row.kind) ?? 0) + 1);
        if (JSON.stringify(f.source) !== JSON.stringify(row.want))
          failures.push(
            `${log} ${row.kind} ${token}: ${JSON.stringify(f.source)} != ${JSON.stringify(row.want)}`,
          );
      }
  }
  t.diagnostic(`${label}: ${checked - failures.length}/${checked} frames equal the truth`);
  assert.deepEqual(failures, []);
  assert.ok(checked >= minimum, `only ${checked} frames checked`);
  return kinds;
}

/** The SLUB `Allocated in`/`Freed in` tracks (CALL_TRACK) and stack-protector's %pB (CALL_PB) are among them. */
function assertReturnAddressKinds(kinds: Map<string, number>): void {
  for (const kind of ['CALL', 'CALL_TRACK', 'CALL_PB'])
    assert.ok((kinds.get(kind) ?? 0) > 0, `no ${kind} row checked: ${JSON.stringify([...kinds])}`);
}

test('analyze --json --modules: source (innermost first) of every x86_64 buggy.ko call-trace frame equals the truth', (t) => {
  checkAnalyzeJson(t, 'x86_64 buggy.ko', QEMU, 'buggy', ['--modules', QEMU_MODULES], 31);
});

test(
  'analyze --json --modules: every arm64 buggy.ko trace frame (the faulting pc entry at the address, calls at address-4)',
  {},
  (t) => {
    checkAnalyzeJson(t, 'arm64 buggy.ko', QEMU_ARM64, 'buggy', ['--modules', join(QEMU_ARM64, 'module')], 40);
  },
);

test('analyze --json --modules: every hardening.ko frame of the SLUB / usercopy / FORTIFY / stack-protector captures equals the truth', (t) => {
  const kinds = checkAnalyzeJson(
    t,
    'x86_64 hardening.ko',
    QEMU_HARDENING,
    'hardening',
    ['--modules', join(QEMU_HARDENING, 'module')],
    60,
  );
  assertReturnAddressKinds(kinds);
});

// Opt-in (the Debian -dbg vmlinux is 633 MB; see test-fixtures/corpus/qemu/README.md):
//   OOPS_LENS_VMLINUX=/path/vmlinux-6.1.0-56-amd64 OOPS_LENS_VMLINUX_ARM64=/path/vmlinux-6.1.0-56-arm64
const VMLINUX = process.env.OOPS_LENS_VMLINUX;
const VMLINUX_ARM64 = process.env.OOPS_LENS_VMLINUX_ARM64;
test(
  'analyze --json --vmlinux: every x86_64 vmlinux frame equals the truth (opt-in: OOPS_LENS_VMLINUX)',
  { skip: VMLINUX && existsSync(VMLINUX) ? false : 'OOPS_LENS_VMLINUX not set' },
  (t) => {
    checkAnalyzeJson(t, 'x86_64 vmlinux', QEMU, 'vmlinux', ['--vmlinux', VMLINUX!], 200);
  },
);
test(
  'analyze --json --vmlinux: every vmlinux frame of the hardening captures, SLUB tracks included (opt-in: OOPS_LENS_VMLINUX)',
  { skip: VMLINUX && existsSync(VMLINUX) ? false : 'OOPS_LENS_VMLINUX not set' },
  (t) => {
    const kinds = checkAnalyzeJson(
      t,
      'x86_64 vmlinux (hardening)',
      QEMU_HARDENING,
      'vmlinux',
      ['--vmlinux', VMLINUX!],
      110,
    );
    assert.ok((kinds.get('CALL_TRACK') ?? 0) > 0, JSON.stringify([...kinds]));
  },
);
test(
  'analyze --json --vmlinux: every arm64 vmlinux frame equals the truth (opt-in: OOPS_LENS_VMLINUX_ARM64)',
  { skip: VMLINUX_ARM64 && existsSync(VMLINUX_ARM64) ? false : 'OOPS_LENS_VMLINUX_ARM64 not set' },
  (t) => {
    checkAnalyzeJson(t, 'arm64 vmlinux', QEMU_ARM64, 'vmlinux', ['--vmlinux', VMLINUX_ARM64!], 200);
  },
);

test('analyze --json without debug files keeps its old shape (no source field)', () => {
  const r = run(['analyze', '--json', join(QEMU_LOGS, 'null_read.console.log')]);
  assert.equal(r.status, 0, r.stderr);
  const frames = JSON.parse(r.stdout)[0].events.flatMap((e: { frames: object[] }) => e.frames);
  assert.ok(frames.length > 0);
  assert.ok(frames.every((f: object) => !('source' in f)));
});

test('bad debug files: one-line warnings on stderr, the analysis is still printed, exit 0', () => {
  const dir = mkdtempSync(join(tmpdir(), 'oops-lens-bad-'));
  try {
    writeFileSync(join(dir, 'buggy.ko'), Buffer.from('\x7fELF garbage that is not an ELF file'));
    writeFileSync(join(dir, 'vmlinux'), Buffer.alloc(100));
    const r = run([
      'analyze',
      '--json',
      '--vmlinux',
      join(dir, 'vmlinux'),
      '--modules',
      dir,
      join(QEMU_LOGS, 'null_read.console.log'),
    ]);
    assert.equal(r.status, 0, r.stderr);
    const warnings = r.stderr.trim().split('\n');
    assert.ok(warnings.length >= 2, r.stderr);
    for (const w of warnings) assert.match(w, /^oops-lens: warning: /);
    assert.ok(
      warnings.some((w) => w.includes(join(dir, 'vmlinux'))),
      r.stderr,
    );
    assert.ok(
      warnings.some((w) => w.includes(join(dir, 'buggy.ko'))),
      r.stderr,
    );
    const [result] = JSON.parse(r.stdout);
    const f = result.events[0].frames.find((x: { module: string }) => x.module === 'buggy');
    assert.deepEqual(f.source, []);
    assert.ok(f.sourceError, 'a per-frame error says why there is no source');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('decode: a module given as .ko.xz / .ko.zst is decompressed; missing flags values are usage errors', () => {
  const dir = mkdtempSync(join(tmpdir(), 'oops-lens-xz-'));
  try {
    copyFileSync(join(QEMU_MODULES, 'buggy.ko'), join(dir, 'buggy.ko'));
    const hasXz = spawnSync('xz', ['-k', join(dir, 'buggy.ko')]).status === 0;
    rmSync(join(dir, 'buggy.ko'));
    if (hasXz) {
      const r = spawnSync(
        process.execPath,
        [CLI, 'decode', join(QEMU_LOGS, 'null_read.console.log'), '--modules', dir],
        {
          encoding: 'utf8',
          env: { ...process.env, KERNEL_OOPS_LENS_CACHE: join(dir, 'cache'), DEBUGINFOD_URLS: '' },
        },
      );
      assert.equal(r.status, 0, r.stderr);
      assert.match(
        r.stdout,
        /buggy_null_read_level1 \(\/var\/lib\/dkms\/buggy\/1\.0\/build\/buggy\.c:51\) buggy/,
      );
    }
    const u = run(['decode', join(QEMU_LOGS, 'null_read.console.log'), '--vmlinux']);
    assert.equal(u.status, 2);
    assert.equal(u.stderr.trim().split('\n').length, 1);
    assert.match(u.stderr, /--vmlinux needs a file/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('raw addresses (`? 0xffffffffc02e202a`) resolve through the log\'s module map: resolved "sym+off/size [mod]" and the truth line', () => {
  const { text, rows } = rawAddressLog();
  const dir = mkdtempSync(join(tmpdir(), 'oops-lens-raw-'));
  try {
    writeFileSync(join(dir, 'raw.log'), text);
    const r = run(['analyze', '--json', '--modules', QEMU_MODULES, join(dir, 'raw.log')]);
    assert.equal(r.status, 0, r.stderr);
    const frames = JSON.parse(r.stdout)[0].events.flatMap((e: { frames: object[] }) => e.frames) as {
      address: string;
      resolved?: string;
      source?: { line: number }[];
    }[];
    for (const row of rows) {
      const f = frames.find((x) => x.address === row.address);
      assert.ok(f, `no frame for ${row.address}`);
      assert.equal(f.resolved, row.resolved);
      assert.equal(f.source?.[0].line, row.line);
    }
    const d = run(['decode', '--modules', QEMU_MODULES, join(dir, 'raw.log')]);
    for (const row of rows)
      assert.match(
        d.stdout,
        new RegExp(
          `\\? 0x${row.address} ${row.resolved.replace(/[+[\]/]/g, '\\$&')} \\(/var/lib/dkms/buggy/1\\.0/build/buggy\\.c:${row.line}\\)`,
        ),
      );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--cross-check addr2line / eu-addr2line: every buggy.ko frame we resolve, the tool answers the same', (t) => {
  for (const tool of ['addr2line', 'eu-addr2line']) {
    if (spawnSync(tool, ['--version']).status !== 0) {
      t.diagnostic(`${tool} not installed`);
      continue;
    }
    let checked = 0;
    const differ: string[] = [];
    for (const log of logs) {
      const r = run([
        'analyze',
        '--json',
        '--cross-check',
        tool,
        '--modules',
        QEMU_MODULES,
        join(QEMU_LOGS, `${log}.console.log`),
      ]);
      assert.equal(r.status, 0, r.stderr);
      for (const e of JSON.parse(r.stdout)[0].events)
        for (const f of e.frames) {
          if (!f.crossCheck) continue;
          checked++;
          assert.equal(f.crossCheck.tool, tool);
          if (!f.crossCheck.agrees)
            differ.push(
              `${log} ${f.function}: ${JSON.stringify(f.source)} vs ${JSON.stringify(f.crossCheck.source)}`,
            );
        }
    }
    t.diagnostic(`${tool}: ${checked - differ.length}/${checked} frames agree`);
    assert.ok(checked >= 31, `${tool}: only ${checked} frames cross-checked`);
    assert.deepEqual(differ, []);
  }
  const bad = run(['analyze', '--json', '--cross-check', 'gdb', join(QEMU_LOGS, 'null_read.console.log')]);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--cross-check takes addr2line, eu-addr2line, llvm-symbolizer/);
});

test('decode / analyze --json: the arm64 log with the x86_64 buggy.ko: one warning, no frame decoded, no source', () => {
  const log = join(QEMU_ARM64, 'logs/null_read.console.log');
  const ko = join(QEMU_MODULES, 'buggy.ko');
  const why = `${ko} does not match the log: its ELF machine is x86_64, the log's kernel is arm64`;
  const d = run(['decode', '--modules', ko, log]);
  assert.equal(d.status, 0, d.stderr);
  assert.equal(d.stderr, `oops-lens: warning: ${log}: ${why}\n`);
  // Only the Faulting access line is added, and from the log alone: the x86_64 file's bytes are not used.
  const added = d.stdout.split('\n').filter((l) => /\] Faulting access: /.test(l));
  assert.deepEqual(added, [
    '[    5.686692] Faulting access: faulting access unknown: the Code: line holds no instruction bytes',
  ]);
  assert.equal(
    d.stdout
      .split('\n')
      .filter((l) => !added.includes(l))
      .join('\n'),
    readFileSync(log, 'utf8')
      .split(/\r\n|\r|\n/)
      .join('\n'),
    'nothing rewritten',
  );
  const a = run(['analyze', '--json', '--modules', ko, log]);
  assert.equal(a.status, 0, a.stderr);
  assert.equal(a.stderr, `oops-lens: warning: ${log}: ${why}\n`);
  const frames = JSON.parse(a.stdout)[0].events.flatMap((e: { frames: object[] }) => e.frames) as {
    module: string | null;
    source?: unknown[];
    sourceError?: string;
  }[];
  const buggy = frames.filter((f) => f.module === 'buggy');
  assert.ok(buggy.length >= 3);
  for (const f of buggy) {
    assert.deepEqual(f.source, []);
    assert.match(f.sourceError ?? '', /^buggy\.ko does not match this log: /);
  }
});

interface JsonFrame {
  function: string | null;
  offset: number | null;
  size: number | null;
  module: string | null;
  line: number;
  source?: { function: string; file: string; line: number }[];
  sourceError?: string;
}

/**
 * analyze --json on every log of `corpus`: each event's `ip` against the RIP / PC rows of the truth and
 * `location` against the WARN_AT rows (both looked up at the address, as decode does).
 */
function checkCrashSites(
  t: { diagnostic(m: string): void },
  corpus: string,
  object: string,
  flags: string[],
  minimum: { ip: number; location: number; lr: number },
) {
  const rows = truthRows(corpus, object);
  const checked = { ip: 0, location: 0, lr: 0 };
  const failures: string[] = [];
  const tokenOf = (f: JsonFrame) => `${f.function}+0x${f.offset!.toString(16)}/0x${f.size!.toString(16)}`;
  for (const log of [...new Set(rows.map((r) => r.log))]) {
    const r = run(['analyze', '--json', ...flags, join(corpus, 'logs', `${log}.console.log`)]);
    assert.equal(r.status, 0, r.stderr);
    const events = JSON.parse(r.stdout)[0].events as {
      ip: JsonFrame | null;
      location: JsonFrame | null;
      lr: JsonFrame | null;
    }[];
    const sites: ['ip' | 'location' | 'lr', string[]][] = [
      ['ip', ['RIP', 'PC']],
      ['location', ['WARN_AT']],
      ['lr', ['LR']],
    ];
    for (const [field, kinds] of sites)
      for (const row of rows.filter((x) => x.log === log && kinds.includes(x.kind))) {
        const f = events.map((e) => e[field]).find((x) => x?.function && tokenOf(x) === row.token);
        if (!f) {
          failures.push(`${log} ${row.kind} ${row.token}: no event has it as ${field}`);
          continue;
        }
        checked[field]++;
        if (JSON.stringify(f.source) !== JSON.stringify(row.want))
          failures.push(
            `${log} ${field} ${row.token}: ${JSON.stringify(f.source)} != ${JSON.stringify(row.want)}`,
          );
      }
  }
  t.diagnostic(
    `${corpus} ${object}: ${checked.ip} ip, ${checked.location} location and ${checked.lr} lr frames checked`,
  );
  assert.deepEqual(failures, []);
  assert.ok(
    checked.ip >= minimum.ip && checked.location >= minimum.location && checked.lr >= minimum.lr,
    JSON.stringify(checked),
  );
}

test("analyze --json: each event's ip and location (crash site) equal the truth RIP / WARN_AT rows", (t) => {
  checkCrashSites(t, QEMU, 'buggy', ['--modules', QEMU_MODULES], { ip: 10, location: 2, lr: 0 });
});

test('analyze --json: arm64 ip (pc :), location and lr (lr :) equal the truth PC / WARN_AT / LR rows', (t) => {
  checkCrashSites(t, QEMU_ARM64, 'buggy', ['--modules', join(QEMU_ARM64, 'module')], {
    ip: 10,
    location: 2,
    lr: 8,
  });
});

test('analyze --json: ip and location without debug files carry no source; with a mismatched .ko, a warning and no source', () => {
  const log = join(QEMU_LOGS, 'warn_on.console.log');
  const bare = JSON.parse(run(['analyze', '--json', log]).stdout)[0].events[0];
  assert.equal(bare.ip.function, 'buggy_warn_on');
  assert.equal(bare.location.function, 'buggy_warn_on');
  assert.ok(!('source' in bare.ip) && !('source' in bare.location));
  const ko = join(QEMU_ARM64, 'module/buggy.ko');
  const r = run(['analyze', '--json', '--modules', ko, log]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(
    r.stderr,
    /^oops-lens: warning: .*buggy\.ko does not match the log: its ELF machine is AArch64, the log's kernel is x86_64\n$/,
  );
  const e = JSON.parse(r.stdout)[0].events[0];
  for (const f of [e.ip, e.location]) {
    assert.deepEqual(f.source, []);
    assert.match(f.sourceError, /^buggy\.ko does not match this log/);
  }
});

// The faulting access: `decode` adds one `Faulting access:` line after a memory fault's RIP line, `analyze
// --json` gives each event `access` (null for events that are no memory fault). The engine's answers are checked
// against objdump, llvm-dwarfdump and gdb in server/test/access; here: that the CLI shows them where it should.
interface AccessJson {
  instruction: string;
  bytesFrom: string;
  base: { register: string; value: string } | null;
  address: string | null;
  agreesWithFaultAddress: boolean | null;
  summary: string;
}

function accesses(args: string[]): (AccessJson | null)[] {
  const r = run(['analyze', '--json', ...args]);
  assert.equal(r.status, 0, r.stderr);
  return (JSON.parse(r.stdout) as { events: { access: AccessJson | null }[] }[])[0].events.map(
    (e) => e.access,
  );
}

const ACCESS_LOGS = [
  {
    logs: QEMU_LOGS,
    modules: QEMU_MODULES,
    ip: 'RIP: 0010:',
    faults: ['null_read', 'null_write', 'gpf', 'inline', 'null_wq'],
  },
  {
    logs: join(QEMU_ARM64, 'logs'),
    modules: join(QEMU_ARM64, 'module'),
    ip: 'pc : ',
    faults: ['null_read', 'null_write', 'gpf', 'inline', 'null_wq', 'init_null_read'],
  },
];

test('decode: one Faulting access line right after the first RIP/pc line of each memory fault, with its prefix', () => {
  for (const { logs, modules, ip, faults } of ACCESS_LOGS)
    for (const sc of faults) {
      const log = join(logs, `${sc}.console.log`);
      const r = run(['decode', log, '--modules', modules]);
      assert.equal(r.status, 0, r.stderr);
      const out = r.stdout.split('\n');
      const added = out.flatMap((l, i) => (/Faulting access: /.test(l) ? [i] : []));
      assert.equal(added.length, 1, `${sc}: ${added.length} access lines`);
      const rip = out[added[0] - 1];
      assert.ok(rip.includes(ip), `${sc}: ${rip}`);
      const prefix = rip.slice(0, rip.indexOf(ip));
      const json = accesses(['--modules', modules, log]).find((a) => a)!;
      assert.equal(out[added[0]], `${prefix}Faulting access: ${json.summary}`, sc);
      // Nothing else changed in number: the input's lines plus the one added.
      const input = readFileSync(log, 'utf8').split(/\r\n|\r|\n/);
      assert.equal(out.length, input.length + 1, sc);
    }
});

test('analyze --json: access on memory faults (bytes from buggy.ko with --modules, else the Code: line), null elsewhere', () => {
  const log = join(QEMU_LOGS, 'null_write.console.log');
  const [withFile] = accesses(['--modules', QEMU_MODULES, log]);
  assert.ok(withFile);
  assert.equal(withFile.bytesFrom, 'debug file');
  assert.equal(withFile.instruction, 'movq $0x1234,0x8(%rbx)');
  assert.deepEqual(withFile.base, { register: 'RBX', value: '0x0' });
  assert.equal(withFile.address, '0x8');
  assert.equal(withFile.agreesWithFaultAddress, true);
  const [fromLog] = accesses([log]);
  assert.ok(fromLog);
  assert.equal(fromLog.bytesFrom, 'Code: line');
  assert.equal(fromLog.instruction, withFile.instruction);
  for (const sc of ['warn_on', 'bug_on', 'panic'])
    assert.ok(
      accesses([join(QEMU_LOGS, `${sc}.console.log`)]).every((a) => a === null),
      sc,
    );
});
