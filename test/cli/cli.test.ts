// The oops-lens command line, run as users run it: `node dist/cli.js` (build first: `npm run build`)
// and through npm's bin link (`npx oops-lens`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '../..');
const CLI = join(ROOT, 'dist/cli.js');
const FIXTURES = join(ROOT, 'test-fixtures/cli');
const QEMU_NULL_READ = join(ROOT, 'test-fixtures/corpus/qemu/logs/null_read.console.log');

function run(args: string[], input?: string | Buffer): SpawnSyncReturns<string> {
  assert.ok(existsSync(CLI), 'dist/cli.js is missing: run `npm run build` first');
  return spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, input, encoding: 'utf8', timeout: 60_000 });
}

function runJson(args: string[], input?: string): any[] {
  const r = run(['analyze', '--json', ...args], input);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

const fx = (name: string) => join(FIXTURES, name);

test('analyze FILE prints severity, title, line and culprit frame for each event; exit 0', () => {
  const r = run(['analyze', fx('warn-then-oops.log')]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '');
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines.length, 2, r.stdout);
  assert.match(lines[0], /^warning\s+WARNING in frob_start\b.*\bline 3\b.*frob_start\+0x8e\/0xa0 \[frob\]/);
  assert.match(
    lines[1],
    /^error\s+BUG: unable to handle kernel NULL pointer dereference in frob_stop\b.*\bline 17\b.*frob_stop\+0x12\/0x40 \[frob\]/,
  );
});

test('analyze on a log with no event says so and exits 0', () => {
  const r = run(['analyze', fx('boot-only.log')]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /no (kernel )?events/i);
});

test('several files: each file is named before its events', () => {
  const r = run(['analyze', fx('warn-then-oops.log'), fx('user-segfault.log')]);
  assert.equal(r.status, 0, r.stderr);
  const a = r.stdout.indexOf(fx('warn-then-oops.log'));
  const b = r.stdout.indexOf(fx('user-segfault.log'));
  assert.ok(a >= 0 && b > a, r.stdout);
  assert.ok(r.stdout.indexOf('frob_stop') > a && r.stdout.indexOf('frob_stop') < b);
  assert.ok(r.stdout.indexOf('segfault', b) > b);
});

test('- reads standard input', () => {
  const r = run(['analyze', '-'], readFileSync(fx('warn-then-oops.log')));
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /WARNING in frob_start/);
  const [result] = runJson(['-'], readFileSync(fx('warn-then-oops.log'), 'utf8'));
  assert.equal(result.file, '-');
  assert.equal(result.events.length, 2);
});

const EVENT_KEYS = [
  'kind',
  'title',
  'severity',
  'line',
  'endLine',
  'cpu',
  'pid',
  'comm',
  'tainted',
  'release',
  'faultAddress',
  'guiltyFrame',
  'consequenceOf',
  'afterCrash',
  'ip',
  'location',
  'lr',
  'frames',
  'traces',
  'access',
];
const ACCESS_KEYS = [
  'function',
  'offset',
  'instruction',
  'bytes',
  'bytesFrom',
  'kind',
  'size',
  'address',
  'faultAddress',
  'agreesWithFaultAddress',
  'base',
  'index',
  'displacement',
  'variable',
  'member',
  'container',
  'expression',
  'pointer',
  'notes',
  'summary',
];
const FRAME_KEYS = [
  'function',
  'offset',
  'size',
  'module',
  'address',
  'reliable',
  'context',
  'printedSource',
  'unwindMarks',
];

