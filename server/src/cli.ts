// `oops-lens`: the engine on the command line.
//   oops-lens analyze [--json] FILE… | -
// Exit 0 when it ran (whatever it found), 2 on bad usage or an unreadable file.

import { readFileSync } from 'node:fs';
import { analyzeText, type KernelEvent, type Frame } from './engine';

const USAGE = `usage: oops-lens analyze [--json] FILE... (use - for standard input)

Finds every kernel event (Oops, panic, BUG, WARNING, lockups, hung tasks, RCU stalls, OOM kills,
KASAN/KFENCE/UBSAN/KCSAN/KMSAN, lockdep, …) in kernel logs and prints one line per event:
  severity  title  line  culprit frame
--json prints one object per file: {file, events:[…]} with 0-based lines.`;

class UsageError extends Error {}

function fail(message: string): never {
  process.stderr.write(`oops-lens: ${message}\n`);
  process.exit(2);
}

function readInput(file: string): string {
  try {
    const data = file === '-' ? readFileSync(0) : readFileSync(file);
    // Logs are UTF-8 or Latin-1 junk; invalid sequences become U+FFFD and analysis goes on.
    return data.toString('utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ERR_STRING_TOO_LONG') fail(`${file}: too large to analyse as one string`);
    fail(`${file === '-' ? 'standard input' : file}: ${e.code === 'ENOENT' ? 'no such file' : e.code === 'EISDIR' ? 'is a directory' : e.message}`);
  }
}

function frameText(f: Frame | null): string | null {
  if (!f) return null;
  const name = f.function ? `${f.function}+0x${(f.offset ?? 0).toString(16)}/0x${(f.size ?? 0).toString(16)}` : `0x${f.address}`;
  return f.module ? `${name} [${f.module}]` : name;
}

function toJson(e: KernelEvent) {
  const main = e.traces[0]?.frames ?? [];
  return {
    kind: e.kind,
    title: e.title,
    severity: e.severity,
    line: e.line,
    endLine: e.endLine,
    cpu: e.cpu,
    pid: e.pid,
    comm: e.comm,
    tainted: e.tainted,
    release: e.release,
    faultAddress: e.faultAddress,
    guiltyFrame: frameText(e.guiltyFrame),
    consequenceOf: e.consequenceOf,
    frames: main.map((f) => ({
      function: f.function,
      offset: f.offset,
      size: f.size,
      module: f.module,
      address: f.address,
      reliable: f.reliable,
      context: f.context,
    })),
  };
}

function main(argv: string[]): void {
  const [command, ...rest] = argv;
  if (command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(USAGE + '\n');
    return;
  }
  if (command !== 'analyze') throw new UsageError(command ? `unknown command '${command}'` : 'missing command');
  let json = false;
  const files: string[] = [];
  for (const arg of rest) {
    if (arg === '--json') json = true;
    else if (arg === '-' || !arg.startsWith('-')) files.push(arg);
    else throw new UsageError(`unknown option '${arg}'`);
  }
  if (files.length === 0) throw new UsageError('no input file');

  const results = files.map((file) => ({ file, events: analyzeText(readInput(file)).events }));
  if (json) {
    process.stdout.write(JSON.stringify(results.map((r) => ({ file: r.file, events: r.events.map(toJson) })), null, 2) + '\n');
    return;
  }
  for (const r of results) {
    if (files.length > 1) process.stdout.write(`${r.file}:\n`);
    if (r.events.length === 0) process.stdout.write('  no kernel events found\n');
    for (const e of r.events) {
      const culprit = frameText(e.guiltyFrame);
      const consequence = e.consequenceOf !== null ? ` (likely a consequence of the event at line ${r.events[e.consequenceOf].line + 1})` : '';
      process.stdout.write(`${e.severity.padEnd(11)} ${e.title}  line ${e.line + 1}${culprit ? `  culprit ${culprit}` : ''}${consequence}\n`);
    }
  }
}

try {
  main(process.argv.slice(2));
} catch (err) {
  if (err instanceof UsageError) fail(`${err.message} (see 'oops-lens --help')`);
  throw err;
}
