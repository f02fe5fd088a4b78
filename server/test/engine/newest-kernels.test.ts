// Report forms of the newest kernels (6.10 and later), each in a short realistic fixture
// (test-fixtures/engine/events/*-6.1x.log), titled as syzkaller's pkg/report/linux.go titles them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeText, type KernelEvent } from '../../src/engine';
import { fixture, lineOf, problems, summarize } from './fixtures';

/** The one problem event of a fixture, checked to sit on the line holding `at`. */
function onlyProblem(file: string, at: string): { e: KernelEvent; text: string } {
  const text = fixture(file);
  const found = problems(text);
  assert.equal(found.length, 1, summarize(found));
  assert.equal(found[0].line, lineOf(text, at), summarize(found));
  return { e: found[0], text };
}

// arch/x86/kernel/dumpstack.c __die_header (v6.10): `Oops: %s: %04lx [#%d]` with the trap name inside.
test('6.10 x86: `Oops: int3: 0000 [#1]` is an int3 trap titled from the RIP line', () => {
  const { e } = onlyProblem('events/oops-int3-6.10.log', 'Oops: int3: 0000 [#1]');
  assert.equal(e.kind, 'oops');
  assert.equal(e.title, 'int3 in frob_dispatch');
  assert.equal(e.errorCode, '0000');
  assert.equal(e.oopsNumber, 1);
  assert.equal(e.ip?.function, 'frob_dispatch');
});

test('old x86: a bare `int3: 0000 [#1]` header is titled the same way', () => {
  const text = fixture('events/oops-int3-6.10.log').replace('Oops: int3:', 'int3:');
  const found = problems(text);
  assert.deepEqual(
    found.map((e) => e.title),
    ['int3 in frob_dispatch'],
  );
});

test('6.10 x86: `Oops: general protection fault, probably for non-canonical address …` is a GPF', () => {
  const { e } = onlyProblem('events/gpf-oops-prefix-6.10.log', 'Oops: general protection fault');
  assert.equal(e.kind, 'gpf');
  assert.equal(e.title, 'general protection fault in frob_reap_one');
  assert.equal(e.faultAddress, 'dffffc0000000003');
  assert.equal(e.oopsNumber, 1);
});

test('an `Oops: 0000 [#1]` without a trap name stays an Oops', () => {
  const text = fixture('events/oops-int3-6.10.log').replace('Oops: int3: 0000', 'Oops: 0000');
  assert.deepEqual(
    problems(text).map((e) => e.title),
    ['Oops in frob_dispatch'],
  );
  assert.ok(analyzeText(text).events.every((e) => !e.title.startsWith('int3')));
});
