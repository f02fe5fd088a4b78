// x86 / x86_64 architectural knowledge as tables. Each names the kernel header it follows.

import type { BitField } from './bits';

/** RFLAGS bits: arch/x86/include/uapi/asm/processor-flags.h (X86_EFLAGS_*). */
export const EFLAGS_BITS: readonly BitField[] = [
  { bit: 0, name: 'CF', meaning: 'carry flag' },
  { bit: 1, name: 'FIXED', meaning: 'bit 1 is always 1' },
  { bit: 2, name: 'PF', meaning: 'parity flag (low byte of the last result has even parity)' },
  { bit: 4, name: 'AF', meaning: 'auxiliary carry flag' },
  { bit: 6, name: 'ZF', meaning: 'zero flag (last result was zero)' },
  { bit: 7, name: 'SF', meaning: 'sign flag (last result was negative)' },
  { bit: 8, name: 'TF', meaning: 'trap flag: single-stepping' },
  {
    bit: 9,
    name: 'IF',
    meaning: 'interrupts were enabled',
    whenClear:
      'IF=0: interrupts were disabled (inside spin_lock_irqsave, an interrupt handler, or early entry code)',
  },
  { bit: 10, name: 'DF', meaning: 'direction flag: string instructions count down' },
  { bit: 11, name: 'OF', meaning: 'overflow flag' },
  { bit: 12, width: 2, name: 'IOPL', meaning: 'I/O privilege level' },
  { bit: 14, name: 'NT', meaning: 'nested task' },
  {
    bit: 16,
    name: 'RF',
    meaning:
      'resume flag: suppresses instruction breakpoints on return (set by the CPU when it delivers a fault)',
  },
  { bit: 17, name: 'VM', meaning: 'virtual-8086 mode' },
  { bit: 18, name: 'AC', meaning: 'alignment check / SMAP override: user-memory access was allowed (stac)' },
  { bit: 19, name: 'VIF', meaning: 'virtual interrupt flag' },
  { bit: 20, name: 'VIP', meaning: 'virtual interrupt pending' },
  { bit: 21, name: 'ID', meaning: 'CPUID available' },
];

/** CR0 bits: arch/x86/include/uapi/asm/processor-flags.h (X86_CR0_*). */
export const CR0_BITS: readonly BitField[] = [
  { bit: 0, name: 'PE', meaning: 'protected mode enabled' },
  { bit: 1, name: 'MP', meaning: 'monitor coprocessor' },
  { bit: 2, name: 'EM', meaning: 'x87 emulation' },
  { bit: 3, name: 'TS', meaning: 'task switched (lazy FPU state)' },
  { bit: 4, name: 'ET', meaning: 'extension type (always 1)' },
  { bit: 5, name: 'NE', meaning: 'native x87 error reporting' },
  {
    bit: 16,
    name: 'WP',
    meaning: 'write protect: the kernel cannot write read-only pages',
    whenClear: 'WP=0: kernel writes to read-only pages are allowed (unusual)',
  },
  { bit: 18, name: 'AM', meaning: 'alignment mask (alignment checking possible)' },
  { bit: 29, name: 'NW', meaning: 'not write-through' },
  { bit: 30, name: 'CD', meaning: 'cache disabled' },
  { bit: 31, name: 'PG', meaning: 'paging enabled' },
];