function checkShape(result: any): void {
  assert.deepEqual(Object.keys(result).sort(), ['events', 'file']);
  for (const e of result.events) {
    assert.deepEqual(Object.keys(e).sort(), [...EVENT_KEYS].sort());
    assert.ok(['error', 'warning', 'information'].includes(e.severity));
    assert.ok(Number.isInteger(e.line) && Number.isInteger(e.endLine) && e.endLine >= e.line);
    for (const k of ['cpu', 'pid', 'consequenceOf', 'afterCrash'])
      assert.ok(e[k] === null || Number.isInteger(e[k]), k);
    for (const k of ['ip', 'location', 'lr'])
      if (e[k] !== null) assert.deepEqual(Object.keys(e[k]).sort(), [...FRAME_KEYS, 'line'].sort(), k);
    if (e.access !== null) assert.deepEqual(Object.keys(e.access).sort(), [...ACCESS_KEYS].sort());
    for (const k of ['comm', 'tainted', 'release', 'faultAddress'])
      assert.ok(e[k] === null || typeof e[k] === 'string', k);
    assert.ok(
      e.guiltyFrame === null || typeof e.guiltyFrame === 'string' || typeof e.guiltyFrame === 'object',
    );
    // `frames` is the report's own call trace, one of `traces`.
    for (const tr of e.traces) assert.deepEqual(Object.keys(tr).sort(), ['frames', 'label', 'line']);
    if (e.frames.length > 0)
      assert.ok(
        e.traces.some((tr: { frames: unknown[] }) => JSON.stringify(tr.frames) === JSON.stringify(e.frames)),
      );
    for (const f of [...e.frames, ...e.traces.flatMap((tr: { frames: unknown[] }) => tr.frames)]) {
      assert.deepEqual(Object.keys(f).sort(), [...FRAME_KEYS].sort());
      assert.equal(typeof f.reliable, 'boolean');
      assert.ok(f.function === null || typeof f.function === 'string');
      for (const k of ['offset', 'size']) assert.ok(f[k] === null || Number.isInteger(f[k]), k);
      for (const k of ['module', 'address', 'context'])
        assert.ok(f[k] === null || typeof f[k] === 'string', k);
    }
  }
}

test('--json: one object per file, {file, events:[…]} with exactly the documented fields, 0-based lines', () => {
  const results = runJson([fx('warn-then-oops.log'), fx('user-segfault.log'), fx('boot-only.log')]);
  assert.deepEqual(
    results.map((r) => r.file),
    [fx('warn-then-oops.log'), fx('user-segfault.log'), fx('boot-only.log')],
  );
  results.forEach(checkShape);
  const [warn, oops] = results[0].events;
  assert.deepEqual(
    {
      kind: warn.kind,
      title: warn.title,
      severity: warn.severity,
      line: warn.line,
      cpu: warn.cpu,
      pid: warn.pid,
      comm: warn.comm,
      tainted: warn.tainted,
      release: warn.release,
    },
    {
      kind: 'warning',
      title: 'WARNING in frob_start',
      severity: 'warning',
      line: 2,
      cpu: 1,
      pid: 402,
      comm: 'frobctl',
      tainted: 'G           O',
      release: '6.1.0-18-amd64',
    },
  );
  assert.equal(warn.endLine, 15);
  assert.equal(warn.faultAddress, null);
  assert.equal(oops.kind, 'null-deref');
  assert.equal(oops.line, 16);
  assert.equal(oops.endLine, 34);
  assert.equal(oops.faultAddress, '0000000000000018');
  assert.equal(oops.tainted, 'G        W  O');
  // A WARNING leaves the kernel running normally: the later oops is not its consequence.
  assert.equal(oops.consequenceOf, null);
  const guilty = typeof oops.guiltyFrame === 'string' ? oops.guiltyFrame : oops.guiltyFrame?.function;
  assert.match(guilty, /^frob_stop\b/);
  assert.deepEqual(oops.frames[0], {
    function: 'frob_release',
    offset: 0x2a,
    size: 0x50,
    module: 'frob',
    address: null,
    reliable: true,
    context: 'task',
    printedSource: null,
    unwindMarks: null,
  });
  assert.deepEqual(
    oops.frames.map((f: any) => f.reliable),
    [true, true, true, false, true],
  );
  assert.deepEqual(results[2].events, []);
});

test('--json: what the log does not say is null', () => {
  const [result] = runJson([fx('user-segfault.log')]);
  const [e] = result.events;
  assert.equal(e.kind, 'segfault');
  assert.equal(e.severity, 'information');
  for (const k of ['cpu', 'tainted', 'release', 'guiltyFrame', 'consequenceOf']) assert.equal(e[k], null, k);
  assert.deepEqual(e.frames, []);
});

