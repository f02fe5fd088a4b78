// The line normaliser: every prefix form the kernel, dmesg, syslog, journalctl and /dev/kmsg put before
// the kernel's message, with the message's original column kept (so ranges point at the user's text).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeLine, splitLines, toColumn, type NormalizedLine } from '../../src/engine';
import { qemuLog } from './fixtures';

/** Asserts the message and that it really starts at `start` in the raw line. */
function expectMessage(raw: string, message: string): NormalizedLine {
  const nl = normalizeLine(raw);
  assert.equal(nl.message, message, `message of ${JSON.stringify(raw)}`);
  if (message.length > 0) {
    assert.equal(
      raw.slice(toColumn(nl, 0), toColumn(nl, 0) + message.length),
      message,
      'original column of the message',
    );
  }
  return nl;
}

test('printk timestamp [   12.345678]', () => {
  const nl = expectMessage('[   12.345678] Call Trace:', 'Call Trace:');
  assert.equal(nl.start, 15);
  assert.equal(nl.time, 12.345678);
  assert.equal(nl.caller, null);
  assert.equal(nl.level, null);
  assert.equal(expectMessage('[12345.678901] Oops: 0000 [#1] SMP', 'Oops: 0000 [#1] SMP').time, 12345.678901);
});

test('a line that is only a timestamp has an empty message', () => {
  assert.equal(normalizeLine('[    5.559828]').message, '');
  assert.equal(normalizeLine('[    5.559828] ').message, '');
});

test('kernel indentation is kept after the prefix (frames, context markers, OOM rows)', () => {
  expectMessage('[    5.564250]  ? __handle_mm_fault+0x97b/0xfa0', ' ? __handle_mm_fault+0x97b/0xfa0');
  expectMessage('[    5.563402]  <TASK>', ' <TASK>');
  expectMessage('[  144.210117][T11794]  <IRQ>', ' <IRQ>');
  expectMessage('[  512.331092]        __mutex_lock+0x8b/0x900', '       __mutex_lock+0x8b/0x900');
  expectMessage(' ? foo+0x1/0x2', ' ? foo+0x1/0x2');
});

test('dmesg -T human-readable timestamps', () => {
  const nl = expectMessage(
    '[Sun Nov 22 10:00:00 2026] BUG: kernel NULL pointer dereference, address: 0000000000000010',
    'BUG: kernel NULL pointer dereference, address: 0000000000000010',
  );
  assert.equal(nl.start, 27);
  expectMessage('[Mon Nov  2 09:05:07 2026]  ? vfs_write+0xc7/0x3f0', ' ? vfs_write+0xc7/0x3f0');
});

test('<N> printk levels, alone and before a timestamp', () => {
  let nl = expectMessage(
    '<4>[   12.345678] WARNING: CPU: 0 PID: 1 at kernel/foo.c:1 foo+0x1/0x2',
    'WARNING: CPU: 0 PID: 1 at kernel/foo.c:1 foo+0x1/0x2',
  );
  assert.equal(nl.level, 4);
  assert.equal(nl.time, 12.345678);
  nl = expectMessage(
    '<0>Kernel panic - not syncing: Fatal exception',
    'Kernel panic - not syncing: Fatal exception',
  );
  assert.equal(nl.level, 0);
  // <12> is facility 1 (user) level 4 as syslog encodes it; the level is the low 3 bits.
  assert.equal(normalizeLine('<12>[    1.000000] hello').level, 4);
});

test('printk caller ids [ T123] / [ C3], separate and fused to the timestamp', () => {
  let nl = expectMessage(
    '[  144.210044][T11794] BUG: kernel NULL pointer dereference, address: 0000000000000008',
    'BUG: kernel NULL pointer dereference, address: 0000000000000008',
  );
  assert.equal(nl.caller, 'T11794');
  assert.equal(nl.time, 144.210044);
  nl = expectMessage(
    '[   44.377931][    C4] BUG: KCSAN: data-race in a / b',
    'BUG: KCSAN: data-race in a / b',
  );
  assert.equal(nl.caller, 'C4');
  nl = expectMessage('[  144.2][T11794] Oops: 0002 [#1]', 'Oops: 0002 [#1]');
  assert.equal(nl.caller, 'T11794');
  assert.equal(nl.time, 144.2);
  nl = expectMessage('[   12.345678] [ T123] Call Trace:', 'Call Trace:');
  assert.equal(nl.caller, 'T123');
  nl = expectMessage('[ C3] hello', 'hello');
  assert.equal(nl.caller, 'C3');
});

