// The fuzz harness behind `npm run fuzz` (scripts/fuzz.ts) and the fixed-seed run in `npm test`
// (fuzz.test.ts): mutated real logs through the engine in process (analysis, hovers at random positions,
// the decode pipeline without debug files) and structurally corrupted ELF/DWARF files through the
// symbolizer. It counts inputs, crashes (an exception out of the engine, or a SymbolizeError that says
// "internal error") and the slowest input, and saves every failing input.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  analyzeText,
  decodeLogText,
  explainAt,
  framesOfAnalysis,
  parseLogMaps,
  splitLines,
  DebugFile,
  SymbolizeError,
  type Analysis,
} from '../../src/engine';
import { ElfFile } from '../../src/engine/symbolize/elf/elfFile';

const REPO = path.resolve(__dirname, '../../..');
const CORPUS = path.join(REPO, 'test-fixtures/corpus');

/** xorshift32: the same seed gives the same inputs. */
export class Rng {
  private x: number;
  constructor(seed: number) {
    this.x = seed >>> 0 || 0x9e3779b9;
  }
  next(): number {
    let x = this.x;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.x = x >>> 0;
    return this.x;
  }
  int(n: number): number {
    return n <= 0 ? 0 : this.next() % n;
  }
  /** Uniform in [0, 1). */
  float(): number {
    return this.next() / 4294967296;
  }
  pick<T>(a: readonly T[]): T {
    return a[this.int(a.length)];
  }
}

/** The real logs: the qemu crashes (x86_64, arm64), syzkaller's reports and our event fixtures. */
export function corpusLogs(): string[] {
  const out: string[] = [];
  const walk = (dir: string, keep: (name: string) => boolean) => {
    if (!fs.existsSync(dir)) return;
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p, keep);
      else if (keep(e.name)) out.push(fs.readFileSync(p, 'latin1'));
    }
  };
  walk(path.join(CORPUS, 'qemu/logs'), (n) => n.endsWith('.log'));
  walk(path.join(CORPUS, 'qemu-arm64/logs'), (n) => n.endsWith('.log'));
  walk(path.join(CORPUS, 'syzkaller/report'), () => true);
  walk(path.join(REPO, 'test-fixtures/engine'), (n) => n.endsWith('.log'));
  if (out.length < 100) throw new Error(`only ${out.length} corpus logs under ${CORPUS}`);
  return out;
}

const MARKERS = [
  'Call Trace:',
  ' <IRQ>',
  ' </IRQ>',
  ' <TASK>',
  ' </TASK>',
  '---[ end trace 0000000000000000 ]---',
  '==================================================================',
  'Modules linked in: buggy(OE) ext4 mbcache jbd2',
  'RIP: 0010:buggy_null_read_level1+0xa/0x20 [buggy]',
  'Code: 48 8b 04 25 00 00 00 00 <0f> 0b c3',
  'BUG: kernel NULL pointer dereference, address: 0000000000000008',
  'Out of memory: Killed process 1 (init) total-vm:1kB, anon-rss:1kB, file-rss:0kB, shmem-rss:0kB',
  'Kernel panic - not syncing: Fatal exception',
  'WARNING: CPU: 0 PID: 1 at kernel/foo.c:1 foo+0x1/0x2',
  ' ? foo+0x1/0x2',
  ' [<ffffffff81000000>] foo+0x1/0x2',
  'buggy 16384 0 - Live 0xffffffffc0a00000 (OE)',
];
const CONTROL = ['\0', '\x1b[31m', '\x1b', '\x7f', '\b', '\f', '\v', '\x1b]0;t\x07', '\u2028', '\ufeff'];

type LogMutation = (lines: string[], r: Rng, corpus: readonly string[]) => string[];

const line = (lines: string[], r: Rng) => r.int(lines.length);
const replaceToken = (s: string, re: RegExp, by: string, r: Rng) => {
  const all = [...s.matchAll(re)];
  if (all.length === 0) return s;
  const m = r.pick(all);
  return s.slice(0, m.index) + by + s.slice(m.index + m[0].length);
};

