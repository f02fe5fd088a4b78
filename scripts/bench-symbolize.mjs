#!/usr/bin/env node
// Symbolizer benchmark over the real qemu corpus (test-fixtures/corpus/qemu), per log:
//   ours cold   — a fresh `node` process that parses the log's frames, opens vmlinux + buggy.ko and decodes
//                 every frame (wall time of the whole process, like running decode_stacktrace.sh once);
//   CLI cold    — the shipped command, `oops-lens decode LOG --vmlinux … --modules buggy.ko`, which also
//                 analyzes the log (events, titles) and prints it decoded;
//   eu-addr2line — the same addresses, same run: one eu-addr2line process for the vmlinux frames and one
//                 for the module frames (with -j <section>), wall time of both;
//   decode_stacktrace.sh — the figure recorded in decoded/timings.txt (not re-run: needs the kernel tree);
//   warm        — in one long-lived process (like the language server): first decode of this log after other
//                 logs, and the average of 20 repeated decodes of it;
//   peak RSS    — of the cold process, and of the long-lived process after all logs.
// Cold figures are the minimum of --repeat runs (default 3) for ours and eu-addr2line alike: the machine is
// shared, and the minimum is the least disturbed measurement.
// usage: node scripts/bench-symbolize.mjs [--vmlinux PATH] [--corpus DIR] [--repeat N] [logs…]
//   (PATH defaults to $OOPS_LENS_VMLINUX or /usr/lib/debug/boot/vmlinux-6.1.0-56-amd64)
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  if (i < 0) return dflt;
  const v = args[i + 1];
  args.splice(i, 2);
  return v;
};
const vmlinux = opt(
  '--vmlinux',
  process.env.OOPS_LENS_VMLINUX ?? '/usr/lib/debug/boot/vmlinux-6.1.0-56-amd64',
);
const corpus = opt('--corpus', path.resolve(root, 'test-fixtures/corpus/qemu'));
const repeat = Math.max(1, Number(opt('--repeat', '3')));
const ko = path.join(corpus, 'module/buggy.ko');
if (!fs.existsSync(vmlinux)) {
  console.error(
    `vmlinux not found: ${vmlinux} (see ${corpus}/README.md; pass --vmlinux or set OOPS_LENS_VMLINUX)`,
  );
  process.exit(2);
}
const logs = args.length
  ? args
  : fs
      .readdirSync(path.join(corpus, 'logs'))
      .filter((n) => n.endsWith('.console.log'))
      .map((n) => n.replace('.console.log', ''))
      .sort();

// Bundle the engine once, so the cold process measures our code, not a TypeScript loader.
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'oops-lens-bench-'));
const bundle = path.join(work, 'symbolize.cjs');
await build({
  entryPoints: [path.join(root, 'server/src/engine/symbolize/index.ts')],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  outfile: bundle,
  logLevel: 'warning',
});
const cli = path.join(work, 'cli.cjs');
await build({
  entryPoints: [path.join(root, 'server/src/cli.ts')],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  outfile: cli,
  logLevel: 'warning',
});

