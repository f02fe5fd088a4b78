// worker.ts: one job at a time in a worker thread, matched by id, with progress, failures, cancellation,
// a restart after a crash, and the same contract inline.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { CancelledError, JobWorker, SLICE_CHARS, SLICE_ITEMS, TextPieces } from '../../src/lsp/worker';
import { checksum, ran, TEST_JOBS, type TestRequest, type TestResult } from './testJobs';
import { ANALYSIS_YOUNG_GENERATION_MB } from '../../src/lsp/analyzer';

const SCRIPT = join(__dirname, 'testWorker.cjs');

// Workers are unref'd (they never keep the server alive); the test keeps its own event loop going.
let keepAlive: NodeJS.Timeout;
before(() => (keepAlive = setInterval(() => {}, 1000)));
after(() => clearInterval(keepAlive));

function jobs(options: ConstructorParameters<typeof JobWorker>[2] = {}) {
  return new JobWorker<TestRequest, TestResult, number>(SCRIPT, TEST_JOBS, options);
}

test('jobs run in a worker thread, in order, each answered with its own result', async () => {
  const w = jobs();
  try {
    const results = await Promise.all(
      [1, 2, 3, 4].map((value) => w.run({ op: 'busy', value, ms: 20 }).result),
    );
    assert.deepEqual(
      results.map((r) => r.value),
      [1, 2, 3, 4],
    );
    assert.ok(
      results.every((r) => r.thread !== 0 && r.thread === results[0].thread),
      'one worker thread',
    );
  } finally {
    w.dispose();
  }
});

test('progress arrives before the result; a failing job rejects and the next one runs', async () => {
  const w = jobs();
  try {
    const seen: number[] = [];
    const r = await w.run({ op: 'progress', value: 7, steps: 3 }, (p) => seen.push(p)).result;
    assert.deepEqual(seen, [1, 2, 3]);
    assert.equal(r.value, 7);
    await assert.rejects(w.run({ op: 'throw' }).result, /boom/);
    assert.equal((await w.run({ op: 'echo', value: 8 }).result).value, 8);
  } finally {
    w.dispose();
  }
});

test('a worker that dies fails its job, says so, and a new worker runs the next job', async () => {
  const logged: string[] = [];
  const w = jobs({ log: (m) => logged.push(m) });
  try {
    const before = await w.run({ op: 'echo', value: 1 }).result;
    await assert.rejects(w.run({ op: 'exit', code: 3 }).result, /test worker stopped: exit code 3/);
    assert.deepEqual(logged, ['test worker stopped: exit code 3']);
    const after = await w.run({ op: 'echo', value: 2 }).result;
    assert.equal(after.value, 2);
    assert.notEqual(after.thread, before.thread, 'a new thread');
  } finally {
    w.dispose();
  }
});

test('cancel: a queued job is dropped, a running one is stopped with its thread', async () => {
  const w = jobs();
  try {
    const first = await w.run({ op: 'echo', value: 0 }).result;
    const long = w.run({ op: 'busy', value: 1, ms: 20_000 });
    const queued = w.run({ op: 'echo', value: 2 });
    const next = w.run({ op: 'echo', value: 3 });
    assert.equal(long.started, true);
    assert.equal(queued.started, false);
    queued.cancel();
    await assert.rejects(queued.result, CancelledError);
    const t0 = Date.now();
    long.cancel();
    await assert.rejects(long.result, CancelledError);
    const r = await next.result;
    assert.ok(Date.now() - t0 < 10_000, 'the 20 s job did not run to its end');
    assert.equal(r.value, 3);
    assert.notEqual(r.thread, first.thread, 'the stopped thread was replaced');
  } finally {
    w.dispose();
  }
});

test('dispose rejects the running and the queued jobs', async () => {
  const w = jobs();
  const running = w.run({ op: 'busy', value: 1, ms: 20_000 });
  const queued = w.run({ op: 'echo', value: 2 });
  const cancelled = Promise.all([
    assert.rejects(running.result, CancelledError),
    assert.rejects(queued.result, CancelledError),
  ]);
  w.dispose();
  await cancelled;
  await assert.rejects(w.run({ op: 'echo', value: 3 }).result, CancelledError);
});

