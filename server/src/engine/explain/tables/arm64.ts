// arm64 architectural knowledge as tables. Each names the kernel source it follows.

import type { BitField } from './bits';

/** PSTATE bits as __show_regs prints them: arch/arm64/include/uapi/asm/ptrace.h (PSR_*) and arch/arm64/kernel/process.c (print_pstate). */
export const PSTATE_BITS: readonly BitField[] = [
  {
    bit: 0,
    width: 4,
    name: 'M',
    meaning: 'exception level and stack pointer select (EL0t, EL1t, EL1h, EL2t, EL2h)',
  },
  { bit: 4, name: 'nRW', meaning: 'AArch32 state (a 32-bit task)' },
  { bit: 6, name: 'F', meaning: 'FIQ masked' },
  { bit: 7, name: 'I', meaning: 'IRQ masked: interrupts were disabled', whenClear: 'IRQs were enabled' },
  { bit: 8, name: 'A', meaning: 'SError (asynchronous abort) masked' },
  { bit: 9, name: 'D', meaning: 'debug exceptions masked' },
  { bit: 10, width: 2, name: 'BTYPE', meaning: 'branch type for BTI (00 = none, printed `--`)' },
  { bit: 12, name: 'SSBS', meaning: 'speculative store bypass safe' },
  { bit: 20, name: 'IL', meaning: 'illegal execution state' },
  { bit: 21, name: 'SS', meaning: 'software step' },
  {
    bit: 22,
    name: 'PAN',
    meaning: 'privileged access never: the kernel cannot touch user memory outside uaccess helpers',
  },
  { bit: 23, name: 'UAO', meaning: 'user access override' },
  { bit: 24, name: 'DIT', meaning: 'data-independent timing' },
  { bit: 25, name: 'TCO', meaning: 'MTE tag check override (tag checks suppressed)' },
  { bit: 28, name: 'V', meaning: 'overflow flag' },
  { bit: 29, name: 'C', meaning: 'carry flag' },
  { bit: 30, name: 'Z', meaning: 'zero flag' },
  { bit: 31, name: 'N', meaning: 'negative flag' },
];

/** PSTATE.M values: arch/arm64/include/uapi/asm/ptrace.h (PSR_MODE_*). */
export const PSTATE_MODES: Readonly<Record<number, string>> = {
  0x0: 'EL0t (user space)',
  0x4: 'EL1t (kernel, SP_EL0 stack)',
  0x5: 'EL1h (kernel, SP_EL1 stack)',
  0x8: 'EL2t (hypervisor, SP_EL0 stack)',
  0x9: 'EL2h (hypervisor, SP_EL2 stack)',
  0xc: 'EL3t',
  0xd: 'EL3h',
};

/** x0–x30 roles: the AAPCS64 procedure-call standard and the syscall ABI (arch/arm64/kernel/syscall.c). */
export function arm64RegisterRole(reg: string): string | undefined {
  const r = reg.toLowerCase();
  if (r === 'pc') return 'program counter: the instruction that faulted';
  if (r === 'lr' || r === 'x30')
    return "link register: the return address, i.e. the caller (a leaf function's caller shows only here)";
  if (r === 'sp') return 'stack pointer';
  if (r === 'x29') return 'frame pointer';
  const m = /^x(\d{1,2})$/.exec(r);
  if (!m) return undefined;
  const n = Number(m[1]);
  if (n === 0) return '1st argument and return value (also the 1st syscall argument)';
  if (n >= 1 && n <= 7)
    return `${ordinal(n + 1)} argument (also the ${ordinal(n + 1)} syscall argument up to x5)`;
  if (n === 8) return 'indirect result location; holds the syscall number on syscall entry';
  if (n >= 9 && n <= 15) return 'temporary (caller-saved scratch)';
  if (n === 16 || n === 17) return `IP${n - 16}: intra-procedure-call scratch (veneers, PLTs)`;
  if (n === 18)
    return 'platform register: the shadow call stack pointer with CONFIG_SHADOW_CALL_STACK, otherwise scratch';
  if (n >= 19 && n <= 28) return 'callee-saved (preserved across calls)';
  return undefined;
}

function ordinal(n: number): string {
  return n === 1 ? '1st' : n === 2 ? '2nd' : n === 3 ? '3rd' : `${n}th`;
}

/** ESR_ELx layout: arch/arm64/include/asm/esr.h (ESR_ELx_EC_SHIFT 26, ESR_ELx_IL bit 25, ISS 24:0, ISS2 55:32). */
export const ESR_FIELDS = {
  EC: { bit: 26, width: 6, name: 'EC', meaning: 'exception class' },
  IL: {
    bit: 25,
    name: 'IL',
    meaning: '32-bit instruction',
    whenClear: '16-bit instruction / not applicable',
  },
  ISS: { bit: 0, width: 25, name: 'ISS', meaning: 'instruction-specific syndrome' },
  ISS2: { bit: 32, width: 24, name: 'ISS2', meaning: 'extra syndrome' },
} as const satisfies Record<string, BitField>;

