// `oops-lens triage [--json] [--by title|frames] [--frames N] [--all] [DEBUG FILES] FILE|DIR…`: every event
// of every log grouped by signature (engine triage/), one row per group, newest first. Folders are searched
// recursively; logs are taken oldest first by modification time, so "first" and "last" are in time. With
// debug files every frame of every log is decoded (one symbolizer session per log over files opened once
// for the whole run) and each group names its culprit's source line.
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { debugFlag, newDebugOptions, type DebugOptions } from './debugFlags';
import {
  analyzeText,
  archOf,
  displaySourcePath,
  frameKey,
  framesOfAnalysis,
  releaseOf,
  symbolizeLog,
  type Analysis,
  type FrameSymbolization,
  type KernelEvent,
  DEFAULT_SIGNATURE_FRAMES,
  readTriageLog,
  Triage,
  type TriageBy,
  type TriageGroup,
} from './engine';

export class TriageUsageError extends Error {}

interface TriageOptions {
  json: boolean;
  by: TriageBy;
  frames: number;
  all: boolean;
  inputs: string[];
  debug: DebugOptions;
}

export function parseTriageArgs(args: string[]): TriageOptions {
  const o: TriageOptions = {
    json: false,
    by: 'title',
    frames: DEFAULT_SIGNATURE_FRAMES,
    all: false,
    inputs: [],
    debug: newDebugOptions(),
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const next = debugFlag(args, i, o.debug);
    if (next >= 0) {
      i = next - 1;
      continue;
    }
    if (arg === '--json') o.json = true;
    else if (arg === '--all') o.all = true;
    else if (arg === '--by') {
      const v = args[++i];
      if (v !== 'title' && v !== 'frames') throw new TriageUsageError("--by takes 'title' or 'frames'");
      o.by = v;
    } else if (arg === '--frames') {
      const n = Number(args[++i]);
      if (!Number.isInteger(n) || n < 1 || n > 64)
        throw new TriageUsageError('--frames needs a number from 1 to 64');
      o.frames = n;
    } else if (!arg.startsWith('-')) o.inputs.push(arg);
    else throw new TriageUsageError(`unknown option '${arg}'`);
  }
  if (o.inputs.length === 0) throw new TriageUsageError('no input file or folder');
  return o;
}

/** The files under the inputs (folders recursively, hidden entries skipped), oldest first; unreadable ones in `problems`. */
function listLogs(inputs: string[], problems: string[]): string[] {
  const found: { file: string; mtime: number }[] = [];
  const seen = new Set<string>();
  const visit = (p: string, named: boolean) => {
    let st;
    try {
      st = statSync(p);
    } catch (e) {
      problems.push(`${p}: ${(e as Error).message}`);
      return;
    }
    if (st.isDirectory()) {
      let names: string[];
      try {
        names = readdirSync(p).sort();
      } catch (e) {
        problems.push(`${p}: ${(e as Error).message}`);
        return;
      }
      for (const n of names) if (!n.startsWith('.')) visit(path.join(p, n), false);
    } else if (st.isFile()) {
      if (seen.has(p)) return;
      seen.add(p);
      found.push({ file: p, mtime: st.mtimeMs });
    } else if (named) problems.push(`${p}: not a regular file or folder`);
  };
  for (const i of inputs) visit(i, true);
  return found.sort((a, b) => a.mtime - b.mtime || a.file.localeCompare(b.file)).map((f) => f.file);
}

export interface TriageRun {
  groups: TriageGroup[];
  logs: number;
  events: number;
  consequences: number;
  /** Files not analysed (binary, unreadable), with the reason. */
  skipped: string[];
  /** Milliseconds spent in the engine (analysis, decoding and grouping), reading excluded. */
  engineMs: number;
  /** With debug files: the frames of every log, and how many were decoded to a source line. */
  frames: number;
  decoded: number;
  /** With debug files: problems with them (one line each, counted once). */
  messages: string[];
}