test('inline: the same contract on this thread; a job cancelled before its turn never runs', async () => {
  const w = jobs({ inline: true });
  ran.length = 0;
  const a = w.run({ op: 'echo', value: 1 });
  const b = w.run({ op: 'echo', value: 2 });
  const bCancelled = assert.rejects(b.result, CancelledError);
  b.cancel();
  const seen: number[] = [];
  const c = w.run({ op: 'progress', value: 3, steps: 2 }, (p) => seen.push(p));
  assert.deepEqual(await a.result, { value: 1, thread: 0 });
  await bCancelled;
  assert.deepEqual(await c.result, { value: 3, thread: 0 });
  assert.deepEqual(seen, [1, 2]);
  await assert.rejects(w.run({ op: 'throw' }).result, /boom/);
  assert.deepEqual(ran, [1, 3]);
  w.dispose();
});

test('no worker thread possible: jobs run inline, and the log says why once', async () => {
  const logged: string[] = [];
  // A relative path that does not start with ./ is refused by new Worker() at once.
  const w = new JobWorker<TestRequest, TestResult, number>('not-a-worker-path.js', TEST_JOBS, {
    log: (m) => logged.push(m),
  });
  const r1 = await w.run({ op: 'echo', value: 1 }).result;
  const r2 = await w.run({ op: 'echo', value: 2 }).result;
  assert.deepEqual(
    [r1, r2],
    [
      { value: 1, thread: 0 },
      { value: 2, thread: 0 },
    ],
  );
  assert.equal(logged.length, 1);
  assert.match(logged[0], /^no test worker \(.+\); running on the server thread$/);
  w.dispose();
});

test('long strings and arrays cross in slices, reassembled exactly, while the thread stays free', async () => {
  const w = jobs();
  try {
    // Not a multiple of the slice size, with non-Latin-1 text across the slice boundaries.
    const text = 'µ€x\n'.repeat(Math.ceil((SLICE_CHARS * 3.5) / 4));
    let turns = 0;
    const ticker = setInterval(() => turns++, 0);
    const t0 = performance.now();
    const items = Array.from({ length: SLICE_ITEMS * 2 + 7 }, (_, i) => i);
    const r = await w.run({ op: 'checksum', text, note: 'short', items }).result;
    clearInterval(ticker);
    assert.equal(r.value, checksum(text + 'short' + items.join(',')));
    assert.notEqual(r.thread, 0);
    // Four slices, each followed by a turn of the event loop in which the timer could fire.
    assert.ok(turns >= 2, `timers ran ${turns} times in ${(performance.now() - t0).toFixed(0)} ms`);
    // A job cancelled while its text is crossing never runs; the next one does.
    const cancelled = w.run({ op: 'checksum', text, note: 'a' });
    setImmediate(() => cancelled.cancel());
    await assert.rejects(cancelled.result, CancelledError);
    assert.equal((await w.run({ op: 'checksum', text: 'abc', note: 'b' }).result).value, checksum('abcb'));
  } finally {
    w.dispose();
  }
});

test('a text in pieces (the chunks of a document) and a long string with surrogate pairs and lone halves arrive exact', async () => {
  for (const inline of [false, true]) {
    const w = jobs({ inline });
    try {
      // Pairs straddling the slice boundaries of the string, a lone half in one piece, an empty piece.
      const pair = '\u{1F600}';
      const long = 'a' + pair.repeat(SLICE_CHARS + 3);
      const pieces = [
        'µ€x\n'.repeat(SLICE_CHARS / 3),
        '',
        'lone \uD800 half\n',
        'y'.repeat(SLICE_CHARS + 5),
        '\uDC00',
      ];
      for (const text of [new TextPieces(pieces), long, new TextPieces([])]) {
        const r = await w.run({ op: 'checksum', text, note: '.' }).result;
        assert.equal(r.value, checksum(String(text) + '.'), `inline ${inline}, ${String(text).length} chars`);
        assert.equal(r.thread === 0, inline);
      }
    } finally {
      w.dispose();
    }
  }
});

