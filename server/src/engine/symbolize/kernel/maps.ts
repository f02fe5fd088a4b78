// Parsers for the kernel's address maps, as files or as dumps pasted into a log:
// System.map and /proc/kallsyms (`ffffffff81000000 T _text`, module lines end in `\t[mod]`),
// /proc/modules (`name size refs deps state 0xBASE [(taint)]`, see kernel/module/procfs.c),
// /sys/module/<m>/sections/* (`.text 0xffff…` as `for f in …; echo`, or `path:0x…` as `grep .`),
// and the panic footer `Kernel Offset: 0x… from 0x…` (arch/x86/kernel/setup.c, arch/arm64/kernel/setup.c).

import { indexOrEnd, LineCursor } from '../../log/lines';
import { normalizeInto, normalizeLine } from '../../log/normalize';
import { normalizeModuleName } from './moduleName';

export interface KernelSymbol {
  address: bigint;
  /** nm-style type letter (T, t, D, …). */
  type: string;
  name: string;
  /** Module name for `[mod]` lines, null for the kernel itself. */
  module: string | null;
}

export interface ProcModule {
  name: string;
  size: number;
  refs: number;
  deps: string[];
  state: string;
  base: bigint | null;
  taint: string;
}

export interface KernelOffset {
  offset: bigint;
  from: bigint;
}

export interface ModuleLayout {
  name: string;
  /** Core base and size from /proc/modules. */
  base: bigint | null;
  size: number | null;
  /** Load address of each section (/sys/module/<m>/sections). */
  sections: Map<string, bigint>;
  /** kallsyms lines of the module. */
  symbols: KernelSymbol[];
}

export interface LogMaps {
  modules: Map<string, ModuleLayout>;
  kernelOffset: KernelOffset | null;
  /** Kernel (non-module) kallsyms lines found in the text, e.g. `ffffffffb2800000 T _text`. */
  kernelSymbols: KernelSymbol[];
}

const SYMBOL_LINE = /^([0-9a-fA-F]{8,16})\s+([a-zA-Z?])\s+(\S+)(?:\s+\[([\w-]+)\])?\s*$/;
const MODULE_LINE =
  /^([\w-]+) (\d+) (\d+|-) (\S+) (Live|Loading|Unloading) (0x[0-9a-fA-F]+)(?: \(([^)]*)\))?\s*$/;
const SECTION_LINE = /^(\.[\w.$-]+|__[\w.$-]+|[\w.$-]+)\s+(0x[0-9a-fA-F]+)\s*$/;
const SYSFS_SECTION = /\/sys\/module\/([\w-]+)\/sections\/([\w.$-]+)\s*[:\s]\s*(0x[0-9a-fA-F]+)/;
const SECTIONS_HEADER = /\/sys\/module\/([\w-]+)\/sections\b/;
const ADDRESS_START = /^[0-9a-fA-F]{8}/;
const KERNEL_OFFSET = /Kernel Offset: (0x[0-9a-fA-F]+) from (0x[0-9a-fA-F]+)/;

/** The messages of a text's lines, in order, normalised as the analyser does them (an empty line: ''). */
class Messages {
  private readonly cursor: LineCursor;
  private readonly scratch = normalizeLine('');
  // As the analyser does: one vectorised scan for ESC finds the few lines that need the escape clean-up.
  private nextEscape = -1;

  /** `endsLines`: the text ends with a line break, and the empty line after it is not one. */
  constructor(
    private readonly text: string,
    private readonly endsLines = false,
  ) {
    this.cursor = new LineCursor(text);
  }

  /** The next line's message; null past the last line. */
  next(): string | null {
    const cursor = this.cursor;
    if (!cursor.next() || (this.endsLines && cursor.last)) return null;
    const { start, end } = cursor;
    // An empty line is an empty message: no slice, no clean-up (100 MB of them are 100 M lines).
    if (start === end) return '';
    if (this.nextEscape < start) this.nextEscape = indexOrEnd(this.text, '\x1b', start);
    return normalizeInto(this.text.slice(start, end), this.scratch, this.nextEscape < end).message;
  }
}

/** The messages of `text`'s lines (Messages) for a `for … of`: a file is never split into an array of lines. */
function* lines(text: string): Generator<string> {
  const messages = new Messages(text);
  for (let l = messages.next(); l !== null; l = messages.next()) yield l;
}

/** System.map or /proc/kallsyms contents. Lines that do not look like symbols are ignored. */
export function parseSymbolMap(text: string): KernelSymbol[] {
  const out: KernelSymbol[] = [];
  for (const l of lines(text)) {
    const m = SYMBOL_LINE.exec(l);
    if (m)
      out.push({
        address: BigInt('0x' + m[1]),
        type: m[2],
        name: m[3],
        module: m[4] ? normalizeModuleName(m[4]) : null,
      });
  }
  return out;
}

export function parseProcModules(text: string): ProcModule[] {
  const out: ProcModule[] = [];
  for (const l of lines(text)) {
    const m = MODULE_LINE.exec(l);
    if (!m) continue;
    const base = BigInt(m[6]);
    out.push({
      name: normalizeModuleName(m[1]),
      size: Number(m[2]),
      refs: m[3] === '-' ? 0 : Number(m[3]),
      deps: m[4] === '-' ? [] : m[4].split(',').filter(Boolean),
      state: m[5],
      base: base === 0n ? null : base, // 0 when kptr_restrict hides it
      taint: m[7] ?? '',
    });
  }
  return out;
}