/** Exception classes: arch/arm64/include/asm/esr.h (ESR_ELx_EC_*), names as arch/arm64/kernel/traps.c (esr_class_str) prints them. */
export const ESR_CLASSES: Readonly<Record<number, { id: string; name: string }>> = {
  0x00: { id: 'UNKNOWN', name: 'Unknown/Uncategorized' },
  0x01: { id: 'WFx', name: 'WFI/WFE' },
  0x03: { id: 'CP15_32', name: 'CP15 MCR/MRC' },
  0x04: { id: 'CP15_64', name: 'CP15 MCRR/MRRC' },
  0x05: { id: 'CP14_MR', name: 'CP14 MCR/MRC' },
  0x06: { id: 'CP14_LS', name: 'CP14 LDC/STC' },
  0x07: { id: 'FP_ASIMD', name: 'ASIMD' },
  0x08: { id: 'CP10_ID', name: 'CP10 MRC/VMRS' },
  0x09: { id: 'PAC', name: 'PAC' },
  0x0c: { id: 'CP14_64', name: 'CP14 MCRR/MRRC' },
  0x0d: { id: 'BTI', name: 'BTI' },
  0x0e: { id: 'ILL', name: 'PSTATE.IL' },
  0x11: { id: 'SVC32', name: 'SVC (AArch32)' },
  0x12: { id: 'HVC32', name: 'HVC (AArch32)' },
  0x13: { id: 'SMC32', name: 'SMC (AArch32)' },
  0x15: { id: 'SVC64', name: 'SVC (AArch64)' },
  0x16: { id: 'HVC64', name: 'HVC (AArch64)' },
  0x17: { id: 'SMC64', name: 'SMC (AArch64)' },
  0x18: { id: 'SYS64', name: 'MSR/MRS (AArch64)' },
  0x19: { id: 'SVE', name: 'SVE' },
  0x1a: { id: 'ERET', name: 'ERET/ERETAA/ERETAB' },
  0x1c: { id: 'FPAC', name: 'FPAC' },
  0x1d: { id: 'SME', name: 'SME' },
  0x1f: { id: 'IMP_DEF', name: 'EL3 IMP DEF' },
  0x20: { id: 'IABT_LOW', name: 'IABT (lower EL)' },
  0x21: { id: 'IABT_CUR', name: 'IABT (current EL)' },
  0x22: { id: 'PC_ALIGN', name: 'PC Alignment' },
  0x24: { id: 'DABT_LOW', name: 'DABT (lower EL)' },
  0x25: { id: 'DABT_CUR', name: 'DABT (current EL)' },
  0x26: { id: 'SP_ALIGN', name: 'SP Alignment' },
  0x27: { id: 'MOPS', name: 'MOPS' },
  0x28: { id: 'FP_EXC32', name: 'FP (AArch32)' },
  0x2c: { id: 'FP_EXC64', name: 'FP (AArch64)' },
  0x2d: { id: 'GCS', name: 'Guarded Control Stack' },
  0x2f: { id: 'SERROR', name: 'SError' },
  0x30: { id: 'BREAKPT_LOW', name: 'Breakpoint (lower EL)' },
  0x31: { id: 'BREAKPT_CUR', name: 'Breakpoint (current EL)' },
  0x32: { id: 'SOFTSTP_LOW', name: 'Software Step (lower EL)' },
  0x33: { id: 'SOFTSTP_CUR', name: 'Software Step (current EL)' },
  0x34: { id: 'WATCHPT_LOW', name: 'Watchpoint (lower EL)' },
  0x35: { id: 'WATCHPT_CUR', name: 'Watchpoint (current EL)' },
  0x38: { id: 'BKPT32', name: 'BKPT (AArch32)' },
  0x3a: { id: 'VECTOR32', name: 'Vector catch (AArch32)' },
  0x3c: { id: 'BRK64', name: 'BRK (AArch64)' },
};

/** Data/instruction-abort ISS bits: arch/arm64/include/asm/esr.h (ESR_ELx_ISV, _SAS, _SSE, _SRT, _SF, _AR, _SET, _FnV, _EA, _CM, _S1PTW, _WNR, _FSC). */
export const ABORT_ISS_FIELDS: readonly BitField[] = [
  { bit: 24, name: 'ISV', meaning: 'syndrome fields SAS/SSE/SRT/SF/AR are valid' },
  { bit: 22, width: 2, name: 'SAS', meaning: 'access size (0 byte, 1 halfword, 2 word, 3 doubleword)' },
  { bit: 21, name: 'SSE', meaning: 'sign-extended load' },
  { bit: 16, width: 5, name: 'SRT', meaning: 'register number of the load/store' },
  { bit: 15, name: 'SF', meaning: '64-bit register' },
  { bit: 14, name: 'AR', meaning: 'acquire/release semantics' },
  { bit: 11, width: 2, name: 'SET', meaning: 'synchronous error type' },
  { bit: 10, name: 'FnV', meaning: 'FAR is not valid' },
  { bit: 9, name: 'EA', meaning: 'external abort' },
  { bit: 8, name: 'CM', meaning: 'fault on a cache maintenance instruction' },
  { bit: 7, name: 'S1PTW', meaning: 'fault on a stage-2 walk for a stage-1 translation' },
  { bit: 6, name: 'WnR', meaning: 'write access', whenClear: 'read access' },
  { bit: 0, width: 6, name: 'DFSC', meaning: 'fault status code' },
];

