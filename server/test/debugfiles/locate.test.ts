// Where debug files are found: settings, the release's distribution paths, workspace folders; module
// names with `-` and `_` alike; compressed modules; source-path mapping onto the user's tree.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  buildIdMismatch,
  displaySourcePath,
  locateDebugFiles,
  NO_DEBUG_FILE_SETTINGS,
  prepareDebugFile,
  SourceMapper,
} from '../../src/engine/debugfiles';
import { openDebugFile } from '../../src/engine/symbolize';
import { BUGGY_BUILD_ID, BUGGY_KO, buggyWithOtherBuildId, put, tempDir } from './helpers';

const REL = '6.1.0-56-amd64';

test('vmlinux: the setting wins; else the release paths in tool order; else the workspace; a missing setting is a note', () => {
  const root = tempDir('root');
  const ws = tempDir('ws');
  try {
    const set = { ...NO_DEBUG_FILE_SETTINGS };
    const req = { settings: set, release: REL, modules: [], systemRoot: root, workspaceFolders: [ws] };
    assert.equal(locateDebugFiles(req).vmlinux, null);
    put(path.join(ws, 'vmlinux'));
    assert.deepEqual(locateDebugFiles(req).vmlinux, { path: path.join(ws, 'vmlinux'), source: 'workspace' });
    const build = put(path.join(root, `lib/modules/${REL}/build/vmlinux`));
    assert.equal(locateDebugFiles(req).vmlinux?.path, build);
    const dbg = put(path.join(root, `usr/lib/debug/boot/vmlinux-${REL}`));
    assert.equal(locateDebugFiles(req).vmlinux?.path, dbg);
    assert.match(locateDebugFiles(req).vmlinux!.source, /release search/);
    // Another release does not match.
    assert.equal(locateDebugFiles({ ...req, release: '6.1.0-55-amd64', workspaceFolders: [] }).vmlinux, null);
    const mine = put(path.join(ws, 'my-vmlinux'));
    assert.deepEqual(locateDebugFiles({ ...req, settings: { ...set, vmlinux: mine } }).vmlinux, {
      path: mine,
      source: 'setting',
    });
    const missing = locateDebugFiles({ ...req, settings: { ...set, vmlinux: path.join(ws, 'nope') } });
    assert.equal(missing.vmlinux?.path, dbg, 'falls back to the search');
    assert.equal(missing.notes.length, 1);
    assert.match(missing.notes[0], /nope: no such file/);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
    fs.rmSync(ws, { recursive: true, force: true });
  }
});

test('modules: `-` and `_` alike, .ko.debug and compressed forms, uncompressed preferred, setting before release paths before workspace', () => {
  const root = tempDir('root');
  const mine = tempDir('mods');
  const ws = tempDir('ws');
  try {
    const dbg = put(path.join(root, `usr/lib/debug/lib/modules/${REL}/kernel/drivers/net/e1000e.ko.debug`));
    put(path.join(root, `lib/modules/${REL}/kernel/drivers/net/e1000e.ko.xz`));
    const zst = put(path.join(root, `lib/modules/${REL}/kernel/fs/nls/nls-utf8.ko.zst`));
    const own = put(path.join(mine, 'sub/dir/my_drv.ko'));
    put(path.join(mine, 'sub/my_drv.ko.xz'));
    put(path.join(ws, 'out/my-drv.ko'));
    const wsOnly = put(path.join(ws, 'out/other.ko'));
    put(path.join(ws, 'node_modules/hidden.ko'));
    const r = locateDebugFiles({
      settings: { ...NO_DEBUG_FILE_SETTINGS, modulePaths: [mine, path.join(mine, 'absent')] },
      release: REL,
      modules: ['e1000e', 'nls_utf8', 'my-drv', 'other', 'hidden', 'absent_mod'],
      systemRoot: root,
      workspaceFolders: [ws],
    });
    assert.deepEqual(Object.fromEntries([...r.modules].map(([k, v]) => [k, v.path])), {
      my_drv: own,
      e1000e: dbg,
      nls_utf8: zst,
      other: wsOnly,
    });
    assert.equal(r.modules.get('my_drv')!.source, 'setting');
    assert.equal(r.modules.get('other')!.source, 'workspace');
    assert.deepEqual(r.notes, [`module path ${path.join(mine, 'absent')} does not exist`]);
    // A .ko file given directly.
    const direct = locateDebugFiles({
      settings: { ...NO_DEBUG_FILE_SETTINGS, modulePaths: [own] },
      release: null,
      modules: ['my_drv'],
    });
    assert.equal(direct.modules.get('my_drv')?.path, own);
  } finally {
    for (const d of [root, mine, ws]) fs.rmSync(d, { recursive: true, force: true });
  }
});

