#!/usr/bin/env node
// `npm run bench:lsp`: huge logs through the built server over stdio, as an editor talks to it. For each
// size (default 100k, 300k and 1M lines of gen-big-log.mjs) prints, in the same run: the read-and-split
// baseline (read the file, split it into lines, test one regex per line), didOpen → first diagnostics
// (and where that time goes, from the server's timeline: lsp/timeline.ts; for a log above VS Code's 50 MB
// sync limit also the way VS Code opens it, kernelOops/openLargeLog),
// documentSymbol time and JSON bytes (cold, then again for the same version), foldingRange, the first hover
// and p50/p99 of 200 more, the time from a one-character edit to the re-published diagnostics (then p50 and
// max of more edits, new lines among them), and the server's RSS. Figures only; nothing here passes or
// fails.
//   node scripts/bench-lsp.mjs [--sizes 100000,300000,1000000] [--hovers N] [--edits N]
import { spawn } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SERVER = join(ROOT, 'dist/server.js');
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const sizes = String(opt('--sizes', '100000,300000,1000000')).split(',').map(Number);
const hoverCount = Number(opt('--hovers', 200));
const editCount = Number(opt('--edits', 10));
/** The server's default quiet period after an edit (kernelOops.analysis.debounceMs). */
const DEBOUNCE_MS = 300;
const { ensureBigLog } = await import(pathToFileURL(join(ROOT, 'scripts/gen-big-log.mjs')).href);

const ms = (t0) => performance.now() - t0;
const f = (x) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));

/** Read, split, one regex per line: the least any analysis of the file must cost. */
function baseline(path) {
  const t0 = performance.now();
  const lines = readFileSync(path, 'utf8').split(/\r\n|\r|\n/);
  let n = 0;
  for (const l of lines) if (/BUG:|Oops|WARNING:|Call Trace:|RIP:/.test(l)) n++;
  return { ms: ms(t0), hits: n };
}

function rssMb(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+)/.exec(status)[1]) / 1024;
  } catch {
    return NaN;
  }
}
function hwmMb(pid) {
  try {
    return Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;
  } catch {
    return NaN;
  }
}

/** The built server over stdio, initialized; its timeline steps collected (lsp/timeline.ts). */
async function startServer() {
  const proc = spawn(
    process.execPath,
    [...(process.env.BENCH_SERVER_ARGS ?? '').split(' ').filter(Boolean), SERVER, '--stdio'],
    // The server's timeline of the open, to say where the time to diagnostics goes.
    { stdio: 'pipe', env: { ...process.env, KERNEL_OOPS_LENS_TIMELINE: '1' } },
  );
  const steps = [];
  let errText = '';
  proc.stderr.on('data', (d) => {
    errText += d;
    let nl;
    while ((nl = errText.indexOf('\n')) >= 0) {
      const m = /^\[timeline\] ([\d.]+) \d+ (.*)$/.exec(errText.slice(0, nl));
      if (m) steps.push({ at: Number(m[1]), step: m[2] });
      errText = errText.slice(nl + 1);
    }
  });
  const conn = createMessageConnection(
    new StreamMessageReader(proc.stdout),
    new StreamMessageWriter(proc.stdin),
  );
  const server = { proc, conn, steps, onDiag: () => {} };
  conn.onNotification('textDocument/publishDiagnostics', (p) => server.onDiag(p));
  conn.onNotification('window/logMessage', () => {});
  conn.onNotification('kernelOops/debugFiles', () => {});
  conn.onRequest('workspace/configuration', (p) => p.items.map(() => null));
  conn.onRequest('client/registerCapability', () => null);
  conn.onRequest('window/workDoneProgress/create', () => null);
  conn.onNotification('$/progress', () => {});
  conn.listen();
  await conn.sendRequest('initialize', {
    processId: process.pid,
    rootUri: null,
    capabilities: {
      workspace: { configuration: true },
      textDocument: {
        hover: { contentFormat: ['markdown'] },
        documentSymbol: { hierarchicalDocumentSymbolSupport: true },
      },
    },
  });
  conn.sendNotification('initialized', {});
  return server;
}