/**
 * Section load addresses of one module: either `name 0xADDR` lines (give `module`), or sysfs paths
 * (`/sys/module/m/sections/.text:0x…`), which name the module themselves.
 */
export function parseModuleSections(text: string, module?: string): Map<string, Map<string, bigint>> {
  const out = new Map<string, Map<string, bigint>>();
  const add = (mod: string, sec: string, addr: bigint) => {
    const k = normalizeModuleName(mod);
    if (!out.has(k)) out.set(k, new Map());
    out.get(k)!.set(sec, addr);
  };
  for (const l of lines(text)) {
    const s = SYSFS_SECTION.exec(l);
    if (s) add(s[1], s[2], BigInt(s[3]));
    else if (module) {
      const m = SECTION_LINE.exec(l);
      if (m) add(module, m[1], BigInt(m[2]));
    }
  }
  return out;
}

export function parseKernelOffset(text: string): KernelOffset | null {
  const m = KERNEL_OFFSET.exec(text);
  return m ? { offset: BigInt(m[1]), from: BigInt(m[2]) } : null;
}

/**
 * Every map dump found in a log: /proc/modules lines, sysfs section dumps (after a line naming
 * /sys/module/<m>/sections), kallsyms lines, and the `Kernel Offset:` line.
 */
export function parseLogMaps(text: string): LogMaps {
  const reader = new LogMapsReader();
  reader.push(text);
  return reader.end();
}

/**
 * parseLogMaps of a text given piece after piece (as it arrives in the symbolizer's thread), keeping none
 * of it: the same maps as of the pieces joined, wherever they are cut (inside a line, between `\r` and `\n`).
 */
export class LogMapsReader {
  private readonly modules = new Map<string, ModuleLayout>();
  private readonly kernelSymbols: KernelSymbol[] = [];
  private kernelOffset: KernelOffset | null = null;
  /** The module whose section lines follow (after a sysfs sections header). */
  private sectionsOf: string | null = null;
  /** The pieces of the line not ended yet. */
  private carry: string[] = [];

  push(piece: string): void {
    // The last line break that surely ends a line (a `\r` at the very end may be half of a `\r\n`).
    const lastCR = piece.length > 1 ? piece.lastIndexOf('\r', piece.length - 2) : -1;
    const cut = 1 + Math.max(piece.lastIndexOf('\n'), lastCR);
    if (cut === 0) {
      if (piece.length > 0) this.carry.push(piece);
      return;
    }
    this.carry.push(piece.slice(0, cut));
    // Whole lines: the empty line the cursor gives after the last break is not one.
    this.read(this.carry.join(''), true);
    this.carry = cut < piece.length ? [piece.slice(cut)] : [];
  }

  end(): LogMaps {
    this.read(this.carry.join(''), false);
    this.carry = [];
    return { modules: this.modules, kernelOffset: this.kernelOffset, kernelSymbols: this.kernelSymbols };
  }

  private module(name: string): ModuleLayout {
    const k = normalizeModuleName(name);
    let m = this.modules.get(k);
    if (!m) this.modules.set(k, (m = { name: k, base: null, size: null, sections: new Map(), symbols: [] }));
    return m;
  }

  /** Reads the lines of `text`; `endsLines`: it ends with a line break, and the empty line after it is not one. */
  private read(text: string, endsLines: boolean): void {
    // No map line spans two lines: the first match in whole lines is the first of the text.
    this.kernelOffset ??= parseKernelOffset(text);
    // Not through `lines`: a generator costs more per line than all the rest for a log of empty lines.
    const messages = new Messages(text, endsLines);
    for (let l = messages.next(); l !== null; l = messages.next()) {
      // An empty line is no map line, and ends a section dump.
      if (l.length === 0) this.sectionsOf = null;
      else this.readLine(l);
    }
  }

  /** One line's message. */
  private readLine(l: string): void {
    // Every map line holds `0x`, names /sys/module or starts with an address: a cheap test for the many
    // log lines that are none (which also end a section dump).
    if (l.indexOf('0x') < 0 && l.indexOf('/sys/module/') < 0 && !ADDRESS_START.test(l)) {
      this.sectionsOf = null;
      return;
    }
    const pm = MODULE_LINE.exec(l);
    if (pm) {
      const [p] = parseProcModules(l);
      const m = this.module(p.name);
      m.base = p.base;
      m.size = p.size;
      this.sectionsOf = null;
      return;
    }
    const sys = SYSFS_SECTION.exec(l);
    if (sys) {
      this.module(sys[1]).sections.set(sys[2], BigInt(sys[3]));
      return;
    }
    const hdr = SECTIONS_HEADER.exec(l);
    if (hdr) {
      this.sectionsOf = hdr[1];
      return;
    }
    const sym = SYMBOL_LINE.exec(l);
    if (sym) {
      const s: KernelSymbol = {
        address: BigInt('0x' + sym[1]),
        type: sym[2],
        name: sym[3],
        module: sym[4] ? normalizeModuleName(sym[4]) : null,
      };
      if (s.module) this.module(s.module).symbols.push(s);
      else this.kernelSymbols.push(s);
      this.sectionsOf = null;
      return;
    }
    if (this.sectionsOf) {
      const sec = SECTION_LINE.exec(l);
      if (sec) {
        this.module(this.sectionsOf).sections.set(sec[1], BigInt(sec[2]));
        return;
      }
      this.sectionsOf = null;
    }
  }
}
