// `oops-lens`: the engine on the command line.
//   oops-lens analyze [--json] [DEBUG FILES] FILE… | -
//   oops-lens decode [DEBUG FILES] FILE | -
//   oops-lens report [--json] [--markdown] [--event N] [--source-root DIR…] [DEBUG FILES] FILE | -
//   oops-lens pstore [FILE|DIR…]
//   oops-lens triage [--json] [--by title|frames] [--frames N] [--all] [DEBUG FILES] FILE|DIR…  (triageCommand.ts)
// Exit 0 when it ran (whatever it found), 2 on bad usage or an unreadable file. Unusable debug files are
// one-line warnings on stderr; the analysis is printed anyway.

import { readSync, statSync } from 'node:fs';
import {
  accessEventOf,
  analyzeText,
  faultAccess,
  FILE_LIMITS,
  FileRefused,
  frameText,
  linePieces,
  mainTrace,
  readLogPieces,
  readRegularFile,
  type Analysis,
  type LogText,
  type Frame,
  type KernelEvent,
} from './engine';
import { pstoreCommand } from './pstoreCommand';
import { buildBugReport, defaultReportEvent, type BugReport } from './engine';
import { formatTriage, parseTriageArgs, runTriage, TriageUsageError } from './triageCommand';
import { debugFlag, newDebugOptions, UsageError, type DebugOptions } from './debugFlags';
import { writeDecoded } from './decodeOutput';
import {
  decodeLogLines,
  framesOfAnalysis,
  frameKey,
  releaseOf,
  archOf,
  symbolizeLog,
  type CrossCheck,
  type LogFrame,
  type LogSymbolization,
} from './engine';

const USAGE = `usage: oops-lens analyze [--json] [DEBUG FILES] FILE... (use - for standard input)
       oops-lens decode [DEBUG FILES] FILE
       oops-lens report [--json] [--markdown] [--event N] [--source-root DIR...] [DEBUG FILES] FILE
       oops-lens pstore [FILE|DIR...]
       oops-lens triage [--json] [--by title|frames] [--frames N] [--all] [DEBUG FILES] FILE|DIR...

analyze finds every kernel event (Oops, panic, BUG, WARNING, lockups, hung tasks, RCU stalls, OOM
kills, KASAN/KFENCE/UBSAN/KCSAN/KMSAN, lockdep, …) in kernel logs and prints one line per event:
  severity  title  line  culprit frame
--json prints one object per file: {file, events:[…]} with 0-based lines; each event has ip (the
faulting instruction of its register dump) and location (a WARNING's at func+off/size), or null;
access explains a memory fault's faulting instruction ({instruction, kind, size, address,
agreesWithFaultAddress, base, index, variable, member, expression, notes, summary}) or is null;
with debug files those and each frame gain source: [{function, file, line}] (innermost inline
level first) and, for raw addresses, resolved: "sym+off/size [mod]".

decode prints the log with every frame decoded like scripts/decode_stacktrace.sh:
  func (file:line file:line…) mod     (the inline chain innermost first)
and, after a memory fault's RIP line, a 'Faulting access: ' line saying what the instruction accessed.

report writes one event up as a bug report for the kernel's mailing lists: title, kernel release and
hardware, taint letters explained, the guilty file (as syzkaller picks it) and the people and lists to
send it to (from the MAINTAINERS of the first --source-root that has one, as get_maintainer.pl
--no-git answers), then the report's lines without timestamps, decoded when debug files are given.
  --event N             the Nth event as analyze lists them (default: the first crash)
  --source-root DIR...  kernel source trees (repeatable; takes the following folders)
  --markdown            the report in Markdown (for GitHub, GitLab, Bugzilla): the facts as a list, the
                        faulting access of a memory fault, the report's lines in a fenced block
--json prints {title, release, guiltyFile, subsystems, maintainers:[{name,email}], lists, reviewers, text}
(text in Markdown with --markdown).

pstore prints the kernel-log dumps pstore kept (default /sys/fs/pstore: dmesg-ramoops-N, dmesg-efi-…;
systemd-pstore's <id>/dmesg.txt), each dump's parts (Oops#1 Part3, Part2, Part1) joined oldest first,
ready for analyze -.

triage groups every event of every log (folders searched recursively, binary files skipped) by
signature and prints one row per group, newest first: count, title, culprit, first and last
occurrence (file:line), kernel releases. Logs are taken oldest first by modification time.
  --by title|frames     the syzkaller-style title (default), or the first N named, non-generic
                        frames of the crash stack (func [mod], IP first, offsets dropped)
  --frames N            N for --by frames (default 3)
  --all                 also count events that follow from an earlier crash (the panic an oops ends in)
With DEBUG FILES every frame of every log is decoded and each group names its culprit's file:line.
--json prints {by, logs, events, consequences, skipped, [frames, decoded,] groups:[{signature, count,
logs, title, culprit, culpritSource, kind, severity, first:{file,line}, last, releases}]} with 0-based lines.

DEBUG FILES:
  --vmlinux FILE        vmlinux with debug info
  --modules PATH...     .ko files or folders searched for <module>.ko (.ko.xz/.ko.zst/.ko.gz too)
                        (repeatable; takes the following folders and .ko files)
  --system-map FILE     System.map or /proc/kallsyms copy (raw addresses without a vmlinux)
  --module-map FILE     /proc/modules or /sys/module/*/sections dump (raw module addresses)
  --cross-check TOOL    also ask addr2line, eu-addr2line or llvm-symbolizer (analyze --json: crossCheck)
Without them, decode searches the distribution paths for the release the log prints
(/usr/lib/debug/boot/vmlinux-<release>, /usr/lib/debug/lib/modules/<release>, …).
With DEBUGINFOD_URLS set, decode and analyze fetch files the log names by build id.`;