test('syslog / journalctl -o short: "Nov 22 10:00:00 host kernel: "', () => {
  expectMessage(
    'Nov 22 10:00:00 host kernel: BUG: unable to handle page fault for address: ffffc90000a3f000',
    'BUG: unable to handle page fault for address: ffffc90000a3f000',
  );
  expectMessage('Nov  2 09:05:07 build-01 kernel:  ? vfs_write+0xc7/0x3f0', ' ? vfs_write+0xc7/0x3f0');
  // kern.log of older rsyslog setups keeps the printk timestamp after the syslog header.
  const nl = expectMessage('Nov 22 10:00:00 host kernel: [   12.345678] Call Trace:', 'Call Trace:');
  assert.equal(nl.time, 12.345678);
  // Older syslog daemons add the (meaningless) pid of the kernel "process".
  expectMessage('Nov 22 10:00:00 host kernel[0]: Oops: 0000 [#1] SMP', 'Oops: 0000 [#1] SMP');
});

test('journalctl -o short-precise: microseconds after the seconds', () => {
  expectMessage('Nov 22 10:00:00.123456 host kernel: RIP: 0010:foo+0x1/0x2', 'RIP: 0010:foo+0x1/0x2');
});

test('journalctl -o short-iso and short-iso-precise (offset with and without a colon)', () => {
  // systemd before v255 prints +0100, later versions +01:00 (RFC 3339).
  expectMessage('2026-11-22T10:00:00+0100 host kernel: Call Trace:', 'Call Trace:');
  expectMessage('2026-11-22T10:00:00+01:00 host kernel: Call Trace:', 'Call Trace:');
  expectMessage('2026-11-22T10:00:00.123456+0100 host kernel:  <TASK>', ' <TASK>');
  expectMessage('2026-11-22T09:00:00.123456Z host kernel: Call Trace:', 'Call Trace:');
});

test('journalctl -o short-monotonic: "[   12.345678] host kernel: "', () => {
  const nl = expectMessage(
    '[    5.559828] debian kernel: BUG: kernel NULL pointer dereference, address: 0000000000000010',
    'BUG: kernel NULL pointer dereference, address: 0000000000000010',
  );
  assert.equal(nl.time, 5.559828);
  // A driver message that merely contains a colon is not a journal header.
  expectMessage('[    5.558827] buggy: null_read', 'buggy: null_read');
});

test('/dev/kmsg records: "level,seq,usec,flags;message"', () => {
  let nl = expectMessage(
    '6,1234,5678,-;e1000e 0000:00:19.0 eth0: NIC Link is Up',
    'e1000e 0000:00:19.0 eth0: NIC Link is Up',
  );
  assert.equal(nl.level, 6);
  assert.equal(nl.time, 0.005678);
  nl = expectMessage(
    '4,1790,144210044,-;BUG: kernel NULL pointer dereference, address: 0000000000000008',
    'BUG: kernel NULL pointer dereference, address: 0000000000000008',
  );
  assert.equal(nl.level, 4);
  assert.equal(nl.time, 144.210044);
  // The facility is encoded above the level (prefix 12 = user.warning).
  assert.equal(normalizeLine('12,9,100,-;hello').level, 4);
  // Continuation records and printk's kmsg caller field.
  expectMessage(
    '4,1791,144210051,c;#PF: supervisor write access in kernel mode',
    '#PF: supervisor write access in kernel mode',
  );
  expectMessage('4,1792,144210117,-,caller=T11794; ? __die+0x23/0x70', ' ? __die+0x23/0x70');
});

test('/dev/kmsg dictionary continuation lines are metadata, not messages', () => {
  assert.equal(normalizeLine(' SUBSYSTEM=pci').message, '');
  assert.equal(normalizeLine(' DEVICE=+pci:0000:00:19.0').message, '');
  // A real indented kernel line is not mistaken for one.
  assert.equal(normalizeLine(' RIP: 0010:foo+0x1/0x2').message, ' RIP: 0010:foo+0x1/0x2');
});

