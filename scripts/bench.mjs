// `npm run bench`: time and peak memory of analysing a generated 1,000,000-line log (real reports from
// test-fixtures/corpus spliced into boot chatter, see gen-big-log.mjs) with the engine as it ships.
//   node scripts/bench.mjs [--runs N] [--lines N] [--check] [--profile]
// Each run is a fresh process that reads the log, then times analyzeText() alone and reports
// process.resourceUsage().maxRSS. --check exits 1 when the median misses a target; --profile writes a
// V8 CPU profile to .test-cache/bench/ and prints the functions with the most self time. Last, read +
// analyse against a read+split+one-regex baseline (issue 16: ≤ 3×, goal ≤ 2×).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import { loadavg, cpus } from 'node:os';

const TARGET_MS = 2000;
const TARGET_RSS_MB = 400;
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, '.test-cache', 'bench');

if (process.argv[2] === '--baseline-child') {
  // The least any analysis of the file must cost: read it, split it into lines, test one regex per line
  // (as bench-lsp.mjs's baseline), in a fresh process like the analysis.
  const t0 = performance.now();
  const lines = readFileSync(process.argv[3], 'utf8').split(/\r\n|\r|\n/);
  let hits = 0;
  for (const l of lines) if (/BUG:|Oops|WARNING:|Call Trace:|RIP:/.test(l)) hits++;
  process.stdout.write(JSON.stringify({ ms: performance.now() - t0, hits }));
  process.exit(0);
}

if (process.argv[2] === '--child') {
  // Runs in a fresh process: [--child, bundle, log]
  const [, , , bundle, log] = process.argv;
  const { analyzeText, readLogPieces } = createRequire(import.meta.url)(bundle);
  const r0 = performance.now();
  // As the CLI reads files: UTF-8 in pieces of whole lines, read a block at a time (safeFile.ts).
  const text = readLogPieces(log, Infinity);
  const r1 = performance.now();
  const c1 = process.cpuUsage();
  const result = analyzeText(text);
  const t = performance.now() - r1;
  const cpu = process.cpuUsage(c1);
  const kinds = {};
  for (const e of result.events) kinds[e.severity] = (kinds[e.severity] ?? 0) + 1;
  process.stdout.write(
    JSON.stringify({
      readMs: r1 - r0,
      analyzeMs: t,
      cpuMs: (cpu.user + cpu.system) / 1000,
      lines: result.lineCount,
      events: result.events.length,
      bySeverity: kinds,
      maxRssKb: process.resourceUsage().maxRSS,
    }),
  );
  process.exit(0);
}

function option(name, fallback) {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}
const runs = option('--runs', 3);
const lines = option('--lines', 1_000_000);
const check = process.argv.includes('--check');
const profile = process.argv.includes('--profile');

const { ensureBigLog } = await import(pathToFileURL(join(ROOT, 'scripts/gen-big-log.mjs')).href);
const meta = ensureBigLog(lines);

// The engine exactly as the CLI and server bundle it, but as a library we can call.
mkdirSync(OUT, { recursive: true });
const bundle = join(OUT, 'engine.cjs');
const { build } = await import('esbuild');
await build({
  entryPoints: [join(ROOT, 'server/src/engine/index.ts')],
  outfile: bundle,
  bundle: true,
  platform: 'node',
  target: 'node18',
  format: 'cjs',
  logLevel: 'warning',
});

