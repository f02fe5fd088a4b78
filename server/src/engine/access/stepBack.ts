// One step back (issue 13, item 5): when no variable holds the base register at the PC, the pointer was just
// loaded (`mov 0x8(%rdi),%rax; mov 0x10(%rax),%rax`). The instructions before the PC, decoded from the
// function's start, are followed backwards in the same basic block — through 64-bit loads and register
// copies — to a register a variable holds: `node->next->val`, `file->f_op->read`. The walk stops, saying why,
// at anything else: a jump target (another path may have set the register), a call that clobbers it, an
// instruction that computes it, an indexed or segment-relative load.
import { decodeX86Instruction, type MemoryOperand } from './instruction';
import type { X86Instruction } from './x86Decode';

/**
 * A 64-bit load of a pointer: `mov disp(%base),%into`; or (`lea`) an address computed from one:
 * `lea disp(%base),%into`, the pointer plus a constant.
 */
export interface PointerLoad {
  kind: 'load' | 'lea';
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
  /**
   * The register a variable holds (`isRoot` said so) and the offset where it does; or (`stack`) the stack
   * slot at CFA + `stack` a variable lives in (`isStackRoot` said so), reloaded into `register` at `at`.
   */
  root: { register: string; at: number; stack?: bigint };
  /** Spills and reloads passed on the way (`RAX was reloaded from 0x8(%rsp) …`). */
  notes: string[];
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
  /** `lea disp(%base),%into`, 64-bit, a general-purpose base and no index. */
  lea: PointerLoad | null;
  /** `lea disp(%rsp),%into` / `disp(%rbp)`, 64-bit, no index: an address in the frame. */
  stackLea: { into: string; slot: StackSlot } | null;
  /** `mov %src,%dst` with 64-bit registers: the source. */
  copyFrom: string | null;
  copyInto: string | null;
  /** Bytes pushed (or reserved) on the stack since the function's entry, before it; null when unknown. */
  depth: number | null;
  /** No fall-through: ret, jmp, an indirect jump, ud2/int3. */
  ends: boolean;
  /** `mov disp(%rsp),%into` / `disp(%rbp)`: a 64-bit reload of a stack slot. */
  reload: { into: string; slot: StackSlot } | null;
  /** `mov %from,disp(%rsp)`: a 64-bit register spilled to a stack slot. */
  spill: { from: string; slot: StackSlot } | null;
  /** The stack memory (RSP/RBP + displacement, size in bytes) it writes, when it writes there. */
  stackWrite: (StackSlot & { size: number }) | null;
}

/** A stack slot: RSP or RBP plus a displacement. */
interface StackSlot {
  base: 'RSP' | 'RBP';
  displacement: bigint;
}

const slotText = (s: StackSlot) =>
  `${s.displacement < 0n ? '-' : ''}0x${(s.displacement < 0n ? -s.displacement : s.displacement).toString(16)}(%${s.base.toLowerCase()})`;
const sameSlot = (a: StackSlot, b: StackSlot) => a.base === b.base && a.displacement === b.displacement;
/** Does a write of `w.size` bytes at `w` touch the 8-byte slot `s`? */
const overlaps = (w: StackSlot & { size: number }, s: StackSlot) =>
  w.base === s.base &&
  w.displacement < s.displacement + 8n &&
  s.displacement < w.displacement + BigInt(w.size);

/**
 * The loads that put the value of `register` into it before the instruction at byte `pc` of `code` (the
 * function's bytes from its start), back to a register `isRoot(register, offset)` accepts; or a short reason.
 */
