// The event-header hover leads with at most a dozen lines — what happened, where, the fault address, the
// next step — and keeps the long guide below a rule; on the real qemu captures (a NULL read, a WARNING).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeText, splitLines } from '../../src/engine';
import { explainAt } from '../../src/engine/explain/hover';
import { HEADER_LEAD_LINES } from '../../src/engine/explain/report';
import { qemuLog } from '../engine/fixtures';

function headerHover(scenario: string, needle: string): string {
  const text = qemuLog('x86_64', scenario);
  const lines = splitLines(text);
  const analysis = analyzeText(text);
  const line = lines.findIndex((l) => l.includes(needle));
  assert.ok(line >= 0, needle);
  const r = explainAt(lines[line], lines[line].indexOf(needle) + 2, {
    line,
    analysis,
    getLine: (n) => lines[n],
  });
  assert.ok(r, `no hover on ${needle}`);
  return r.markdown;
}

test('a NULL read: title, where (the culprit and its line), the fault address, the next step, then the guide', () => {
  const md = headerHover('null_read', 'BUG: kernel NULL pointer dereference');
  const [lead, ...rest] = md.split('\n\n---\n\n');
  assert.ok(lead.split('\n').length <= HEADER_LEAD_LINES, lead);
  assert.match(lead, /NULL pointer dereference in buggy_null_read_level2/);
  const where =
    /\*\*Where:\*\* `(buggy_null_read_level2\+0x[0-9a-f]+\/0x[0-9a-f]+ \[buggy\])` \(line (\d+)\)/.exec(lead);
  assert.ok(where, lead);
  const lines = splitLines(qemuLog('x86_64', 'null_read'));
  assert.ok(lines[Number(where[2]) - 1].includes(where[1]), `line ${where[2]} does not print ${where[1]}`);
  // The address the BUG line prints (`…dereference, address: 0000000000000010`).
  const printed = lines.map((l) => /NULL pointer dereference, address: ([0-9a-f]+)/.exec(l)).find(Boolean);
  assert.ok(printed);
  assert.ok(lead.includes(`**Fault address:** \`0x${printed[1]}\``), lead);
  assert.match(lead, /\*\*Next step:\*\*/);
  const guide = rest.join('\n');
  assert.match(guide, /\*\*Next steps\*\*/);
  assert.match(guide, /Printed by/);
});

test('a WARNING: where it fired, no fault address; the taint line says what its letters mean', () => {
  const md = headerHover('warn_on', 'WARNING: CPU');
  const [lead, guide] = md.split('\n\n---\n\n');
  assert.ok(lead.split('\n').length <= HEADER_LEAD_LINES, lead);
  assert.match(lead, /\*\*Where:\*\* `buggy_warn_on\+/);
  assert.doesNotMatch(lead, /Fault address/);
  const taint = /Taint at the time: `([^`]*)`(.*)/.exec(guide ?? '');
  assert.ok(taint, guide);
  for (const letter of taint[1].replace(/[G ]/g, '')) assert.match(taint[2], new RegExp(`\`${letter}\` \\w`));
  assert.doesNotMatch(taint[2], /— [A-Z]+\.$/, 'not the bare letters again');
});
