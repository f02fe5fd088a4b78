// Optional cross-check backend: the same questions asked to an installed tool (binutils addr2line,
// elfutils eu-addr2line, llvm-symbolizer). Used to compare answers, never required. All three print, per
// address, the address line then (function, file:line[:column]) pairs, innermost inline level first.
import type * as ChildProcess from 'node:child_process';
import type { SourceFrame } from './dwarf/dwarfInfo';
import { SymbolizeError } from './errors';

export type ExternalTool = 'addr2line' | 'eu-addr2line' | 'llvm-symbolizer';

export interface ExternalQuery {
  /** Absolute address, or the offset in `section` for relocatable objects. */
  address: bigint;
  section?: string;
}

const LOCATION = /^(.*?):(\d+|\?)(?::(\d+))?(?: \(discriminator (\d+)\))?$/;

export class ExternalSymbolizer {
  constructor(
    readonly tool: ExternalTool,
    /** Program to run (a path, or the tool name looked up in PATH). */
    readonly command: string = tool,
    private readonly timeoutMs = 60_000,
  ) {}

  /** Whether the command can be run here. */
  available(): boolean {
    const r = spawnSync()(this.command, ['--version'], { encoding: 'utf8', timeout: 10_000 });
    return r.status === 0;
  }

  /** Frames per query, innermost inline level first (same shape as DebugFile lookups). */
  symbolize(file: string, queries: ExternalQuery[]): SourceFrame[][] {
    const out: SourceFrame[][] = [];
    // One process per section (addr2line -j takes one section per run).
    const groups = new Map<string, number[]>();
    queries.forEach((q, i) => groups.set(q.section ?? '', [...(groups.get(q.section ?? '') ?? []), i]));
    for (const [section, idx] of groups) {
      const answers = this.run(
        file,
        section || undefined,
        idx.map((i) => queries[i].address),
      );
      idx.forEach((qi, k) => (out[qi] = answers[k]));
    }
    return out;
  }

  private run(file: string, section: string | undefined, addrs: bigint[]): SourceFrame[][] {
    let args: string[];
    if (this.tool === 'llvm-symbolizer') {
      if (section)
        throw new SymbolizeError(
          'unsupported',
          'llvm-symbolizer cannot select a section of a relocatable object; use addr2line or eu-addr2line',
        );
      args = [`--obj=${file}`, '--inlining', '--output-style=GNU', '-f', '-a'];
    } else args = ['-f', '-i', '-a', '-e', file, ...(section ? ['-j', section] : [])];
    const input = addrs.map((a) => '0x' + a.toString(16)).join('\n') + '\n';
    const r = spawnSync()(this.command, args, {
      input,
      encoding: 'utf8',
      timeout: this.timeoutMs,
      maxBuffer: 1 << 28,
    });
    // eu-addr2line exits 1 when some address has no line; the answers are still all there.
    if (r.error || (r.status !== 0 && !r.stdout))
      throw new SymbolizeError(
        'io',
        `${this.command} failed: ${r.error?.message ?? (r.stderr.trim() || `exit ${r.status}`)}`,
      );
    const results: SourceFrame[][] = [];
    const lines = r.stdout.split('\n');
    let cur: SourceFrame[] | null = null;
    for (let i = 0; i < lines.length; i++) {
      const l = lines[i];
      if (/^0x[0-9a-f]+$/i.test(l)) {
        results.push((cur = []));
        continue;
      }
      if (!cur || l === '') continue;
      const loc = LOCATION.exec(lines[i + 1] ?? '');
      i++;
      // eu-addr2line appends " inlined at FILE:LINE:COL in CALLER" to an inlined function's name.
      const fn = l.replace(/ inlined at .* in \S+$/, '');
      cur.push({
        function: fn === '??' ? null : fn,
        file: !loc || loc[1] === '??' ? null : loc[1],
        line: loc && loc[2] !== '?' ? Number(loc[2]) : 0,
        column: loc?.[3] ? Number(loc[3]) : 0,
        discriminator: loc?.[4] ? Number(loc[4]) : 0,
      });
    }
    if (results.length !== addrs.length)
      throw new SymbolizeError(
        'io',
        `${this.command} answered ${results.length} of ${addrs.length} addresses`,
      );
    return results;
  }
}

/** child_process, loaded on first use: the cross-check backend is optional, and loading it costs start-up time. */
function spawnSync(): typeof ChildProcess.spawnSync {
  return (require('node:child_process') as typeof ChildProcess).spawnSync;
}
