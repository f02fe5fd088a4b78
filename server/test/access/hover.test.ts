// The faulting access in register and fault-address hovers, on the real qemu crashes: the base register's
// hover names the variable DWARF puts in it (with the module) and the member read; the fault address (the
// final CR2, arm64's `at virtual address`) is base + displacement = `&expression`. A register that played no
// part, or the same register in the event's second (user-space) dump, says nothing about the access.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeText, explainAt, type FaultAccess, type KernelEvent } from '../../src/engine';
import { qemuLog } from '../engine/fixtures';
import { withModule, type CorpusArch } from './helpers';

function hoverAt(arch: CorpusArch, sc: string, find: (l: string) => number, nth = 0, withFile = true) {
  const text = qemuLog(arch, sc);
  const lines = text.split(/\r\n|\r|\n/);
  const analysis = analyzeText(text);
  const hits = lines.flatMap((l, i) => (find(l) >= 0 ? [i] : []));
  const line = hits[nth];
  assert.ok(line !== undefined, `${sc}: no line ${nth}`);
  const known = new Map<KernelEvent, FaultAccess>();
  const markdown =
    explainAt(lines[line], find(lines[line]) + 1, {
      line,
      analysis,
      getLine: (n) => lines[n],
      accessOf: withFile
        ? (e) => {
            if (!known.has(e)) known.set(e, withModule(e));
            return known.get(e);
          }
        : undefined,
    })?.markdown ?? '';
  return { markdown, access: [...known.values()][0] };
}

const token = (name: string) => (l: string) => l.search(new RegExp(`\\b${name} ?: `));

test('the base register hover names the variable in it and the member read, from the module', () => {
  for (const [arch, sc, reg] of [
    ['x86_64', 'null_read', 'RDI'],
    ['arm64', 'null_write', 'x19'],
    ['arm64', 'inline', 'x4'],
  ] as const) {
    const { markdown, access: a } = hoverAt(arch, sc, token(reg));
    assert.ok(a?.variable && a.expression, sc);
    assert.equal(a.base?.register, reg, sc);
    assert.ok(
      markdown.includes(
        `**Faulting access:** ${reg} holds \`${a.variable.name}\` (${a.variable.kind} of ${a.variable.function}`,
      ),
      `${sc}: ${markdown}`,
    );
    assert.ok(markdown.includes(`\`${a.expression}\` at ${a.address}`), `${sc}: ${markdown}`);
    // Without the module: the register's part only, from the log's Code: bytes (null_read has none).
    const logOnly = hoverAt(arch, sc, token(reg), 0, false).markdown;
    if (arch === 'x86_64') assert.ok(!logOnly.includes('Faulting access'), logOnly);
    else
      assert.ok(
        logOnly.includes(`**Faulting access:** ${reg} is the base register of the faulting \``),
        logOnly,
      );
  }
});

test('a register with no part in the access, and the user-space dump of the same event, say nothing of it', () => {
  assert.ok(!hoverAt('x86_64', 'null_read', token('RSI')).markdown.includes('Faulting access'));
  // null_read's second dump (RIP: 0033, after the trace) has its own RDI: the user task's, not `o`.
  const second = hoverAt('x86_64', 'null_read', token('RDI'), 1).markdown;
  assert.ok(second.includes('RDI'), second);
  assert.ok(!second.includes('Faulting access'), second);
});

test('the fault address hover (the final CR2, arm64 FAR) is base + displacement = &expression', () => {
  const x86 = hoverAt('x86_64', 'null_read', token('CR2'), 1);
  assert.ok(x86.markdown.includes(`= \`&${x86.access!.expression}\``), x86.markdown);
  assert.ok(x86.markdown.includes('RDI (NULL) + 0x10'), x86.markdown);
  // The first CR2 is the kernel's own failed read of the Code: bytes: not this access's address.
  assert.ok(!hoverAt('x86_64', 'null_read', token('CR2'), 0).markdown.includes('Faulting access'));
  const far = hoverAt('arm64', 'null_write', (l) => {
    const at = l.indexOf('at virtual address ');
    return at < 0 ? -1 : at + 'at virtual address '.length;
  });
  assert.ok(far.markdown.includes(`x19 (NULL) + 0x8 = \`&${far.access!.expression}\``), far.markdown);
});