// The worker: extract frames from a log (x86_64 `RIP:`/`WARNING: … at`/call-trace lines; arm64 `pc :`/`lr :`),
// decode them all, print JSON. In --warm mode it keeps one Symbolizer per debug-file set and times each log.
const worker = path.join(work, 'worker.cjs');
fs.writeFileSync(
  worker,
  `
const fs = require('node:fs');
const sym = require(${JSON.stringify(bundle)});
const FRAME = /(RIP: 00\\d0:|pc : |lr : |WARNING: .* at \\S+ |^(?:\\[[ \\d.]+\\] )?(?:sysrq: )? (\\? )?)([A-Za-z_][\\w.]*)\\+0x([0-9a-f]+)\\/0x([0-9a-f]+)(?: \\[(\\w+)\\])?/;
function framesOf(text) {
  const lines = text.split(/\\r\\n|\\r|\\n/);
  const start = Math.max(0, lines.findIndex((l) => l.includes('KCRASH TRIGGER')));
  const out = [];
  for (const l of lines.slice(start)) {
    const m = FRAME.exec(l);
    if (!m) continue;
    const kind = m[1];
    const isReturnAddress = !(kind.startsWith('RIP') || kind.startsWith('pc') || kind.startsWith('WARNING'));
    out.push({ function: m[3], offset: parseInt(m[4], 16), size: parseInt(m[5], 16), module: m[6] ?? null, address: null, isReturnAddress });
  }
  return out;
}
function decode(s, file) {
  const frames = framesOf(fs.readFileSync(file, 'utf8'));
  const res = s.symbolizeAll(frames);
  return { frames: frames.length, ok: res.filter((r) => r.ok).length, lines: res.map((r) => r.frames.map((f) => f.function + ' ' + f.file + ':' + f.line).join(' <- ')) };
}
const [mode, vmlinux, ko, ...logs] = process.argv.slice(2);
const set = () => ({ vmlinux, modules: [ko] });
if (mode === 'cold') {
  const r = decode(new sym.Symbolizer(set()), logs[0]);
  console.log(JSON.stringify({ ...r, maxRssKb: process.resourceUsage().maxRSS }));
} else {
  const s = new sym.Symbolizer(set());
  const out = {};
  for (const log of logs) {
    let t = process.hrtime.bigint();
    const first = decode(s, log);
    const firstMs = Number(process.hrtime.bigint() - t) / 1e6;
    t = process.hrtime.bigint();
    for (let i = 0; i < 20; i++) decode(s, log);
    out[log] = { frames: first.frames, firstMs, repeatMs: Number(process.hrtime.bigint() - t) / 1e6 / 20 };
  }
  console.log(JSON.stringify({ logs: out, maxRssKb: process.resourceUsage().maxRSS }));
}
`,
);

function timed(cmd, argv, input, okStatus = [0]) {
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd, argv, { encoding: 'utf8', input, maxBuffer: 1 << 26 });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (!okStatus.includes(r.status)) throw new Error(`${cmd} failed: ${r.stderr}`);
  return { ms, out: r.stdout };
}

// Addresses for eu-addr2line: the truth file's link-time addresses (vmlinux) and section offsets (module).
function truthRows(sc) {
  const p = path.join(corpus, 'decoded', `${sc}.truth.tsv`);
  if (!fs.existsSync(p)) return [];
  return fs
    .readFileSync(p, 'utf8')
    .split('\n')
    .slice(1)
    .filter(Boolean)
    .map((l) => l.split('\t'));
}
const recorded = {};
const timingsFile = path.join(corpus, 'decoded/timings.txt');
if (fs.existsSync(timingsFile))
  for (const l of fs.readFileSync(timingsFile, 'utf8').split('\n')) {
    const m = /^(\S+) decode_stacktrace\.sh\(whole log\) ([\d.]+)s/.exec(l);
    if (m) recorded[m[1]] = Number(m[2]) * 1000;
  }
const haveEu = spawnSync('sh', ['-c', 'command -v eu-addr2line']).status === 0;

// Drop nothing from the page cache (not ours to do); one untimed pass warms it for everyone alike.
timed(process.execPath, [worker, 'cold', vmlinux, ko, path.join(corpus, 'logs', `${logs[0]}.console.log`)]);

const rows = [];
for (const sc of logs) {
  const log = path.join(corpus, 'logs', `${sc}.console.log`);
  let cold = null;
  for (let i = 0; i < repeat; i++) {
    const r = timed(process.execPath, [worker, 'cold', vmlinux, ko, log]);
    if (!cold || r.ms < cold.ms) cold = r;
  }
  const res = JSON.parse(cold.out);
  let cliMs = null;
  for (let i = 0; i < repeat; i++) {
    const r = timed(process.execPath, [cli, 'decode', log, '--vmlinux', vmlinux, '--modules', ko]);
    if (cliMs === null || r.ms < cliMs) cliMs = r.ms;
  }
  let eu = null;
  if (haveEu) {
    const t = truthRows(sc);
    const vm = t.filter((r) => r[5] === 'vmlinux' && r[7].startsWith('0x')).map((r) => r[7]);
    const bySection = new Map();
    for (const r of t.filter((r) => r[5] === 'buggy'))
      bySection.set(r[6], [...(bySection.get(r[6]) ?? []), r[7]]);
    for (let i = 0; i < repeat; i++) {
      let ms = 0;
      if (vm.length)
        ms += timed('eu-addr2line', ['-f', '-i', '-e', vmlinux], vm.join('\n') + '\n', [0, 1]).ms; // eu-addr2line exits 1 when an address has no line
      for (const [sec, addrs] of bySection)
        ms += timed('eu-addr2line', ['-f', '-i', '-e', ko, '-j', sec], addrs.join('\n') + '\n', [0, 1]).ms;
      if (eu === null || ms < eu) eu = ms;
    }
  }
  rows.push({
    sc,
    frames: res.frames,
    ok: res.ok,
    coldMs: cold.ms,
    cliMs,
    rssMb: res.maxRssKb / 1024,
    euMs: eu,
    dsMs: recorded[sc] ?? null,
  });
}
const warm = JSON.parse(
  timed(process.execPath, [
    worker,
    'warm',
    vmlinux,
    ko,
    ...logs.map((sc) => path.join(corpus, 'logs', `${sc}.console.log`)),
  ]).out,
);
// What any Node.js process costs before our code runs: the floor of every cold figure above.
let nodeStartMs = Infinity;
for (let i = 0; i < Math.max(5, repeat); i++)
  nodeStartMs = Math.min(nodeStartMs, timed(process.execPath, ['-e', '0']).ms);