test('compressed modules are decompressed once into the cache (xz and zstd by their commands, gzip by zlib); garbage gives a clear message', async () => {
  const dir = tempDir('z');
  const cache = path.join(dir, 'cache');
  try {
    const tools: [string, string[]][] = [
      ['gzip', ['-k']],
      ['xz', ['-k']],
      ['zstd', ['-q', '-k']],
    ];
    for (const [tool, args] of tools) {
      const sub = path.join(dir, tool);
      fs.mkdirSync(sub);
      fs.copyFileSync(BUGGY_KO, path.join(sub, 'buggy.ko'));
      if (spawnSync(tool, [...args, path.join(sub, 'buggy.ko')]).status !== 0) continue;
      const ext = { gzip: 'gz', xz: 'xz', zstd: 'zst' }[tool];
      const p = await prepareDebugFile(path.join(sub, `buggy.ko.${ext}`), cache);
      assert.ok(p.ok, JSON.stringify(p));
      assert.equal(path.basename(p.path), 'buggy.ko', 'the symbolizer knows modules by name');
      assert.ok(fs.readFileSync(p.path).equals(fs.readFileSync(BUGGY_KO)), `${tool}: same bytes`);
      assert.equal(openDebugFile(p.path).buildId, BUGGY_BUILD_ID);
      assert.equal((await prepareDebugFile(path.join(sub, `buggy.ko.${ext}`), cache)).ok, true);
    }
    const bad = put(path.join(dir, 'bad/buggy.ko.xz'), 'not xz at all');
    const r = await prepareDebugFile(bad, cache);
    assert.equal(r.ok, false);
    if (!r.ok) {
      assert.match(r.error, /buggy\.ko\.xz/);
      assert.doesNotMatch(r.error, /\n/);
    }
    const plain = await prepareDebugFile(BUGGY_KO, cache);
    assert.deepEqual(plain, { ok: true, path: BUGGY_KO, decompressed: false });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('build ids: equal or printed prefix pass; another id or none is a one-line message naming the file', () => {
  const dir = tempDir('bid');
  try {
    const other = buggyWithOtherBuildId(path.join(dir, 'buggy.ko'));
    const actual = openDebugFile(other).buildId;
    assert.notEqual(actual, BUGGY_BUILD_ID);
    assert.equal(buildIdMismatch('buggy', BUGGY_KO, BUGGY_BUILD_ID, BUGGY_BUILD_ID), null);
    assert.equal(
      buildIdMismatch('buggy', BUGGY_KO, BUGGY_BUILD_ID.slice(0, 16).toUpperCase(), BUGGY_BUILD_ID),
      null,
    );
    assert.equal(buildIdMismatch('buggy', BUGGY_KO, null, actual), null);
    const m = buildIdMismatch('buggy', other, BUGGY_BUILD_ID, actual);
    assert.ok(
      m && m.includes(other) && m.includes(BUGGY_BUILD_ID) && m.includes(actual!) && !m.includes('\n'),
      m ?? '',
    );
    assert.match(buildIdMismatch('buggy', other, BUGGY_BUILD_ID, null)!, /no build id/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('source mapping: source roots first, longest existing suffix, then workspace folders, then the path itself inside them; display drops build prefixes', () => {
  const tree = tempDir('src');
  const ws = tempDir('ws');
  try {
    const rw = put(path.join(tree, 'fs/read_write.c'));
    const wsRw = put(path.join(ws, 'fs/read_write.c'));
    const shallow = put(path.join(tree, 'read_write.c'));
    const entry = put(path.join(ws, 'arch/x86/entry/entry_64.S'));
    const buggy = put(path.join(tree, 'buggy.c'));
    const m = new SourceMapper({ sourceRoots: [tree], workspaceFolders: [ws] });
    assert.equal(
      m.resolve('debian/build/build_amd64_none_amd64/fs/read_write.c'),
      rw,
      'longest suffix, not the shallow read_write.c',
    );
    assert.equal(m.resolve('/build/reproducible-path/linux-6.1.192/arch/x86/entry/entry_64.S'), entry);
    assert.equal(m.resolve('/var/lib/dkms/buggy/1.0/build/buggy.c'), buggy);
    assert.equal(m.resolve('mm/memory.c'), null);
    assert.equal(
      new SourceMapper({ workspaceFolders: [ws] }).resolve('debian/build/x/fs/read_write.c'),
      wsRw,
    );
    assert.equal(
      new SourceMapper({}).resolve(rw),
      null,
      'an absolute path outside every source folder is never used',
    );
    assert.equal(new SourceMapper({ sourceRoots: [tree] }).resolve(rw), rw, 'inside a root it is used as is');
    void shallow;
    assert.equal(displaySourcePath('debian/build/build_amd64_none_amd64/fs/read_write.c'), 'fs/read_write.c');
    assert.equal(
      displaySourcePath('/build/reproducible-path/linux-6.1.192/arch/x86/entry/entry_64.S'),
      'arch/x86/entry/entry_64.S',
    );
    assert.equal(
      displaySourcePath('/usr/src/linux-headers-6.1.0-56-common/include/linux/list.h'),
      'include/linux/list.h',
    );
    assert.equal(
      displaySourcePath('/var/lib/dkms/buggy/1.0/build/buggy.c'),
      '/var/lib/dkms/buggy/1.0/build/buggy.c',
    );
  } finally {
    fs.rmSync(tree, { recursive: true, force: true });
    fs.rmSync(ws, { recursive: true, force: true });
  }
});