// Wall time on a shared machine includes waiting for a core; the CPU time shows the engine's own cost.
console.log(
  `machine: ${cpus().length} cores, load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
console.log(`log: ${meta.path}`);
console.log(
  `     ${meta.lines.toLocaleString('en')} lines, ${(meta.bytes / 1e6).toFixed(1)} MB, ${meta.reports} real reports (${meta.reportLines.toLocaleString('en')} lines) from ${meta.distinctSources} corpus files`,
);

const results = [];
for (let i = 0; i < runs; i++) {
  const args = ['--max-old-space-size=4096'];
  if (profile && i === 0) {
    for (const f of readdirSync(OUT).filter((n) => n.endsWith('.cpuprofile'))) rmSync(join(OUT, f));
    args.push('--cpu-prof', '--cpu-prof-dir', OUT);
  }
  const child = spawnSync(
    process.execPath,
    [...args, fileURLToPath(import.meta.url), '--child', bundle, meta.path],
    { encoding: 'utf8', maxBuffer: 1 << 20 },
  );
  if (child.status !== 0) {
    console.error(child.stderr);
    process.exit(2);
  }
  const r = JSON.parse(child.stdout);
  results.push(r);
  console.log(
    `run ${i + 1}: analyze ${r.analyzeMs.toFixed(0)} ms wall, ${r.cpuMs.toFixed(0)} ms CPU (read ${r.readMs.toFixed(0)} ms), peak RSS ${(r.maxRssKb / 1024).toFixed(0)} MB, ${r.events} events ${JSON.stringify(r.bySeverity)}${profile && i === 0 ? ' [profiled]' : ''}`,
  );
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
// The profiled run is slower; leave it out of the figures when there are others.
const timed = profile && results.length > 1 ? results.slice(1) : results;
const ms = median(timed.map((r) => r.analyzeMs));
const cpuMs = median(timed.map((r) => r.cpuMs));
const rss = median(timed.map((r) => r.maxRssKb)) / 1024;
const ok = (good) => (good ? 'ok' : 'MISSED');
console.log(
  `\nparse + detect, median of ${timed.length}: ${ms.toFixed(0)} ms wall, ${cpuMs.toFixed(0)} ms CPU   (target ≤ ${TARGET_MS} ms: ${ok(ms <= TARGET_MS)})`,
);
console.log(
  `peak RSS, median of ${timed.length}:       ${rss.toFixed(0)} MB   (target ≤ ${TARGET_RSS_MB} MB: ${ok(rss <= TARGET_RSS_MB)})`,
);
console.log(`events: ${results[0].events} for ${meta.reports} spliced reports`);

// The CLI's whole cost (read + analyse) against reading, splitting and one regex per line.
const baselines = [];
for (let i = 0; i < Math.max(runs, 3); i++) {
  const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--baseline-child', meta.path], {
    encoding: 'utf8',
  });
  if (child.status !== 0) {
    console.error(child.stderr);
    process.exit(2);
  }
  baselines.push(JSON.parse(child.stdout).ms);
}
const baseMs = median(baselines);
const cliMs = median(timed.map((r) => r.readMs + r.analyzeMs));
const ratio = cliMs / baseMs;
console.log(
  `read + analyse ${cliMs.toFixed(0)} ms = ${ratio.toFixed(2)}× the read+split+regex baseline (${baseMs.toFixed(0)} ms, median of ${baselines.length})   (target ≤ 3×: ${ok(ratio <= 3)}, goal ≤ 2×: ${ok(ratio <= 2)})`,
);

if (profile) {
  const file = readdirSync(OUT).find((n) => n.endsWith('.cpuprofile'));
  if (file) printProfile(join(OUT, file));
}
if (check && (ms > TARGET_MS || rss > TARGET_RSS_MB)) process.exit(1);

/** Self time per function from a V8 .cpuprofile, top 20. */
function printProfile(path) {
  const prof = JSON.parse(readFileSync(path, 'utf8'));
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const self = new Map();
  for (let i = 0; i < prof.samples.length; i++) {
    const n = byId.get(prof.samples[i]);
    const cf = n.callFrame;
    const key = `${cf.functionName || '(anonymous)'}  ${cf.url ? cf.url.replace(/^.*\//, '') + ':' + (cf.lineNumber + 1) : ''}`;
    self.set(key, (self.get(key) ?? 0) + (prof.timeDeltas[i] ?? 0));
  }
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  console.log(`\nCPU profile ${path}\nself time (whole child process: read + analyse):`);
  for (const [k, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 20)) {
    console.log(
      `  ${(us / 1000).toFixed(0).padStart(6)} ms ${((100 * us) / total).toFixed(1).padStart(5)} %  ${k}`,
    );
  }
}