const f = (x, d = 0) => (x === null || x === undefined ? '-' : x.toFixed(d));
console.log(
  `vmlinux: ${vmlinux}\nmodule:  ${ko}\nnode ${process.version}, ${os.cpus().length} cpus, load average ${os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}, cold = min of ${repeat} runs\n`,
);
console.log(
  'log            frames  ok  cold ms  CLI ms  RSS MB  eu-addr2line ms  ours/eu  decode_stacktrace.sh ms (recorded)  speed-up  warm first ms  warm repeat ms',
);
for (const r of rows) {
  const w = warm.logs[path.join(corpus, 'logs', `${r.sc}.console.log`)];
  console.log(
    `${r.sc.padEnd(14)} ${String(r.frames).padStart(6)} ${String(r.ok).padStart(3)} ${f(r.coldMs).padStart(8)} ${f(r.cliMs).padStart(7)} ${f(r.rssMb).padStart(7)} ${f(r.euMs).padStart(16)} ${(r.euMs ? f(r.coldMs / r.euMs, 2) : '-').padStart(8)} ${f(r.dsMs).padStart(37)} ${(r.dsMs ? f(r.dsMs / r.coldMs, 1) + 'x' : '-').padStart(9)} ${f(w.firstMs, 1).padStart(14)} ${f(w.repeatMs, 2).padStart(15)}`,
  );
}
const sum = (k) => rows.reduce((a, r) => a + (r[k] ?? 0), 0);
const withDs = rows.filter((r) => r.dsMs);
console.log(
  `\ntotal: cold ${f(sum('coldMs'))} ms, eu-addr2line ${f(sum('euMs'))} ms (ratio ${f(sum('coldMs') / sum('euMs'), 2)}), ` +
    `decode_stacktrace.sh recorded ${f(withDs.reduce((a, r) => a + r.dsMs, 0))} ms (speed-up ${f(withDs.reduce((a, r) => a + r.dsMs, 0) / withDs.reduce((a, r) => a + r.coldMs, 0), 1)}x)`,
);
const dsTotal = withDs.reduce((a, r) => a + r.dsMs, 0);
console.log(
  `CLI (oops-lens decode): ${f(sum('cliMs'))} ms (ratio to eu-addr2line ${f(sum('cliMs') / sum('euMs'), 2)}), ` +
    `speed-up over decode_stacktrace.sh ${f(dsTotal / withDs.reduce((a, r) => a + r.cliMs, 0), 1)}x`,
);
console.log(
  `node start-up alone (node -e 0, min): ${f(nodeStartMs)} ms per process, ${f(nodeStartMs * rows.length)} ms for ${rows.length} logs ` +
    `= ${f((nodeStartMs * rows.length) / sum('euMs'), 2)}x eu-addr2line's whole time`,
);
console.log(
  `peak RSS: cold process max ${f(Math.max(...rows.map((r) => r.rssMb)))} MB; long-lived process after all logs ${f(warm.maxRssKb / 1024)} MB`,
);
console.log(
  `warm: max first-decode ${f(Math.max(...Object.values(warm.logs).map((w) => w.firstMs)), 1)} ms, max repeat ${f(Math.max(...Object.values(warm.logs).map((w) => w.repeatMs)), 2)} ms per trace`,
);
fs.rmSync(work, { recursive: true, force: true });