test('splitLines counts \\r\\n, lone \\r and \\n as line breaks', () => {
  assert.deepEqual(splitLines('a\r\nb\rc\nd'), ['a', 'b', 'c', 'd']);
  assert.deepEqual(splitLines('a\r\n\r\nb'), ['a', '', 'b']);
  assert.deepEqual(splitLines('a\n\rb'), ['a', '', 'b']);
  assert.deepEqual(splitLines(''), ['']);
  assert.deepEqual(splitLines('x\r\n'), ['x', '']);
});

test('ANSI colour escapes are removed and columns still point at the original text', () => {
  const raw =
    '\x1b[1;31m[   12.345678] \x1b[0mBUG: kernel NULL pointer dereference, address: 0000000000000010';
  const nl = normalizeLine(raw);
  assert.equal(nl.message, 'BUG: kernel NULL pointer dereference, address: 0000000000000010');
  assert.equal(nl.time, 12.345678);
  assert.equal(toColumn(nl, 0), raw.indexOf('BUG'));
  assert.equal(toColumn(nl, nl.message.indexOf('address')), raw.indexOf('address'));

  // Escapes inside the message: every kept character maps back to itself.
  const raw2 =
    '[    1.000000] \x1b[33mWARNING\x1b[0m: CPU: 0 PID: 1 at \x1b[1mkernel/foo.c:1\x1b[22m foo+0x1/0x2';
  const nl2 = normalizeLine(raw2);
  assert.equal(nl2.message, 'WARNING: CPU: 0 PID: 1 at kernel/foo.c:1 foo+0x1/0x2');
  for (let i = 0; i < nl2.message.length; i++) {
    assert.equal(raw2[toColumn(nl2, i)], nl2.message[i], `character ${i} of the message`);
  }
});

test('serial-console noise: control characters, bells, NULs and terminal resets are dropped', () => {
  const raw = '\x00\x00\x07[    5.561068] RIP: 0010:buggy_null_read_level2+0x5/0x20 [buggy]';
  const nl = normalizeLine(raw);
  assert.equal(nl.message, 'RIP: 0010:buggy_null_read_level2+0x5/0x20 [buggy]');
  assert.equal(toColumn(nl, 0), raw.indexOf('RIP'));
  const raw2 = '\x1b[?7l\x1b[2J\x1b[0mSeaBIOS (version 1.16.2-debian-1.16.2-1)';
  const nl2 = normalizeLine(raw2);
  assert.equal(nl2.message, 'SeaBIOS (version 1.16.2-debian-1.16.2-1)');
  assert.equal(toColumn(nl2, 0), raw2.indexOf('SeaBIOS'));
  // An OSC title sequence (terminal window title) ended by BEL.
  const raw3 = '\x1b]0;root@host: ~\x07[   1.5] hello';
  assert.equal(normalizeLine(raw3).message, 'hello');
});

test('ESC c (terminal reset, as SeaBIOS prints it first) is removed whole', () => {
  const raw = '\x1bc\x1b[?7l\x1b[2J\x1b[0mSeaBIOS (version 1.16.2-debian-1.16.2-1)';
  const nl = normalizeLine(raw);
  assert.equal(nl.message, 'SeaBIOS (version 1.16.2-debian-1.16.2-1)');
  assert.equal(toColumn(nl, 0), raw.indexOf('SeaBIOS'));
});

test('the first line of a real qemu serial capture (SeaBIOS escapes) keeps its columns', (t) => {
  const log = qemuLog('x86_64', 'null_read');
  const first = splitLines(log).find((l) => l.includes('\x1b'));
  assert.ok(first, 'the capture starts with terminal escapes');
  const nl = normalizeLine(first);
  assert.doesNotMatch(nl.message, /\x1b/);
  for (let i = 0; i < nl.message.length; i++) assert.equal(first[toColumn(nl, i)], nl.message[i]);
});

