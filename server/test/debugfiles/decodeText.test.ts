// decodedParts: the decoded copy of a log made stretch by stretch (as the CLI writes it and the server
// pages it) equals the decoded copy made at once, wherever the stretches are cut between lines; every
// resolved frame is rewritten, in logs with `\n`, `\r\n` and `\r` line breaks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  analyzeText,
  decodedLines,
  decodedParts,
  decodeLogText,
  framesOfAnalysis,
  LineCursor,
  rewrittenLines,
  type FrameSymbolization,
} from '../../src/engine';
import { QEMU_LOGS } from '../engine/fixtures';
import { resolvedAll } from './helpers';
import { Rng } from '../fuzz/fuzzer';

test('a log decoded in stretches cut at random line starts is the log decoded at once', () => {
  const g = new Rng(3);
  const logs = readdirSync(QEMU_LOGS)
    .filter((f) => f.endsWith('.log'))
    .slice(0, 6);
  assert.ok(logs.length >= 3);
  for (const name of logs) {
    for (const eol of ['\n', '\r\n', '\r']) {
      const text = readFileSync(join(QEMU_LOGS, name), 'utf8').replace(/\r?\n/g, eol);
      const { frames, results } = resolvedAll(text);
      const whole = decodeLogText(text, frames, results);
      const rewritten = rewrittenLines(text, frames, results);
      assert.ok(rewritten.length > 0 && whole.includes('(dir/file0.c:1)'), `${name}: frames rewritten`);
      // Line starts, some of them cut points.
      const cuts: [number, number][] = [];
      for (const c = new LineCursor(text); c.next();) if (g.float() < 0.05) cuts.push([c.start, c.line]);
      let out = '';
      let from: [number, number] = [0, 0];
      for (const to of [...cuts, [text.length, -1] as [number, number]]) {
        out += [...decodedParts(text.slice(from[0], to[0]), from[1], rewritten)].join('');
        from = to;
      }
      assert.equal(out, whole, `${name}, ${JSON.stringify(eol)}, ${cuts.length} cuts`);
    }
  }
});

test('decodedLines reads only the lines it rewrites: a frame resolved, or a faulting access', () => {
  const text = readFileSync(join(QEMU_LOGS, 'null_write.console.log'), 'utf8');
  const frames = framesOfAnalysis(analyzeText(text));
  const lines = text.split(/\r\n|\r|\n/);
  const failed: FrameSymbolization = {
    ok: false,
    frames: [],
    object: 'vmlinux',
    section: null,
    error: 'none',
  };
  const results = new Map<string, FrameSymbolization>(frames.map((f) => [f.key, failed]));
  const read: number[] = [];
  const lineAt = (n: number) => (read.push(n), lines[n]);
  // No frame resolved, no access: nothing is read, nothing rewritten (a log without debug files).
  assert.deepEqual(decodedLines(frames, results, lineAt), []);
  assert.deepEqual(read, []);
  // One frame resolved: only its line is read.
  const one = frames[frames.length - 1];
  results.set(one.key, {
    ok: true,
    frames: [{ function: 'f', file: 'dir/one.c', line: 7, column: 0, discriminator: 0 }],
    object: null,
    section: null,
  });
  const out = decodedLines(frames, results, lineAt);
  assert.deepEqual(read, [one.frame.span.line]);
  assert.equal(out.length, 1);
  assert.ok(out[0][1].includes(`${one.frame.function} (dir/one.c:7)`), out[0][1]);
});
