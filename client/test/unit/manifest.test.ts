// The manifest against the code: settings the server reads have the manifest's defaults, the client id
// matches the trace setting, the language's first-line pattern recognises the log forms it claims.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { DEFAULT_SETTINGS } from '../../../server/src/lsp/settings';

const ROOT = path.resolve(__dirname, '../../..');
const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const properties: Record<
  string,
  { default: unknown; description?: string; enum?: unknown[]; type?: string | string[] }
> = manifest.contributes.configuration.properties;

test('activation on kernel logs, and on the languages whose documents are looked at for one', () => {
  assert.deepEqual(manifest.activationEvents, [
    'onLanguage:kernel-log',
    'onLanguage:log',
    'onLanguage:plaintext',
    'onLanguage:markdown',
  ]);
  assert.equal(manifest.main, './dist/extension.js');
});

test('file names: the usual names of kernel captures are claimed, ordinary logs are not', () => {
  const lang = manifest.contributes.languages[0];
  // VS Code's filenamePatterns are globs on the base name: *, ? and [...] are all they use here.
  const globs = (lang.filenamePatterns as string[]).map(
    (g) =>
      new RegExp(
        `^${g
          .replace(/[.+^${}()|\\]/g, '\\$&')
          .replace(/\*/g, '.*')
          .replace(/\?/g, '.')}$`,
      ),
  );
  const claims = (name: string) =>
    (lang.filenames as string[]).includes(name) ||
    (lang.extensions as string[]).some((e) => name.endsWith(e)) ||
    globs.some((g) => g.test(name));
  for (const name of [
    'dmesg',
    'dmesg.log',
    'dmesg-boot.log',
    'dmesg.txt',
    'serial.log',
    'serial-ttyS0.log',
    'ttyS0.log',
    'ttyAMA0.log',
    'host1.console.log',
    'console.log',
    'kern.log',
    'kern.log.1',
    'vmcore-dmesg.txt',
    'crash.oops',
  ])
    assert.ok(claims(name), name);
  for (const name of ['app.log', 'server.log', 'build.log', 'notes.txt', 'messages', 'syslog', 'report.txt'])
    assert.ok(!claims(name), name);
});

test('every setting is under kernelOops.* with a description and a default', () => {
  for (const [key, p] of Object.entries(properties)) {
    assert.match(key, /^kernelOops\./);
    assert.ok(p.description && p.description.length > 20, `${key} has no real description`);
    assert.ok('default' in p, `${key} has no default`);
    if (p.enum) assert.ok(p.enum.includes(p.default), `${key}: default not among its values`);
  }
});

test("the server's defaults are the manifest's defaults, setting for setting", () => {
  const flat: Record<string, unknown> = {};
  const walk = (o: object, prefix: string) => {
    for (const [k, v] of Object.entries(o)) {
      // A setting whose value is an object (a map such as sourcePathMap) is one setting, not a group.
      const leaf = properties[`${prefix}${k}`]?.type === 'object';
      if (v !== null && typeof v === 'object' && !Array.isArray(v) && !leaf) walk(v, `${prefix}${k}.`);
      else flat[`${prefix}${k}`] = v;
    }
  };
  walk(DEFAULT_SETTINGS, 'kernelOops.');
  for (const [key, value] of Object.entries(flat)) assert.deepEqual(properties[key]?.default, value, key);
  const declared = Object.keys(properties).filter((k) => k !== 'kernelOops.trace.server');
  assert.deepEqual(
    declared.sort(),
    Object.keys(flat).sort(),
    'settings declared but not read by the server, or the reverse',
  );
});

test('the client id is the prefix of the trace.server setting', () => {
  const src = readFileSync(path.join(ROOT, 'client/src/extension.ts'), 'utf8');
  const id = /new LanguageClient\('([^']+)'/.exec(src)?.[1];
  assert.ok(id);
  assert.ok(properties[`${id}.trace.server`], `${id}.trace.server is not declared`);
  assert.deepEqual(properties[`${id}.trace.server`].enum, ['off', 'messages', 'compact', 'verbose']);
});

test('the grammar contribution points at a grammar with that scope', () => {
  const [g] = manifest.contributes.grammars;
  const file = path.join(ROOT, g.path);
  assert.ok(existsSync(file), `${g.path} missing`);
  assert.equal(JSON.parse(readFileSync(file, 'utf8')).scopeName, g.scopeName);
  assert.equal(g.language, 'kernel-log');
});

test('firstLine recognises dmesg, kmsg, banner and journal first lines, and nothing else', () => {
  const firstLine = new RegExp(manifest.contributes.languages[0].firstLine);
  for (const yes of [
    '[    0.000000] Linux version 6.1.0-56-amd64',
    '<6>[    0.000000] Linux version 6.1.0',
    'Linux version 6.1.0-56-amd64 (debian-kernel@lists.debian.org)',
    '6,1234,5678901,-;usb 1-1: new high-speed USB device',
    'Nov 22 10:15:01 build01 kernel: [ 1204.939013] usb 1-1: new device',
    'Nov  2 10:15:01 build01 kernel: usb 1-1: new device',
    '2026-11-22T10:15:01+0000 build01 kernel: usb 1-1: new device',
  ]) {
    assert.ok(firstLine.test(yes), yes);
  }
  for (const no of [
    'Shopping list',
    '# Linux version notes',
    'Nov 22 10:15:01 build01 sshd[123]: Accepted',
    '[section]',
    '2026-11-22 INFO started',
  ]) {
    assert.ok(!firstLine.test(no), no);
  }
});
