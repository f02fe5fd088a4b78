// Hostile and broken input: binary junk, invalid UTF-8, reports cut anywhere, a 200 MB single line, an
// empty file, lines built to make regexes backtrack. The analyser must return a result every time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeText, type Analysis } from '../../src/engine';
import { fixture, lineOf, qemuLog } from './fixtures';

/** Deterministic bytes (xorshift32) so a failure can be reproduced. */
function junk(size: number, seed: number): Buffer {
  const buf = Buffer.alloc(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    buf[i] = x & 0xff;
  }
  return buf;
}

function wellFormed(a: Analysis): void {
  assert.ok(Array.isArray(a.events));
  for (const e of a.events) {
    assert.ok(
      e.line >= 0 && e.line <= e.endLine && e.endLine < a.lineCount,
      `extent ${e.line}-${e.endLine} of ${a.lineCount} lines`,
    );
    assert.equal(typeof e.title, 'string');
    assert.ok(['error', 'warning', 'information'].includes(e.severity));
  }
}

test('empty input', () => {
  const a = analyzeText('');
  assert.deepEqual(a.events, []);
  assert.equal(a.lineCount, 1);
  assert.deepEqual(analyzeText('\n\n\r\n').events, []);
});

test('binary junk (2 × 2 MB of random bytes, decoded as UTF-8)', { timeout: 60_000 }, () => {
  for (const seed of [1, 0xdeadbeef]) {
    const a = analyzeText(junk(2 << 20, seed).toString('utf8'));
    wellFormed(a);
    assert.ok(a.lineCount > 1);
  }
});

test('NUL-filled and control-character-only files', { timeout: 60_000 }, () => {
  wellFormed(analyzeText('\0'.repeat(1 << 20)));
  wellFormed(analyzeText('\x1b'.repeat(1 << 20)));
  wellFormed(analyzeText('\x1b['.repeat(1 << 19)));
  wellFormed(analyzeText('\r'.repeat(1 << 20)));
});

test('invalid UTF-8 around and inside a report still yields the report', () => {
  const text = fixture('parts/x86-oops-modern.log');
  const bytes = Buffer.from(text, 'utf8');
  // Stray continuation bytes and a truncated multi-byte sequence in the chatter line, overlong bytes in a register line.
  const bad = Buffer.concat([
    Buffer.from([0xff, 0xfe, 0x80, 0xc3]),
    bytes.subarray(0, 40),
    Buffer.from([0xe2, 0x82, 0xc0, 0xaf]),
    bytes.subarray(40),
    Buffer.from([0xf8, 0x88, 0x80, 0x80, 0x80, 0x0a]),
  ]);
  const decoded = bad.toString('utf8');
  assert.ok(decoded.includes('\ufffd'));
  const a = analyzeText(decoded);
  wellFormed(a);
  const e = a.events.find((ev) => ev.kind === 'null-deref');
  assert.equal(e?.title, 'BUG: unable to handle kernel NULL pointer dereference in frob_attach_queue');
  assert.equal(e?.line, lineOf(decoded, 'BUG: kernel NULL pointer dereference'));
});

test(
  'a real report cut at every 97th character: a result each time, no event past the end',
  { timeout: 120_000 },
  (t) => {
    const text = qemuLog('x86_64', 'null_read');
    const start = text.indexOf('BUG: kernel NULL pointer dereference');
    const end = text.indexOf('Killed', start);
    for (let cut = start - 20; cut < end; cut += 97) {
      const a = analyzeText(text.slice(0, cut));
      wellFormed(a);
    }
  },
);

test('a report cut in the middle of its call trace keeps what it has', (t) => {
  const text = qemuLog('x86_64', 'null_read');
  const cut = text.indexOf('buggy_proc_write+0x8e') + 'buggy_proc_wr'.length;
  const a = analyzeText(text.slice(0, cut));
  wellFormed(a);
  const e = a.events.find((ev) => ev.kind === 'null-deref');
  assert.ok(e);
  assert.equal(e.title, 'BUG: unable to handle kernel NULL pointer dereference in buggy_null_read_level2');
  assert.deepEqual(
    e.traces[0].frames.slice(0, 3).map((f) => f.function),
    ['buggy_null_read_level1', 'buggy_null_read', 'buggy_dispatch'],
  );
  assert.ok(e.endLine >= lineOf(text, 'buggy_dispatch+0x4d') && e.endLine < a.lineCount);
});

