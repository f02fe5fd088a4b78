// Disassembly of `Code:` lines, as the kernel's scripts/decodecode does it but without binutils:
// x86/x86_64 with iced-x86 (WebAssembly, loads synchronously), arm64/arm/thumb with capstone.js (an emscripten build
// whose module initialises asynchronously: call initDisassemblers() once at start-up; until it resolves an
// arm64 Code: hover says the disassembler is still loading).
//
// Both libraries read their .wasm file next to their .js (`__dirname`), so a bundle must ship
// iced_x86_bg.wasm and capstone.wasm beside it. Loading is lazy and guarded: if either is missing the
// hover simply has no disassembly.

import { defaultCacheDir } from '../debugfiles/decompress';
import { loadIcedCached } from './icedLoader';

export type CodeArch = 'x86_64' | 'i386' | 'arm64' | 'arm' | 'thumb';

export interface ParsedCode {
  arch: CodeArch;
  bytes: Uint8Array;
  /** Byte offset of the trapping instruction (the `<xx>` / `(xxxxxxxx)` marker), or null if unmarked. */
  trapOffset: number | null;
}

export interface DisasmLine {
  offset: number;
  length: number;
  bytes: string;
  text: string;
  trapping: boolean;
}

export interface Disassembly {
  arch: CodeArch;
  /** Decoding started here (bytes before it did not lead to an instruction boundary at the trap). */
  start: number;
  lines: DisasmLine[];
  /** Why there is no listing, when `lines` is empty. */
  unavailable?: string;
}

const MAX_CODE_BYTES = 512;

/**
 * Parses the text after `Code: `. x86 prints bytes (`48 8b 03 <48> c7`), arm64 prints 32-bit words
 * (`d503201f (b9400000)`), arm/thumb print 32/16-bit words. Returns null for `Bad RIP value`,
 * `Unable to access opcode bytes…` and anything else that is not code.
 */
export function parseCodeBytes(text: string, archHint?: string): ParsedCode | null {
  const tokens = text.trim().split(/\s+/);
  if (tokens.length === 0 || tokens.length > MAX_CODE_BYTES) return null;
  const bytes: number[] = [];
  let trapOffset: number | null = null;
  let width = 0;
  for (const tok of tokens) {
    const m = /^([<(]?)([0-9a-f]+)([>)]?)$/.exec(tok);
    if (!m) return null;
    const marked = m[1] !== '' && m[3] !== '';
    if ((m[1] === '') !== (m[3] === '')) return null;
    const digits = m[2];
    if (width === 0) width = digits.length;
    if (digits.length !== width || (width !== 2 && width !== 4 && width !== 8)) return null;
    if (marked) {
      if (trapOffset !== null) return null;
      trapOffset = bytes.length;
    }
    if (width === 2) bytes.push(parseInt(digits, 16));
    else {
      // Words are printed as numbers: store little-endian, as the CPU reads them.
      const v = parseInt(digits, 16);
      for (let i = 0; i < width / 2; i++) bytes.push((v >>> (8 * i)) & 0xff);
    }
  }
  if (bytes.length === 0) return null;
  let arch: CodeArch;
  if (width === 2) arch = archHint === 'i386' ? 'i386' : 'x86_64';
  else if (width === 8 && archHint === 'arm') arch = 'arm';
  else if (width === 8 && (archHint === undefined || archHint === 'arm64' || archHint === 'unknown'))
    arch = 'arm64';
  else if (width === 4 && (archHint === undefined || archHint === 'arm' || archHint === 'unknown'))
    arch = 'thumb';
  else return null; // other arches print code we have no decoder for
  return { arch, bytes: Uint8Array.from(bytes), trapOffset };
}

// ---- x86 (iced-x86) -------------------------------------------------------------------------------

export type Iced = typeof import('iced-x86');
let iced: Iced | null | undefined;

/**
 * iced-x86, loaded once (with the V8 code cache of icedLoader.ts when its glue file is found, else a plain
 * require, as in a bundle that includes it); null when its module or .wasm is missing.
 */
export function loadIced(): Iced | null {
  if (iced === undefined) {
    try {
      iced = loadIcedCached(defaultCacheDir())?.ice ?? (require('iced-x86') as Iced);
    } catch {
      iced = null;
    }
  }
  return iced;
}