export function loadsBefore(
  code: Uint8Array,
  pc: number,
  register: string,
  isRoot: (register: string, at: number) => boolean,
  isStackRoot: (cfaOffset: bigint, at: number) => boolean = () => false,
): LoadChain | string {
  const list = decodeUpTo(code, pc);
  if (!list) return 'the bytes before the PC decode to no instruction boundary at the PC';
  const rbp = framePointer(list);
  const targets = new Set(list.flatMap((d) => (d.target === null ? [] : [d.target])));
  const loads: PointerLoad[] = [];
  const notes: string[] = [];
  let want = register;
  /** Set while the value is in a stack slot (after a reload, before its spill). */
  let slot: StackSlot | null = null;
  const held = () => (slot ? `the stack slot ${slotText(slot)}` : want);
  for (let k = list.length - 1; k >= 0; k--) {
    const next = k + 1 < list.length ? list[k + 1].at : pc;
    if (targets.has(next))
      return `${held()} may be set on another path (a jump lands at +0x${next.toString(16)}): not followed`;
    const d = list[k];
    if (slot) {
      // A call leaves RSP as it was; anything else that moves the slot's base loses the slot.
      if (d.writes.includes(slot.base) && !d.call)
        return `${slot.base} changes at +0x${d.at.toString(16)} (\`${d.text}\`): the stack slot ${slotText(slot)} is not followed further`;
      if (d.spill && sameSlot(d.spill.slot, slot)) {
        notes.unshift(
          `${slotText(slot)} was spilled from ${d.spill.from} by \`${d.text}\` (+0x${d.at.toString(16)})`,
        );
        want = d.spill.from;
        slot = null;
        if (isRoot(want, d.at)) return { loads, root: { register: want, at: d.at }, notes };
      } else if (d.stackWrite && overlaps(d.stackWrite, slot))
        return `the stack slot ${slotText(slot)} is written by \`${d.text}\` at +0x${d.at.toString(16)}, not spilled from a register`;
      continue;
    }
    if (d.call && CALL_CLOBBERED.has(want))
      return `${want} is set by the call \`${d.text}\` at +0x${d.at.toString(16)}`;
    if (!d.writes.includes(want)) continue;
    if (d.copyFrom) want = d.copyFrom;
    else if (d.reload && d.reload.into === want) {
      // A spilled pointer reloaded: followed back to the register stored there.
      notes.unshift(`${want} was reloaded from the stack by \`${d.text}\` (+0x${d.at.toString(16)})`);
      slot = d.reload.slot;
      // A variable that lives in that slot (DW_OP_fbreg) is what the register now holds.
      const cfa = cfaOffset(slot, d, rbp);
      if (cfa !== null && isStackRoot(cfa, d.at))
        return { loads, root: { register: want, at: d.at, stack: cfa }, notes };
      continue;
    } else if ((d.load && d.load.into === want) || (d.lea && d.lea.into === want)) {
      const step = (d.load ?? d.lea)!;
      if (loads.length === MAX_LOADS) return `more than ${MAX_LOADS} loads back: not followed`;
      loads.unshift(step);
      want = step.memory.base!;
    } else return `${want} is computed by \`${d.text}\` at +0x${d.at.toString(16)}, not loaded`;
    if (isRoot(want, d.at)) return { loads, root: { register: want, at: d.at }, notes };
  }
  return slot
    ? `no register was spilled to the stack slot ${slotText(slot)} in this block`
    : `no variable holds the register ${want} was loaded through in this block`;
}

/** A register that holds an address in the function's own frame. */
export interface StackAddress {
  /** The register's value before the instruction at the PC is CFA + this. */
  cfaOffset: bigint;
  /** Bytes pushed or reserved since the function's entry, at the PC (RSP = CFA - 8 - this); null when unknown. */
  depthAtPc: number | null;
  /** How the register got the address (`RDI was copied from RSI by …`), first executed first. */
  notes: string[];
}

/**
 * Whether `register` holds an address in the function's own stack frame before the instruction at byte `pc`
 * of `code` (the function's bytes from its start): RSP or RBP themselves, or a copy of them
 * (`mov %rsp,%rsi; mov %rsi,%rdi`) or an address computed from them (`lea 0x10(%rsp),%rdi`), followed
 * backwards in the same basic block, the stack depth tracked from the function's start; or a short reason.
 */