/** The mutation kinds, by name (~20), each over the log's lines. */
export const LOG_MUTATIONS: Record<string, LogMutation> = {
  byteFlip: (ls, r) => {
    const i = line(ls, r);
    const s = ls[i];
    if (!s) return ls;
    const k = r.int(s.length);
    ls[i] = s.slice(0, k) + String.fromCharCode(s.charCodeAt(k) ^ (1 << r.int(8))) + s.slice(k + 1);
    return ls;
  },
  deleteLines: (ls, r) => {
    const i = line(ls, r);
    ls.splice(i, 1 + r.int(8));
    return ls;
  },
  duplicateLine: (ls, r) => {
    const i = line(ls, r);
    ls.splice(i, 0, ...Array<string>(1 + r.int(50)).fill(ls[i]));
    return ls;
  },
  duplicateBlock: (ls, r) => {
    const i = line(ls, r);
    const block = ls.slice(i, i + 1 + r.int(40));
    for (let n = 1 + r.int(4); n > 0; n--) ls.splice(i, 0, ...block);
    return ls;
  },
  spliceOtherLog: (ls, r, corpus) => {
    const other = splitLines(r.pick(corpus));
    const j = r.int(other.length);
    ls.splice(line(ls, r), r.int(4), ...other.slice(j, j + 1 + r.int(60)));
    return ls;
  },
  swapLines: (ls, r) => {
    const a = line(ls, r);
    const b = line(ls, r);
    [ls[a], ls[b]] = [ls[b], ls[a]];
    return ls;
  },
  shuffleBlock: (ls, r) => {
    const i = line(ls, r);
    const block = ls.slice(i, i + 2 + r.int(20));
    for (let k = block.length - 1; k > 0; k--) {
      const j = r.int(k + 1);
      [block[k], block[j]] = [block[j], block[k]];
    }
    ls.splice(i, block.length, ...block);
    return ls;
  },
  controlChars: (ls, r) => {
    const i = line(ls, r);
    const s = ls[i] ?? '';
    const k = r.int(s.length + 1);
    ls[i] = s.slice(0, k) + r.pick(CONTROL).repeat(1 + r.int(3)) + s.slice(k);
    return ls;
  },
  invalidUtf8: (ls, r) => {
    const i = line(ls, r);
    const bytes = Buffer.from(ls[i] ?? '', 'latin1');
    const junk = [
      Buffer.from([0xff]),
      Buffer.from([0xc3]),
      Buffer.from([0xed, 0xa0, 0x80]),
      Buffer.from([0xf8, 0x88]),
    ];
    const k = r.int(bytes.length + 1);
    ls[i] = Buffer.concat([bytes.subarray(0, k), r.pick(junk), bytes.subarray(k)]).toString('latin1');
    return ls;
  },
  lineBreaks: (ls, r) => {
    const i = line(ls, r);
    ls[i] = (ls[i] ?? '') + r.pick(['\r', '\r\n', '\n\r', '\r\r\n']);
    return ls;
  },
  deepMarkers: (ls, r) => {
    const m = r.pick(MARKERS);
    ls.splice(line(ls, r), 0, ...Array<string>(10 + r.int(2000)).fill(`[  1.000000] ${m}`));
    return ls;
  },
  hugeNumber: (ls, r) => {
    const i = line(ls, r);
    ls[i] = replaceToken(
      ls[i] ?? '',
      /0x[0-9a-f]+|\b\d+\b|[0-9a-f]{8,16}/g,
      r.pick(['9'.repeat(40), 'f'.repeat(64), '0x' + 'f'.repeat(30), '-1', '4294967296']),
      r,
    );
    return ls;
  },
  hugeName: (ls, r) => {
    const i = line(ls, r);
    ls[i] = replaceToken(ls[i] ?? '', /[A-Za-z_][A-Za-z0-9_]{2,}/g, 'x'.repeat(100 + r.int(20_000)), r);
    return ls;
  },
  longLine: (ls, r) => {
    const i = line(ls, r);
    ls[i] =
      (ls[i] ?? '') +
      r.pick([' foo+0x1/0x2', 'A', ' <', '[<ffffffff81000000>] ', ' ? ']).repeat(1000 + r.int(20_000));
    return ls;
  },
  truncateLine: (ls, r) => {
    const i = line(ls, r);
    ls[i] = (ls[i] ?? '').slice(0, r.int((ls[i] ?? '').length + 1));
    return ls;
  },
  truncateLog: (ls, r) => ls.slice(0, r.int(ls.length + 1)),
  stripPrefix: (ls, r) => {
    const i = line(ls, r);
    ls[i] = (ls[i] ?? '').replace(/^(?:<\d+>)?\[[ \d.]+\] ?/, '');
    return ls;
  },
  junkPrefix: (ls, r) => {
    const i = line(ls, r);
    ls[i] =
      r.pick([
        '<4>',
        '[ 1.0] ',
        'Jan  1 00:00:00 host kernel: ',
        '[T123] ',
        '[C1] ',
        '6,1,2,-;',
        '[    ',
        '<>',
      ]) + (ls[i] ?? '');
    return ls;
  },
  whitespace: (ls, r) => {
    const i = line(ls, r);
    ls[i] = (ls[i] ?? '').replace(r.pick([/ /g, /\t/g, /:/g]), r.pick(['\t', '', '  ', ' : ']));
    return ls;
  },
  unicode: (ls, r) => {
    const i = line(ls, r);
    const s = ls[i] ?? '';
    const k = r.int(s.length + 1);
    ls[i] = s.slice(0, k) + r.pick(['\ud800', '\udc00', '😀', '\u202e', 'é', '\u0301', '𝕏']) + s.slice(k);
    return ls;
  },
};
const MUTATION_NAMES = Object.keys(LOG_MUTATIONS);