let formatter: InstanceType<Iced['Formatter']> | null = null;

/** One formatter for the process, configured to look like objdump. */
function gasFormatter(ice: Iced): InstanceType<Iced['Formatter']> {
  if (formatter) return formatter;
  const f = new ice.Formatter(ice.FormatterSyntax.Gas);
  // Look like objdump: hex immediates and displacements, `0x` prefix, no size suffix unless needed.
  f.smallHexNumbersInDecimal = false;
  f.hexPrefix = '0x';
  f.hexSuffix = '';
  f.uppercaseHex = false;
  f.leadingZeros = false;
  f.branchLeadingZeros = false;
  f.spaceAfterOperandSeparator = false;
  f.firstOperandCharIndex = 7;
  f.ripRelativeAddresses = true;
  formatter = f;
  return f;
}

/**
 * `ins` as binutils (2.37 and later) prints it: the formatter's text without the operand-size suffix of a
 * stack or branch instruction whose operand has the mode's default size (`callq *0x60(%rax)` -> `call …`,
 * `pushl 0x8(%eax)` -> `push …` in 32-bit code); `pushw` and the like keep theirs.
 */
export function formatGas(ice: Iced, ins: InstanceType<Iced['Instruction']>, bitness: 32 | 64): string {
  const text = gasFormatter(ice).format(ins);
  const suffix = bitness === 64 ? 'q' : 'l';
  return text.replace(new RegExp(`^(call|jmp|push|pop)${suffix}(?= )`), '$1 ');
}

/** Instruction boundaries only (no formatting), to choose where to start decoding. */
function boundariesX86(
  bytes: Uint8Array,
  start: number,
  bitness: 32 | 64,
): { offsets: Set<number>; badBefore: (o: number) => boolean } | null {
  const ice = loadIced();
  if (!ice) return null;
  const decoder = new ice.Decoder(bitness, bytes.subarray(start), ice.DecoderOptions.None);
  const ins = new ice.Instruction();
  const offsets = new Set<number>();
  const bad: number[] = [];
  try {
    let off = start;
    while (decoder.canDecode) {
      decoder.decodeOut(ins);
      offsets.add(off);
      if (ins.isInvalid) bad.push(off);
      off += ins.length;
    }
  } finally {
    ins.free();
    decoder.free();
  }
  return { offsets, badBefore: (o) => bad.some((b) => b < o) };
}

function decodeX86(
  bytes: Uint8Array,
  start: number,
  bitness: 32 | 64,
  trapOffset: number | null,
  base: bigint,
): DisasmLine[] | null {
  const ice = loadIced();
  if (!ice) return null;
  const decoder = new ice.Decoder(bitness, bytes.subarray(start), ice.DecoderOptions.None);
  const ins = new ice.Instruction();
  const lines: DisasmLine[] = [];
  try {
    decoder.ip = (base + BigInt(start)) & 0xffffffffffffffffn;
    let off = start;
    while (decoder.canDecode) {
      decoder.decodeOut(ins);
      const len = ins.length;
      lines.push({
        offset: off,
        length: len,
        bytes: hexBytes(bytes, off, len),
        // An undecodable instruction that runs to the end of the bytes was cut off by the 64-byte window.
        text: ins.isInvalid
          ? off + len >= bytes.length
            ? '(truncated)'
            : '(bad)'
          : formatGas(ice, ins, bitness),
        trapping: trapOffset === off,
      });
      off += len;
    }
  } finally {
    ins.free();
    decoder.free();
  }
  return lines;
}

function hexBytes(bytes: Uint8Array, off: number, len: number): string {
  const out: string[] = [];
  for (let i = off; i < off + len && i < bytes.length; i++) out.push(bytes[i].toString(16).padStart(2, '0'));
  return out.join(' ');
}

// ---- arm64 (capstone.js) ----------------------------------------------------------------------------