function fail(message: string): never {
  process.stderr.write(`oops-lens: ${message}\n`);
  process.exit(2);
}

function readInput(file: string): string {
  return readLog(file, () =>
    (file === '-' ? readStdin(FILE_LIMITS.log) : readRegularFile(file, FILE_LIMITS.log)).toString('utf8'),
  );
}

/** The log in pieces of whole lines (the engine's LogText) for what reads all of it: never one string. */
function readInputPieces(file: string): string[] {
  return readLog(file, () =>
    file === '-' ? linePieces(readStdin(FILE_LIMITS.log)) : readLogPieces(file, FILE_LIMITS.log),
  );
}

/**
 * `read()` of the log named `file`, its failures told in one line. A named log is a regular file (a FIFO or
 * a device would hang or never end); streams come on stdin. Logs are UTF-8 or Latin-1 junk: invalid
 * sequences become U+FFFD and analysis goes on.
 */
function readLog<T>(file: string, read: () => T): T {
  try {
    return read();
  } catch (err) {
    if (err instanceof FileRefused)
      fail(
        err.reason.startsWith('not a regular file (a FIFO') || err.reason.includes('device')
          ? `${err.message}; give - and redirect it to standard input`
          : err.message,
      );
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ERR_STRING_TOO_LONG') fail(`${file}: too large to analyse as one string`);
    fail(`${file === '-' ? 'standard input' : file}: ${e.message}`);
  }
}

/** Standard input up to `max` bytes (a pipe from /dev/zero must not grow without end). */
function readStdin(max: number): Buffer {
  const chunks: Buffer[] = [];
  let total = 0;
  const chunk = Buffer.allocUnsafe(1 << 20);
  for (;;) {
    let n: number;
    try {
      n = readSync(0, chunk, 0, chunk.length, null);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EOF') break;
      if (code !== 'EAGAIN') throw e;
      // A non-blocking stdin with nothing yet: wait a little, without spinning.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
      continue;
    }
    if (n === 0) break;
    total += n;
    if (total > max) fail(`standard input: more than ${max / (1 << 20)} MB, not read`);
    chunks.push(Buffer.from(chunk.subarray(0, n)));
  }
  return Buffer.concat(chunks, total);
}

type SymbolizedLog = LogSymbolization | null;

/** `source` and `resolved` of a frame, when debug files were given. */
function sourceFields(f: Frame, sym: SymbolizedLog) {
  if (!sym) return {};
  const r = sym.results.get(frameKey(f));
  if (!r) return {};
  return {
    source: r.frames.map((s) => ({ function: s.function, file: s.file, line: s.line })),
    ...(r.resolved ? { resolved: r.resolved } : {}),
    ...(r.ok ? {} : { sourceError: r.error ?? 'not found' }),
    ...crossCheckField(sym.crossChecks.get(frameKey(f))),
  };
}

function crossCheckField(c: CrossCheck | undefined) {
  return c
    ? {
        crossCheck: {
          tool: c.tool,
          agrees: c.agrees,
          source: c.frames.map((s) => ({ function: s.function, file: s.file, line: s.line })),
        },
      }
    : {};
}