export async function runTriage(o: TriageOptions): Promise<TriageRun> {
  const skipped: string[] = [];
  const files = listLogs(o.inputs, skipped);
  const t = new Triage(o.by, o.frames, o.all);
  const messages = new Set<string>();
  let engineMs = 0;
  let events = 0;
  let frames = 0;
  let decoded = 0;
  for (const file of files) {
    const read = readTriageLog(file);
    if ('problem' in read) {
      skipped.push(`${file}: ${read.problem}`);
      continue;
    }
    const text = read.text;
    const start = performance.now();
    const analysis = analyzeText(text);
    if (o.debug.given) {
      const d = await decodeFrames(text, analysis, o.debug);
      frames += d.frames;
      decoded += d.decoded;
      for (const m of d.messages) messages.add(m);
      t.add(file, analysis, d.sourceOf);
    } else t.add(file, analysis);
    engineMs += performance.now() - start;
    events += analysis.events.length;
  }
  const start = performance.now();
  const groups = t.result();
  engineMs += performance.now() - start;
  return {
    groups,
    logs: t.logs,
    events,
    consequences: t.consequences,
    skipped,
    engineMs,
    frames,
    decoded,
    messages: [...messages],
  };
}

/** Every frame of the log symbolized with the given debug files (no system search, no debuginfod). */
async function decodeFrames(
  text: string,
  analysis: Analysis,
  debug: DebugOptions,
): Promise<{
  frames: number;
  decoded: number;
  messages: string[];
  sourceOf: (ev: KernelEvent) => string | null;
}> {
  const frames = framesOfAnalysis(analysis);
  const sym = await symbolizeLog(text, frames, {
    settings: debug.settings,
    release: releaseOf(analysis),
    arch: archOf(analysis),
    systemRoot: null,
    crossCheck: debug.crossCheck,
  });
  const lineOf = (r: FrameSymbolization | undefined) => {
    const inner = r?.ok ? r.frames.find((l) => l.file) : undefined;
    return inner ? `${displaySourcePath(inner.file!)}:${inner.line}` : null;
  };
  return {
    frames: frames.length,
    decoded: frames.filter((f) => lineOf(sym.results.get(f.key)) !== null).length,
    messages: sym.messages,
    sourceOf: (ev) => (ev.guiltyFrame ? lineOf(sym.results.get(frameKey(ev.guiltyFrame))) : null),
  };
}

const at = (o: { file: string; line: number }) => `${o.file}:${o.line + 1}`;

export function formatTriage(run: TriageRun, o: TriageOptions): string {
  if (o.json)
    return (
      JSON.stringify(
        {
          by: o.by,
          logs: run.logs,
          events: run.events,
          consequences: o.all ? 0 : run.consequences,
          skipped: run.skipped,
          ...(o.debug.given ? { frames: run.frames, decoded: run.decoded } : {}),
          groups: run.groups,
        },
        null,
        2,
      ) + '\n'
    );
  const lines = run.groups.map((g) =>
    [
      String(g.count).padStart(6),
      `  ${g.title}`,
      o.by === 'frames' && g.signature !== g.title ? `  [${g.signature}]` : '',
      g.culprit ? `  culprit ${g.culprit}${g.culpritSource ? ` (${g.culpritSource})` : ''}` : '',
      `  first ${at(g.first)}`,
      g.count > 1 ? `  last ${at(g.last)}` : '',
      g.releases.length ? `  release ${g.releases.join(', ')}` : '',
    ].join(''),
  );
  const left =
    o.all || run.consequences === 0
      ? ''
      : `, ${run.consequences} consequences of earlier crashes not counted (--all counts them)`;
  const skipped = run.skipped.length ? `, ${run.skipped.length} files skipped` : '';
  const decoded = o.debug.given ? `, ${run.decoded} of ${run.frames} frames decoded` : '';
  lines.push(
    `${run.groups.length} groups of ${run.events} events in ${run.logs} logs${left}${skipped}${decoded}`,
  );
  return lines.join('\n') + '\n';
}
