// Grammar benchmark: tokenizes a large, realistic kernel log with vscode-textmate using our grammar
// (syntaxes/kernel-log.tmLanguage.json) and VS Code's built-in Log grammar on the same lines in the same
// run, and prints lines/second for both, the ratio, and the slowest single line.
//
//   node scripts/bench-grammar.mjs [--lines N] [--rounds R] [--json]
//
// The log is built from test-fixtures/corpus: the qemu and qemu-arm64 console captures (boot chatter around
// one crash each) interleaved with the syzkaller reports (many arches and kernel versions), repeated
// until it has at least N lines (default 120000). Targets (issue 4): our time <= 2x the Log grammar's,
// and no line slower than 10 ms.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { INITIAL, loadGrammar, repoRoot, splitLines } from '../test/grammar/load-grammar.mjs';
import { adversarialLines } from '../test/grammar/adversarial-lines.mjs';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const MIN_LINES = opt('--lines', 120_000);
const ROUNDS = opt('--rounds', 3);
const JSON_OUT = args.includes('--json');
// VS Code does not tokenize lines longer than editor.maxTokenizationLineLength (20000 by default).
const MAX_LINE = 20_000;

const corpus = join(repoRoot, 'test-fixtures', 'corpus');

/**
 * VS Code's Log grammar (extensions/log/syntaxes/log.tmLanguage.json, MIT) is not committed here; it is
 * looked up in a VS Code install or a local copy (see test-fixtures/grammar/README.md).
 */
function findLogGrammar() {
  const rel = join('extensions', 'log', 'syntaxes', 'log.tmLanguage.json');
  const candidates = [
    process.env.VSCODE_LOG_GRAMMAR,
    join(repoRoot, 'test-fixtures', 'grammar', 'vscode-log.tmLanguage.json'),
    join(repoRoot, '.test-cache', 'grammar', 'vscode-log.tmLanguage.json'),
  ];
  const testRoot = join(repoRoot, '.vscode-test');
  if (existsSync(testRoot)) {
    for (const d of readdirSync(testRoot)) {
      candidates.push(
        join(testRoot, d, 'resources', 'app', rel),
        join(testRoot, d, 'VSCode-linux-x64', 'resources', 'app', rel),
      );
    }
  }
  candidates.push(join('/usr/share/code/resources/app', rel), join('/usr/lib/code-server/lib/vscode', rel));
  return candidates.find((p) => p && existsSync(p)) ?? null;
}
const LOG_GRAMMAR = findLogGrammar();

function syzkallerLog(text) {
  // "KEY: value" header, blank line, console log, optionally "\nREPORT:\n…" (not part of the log).
  const body = text.slice(text.indexOf('\n\n') + 2);
  const cut = body.search(/\n\nREPORT:\n/);
  return cut >= 0 ? body.slice(0, cut) : body;
}

function buildLog() {
  const consoles = [];
  for (const dir of ['qemu/logs', 'qemu-arm64/logs']) {
    for (const f of readdirSync(join(corpus, dir)).sort()) {
      if (f.endsWith('.console.log')) consoles.push(splitLines(readFileSync(join(corpus, dir, f), 'latin1')));
    }
  }
  const reports = readdirSync(join(corpus, 'syzkaller/report'))
    .sort((a, b) => Number(a) - Number(b))
    .map((f) => splitLines(syzkallerLog(readFileSync(join(corpus, 'syzkaller/report', f), 'latin1'))));
  const lines = [];
  // Interleave: one console capture, then a batch of reports, so boot chatter and crashes alternate.
  const perConsole = Math.ceil(reports.length / consoles.length);
  while (lines.length < MIN_LINES) {
    for (let i = 0; i < consoles.length; i++) {
      lines.push(...consoles[i]);
      for (const r of reports.slice(i * perConsole, (i + 1) * perConsole)) lines.push(...r);
    }
  }
  return lines.map((l) => (l.length > MAX_LINE ? l.slice(0, MAX_LINE) : l));
}

const TOP = 25;

/**
 * One pass over all lines like the editor's tokenizer (tokenizeLine2, rule stack carried over). Keeps
 * the TOP slowest lines with the state they started from, so they can be re-timed in isolation.
 */
function pass(grammar, lines) {
  let stack = INITIAL;
  const top = []; // { ms, index, stack }, sorted slowest first
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < lines.length; i++) {
    const s = performance.now();
    const r = grammar.tokenizeLine2(lines[i], stack);
    const d = performance.now() - s;
    if (top.length < TOP || d > top[top.length - 1].ms) {
      top.push({ ms: d, index: i, stack });
      top.sort((a, b) => b.ms - a.ms);
      if (top.length > TOP) top.pop();
    }
    stack = r.ruleStack;
  }
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  // Throughput is judged on CPU time: this machine is shared, and wall time also counts the time other
  // processes held the core. Both are printed.
  return { ms: (cpu.user + cpu.system) / 1000, wallMs, top };
}

/**
 * A single pass's slowest line is often just where a GC pause or JIT deopt landed (the Log grammar
 * shows the same on trivial lines). Re-time each of the slowest candidates 5 times from its real start
 * state and keep the minimum: that is the line's own cost.
 */
