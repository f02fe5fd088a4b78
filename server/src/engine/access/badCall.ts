// A call through a NULL (or bad) function pointer: the CPU faulted fetching the target, so RIP is the bad
// target (`RIP: 0010:0x0`) and names no code. The instruction to explain is the indirect call just before the
// first trace entry's return address, found in the debug file: `call *%rax`, `call *0x60(%rax)`, or — with
// retpolines — `call __x86_indirect_thunk_rax`, an indirect call through RAX; arm64 `blr x0` before lr.
// A tail call through the pointer (`jmp *%rax`, `jmp __x86_indirect_thunk_rax`, arm64 `br x1`) leaves no
// return address after it: the one on the stack is the caller's, after its direct call of the function that
// jumped. Then that function's indirect jumps are the candidates, and the one whose register holds RIP is it.
import type { Frame } from '../model';
import type { DebugFile } from '../symbolize';
import { codeAt, guarded } from './codeAt';
import type { ElfSection } from '../symbolize/elf/elfFile';
import { relocatedSymbolAt } from '../symbolize/elf/relocations';
import { decodeArm64AccessBytes } from './arm64';
import { accessOf, decodeAccess, decodeX86Instruction, X86_64_GPRS, type DecodedAccess } from './instruction';

const EM_AARCH64 = 183;
/** Indirect call encodings end at the return address: `call *%rax` (2), `*%r11` (3), `*0x8(%rax)` (3), … */
const CALL_LENGTHS = [2, 3, 4, 5, 6, 7, 8];
const WINDOW = 16;
/** `call rel32`: a direct call, to a retpoline thunk when the callee says so. */
const CALL_REL32 = 0xe8;
const CALL_REL32_LENGTH = 5;
/** `jmp rel32`: a tail call, to a retpoline thunk when the target says so. */
const JMP_REL32 = 0xe9;
/** A64 `bl imm26`. */
const BL = 0x94000000;
const MASK64 = (1n << 64n) - 1n;
/** arch/x86/lib/retpoline.S: one thunk per register, `__x86_indirect_thunk_rax` … `_r15`. */
const THUNK = /^__x86_indirect_thunk_(r[a-z0-9]+)$/;

export interface CallSite {
  call: DecodedAccess;
  /** Linear address of the call instruction in the file (the DWARF steps look there). */
  linear: number;
  /** Where the call instruction is: `call_fn+0xc`. */
  function: string;
  offset: number;
  /** A tail call: the function that jumped was called by this direct call (`main+0x2a`, `call tail_fn`). */
  tailCallFrom?: { function: string; offset: number; text: string };
}

/** The register values of the dump, for choosing among a function's indirect jumps. */
export type RegisterValueOf = (register: string) => bigint | null;

/**
 * The indirect call ending at the return address `caller` (a trace entry), or — when a direct call ends there
 * — the tail call through a register in the function it called (`rip`: the bad target, `valueOf` the dump's
 * registers, to choose among several jumps); or a short reason.
 */
export function callBefore(
  df: DebugFile,
  caller: Frame,
  rip: bigint | null = null,
  valueOf: RegisterValueOf = () => null,
): CallSite | string {
  if (!caller.function || caller.offset === null) return 'the first trace entry names no function';
  const at = codeAt(df, caller);
  if (typeof at === 'string') return at;
  const { section, offset: end } = at;
  return guarded(() => {
    const start = Math.max(0, end - WINDOW);
    const bytes = Uint8Array.from(df.elf.readSectionRange(section, start, end - start));
    const site = (call: DecodedAccess, k: number): CallSite => ({
      call,
      linear: df.space.inSection(section, end - k),
      function: caller.function!,
      offset: caller.offset! - k,
    });
    if (df.machine === EM_AARCH64) {
      // A64: fixed 4-byte instructions, the call is `blr xN` right before the return address.
      const d = decodeArm64AccessBytes(bytes.subarray(bytes.length - 4));
      if (d?.indirectCall) return site(d, 4);
      const callee = arm64DirectCallee(df, section, end, bytes);
      if (callee) return tailCall(df, caller, callee, 'bl', rip, valueOf);
      return `no blr ends at ${caller.function}+0x${caller.offset!.toString(16)}`;
    }
    const thunk = thunkCall(df, section, end, bytes);
    if (thunk) return site(thunk, CALL_REL32_LENGTH);
    for (const k of CALL_LENGTHS) {
      if (k > bytes.length) break;
      const d = decodeAccess(bytes.subarray(bytes.length - k));
      if (d && d.length === k && d.indirectCall) return site(d, k);
    }
    const callee =
      bytes[bytes.length - CALL_REL32_LENGTH] === CALL_REL32 ? directTarget(df, section, end) : null;
    if (callee) return tailCall(df, caller, callee, 'call', rip, valueOf);
    return `no indirect call ends at ${caller.function}+0x${caller.offset!.toString(16)}`;
  });
}

