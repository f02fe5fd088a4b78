// Step 1: the faulting instruction. x86 bytes (from the debug file at the faulting IP, or the log's `Code:`
// line) decoded with iced-x86 into what it accessed: read / write / read-modify-write / exec, how many bytes,
// and through which memory operand (base, index, scale, displacement) or indirect call target.
import { formatGas, loadIced, type Iced } from '../explain/disasm';
import { decodeX86, X86_64_GPRS, type X86Flow, type X86Instruction, type X86MemoryAccess } from './x86Decode';

export type AccessKind = 'read' | 'write' | 'rmw' | 'exec';

export interface MemoryOperand {
  /** Full 64-bit register name as the dump prints it (`RBX`), `RIP` for RIP-relative, null for none. */
  base: string | null;
  index: string | null;
  scale: number;
  /** Signed displacement; for RIP-relative operands, relative to the next instruction. */
  displacement: bigint;
  /** Bits of the address registers (32 with an address-size prefix). */
  addressBits: 32 | 64;
  /** arm64 `[x0, w1, sxtw #3]`: the index is the low 32 bits of its register, zero- or sign-extended. */
  indexExtend?: 'uxtw' | 'sxtw';
}

export interface DecodedAccess {
  /** objdump-style AT&T text: `movq $0x1234,0x8(%rbx)`. */
  text: string;
  length: number;
  bytes: Uint8Array;
  kind: AccessKind;
  /** Bytes accessed; null when the instruction does not say (string instructions with a count). */
  size: number | null;
  /** The memory operand the fault is about; null for an indirect call/jump through a register. */
  memory: MemoryOperand | null;
  /** `call *%rax` / `jmp *%rax`: the register holding the target. */
  target: string | null;
  /** An indirect call (`call *%rax`, `call *0x8(%rax)`). */
  indirectCall: boolean;
  /** More than one explicit memory operand (movs, cmps): the first is reported. */
  otherOperands: number;
  /** `call __x86_indirect_thunk_rax`: a retpoline, an indirect call through `target`. */
  retpoline?: boolean;
  /** Why the instruction accesses no memory we can name, when memory and target are both null. */
  reason?: string;
}

export { X86_64_GPRS } from './x86Decode';

/** The register-dump name of an iced register (any width: EAX, AX -> RAX; RIP stays RIP), or null. */
function dumpName(ice: Iced, reg: number): string | null {
  if (reg === ice.Register.None) return null;
  if (reg === ice.Register.RIP || reg === ice.Register.EIP) return 'RIP';
  const full = ice.RegisterExt.fullRegister(reg);
  const i = full - ice.Register.RAX;
  return i >= 0 && i < X86_64_GPRS.length ? X86_64_GPRS[i] : null;
}

function kindOf(ice: Iced, access: number): AccessKind | null {
  switch (access) {
    case ice.OpAccess.Read:
    case ice.OpAccess.CondRead:
      return 'read';
    case ice.OpAccess.Write:
    case ice.OpAccess.CondWrite:
      return 'write';
    case ice.OpAccess.ReadWrite:
    case ice.OpAccess.ReadCondWrite:
      return 'rmw';
    default:
      return null;
  }
}

const TWO64 = 1n << 64n;
const signed64 = (v: bigint) => (v >= 1n << 63n ? v - TWO64 : v);

/**
 * The instruction at the start of `bytes` (`at`: its offset, for branch targets): the hand decoder's
 * (x86Decode.ts) when it covers it, else iced-x86's; null when neither decodes it. 64-bit code.
 */
export function decodeX86Instruction(bytes: Uint8Array, at = 0): X86Instruction | null {
  return decodeX86(bytes, at) ?? decodeWithIced(bytes, at);
}

/** iced-x86's reading of the instruction at the start of `bytes`, or null (no iced-x86, no instruction). */
export function decodeWithIced(bytes: Uint8Array, at = 0, bitness: 32 | 64 = 64): X86Instruction | null {
  const ice = loadIced();
  if (!ice || bytes.length === 0) return null;
  const decoder = new ice.Decoder(
    bitness,
    bytes.subarray(0, Math.min(bytes.length, 15)),
    ice.DecoderOptions.None,
  );
  const ins = new ice.Instruction();
  const factory = new ice.InstructionInfoFactory();
  try {
    decoder.ip = BigInt(at);
    decoder.decodeOut(ins);
    return ins.isInvalid ? null : icedInstruction(ice, ins, factory, bitness);
  } finally {
    factory.free();
    ins.free();
    decoder.free();
  }
}

