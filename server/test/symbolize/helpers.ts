// Shared helpers for the symbolizer tests: addr2line-style formatting, truth files, tool discovery.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import type { SourceFrame } from '../../src/engine/symbolize';

/** Formats frames exactly like `addr2line -f -i -p` (binutils repeats the discriminator on every level). */
export function formatAddr2line(frames: SourceFrame[]): string {
  if (frames.length === 0) return '?? ??:0'; // what addr2line prints when it finds nothing
  const disc = frames[0].discriminator;
  return frames
    .map((f, i) => {
      const loc = `${f.file ?? '??'}:${f.line ? f.line + (disc ? ` (discriminator ${disc})` : '') : '?'}`;
      return `${i ? ' (inlined by) ' : ''}${f.function ?? '??'} at ${loc}`;
    })
    .join(' | ');
}

export interface TruthRow {
  logLine: number;
  kind: string;
  symbol: string;
  offset: number;
  size: number;
  object: string;
  section: string;
  address: string;
  atAddress: string;
  atPrevious: string;
  note: string;
}

export function readTruth(path: string): TruthRow[] {
  const lines = fs.readFileSync(path, 'utf8').split('\n').filter(Boolean);
  return lines.slice(1).map((l) => {
    const c = l.split('\t');
    return {
      logLine: Number(c[0]),
      kind: c[1],
      symbol: c[2],
      offset: parseInt(c[3], 16),
      size: parseInt(c[4], 16),
      object: c[5],
      section: c[6],
      address: c[7],
      atAddress: c[8],
      atPrevious: c[9],
      note: c[11] ?? '',
    };
  });
}

export function hasTool(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

export const CORPUS = new URL('../../../test-fixtures/corpus/', import.meta.url).pathname;

export const FIXTURES = new URL('../../../test-fixtures/symbolize/', import.meta.url).pathname;

/**
 * Compiles the fixture sources with gcc into a cache dir under os.tmpdir() (keyed by sources + flags) and
 * returns the output path; binaries are never written into the repository.
 */
export function buildFixture(outName: string, sources: string[], flags: string[], compiler = 'gcc'): string {
  const crypto = require('node:crypto') as typeof import('node:crypto');
  const os = require('node:os') as typeof import('node:os');
  const path = require('node:path') as typeof import('node:path');
  const h = crypto.createHash('sha256');
  for (const s of sources) h.update(fs.readFileSync(path.join(FIXTURES, s)));
  h.update(compiler + ' ' + flags.join(' '));
  const dir = path.join(os.tmpdir(), 'oops-lens-symbolize', h.digest('hex').slice(0, 16));
  const out = path.join(dir, outName);
  if (fs.existsSync(out)) return out;
  fs.mkdirSync(dir, { recursive: true });
  const tmp = `${out}.${process.pid}.tmp`;
  const r = spawnSync(compiler, [...flags, '-o', tmp, ...sources.map((s) => path.join(FIXTURES, s))], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`${compiler} failed: ${r.error?.message ?? r.stderr}`);
  fs.renameSync(tmp, out);
  return out;
}

/** `addr2line -f -i -p -a` for many addresses in one process, one formatted answer per address. */
export function addr2lineBatch(
  file: string,
  addresses: bigint[],
  section?: string,
  tool = 'addr2line',
): string[] {
  const args = ['-f', '-i', '-p', '-a', '-e', file, ...(section ? ['-j', section] : [])];
  const r = spawnSync(tool, args, {
    input: addresses.map((a) => '0x' + a.toString(16)).join('\n') + '\n',
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  if (r.status !== 0) throw new Error(`${tool} failed: ${r.stderr}`);
  const out: string[] = [];
  for (const line of r.stdout.split('\n')) {
    if (!line) continue;
    const m = /^0x[0-9a-f]+: (.*)$/.exec(line);
    if (m) out.push(m[1]);
    else out[out.length - 1] += ' | ' + line;
  }
  if (out.length !== addresses.length)
    throw new Error(`${tool}: ${out.length} answers for ${addresses.length} addresses`);
  return out;
}

export interface TruthCheck {
  checked: number;
  failures: string[];
}

/**
 * Looks up every truth row of `object` (buggy | vmlinux) in `corpusDir`/decoded/*.truth.tsv with
 * lookupSymbol — at the address, and as a return address where the truth has the previous-instruction
 * column — and compares with addr2line's answer and the section. AMBIGUOUS rows (several symbols with the
 * same name and size) must match as a set: our first answer plus `alternatives`.
 */
export function checkTruthFiles(
  corpusDir: string,
  object: string,
  df: import('../../src/engine/symbolize').DebugFile,
): TruthCheck {
  const res: TruthCheck = { checked: 0, failures: [] };
  const decoded = corpusDir + '/decoded';
  for (const name of fs
    .readdirSync(decoded)
    .filter((n) => n.endsWith('.truth.tsv'))
    .sort()) {
    const rows = readTruth(`${decoded}/${name}`).filter((r) => r.object === object);
    const groups = new Map<string, TruthRow[]>();
    for (const r of rows) {
      const key = `${r.logLine} ${r.kind} ${r.symbol}`;
      groups.set(key, [...(groups.get(key) ?? []), r]);
    }
    for (const [key, group] of groups) {
      const r = group[0];
      if (r.atAddress === 'SYMBOL NOT FOUND') continue;
      const modes: [boolean, (t: TruthRow) => string][] = [[false, (t) => t.atAddress]];
      if (r.atPrevious) modes.push([true, (t) => t.atPrevious]);
      for (const [isReturnAddress, want] of modes) {
        const got = df.lookupSymbol(r.symbol, r.offset, r.size, { isReturnAddress });
        const answers = [got, ...(got.alternatives ?? [])];
        const gotSet = answers
          .map((a) => `${formatAddr2line(a.frames)} @${object === 'vmlinux' ? '' : a.symbolSection}`)
          .sort();
        const wantSet = group.map((t) => `${want(t)} @${object === 'vmlinux' ? '' : t.section}`).sort();
        res.checked++;
        if (JSON.stringify(gotSet) !== JSON.stringify(wantSet))
          res.failures.push(
            `${name} ${key} ${isReturnAddress ? 'return-address' : 'at address'}\n  got  ${gotSet.join(' // ')}\n  want ${wantSet.join(' // ')}${got.error ? '\n  error ' + got.error : ''}`,
          );
      }
    }
  }
  return res;
}
