// npm run bench:triage [-- --logs N] [--decode-logs M] [--script-logs K]: engine time of `oops-lens triage`
// over N logs (default 1,000), made by replicating the real corpora (the qemu x86_64 and arm64 crashes,
// syzkaller's reports) into a scratch folder. Prints files, lines, MB, reading time, engine time (analysis +
// grouping, in one process) and the groups found, then the same folder through a cold `node dist/cli.js
// triage` for the wall time. Then, with the Debian 6.1 vmlinux ($OOPS_LENS_VMLINUX, as the tests read it):
// `triage --vmlinux V --modules buggy.ko` over M copies of the qemu x86_64 logs (default 200), every frame
// decoded — ms per log amortised — side by side with the kernel's scripts/decode_stacktrace.sh (from
// $OOPS_LENS_KERNEL_SOURCE) on K of those logs (default 3), per log.
import { spawnSync } from 'node:child_process';
import { existsSync, openSync, closeSync } from 'node:fs';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseTriageArgs, runTriage } from '../server/src/triageCommand';

const ROOT = path.resolve(__dirname, '..');
const CORPUS = path.join(ROOT, 'test-fixtures/corpus');
const argv = process.argv.slice(2);
const flag = (name: string, def: number) =>
  argv.includes(name) ? Number(argv[argv.indexOf(name) + 1]) || def : def;
const want = flag('--logs', 1000);
const decodeLogs = flag('--decode-logs', 200);
const scriptLogs = flag('--script-logs', 3);

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}
const sources = [
  ...files(path.join(CORPUS, 'qemu/logs')).filter((f) => f.endsWith('.console.log')),
  ...files(path.join(CORPUS, 'qemu-arm64/logs')).filter((f) => f.endsWith('.log')),
  ...files(path.join(CORPUS, 'syzkaller/report')),
];
const dir = mkdtempSync(path.join(tmpdir(), 'oops-lens-bench-triage-'));
let bytes = 0;
let lines = 0;
for (let i = 0; i < want; i++) {
  const src = sources[i % sources.length];
  const sub = path.join(dir, `run${Math.floor(i / sources.length)}`);
  mkdirSync(sub, { recursive: true });
  const dst = path.join(sub, `${i}-${path.basename(src)}`);
  copyFileSync(src, dst);
  const text = readFileSync(dst, 'utf8');
  bytes += text.length;
  lines += text.split('\n').length;
}
console.log(
  `${want} logs (${sources.length} corpus files replicated), ${lines.toLocaleString('en-US')} lines, ${(bytes / 1e6).toFixed(1)} MB`,
);
// tsx runs this as CommonJS: no top-level await.
async function main(): Promise<void> {
  for (const by of ['title', 'frames'] as const) {
    const o = parseTriageArgs(['--by', by, dir]);
    // Warm-up run (the JIT), then the measured one.
    await runTriage(o);
    const start = performance.now();
    const r = await runTriage(o);
    const total = performance.now() - start;
    console.log(
      `--by ${by}: engine ${(r.engineMs / 1000).toFixed(2)} s (${(r.engineMs / r.logs).toFixed(2)} ms per log), ` +
        `with reading ${(total / 1000).toFixed(2)} s; ${r.groups.length} groups of ${r.events} events, ${r.skipped.length} skipped`,
    );
  }
  const cold = performance.now();
  const cli = spawnSync(process.execPath, [path.join(ROOT, 'dist/cli.js'), 'triage', dir], {
    encoding: 'utf8',
  });
  console.log(
    `cold oops-lens triage (a new process, reading included): ${((performance.now() - cold) / 1000).toFixed(2)} s, exit ${cli.status}`,
  );
  rmSync(dir, { recursive: true, force: true });

  // Decoding every frame: our triage with debug files vs decode_stacktrace.sh, per log.
  const vmlinux = process.env.OOPS_LENS_VMLINUX;
  const kernel = process.env.OOPS_LENS_KERNEL_SOURCE;
  if (!vmlinux || !existsSync(vmlinux)) {
    console.log(
      'decode: skipped (set OOPS_LENS_VMLINUX to the Debian 6.1.0-56-amd64 vmlinux, see scripts/ci/fetch-vmlinux.sh)',
    );
  } else {
    const qemu = files(path.join(CORPUS, 'qemu/logs')).filter((f) => f.endsWith('.console.log'));
    const modules = path.join(CORPUS, 'qemu/module');
    const ddir = mkdtempSync(path.join(tmpdir(), 'oops-lens-bench-decode-'));
    for (let i = 0; i < decodeLogs; i++)
      copyFileSync(qemu[i % qemu.length], path.join(ddir, `${i}-${path.basename(qemu[i % qemu.length])}`));
    const o = parseTriageArgs([ddir, '--vmlinux', vmlinux, '--modules', modules]);
    // The first log opens the vmlinux and builds what its lookups need: part of the amortised cost, so it is
    // measured, in a fresh process state as far as this script allows (nothing opened it before).
    const start = performance.now();
    const r = await runTriage(o);
    const total = performance.now() - start;
    console.log(
      `triage --vmlinux over ${r.logs} qemu logs: ${r.decoded} of ${r.frames} frames decoded, engine ${(r.engineMs / r.logs).toFixed(1)} ms per log amortised ` +
        `(${(r.engineMs / 1000).toFixed(2)} s, with reading ${(total / 1000).toFixed(2)} s), first log included`,
    );
    const again = await runTriage(o);
    console.log(
      `  again in the same process (files open): ${(again.engineMs / again.logs).toFixed(1)} ms per log`,
    );
    const script = kernel && path.join(kernel, 'scripts/decode_stacktrace.sh');
    if (!script || !existsSync(script))
      console.log('decode_stacktrace.sh: skipped (set OOPS_LENS_KERNEL_SOURCE)');
    else {
      let ms = 0;
      let decoded = 0;
      const n = Math.min(scriptLogs, qemu.length);
      for (const log of qemu.slice(0, n)) {
        const input = openSync(log, 'r');
        const t0 = performance.now();
        const out = spawnSync('bash', [script, vmlinux, kernel, modules], {
          stdio: [input, 'pipe', 'pipe'],
          encoding: 'utf8',
        });
        ms += performance.now() - t0;
        closeSync(input);
        decoded += (out.stdout.match(/\) \S*:\d+|\.[ch]:\d+/g) ?? []).length;
      }
      console.log(
        `decode_stacktrace.sh on ${n} of those logs: ${(ms / n).toFixed(0)} ms per log (${decoded} file:line answers)`,
      );
    }
    rmSync(ddir, { recursive: true, force: true });
  }
}
void main();
