// The release a log prints becomes part of paths (/usr/lib/debug/boot/vmlinux-<release>,
// /lib/modules/<release>/…): text that is not a kernel release must never make us open or list anything
// outside those folders. Every file-system call of the search is recorded and checked.
import { afterEach, beforeEach, mock, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import * as path from 'node:path';
import { analyzeText } from '../../src/engine';
import {
  isKernelRelease,
  locateDebugFiles,
  moduleDirCandidates,
  NO_DEBUG_FILE_SETTINGS,
  releaseOf,
  vmlinuxCandidates,
} from '../../src/engine/debugfiles';
import { put, tempDir } from './helpers';

const HOSTILE = [
  'x/../../../../etc/passwd',
  '..',
  '.',
  '../../../../../planted',
  'x/../../../../..',
  '6.1.0/../../../../..',
  '/',
  '/tmp',
  'a..b',
  'x'.repeat(65),
  '6.1.0\u001b[31m',
  '',
];

let root = '';
let touched: string[] = [];

beforeEach(() => {
  root = tempDir('release');
  // Everything a traversal could reach: a passwd file, a planted module folder, other releases' files.
  put(path.join(root, 'etc/passwd'), 'root:x:0:0');
  put(path.join(root, 'usr/etc/passwd'), 'root:x:0:0');
  put(path.join(root, 'planted/evil.ko'), 'not a module');
  put(path.join(root, 'planted/vmlinux'), 'not a kernel');
  put(path.join(root, 'usr/lib/debug/lib/modules/6.1.0-55-amd64/kernel/evil.ko'), 'another release');
  put(path.join(root, 'lib/modules/6.1.0-55-amd64/evil.ko'), 'another release');
  put(path.join(root, 'usr/lib/debug/boot/vmlinux-6.1.0-55-amd64'), 'another release');
  touched = [];
  for (const name of ['statSync', 'readdirSync', 'existsSync', 'openSync', 'readFileSync'] as const) {
    const real = fs[name] as (...a: unknown[]) => unknown;
    mock.method(fs, name, (...args: unknown[]) => {
      touched.push(String(args[0]));
      return real.apply(fs, args);
    });
  }
  // The engine imports `node:fs` as a namespace: make it see the recording methods.
  syncBuiltinESMExports();
});

afterEach(() => {
  mock.restoreAll();
  syncBuiltinESMExports();
  fs.rmSync(root, { recursive: true, force: true });
});

test('a release is [A-Za-z0-9._+~-]{1,64} without `..` and not `.`', () => {
  for (const good of ['6.1.0-56-amd64', '5.15.0-1034-azure', '6.8.0-rc1+', '4.19.0~bpo9', '6.6.14_1.x86_64'])
    assert.equal(isKernelRelease(good), true, good);
  for (const bad of HOSTILE) assert.equal(isKernelRelease(bad), false, JSON.stringify(bad));
  for (const bad of HOSTILE) {
    assert.deepEqual(vmlinuxCandidates(bad, root), [], bad);
    assert.deepEqual(moduleDirCandidates(bad, root), [], bad);
  }
});

test('hostile releases: nothing is opened or listed, nothing is found, one note says why', () => {
  for (const release of HOSTILE.filter((r) => r !== '')) {
    touched = [];
    const r = locateDebugFiles({
      settings: NO_DEBUG_FILE_SETTINGS,
      release,
      modules: ['evil', 'buggy'],
      systemRoot: root,
    });
    assert.equal(r.vmlinux, null, release);
    assert.deepEqual([...r.modules.keys()], [], release);
    assert.deepEqual(touched, [], `${JSON.stringify(release)} touched ${touched.join(', ')}`);
    assert.equal(r.notes.length, 1, release);
    assert.match(r.notes[0], /is not a kernel release/);
    assert.doesNotMatch(r.notes[0], /[\n\u001b]/);
  }
});

test('a valid release only touches its own folders under the system root', () => {
  const rel = '6.1.0-56-amd64';
  const mine = put(path.join(root, `lib/modules/${rel}/kernel/buggy.ko`), 'x');
  const r = locateDebugFiles({
    settings: NO_DEBUG_FILE_SETTINGS,
    release: rel,
    modules: ['evil', 'buggy'],
    systemRoot: root,
  });
  assert.deepEqual(
    Object.fromEntries([...r.modules].map(([k, v]) => [k, v.path])),
    { buggy: mine },
    'the other release and the planted folder stay out',
  );
  assert.ok(touched.length > 0);
  for (const p of touched)
    assert.ok(
      [
        `${root}/usr/lib/debug/boot/vmlinux-${rel}`,
        `${root}/usr/lib/debug/lib/modules/${rel}`,
        `${root}/usr/lib/debug/modules/${rel}`,
        `${root}/usr/lib/debug/vmlinux-${rel}`,
        `${root}/lib/modules/${rel}`,
        `${root}/boot/vmlinux-${rel}`,
      ].some((allowed) => p === allowed || p.startsWith(allowed + '/')),
      `touched ${p}`,
    );
});

test('releaseOf skips printed releases that are not kernel releases', () => {
  const cpu = (rel: string) =>
    `BUG: kernel NULL pointer dereference, address: 0000000000000000\nCPU: 0 PID: 1 Comm: sh Not tainted ${rel} #1\nCall Trace:\n foo+0x1/0x2\n`;
  assert.equal(releaseOf(analyzeText(cpu('x/../../../../etc/passwd'))), null);
  assert.equal(releaseOf(analyzeText(cpu('..'))), null);
  assert.equal(releaseOf(analyzeText(cpu('6.1.0-56-amd64'))), '6.1.0-56-amd64');
  assert.equal(releaseOf(analyzeText(cpu('..') + '\n' + cpu('6.1.0-56-amd64'))), '6.1.0-56-amd64');
});
