// KernelEvent.location: the `at sym+off/size [mod]` a WARNING header names (kernel/panic.c __warn), a frame
// on the header line that go-to-source and `oops-lens decode` treat like the IP.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeText } from '../../src/engine';

function firstEvent(log: string) {
  const a = analyzeText(log);
  assert.ok(a.events.length > 0, 'an event');
  return a.events[0];
}

test('WARNING with a file and a module: the symbol token on the header line', () => {
  const line =
    '[    4.939013] WARNING: CPU: 0 PID: 115 at /var/lib/dkms/buggy/1.0/build/buggy.c:84 buggy_warn_on+0x1b/0x29 [buggy]';
  const e = firstEvent(line + '\n[    4.939420] Modules linked in: buggy(OE)\n');
  assert.ok(e.location);
  assert.equal(e.location.function, 'buggy_warn_on');
  assert.equal(e.location.offset, 0x1b);
  assert.equal(e.location.size, 0x29);
  assert.equal(e.location.module, 'buggy');
  assert.equal(e.location.line, 0);
  assert.equal(line.slice(e.location.span.start, e.location.span.end), 'buggy_warn_on');
});

test('WARNING without a module, with a compiler suffix, behind a syslog prefix', () => {
  const line =
    'Nov 22 06:00:00 host kernel: WARNING: CPU: 0 PID: 0 at kernel/context_tracking.c:128 ct_kernel_exit.constprop.0+0xa0/0xb0';
  const e = firstEvent(line + '\n');
  assert.ok(e.location);
  assert.equal(e.location.function, 'ct_kernel_exit.constprop.0');
  assert.equal(e.location.module, null);
  assert.equal(line.slice(e.location.span.start, e.location.span.end), 'ct_kernel_exit.constprop.0');
});

test('WARNING `at func+off/size` without a file', () => {
  const line = 'WARNING: CPU: 1 PID: 7 at do_thing+0x10/0x40 [mod_x]';
  const e = firstEvent(line + '\n');
  assert.equal(e.location?.function, 'do_thing');
  assert.equal(e.location?.module, 'mod_x');
});

test('no location: a bare WARNING header, or an event whose header names no symbol', () => {
  assert.equal(firstEvent('WARNING: CPU: 0 PID: 1 at\n').location, null);
  assert.equal(
    firstEvent('BUG: kernel NULL pointer dereference, address: 0000000000000008\n').location,
    null,
  );
  assert.equal(firstEvent('WARNING: CPU: 0 PID: 1 at kernel/foo.c:12 not a symbol\n').location, null);
});
