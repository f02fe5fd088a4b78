// Constructs must match after any prefix, not only after "[   12.345678] ": every fixture line that
// starts with a plain printk timestamp is re-tested with each other prefix (or none) in its place, with
// the same scope assertions on the message part.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IToken } from 'vscode-textmate';
import { INITIAL, loadGrammar, repoRoot } from './load-grammar.mjs';
import { check, parseFixture } from './fixture-assertions';

const PREFIXES = [
  '',
  '[  144.274089][T11794] ',
  '[ 1098.601132][    C2] ',
  '[   12.345678] [  T123] ',
  '<4>',
  '<6>[   17.100000] ',
  '[Sun Nov 22 10:00:00 2026] ',
  'Nov 22 10:00:00 buildhost kernel: ',
  'Nov 22 10:00:00 buildhost kernel: [   12.345678] ',
  'DEC  4 15:56:12 SYZKALLER KERN.INFO KERNEL: [   64.026827][ T6950] ',
  '2026-11-22T10:00:00.123456+00:00 buildhost kernel: ',
  '[   12.345678] buildhost kernel: ',
  '6,1234,5678901,-;',
  '4,1235,5678999,-,caller=T1;',
  'kern  :warn  : [   12.345678] ',
  'kern  :err   : [Sun Nov 22 10:00:00 2026] ',
  'Sun 2026-11-22 10:00:00 UTC buildhost kernel: ',
  '\x1b[0m\x1b[?25l[   12.345678] ',
];

const TIMESTAMP = /^\[\s*\d+\.\d+\] /;
const casesDir = join(repoRoot, 'test-fixtures', 'grammar', 'cases');

test('constructs match after every kind of prefix', async () => {
  const grammar = await loadGrammar();
  const failures: string[] = [];
  let checked = 0;
  // prefixes.txt is about the prefixes themselves (its lines combine several).
  for (const name of readdirSync(casesDir).filter((f) => f.endsWith('.txt') && f !== 'prefixes.txt')) {
    const fixture = parseFixture(name, readFileSync(join(casesDir, name), 'utf8'));
    for (const a of fixture.assertions) {
      const line = fixture.lines[a.logIndex];
      const m = TIMESTAMP.exec(line);
      // Only assertions on the message (the timestamp itself is tested in prefixes.txt).
      if (!m || line.indexOf(a.text) < m[0].length) continue;
      const message = line.slice(m[0].length);
      for (const prefix of PREFIXES) {
        const tokens = grammar.tokenizeLine(prefix + message, INITIAL).tokens;
        // Shift tokens into message coordinates so occurrences are counted in the message only.
        const shifted: IToken[] = tokens
          .filter((t) => t.endIndex > prefix.length)
          .map((t) => ({
            ...t,
            startIndex: Math.max(0, t.startIndex - prefix.length),
            endIndex: t.endIndex - prefix.length,
          }));
        const msg = check(a, message, shifted);
        if (msg) failures.push(`${name}:${a.fixtureLine} with prefix ${JSON.stringify(prefix)}: ${msg}`);
        checked++;
      }
    }
  }
  assert.ok(checked > 1000, `checked ${checked}`);
  assert.deepEqual(failures, []);
});
