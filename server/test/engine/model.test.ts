// The one frame formatter (frameText): a frame prints back as the kernel printed it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeText, frameText } from '../../src/engine';

test('frameText gives back the frame text the kernel printed', () => {
  const printed = [
    'demo_queue_push+0x2c/0x90 [demo_drv]',
    'do_syscall_64+0x5c/0x90',
    'entry_SYSCALL_64_after_hwframe+0x63/0xcd',
    'frob_attach+0x1a/0x40 [frob 0123456789abcdef0123456789abcdef01234567]',
  ];
  const log = [
    'BUG: kernel NULL pointer dereference, address: 0000000000000008',
    'Oops: 0002 [#1] PREEMPT SMP NOPTI',
    'Call Trace:',
    ' <TASK>',
    ...printed.map((p) => ` ${p}`),
    ' </TASK>',
  ].join('\n');
  const frames = analyzeText(log).events[0].traces[0].frames;
  assert.deepEqual(
    frames.map(frameText),
    // A build id is not part of what the formatter prints.
    printed.map((p) => p.replace(/ [0-9a-f]{40}\]$/, ']')),
  );
});

test('frameText: what the log did not print is left out, never filled in', () => {
  const base = { function: null, offset: null, size: null, module: null, address: null };
  assert.equal(frameText({ ...base, function: 'schedule' }), 'schedule');
  assert.equal(frameText({ ...base, function: 'f', offset: 0x10 }), 'f+0x10');
  assert.equal(frameText({ ...base, address: 'ffffffffc0a12345', module: 'm' }), '0xffffffffc0a12345 [m]');
  assert.equal(frameText(base), '?');
});
