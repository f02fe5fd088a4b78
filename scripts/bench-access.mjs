#!/usr/bin/env node
// What the faulting-access explanation costs a cold `oops-lens decode` (issue 13's budget: at most +20 ms),
// per memory fault of the qemu corpora (x86_64 and arm64), each figure the minimum of --repeat fresh
// processes (the machine is shared; the minimum is the least disturbed run):
//   log only    — faultAccess(event) the first time in the process: the x86 one loads iced-x86 (WebAssembly)
//                 and decodes the Code: bytes; arm64 runs the hand decoder (access/arm64.ts), no library;
//                 'first' with an empty code-cache folder (the glue compiled, the cache written at exit),
//                 'cached' with the V8 code cache an earlier process left (engine/explain/icedLoader.ts);
//   with module — evidenceFromFile(buggy.ko) + faultAccess: the bytes at the IP, the DWARF variable at the PC
//                 and the member walk (the .ko open and the IP symbolized first, as decode does before);
//   iced load   — iced-x86 loaded as the engine loads it (first / cached) and one decoded instruction, alone;
//   capstone    — the capstone.js initialisation (3.3 MB of WebAssembly, asynchronous) that the arm64
//                 decoder avoids (the Code: hover still uses it);
//   CLI decode  — the whole shipped command, `oops-lens decode LOG --modules buggy.ko` (dist/cli.js), for scale;
//   delta       — issue 13's budget itself: the CPU time (user + system, all threads, process.cpuUsage at exit)
//                 of the shipped `decode` minus that of the same CLI built with the access explanation cut out
//                 (faultAccess and the symbolizer's explainAccess return null), median of --repeat alternating
//                 runs of each; CPU time, unlike wall time, barely moves with the load of a shared machine.
// usage: npm run build && node scripts/bench-access.mjs [--repeat N]
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const at = args.indexOf('--repeat');
const repeat = Math.max(1, Number(at >= 0 ? args[at + 1] : 5));
const corpus = path.join(root, 'test-fixtures/corpus');
const FAULTS = {
  x86_64: ['null_read', 'null_write', 'gpf', 'inline', 'null_wq'],
  arm64: ['null_read', 'null_write', 'gpf', 'inline', 'null_wq'],
};

// The engine bundled once, so the cold process measures our code, not a TypeScript loader; the two
// WebAssembly packages stay external and load from node_modules as in the shipped bundle's neighbourhood.
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'oops-lens-bench-access-'));
/** `entry` (under server/src) bundled into `work/name`. */
async function bundleOf(entry, name) {
  const outfile = path.join(work, name);
  await build({
    entryPoints: [path.join(root, 'server/src', entry)],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    outfile,
    external: ['iced-x86', '@alexaltea/capstone-js'],
    logLevel: 'warning',
  });
  return outfile;
}
const bundle = await bundleOf('engine/index.ts', 'engine.cjs');

// The CLI without the faulting-access explanation, beside its WebAssembly and iced-x86's glue as dist/ has them.
const bare = path.join(work, 'bare');
fs.mkdirSync(bare);
const cutAccess = {
  name: 'cut-access',
  setup(b) {
    b.onLoad({ filter: /[\\/](faultAccess|session)\.ts$/ }, (args) => {
      const src = fs.readFileSync(args.path, 'utf8');
      const cut = src
        .replace(/(export function faultAccess\([^)]*\)[^{]*\{)/, '$1 return null;')
        .replace(/(function explainAccess\([^)]*\)[^{]*\{)/, '$1 return null;');
      if (cut === src) throw new Error(`bench-access: nothing cut from ${args.path} (renamed?)`);
      return { contents: cut, loader: 'ts' };
    });
  },
};
await build({
  entryPoints: [path.join(root, 'server/src/cli.ts')],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  outfile: path.join(bare, 'cli.js'),
  external: ['iced-x86'],
  define: { KERNEL_OOPS_LENS_VERSION: '"bench"' },
  plugins: [cutAccess],
  logLevel: 'warning',
});
for (const f of ['iced_x86.js', 'iced_x86_bg.wasm', 'capstone.wasm'])
  fs.copyFileSync(path.join(root, 'dist', f), path.join(bare, f));
const cpuAtExit = path.join(work, 'cpu-at-exit.cjs');
fs.writeFileSync(
  cpuAtExit,
  "process.on('exit', () => { const u = process.cpuUsage(); process.stderr.write('\\ncpu-ms ' + (u.user + u.system) / 1000 + '\\n'); });",
);
/** CPU ms of one `decode` run of `cli`. */
function decodeCpu(cli, log, ko) {
  const r = spawnSync(process.execPath, ['-r', cpuAtExit, cli, 'decode', log, '--modules', ko], {
    encoding: 'utf8',
    env: { ...process.env, KERNEL_OOPS_LENS_CACHE: warmCache },
    maxBuffer: 1 << 26,
  });
  if (r.status !== 0) throw new Error(r.stderr);
  return { cpu: Number(/cpu-ms ([\d.]+)/.exec(r.stderr)[1]), out: r.stdout };
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const env = { ...process.env, NODE_PATH: path.join(root, 'node_modules') };
/** The code cache an earlier process left (filled by the first run that uses it). */
const warmCache = path.join(work, 'warm-cache');

/** `cache`: 'first' (an empty cache folder, as the very first run) or 'cached'. */
function child(code, cache = 'cached') {
  const dir = cache === 'first' ? fs.mkdtempSync(path.join(work, 'cache-')) : warmCache;
  const r = spawnSync(process.execPath, ['-e', code], {
    encoding: 'utf8',
    env: { ...env, KERNEL_OOPS_LENS_CACHE: dir },
  });
  if (cache === 'first') fs.rmSync(dir, { recursive: true, force: true });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout);
}

function minOf(code, cache = 'cached') {
  child(code, 'cached'); // fills the warm cache
  let best = null;
  for (let i = 0; i < repeat; i++) {
    const r = child(code, cache);
    best = best ? Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Math.min(v, best[k])])) : r;
  }
  return best;
}

