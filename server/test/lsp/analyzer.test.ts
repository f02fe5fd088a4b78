// The analysis job's reply as the server's thread receives it (packed, a structured clone as postMessage
// makes, unpacked): the frames made again from its numbers and its messages are those of the analysis
// itself, listed here independently of frames.ts; the unpacked analysis is the plain clone of it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { framesFromRefs, repeatIdentity, type Frame, type KernelEvent } from '../../src/engine';
import {
  ANALYSIS_JOBS,
  TwoPartAnalyzer,
  type Analyzer,
  type AnalysisRequest,
  type FullAnalysis,
} from '../../src/lsp/analyzer';
import { TextPieces } from '../../src/lsp/worker';
import { FIXTURES, QEMU_ARM64_LOGS, QEMU_HARDENING_LOGS, QEMU_LOGS } from '../engine/fixtures';

const SYZKALLER_REPORTS = join(FIXTURES, '../corpus/syzkaller/report');

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
  const reply = crossed(await ANALYSIS_JOBS.run({ text }, () => {}));
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
  const { messages, identities } = reply.diagnostics;
  assert.equal(messages.length, events.length);
  events.forEach((e, i) => assert.ok(messages[i].startsWith(e.title), messages[i]));
  assert.ok(messages.some((m) => / — (read|write|an? )/.test(m)));
  // What tells repeats apart, as the server's thread would compute it for its copy of the events.
  assert.deepEqual(identities, events.map(repeatIdentity));
});

/** A reply as it reaches the server's thread from the worker: packed, cloned as postMessage clones, unpacked. */
function crossed(r: FullAnalysis): FullAnalysis {
  const wire = ANALYSIS_JOBS.resultWire!;
  return wire.unpack(structuredClone(wire.pack(r)));
}

test('an analysis crosses from the worker exactly as a plain copy of it would: same JSON, guilty frames kept', async () => {
  // (The engine's event fixtures hold arm64 unwind marks and printed source lines.)
  const dirs = [QEMU_LOGS, QEMU_ARM64_LOGS, QEMU_HARDENING_LOGS, join(FIXTURES, 'events'), SYZKALLER_REPORTS];
  let frames = 0;
  let guiltyInTrace = 0;
  let extras = 0;
  for (const dir of dirs)
    for (const name of readdirSync(dir)) {
      const text = readFileSync(join(dir, name), 'utf8');
      const reply = await ANALYSIS_JOBS.run({ text }, () => {});
      const plain = structuredClone(reply);
      const got = crossed(reply);
      // JSON: the same fields in the same order (what reaches editors as JSON is written the same).
      assert.equal(JSON.stringify(got), JSON.stringify(plain), name);
      assert.deepStrictEqual(got, plain, name);
      got.state.analysis.events.forEach((e, k) => {
        const p = plain.state.analysis.events[k];
        const inTrace = (ev: KernelEvent) => ev.traces.some((t) => t.frames.includes(ev.guiltyFrame!));
        // The guilty frame is the trace's own frame object where it was (incremental.ts shifts it once).
        assert.equal(inTrace(e), inTrace(p), `${name}: event ${k}`);
        if (inTrace(e)) guiltyInTrace++;
        for (const t of e.traces) {
          frames += t.frames.length;
          extras += t.frames.filter(
            (f) => f.unwindMarks !== undefined || f.printedSource !== undefined,
          ).length;
        }
      });
    }
  // The corpora hold what the packing must carry: many frames, guilty trace frames, optional fields.
  assert.ok(frames > 5000 && guiltyInTrace > 100, `${frames} frames, ${guiltyInTrace} guilty in traces`);
  assert.ok(extras > 0, 'frames with unwind marks or a printed source line');
});

/** ANALYSIS_JOBS on this thread, its replies copied as postMessage copies them; counts its texts. */
class CopyingAnalyzer implements Analyzer {
  texts: number[] = [];
  run(req: AnalysisRequest) {
    this.texts.push(req.text.length);
    const result = Promise.resolve(ANALYSIS_JOBS.run(req, () => {})).then(crossed);
    return { result, started: true, sent: Promise.resolve(), cancel() {} };
  }
  warmUp(): void {}
  dispose(): void {}
}

const corpusText = () =>
  [QEMU_LOGS, QEMU_ARM64_LOGS]
    .flatMap((dir) =>
      readdirSync(dir)
        .filter((n) => n.endsWith('.log'))
        .map((n) => readFileSync(join(dir, n), 'utf8')),
    )
    .join('\n');

/** What the server keeps of a reply: the state, the frames made again, the messages. */
function kept(r: FullAnalysis) {
  const frames = framesFromRefs(r.state.analysis, r.frameRefs).map((f) => ({ ...f, frame: undefined }));
  return { state: r.state, frames, diagnostics: r.diagnostics };
}

/** `text` as a document's chunks: pieces of about `size` units, each ending with a line break. */
function chunksOf(text: string, size: number): TextPieces {
  const pieces: string[] = [];
  let at = 0;
  for (let nl = text.indexOf('\n', size); nl >= 0; nl = text.indexOf('\n', at + size)) {
    pieces.push(text.slice(at, nl + 1));
    at = nl + 1;
  }
  pieces.push(text.slice(at));
  return new TextPieces(pieces);
}

test('a long log analysed in two parts at once gives what one analysis of it gives', async () => {
  const text = corpusText();
  const whole = kept(await new CopyingAnalyzer().run({ text }).result);
  for (const [overlap, input] of [
    [20_000, text],
    [60_000, text],
    [20_000, chunksOf(text, 4096)],
    [60_000, chunksOf(text, 65536)],
  ] as const) {
    const first = new CopyingAnalyzer();
    const second = new CopyingAnalyzer();
    const two = new TwoPartAnalyzer(first, second, 1000, overlap);
    const r = await two.run({ text: input }).result;
    // Both parts were analysed, each shorter than the log, and they were joined.
    assert.equal(first.texts.length, 1, `overlap ${overlap}`);
    assert.equal(second.texts.length, 1);
    assert.ok(first.texts[0] < text.length && second.texts[0] < text.length);
    assert.deepEqual(kept(r), whole, `overlap ${overlap}`);
  }
});

test('two parts that never meet at a line with no report open: the log is analysed whole', async () => {
  // One report that goes on through the whole overlap: its frames, line after line.
  const frames = Array.from(
    { length: 4000 },
    (_, i) => ` [<ffffffff8100${String(i % 1000).padStart(4, '0')}>] f${i}+0x1/0x2`,
  );
  const text = [
    'BUG: unable to handle page fault for address: 0000000000000008',
    'Call Trace:',
    ...frames,
  ].join('\n');
  const first = new CopyingAnalyzer();
  const two = new TwoPartAnalyzer(first, new CopyingAnalyzer(), 1000, 2000);
  const r = await two.run({ text }).result;
  assert.deepEqual(first.texts.slice(1), [text.length]);
  assert.deepEqual(kept(r), kept(await new CopyingAnalyzer().run({ text }).result));
});
