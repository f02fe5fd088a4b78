// Step 1: the faulting instruction. x86 bytes (from the debug file at the faulting IP, or the log's `Code:`
// line) decoded with iced-x86 into what it accessed: read / write / read-modify-write / exec, how many bytes,
// and through which memory operand (base, index, scale, displacement) or indirect call target.
import { formatGas, loadIced, type Iced } from '../explain/disasm';

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

/** The 16 general-purpose registers in encoding order, named as the register dump prints them. */
export const X86_64_GPRS = [
  'RAX',
  'RCX',
  'RDX',
  'RBX',
  'RSP',
  'RBP',
  'RSI',
  'RDI',
  'R8',
  'R9',
  'R10',
  'R11',
  'R12',
  'R13',
  'R14',
  'R15',
];

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
 * Decodes the instruction at the start of `bytes` (64-bit code unless `bitness` says 32). Returns null when
 * iced-x86 is missing or the bytes are no instruction.
 */
export function decodeAccess(bytes: Uint8Array, bitness: 32 | 64 = 64): DecodedAccess | null {
  const ice = loadIced();
  if (!ice || bytes.length === 0) return null;
  const window = bytes.subarray(0, Math.min(bytes.length, 15));
  const decoder = new ice.Decoder(bitness, window, ice.DecoderOptions.None);
  const ins = new ice.Instruction();
  const factory = new ice.InstructionInfoFactory();
  try {
    decoder.ip = 0n;
    decoder.decodeOut(ins);
    if (ins.isInvalid) return null;
    const text = formatGas(ice, ins, bitness).replace(/\s+/, ' ');
    const length = ins.length;
    const common = {
      text,
      length,
      bytes: window.slice(0, length),
      indirectCall: ins.flowControl === ice.FlowControl.IndirectCall,
    };
    const indirect =
      ins.flowControl === ice.FlowControl.IndirectCall || ins.flowControl === ice.FlowControl.IndirectBranch;
    const info = factory.info(ins);
    const used = info.usedMemory() as InstanceType<Iced['UsedMemory']>[];
    // The instruction's own operands: a call's or push's implicit stack access is not what faulted on a bad pointer.
    const explicit = explicitOperands(ice, ins, used);
    try {
      if (explicit.length === 0) {
        if (indirect) {
          const target = dumpName(ice, ins.op0Register);
          return { ...common, kind: 'exec', size: null, memory: null, target, otherOperands: 0 };
        }
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
      const m = explicit[0];
      const ripRelative = ins.memoryBase === ice.Register.RIP || ins.memoryBase === ice.Register.EIP;
      const size =
        ice.MemorySizeExt.size(m.memorySize) || ice.MemorySizeExt.elementSize(m.memorySize) || null;
      const memory: MemoryOperand = {
        base: ripRelative ? 'RIP' : dumpName(ice, m.base),
        index: dumpName(ice, m.index),
        scale: m.scale,
        // iced resolves RIP-relative operands against the decoder's ip (0 here): the next instruction is at `length`.
        displacement: ripRelative ? signed64(m.displacement) - BigInt(length) : signed64(m.displacement),
        addressBits:
          bitness === 64 && !is32BitAddress(ice, m.base) && !is32BitAddress(ice, m.index) ? 64 : 32,
      };
      const kind = indirect ? 'read' : (kindOf(ice, m.access) ?? 'read');
      return { ...common, kind, size, memory, target: null, otherOperands: explicit.length - 1 };
    } finally {
      for (const m of used) m.free();
      info.free();
    }
  } finally {
    factory.free();
    ins.free();
    decoder.free();
  }
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
