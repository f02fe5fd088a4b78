// Content detection (client/src/kernelLogContent.ts) on real kernel logs in the forms users save them,
// and on text that is not one: real application logs, C, Markdown.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { DETECT_LIMIT, kernelLogEvidence, looksLikeKernelLog, mayDetect } from '../../src/kernelLogContent';
import { QEMU_ARM64_LOGS, QEMU_LOGS } from '../../../server/test/engine/fixtures';
import { loadSyzkallerCases } from '../../../server/test/engine/syzkaller-corpus';

const ROOT = path.resolve(__dirname, '../../..');
const NEGATIVES = path.join(ROOT, 'test-fixtures/detect');
const read = (file: string) => readFileSync(file, 'utf8');
const qemuLogs = [QEMU_LOGS, QEMU_ARM64_LOGS].flatMap((dir) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.console.log'))
    .map((f) => path.join(dir, f)),
);
const why = (text: string) => {
  const e = kernelLogEvidence(text);
  return JSON.stringify({ ...e, markers: [...e.markers] });
};

test('every real qemu serial capture (x86_64 and arm64) is a kernel log', () => {
  assert.ok(qemuLogs.length >= 25, `only ${qemuLogs.length} logs`);
  for (const file of qemuLogs) assert.ok(looksLikeKernelLog(read(file)), file);
});

/** printk lines of a capture as journalctl -k and as syslog print them, and with no prefix at all. */
function reshaped(log: string): Record<string, string> {
  const lines = log.split(/\r\n|\r|\n/).filter((l) => /^\[ *\d+\.\d{6}\] /.test(l));
  const body = lines.map((l) => l.replace(/^\[ *\d+\.\d{6}\] /, ''));
  return {
    journal: body.map((l) => `Nov 22 10:15:01 host1 kernel: ${l}`).join('\n'),
    iso: body.map((l) => `2026-11-22T10:15:01+0000 host1 kernel: ${l}`).join('\n'),
    kmsg: body.map((l, i) => `4,${i},${1000 * i},-;${l}`).join('\n'),
    bare: body.filter((l) => !l.startsWith(' ') || /\+0x/.test(l)).join('\n'),
    crlf: lines.join('\r\n'),
  };
}

test('the same logs saved as journalctl -k, syslog, /dev/kmsg or without timestamps', () => {
  for (const file of qemuLogs) {
    const reportStart = read(file).search(
      /\[ *\d+\.\d{6}\] (?:BUG:|Oops|WARNING:|Kernel panic|INFO: task|watchdog:|\S+ invoked oom)/,
    );
    // From the report on, as people paste them (the boot part alone has no report lines to go by).
    for (const [form, text] of Object.entries(reshaped(read(file).slice(Math.max(0, reportStart)))))
      assert.ok(looksLikeKernelLog(text), `${path.basename(file)} as ${form}: ${why(text)}`);
  }
});

test('syzkaller console logs and reports, positive and negative cases alike, are kernel logs', () => {
  const cases = loadSyzkallerCases();
  assert.ok(cases.length > 400, `${cases.length} cases`);
  // Two cases are not kernel output: an executor's failure message, and a boot fragment with no prefix.
  const notKernelOutput = new Set(['601', '710']);
  let checked = 0;
  for (const c of cases) {
    if (c.log.split('\n').filter((l) => l.trim()).length < 10 || notKernelOutput.has(c.name)) continue;
    checked++;
    assert.ok(looksLikeKernelLog(c.log), `report/${c.name}: ${why(c.log)}`);
  }
  assert.ok(checked > 400, `${checked} checked`);
});

test('a syzbot email: its header alone is enough', () => {
  const email = [
    'Hello,',
    '',
    'syzbot found the following issue on:',
    '',
    "HEAD commit:    3f01e9fed845 Merge tag 'net-6.4-rc4' of git://git.kernel.org/pub/scm/linux/kernel/git/netdev/net",
    'git tree:       upstream',
    'console output: https://syzkaller.appspot.com/x/log.txt?x=1',
    'dashboard link: https://syzkaller.appspot.com/bug?extid=1',
  ].join('\n');
  assert.ok(looksLikeKernelLog(email), why(email));
});

test('application logs, C and Markdown are not kernel logs', () => {
  const samples = [
    ...readdirSync(NEGATIVES).map((f) => path.join(NEGATIVES, f)),
    path.join(QEMU_LOGS, '../module/buggy.c'),
    path.join(ROOT, 'test-fixtures/symbolize/chain.c'),
    path.join(ROOT, 'ARCHITECTURE.md'),
    path.join(ROOT, 'docs/editors.md'),
    path.join(ROOT, 'client/src/kernelLogContent.ts'),
  ];
  for (const file of samples) assert.ok(!looksLikeKernelLog(read(file)), `${file}: ${why(read(file))}`);
});

test('only the first 64 KB are read', () => {
  const log = read(path.join(QEMU_LOGS, 'null_read.console.log'));
  const filler = read(path.join(NEGATIVES, 'dpkg.log'));
  const padding = filler.repeat(Math.ceil(DETECT_LIMIT / filler.length));
  assert.ok(looksLikeKernelLog(padding.slice(0, DETECT_LIMIT - 40_000) + log));
  assert.ok(!looksLikeKernelLog(padding + log), 'a log after 64 KB of other text was found');
});

test('one phrase repeated, or two timestamped lines, are not enough', () => {
  assert.ok(!looksLikeKernelLog('BUG: fix the login form\n'.repeat(50)));
  assert.ok(!looksLikeKernelLog('[    1.000000] a\n[    2.000000] b\nsome notes\n'));
  assert.ok(looksLikeKernelLog('[    1.000000] a\n[    2.000000] b\n[    3.000000] c\n'));
});

test('which documents may be switched: Log, Plain Text, guessed Markdown; files only', () => {
  assert.ok(mayDetect('log', 'file', '/logs/dmesg.log'));
  assert.ok(mayDetect('plaintext', 'file', '/logs/oops.txt'));
  assert.ok(mayDetect('plaintext', 'untitled', 'Untitled-1'));
  assert.ok(mayDetect('markdown', 'file', '/var/log/messages'));
  assert.ok(mayDetect('markdown', 'untitled', 'Untitled-2'));
  assert.ok(mayDetect('plaintext', 'vscode-remote', '/home/u/report0'));
  assert.ok(!mayDetect('markdown', 'file', '/home/u/notes.md'));
  assert.ok(!mayDetect('markdown', 'file', '/home/u/NOTES.Markdown'));
  assert.ok(!mayDetect('c', 'file', '/src/buggy.c'));
  assert.ok(!mayDetect('kernel-log', 'file', '/logs/kern.log'));
  assert.ok(!mayDetect('log', 'output', 'extension-output-#1'));
  assert.ok(!mayDetect('plaintext', 'git', '/logs/oops.txt'));
});