test('lines without a prefix are left alone (interleaved user-space output)', () => {
  const nl = expectMessage('trigger subshell exit status: 137', 'trigger subshell exit status: 137');
  assert.equal(nl.start, 0);
  assert.equal(nl.time, null);
  expectMessage('Killed', 'Killed');
  expectMessage('=== KCRASH TRIGGER null_read ===', '=== KCRASH TRIGGER null_read ===');
});

test('interleaved console output: a printk timestamp inside the line starts the kernel message', () => {
  let nl = expectMessage('syzkaller login: [   16.312051] INFO: task hung in foo', 'INFO: task hung in foo');
  assert.equal(nl.time, 16.312051);
  nl = expectMessage(
    '[    5.100000] usb 1-1: new device[    5.200000] BUG: kernel NULL pointer dereference, address: 0000000000000000',
    'BUG: kernel NULL pointer dereference, address: 0000000000000000',
  );
  assert.equal(nl.time, 5.2);
  // Bracketed text that is not a printk timestamp stays in the message.
  expectMessage(
    '[    1.000000] [drm] Initialized i915 1.6.0 20201103',
    '[drm] Initialized i915 1.6.0 20201103',
  );
  expectMessage('[    1.000000]  buggy_dispatch+0x4d/0x60 [buggy]', ' buggy_dispatch+0x4d/0x60 [buggy]');
});

test('dmesg -x (--decode) facility and level names before the timestamp', () => {
  const nl = expectMessage(
    'kern  :warn  : [    5.559828] BUG: kernel NULL pointer dereference, address: 0000000000000010',
    'BUG: kernel NULL pointer dereference, address: 0000000000000010',
  );
  assert.equal(nl.time, 5.559828);
  expectMessage(
    'kern  :warn  : [    5.564250]  ? __handle_mm_fault+0x97b/0xfa0',
    ' ? __handle_mm_fault+0x97b/0xfa0',
  );
});

test('tabs are kernel text, not noise', () => {
  expectMessage(
    '[  421.880232] rcu: \t1-....: (20999 ticks this GP)',
    'rcu: \t1-....: (20999 ticks this GP)',
  );
});

test('hostile prefixes take bounded time', () => {
  const long = '['.repeat(100_000) + ' '.repeat(100_000);
  const t0 = performance.now();
  normalizeLine(long);
  normalizeLine('<'.repeat(200_000));
  normalizeLine('1,'.repeat(100_000));
  normalizeLine('\x1b['.repeat(100_000));
  normalizeLine('Nov 22 10:00:00 ' + 'x'.repeat(200_000));
  assert.ok(
    performance.now() - t0 < 5000,
    'normalising pathological lines must not backtrack (catastrophic backtracking takes minutes)',
  );
});

test('dmesg -x (facility and level names), alone and with -T or a printk timestamp', () => {
  let nl = expectMessage(
    'kern  :err   : [Sun Nov 22 10:00:00 2026] BUG: kernel NULL pointer dereference, address: 0000000000000010',
    'BUG: kernel NULL pointer dereference, address: 0000000000000010',
  );
  assert.equal(nl.level, 3);
  nl = expectMessage(
    'kern  :warn  : [   12.345678] WARNING: CPU: 0 PID: 1 at kernel/foo.c:1 foo+0x1/0x2',
    'WARNING: CPU: 0 PID: 1 at kernel/foo.c:1 foo+0x1/0x2',
  );
  assert.equal(nl.level, 4);
  assert.equal(nl.time, 12.345678);
  assert.equal(expectMessage('authpriv:notice: sshd accepted', 'sshd accepted').level, 5);
  // Messages that merely start with a word and a colon keep it.
  expectMessage('random: crng init done', 'random: crng init done');
  expectMessage('floppy: error 10', 'floppy: error 10');
});

test('journalctl -o short-full: weekday, date, time and zone before host and "kernel:"', () => {
  expectMessage(
    'Sun 2026-11-22 10:00:00 UTC myhost kernel: BUG: unable to handle page fault for address: 0000000000001234',
    'BUG: unable to handle page fault for address: 0000000000001234',
  );
  const nl = expectMessage(
    'Mon 2026-11-23 09:05:07.123456 CEST host kernel: [    5.100000] Oops: 0002 [#1] PREEMPT SMP',
    'Oops: 0002 [#1] PREEMPT SMP',
  );
  assert.equal(nl.time, 5.1);
});