export interface FuzzStats {
  inputs: number;
  crashes: number;
  slowestMs: number;
  slowest: string;
  peakRssMb: number;
  /** Where the failing inputs were saved. */
  saved: string[];
  /** First lines of the crash messages. */
  messages: string[];
}

function newStats(): FuzzStats {
  return { inputs: 0, crashes: 0, slowestMs: 0, slowest: '', peakRssMb: 0, saved: [], messages: [] };
}

function save(dir: string, name: string, data: string | Buffer, stats: FuzzStats, why: string): void {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name);
  fs.writeFileSync(file, data);
  stats.saved.push(file);
  stats.messages.push(`${name}: ${why.split('\n')[0]}`);
}

function checkAnalysis(a: Analysis): void {
  for (const e of a.events)
    if (!(e.line >= 0 && e.line <= e.endLine && e.endLine < a.lineCount) || typeof e.title !== 'string')
      throw new Error(`malformed event ${e.kind} ${e.line}-${e.endLine} of ${a.lineCount} lines`);
}

/** An input is slow (> 1 s) only if it is slow again: best of three, so a busy machine's stall is not one. */
function confirmSlow(ms: number, again: () => void): number {
  for (let run = 0; run < 2 && ms > 1000; run++) {
    const t0 = performance.now();
    try {
      again();
    } catch {
      // Counted as a crash on the first run already.
    }
    ms = Math.min(ms, performance.now() - t0);
  }
  return ms;
}

/** One mutated log through the analysis, a few hovers and the decode pipeline. Throws on a crash. */
export function runLog(text: string, r: Rng): void {
  const a = analyzeText(text);
  checkAnalysis(a);
  const lines = splitLines(text);
  for (let h = 0; h < 4; h++) {
    const l = r.int(lines.length);
    explainAt(lines[l], r.int(lines[l].length + 1), { line: l, analysis: a, getLine: (n) => lines[n] });
  }
  for (const e of a.events.slice(0, 3)) {
    const s = lines[e.line];
    explainAt(s, r.int(s.length + 1), { line: e.line, analysis: a, getLine: (n) => lines[n] });
  }
  const frames = framesOfAnalysis(a);
  parseLogMaps(text);
  decodeLogText(text, frames, new Map());
}