function slowestLine(grammar, lines, runs) {
  const candidates = new Map();
  for (const r of runs) for (const c of r.top) if (!candidates.has(c.index)) candidates.set(c.index, c);
  let worst = { ms: -1, index: -1 };
  for (const c of candidates.values()) {
    let min = Infinity;
    for (let k = 0; k < 5; k++) {
      const s = performance.now();
      grammar.tokenizeLine2(lines[c.index], c.stack);
      min = Math.min(min, performance.now() - s);
    }
    if (min > worst.ms) worst = { ms: min, index: c.index };
  }
  const observed = runs.map((r) => r.top[0]).sort((a, b) => b.ms - a.ms)[0];
  return {
    slowest: worst.ms,
    slowestIndex: worst.index,
    observedMax: observed.ms,
    observedIndex: observed.index,
  };
}

function best(grammar, lines, results) {
  const byTime = [...results].sort((a, b) => a.ms - b.ms);
  const wall = Math.min(...results.map((r) => r.wallMs));
  return {
    ms: byTime[0].ms,
    medianMs: byTime[Math.floor(byTime.length / 2)].ms,
    wallMs: wall,
    ...slowestLine(grammar, lines, results),
  };
}

const preview = (s) => (s.length > 110 ? `${s.slice(0, 110)}… (${s.length} chars)` : s);

async function main() {
  const lines = buildLog();
  const chars = lines.reduce((n, l) => n + l.length, 0);
  const ours = await loadGrammar();
  const log = LOG_GRAMMAR ? await loadGrammar(LOG_GRAMMAR) : null;

  // Warm-up: compiles every scanner and lets V8 optimise vscode-textmate before timing.
  pass(ours, lines.slice(0, 20_000));
  if (log) pass(log, lines.slice(0, 20_000));

  const oursRuns = [];
  const logRuns = [];
  for (let r = 0; r < ROUNDS; r++) {
    oursRuns.push(pass(ours, lines));
    if (log) logRuns.push(pass(log, lines));
  }
  const o = best(ours, lines, oursRuns);
  const l = log ? best(log, lines, logRuns) : null;

  // Adversarial single lines (also tokenized, untimed assertions, by test/grammar/robustness.test.ts).
  const adversarial = adversarialLines().map(({ name, line }) => {
    const text = line.length > MAX_LINE ? line.slice(0, MAX_LINE) : line;
    const times = [ours, log].filter(Boolean).map((g) => {
      let min = Infinity;
      for (let k = 0; k < 3; k++) {
        const s = performance.now();
        g.tokenizeLine2(text, INITIAL);
        min = Math.min(min, performance.now() - s);
      }
      return min;
    });
    return { name, chars: text.length, oursMs: times[0], logMs: times[1] };
  });

  const lps = (ms) => Math.round((lines.length / ms) * 1000);
  const result = {
    lines: lines.length,
    chars,
    rounds: ROUNDS,
    ours: {
      bestCpuMs: o.ms,
      medianCpuMs: o.medianMs,
      bestWallMs: o.wallMs,
      linesPerSecond: lps(o.ms),
      linesPerSecondWall: lps(o.wallMs),
      slowestLineMs: o.slowest,
      slowestLine: o.slowestIndex + 1,
      observedMaxMs: o.observedMax,
    },
    log: l
      ? {
          bestCpuMs: l.ms,
          medianCpuMs: l.medianMs,
          bestWallMs: l.wallMs,
          linesPerSecond: lps(l.ms),
          linesPerSecondWall: lps(l.wallMs),
          slowestLineMs: l.slowest,
          slowestLine: l.slowestIndex + 1,
          observedMaxMs: l.observedMax,
        }
      : null,
    ratio: l ? o.ms / l.ms : null,
    adversarial,
  };
  if (JSON_OUT) {
    console.log(JSON.stringify(result, null, 2));
    return;
  }
  console.log(
    `kernel-log grammar benchmark: ${lines.length} lines, ${(chars / 1e6).toFixed(1)} MB, best of ${ROUNDS} rounds`,
  );
  if (LOG_GRAMMAR) console.log(`  Log grammar: ${LOG_GRAMMAR}`);
  const fig = (g, r) =>
    `${r.linesPerSecond.toLocaleString('en')} lines/s (CPU ${g.ms.toFixed(0)} ms, median ${g.medianMs.toFixed(0)} ms; wall ${g.wallMs.toFixed(0)} ms = ${r.linesPerSecondWall.toLocaleString('en')} lines/s)`;
  console.log(`  ours (source.kernel-log): ${fig(o, result.ours)}`);
  if (l) {
    console.log(`  VS Code Log (text.log):   ${fig(l, result.log)}`);
    console.log(
      `  ratio ours/Log CPU time: ${result.ratio.toFixed(2)}x (target <= 2x; wall-time ratio ${(o.wallMs / l.wallMs).toFixed(2)}x)`,
    );
  } else {
    console.log('  VS Code Log grammar not found: no comparison (see test-fixtures/grammar/README.md)');
  }
  const slow = (g) =>
    `${g.slowest.toFixed(2)} ms at line ${g.slowestIndex + 1} (re-timed, min of 5; max seen in a pass incl. GC pauses ${g.observedMax.toFixed(2)} ms)`;
  console.log(`  slowest line, ours: ${slow(o)} (target <= 10 ms)`);
  console.log(`      ${preview(lines[o.slowestIndex])}`);
  if (l) {
    console.log(`  slowest line, Log:  ${slow(l)}`);
    console.log(`      ${preview(lines[l.slowestIndex])}`);
  }
  console.log('  adversarial lines (min of 3 runs each, cut at 20000 chars like VS Code):');
  for (const a of adversarial) {
    console.log(
      `    ${a.name.padEnd(36)} ${String(a.chars).padStart(6)} chars  ours ${a.oursMs.toFixed(2)} ms${a.logMs === undefined ? '' : `  Log ${a.logMs.toFixed(2)} ms`}`,
    );
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