export function stackAddressIn(code: Uint8Array, pc: number, register: string): StackAddress | string {
  const decoded = decodeWithDepth(code, pc);
  if (!decoded) return 'the bytes before the PC decode to no instruction boundary at the PC';
  const { list, depth } = decoded;
  const rbp = framePointer(list);
  const targets = new Set(list.flatMap((d) => (d.target === null ? [] : [d.target])));
  const notes: string[] = [];
  const at = (d: Decoded) => `+0x${d.at.toString(16)}`;
  /** The CFA offset of `base` + `k` before instruction `d` (or at the PC when `d` is null). */
  const fromBase = (base: 'RSP' | 'RBP', k: bigint, d: Decoded | null): StackAddress | string => {
    const cfa =
      base === 'RBP'
        ? rbp && rbp.at < (d?.at ?? pc)
          ? k - 8n - BigInt(rbp.depth)
          : null
        : (d ? d.depth : depth) === null
          ? null
          : k - 8n - BigInt((d ? d.depth : depth)!);
    if (cfa === null)
      return base === 'RBP'
        ? 'RBP is no frame pointer set by `mov %rsp,%rbp` in this function'
        : 'the stack depth there is not known (RSP moved by more than push, pop, sub/add $n)';
    return { cfaOffset: cfa, depthAtPc: depth, notes };
  };
  let want = register;
  /** The register's value is `want`'s + this. */
  let plus = 0n;
  if (want === 'RSP' || want === 'RBP') return fromBase(want, 0n, null);
  for (let k = list.length - 1; k >= 0; k--) {
    const next = k + 1 < list.length ? list[k + 1].at : pc;
    if (targets.has(next))
      return `${want} may be set on another path (a jump lands at +0x${next.toString(16)}): not followed`;
    const d = list[k];
    if (d.call && CALL_CLOBBERED.has(want)) return `${want} is set by the call \`${d.text}\` at ${at(d)}`;
    if (!d.writes.includes(want)) continue;
    if (d.copyFrom) {
      notes.unshift(`${want} was copied from ${d.copyFrom} by \`${d.text}\` (${at(d)})`);
      want = d.copyFrom;
      if (want === 'RSP' || want === 'RBP') return fromBase(want, plus, d);
    } else if (d.stackLea && d.stackLea.into === want) {
      notes.unshift(`${want} was computed from ${d.stackLea.slot.base} by \`${d.text}\` (${at(d)})`);
      return fromBase(d.stackLea.slot.base, d.stackLea.slot.displacement + plus, d);
    } else if (d.lea && d.lea.into === want) {
      notes.unshift(`${want} was computed from ${d.lea.memory.base} by \`${d.text}\` (${at(d)})`);
      plus += d.lea.memory.displacement;
      want = d.lea.memory.base!;
    } else return `${want} is set by \`${d.text}\` at ${at(d)}, not from RSP or RBP`;
  }
  return `${want} comes from before the function (no stack address of its frame)`;
}

/**
 * The slot's offset from the CFA (what DW_OP_fbreg gives when the frame base is the CFA, as gcc makes it) at
 * instruction `d`: RSP + k is CFA - 8 (the return address) - the bytes pushed since entry + k; RBP + k needs
 * the frame pointer set from RSP in the prologue. Null when the stack depth is not known there.
 */
function cfaOffset(slot: StackSlot, d: Decoded, rbp: { at: number; depth: number } | null): bigint | null {
  if (slot.base === 'RSP') return d.depth === null ? null : slot.displacement - 8n - BigInt(d.depth);
  return rbp && rbp.at < d.at ? slot.displacement - 8n - BigInt(rbp.depth) : null;
}

/** `mov %rsp,%rbp` at a known stack depth, when RBP is written nowhere else before the PC. */
function framePointer(list: Decoded[]): { at: number; depth: number } | null {
  const sets = list.filter((d) => d.writes.includes('RBP') && !d.call);
  const first = sets[0];
  if (!first || first.copyFrom !== 'RSP' || first.copyInto !== 'RBP' || first.depth === null) return null;
  // A pop %rbp in an epilogue before the PC ends the frame pointer's reign for what follows it: not followed.
  return sets.length === 1 ? { at: first.at, depth: first.depth } : null;
}

/**
 * How an instruction moves RSP, in bytes pushed (push +8, `sub $0x18,%rsp` +0x18); 0 for a call (it returns
 * with RSP as it was) and for what leaves RSP alone; null for any other write of RSP (leave, an alignment).
 * Read from the instruction's text, which is iced-x86's spelling (the hand decoder is tested to match it).
 */
function stackEffect(d: Decoded): number | null {
  if (d.call || !d.writes.includes('RSP')) return 0;
  if (/^push[fq]?\b/.test(d.text)) return 8;
  if (/^pop[fq]?\b/.test(d.text)) return -8;
  const m = /^(sub|add) \$0x([0-9a-f]+),%rsp$/.exec(d.text);
  if (!m) return null;
  const v = Number(BigInt.asIntN(64, BigInt('0x' + m[2])));
  return m[1] === 'sub' ? v : -v;
}