const FLOW: Record<string, X86Flow> = {
  Next: 'next',
  Call: 'call',
  IndirectCall: 'indirect-call',
  UnconditionalBranch: 'branch',
  ConditionalBranch: 'branch',
  IndirectBranch: 'indirect-branch',
  Return: 'return',
};

/** An iced-x86 instruction as the access steps read it (the same record the hand decoder gives). */
export function icedInstruction(
  ice: Iced,
  ins: InstanceType<Iced['Instruction']>,
  factory: InstanceType<Iced['InstructionInfoFactory']>,
  bitness: 32 | 64 = 64,
): X86Instruction {
  const length = ins.length;
  const info = factory.info(ins);
  const used = info.usedMemory() as InstanceType<Iced['UsedMemory']>[];
  const writes: string[] = [];
  let memory: X86MemoryAccess[];
  try {
    for (const u of info.usedRegisters() as InstanceType<Iced['UsedRegister']>[]) {
      const a = u.access;
      if (a !== ice.OpAccess.Read && a !== ice.OpAccess.CondRead && a !== ice.OpAccess.None) {
        const name = gpr(ice, u.register);
        if (name && !writes.includes(name)) writes.push(name);
      }
      u.free();
    }
    // The instruction's own operands: a call's or push's implicit stack access is not what faulted on a bad pointer.
    const ripRelative = ins.memoryBase === ice.Register.RIP || ins.memoryBase === ice.Register.EIP;
    memory = explicitOperands(ice, ins, used).map((m) => ({
      operand: {
        base: ripRelative ? 'RIP' : dumpName(ice, m.base),
        index: dumpName(ice, m.index),
        scale: m.scale,
        // iced resolves RIP-relative operands against the decoder's ip: the next instruction is at ip + length.
        displacement: ripRelative
          ? signed64(m.displacement) - ins.ip - BigInt(length)
          : signed64(m.displacement),
        addressBits:
          bitness === 64 && !is32BitAddress(ice, m.base) && !is32BitAddress(ice, m.index) ? 64 : 32,
      },
      access: kindOf(ice, m.access),
      size: ice.MemorySizeExt.size(m.memorySize) || ice.MemorySizeExt.elementSize(m.memorySize) || null,
      segment: m.segment === ice.Register.FS ? 'FS' : m.segment === ice.Register.GS ? 'GS' : null,
    }));
  } finally {
    for (const m of used) m.free();
    info.free();
  }
  const flow =
    FLOW[ice.FlowControl[ins.flowControl]] ??
    (ins.flowControl === ice.FlowControl.Interrupt || ins.flowControl === ice.FlowControl.Exception
      ? 'stop'
      : 'next');
  const direct = flow === 'branch' || flow === 'call';
  const target = direct && ins.op0Kind === ice.OpKind.NearBranch64 ? Number(ins.nearBranchTarget) : null;
  const reg64 = (r: number) => ice.RegisterExt.isGPR64(r);
  const isMov = ins.mnemonic === ice.Mnemonic.Mov;
  const dst0 = ins.op0Kind === ice.OpKind.Register ? ins.op0Register : ice.Register.None;
  const operand: MemoryOperand = {
    base: ins.memoryBase === ice.Register.RIP ? 'RIP' : dumpName(ice, ins.memoryBase),
    index: dumpName(ice, ins.memoryIndex),
    scale: ins.memoryIndexScale,
    displacement:
      ins.memoryBase === ice.Register.RIP
        ? signed64(ins.memoryDisplacementU64) - ins.ip - BigInt(length)
        : BigInt.asIntN(64, ins.memoryDisplacementU64),
    addressBits: 64,
  };
  const segment =
    ins.segmentPrefix === ice.Register.FS ? 'FS' : ins.segmentPrefix === ice.Register.GS ? 'GS' : null;
  return {
    length,
    text: formatGas(ice, ins, bitness).replace(/\s+/, ' '),
    flow,
    target,
    memory,
    writes: X86_64_GPRS.filter((r) => writes.includes(r)),
    copy:
      isMov && reg64(dst0) && ins.op1Kind === ice.OpKind.Register && reg64(ins.op1Register)
        ? { from: gpr(ice, ins.op1Register)!, into: gpr(ice, dst0)! }
        : null,
    load:
      isMov && reg64(dst0) && ins.op1Kind === ice.OpKind.Memory
        ? { into: gpr(ice, dst0)!, memory: operand, segment }
        : null,
    store:
      isMov &&
      ins.op0Kind === ice.OpKind.Memory &&
      ins.op1Kind === ice.OpKind.Register &&
      reg64(ins.op1Register)
        ? { from: gpr(ice, ins.op1Register)!, memory: operand, segment }
        : null,
    address:
      ins.mnemonic === ice.Mnemonic.Lea && dst0 !== ice.Register.None && ins.op1Kind === ice.OpKind.Memory
        ? { into: gpr(ice, dst0)!, size: ice.RegisterExt.size(dst0), memory: operand }
        : null,
    through:
      (flow === 'indirect-call' || flow === 'indirect-branch') && ins.op0Kind === ice.OpKind.Register
        ? dumpName(ice, ins.op0Register)
        : null,
  };
}