test('a report cut right after its header line is still an event', () => {
  const a = analyzeText('[    5.559828] BUG: kernel NULL pointer dereference, address: 0000000000000010');
  assert.equal(a.events.length, 1);
  assert.equal(a.events[0].kind, 'null-deref');
  assert.equal(a.events[0].faultAddress, '0000000000000010');
  // No frame to blame: syzkaller's convention says "in corrupted".
  assert.match(a.events[0].title, /^BUG: unable to handle kernel NULL pointer dereference( in corrupted)?$/);
});

test('a 200 MB single line returns a result', { timeout: 300_000 }, () => {
  const line =
    'BUG: kernel NULL pointer dereference, address: ' + '0123456789abcdef'.repeat(200_000_000 / 16);
  const a = analyzeText(line);
  wellFormed(a);
  assert.equal(a.lineCount, 1);
});

test('lines built to make the part parsers backtrack finish', { timeout: 60_000 }, () => {
  const header = '[    1.000000] BUG: kernel NULL pointer dereference, address: 0000000000000000';
  const hostile = [
    'CPU: 0 PID: 1 Comm: ' + 'a '.repeat(20_000),
    'CPU: 0 UID: 0 PID: 1 Comm: x Tainted: ' + 'G '.repeat(20_000),
    'Pid: 1, comm: ' + ' x'.repeat(20_000),
    'Modules linked in:' + ' x('.repeat(20_000),
    'Modules linked in:' + ' a(OE)'.repeat(20_000),
    ' ' + 'a'.repeat(50_000) + '+0x1/0x2',
    ' ? ' + 'a.'.repeat(25_000) + '+0x',
    ' [<' + 'f'.repeat(50_000) + '>] x+0x1/0x2',
    'RIP: 0010:' + 'x+0x1/0x2 ['.repeat(10_000),
    'RAX: ' + '0000000000000000 '.repeat(10_000),
    'Hardware name: ' + ' '.repeat(50_000) + 'x',
    'Call Trace:' + ' '.repeat(50_000) + ':',
    '[  pid  ]   uid  tgid total_vm' + ' '.repeat(50_000),
    'Killed process 1 (' + 'x'.repeat(50_000),
    'x invoked oom-killer: gfp_mask=0x' + '('.repeat(50_000),
    '-> #1 (' + '('.repeat(50_000),
    '<' + 'A'.repeat(50_000) + '>',
    'Code: ' + '00 '.repeat(30_000),
    ('WARNING: CPU: 0 PID: 1 at ' + 'x'.repeat(100)).repeat(500),
  ];
  for (const h of hostile) {
    const t0 = performance.now();
    const a = analyzeText(
      [header, `[    1.000001] ${h}`, '[    1.000002] Call Trace:', `[    1.000003] ${h}`].join('\n'),
    );
    wellFormed(a);
    assert.ok(
      performance.now() - t0 < 10_000,
      `line ${JSON.stringify(h.slice(0, 40))}… took ${Math.round(performance.now() - t0)} ms`,
    );
  }
});

test('twenty thousand report headers in a row', { timeout: 120_000 }, () => {
  const a = analyzeText('WARNING: CPU: 0 PID: 1 at kernel/x.c:1 f+0x1/0x2\n'.repeat(20_000));
  wellFormed(a);
  assert.equal(a.events.length, 20_000);
});

test('cancellation stops a long analysis early with what it has', () => {
  const text = fixture('parts/x86-oops-modern.log').repeat(300);
  let polls = 0;
  const a = analyzeText(text, { isCancelled: () => ++polls > 1 });
  wellFormed(a);
  const full = analyzeText(text);
  assert.ok(a.events.length < full.events.length, `${a.events.length} < ${full.events.length}`);
});