/** Functions longer than this are not scanned for their indirect jumps. */
const MAX_TAIL_SCAN = 1 << 16;

/**
 * The tail call through a register in `callee` (called directly at the return address `caller`): its one
 * indirect jump — `jmp *%rax`, `jmp *0x60(%rdi)`, `jmp __x86_indirect_thunk_rax`, `br x1` — or, of several,
 * the one whose register holds `rip`; else a short reason.
 */
function tailCall(
  df: DebugFile,
  caller: Frame,
  callee: string,
  call: string,
  rip: bigint | null,
  valueOf: RegisterValueOf,
): CallSite | string {
  const from = `${caller.function}+0x${caller.offset!.toString(16)}`;
  const at = codeAt(df, { function: callee, offset: 0, size: null });
  if (typeof at === 'string') return `the return address ${from} follows \`${call} ${callee}\`: ${at}`;
  const size = df.lookupSymbol(callee, 0, null).symbol?.size ?? 0;
  if (!(size > 0 && size <= MAX_TAIL_SCAN)) return `${callee} (called before ${from}) is too large to scan`;
  const code = Uint8Array.from(
    df.elf.readSectionRange(at.section, at.offset, Math.min(size, at.section.size - at.offset)),
  );
  const jumps = df.machine === EM_AARCH64 ? arm64Jumps(code) : x86Jumps(df, at.section, at.offset, code);
  if (typeof jumps === 'string') return `${callee} (called before ${from}): ${jumps}`;
  // The jump left the registers as they were: one through a register holding another value is not it.
  const fits = jumps.filter((j) => {
    const v = j.call.target ? valueOf(j.call.target) : null;
    return rip === null || v === null || v === rip;
  });
  const what = `the return address ${from} follows \`${call} ${callee}\`, a direct call`;
  if (fits.length === 0) return `${what}, and ${callee} has no indirect jump through a register holding RIP`;
  if (fits.length > 1)
    return `${what}; ${callee} has ${fits.length} indirect jumps that could be the tail call (${fits.map((j) => `+0x${j.offset.toString(16)}`).join(', ')})`;
  const j = fits[0];
  return {
    call: j.call,
    linear: df.space.inSection(at.section, at.offset + j.offset),
    function: callee,
    offset: j.offset,
    tailCallFrom: { function: caller.function!, offset: caller.offset!, text: `${call} ${callee}` },
  };
}

/** x86: every indirect jump of the function (`jmp *…`, a retpoline `jmp __x86_indirect_thunk_*`). */
function x86Jumps(
  df: DebugFile,
  section: ElfSection,
  start: number,
  code: Uint8Array,
): { offset: number; call: DecodedAccess }[] | string {
  const out: { offset: number; call: DecodedAccess }[] = [];
  for (let at = 0; at < code.length;) {
    const x = decodeX86Instruction(code.subarray(at), at);
    // Padding or data after the last instruction ends the scan; what was read is what there is.
    if (!x) break;
    if (x.flow === 'indirect-branch') out.push({ offset: at, call: accessOf(x, code.subarray(at)) });
    else if (code[at] === JMP_REL32 && x.length === CALL_REL32_LENGTH) {
      const end = start + at + CALL_REL32_LENGTH;
      const thunk = thunkCall(df, section, end, code.subarray(at, at + CALL_REL32_LENGTH), 'jmp');
      if (thunk) out.push({ offset: at, call: thunk });
    }
    at += x.length;
  }
  return out;
}

