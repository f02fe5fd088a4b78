// Where sources are read from: several source roots, the build-prefix path map (`~` expanded), workspace
// folders — and never a file outside them, whatever path a debug file names (symlinks resolved first).
// A miss is not remembered for long: a file that appears is found.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SourceMapper } from '../../src/engine/debugfiles';
import { openDebugFile } from '../../src/engine/symbolize';
import { hasTool } from '../symbolize/helpers';
import { put, tempDir } from './helpers';

test('several source roots: a kernel tree and a module folder both map; the path map wins and expands ~', () => {
  const kernel = tempDir('kernel');
  const mod = tempDir('module');
  const home = tempDir('home-src');
  try {
    const rw = put(path.join(kernel, 'fs/read_write.c'));
    const buggy = put(path.join(mod, 'buggy.c'));
    const m = new SourceMapper({ sourceRoots: [kernel, mod] });
    assert.equal(m.resolve('debian/build/build_amd64_none_amd64/fs/read_write.c'), rw);
    assert.equal(m.resolve('/var/lib/dkms/buggy/1.0/build/buggy.c'), buggy);
    const mapped = put(path.join(home, 'sub/buggy.c'));
    const rel = path.relative(os.homedir(), home);
    // Only when the temporary folder is under the home folder can `~` name it.
    const to = rel && !rel.startsWith('..') ? `~/${rel}/sub` : path.join(home, 'sub');
    const pm = new SourceMapper({ sourceRoots: [mod], pathMap: { '/var/lib/dkms/buggy/1.0/build/': to } });
    assert.equal(pm.resolve('/var/lib/dkms/buggy/1.0/build/buggy.c'), mapped);
    // Whole components only: /var/lib/dkms/buggy/1.0/buildx is not under the prefix.
    assert.equal(pm.resolve('/var/lib/dkms/buggy/1.0/buildx/buggy.c'), buggy);
  } finally {
    for (const d of [kernel, mod, home]) fs.rmSync(d, { recursive: true, force: true });
  }
});

test('a file outside every source folder is never returned: absolute paths, .. parts, symlinks, map targets escaping', () => {
  const root = tempDir('root');
  const secret = tempDir('secret');
  try {
    const key = put(path.join(secret, 'id_rsa'), 'PRIVATE KEY');
    const m = new SourceMapper({ sourceRoots: [root] });
    assert.equal(m.resolve(key), null, 'an absolute path elsewhere');
    assert.equal(m.resolve(`../../../../../../..${key}`), null, '.. parts');
    fs.symlinkSync(key, path.join(root, 'id_rsa'));
    assert.equal(
      new SourceMapper({ sourceRoots: [root] }).resolve('/build/id_rsa'),
      null,
      'a symlink out of the root',
    );
    fs.mkdirSync(path.join(root, 'inner'));
    const mapOut = new SourceMapper({ sourceRoots: [root], pathMap: { '/b': path.join(root, 'inner') } });
    assert.equal(mapOut.resolve(`/b/../../${path.basename(secret)}/id_rsa`), null, 'a map target left by ..');
    // A symlink inside the root to a file inside it is fine.
    const real = put(path.join(root, 'real.c'));
    fs.symlinkSync(real, path.join(root, 'link.c'));
    assert.equal(new SourceMapper({ sourceRoots: [root] }).resolve('/x/link.c'), path.join(root, 'link.c'));
  } finally {
    for (const d of [root, secret]) fs.rmSync(d, { recursive: true, force: true });
  }
});

test('a miss is not remembered for long: a source file that appears is found without a new mapper', async () => {
  const ws = tempDir('ws');
  try {
    const m = new SourceMapper({ workspaceFolders: [ws] });
    assert.equal(m.resolve('/var/lib/dkms/buggy/1.0/build/buggy.c'), null);
    assert.match(
      m.explainMiss('/var/lib/dkms/buggy/1.0/build/buggy.c'),
      /is not under `.*ws.*`.*kernelOops\.sourcePathMap.*\/var\/lib\/dkms\/buggy\/1\.0\/build/,
    );
    const c = put(path.join(ws, 'buggy.c'));
    await new Promise((r) => setTimeout(r, 2100));
    assert.equal(m.resolve('/var/lib/dkms/buggy/1.0/build/buggy.c'), c);
  } finally {
    fs.rmSync(ws, { recursive: true, force: true });
  }
});

test(
  'a .ko whose line table names a file outside the source folders (a stand-in for ~/.ssh/id_rsa): never mapped',
  { skip: hasTool('gcc') ? false : 'gcc missing' },
  () => {
    const dir = tempDir('hostile');
    const secret = tempDir('secret');
    try {
      // The "secret" is a C file so that gcc's line table names it by its absolute path.
      const key = put(path.join(secret, 'id_rsa.c'), 'int hostile(int x)\n{\n\treturn x + 1;\n}\n');
      const ko = path.join(dir, 'hostile.ko');
      const r = spawnSync('gcc', ['-g', '-O1', '-c', key, '-o', ko], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      const df = openDebugFile(ko);
      const l = df.lookupSymbol('hostile', 0, null);
      assert.equal(l.frames[0].file, key, 'the line table names the secret file');
      const ws = tempDir('ws');
      try {
        const m = new SourceMapper({ sourceRoots: [dir], workspaceFolders: [ws] });
        assert.equal(m.resolve(key), null);
      } finally {
        fs.rmSync(ws, { recursive: true, force: true });
      }
    } finally {
      for (const d of [dir, secret]) fs.rmSync(d, { recursive: true, force: true });
    }
  },
);
