// `oops-lens triage [--json] [--by title|frames] [--frames N] [--all] FILE|DIR…`: every event of every log
// grouped by signature (engine triage/), one row per group, newest first. Folders are searched
// recursively; logs are taken oldest first by modification time, so "first" and "last" are in time.
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import {
  analyzeText,
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
}

export function parseTriageArgs(args: string[]): TriageOptions {
  const o: TriageOptions = {
    json: false,
    by: 'title',
    frames: DEFAULT_SIGNATURE_FRAMES,
    all: false,
    inputs: [],
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
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
  /** Milliseconds spent in the engine (analysis and grouping), reading excluded. */
  engineMs: number;
}

export function runTriage(o: TriageOptions): TriageRun {
  const skipped: string[] = [];
  const files = listLogs(o.inputs, skipped);
  const t = new Triage(o.by, o.frames, o.all);
  let engineMs = 0;
  let events = 0;
  for (const file of files) {
    const read = readTriageLog(file);
    if ('problem' in read) {
      skipped.push(`${file}: ${read.problem}`);
      continue;
    }
    const text = read.text;
    const start = performance.now();
    const analysis = analyzeText(text);
    t.add(file, analysis);
    engineMs += performance.now() - start;
    events += analysis.events.length;
  }
  const start = performance.now();
  const groups = t.result();
  engineMs += performance.now() - start;
  return { groups, logs: t.logs, events, consequences: t.consequences, skipped, engineMs };
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
      g.culprit ? `  culprit ${g.culprit}` : '',
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
  lines.push(`${run.groups.length} groups of ${run.events} events in ${run.logs} logs${left}${skipped}`);
  return lines.join('\n') + '\n';
}