test('--json: a segfault line states the pid, the command and the faulting address', () => {
  const [result] = runJson([fx('user-segfault.log')]);
  const [e] = result.events;
  assert.deepEqual([e.pid, e.comm, e.faultAddress], [2231, 'frobctl', '8']);
});

test('--json on a real CRLF console capture: LSP line numbers, frames', (t) => {
  const [result] = runJson([QEMU_NULL_READ]);
  checkShape(result);
  const [e] = result.events.filter((ev: any) => ev.severity !== 'information');
  assert.equal(e.line, 445);
  assert.equal(e.faultAddress, '0000000000000010');
  assert.equal(e.title, 'BUG: unable to handle kernel NULL pointer dereference in buggy_null_read_level2');
  assert.deepEqual(
    e.frames.slice(0, 2).map((f: any) => [f.function, f.module, f.context]),
    [
      ['buggy_null_read_level1', 'buggy', 'task'],
      ['buggy_null_read', 'buggy', 'task'],
    ],
  );
});

test('--json may come after the files', () => {
  const r = run(['analyze', fx('user-segfault.log'), '--json']);
  assert.equal(r.status, 0, r.stderr);
  checkShape(JSON.parse(r.stdout)[0]);
});

function expectUsageFailure(args: string[], pattern: RegExp): SpawnSyncReturns<string> {
  const r = run(args);
  assert.equal(r.status, 2, `exit status for ${args.join(' ')}: ${r.stderr}`);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, pattern);
  return r;
}

test('bad usage exits 2 with a message on stderr', () => {
  expectUsageFailure([], /command/);
  expectUsageFailure(['frobnicate'], /frobnicate/);
  expectUsageFailure(['analyze'], /file/i);
  expectUsageFailure(['analyze', '--bogus', fx('boot-only.log')], /--bogus/);
});

test('bad usage: the message is one line', () => {
  for (const args of [[], ['frobnicate'], ['analyze'], ['analyze', '--bogus', fx('boot-only.log')]]) {
    const r = expectUsageFailure(args, /./);
    assert.equal(r.stderr.trim().split('\n').length, 1, JSON.stringify(r.stderr));
  }
});

test('a missing file, a directory or an unreadable file: exit 2, one line naming it', () => {
  const missing = expectUsageFailure(['analyze', fx('no-such.log')], /no-such\.log/);
  assert.equal(missing.stderr.trim().split('\n').length, 1);
  const dir = expectUsageFailure(['analyze', FIXTURES], /directory/);
  assert.equal(dir.stderr.trim().split('\n').length, 1);
  // /proc/self/mem cannot be read from offset 0, even by root.
  if (existsSync('/proc/self/mem')) {
    const r = expectUsageFailure(['analyze', '/proc/self/mem'], /\/proc\/self\/mem/);
    assert.equal(r.stderr.trim().split('\n').length, 1);
  }
  // One bad file among good ones still fails the run (nothing half-printed on stdout).
  expectUsageFailure(['analyze', fx('boot-only.log'), fx('no-such.log')], /no-such\.log/);
});

test('--help prints usage and exits 0', () => {
  const r = run(['--help']);
  assert.equal(r.status, 0);
  assert.match(r.stdout, /oops-lens analyze/);
});

test('invalid UTF-8 and binary junk on stdin: a result, exit 0', () => {
  const bytes = Buffer.concat([
    Buffer.from([0xff, 0xfe, 0x00, 0xc3, 0x28]),
    readFileSync(fx('warn-then-oops.log')),
    Buffer.from([0x80, 0xbf]),
  ]);
  const r = spawnSync(process.execPath, [CLI, 'analyze', '--json', '-'], {
    cwd: ROOT,
    input: bytes,
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout)[0].events.length, 2);
});

