// A call through a NULL (or bad) function pointer: the CPU faulted fetching the target, so RIP is the bad
// target (`RIP: 0010:0x0`) and names no code. The instruction to explain is the indirect call just before the
// first trace entry's return address, found in the debug file: `call *%rax`, `call *0x60(%rax)`, or — with
// retpolines — `call __x86_indirect_thunk_rax`, an indirect call through RAX; arm64 `blr x0` before lr.
import type { Frame } from '../model';
import type { DebugFile } from '../symbolize';
import { codeAt, guarded } from './codeAt';
import type { ElfSection } from '../symbolize/elf/elfFile';
import { relocatedSymbolAt } from '../symbolize/elf/relocations';
import { decodeArm64AccessBytes } from './arm64';
import { decodeAccess, X86_64_GPRS, type DecodedAccess } from './instruction';

const EM_AARCH64 = 183;
/** Indirect call encodings end at the return address: `call *%rax` (2), `*%r11` (3), `*0x8(%rax)` (3), … */
const CALL_LENGTHS = [2, 3, 4, 5, 6, 7, 8];
const WINDOW = 16;
/** `call rel32`: a direct call, to a retpoline thunk when the callee says so. */
const CALL_REL32 = 0xe8;
const CALL_REL32_LENGTH = 5;
/** arch/x86/lib/retpoline.S: one thunk per register, `__x86_indirect_thunk_rax` … `_r15`. */
const THUNK = /^__x86_indirect_thunk_(r[a-z0-9]+)$/;

export interface CallSite {
  call: DecodedAccess;
  /** Linear address of the call instruction in the file (the DWARF steps look there). */
  linear: number;
  /** Where the call instruction is: `call_fn+0xc`. */
  function: string;
  offset: number;
}

/** The indirect call ending at the return address `caller` (a trace entry), or a short reason. */
export function callBefore(df: DebugFile, caller: Frame): CallSite | string {
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
      return `no blr ends at ${caller.function}+0x${caller.offset!.toString(16)}`;
    }
    const thunk = thunkCall(df, section, end, bytes);
    if (thunk) return site(thunk, CALL_REL32_LENGTH);
    for (const k of CALL_LENGTHS) {
      if (k > bytes.length) break;
      const d = decodeAccess(bytes.subarray(bytes.length - k));
      if (d && d.length === k && d.indirectCall) return site(d, k);
    }
    return `no indirect call ends at ${caller.function}+0x${caller.offset!.toString(16)}`;
  });
}

/**
 * `call __x86_indirect_thunk_rax` ending at byte `end` of `section` as an indirect call through RAX; null
 * when the 5 bytes before `end` are no call to a retpoline thunk. A `.ko` names the callee in a relocation
 * (the bytes are `e8 00 00 00 00`), vmlinux by the resolved target.
 */
function thunkCall(df: DebugFile, section: ElfSection, end: number, bytes: Uint8Array): DecodedAccess | null {
  if (bytes.length < CALL_REL32_LENGTH) return null;
  const call = bytes.subarray(bytes.length - CALL_REL32_LENGTH);
  if (call[0] !== CALL_REL32) return null;
  let callee: string | null;
  if (df.isRelocatable) callee = relocatedSymbolAt(df.elf, section, end - 4);
  else {
    const rel = new DataView(call.buffer, call.byteOffset + 1, 4).getInt32(0, true);
    const target = (section.addr + BigInt(end + rel)) & ((1n << 64n) - 1n);
    const s = df.symbolAt(target);
    callee = s && s.offset === 0 ? s.symbol.name : null;
  }
  const register = THUNK.exec(callee ?? '')?.[1]?.toUpperCase();
  if (!register || !X86_64_GPRS.includes(register)) return null;
  return {
    text: `call ${callee}`,
    length: CALL_REL32_LENGTH,
    bytes: call.slice(),
    kind: 'exec',
    size: null,
    memory: null,
    target: register,
    indirectCall: true,
    otherOperands: 0,
    retpoline: true,
  };
}