/** `count` mutated logs from `seed`: 1–4 mutations of a corpus log each. */
export function fuzzLogs(count: number, seed: number, outDir: string, corpus = corpusLogs()): FuzzStats {
  const stats = newStats();
  const r = new Rng(seed);
  for (let i = 0; i < count; i++) {
    let ls = splitLines(r.pick(corpus));
    const applied: string[] = [];
    for (let m = 1 + r.int(4); m > 0; m--) {
      const name = r.pick(MUTATION_NAMES);
      applied.push(name);
      ls = LOG_MUTATIONS[name](ls, r, corpus);
    }
    const text = ls.join(r.int(4) === 0 ? '\r\n' : '\n');
    const hoverSeed = r.next();
    const started = performance.now();
    try {
      runLog(text, new Rng(hoverSeed));
    } catch (e) {
      stats.crashes++;
      save(
        outDir,
        `log-${seed}-${i}.log`,
        text,
        stats,
        `${applied.join('+')}: ${e instanceof Error ? e.stack : e}`,
      );
    }
    const ms = confirmSlow(performance.now() - started, () => runLog(text, new Rng(hoverSeed)));
    stats.inputs++;
    if (ms > stats.slowestMs) {
      stats.slowestMs = ms;
      stats.slowest = `log #${i} (${applied.join('+')}, ${text.length} chars)`;
    }
    if (ms > 1000) save(outDir, `slow-log-${seed}-${i}.log`, text, stats, `${ms.toFixed(0)} ms`);
    if ((i & 255) === 0) stats.peakRssMb = Math.max(stats.peakRssMb, process.memoryUsage().rss / 2 ** 20);
  }
  stats.peakRssMb = Math.max(stats.peakRssMb, process.resourceUsage().maxRSS / 1024);
  return stats;
}

/** The ELF files corrupted: the real buggy.ko and any given small gcc-built fixtures. */
export function elfSeeds(extra: string[] = []): string[] {
  return [path.join(CORPUS, 'qemu/module/buggy.ko'), ...extra].filter((f) => fs.existsSync(f));
}

const DEBUG_SECTIONS = /^\.(?:debug_|symtab|strtab|rela\.debug|rel\.debug|shstrtab|note)/;

/** One corrupted ELF: open, look up every symbol and a spread of addresses. Throws on a crash. */
export function runElf(file: string): void {
  let df: DebugFile;
  try {
    df = DebugFile.open(file, { allowNoDebugInfo: true });
  } catch (e) {
    if (e instanceof SymbolizeError && !/internal error/.test(e.message)) return;
    throw e;
  }
  try {
    for (const s of df.codeSections()) {
      const step = BigInt(Math.max(1, Math.floor(s.size / 64)));
      for (let a = 0n; a < BigInt(s.size); a += step) {
        try {
          df.lookupAddress(df.isRelocatable ? { section: s.name, offset: a } : s.addr + a);
        } catch (e) {
          if (!(e instanceof SymbolizeError) || /internal error/.test(e.message)) throw e;
        }
      }
    }
    for (const name of ['buggy_null_read', 'buggy_null_read_level1', 'init_module', 'main', 'no_such']) {
      try {
        df.lookupSymbol(name, 4, null, { isReturnAddress: true });
      } catch (e) {
        if (!(e instanceof SymbolizeError) || /internal error/.test(e.message)) throw e;
      }
    }
  } finally {
    df.close();
  }
}