async function session(path, lineCount) {
  const server = await startServer();
  const { proc, conn, steps } = server;
  const text = readFileSync(path, 'utf8');
  const lines = text.split(/\r\n|\r|\n/);
  const uri = pathToFileURL(path).href;
  const diagnosticsFor = (version) =>
    new Promise((res) => {
      server.onDiag = (p) => {
        if (p.uri === uri && (p.version === undefined || p.version >= version)) res(p);
      };
    });
  const out = { lines: lineCount };
  let t0 = performance.now();
  const openedAt = performance.timeOrigin + t0;
  let pending = diagnosticsFor(1);
  conn.sendNotification('textDocument/didOpen', {
    textDocument: { uri, languageId: 'kernel-log', version: 1, text },
  });
  const first = await pending;
  out.diagnosticsMs = ms(t0);
  out.diagnostics = first.diagnostics.length;
  out.where = whereTimeWent(steps, 'client encodes', openedAt, performance.timeOrigin + performance.now());
  t0 = performance.now();
  out.firstHoverMs = NaN;
  // The first hover right after open (analysis is done, the hover's own caches are cold).
  const frameLine = lines.findIndex((l) => /RSP: 0018:/.test(l));
  await conn.sendRequest('textDocument/hover', {
    textDocument: { uri },
    position: { line: frameLine, character: lines[frameLine].indexOf('RSP') + 1 },
  });
  out.firstHoverMs = ms(t0);
  for (const round of ['cold', 'again']) {
    t0 = performance.now();
    const symbols = await conn.sendRequest('textDocument/documentSymbol', { textDocument: { uri } });
    out[`symbols_${round}Ms`] = ms(t0);
    out.symbolBytes = Buffer.byteLength(JSON.stringify(symbols));
    out.symbolCount = countSymbols(symbols);
  }
  t0 = performance.now();
  const folds = await conn.sendRequest('textDocument/foldingRange', { textDocument: { uri } });
  out.foldingMs = ms(t0);
  out.folds = folds.length;
  // Hovers on report lines spread over the log.
  const reportLines = [];
  lines.forEach((l, i) => {
    if (/RIP: |RSP: |Call Trace:|Tainted:|\+0x[0-9a-f]+\/0x/.test(l)) reportLines.push(i);
  });
  const times = [];
  for (let k = 0; k < hoverCount && reportLines.length; k++) {
    const line = reportLines[Math.floor((k * reportLines.length) / hoverCount)];
    const character = Math.max(0, lines[line].search(/\S/) + 16);
    t0 = performance.now();
    await conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line, character } });
    times.push(ms(t0));
  }
  times.sort((a, b) => a - b);
  out.hoverP50Ms = times[Math.floor(times.length * 0.5)];
  out.hoverP99Ms = times[Math.floor(times.length * 0.99)];
  // One character typed in the middle of the log: time until its diagnostics are published again (the
  // server's quiet period after an edit, debounceMs, included). Then more edits spread over the log, every
  // other one a new line (which moves every later line).
  const edit = async (version, line, text) => {
    const start = performance.now();
    const published = diagnosticsFor(version);
    conn.sendNotification('textDocument/didChange', {
      textDocument: { uri, version },
      contentChanges: [{ range: { start: { line, character: 0 }, end: { line, character: 0 } }, text }],
    });
    await published;
    return ms(start);
  };
  out.editRepublishMs = await edit(2, Math.floor(lines.length / 2), 'x');
  const later = [];
  for (let k = 0; k < editCount; k++)
    later.push(await edit(3 + k, Math.floor(((k + 0.5) * lines.length) / editCount), k % 2 ? '\n' : 'x'));
  later.sort((a, b) => a - b);
  out.laterEditP50Ms = later[Math.floor(later.length / 2)];
  out.laterEditMaxMs = later[later.length - 1];
  out.rssMb = rssMb(proc.pid);
  out.peakRssMb = hwmMb(proc.pid);
  out.docMb = Buffer.byteLength(text) / 1048576;
  await conn.sendRequest('shutdown');
  const exited = new Promise((res) => proc.once('exit', res));
  await conn.sendNotification('exit');
  await Promise.race([exited, new Promise((res) => setTimeout(res, 5000))]);
  conn.dispose();
  proc.kill();
  return out;
}

function countSymbols(list) {
  let n = 0;
  const walk = (s) => {
    n++;
    for (const c of s.children ?? []) walk(c);
  };
  for (const s of list ?? []) walk(s);
  return n;
}

