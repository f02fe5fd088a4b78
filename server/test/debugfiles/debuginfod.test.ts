// The debuginfod client against Debian's real `debuginfod` server (elfutils), started on a free port over
// a folder holding a copy of buggy.ko, queried at 127.0.0.1; timeouts against a node server that never
// answers. Skipped when /usr/bin/debuginfod is not installed (`apt-get install debuginfod`).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { analyzeText } from '../../src/engine';
import {
  fetchDebuginfo,
  framesOfAnalysis,
  releaseOf,
  symbolizeLog,
  NO_DEBUG_FILE_SETTINGS,
} from '../../src/engine/debugfiles';
import { BUGGY_BUILD_ID, BUGGY_KO, buggyWithOtherBuildId, QEMU, tempDir } from './helpers';

const HAVE_SERVER = spawnSync('debuginfod', ['--version']).status === 0;
const skip = !HAVE_SERVER ? 'debuginfod (elfutils) not installed' : false;

let server: ChildProcess | null = null;
let work = '';
let url = '';

async function freePort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** Polls until the server serves buggy.ko's build id (it scans the folder at start). */
async function waitForIndex(deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    const status = await new Promise<number>((resolve) => {
      http
        .get(
          `${url}/buildid/${BUGGY_BUILD_ID}/debuginfo`,
          (res) => (res.resume(), resolve(res.statusCode ?? 0)),
        )
        .on('error', () => resolve(0));
    });
    if (status === 200) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('debuginfod did not index the folder in time');
}

before(async () => {
  if (skip) return;
  work = tempDir('debuginfod');
  const files = path.join(work, 'files');
  fs.mkdirSync(files);
  fs.copyFileSync(BUGGY_KO, path.join(files, 'buggy.ko'));
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  server = spawn(
    'debuginfod',
    ['-F', '-p', String(port), '-d', path.join(work, 'db.sqlite'), '-t', '1', '-g', '0', files],
    { stdio: 'ignore' },
  );
  await waitForIndex(Date.now() + 30_000);
});

after(() => {
  server?.kill('SIGTERM');
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

test(
  'fetchDebuginfo downloads by build id into the cache, then answers from the cache',
  { skip },
  async () => {
    const cache = path.join(work, 'cache1');
    const r = await fetchDebuginfo(BUGGY_BUILD_ID, {
      urls: `http://127.0.0.1:1 ${url}/`,
      cacheDir: cache,
      timeoutMs: 5000,
    });
    assert.ok(r.ok, JSON.stringify(r));
    assert.equal(r.cached, false);
    assert.equal(r.url, url, 'the first (refused) server is skipped');
    assert.ok(fs.readFileSync(r.path).equals(fs.readFileSync(BUGGY_KO)));
    assert.ok(r.path.startsWith(cache));
    const again = await fetchDebuginfo(BUGGY_BUILD_ID.toUpperCase(), { urls: url, cacheDir: cache });
    assert.deepEqual(again, { ok: true, path: r.path, cached: true });
  },
);

test(
  'unknown build ids, bad ids, refused connections: ok:false with a one-line reason',
  { skip },
  async () => {
    const cache = path.join(work, 'cache2');
    const missing = await fetchDebuginfo('ab'.repeat(20), { urls: url, cacheDir: cache });
    assert.equal(missing.ok, false);
    if (!missing.ok) assert.match(missing.error, /no debug file for build id abab.*404/);
    const bad = await fetchDebuginfo('../../etc/passwd', { urls: url, cacheDir: cache });
    assert.equal(bad.ok, false);
    const refused = await fetchDebuginfo(BUGGY_BUILD_ID, { urls: 'http://127.0.0.1:1', cacheDir: cache });
    assert.equal(refused.ok, false);
    if (!refused.ok) assert.match(refused.error, /ECONNREFUSED/);
    const none = await fetchDebuginfo(BUGGY_BUILD_ID, { urls: 'ftp://x', cacheDir: cache });
    assert.equal(none.ok, false);
    for (const r of [missing, bad, refused, none]) if (!r.ok) assert.doesNotMatch(r.error, /\n/);
    assert.equal(
      fs.existsSync(path.join(cache, 'debuginfod', BUGGY_BUILD_ID)),
      false,
      'nothing half-written in the cache',
    );
  },
);

test('a server that never answers times out', async () => {
  const silent = http.createServer(() => {});
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  const dir = tempDir('silent');
  try {
    const t0 = Date.now();
    const r = await fetchDebuginfo(BUGGY_BUILD_ID, {
      urls: `http://127.0.0.1:${(silent.address() as AddressInfo).port}`,
      cacheDir: dir,
      timeoutMs: 300,
    });
    assert.equal(r.ok, false);
    if (!r.ok) assert.match(r.error, /no answer within 300 ms/);
    assert.ok(Date.now() - t0 < 5000);
  } finally {
    silent.closeAllConnections();
    silent.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

/** null_read's log as a kernel with CONFIG_STACKTRACE_BUILD_ID prints it: `[buggy <build id>]`. */
function logWithBuildIds(): string {
  return fs
    .readFileSync(path.join(QEMU, 'logs/null_read.console.log'), 'utf8')
    .replaceAll('[buggy]', `[buggy ${BUGGY_BUILD_ID}]`);
}

test(
  'symbolizeLog: frames printing a build id are resolved through debuginfod when no module file is given',
  { skip },
  async () => {
    const text = logWithBuildIds();
    const analysis = analyzeText(text);
    const frames = framesOfAnalysis(analysis);
    const mod = frames.filter((f) => f.frame.module === 'buggy');
    assert.ok(
      mod.length >= 5 && mod.every((f) => f.frame.buildId === BUGGY_BUILD_ID),
      'the engine reads [mod buildid]',
    );
    const r = await symbolizeLog(text, frames, {
      settings: NO_DEBUG_FILE_SETTINGS,
      release: releaseOf(analysis),
      systemRoot: null,
      cacheDir: path.join(work, 'cache3'),
      debuginfodUrls: url,
    });
    assert.equal(r.files.modules.buggy?.source, 'debuginfod');
    const level1 = mod.find((f) => f.frame.function === 'buggy_null_read_level1')!;
    assert.deepEqual(
      r.results.get(level1.key)!.frames.map((l) => `${l.function} ${l.line}`),
      ['buggy_null_read_level1 51'],
    );
  },
);

test('symbolizeLog: a module whose build id differs from the log is refused with a message, not used', async () => {
  const dir = tempDir('mismatch');
  try {
    buggyWithOtherBuildId(path.join(dir, 'buggy.ko'));
    const text = logWithBuildIds();
    const analysis = analyzeText(text);
    const frames = framesOfAnalysis(analysis);
    const r = await symbolizeLog(text, frames, {
      settings: { ...NO_DEBUG_FILE_SETTINGS, modulePaths: [dir] },
      release: null,
      systemRoot: null,
      cacheDir: dir,
    });
    assert.equal(r.files.modules.buggy, undefined);
    assert.ok(
      r.messages.some((m) => m.includes('does not match the log') && m.includes(BUGGY_BUILD_ID)),
      r.messages.join('\n'),
    );
    const f = frames.find((x) => x.frame.module === 'buggy')!;
    assert.equal(r.results.get(f.key)!.ok, false);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
