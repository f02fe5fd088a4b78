// npm run bench:triage [-- --logs N]: engine time of `oops-lens triage` over N logs (default 1,000), made
// by replicating the real corpora (the qemu x86_64 and arm64 crashes, syzkaller's reports) into a scratch
// folder. Prints files, lines, MB, reading time, engine time (analysis + grouping, in one process) and the
// groups found, then the same folder through a cold `node dist/cli.js triage` for the wall time.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseTriageArgs, runTriage } from '../server/src/triageCommand';

const ROOT = path.resolve(__dirname, '..');
const CORPUS = path.join(ROOT, 'test-fixtures/corpus');
const argv = process.argv.slice(2);
const want = Number(argv[argv.indexOf('--logs') + 1] ?? 1000) || 1000;

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
for (const by of ['title', 'frames'] as const) {
  const o = parseTriageArgs(['--by', by, dir]);
  // Warm-up run (the JIT), then the measured one.
  runTriage(o);
  const start = performance.now();
  const r = runTriage(o);
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
