// `npm run bench:memory`: memory per document size (build first: `npm run build`).
//   node scripts/bench-memory.mjs [--mb N]
// Builds an N MB log (default 100) from the generated benchmark log (gen-big-log.mjs) and an N MB log of
// empty lines, then prints the peak RSS (VmHWM) of
//   - `oops-lens analyze` and `oops-lens decode` on each (target ≤ 3× the document), decode also with its
//     output read through a pipe,
//   - the language server over stdio: after the diagnostics of the opened document, after one edit and
//     its diagnostics, after Decode log (target ≤ 6× the document), whose text is asked for in pages of
//     1 Mi characters as the VS Code client asks for it (client/src/decodedDocuments.ts).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, '.test-cache', 'bench-memory');
const require = createRequire(import.meta.url);
const i = process.argv.indexOf('--mb');
const MB = i > 0 ? Number(process.argv[i + 1]) : 100;
const BYTES = MB << 20;
for (const f of ['dist/cli.js', 'dist/server.js'])
  if (!existsSync(join(ROOT, f))) throw new Error(`${f} is missing: run npm run build first`);

/** Within `times` the document's size? (`analyze` and `decode` are held to 3×, the server to 6×.) */
const verdict = (mb, times) => (mb <= times * MB ? `≤ ${times}×` : `over ${times}×`);

/** Peak and current RSS of a live process, in MB. */
function rssOf(pid) {
  try {
    const s = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (k) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(s)?.[1] ?? 0);
    return { peak: kb('VmHWM') / 1024, now: kb('VmRSS') / 1024 };
  } catch {
    return null;
  }
}

function makeLogs() {
  mkdirSync(OUT, { recursive: true });
  const mixed = join(OUT, `mixed-${MB}mb.log`);
  const empty = join(OUT, `newlines-${MB}mb.log`);
  if (!existsSync(mixed)) {
    const gen = spawnSync(process.execPath, [join(ROOT, 'scripts/gen-big-log.mjs'), '1000000'], {
      encoding: 'utf8',
    });
    const big = readFileSync(JSON.parse(gen.stdout).path);
    const out = Buffer.alloc(BYTES);
    for (let at = 0; at < BYTES; at += big.length) big.copy(out, at, 0, Math.min(big.length, BYTES - at));
    // End on a whole line.
    const cut = out.lastIndexOf(0x0a) + 1;
    writeFileSync(mixed, out.subarray(0, cut));
  }
  if (!existsSync(empty)) writeFileSync(empty, Buffer.alloc(BYTES, 0x0a));
  return { mixed, empty };
}

/** Runs a command to its end, sampling its peak RSS; `piped`: its output read through a pipe, else discarded. */
async function peakOf(args, piped = false) {
  const child = spawn(process.execPath, args, { stdio: ['ignore', piped ? 'pipe' : 'ignore', 'inherit'] });
  child.stdout?.resume();
  let peak = 0;
  const timer = setInterval(() => (peak = Math.max(peak, rssOf(child.pid)?.peak ?? 0)), 20);
  const started = performance.now();
  await new Promise((r) => child.on('exit', r));
  clearInterval(timer);
  return { peak, seconds: (performance.now() - started) / 1000 };
}

async function server(file) {
  const {
    createMessageConnection,
    StreamMessageReader,
    StreamMessageWriter,
  } = require('vscode-jsonrpc/node');
  const proc = spawn(process.execPath, [join(ROOT, 'dist/server.js'), '--stdio'], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, DEBUGINFOD_URLS: '' },
  });
  const conn = createMessageConnection(
    new StreamMessageReader(proc.stdout),
    new StreamMessageWriter(proc.stdin),
  );
  let diagnostics = 0;
  let onDiagnostics = () => {};
  conn.onNotification('textDocument/publishDiagnostics', () => {
    diagnostics++;
    onDiagnostics();
  });
  conn.onRequest('workspace/configuration', (p) => p.items.map(() => ({})));
  conn.onRequest('window/workDoneProgress/create', () => null);
  conn.onNotification(() => {});
  conn.listen();
  await conn.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {} });
  await conn.sendNotification('initialized', {});
  const uri = pathToFileURL(file).href;
  const text = readFileSync(file, 'utf8');
  const waitDiagnostics = (n) =>
    new Promise((r) => {
      onDiagnostics = () => diagnostics >= n && r();
      onDiagnostics();
    });
  const rows = [];
  const mark = (what, t0) => {
    const r = rssOf(proc.pid);
    rows.push(
      `  ${what.padEnd(28)} ${((performance.now() - t0) / 1000).toFixed(1).padStart(6)} s   peak ${r.peak.toFixed(0)} MB (${(r.peak / MB).toFixed(1)}×, ${verdict(r.peak, 6)}), now ${r.now.toFixed(0)} MB`,
    );
  };
  let t0 = performance.now();
  await conn.sendNotification('textDocument/didOpen', {
    textDocument: { uri, languageId: 'kernel-log', version: 1, text },
  });
  await waitDiagnostics(1);
  mark('open → diagnostics', t0);
  t0 = performance.now();
  await conn.sendNotification('textDocument/didChange', {
    textDocument: { uri, version: 2 },
    contentChanges: [
      { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: 'x' },
    ],
  });
  await waitDiagnostics(2);
  mark('one edit → diagnostics', t0);
  t0 = performance.now();
  let page = await conn.sendRequest('workspace/executeCommand', {
    command: 'kernelOops.server.decodeLog',
    arguments: [uri, { pageChars: 1 << 20 }],
  });
  let pages = 1;
  let chars = page.text.length;
  for (; page.more; pages++) {
    page = await conn.sendRequest('workspace/executeCommand', {
      command: 'kernelOops.server.decodeLogPage',
      arguments: [page.more],
    });
    chars += page.text.length;
  }
  mark(`Decode log (${pages} pages)`, t0);
  if (chars < text.length * 0.99) throw new Error(`Decode log gave ${chars} characters of ${text.length}`);
  await conn.sendRequest('shutdown');
  await conn.sendNotification('exit');
  await new Promise((r) => proc.on('exit', r));
  conn.dispose();
  return rows;
}

const logs = makeLogs();
console.log(`memory per document size, ${MB} MB documents (targets: CLI ≤ 3×, server ≤ 6×)`);
for (const [name, file] of Object.entries(logs)) {
  console.log(`${name} (${file}):`);
  // decode into a pipe too: a pipe fills (64 KB) and a writer that does not wait for it queues its output.
  for (const [cmd, piped] of [
    ['analyze', false],
    ['decode', false],
    ['decode', true],
  ]) {
    const r = await peakOf([join(ROOT, 'dist/cli.js'), cmd, file], piped);
    const what = piped ? `${cmd} | pipe` : cmd;
    console.log(
      `  oops-lens ${what.padEnd(17)} ${r.seconds.toFixed(1).padStart(6)} s   peak ${r.peak.toFixed(0)} MB (${(r.peak / MB).toFixed(1)}×, ${verdict(r.peak, 3)})`,
    );
  }
  for (const row of await server(file)) console.log(row);
}