/** Fault status code names: arch/arm64/mm/fault.c (fault_info[], v6.x). */
export const FSC_NAMES: readonly string[] = (() => {
  const names: string[] = [];
  for (let i = 0; i < 64; i++) names.push(`unknown ${i}`);
  const set = (i: number, n: string) => (names[i] = n);
  set(0, 'ttbr address size fault');
  set(1, 'level 1 address size fault');
  set(2, 'level 2 address size fault');
  set(3, 'level 3 address size fault');
  for (let l = 0; l < 4; l++) {
    set(4 + l, `level ${l} translation fault`);
    set(8 + l, `level ${l} access flag fault`);
    set(12 + l, `level ${l} permission fault`);
    set(20 + l, `level ${l} (translation table walk)`);
    set(28 + l, `level ${l} synchronous parity error (translation table walk)`);
  }
  set(16, 'synchronous external abort');
  set(17, 'synchronous tag check fault');
  set(19, 'level -1 (translation table walk)');
  set(24, 'synchronous parity or ECC error');
  set(27, 'level -1 synchronous parity error (translation table walk)');
  set(33, 'alignment fault');
  set(35, 'unknown 35');
  set(41, 'level -1 translation fault');
  set(43, 'level -1 address size fault');
  set(48, 'TLB conflict abort');
  set(49, 'Unsupported atomic hardware update fault');
  set(52, 'implementation fault (lockdown abort)');
  set(53, 'implementation fault (unsupported exclusive)');
  set(61, 'section domain fault');
  set(62, 'page domain fault');
  return names;
})();

/** What a fault-status group means for the investigation. */
export function fscMeaning(fsc: number): string | undefined {
  if (fsc >= 4 && fsc <= 7)
    return 'no valid mapping at this table level: the address is not mapped (NULL, freed, wild pointer)';
  if (fsc === 41) return 'no valid mapping (level -1, 52-bit VA)';
  if (fsc >= 8 && fsc <= 11) return 'access flag not set (normally handled silently; unexpected in an oops)';
  if (fsc >= 12 && fsc <= 15)
    return 'mapped but the access is not permitted (write to read-only, execute non-executable, PAN)';
  if (fsc === 16 || (fsc >= 20 && fsc <= 23) || fsc === 19)
    return 'an external abort from the memory system: suspect hardware, firmware or a device mapping';
  if (fsc === 17)
    return 'MTE tag mismatch: a use-after-free or out-of-bounds access caught by memory tagging';
  if (fsc === 33) return 'misaligned access';
  return undefined;
}

/** BRK immediates the kernel uses: arch/arm64/include/asm/brk-imm.h. */
export function brkImmediateMeaning(imm: number): string | undefined {
  if (imm === 0x004) return 'uprobes';
  if (imm === 0x005) return 'kprobes';
  if (imm === 0x006) return 'kretprobe/uprobe trampoline';
  if (imm === 0x100) return 'FAULT_BRK_IMM (fault injection / unreachable)';
  if (imm === 0x400 || imm === 0x401) return 'KGDB breakpoint';
  if (imm === 0x800) return 'BUG_BRK_IMM: a BUG()/BUG_ON() (or WARN, which resumes)';
  if ((imm & ~0xff) === 0x900) return 'KASAN_BRK_IMM: a software-tag KASAN report';
  if ((imm & ~0xff) === 0x5500) return 'UBSAN_BRK_IMM: an UBSAN trap';
  if ((imm & ~0xff) === 0x8000 || (imm & ~0x3ff) === 0x8000)
    return 'CFI_BRK_IMM: a kCFI indirect-call type mismatch';
  return undefined;
}

/** The marks after an arm64 call-trace entry (v6.13+), `func+0x1/0x2 (PF)`: arch/arm64/kernel/stacktrace.c
 *  (state_source_string: where the unwinder took the entry from; dump_backtrace_entry adds `F` and `K`
 *  from union unwind_flags). An entry read from an ordinary frame record has no marks. */
export const UNWIND_MARK_MEANINGS: Readonly<Record<string, string>> = {
  C: "`C` — the caller's return address: the unwind started in the function that asked for the trace",
  T: "`T` — a blocked task's saved PC (its `cpu_context`): where that task was switched out",
  P: "`P` — the PC saved in an exception frame (`pt_regs`): the instruction the exception interrupted; the entry after it comes from the interrupted code's frame records, so a leaf function that kept its return address only in LR may be missing",
  U: '`U` — the unwinder does not know where this entry came from',
  F: '`F` — the return address was rewritten by the ftrace function-graph tracer and restored from its return stack',
  K: '`K` — the return address was rewritten by a kretprobe and restored from its trampoline',
};

/** One sentence per mark of `marks` (`PF` → the P and F meanings). */
export function unwindMarkMeanings(marks: string): string[] {
  return [...marks].map((c) => UNWIND_MARK_MEANINGS[c]).filter((s): s is string => s !== undefined);
}