function toJson(e: KernelEvent, sym: SymbolizedLog) {
  const main = mainTrace(e)?.frames ?? [];
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
    guiltyFrame: e.guiltyFrame && frameText(e.guiltyFrame),
    consequenceOf: e.consequenceOf,
    afterCrash: e.afterCrash,
    // The crash site: the register dump's faulting instruction and a WARNING's `at func+off/size`, looked up
    // at their address (not address-1 like call-trace entries), as decode does.
    ip: e.ip ? { ...frameJson(e.ip, sym), line: e.ip.line } : null,
    location: e.location ? { ...frameJson(e.location, sym), line: e.location.line } : null,
    // The link register's symbol: a return address, looked up at address − 1 like the trace's frames.
    lr: e.lr ? { ...frameJson(e.lr, sym), line: e.lr.line } : null,
    frames: main.map((f) => frameJson(f, sym)),
    // Every stack of the report in log order, the call trace above among them (KASAN's and SLUB's allocation
    // and free stacks, stack-protector's %pB return address).
    traces: e.traces.map((t) => ({
      label: t.label,
      line: t.line,
      frames: t.frames.map((f) => frameJson(f, sym)),
    })),
    // The faulting access of a memory fault (instruction, values, variable, C expression), null otherwise.
    access: accessOf(e, sym),
  };
}

/** The access symbolization explained (with debug files), else what the log alone says. */
function accessOf(e: KernelEvent, sym: SymbolizedLog) {
  const at = e.ip ?? accessEventOf(e).caller ?? null;
  return (at && sym?.results.get(frameKey(at))?.access) ?? faultAccess(e);
}

function frameJson(f: Frame, sym: SymbolizedLog) {
  return {
    function: f.function,
    offset: f.offset,
    size: f.size,
    module: f.module,
    address: f.address,
    reliable: f.reliable,
    context: f.context,
    // What the kernel printed after the frame: its own ` (file.c:123)` (LINEINFO), arm64's ` (P)` marks.
    printedSource: f.printedSource ?? null,
    unwindMarks: f.unwindMarks ?? null,
    ...sourceFields(f, sym),
  };
}

async function symbolize(
  file: string,
  text: LogText,
  analysis: Analysis,
  d: DebugOptions,
  searchSystem: boolean,
  frames: LogFrame[] = framesOfAnalysis(analysis),
): Promise<LogSymbolization> {
  const sym = await symbolizeLog(text, frames, {
    settings: d.settings,
    release: releaseOf(analysis),
    arch: archOf(analysis),
    systemRoot: searchSystem ? '/' : null,
    debuginfodUrls: process.env.DEBUGINFOD_URLS || undefined,
    crossCheck: d.crossCheck,
  });
  for (const m of sym.messages)
    process.stderr.write(`oops-lens: warning: ${file === '-' ? 'standard input' : file}: ${m}\n`);
  if (
    frames.length > 0 &&
    !sym.files.vmlinux &&
    Object.keys(sym.files.modules).length === 0 &&
    Object.keys(sym.files.rejected).length === 0 &&
    !sym.files.systemMap
  )
    process.stderr.write(
      `oops-lens: warning: no debug files found for ${file === '-' ? 'standard input' : file} (see --vmlinux, --modules)\n`,
    );
  return sym;
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(USAGE + '\n');
    return;
  }
  if (command === 'report') return report(rest);
  if (command === 'pstore') {
    process.exitCode = pstoreCommand(rest);
    return;
  }
  if (command === 'triage') return triage(rest);
  if (command !== 'analyze' && command !== 'decode')
    throw new UsageError(command ? `unknown command '${command}'` : 'missing command');
  let json = false;
  const files: string[] = [];
  const debug: DebugOptions = {
    settings: { vmlinux: null, modulePaths: [], systemMap: null, moduleMap: null },
    given: false,
  };
  for (let i = 0; i < rest.length;) {
    const arg = rest[i];
    const next = debugFlag(rest, i, debug);
    if (next >= 0) i = next;
    else {
      if (arg === '--json' && command === 'analyze') json = true;
      else if (arg === '-' || !arg.startsWith('-')) files.push(arg);
      else throw new UsageError(`unknown option '${arg}'`);
      i++;
    }
  }
  if (files.length === 0) throw new UsageError('no input file');
  if (command === 'decode') {
    if (files.length > 1) throw new UsageError('decode takes one file');
    const text = readInputPieces(files[0]);
    const analysis = analyzeText(text);
    // Listed once for both: the frames of a 100 MB log are some 50,000 objects.
    const frames = framesOfAnalysis(analysis);
    const sym = await symbolize(files[0], text, analysis, debug, true, frames);
    await writeDecoded(text, frames, sym.results, process.stdout);
    return;
  }

  const results: { file: string; events: KernelEvent[]; sym: SymbolizedLog }[] = [];
  for (const file of files) {
    const text = readInputPieces(file);
    const analysis = analyzeText(text);
    const sym = json && debug.given ? await symbolize(file, text, analysis, debug, false) : null;
    results.push({ file, events: analysis.events, sym });
  }
  if (json) {
    process.stdout.write(
      JSON.stringify(
        results.map((r) => ({ file: r.file, events: r.events.map((e) => toJson(e, r.sym)) })),
        null,
        2,
      ) + '\n',
    );
    return;
  }
  for (const r of results) {
    if (files.length > 1) process.stdout.write(`${r.file}:\n`);
    if (r.events.length === 0) process.stdout.write('  no kernel events found\n');
    for (const e of r.events) {
      const culprit = e.guiltyFrame && frameText(e.guiltyFrame);
      const consequence =
        e.consequenceOf !== null
          ? ` (a consequence of the event at line ${r.events[e.consequenceOf].line + 1})`
          : e.afterCrash !== null
            ? ` (after the event at line ${r.events[e.afterCrash].line + 1}${e.tainted?.includes('D') ? ', kernel tainted D' : ''})`
            : '';
      process.stdout.write(
        `${e.severity.padEnd(11)} ${e.title}  line ${e.line + 1}${culprit ? `  culprit ${culprit}` : ''}${consequence}\n`,
      );
    }
  }
}