/** The dump name of an iced general-purpose register of any width, or null. */
function gpr(ice: Iced, reg: number): string | null {
  if (reg === ice.Register.None || !ice.RegisterExt.isGPR(reg)) return null;
  const i = ice.RegisterExt.fullRegister(reg) - ice.Register.RAX;
  return i >= 0 && i < X86_64_GPRS.length ? X86_64_GPRS[i] : null;
}

/**
 * Decodes the instruction at the start of `bytes` (64-bit code unless `bitness` says 32) into the access it
 * makes. Returns null when the bytes are no instruction (or need iced-x86 and it is missing).
 */
export function decodeAccess(bytes: Uint8Array, bitness: 32 | 64 = 64): DecodedAccess | null {
  if (bytes.length === 0) return null;
  const x = bitness === 64 ? decodeX86Instruction(bytes) : decodeWithIced(bytes, 0, bitness);
  return x && accessOf(x, bytes);
}

/** The access of a decoded instruction (its first explicit memory operand, or its indirect target). */
export function accessOf(x: X86Instruction, bytes: Uint8Array): DecodedAccess {
  const common = {
    text: x.text,
    length: x.length,
    bytes: bytes.slice(0, x.length),
    indirectCall: x.flow === 'indirect-call',
  };
  const indirect = x.flow === 'indirect-call' || x.flow === 'indirect-branch';
  if (x.memory.length === 0) {
    if (indirect)
      return { ...common, kind: 'exec', size: null, memory: null, target: x.through, otherOperands: 0 };
    return {
      ...common,
      kind: 'read',
      size: null,
      memory: null,
      target: null,
      otherOperands: 0,
      reason: 'the instruction accesses no memory through an operand',
    };
  }
  const m = x.memory[0];
  const kind = indirect ? 'read' : (m.access ?? 'read');
  return {
    ...common,
    kind,
    size: m.size,
    memory: m.operand,
    target: null,
    otherOperands: x.memory.length - 1,
  };
}

function is32BitAddress(ice: Iced, reg: number): boolean {
  return reg !== ice.Register.None && ice.RegisterExt.isGPR32(reg);
}

/**
 * The used memory of the instruction's explicit operands: the `Memory` operand when it has one (matched by
 * base and index; RIP-relative ones have neither), else the string operands (`movs`: [RSI] and [RDI]).
 */
function explicitOperands(
  ice: Iced,
  ins: InstanceType<Iced['Instruction']>,
  used: InstanceType<Iced['UsedMemory']>[],
): InstanceType<Iced['UsedMemory']>[] {
  let hasMemory = false;
  for (let i = 0; i < ins.opCount; i++) if (ins.opKind(i) === ice.OpKind.Memory) hasMemory = true;
  if (!hasMemory) return used.filter((m) => m.segment !== ice.Register.SS);
  const rip = ins.memoryBase === ice.Register.RIP || ins.memoryBase === ice.Register.EIP;
  const base = rip ? ice.Register.None : ins.memoryBase;
  return used.filter((m) => m.base === base && m.index === ins.memoryIndex);
}