interface CapstoneInsn {
  address: number | bigint;
  size: number;
  mnemonic: string;
  op_str: string;
}
interface CapstoneHandle {
  disasm(buffer: number[] | Uint8Array, offset: number): CapstoneInsn[];
  close(): void;
}
interface CapstoneModule {
  Capstone: new (arch: number, mode: number) => CapstoneHandle;
  ARCH_ARM64: number;
  ARCH_ARM: number;
  MODE_ARM: number;
  MODE_THUMB: number;
}

/** One capstone handle per decoding mode, opened once. */
const capstoneHandles: Partial<Record<'arm64' | 'arm' | 'thumb', CapstoneHandle>> = {};
let capstoneLoading: Promise<void> | null = null;
let capstoneError: string | null = null;

/** Starts (once) and awaits the asynchronous disassembler initialisation. Never rejects. */
export function initDisassemblers(): Promise<void> {
  loadIced();
  if (!capstoneLoading) {
    capstoneLoading = (async () => {
      try {
        const factory = require('@alexaltea/capstone-js') as () => Promise<CapstoneModule>;
        const cs = await factory();
        capstoneHandles.arm64 = new cs.Capstone(cs.ARCH_ARM64, cs.MODE_ARM);
        capstoneHandles.arm = new cs.Capstone(cs.ARCH_ARM, cs.MODE_ARM);
        capstoneHandles.thumb = new cs.Capstone(cs.ARCH_ARM, cs.MODE_THUMB);
      } catch (e) {
        capstoneError = e instanceof Error ? e.message : String(e);
      }
    })();
  }
  return capstoneLoading;
}

function decodeCapstone(
  mode: 'arm64' | 'arm' | 'thumb',
  bytes: Uint8Array,
  trapOffset: number | null,
): DisasmLine[] | null {
  const handle = capstoneHandles[mode];
  if (!handle) return null;
  const unit = mode === 'thumb' ? 2 : 4;
  // Fast path: one call for the whole buffer; capstone stops at the first undefined instruction, in
  // which case we decode unit by unit so one undefined encoding does not end the listing.
  const usable = bytes.length - (bytes.length % unit);
  try {
    const all = handle.disasm(Array.from(bytes.subarray(0, usable)), 0);
    const covered = all.reduce((n, i) => n + i.size, 0);
    if (covered === usable) {
      return all.map((ins) => {
        const off = Number(ins.address);
        return {
          offset: off,
          length: ins.size,
          bytes: unitsHex(bytes, off, ins.size, unit),
          text: ins.op_str ? `${ins.mnemonic}\t${ins.op_str}` : ins.mnemonic,
          trapping: trapOffset === off,
        };
      });
    }
  } catch {
    // fall through to unit-by-unit decoding
  }
  const lines: DisasmLine[] = [];
  for (let off = 0; off + unit <= usable;) {
    let size = unit;
    let text: string;
    try {
      const ins = handle.disasm(Array.from(bytes.subarray(off, Math.min(usable, off + 4))), off);
      if (ins.length > 0) {
        size = ins[0].size;
        text = ins[0].op_str ? `${ins[0].mnemonic}\t${ins[0].op_str}` : ins[0].mnemonic;
      } else text = `.inst\t0x${unitsHex(bytes, off, unit, unit)} ; undefined`;
    } catch {
      text = `.inst\t0x${unitsHex(bytes, off, unit, unit)} ; undefined`;
    }
    lines.push({
      offset: off,
      length: size,
      bytes: unitsHex(bytes, off, size, unit),
      text,
      trapping: trapOffset === off,
    });
    off += size;
  }
  return lines;
}

/** Bytes as the kernel printed them: little-endian words (arm64/arm) or halfwords (thumb). */
function unitsHex(bytes: Uint8Array, off: number, len: number, unit: number): string {
  const out: string[] = [];
  for (let o = off; o + unit <= off + len && o + unit <= bytes.length; o += unit)
    out.push(
      unit === 4 ? wordHex(bytes, o) : ((bytes[o] | (bytes[o + 1] << 8)) >>> 0).toString(16).padStart(4, '0'),
    );
  return out.join(' ');
}

function wordHex(bytes: Uint8Array, off: number): string {
  const v = (bytes[off] | (bytes[off + 1] << 8) | (bytes[off + 2] << 16) | (bytes[off + 3] << 24)) >>> 0;
  return v.toString(16).padStart(8, '0');
}