/** Structured corruption: bytes of one ELF section (or its header fields) replaced, zeroed, maximised. */
function corruptElf(
  good: Buffer,
  sections: { offset: number; size: number; header: number }[],
  r: Rng,
): Buffer {
  const b = Buffer.from(good);
  for (let m = 1 + r.int(6); m > 0; m--) {
    const s = r.pick(sections);
    switch (r.int(6)) {
      case 0: // a byte flipped in the section
        if (s.size) b[s.offset + r.int(s.size)] ^= 1 << r.int(8);
        break;
      case 1: // a 4-byte length or offset made huge or zero
        if (s.size >= 4)
          b.writeUInt32LE(r.pick([0, 0xffffffff, 0x7fffffff, r.next()]), s.offset + r.int(s.size - 3));
        break;
      case 2: // a run zeroed or filled
        if (s.size)
          b.fill(r.pick([0, 0xff, 0x80]), s.offset + r.int(s.size), s.offset + r.int(s.size) + r.int(64));
        break;
      case 3: // the section header's offset, size, link or entsize
        b.writeBigUInt64LE(
          BigInt(r.pick([0, 1, s.size * 2, 0xffffffff, r.next()])),
          s.header + r.pick([24, 32, 56]),
        );
        break;
      case 4: // a LEB128 run that never ends
        if (s.size) b.fill(0x80, s.offset + r.int(s.size), s.offset + r.int(s.size) + 8 + r.int(32));
        break;
      default: // the file cut short
        return b.subarray(0, r.int(b.length));
    }
  }
  return b.subarray(0, good.length);
}

/** `count` corrupted ELF files from `seed`, rotating over the seeds. */
export function fuzzElf(count: number, seed: number, outDir: string, seeds = elfSeeds()): FuzzStats {
  const stats = newStats();
  const r = new Rng(seed);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'oops-lens-fuzz-elf-'));
  try {
    const layouts = seeds.map((file) => {
      const elf = ElfFile.open(file);
      try {
        const shoff = Number(fs.readFileSync(file).readBigUInt64LE(0x28));
        return {
          file,
          good: fs.readFileSync(file),
          sections: elf.sections
            .filter((s) => DEBUG_SECTIONS.test(s.name))
            .map((s) => ({
              offset: s.offset,
              size: s.type === 8 ? 0 : s.size,
              header: shoff + s.index * 64,
            })),
        };
      } finally {
        elf.close();
      }
    });
    for (let i = 0; i < count; i++) {
      const seedFile = layouts[i % layouts.length];
      const data = corruptElf(seedFile.good, seedFile.sections, r);
      // A new name each time: the symbolizer caches open files by path, size and mtime.
      const file = path.join(work, `${i}-${path.basename(seedFile.file)}`);
      fs.writeFileSync(file, data);
      const started = performance.now();
      try {
        runElf(file);
      } catch (e) {
        stats.crashes++;
        save(
          outDir,
          `elf-${seed}-${i}-${path.basename(seedFile.file)}`,
          data,
          stats,
          e instanceof Error ? (e.stack ?? e.message) : String(e),
        );
      }
      // Again under a new name (the symbolizer caches open files by path).
      const ms = confirmSlow(performance.now() - started, () => {
        const again = `${file}.again`;
        fs.writeFileSync(again, data);
        try {
          runElf(again);
        } finally {
          fs.rmSync(again);
        }
      });
      fs.rmSync(file);
      stats.inputs++;
      if (ms > stats.slowestMs) {
        stats.slowestMs = ms;
        stats.slowest = `elf #${i} (${path.basename(seedFile.file)})`;
      }
      if (ms > 1000)
        save(
          outDir,
          `slow-elf-${seed}-${i}-${path.basename(seedFile.file)}`,
          data,
          stats,
          `${ms.toFixed(0)} ms`,
        );
      if ((i & 255) === 0) stats.peakRssMb = Math.max(stats.peakRssMb, process.memoryUsage().rss / 2 ** 20);
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  stats.peakRssMb = Math.max(stats.peakRssMb, process.resourceUsage().maxRSS / 1024);
  return stats;
}

export function formatStats(what: string, s: FuzzStats): string {
  return `${what}: ${s.inputs} inputs, ${s.crashes} crashes, slowest ${s.slowestMs.toFixed(1)} ms (${s.slowest}), peak RSS ${s.peakRssMb.toFixed(0)} MB${s.saved.length ? `\n  saved: ${s.saved.join('\n  saved: ')}\n  ${s.messages.join('\n  ')}` : ''}`;
}