/** CR4 bits: arch/x86/include/uapi/asm/processor-flags.h (X86_CR4_*_BIT). */
export const CR4_BITS: readonly BitField[] = [
  { bit: 0, name: 'VME', meaning: 'virtual-8086 mode extensions' },
  { bit: 1, name: 'PVI', meaning: 'protected-mode virtual interrupts' },
  { bit: 2, name: 'TSD', meaning: 'RDTSC restricted to ring 0' },
  { bit: 3, name: 'DE', meaning: 'debugging extensions' },
  { bit: 4, name: 'PSE', meaning: 'page size extensions' },
  { bit: 5, name: 'PAE', meaning: 'physical address extension' },
  { bit: 6, name: 'MCE', meaning: 'machine check exceptions enabled' },
  { bit: 7, name: 'PGE', meaning: 'global pages enabled' },
  { bit: 8, name: 'PCE', meaning: 'RDPMC allowed in user mode' },
  { bit: 9, name: 'OSFXSR', meaning: 'FXSAVE/FXRSTOR supported by the OS' },
  { bit: 10, name: 'OSXMMEXCPT', meaning: 'unmasked SIMD FP exceptions' },
  { bit: 11, name: 'UMIP', meaning: 'user-mode instruction prevention (SGDT, SIDT… fault in user mode)' },
  { bit: 12, name: 'LA57', meaning: '5-level paging (57-bit virtual addresses)' },
  { bit: 13, name: 'VMXE', meaning: 'VMX enabled (a hypervisor such as KVM is active)' },
  { bit: 14, name: 'SMXE', meaning: 'safer mode extensions' },
  { bit: 16, name: 'FSGSBASE', meaning: 'RDFSBASE/WRFSBASE instructions enabled' },
  { bit: 17, name: 'PCIDE', meaning: 'process-context identifiers enabled (CR3 low bits are a PCID)' },
  { bit: 18, name: 'OSXSAVE', meaning: 'XSAVE enabled' },
  { bit: 19, name: 'KL', meaning: 'Key Locker enabled' },
  {
    bit: 20,
    name: 'SMEP',
    meaning: 'supervisor-mode execution prevention: the kernel cannot execute user pages',
  },
  {
    bit: 21,
    name: 'SMAP',
    meaning:
      'supervisor-mode access prevention: the kernel cannot touch user pages outside copy_{to,from}_user',
  },
  { bit: 22, name: 'PKE', meaning: 'protection keys for user pages' },
  { bit: 23, name: 'CET', meaning: 'control-flow enforcement (shadow stacks / IBT)' },
  { bit: 24, name: 'PKS', meaning: 'protection keys for supervisor pages' },
  { bit: 28, name: 'LAM_SUP', meaning: 'linear address masking for supervisor pointers' },
  { bit: 32, name: 'FRED', meaning: 'flexible return and event delivery' },
];

/** CR3 fields: arch/x86/include/asm/processor-flags.h (X86_CR3_*) and arch/x86/mm/tlb.c (PTI PCIDs). */
export const CR3_FIELDS: readonly BitField[] = [
  {
    bit: 0,
    width: 12,
    name: 'PCID',
    meaning: 'process-context id (meaningful when CR4.PCIDE=1; with PTI bit 11 marks the user half)',
  },
  { bit: 12, width: 40, name: 'PGD', meaning: 'physical page frame of the top-level page table (PGD)' },
  { bit: 61, name: 'LAM_U57', meaning: 'linear address masking for user pointers, 57-bit' },
  { bit: 62, name: 'LAM_U48', meaning: 'linear address masking for user pointers, 48-bit' },
  { bit: 63, name: 'NOFLUSH', meaning: 'do not flush the TLB entries of this PCID on the write' },
];
/** With PTI the user copy of the PGD is the next page (PTI_USER_PGTABLE_BIT = PAGE_SHIFT, arch/x86/entry/calling.h). */
export const CR3_PTI_USER_PGTABLE_BIT = 12;
/** X86_CR3_PTI_PCID_USER_BIT (arch/x86/include/asm/processor-flags.h). */
export const CR3_PTI_PCID_USER_BIT = 11;

/** Page-fault error code bits: arch/x86/include/asm/trap_pf.h (enum x86_pf_error_code). */
export const PF_ERROR_BITS: readonly BitField[] = [
  {
    bit: 0,
    name: 'PROT',
    meaning: 'protection violation on a present page',
    whenClear: 'the page was not present (no mapping)',
  },
  { bit: 1, name: 'WRITE', meaning: 'write access', whenClear: 'read access' },
  { bit: 2, name: 'USER', meaning: 'user-mode access', whenClear: 'kernel-mode access' },
  { bit: 3, name: 'RSVD', meaning: 'reserved bit set in a page-table entry (corrupted page table)' },
  { bit: 4, name: 'INSTR', meaning: 'instruction fetch (executing a non-executable or unmapped page)' },
  { bit: 5, name: 'PK', meaning: 'protection-key violation' },
  { bit: 6, name: 'SHSTK', meaning: 'shadow-stack access' },
  { bit: 15, name: 'SGX', meaning: 'SGX EPCM violation' },
  { bit: 31, name: 'RMP', meaning: 'SEV-SNP RMP violation' },
];

export interface SelectorInfo {
  name: string;
  meaning: string;
}

/**
 * Well-known selectors: arch/x86/include/asm/segment.h (x86_64 GDT layout: GDT_ENTRY_KERNEL32_CS 1,
 * KERNEL_CS 2, KERNEL_DS 3, DEFAULT_USER32_CS 4, DEFAULT_USER_DS 5, DEFAULT_USER_CS 6, CPUNODE 15;
 * the i386 layout: KERNEL_CS 12, KERNEL_DS 13, DEFAULT_USER_CS 14, DEFAULT_USER_DS 15, PERCPU 27, STACK_CANARY 28).
 */