// ---- common -----------------------------------------------------------------------------------------

/**
 * Disassembles parsed Code: bytes. For x86 the bytes before the marker may start mid-instruction, so,
 * like a careful reader of decodecode output, we pick the first start offset whose decoding lands on
 * the trapping byte.
 */
/** `base`: the address of the first byte when known (branch targets then print as absolute addresses). */
export function disassemble(code: ParsedCode, base = 0n): Disassembly {
  if (code.arch === 'arm64' || code.arch === 'arm' || code.arch === 'thumb') {
    const lines = decodeCapstone(code.arch, code.bytes, code.trapOffset);
    if (!lines) {
      if (!capstoneLoading) void initDisassemblers();
      return {
        arch: code.arch,
        start: 0,
        lines: [],
        unavailable: capstoneError
          ? `the ${code.arch} disassembler failed to load: ${capstoneError}`
          : `the ${code.arch} disassembler is still loading; hover again`,
      };
    }
    return { arch: code.arch, start: 0, lines };
  }
  const bitness = code.arch === 'i386' ? 32 : 64;
  const trap = code.trapOffset;
  // Prefer the first start that lands on the trap with no undecodable instruction before it; else the
  // first that lands on the trap at all; else start 0. Only boundaries are computed while searching.
  let chosen = 0;
  if (trap !== null) {
    let fallback = -1;
    for (let start = 0; start <= Math.min(trap, 15); start++) {
      const b = boundariesX86(code.bytes, start, bitness);
      if (!b) break;
      if (!b.offsets.has(trap)) continue;
      if (!b.badBefore(trap)) {
        chosen = start;
        break;
      }
      if (fallback < 0) fallback = start;
      chosen = fallback;
    }
  }
  const lines = decodeX86(code.bytes, chosen, bitness, trap, base);
  if (!lines)
    return {
      arch: code.arch,
      start: 0,
      lines: [],
      unavailable: 'the x86 disassembler (iced-x86) could not be loaded',
    };
  return { arch: code.arch, start: chosen, lines };
}

/** Where the listing's addresses point: a symbol and the trap's offset in it, or an absolute address. */
export interface CodeAnchor {
  symbol?: string;
  /** Offset of the trapping instruction within `symbol`. */
  symbolOffset?: number;
  /** Absolute address of the trapping instruction. */
  address?: bigint;
}

/** decodecode-style text: `  2a:*\t48 f7 f5\tdiv    %rbp\t<-- trapping instruction`. */
export function formatDisassembly(d: Disassembly, anchor?: CodeAnchor, trapOffset?: number | null): string {
  if (d.lines.length === 0) return d.unavailable ?? 'no instructions decoded';
  const trap = trapOffset ?? d.lines.find((l) => l.trapping)?.offset ?? null;
  const width = d.lines[d.lines.length - 1].offset.toString(16).length;
  const bytesWidth = Math.min(Math.max(...d.lines.map((l) => l.bytes.length)), 24);
  const wheres = d.lines.map((l) => {
    let where = l.offset.toString(16).padStart(Math.max(width, 2), ' ');
    if (anchor && trap !== null) {
      const rel = l.offset - trap;
      if (anchor.symbol !== undefined && anchor.symbolOffset !== undefined) {
        const o = anchor.symbolOffset + rel;
        where += `  ${o >= 0 ? `${anchor.symbol}+0x${o.toString(16)}` : `${anchor.symbol}-0x${(-o).toString(16)}`}`;
      } else if (anchor.address !== undefined) {
        where += `  ${'0x' + (anchor.address + BigInt(rel)).toString(16)}`;
      }
    }
    return where;
  });
  const whereWidth = Math.max(...wheres.map((w) => w.length));
  const out: string[] = [];
  d.lines.forEach((l, i) => {
    const mark = l.trapping ? '*' : ' ';
    out.push(
      `${(wheres[i] + ':').padEnd(whereWidth + 1)}${mark} ${l.bytes.padEnd(bytesWidth)}  ${l.text.replace('\t', ' ')}${l.trapping ? '   <-- trapping instruction' : ''}`,
    );
  });
  return out.join('\n');
}