// A reader that stops early (`oops-lens analyze log | head -1`) closes the pipe: the rest of the output is
// not wanted, so stop quietly as Unix tools do, not with an unhandled EPIPE and its stack trace.
for (const stream of [process.stdout, process.stderr])
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });

async function triage(args: string[]): Promise<void> {
  let options;
  try {
    options = parseTriageArgs(args);
  } catch (e) {
    if (e instanceof TriageUsageError) throw new UsageError(e.message);
    throw e;
  }
  const run = await runTriage(options);
  for (const s of run.skipped) process.stderr.write(`oops-lens: skipped ${s}\n`);
  for (const m of run.messages) process.stderr.write(`oops-lens: warning: ${m}\n`);
  process.stdout.write(formatTriage(run, options));
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

async function report(args: string[]): Promise<void> {
  let json = false;
  let markdown = false;
  let eventNumber: number | null = null;
  const roots: string[] = [];
  const files: string[] = [];
  const debug = newDebugOptions();
  for (let i = 0; i < args.length;) {
    const next = debugFlag(args, i, debug);
    if (next >= 0) {
      i = next;
      continue;
    }
    const arg = args[i];
    if (arg === '--json' || arg === '--markdown') {
      if (arg === '--json') json = true;
      else markdown = true;
      i++;
    } else if (arg === '--event') {
      const n = Number(args[i + 1]);
      if (!Number.isInteger(n) || n < 1) throw new UsageError('--event needs an event number (1, 2, …)');
      eventNumber = n;
      i += 2;
    } else if (arg === '--source-root') {
      let j = i + 1;
      while (j < args.length && !args[j].startsWith('-') && isDirectory(args[j])) roots.push(args[j++]);
      if (j === i + 1)
        throw new UsageError(`--source-root needs a folder${args[j] ? ` ('${args[j]}' is not one)` : ''}`);
      i = j;
    } else if (arg === '-' || !arg.startsWith('-')) {
      files.push(arg);
      i++;
    } else throw new UsageError(`unknown option '${arg}'`);
  }
  if (files.length !== 1)
    throw new UsageError(files.length === 0 ? 'no input file' : 'report takes one file');
  const file = files[0];
  const text = readInput(file);
  const analysis = analyzeText(text);
  const name = file === '-' ? 'standard input' : file;
  if (analysis.events.length === 0) fail(`${name}: no kernel events found`);
  const index = eventNumber === null ? defaultReportEvent(analysis) : eventNumber - 1;
  if (index >= analysis.events.length)
    fail(`${name}: no event ${eventNumber} (the log has ${analysis.events.length})`);
  let decodedLines: string[] | null = null;
  if (debug.given) {
    const sym = await symbolize(file, text, analysis, debug, false);
    decodedLines = decodeLogLines(text, framesOfAnalysis(analysis), sym.results);
  }
  let r: BugReport;
  try {
    r = buildBugReport(text, analysis, index, { decodedLines, sourceRoots: roots });
  } catch (err) {
    if (err instanceof FileRefused) fail(err.message);
    throw err;
  }
  if (roots.length > 0 && r.guiltyFile && !r.maintainersFrom)
    process.stderr.write(
      `oops-lens: warning: no maintainers for ${r.guiltyFile}: not inside ${roots.join(', ')}, or no MAINTAINERS file there\n`,
    );
  if (json) {
    const { title, release, guiltyFile, subsystems, maintainers, lists, reviewers } = r;
    const body = markdown ? r.markdown : r.text;
    process.stdout.write(
      JSON.stringify(
        { title, release, guiltyFile, subsystems, maintainers, lists, reviewers, text: body },
        null,
        2,
      ) + '\n',
    );
  } else process.stdout.write(markdown ? r.markdown : r.text);
}

main(process.argv.slice(2)).catch((err) => {
  if (err instanceof UsageError) fail(`${err.message} (see 'oops-lens --help')`);
  throw err;
});