console.log(
  `machine: ${cpus().length} cores, load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
/**
 * The phases of an open → diagnostics from the server's timeline: from the client's request (`first`: the
 * client encoding a didOpen until the server sees its first bytes, or the server reading a log from disk),
 * the server reading the message, the text crossing to the analysis workers, the analysis, its result
 * crossing back (joined), the diagnostics written, and their way to the client.
 */
function whereTimeWent(steps, first, openedAt, gotAt) {
  // (A step's name, or its start for `message body started (N bytes)`; the latest of several.)
  const at = (name, last = false) => {
    const s = steps.filter((x) => x.step === name || x.step.startsWith(`${name} (`)).map((x) => x.at);
    return s.length ? (last ? Math.max(...s) : Math.min(...s)) : NaN;
  };
  // (A small log is analysed on the server's thread: no worker steps; a log read from disk has no message.)
  const marks = [
    [first, openedAt],
    ['server reads', at('message body started')],
    ['to workers', at('analysis requested')],
    ['analysis', at('analysis sent')],
    ['result back', at('analysis job done', true)],
    ['diagnostics out', at('analysis received')],
    ['to client', at('diagnostics sent')],
    ['', gotAt],
  ].filter(([, t]) => Number.isFinite(t));
  return marks
    .slice(0, -1)
    .map(([name, t], i) => `${name} ${f(marks[i + 1][1] - t)}`)
    .join(', ');
}

/** VS Code gives extensions no document above 50 MB (client/src/largeLogs.ts). */
const VSCODE_SYNC_LIMIT = 50 * 1024 * 1024;

/**
 * How VS Code opens a log above its sync limit: the client names it (kernelOops/openLargeLog) and the
 * server reads it from disk. Request → diagnostics, in a fresh server.
 */
async function largeLogOpen(path) {
  const server = await startServer();
  const { proc, conn, steps } = server;
  const uri = pathToFileURL(path).href;
  const t0 = performance.now();
  const got = new Promise((res) => {
    server.onDiag = (p) => p.uri === uri && res(p);
  });
  void conn.sendRequest('kernelOops/openLargeLog', { uri });
  const p = await got;
  const out = { ms: ms(t0), diagnostics: p.diagnostics.length };
  out.where = whereTimeWent(
    steps,
    'server reads the file',
    performance.timeOrigin + t0,
    performance.timeOrigin + performance.now(),
  );
  const exited = new Promise((res) => proc.once('exit', res));
  proc.kill();
  await exited;
  return out;
}

for (const lines of sizes) {
  const meta = ensureBigLog(lines);
  const base = baseline(meta.path);
  const r = await session(meta.path, lines);
  console.log(
    [
      `${lines.toLocaleString('en')} lines (${f(r.docMb)} MB):`,
      `  read+split+regex baseline ${f(base.ms)} ms`,
      `  didOpen → diagnostics ${f(r.diagnosticsMs)} ms (${r.diagnostics} diagnostics, ${f(r.diagnosticsMs / base.ms)}× baseline)`,
      `    where: ${r.where} ms`,
      `  documentSymbol ${f(r.symbols_coldMs)} ms, again ${f(r.symbols_againMs)} ms, ${f(r.symbolBytes / 1048576)} MB JSON, ${r.symbolCount} symbols`,
      `  foldingRange ${f(r.foldingMs)} ms (${r.folds} ranges)`,
      `  hover: first ${f(r.firstHoverMs)} ms, p50 ${f(r.hoverP50Ms)} ms, p99 ${f(r.hoverP99Ms)} ms (${hoverCount})`,
      `  one-character edit → diagnostics ${f(r.editRepublishMs)} ms, then p50 ${f(r.laterEditP50Ms)} ms, max ${f(r.laterEditMaxMs)} ms (${editCount} more edits, every other one a new line; ${DEBOUNCE_MS} ms debounce included)`,
      `  server RSS ${f(r.rssMb)} MB (peak ${f(r.peakRssMb)} MB, ${f(r.peakRssMb / r.docMb)}× the document)`,
    ].join('\n'),
  );
  if (statSync(meta.path).size > VSCODE_SYNC_LIMIT) {
    const l = await largeLogOpen(meta.path);
    console.log(
      [
        `  above VS Code's 50 MB sync limit, as VS Code opens it (kernelOops/openLargeLog, read from disk) → diagnostics ${f(l.ms)} ms (${l.diagnostics} diagnostics)`,
        `    where: ${l.where} ms`,
      ].join('\n'),
    );
  }
}