const ms = (v) => `${v.toFixed(1).padStart(6)} ms`;
console.log(`faulting access, cold (min of ${repeat} fresh processes)`);
console.log(
  'log                     log only (first / cached)   with module   CLI decode   CPU delta (with - without)',
);
const deltas = [];
for (const [arch, scenarios] of Object.entries(FAULTS)) {
  const dir = path.join(corpus, arch === 'arm64' ? 'qemu-arm64' : 'qemu');
  const ko = path.join(dir, 'module/buggy.ko');
  for (const sc of scenarios) {
    const log = path.join(dir, 'logs', `${sc}.console.log`);
    const code = `
      const fs = require('node:fs');
      const E = require(${JSON.stringify(bundle)});
      const e = E.analyzeText(fs.readFileSync(${JSON.stringify(log)}, 'utf8')).events.find((x) => x.ip && x.registers.length);
      const df = E.openDebugFile(${JSON.stringify(ko)});
      // As in decode: the IP frame is symbolized first (its DWARF unit and line table read).
      const l = df.lookupSymbol(e.ip.function, e.ip.offset, e.ip.size);
      df.lookupAddress({ section: l.symbolSection, offset: l.address });
      let t = performance.now();
      const a = E.faultAccess(e);
      const logOnly = performance.now() - t;
      t = performance.now();
      const b = E.faultAccess(e, E.evidenceFromFile(df, e.ip));
      const withModule = performance.now() - t;
      if (!a || !b) throw new Error('no access');
      process.stdout.write(JSON.stringify({ logOnly, withModule }));`;
    const r = minOf(code);
    const first = minOf(code, 'first');
    let cli = Infinity;
    for (let i = 0; i < repeat; i++) {
      const t = performance.now();
      const d = spawnSync(
        process.execPath,
        [path.join(root, 'dist/cli.js'), 'decode', log, '--modules', ko],
        {
          env: { ...process.env, KERNEL_OOPS_LENS_CACHE: warmCache },
        },
      );
      if (d.status !== 0) throw new Error(String(d.stderr));
      cli = Math.min(cli, performance.now() - t);
    }
    const withCpu = [];
    const withoutCpu = [];
    for (let i = 0; i < repeat; i++) {
      const w = decodeCpu(path.join(root, 'dist/cli.js'), log, ko);
      if (!w.out.includes('Faulting access:')) throw new Error(`${arch} ${sc}: no Faulting access line`);
      withCpu.push(w.cpu);
      withoutCpu.push(decodeCpu(path.join(bare, 'cli.js'), log, ko).cpu);
    }
    const delta = median(withCpu) - median(withoutCpu);
    deltas.push(delta);
    console.log(
      `${`${arch} ${sc}`.padEnd(22)} ${ms(first.logOnly)} / ${ms(r.logOnly)}       ${ms(r.withModule)}    ${ms(cli)}   ` +
        `${ms(delta)} (${median(withCpu).toFixed(1)} - ${median(withoutCpu).toFixed(1)})`,
    );
  }
}
console.log(
  `cold decode CPU delta: median ${median(deltas).toFixed(1)} ms, max ${Math.max(...deltas).toFixed(1)} ms over ${deltas.length} faults ` +
    `(budget +20 ms; load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')})`,
);
// iced-x86 as the engine loads it (disasm.ts loadIced: the glue through the code cache), and a plain require.
const disasm = await bundleOf('engine/explain/disasm.ts', 'disasm.cjs');
const icedCode = (load) => `
  const t = performance.now();
  const ice = ${load};
  const d = new ice.Decoder(64, Uint8Array.of(0x48, 0x8b, 0x47, 0x10), 0);
  const f = new ice.Formatter(ice.FormatterSyntax.Gas);
  f.format(d.decode());
  d.free();
  process.stdout.write(JSON.stringify({ ms: performance.now() - t }));`;
const engineLoad = icedCode(`require(${JSON.stringify(disasm)}).loadIced()`);
const iced = {
  first: minOf(engineLoad, 'first'),
  cached: minOf(engineLoad),
  plain: minOf(icedCode("require('iced-x86')")),
};
const capstone = minOf(`
  const t = performance.now();
  require('@alexaltea/capstone-js')().then((cs) => {
    const h = new cs.Capstone(cs.ARCH_ARM64, cs.MODE_ARM);
    h.disasm([0x80, 0x08, 0x40, 0xf9], 0);
    process.stdout.write(JSON.stringify({ ms: performance.now() - t }));
  });`);
console.log(
  `iced-x86 load + first decode:   ${ms(iced.first.ms)} first, ${ms(iced.cached.ms)} with the code cache (plain require: ${ms(iced.plain.ms)})`,
);
console.log(`capstone.js init + first decode: ${ms(capstone.ms)} (not used by the arm64 access decoder)`);
fs.rmSync(work, { recursive: true, force: true });
