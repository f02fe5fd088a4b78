// markConsequences finds a later event's crash of the same task by printk task caller id or by PID (PID 0
// only on the same CPU), the earliest such crash; the others come after the first crash. Checked against a
// plain scan of every earlier crash (the rule as first written) on shuffled combinations.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KernelEvent } from '../../src/engine';
import { markConsequences } from '../../src/engine/report/consequences';

type Spec = { pid: number | null; cpu: number | null; caller: string; severity: 'error' | 'warning' };

function eventsOf(specs: Spec[]): KernelEvent[] {
  return specs.map(
    (s) =>
      ({
        kind: 'oops',
        severity: s.severity,
        pid: s.pid,
        cpu: s.cpu,
        oopsNumber: null,
        traces: [],
        consequenceOf: null,
        afterCrash: null,
      }) as unknown as KernelEvent,
  );
}

/** The rule by a scan of every earlier crash. */
function expected(specs: Spec[]): { consequenceOf: number | null; afterCrash: number | null }[] {
  const crashes: number[] = [];
  const same = (a: Spec, b: Spec) =>
    (a.caller !== '' && a.caller === b.caller && a.caller.startsWith('T')) ||
    (a.pid !== null && a.pid === b.pid && (a.pid !== 0 || (a.cpu !== null && a.cpu === b.cpu)));
  return specs.map((s, i) => {
    const out = { consequenceOf: null as number | null, afterCrash: null as number | null };
    if (crashes.length > 0) {
      const c = crashes.find((c) => same(specs[c], s));
      if (c !== undefined) out.consequenceOf = c;
      else out.afterCrash = crashes[0];
    }
    if (s.severity === 'error') crashes.push(i);
    return out;
  });
}

test('the same task by caller id or PID (PID 0: same CPU) names its earliest crash; others come after the first', () => {
  let seed = 7;
  const rnd = (n: number) => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n;
  for (let round = 0; round < 300; round++) {
    const specs: Spec[] = Array.from({ length: 2 + rnd(12) }, () => ({
      pid: rnd(4) === 0 ? null : rnd(4),
      cpu: rnd(3) === 0 ? null : rnd(2),
      caller: ['', 'T1', 'T2', 'C0'][rnd(4)],
      severity: rnd(3) === 0 ? 'warning' : 'error',
    }));
    const events = eventsOf(specs);
    markConsequences(
      events,
      specs.map((s) => s.caller),
    );
    assert.deepEqual(
      events.map((e) => ({ consequenceOf: e.consequenceOf, afterCrash: e.afterCrash })),
      expected(specs),
      JSON.stringify(specs),
    );
  }
});
