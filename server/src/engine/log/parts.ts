// Recognisers for the parts of a report, each a bounded regex over one prefix-stripped message.
// Formats come from arch/*/kernel/dumpstack.c / process.c / traps.c (show_regs, __show_regs),
// lib/dump_stack.c (dump_stack_print_info), kernel/module/main.c (print_modules), mm/oom_kill.c.

import type { Arch } from '../model';

/** `CPU: 0 PID: 115 Comm: init Tainted: G           OE      6.1.0-56-amd64 #1  Debian 6.1.192-2` (also `UID: 0`). */
export const CPU_LINE =
  /^CPU: (?<cpu>\d{1,5}) (?:UID: \d{1,10} )?PID: (?<pid>\d{1,10}) Comm: (?<comm>.{1,24}?) (?:Not tainted|Tainted: (?<tainted>[A-Z ]{1,40}?)) +(?<release>\S{1,100})(?: (?<build>#\S{1,40}.{0,200}?))?\s*$/;
/** Old form: `Pid: 1, comm: swapper Not tainted 2.6.32-5-amd64 #1 Hardware name`. */
export const OLD_PID_LINE =
  /^Pid: (?<pid>\d{1,10}), comm: (?<comm>.{1,24}?) (?:Not tainted|Tainted: (?<tainted>[A-Z ]{1,40}?)) +(?<release>\S{1,100})(?: (?<build>#\S{1,40}.{0,200}?))?\s*$/;
export const HARDWARE_LINE = /^Hardware name: (.{1,300}?)\s*$/;

/** Instruction-pointer lines, with the arch they reveal and where the symbol text starts. */
export const IP_LINES: readonly { re: RegExp; arch: Arch }[] = [
  { re: /^RIP: (?:[0-9a-f]{4}:)?(?:\[<[0-9a-f]{8,16}>\] {1,2})?/, arch: 'x86_64' },
  { re: /^EIP is at /, arch: 'i386' },
  { re: /^EIP: (?:[0-9a-f]{4}:)?(?:\[<[0-9a-f]{8}>\] )?/, arch: 'i386' },
  { re: /^pc : (?:\[<[0-9a-f]{8,16}>\] )?/, arch: 'arm64' },
  { re: /^PC is at /, arch: 'arm' },
  { re: /^NIP \[[0-9a-f]{8,16}\] /, arch: 'ppc64' },
  { re: /^Krnl PSW : [0-9a-f]{16} [0-9a-f]{16} \(/, arch: 's390x' },
  { re: /^epc : /, arch: 'riscv' },
];

/** Lines that belong to a register dump (x86, arm64, arm, ppc, s390, riscv). */
export const REGISTER_LINE =
  /^(?:R(?:AX|BX|CX|DX|SI|DI|BP|SP|1[0-5]|[89]|IP)|E(?:AX|BX|CX|DX|SI|DI|BP|SP|FLAGS)|FS|GS|CS|DS|ES|SS|CR[0-4]|DR[0-7]|ORIG_RAX|PKRU) ?:|^(?:x\d{1,2}|lr|sp|pstate|pc|fp|ip|r\d{1,2}|psr) ?: |^(?:sp|ra|gp|tp|t[0-6]|s\d{1,2}|a[0-7]) ?: [0-9a-f]{16}|^(?:GPR\d\d|NIP|MSR|CTR|LR|XER|CR|CFAR|DAR|DSISR|IRQMASK|TRAP|SOFTE|status|badaddr|cause|Krnl GPRS|Krnl Code|Krnl PSW|Flags|Control) ?:?|^ {0,3}(?:[0-9a-f]{16} ){3}[0-9a-f]{16}\s*$/;

/** One `NAME: value` pair inside a register line. */
export const REGISTER_PAIR = /\b([A-Za-z][A-Za-z0-9_]{0,7}) ?: ?((?:[0-9a-f]{4}:)?[0-9a-f]{4,16})\b/g;

export const CODE_LINE = /^Code: /;
/** Labels that open a stack trace. */
export const TRACE_LABEL =
  /^(Call Trace|Call trace|Backtrace|Stack|Exception stack|(?:Allocated|Freed) by task \d{1,10}(?: on cpu \d{1,5} at [\d.]{1,20}s)?|(?:Second to last p|Last p)otentially related work creation|-> #\d{1,3} \(.{1,200}|(?:stack )?backtrace|Stack trace)\b.{0,200}?:?\s*$/;
/** Where a stack starts, as syzkaller finds it (titles, guilty frames): unanchored, since interleaved output
 *  can precede it on the line. */
export const CALL_TRACE = /Call [Tt]race:?|^ {0,4}Backtrace:/;
export const MODULES_LINE = /^Modules linked in:(.{0,4000})$/;
/** `foo(OE)`: taint letters, then `+` while loading or `-` while unloading (kernel/module/main.c module_flags). */
export const MODULE_TOKEN = /([\w-]{1,64})(?:\(([A-Z]{0,20})[+-]?\))?/g;
/** `[last unloaded: foo(OE)]` closes the list and names a module that is no longer loaded. */
export const LAST_UNLOADED = /\s*\[last unloaded: [^\]]{0,80}\]\s*$/;

export const END_TRACE = /^---\[ end (?:trace [0-9a-f]{1,16}|Kernel panic - not syncing: .{0,300}) \]---/;
export const SEPARATOR = /^={20,}\s*$/;

/** kernel/panic.c __warn(): `WARNING: CPU: 0 PID: 1 at kernel/foo.c:12 func+0x1b/0x29 [mod]`, or `at func+…`
 *  without a file. The symbol is the last token of the header. */
export const HEADER_AT =
  / at (?:\S+:\d+ )?(?=[A-Za-z_.$][\w.$]*\+0x[0-9a-f]+\/0x[0-9a-f]+(?: \[[\w-]+(?: [0-9a-f]+)?\])?\s*$)/;

/** `Oops: 0002 [#1]`, `general protection fault: 0000 [#1]`, `Internal error: Oops: 96000005 [#1]`. */
export const OOPS_NUMBER = /(?:: ([0-9a-f]{1,16})(?: ilc:\d)?|Oops| sig: \d{1,3}) \[#(\d{1,6})\]/;

/** Where a report states the faulting address. */
export const FAULT_ADDRESS: readonly RegExp[] = [
  /(?:NULL pointer dereference|page fault for address|kernel paging request), address: ([0-9a-f]{1,16})/,
  /(?:NULL pointer dereference|kernel paging request) at (?:virtual address )?([0-9a-f]{1,16})/,
  /for (?:non-canonical )?address 0x([0-9a-f]{1,16})/,
  /^(?:Read|Write) of size \d{1,10} at addr ([0-9a-f]{1,16})/,
  /^BUG: KFENCE: [a-z- ]{1,40} at 0x([0-9a-f]{1,16})/,
  /^(?:Use-after-free|Out-of-bounds|Invalid) (?:read|write) at 0x([0-9a-f]{1,16})/,
  /^(?:BUG: )?(?:TASK |IRQ )?stack guard page was hit at ([0-9a-f]{1,16})/,
  /^Failing address: ([0-9a-f]{16})/,
  /NULL pointer dereference on (?:read|write) at 0x([0-9a-f]{1,16})/,
];
export const CR2_LINE = /^CR2: ([0-9a-f]{16})\s*$/;
export const FAR_LINE = /^FAR: 0x([0-9a-f]{1,16})|\bFAR = 0x([0-9a-f]{1,16})/;

/** OOM figures, mm/oom_kill.c. */
export const OOM_INVOKED =
  /invoked oom-killer: gfp_mask=(0x[0-9a-f]{1,16}(?:\([^)]{0,300}\))?), order=(-?\d{1,3}), oom_score_adj=(-?\d{1,5})/;
export const OOM_KILLED =
  /Killed process (\d{1,10}) \((.{1,64}?)\) total-vm:(\d{1,20})kB, anon-rss:(\d{1,20})kB, file-rss:(\d{1,20})kB, shmem-rss:(\d{1,20})kB/;
export const OOM_TABLE_HEADER = /^\[ {0,4}pid {0,4}\] {1,6}uid {1,4}tgid total_vm/;
export const OOM_TABLE_ROW = /^\[ {0,10}\d{1,10}\] {1,10}\d{1,10} {1,10}\d{1,10}/;

/** Lines seen inside reports that carry no parsed part but must not end the report. */
export const REPORT_BODY =
  /^(?:#PF: |Faulting instruction address|LE PAGE_SIZE|BE PAGE_SIZE|REGS: |MSR: |CFAR: |--- interrupt|Instruction dump|Fault in home space|AS:[0-9a-f]|Krnl |Last Breaking-Event|PGD |P4D |PUD |PMD |PTE |Hardware name:|Workqueue: |Kernel Offset: |CPU features: |Code: |---\[ |Mem-Info:|Node \d|lowmem_reserve|Free swap|Total swap|\d{1,12} (?:total pagecache|pages)|Tasks state|oom-kill:|Sending NMI|NMI backtrace|Mem abort info:|ESR = |EC = |SET = |EA = |FSC = |Access size|CM = |Data abort info:|ISV = |user pgtable|swapper pgtable|\[[0-9a-f]{16}\] pgd=|irq event stamp|hardirqs |softirqs |Showing |task:|The buggy address|Memory state around|[>]?[ ]?[0-9a-f]{16}: |The task stack|page:|flags: |raw: |page dumped|page_owner|Preemption disabled|in_atomic\(\)|INFO: lockdep|no locks held|\d{1,4} locks? held by|#\d{1,3}: |other info|Possible unsafe|Chain exists|the existing dependency|stack backtrace| {7}CPU\d| {7}----| {2}lock\(| {2}\*\*\* DEADLOCK| {2}rlock|Call Trace|Reported by|Kernel panic|Rebooting|Dumping ftrace|Shutting down cpus)/;

/** User-space fault lines name the task and the address: `frobctl[2231]: segfault at 8 ip …`, `traps: x[12] …`. */
export const USER_FAULT = /^(?:traps: )?(\S{1,64})\[(\d{1,10})\]:? (?:segfault at ([0-9a-f]{1,16}))?/;

/** The start of an instruction-pointer register line whose value is the rest of the line. */
export const IP_VALUE = /^(RIP|EIP): /;
/** An indented line of module names continuing `Modules linked in:`. */
export const MODULES_CONTINUATION =
  /^ {1,4}[\w-]{1,64}(?:\([A-Z]{0,20}[+-]?\))?(?: [\w-]{1,64}(?:\([A-Z]{0,20}[+-]?\))?){1,400}\s*(?:\[last unloaded: [^\]]{0,80}\])?\s*$/;

/** arch/x86/mm/fault.c show_fault_oops: `#PF: supervisor read access in kernel mode`. */
export const PF_ACCESS =
  /^#PF: ((?:supervisor|user) (?:read|write|instruction fetch|shadow stack \w+) access in (?:kernel|user) mode)/;
/** `#PF: error_code(0x0002) - not-present page`. */
export const PF_ERROR = /^#PF: error_code\((0x[0-9a-f]{1,8})\) - (.{1,80}?)\s*$/;
