// The analysis job's reply as the server's thread receives it (a structured clone, as postMessage makes):
// the frames made again from its numbers and its messages are those of the analysis itself, listed here
// independently of frames.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { framesFromRefs, type Frame, type KernelEvent } from '../../src/engine';
import { ANALYSIS_JOBS } from '../../src/lsp/analyzer';
import { QEMU_ARM64_LOGS, QEMU_LOGS } from '../engine/fixtures';

/** Every frame an event holds that can be looked up, once per position: the frames to symbolize. */
function framesHeld(events: KernelEvent[]): { event: number; frame: Frame; ip: boolean }[] {
  const seen = new Set<string>();
  const out: { event: number; frame: Frame; ip: boolean }[] = [];
  events.forEach((e, event) => {
    const held: [Frame | null | undefined, boolean][] = [
      [e.ip, true],
      [e.location, true],
      [e.lr, false],
      ...e.traces.flatMap((t) => t.frames.map((f): [Frame, boolean] => [f, false])),
    ];
    for (const [frame, ip] of held) {
      if (!frame || (!frame.function && !frame.address)) continue;
      const key = `${frame.span.line}:${frame.span.start}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ event, frame, ip });
    }
  });
  return out;
}

test("the analysis worker's frames and messages survive the copy to the server's thread", async () => {
  const logs = [QEMU_LOGS, QEMU_ARM64_LOGS].flatMap((dir) =>
    readdirSync(dir)
      .filter((n) => n.endsWith('.log'))
      .map((n) => readFileSync(join(dir, n), 'utf8')),
  );
  const text = logs.join('\n');
  const reply = structuredClone(await ANALYSIS_JOBS.run({ text }, () => {}));
  const events = reply.state.analysis.events;
  assert.ok(events.length > 20);
  const frames = framesFromRefs(reply.state.analysis, reply.frameRefs);
  const expected = framesHeld(events);
  assert.ok(expected.length > 300);
  assert.deepEqual(
    frames.map((f) => [f.event, f.key]),
    expected.map((f) => [f.event, `${f.frame.span.line}:${f.frame.span.start}`]),
  );
  frames.forEach((f, i) => {
    // The very objects of the copied events, not copies of them.
    assert.equal(f.frame, expected[i].frame);
    assert.equal(f.kernelBuildId, events[f.event].kernelBuildId);
    assert.equal(f.query.function, f.frame.function);
    // An IP is looked up as is; a trace entry (a return address) at address - 1, but for arm64's
    // repeated faulting pc.
    if (expected[i].ip) assert.equal(f.query.isReturnAddress, false);
  });
  assert.ok(
    frames.some((f) => f.fault) && frames.every((f) => !f.fault || f.fault.arch === events[f.event].arch),
  );
  assert.equal(reply.messages.length, events.length);
  events.forEach((e, i) => assert.ok(reply.messages[i].startsWith(e.title), reply.messages[i]));
  assert.ok(reply.messages.some((m) => / — (read|write|an? )/.test(m)));
});