test('dist/cli.js is an executable script (#!/usr/bin/env node) for the package bin', () => {
  assert.ok(existsSync(CLI), 'dist/cli.js is missing: run `npm run build` first');
  assert.match(readFileSync(CLI, 'utf8').slice(0, 40), /^#!\/usr\/bin\/env node\n/);
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  assert.equal(pkg.bin?.['oops-lens'], 'dist/cli.js');
});

test('npx oops-lens runs the package bin', { timeout: 120_000 }, (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'oops-lens-cli-'));
  try {
    writeFileSync(join(dir, 'in.log'), readFileSync(fx('warn-then-oops.log')));
    // --no-install: resolve the bin of the package in ROOT, never fetch anything.
    const r = spawnSync('npx', ['--no-install', 'oops-lens', 'analyze', join(dir, 'in.log')], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 100_000,
    });
    if (r.error) return t.skip(`npx not runnable here: ${r.error.message}`);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /BUG: unable to handle kernel NULL pointer dereference in frob_stop/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('decode: a release that climbs out of /usr/lib/debug opens nothing there (no /etc/passwd oracle)', () => {
  // vmlinuxCandidates joined this onto /usr/lib/debug/boot/vmlinux-… and reached /etc/passwd.
  const log = (rel: string) =>
    `BUG: kernel NULL pointer dereference, address: 0000000000000000\nCPU: 0 PID: 1 Comm: sh Not tainted ${rel} #1\nCall Trace:\n foo+0x1/0x2\n`;
  for (const rel of ['x/../../../../../etc/passwd', '../../../../../../etc', '..']) {
    const r = run(['decode', '-'], log(rel));
    assert.equal(r.status, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /passwd|not an ELF|\/etc\b/, rel);
    assert.match(r.stderr, /no debug files found/);
  }
});

test('decode with a debuginfod server that redirects to file: warns in one line and still prints the log', async () => {
  const { createServer } = await import('node:http');
  const { spawn } = await import('node:child_process');
  const server = createServer((_req, res) => res.writeHead(302, { Location: 'file:///etc/passwd' }).end());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const port = (server.address() as { port: number }).port;
    const log = `BUG: kernel NULL pointer dereference, address: 0000000000000000\nCall Trace:\n foo+0x1/0x2 [buggy ${'ab'.repeat(20)}]\n`;
    // Asynchronously: the server answers from this process.
    const child = spawn(process.execPath, [CLI, 'decode', '-'], {
      env: { ...process.env, DEBUGINFOD_URLS: `http://127.0.0.1:${port}` },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.stdin.end(log);
    const status = await new Promise<number | null>((r) => child.on('close', r));
    assert.equal(status, 0, stderr);
    assert.equal(stdout, log);
    const warning = stderr.split('\n').find((l) => l.includes('debuginfod'));
    assert.ok(warning, stderr);
    assert.match(warning, /refused to follow file:/);
  } finally {
    server.close();
  }
});

test('--json: the line a LINEINFO kernel printed after a frame is its printedSource', () => {
  const [result] = runJson([join(ROOT, 'test-fixtures/engine/events/lineinfo-sysrq.log')]);
  const [panic] = result.events;
  const handler = panic.frames.find((f: any) => f.function === 'sysrq_handle_crash');
  assert.deepEqual(handler.printedSource, { file: 'drivers/tty/sysrq.c', line: 154 });
  assert.equal(handler.unwindMarks, null);
});

test('a reader that stops early (`| head -1`): exit 0, no EPIPE stack trace, in every output mode', async () => {
  const { spawn } = await import('node:child_process');
  const dir = mkdtempSync(join(tmpdir(), 'oops-lens-epipe-'));
  try {
    // The real log's BUG line 5,000 times: 5,000 events, far more output than a pipe holds in every mode.
    const bug = readFileSync(QEMU_NULL_READ, 'utf8')
      .split(/\r?\n/)
      .find((l) => l.includes('BUG: kernel NULL pointer dereference'))!;
    const log = join(dir, 'big.log');
    writeFileSync(log, `${bug}\n`.repeat(5000));
    for (const args of [
      ['analyze', log],
      ['analyze', '--json', log],
      ['decode', log],
    ]) {
      const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      // Like `head -1`: read the first chunk, then close our end of the pipe.
      child.stdout.once('data', () => child.stdout.destroy());
      const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
      assert.equal(code, 0, `${args.join(' ')}: ${stderr}`);
      assert.doesNotMatch(stderr, /EPIPE|Error:|\n\s+at /, args.join(' '));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