/**
 * The stack depth before each instruction, along the code in address order (a jump's target takes the depth
 * at the jump); returns the depth at `end`, the byte after the last one.
 */
function trackDepths(list: Decoded[], end: number): number | null {
  const atTarget = new Map<number, number | null>();
  let depth: number | null = 0;
  for (const d of list) {
    if (atTarget.has(d.at)) {
      const there = atTarget.get(d.at)!;
      depth = depth === null ? there : there === depth ? depth : null;
    }
    d.depth = depth;
    const effect = stackEffect(d);
    const after: number | null = depth === null || effect === null ? null : depth + effect;
    if (d.target !== null && d.target > d.at)
      atTarget.set(d.target, atTarget.has(d.target) && atTarget.get(d.target) !== after ? null : after);
    depth = d.ends ? null : after;
  }
  if (!atTarget.has(end)) return depth;
  const there = atTarget.get(end)!;
  return depth === null ? there : there === depth ? depth : null;
}

/** The instructions from byte 0 up to `pc`, or null when none ends exactly at `pc`. */
function decodeUpTo(code: Uint8Array, pc: number): Decoded[] | null {
  return decodeWithDepth(code, pc)?.list ?? null;
}

/** decodeUpTo, with the stack depth at `pc` (null when unknown). */
function decodeWithDepth(code: Uint8Array, pc: number): { list: Decoded[]; depth: number | null } | null {
  const out: Decoded[] = [];
  const bytes = code.subarray(0, pc);
  for (let at = 0; at < pc;) {
    const x = decodeX86Instruction(bytes.subarray(at), at);
    if (!x) return null;
    out.push(describe(x, at));
    at += x.length;
  }
  const last = out[out.length - 1];
  if (!(last && last.at + last.length === pc) && !(out.length === 0 && pc === 0)) return null;
  return { list: out, depth: trackDepths(out, pc) };
}

function describe(x: X86Instruction, at: number): Decoded {
  const l = x.load;
  const slotOf = (m: MemoryOperand, segment: string | null): StackSlot | null =>
    !segment && !m.index && (m.base === 'RSP' || m.base === 'RBP')
      ? { base: m.base, displacement: m.displacement }
      : null;
  const reloadSlot = l ? slotOf(l.memory, l.segment) : null;
  // A pointer load: a 64-bit base register, no index, no segment (per-CPU data is no member of the base).
  const load: PointerLoad | null =
    l && !reloadSlot && !l.segment && !l.memory.index && l.memory.base && l.memory.base !== 'RIP'
      ? { kind: 'load', at, text: x.text, into: l.into, memory: l.memory }
      : null;
  const a = x.address;
  // `lea 0x10(%rdi),%rax`: the pointer plus a constant (a stack or RIP-relative address is no pointer's member).
  const lea: PointerLoad | null =
    a && a.size === 8 && !a.memory.index && a.memory.base && !['RIP', 'RSP', 'RBP'].includes(a.memory.base)
      ? { kind: 'lea', at, text: x.text, into: a.into, memory: a.memory }
      : null;
  const leaSlot = a && a.size === 8 ? slotOf(a.memory, null) : null;
  const spillSlot = x.store ? slotOf(x.store.memory, x.store.segment) : null;
  const written = x.memory.find((m) => m.access === 'write' || m.access === 'rmw');
  return {
    at,
    length: x.length,
    text: x.text,
    writes: x.writes,
    call: x.flow === 'call' || x.flow === 'indirect-call',
    target: x.flow === 'branch' ? x.target : null,
    load,
    lea,
    stackLea: a && leaSlot ? { into: a.into, slot: leaSlot } : null,
    copyFrom: x.copy?.from ?? null,
    copyInto: x.copy?.into ?? null,
    depth: null,
    ends:
      x.flow === 'return' ||
      x.flow === 'indirect-branch' ||
      x.flow === 'stop' ||
      (x.flow === 'branch' && /^jmp /.test(x.text)),
    reload: l && reloadSlot ? { into: l.into, slot: reloadSlot } : null,
    spill: x.store && spillSlot ? { from: x.store.from, slot: spillSlot } : null,
    stackWrite: written
      ? (() => {
          const w = slotOf(written.operand, written.segment);
          // A write of unknown size (rep stos) is taken as touching everything from its start on.
          return w && { ...w, size: written.size ?? 1 << 20 };
        })()
      : null,
  };
}