export const X86_64_SELECTORS: Readonly<Record<number, SelectorInfo>> = {
  0x0000: { name: 'null selector', meaning: 'no segment (normal for DS/ES/FS/GS in 64-bit mode)' },
  0x0008: { name: '__KERNEL32_CS', meaning: 'kernel 32-bit code (used only during boot)' },
  0x0010: { name: '__KERNEL_CS', meaning: 'kernel code: the CPU was running kernel code (ring 0)' },
  0x0018: { name: '__KERNEL_DS', meaning: 'kernel data/stack: the stack was a kernel stack (ring 0)' },
  0x0023: { name: '__USER32_CS', meaning: 'user 32-bit code (compat mode, ring 3)' },
  0x002b: { name: '__USER_DS', meaning: 'user data/stack (ring 3)' },
  0x0033: { name: '__USER_CS', meaning: 'user 64-bit code: the CPU was running user space (ring 3)' },
  0x007b: { name: '__CPUNODE_SEG', meaning: 'per-CPU segment used by vgetcpu (ring 3)' },
};
export const I386_SELECTORS: Readonly<Record<number, SelectorInfo>> = {
  0x0060: { name: '__KERNEL_CS', meaning: 'kernel code (i386, ring 0)' },
  0x0068: { name: '__KERNEL_DS', meaning: 'kernel data (i386, ring 0)' },
  0x0073: { name: '__USER_CS', meaning: 'user code (i386, ring 3)' },
  0x007b: { name: '__USER_DS', meaning: 'user data (i386, ring 3)' },
  0x00d8: { name: '__KERNEL_PERCPU', meaning: 'kernel per-CPU segment (i386)' },
  0x00e0: {
    name: '__KERNEL_STACK_CANARY',
    meaning: 'stack-protector canary segment (i386, GDT_ENTRY_STACK_CANARY 28)',
  },
};

/**
 * x86_64 register roles: the System V AMD64 psABI calling convention, plus the syscall convention the
 * kernel's entry code follows (arch/x86/entry/entry_64.S, arch/x86/entry/calling.h).
 */
export const X86_64_REGISTER_ROLES: Readonly<Record<string, string>> = {
  RAX: 'return value; on syscall entry the syscall number, then -ENOSYS until the syscall runs',
  RBX: 'callee-saved (preserved across calls): often holds a pointer the function keeps using',
  RCX: '4th argument (function calls); after SYSCALL it holds the user RIP',
  RDX: '3rd argument; also the high half of a 128-bit return value',
  RSI: '2nd argument',
  RDI: '1st argument',
  RBP: 'frame pointer (CONFIG_FRAME_POINTER), otherwise callee-saved',
  RSP: 'stack pointer',
  R8: '5th argument',
  R9: '6th argument',
  R10: 'scratch; 4th argument of a syscall (RCX is clobbered by SYSCALL)',
  R11: 'scratch; after SYSCALL it holds the user RFLAGS',
  R12: 'callee-saved',
  R13: 'callee-saved',
  R14: 'callee-saved',
  R15: 'callee-saved',
  RIP: 'instruction pointer: the instruction that faulted (or the next one, for traps)',
  ORIG_RAX: 'the syscall number for syscalls; for exceptions the hardware error code; -1 for interrupts',
  EAX: 'return value (i386); syscall number on syscall entry',
  EBX: 'callee-saved (i386); 1st syscall argument',
  ECX: 'scratch (i386); 2nd syscall argument',
  EDX: 'scratch (i386); 3rd syscall argument',
  ESI: 'callee-saved (i386); 4th syscall argument',
  EDI: 'callee-saved (i386); 5th syscall argument',
  EBP: 'frame pointer (i386); 6th syscall argument',
  ESP: 'stack pointer (i386)',
  EIP: 'instruction pointer (i386)',
};

/** Segment/base registers printed by __show_regs (arch/x86/kernel/process_64.c). */
export const X86_64_SEGMENT_REGISTERS: Readonly<Record<string, string>> = {
  FS: 'FS base: user space uses it for thread-local storage (glibc TLS block of the current thread)',
  GS: "GS base: in the kernel it points at this CPU's per-CPU area",
  knlGS: 'the other GS base (swapped by SWAPGS): the user GS base while in the kernel',
  CS: 'code segment selector',
  DS: 'data segment selector (ignored in 64-bit mode)',
  ES: 'extra segment selector (ignored in 64-bit mode)',
  SS: 'stack segment selector',
  CR2: 'the faulting linear address of the last page fault',
  CR3: 'page-table base of the current address space (and the PCID)',
  DR0: 'debug address register 0 (hardware breakpoint address)',
  DR1: 'debug address register 1',
  DR2: 'debug address register 2',
  DR3: 'debug address register 3',
  DR6: 'debug status register',
  DR7: 'debug control register (which breakpoints are armed)',
  PKRU: 'protection-key rights for user pages',
};
