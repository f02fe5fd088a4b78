// One step back (issue 13, item 5): when no variable holds the base register at the PC, the pointer was just
// loaded (`mov 0x8(%rdi),%rax; mov 0x10(%rax),%rax`). The instructions before the PC, decoded from the
// function's start, are followed backwards in the same basic block — through 64-bit loads and register
// copies — to a register a variable holds: `node->next->val`, `file->f_op->read`. The walk stops, saying why,
// at anything else: a jump target (another path may have set the register), a call that clobbers it, an
// instruction that computes it, an indexed or segment-relative load.
import { decodeX86Instruction, type MemoryOperand } from './instruction';
import type { X86Instruction } from './x86Decode';

/** A 64-bit load of a pointer: `mov disp(%base),%into`. */
export interface PointerLoad {
  /** Byte offset of the load from the function's start. */
  at: number;
  text: string;
  /** The register it loaded. */
  into: string;
  /** Its memory operand (a base register, no index). */
  memory: MemoryOperand;
}

export interface LoadChain {
  /** The loads, first executed first: the first one's base register is the root's. */
  loads: PointerLoad[];
  /** The register a variable holds (`isRoot` said so) and the offset where it does. */
  root: { register: string; at: number };
}

/** Loads followed at most: `a->b->c->d->e`. */
const MAX_LOADS = 4;
/** Registers a call may change (System V x86_64 psABI: the caller-saved ones, RAX the return value). */
const CALL_CLOBBERED = new Set(['RAX', 'RCX', 'RDX', 'RSI', 'RDI', 'R8', 'R9', 'R10', 'R11']);

interface Decoded {
  at: number;
  length: number;
  text: string;
  /** Full registers written. */
  writes: string[];
  call: boolean;
  /** Direct branch target (byte offset from the function start), when there is one. */
  target: number | null;
  load: PointerLoad | null;
  /** `mov %src,%dst` with 64-bit registers: the source. */
  copyFrom: string | null;
}

/**
 * The loads that put the value of `register` into it before the instruction at byte `pc` of `code` (the
 * function's bytes from its start), back to a register `isRoot(register, offset)` accepts; or a short reason.
 */
export function loadsBefore(
  code: Uint8Array,
  pc: number,
  register: string,
  isRoot: (register: string, at: number) => boolean,
): LoadChain | string {
  const list = decodeUpTo(code, pc);
  if (!list) return 'the bytes before the PC decode to no instruction boundary at the PC';
  const targets = new Set(list.flatMap((d) => (d.target === null ? [] : [d.target])));
  const loads: PointerLoad[] = [];
  let want = register;
  for (let k = list.length - 1; k >= 0; k--) {
    const next = k + 1 < list.length ? list[k + 1].at : pc;
    if (targets.has(next))
      return `${want} may be set on another path (a jump lands at +0x${next.toString(16)}): not followed`;
    const d = list[k];
    if (d.call && CALL_CLOBBERED.has(want))
      return `${want} is set by the call \`${d.text}\` at +0x${d.at.toString(16)}`;
    if (!d.writes.includes(want)) continue;
    if (d.copyFrom) want = d.copyFrom;
    else if (d.load && d.load.into === want) {
      if (loads.length === MAX_LOADS) return `more than ${MAX_LOADS} loads back: not followed`;
      loads.unshift(d.load);
      want = d.load.memory.base!;
    } else return `${want} is computed by \`${d.text}\` at +0x${d.at.toString(16)}, not loaded`;
    if (isRoot(want, d.at)) return { loads, root: { register: want, at: d.at } };
  }
  return `no variable holds the register ${want} was loaded through in this block`;
}

/** The instructions from byte 0 up to `pc`, or null when none ends exactly at `pc`. */
function decodeUpTo(code: Uint8Array, pc: number): Decoded[] | null {
  const out: Decoded[] = [];
  const bytes = code.subarray(0, pc);
  for (let at = 0; at < pc;) {
    const x = decodeX86Instruction(bytes.subarray(at), at);
    if (!x) return null;
    out.push(describe(x, at));
    at += x.length;
  }
  const last = out[out.length - 1];
  return last && last.at + last.length === pc ? out : out.length === 0 && pc === 0 ? out : null;
}

function describe(x: X86Instruction, at: number): Decoded {
  const l = x.load;
  // A pointer load: a 64-bit base register, no index, no segment (per-CPU data is no member of the base).
  const load: PointerLoad | null =
    l && !l.segment && !l.memory.index && l.memory.base && l.memory.base !== 'RIP'
      ? { at, text: x.text, into: l.into, memory: l.memory }
      : null;
  return {
    at,
    length: x.length,
    text: x.text,
    writes: x.writes,
    call: x.flow === 'call' || x.flow === 'indirect-call',
    target: x.flow === 'branch' ? x.target : null,
    load,
    copyFrom: x.copy?.from ?? null,
  };
}
