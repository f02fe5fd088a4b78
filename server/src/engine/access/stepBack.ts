// One step back (issue 13, item 5): when no variable holds the base register at the PC, the pointer was just
// loaded (`mov 0x8(%rdi),%rax; mov 0x10(%rax),%rax`). The instructions before the PC, decoded from the
// function's start, are followed backwards in the same basic block — through 64-bit loads and register
// copies — to a register a variable holds: `node->next->val`, `file->f_op->read`. The walk stops, saying why,
// at anything else: a jump target (another path may have set the register), a call that clobbers it, an
// instruction that computes it, an indexed or segment-relative load.
import { formatGas, loadIced, type Iced } from '../explain/disasm';
import { X86_64_GPRS, type MemoryOperand } from './instruction';

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
  const ice = loadIced();
  if (!ice) return 'iced-x86 is not installed';
  const list = decodeUpTo(ice, code, pc);
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
function decodeUpTo(ice: Iced, code: Uint8Array, pc: number): Decoded[] | null {
  const decoder = new ice.Decoder(64, code.subarray(0, pc), ice.DecoderOptions.None);
  const ins = new ice.Instruction();
  const factory = new ice.InstructionInfoFactory();
  const out: Decoded[] = [];
  try {
    decoder.ip = 0n;
    while (decoder.canDecode) {
      decoder.decodeOut(ins);
      if (ins.isInvalid) return null;
      out.push(describe(ice, ins, factory));
    }
  } finally {
    factory.free();
    ins.free();
    decoder.free();
  }
  const last = out[out.length - 1];
  return last && last.at + last.length === pc ? out : out.length === 0 && pc === 0 ? out : null;
}

function describe(
  ice: Iced,
  ins: InstanceType<Iced['Instruction']>,
  factory: InstanceType<Iced['InstructionInfoFactory']>,
): Decoded {
  const at = Number(ins.ip);
  const info = factory.info(ins);
  const writes: string[] = [];
  try {
    for (const u of info.usedRegisters() as InstanceType<Iced['UsedRegister']>[]) {
      const a = u.access;
      if (a !== ice.OpAccess.Read && a !== ice.OpAccess.CondRead && a !== ice.OpAccess.None) {
        const name = gpr(ice, u.register);
        if (name && !writes.includes(name)) writes.push(name);
      }
      u.free();
    }
  } finally {
    info.free();
  }
  const flow = ins.flowControl;
  const branch = flow === ice.FlowControl.UnconditionalBranch || flow === ice.FlowControl.ConditionalBranch;
  const target = branch && ins.op0Kind === ice.OpKind.NearBranch64 ? Number(ins.nearBranchTarget) : null;
  const isMov = ins.mnemonic === ice.Mnemonic.Mov;
  const reg64 = (r: number) => ice.RegisterExt.isGPR64(r);
  let load: PointerLoad | null = null;
  let copyFrom: string | null = null;
  if (isMov && ins.op0Kind === ice.OpKind.Register && reg64(ins.op0Register)) {
    if (ins.op1Kind === ice.OpKind.Register && reg64(ins.op1Register)) copyFrom = gpr(ice, ins.op1Register);
    else if (
      ins.op1Kind === ice.OpKind.Memory &&
      ins.segmentPrefix === ice.Register.None &&
      ins.memoryIndex === ice.Register.None &&
      reg64(ins.memoryBase)
    ) {
      const disp = BigInt.asIntN(64, ins.memoryDisplacementU64);
      load = {
        at,
        text: '',
        into: gpr(ice, ins.op0Register)!,
        memory: {
          base: gpr(ice, ins.memoryBase),
          index: null,
          scale: 1,
          displacement: disp,
          addressBits: 64,
        },
      };
    }
  }
  const text = formatGas(ice, ins, 64).replace(/\s+/, ' ');
  if (load) load.text = text;
  return {
    at,
    length: ins.length,
    text,
    writes,
    call: flow === ice.FlowControl.Call || flow === ice.FlowControl.IndirectCall,
    target,
    load,
    copyFrom,
  };
}

/** The dump name of an iced general-purpose register of any width, or null. */
function gpr(ice: Iced, reg: number): string | null {
  if (reg === ice.Register.None || !ice.RegisterExt.isGPR(reg)) return null;
  const i = ice.RegisterExt.fullRegister(reg) - ice.Register.RAX;
  return i >= 0 && i < X86_64_GPRS.length ? X86_64_GPRS[i] : null;
}
