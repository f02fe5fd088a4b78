// Which lines make up each report when printk caller ids interleave tasks (report/segment.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeText } from '../../src/engine';

test('a caller-less report is not lost when a new caller-less header follows another caller’s report', () => {
  // The first WARNING was replaced in the open-report map by the second one without being finished.
  const text = [
    '[  100.000001] WARNING: CPU: 0 PID: 1 at drivers/a/a.c:10 a_probe+0x10/0x20',
    '[  100.000002] Modules linked in:',
    '[  100.000003][    T5] BUG: kernel NULL pointer dereference, address: 0000000000000000',
    '[  100.000004][    T5] #PF: supervisor read access in kernel mode',
    '[  100.000005] WARNING: CPU: 1 PID: 2 at drivers/b/b.c:20 b_probe+0x10/0x20',
    '[  100.000006] Modules linked in:',
  ].join('\n');
  const events = analyzeText(text).events.map((e) => [e.line, e.kind]);
  assert.deepEqual(events, [
    [0, 'warning'],
    [2, 'null-deref'],
    [4, 'warning'],
  ]);
});
