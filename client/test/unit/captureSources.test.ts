// Capture's sources and verdicts, without VS Code: the commands as argument arrays in the order tried,
// journalctl's "nothing here" output told from a log, refusals for lack of privilege told from absence.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  captureFailureMessage,
  captureSources,
  describeSource,
  hasLogLines,
  isPermissionProblem,
  kernLogPath,
  pstoreDirs,
  pstoreFailureMessage,
} from '../../src/captureSources';

test('this boot: journalctl -b 0, then dmesg, then kern.log; previous boot: journalctl -b -1, then kern.log', () => {
  assert.deepEqual(captureSources('this', '/k').map(describeSource), [
    'journalctl -k -b 0 -o short-monotonic --no-pager',
    'dmesg',
    '/k',
  ]);
  assert.deepEqual(captureSources('previous', '/k').map(describeSource), [
    'journalctl -k -b -1 -o short-monotonic --no-pager',
    '/k',
  ]);
  const [journal] = captureSources('previous', '/k');
  assert.ok(journal.kind === 'command' && journal.args.every((a) => !a.includes(' ')), 'one argument each');
  assert.equal(kernLogPath({}), '/var/log/kern.log');
  assert.equal(kernLogPath({ KERNEL_OOPS_LENS_KERN_LOG: '/tmp/x' }), '/tmp/x');
});

test("journalctl's markers and hints are not log lines; a printk line is", () => {
  assert.equal(hasLogLines(''), false);
  assert.equal(hasLogLines('-- No entries --\n'), false);
  assert.equal(
    hasLogLines('-- Boot 0a1b --\nHint: You are currently not seeing messages from other users.\n'),
    false,
  );
  assert.equal(hasLogLines('-- No entries --\n[    0.000000] host kernel: Linux version 6.1.0\n'), true);
});

test('refusals for lack of privilege, as dmesg, journalctl and Node word them', () => {
  for (const said of [
    'dmesg: read kernel buffer failed: Operation not permitted',
    'journalctl: No journal files were opened due to insufficient permissions.',
    "EACCES: permission denied, open '/var/log/kern.log'",
  ])
    assert.ok(isPermissionProblem(said), said);
  for (const said of ['journalctl: not installed (not found in PATH)', '/var/log/kern.log: not found'])
    assert.ok(!isPermissionProblem(said), said);
  assert.match(
    captureFailureMessage('this boot', ['dmesg: read kernel buffer failed: Operation not permitted']),
    /not allowed .*dmesg_restrict.*sudo dmesg/,
  );
  assert.match(
    captureFailureMessage('this boot', ['/k: not found']),
    /^Kernel Oops Lens: no kernel log of this boot found \(\/k: not found\)\.$/,
  );
});

test('pstore: folders from the environment, and a refusal told from an empty pstore', () => {
  assert.equal(pstoreDirs({}), null);
  assert.deepEqual(pstoreDirs({ KERNEL_OOPS_LENS_PSTORE_DIRS: '/a:/b:' }), ['/a', '/b']);
  const denied = pstoreFailureMessage(['/sys/fs/pstore/dmesg-ramoops-0: Permission denied']);
  assert.match(
    denied,
    /not allowed to read the pstore dumps \(\/sys\/fs\/pstore\/dmesg-ramoops-0: Permission denied\)/,
  );
  assert.match(denied, /sudo cp -r \/sys\/fs\/pstore/);
  assert.match(pstoreFailureMessage([]), /^Kernel Oops Lens: no pstore dump found: /);
});