test('readAsItArrives: a long text is read slice by slice as it arrives, in order; a short one and inline, whole', async () => {
  for (const inline of [false, true]) {
    const w = jobs({ inline });
    try {
      const long = 'µ€x\n'.repeat(SLICE_CHARS) + 'lone \uD800 half\n' + '\u{1F600}'.repeat(SLICE_CHARS);
      for (const text of [
        long,
        new TextPieces(['ab\n'.repeat(SLICE_CHARS), '', 'c'.repeat(SLICE_CHARS)]),
        'short',
      ]) {
        const r = await w.run({ op: 'read', streamed: text }).result;
        const chars = String(text).length;
        assert.equal(r.value, checksum(String(text)), `inline ${inline}, ${chars} chars`);
        // In the worker a text that crossed in slices reached the reader a slice at a time.
        const sliced = !inline && (text instanceof TextPieces || chars > SLICE_CHARS);
        // (A document's chunk longer than a slice crosses whole: the pieces give at least two slices here.)
        if (sliced)
          assert.ok(
            (r.pieces ?? 0) >= (typeof text === 'string' ? chars / SLICE_CHARS : 2),
            `${r.pieces} pieces`,
          );
        else assert.equal(r.pieces, 0);
      }
    } finally {
      w.dispose();
    }
  }
});

test('recycleAfter: the worker is replaced after a heavy job (its thread ends), kept after others', async () => {
  const w = jobs();
  try {
    const a = await w.run({ op: 'echo', value: 1 }).result;
    const b = await w.run({ op: 'heavy', value: 2 }).result;
    assert.equal(b.thread, a.thread, 'a heavy job runs in the current worker');
    const c = await w.run({ op: 'echo', value: 3 }).result;
    assert.notEqual(c.thread, b.thread, 'the job after a heavy one runs in a new worker');
    const d = await w.run({ op: 'echo', value: 4 }).result;
    assert.equal(d.thread, c.thread);
    assert.deepEqual(
      [a, b, c, d].map((r) => r.value),
      [1, 2, 3, 4],
    );
  } finally {
    w.dispose();
  }
});

test('runsInline: a small job runs on this thread without starting a worker; the others in the worker, in order', async () => {
  const w = jobs();
  try {
    const before = ran.length;
    const a = w.run({ op: 'tiny', value: 1 });
    const b = w.run({ op: 'echo', value: 2 });
    const c = w.run({ op: 'tiny', value: 3 });
    const [ra, rb, rc] = await Promise.all([a.result, b.result, c.result]);
    assert.equal(ra.thread, 0, 'the small job on the main thread');
    assert.notEqual(rb.thread, 0, 'the other in a worker');
    assert.equal(rc.thread, 0);
    assert.deepEqual(ran.slice(before), [1, 3], 'only the small jobs ran here');
    assert.deepEqual(
      [ra, rb, rc].map((r) => r.value),
      [1, 2, 3],
    );
  } finally {
    w.dispose();
  }
});

test('sent: resolves once the last slice of a request has crossed, before its result; and for a dropped job', async () => {
  const w = jobs();
  try {
    const text = 'x\n'.repeat(SLICE_CHARS * 2);
    const order: string[] = [];
    // A job ahead keeps this one queued: it crosses only after the first is done.
    const first = w.run({ op: 'busy', value: 1, ms: 200 });
    const job = w.run({ op: 'checksum', text, note: '' });
    void first.result.then(() => order.push('first done'));
    void job.sent.then(() => order.push('sent'));
    await job.result.then(() => order.push('result'));
    assert.deepEqual(order, ['first done', 'sent', 'result']);
    const dropped = w.run({ op: 'checksum', text, note: '' });
    dropped.cancel();
    await assert.rejects(dropped.result, CancelledError);
    await dropped.sent;
  } finally {
    w.dispose();
  }
});

test('resourceLimits: the worker thread runs with the V8 limits given (the analysis workers cap their young generation)', async () => {
  const limited = jobs({ resourceLimits: { maxYoungGenerationSizeMb: ANALYSIS_YOUNG_GENERATION_MB } });
  const plain = jobs();
  try {
    assert.equal((await limited.run({ op: 'limits' }).result).value, ANALYSIS_YOUNG_GENERATION_MB);
    // (Node's default for a worker is larger: the option is what sets it.)
    assert.notEqual((await plain.run({ op: 'limits' }).result).value, ANALYSIS_YOUNG_GENERATION_MB);
  } finally {
    limited.dispose();
    plain.dispose();
  }
});
