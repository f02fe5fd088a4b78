// Every register a real dump prints is in the event's register list, on its line: checked against the
// `NAME:` tokens of each dump line (x86 prints `FS:  ` and `CS:  ` with two spaces; arm64 `pc :` / `lr :`).
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { test } from 'node:test';
import { analyzeText, splitLines } from '../../src/engine';
import { QEMU_ARM64_LOGS, QEMU_LOGS, qemuLog } from './fixtures';

for (const [arch, dir] of [
  ['x86_64', QEMU_LOGS],
  ['arm64', QEMU_ARM64_LOGS],
] as const) {
  test(`${arch}: every register printed in the dump of every qemu log`, () => {
    let dumps = 0;
    const seen = new Set<string>();
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.console.log'))) {
      const text = qemuLog(arch, file.replace('.console.log', ''))!;
      const lines = splitLines(text);
      for (const ev of analyzeText(text).events) {
        if (!ev.registerLines) continue;
        dumps++;
        for (let n = ev.registerLines.line; n <= ev.registerLines.endLine; n++) {
          const msg = lines[n].replace(/^.*?\] /, '');
          if (msg.startsWith('Code: ')) continue; // printed between RIP and RSP: not registers
          const printed = [...msg.matchAll(/(?:^|\s)([A-Za-z][A-Za-z0-9_]*) ?:(?= |[0-9a-f])/g)].map(
            (m) => m[1],
          );
          const parsed = ev.registers.filter((r) => r.span.line === n).map((r) => r.name);
          assert.deepEqual(parsed, printed, `${file}:${n + 1}: ${msg}`);
          for (const r of ev.registers.filter((x) => x.span.line === n))
            assert.ok(
              lines[n].slice(r.span.start, r.span.end).startsWith(r.name),
              `${file}:${n + 1} ${r.name}`,
            );
        }
        for (const r of ev.registers) seen.add(r.name);
      }
    }
    assert.ok(dumps >= 8, `${dumps} dumps`);
    for (const name of arch === 'x86_64'
      ? ['RIP', 'FS', 'GS', 'knlGS', 'CS', 'CR2']
      : ['pc', 'lr', 'sp', 'x0'])
      assert.ok(seen.has(name), `${name} never parsed`);
  });
}