/** arm64: every `br xN` of the function (fixed 4-byte instructions). */
function arm64Jumps(code: Uint8Array): { offset: number; call: DecodedAccess }[] {
  const out: { offset: number; call: DecodedAccess }[] = [];
  for (let at = 0; at + 4 <= code.length; at += 4) {
    const d = decodeArm64AccessBytes(code.subarray(at, at + 4));
    if (d && d.kind === 'exec' && !d.indirectCall && d.text.startsWith('br '))
      out.push({ offset: at, call: d });
  }
  return out;
}

/**
 * The function a `call rel32` ending at `end` calls: a `.ko` names an external one in a relocation; a call
 * inside the same section (and vmlinux's every call) is resolved by its displacement.
 */
function directTarget(df: DebugFile, section: ElfSection, end: number): string | null {
  const named = df.isRelocatable ? relocatedFunctionAt(df, section, end - 4) : undefined;
  if (named !== undefined) return named;
  const rel = df.elf.readSectionRange(section, end - 4, 4).readInt32LE(0);
  return functionAt(df, section, end + rel);
}

/** The function starting at byte `offset` of `section` (an address in vmlinux, an offset in a `.ko`). */
function functionAt(df: DebugFile, section: ElfSection, offset: number): string | null {
  const s = df.isRelocatable
    ? df.symbolAt({ section: section.name, offset })
    : df.symbolAt((section.addr + BigInt(offset)) & MASK64);
  return s && s.offset === 0 ? s.symbol.name : null;
}

/** The callee of an arm64 `bl` ending at `end`, or null when the word there is no `bl`. */
function arm64DirectCallee(
  df: DebugFile,
  section: ElfSection,
  end: number,
  bytes: Uint8Array,
): string | null {
  const w = new DataView(bytes.buffer, bytes.byteOffset + bytes.length - 4, 4).getUint32(0, true);
  if ((w & 0xfc000000) >>> 0 !== BL) return null;
  const named = df.isRelocatable ? relocatedFunctionAt(df, section, end - 4) : undefined;
  if (named !== undefined) return named;
  const imm = ((w & 0x03ffffff) << 6) >> 6; // sign-extended imm26
  return functionAt(df, section, end - 4 + imm * 4);
}

/**
 * The function a relocation at `offset` of `section` names; null when it names a section (symbol + addend,
 * not followed), undefined when no relocation applies there (the displacement in the bytes is final).
 */
function relocatedFunctionAt(df: DebugFile, section: ElfSection, offset: number): string | null | undefined {
  const name = relocatedSymbolAt(df.elf, section, offset);
  if (name === null) return undefined;
  return name && !name.startsWith('.') ? name : null;
}

/**
 * `call __x86_indirect_thunk_rax` ending at byte `end` of `section` as an indirect call through RAX; null
 * when the 5 bytes before `end` are no call to a retpoline thunk. A `.ko` names the callee in a relocation
 * (the bytes are `e8 00 00 00 00`), vmlinux by the resolved target.
 */
function thunkCall(
  df: DebugFile,
  section: ElfSection,
  end: number,
  bytes: Uint8Array,
  kind: 'call' | 'jmp' = 'call',
): DecodedAccess | null {
  if (bytes.length < CALL_REL32_LENGTH) return null;
  const call = bytes.subarray(bytes.length - CALL_REL32_LENGTH);
  if (call[0] !== (kind === 'call' ? CALL_REL32 : JMP_REL32)) return null;
  let callee: string | null;
  if (df.isRelocatable) callee = relocatedSymbolAt(df.elf, section, end - 4);
  else {
    const rel = new DataView(call.buffer, call.byteOffset + 1, 4).getInt32(0, true);
    const target = (section.addr + BigInt(end + rel)) & MASK64;
    const s = df.symbolAt(target);
    callee = s && s.offset === 0 ? s.symbol.name : null;
  }
  const register = THUNK.exec(callee ?? '')?.[1]?.toUpperCase();
  if (!register || !X86_64_GPRS.includes(register)) return null;
  return {
    text: `${kind} ${callee}`,
    length: CALL_REL32_LENGTH,
    bytes: call.slice(),
    kind: 'exec',
    size: null,
    memory: null,
    target: register,
    indirectCall: kind === 'call',
    otherOperands: 0,
    retpoline: true,
  };
}
