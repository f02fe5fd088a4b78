// Recognisers for the parts of a report, each a bounded regex over one prefix-stripped message. The
// analyser's run on the message without its indentation; the `…_AT` forms and the tokens are the hover's,
// run on the message as printed (indentation kept), and only need to find what they explain on the line.
// Formats come from arch/*/kernel/dumpstack.c / process.c / traps.c (show_regs, __show_regs),
// lib/dump_stack.c (dump_stack_print_info), kernel/module/main.c (print_modules), mm/oom_kill.c.

import type { Arch } from '../model';

/** `CPU: 0 PID: 115 Comm: init Tainted: G           OE      6.1.0-56-amd64 #1  Debian 6.1.192-2` (also `UID: 0`). */
export const CPU_LINE =
  /^CPU: (?<cpu>\d{1,5}) (?:UID: \d{1,10} )?PID: (?<pid>\d{1,10}) Comm: (?<comm>.{1,24}?) (?:Not tainted|Tainted: (?<tainted>[A-Z ]{1,40}?)) +(?<release>\S{1,100})(?: (?<build>#\S{1,40}.{0,200}?))?\s*$/;
/** vmlinux's build id at the end of the CPU line's `build` part: dump_stack_print_info appends ` %20phN`
 *  (40 hex digits) with CONFIG_STACKTRACE_BUILD_ID: `… 6.1.0 #1 PREEMPT(full)  0123…cdef`. */
export const CPU_LINE_BUILD_ID = /\s([0-9a-f]{40})$/;
/** Old form: `Pid: 1, comm: swapper Not tainted 2.6.32-5-amd64 #1 Hardware name`. */
export const OLD_PID_LINE =
  /^Pid: (?<pid>\d{1,10}), comm: (?<comm>.{1,24}?) (?:Not tainted|Tainted: (?<tainted>[A-Z ]{1,40}?)) +(?<release>\S{1,100})(?: (?<build>#\S{1,40}.{0,200}?))?\s*$/;
export const HARDWARE_LINE = /^Hardware name: (.{1,300}?)\s*$/;
/** The head of the CPU line, enough to explain its CPU, PID and Comm (hover). */
export const CPU_LINE_AT = /^(\s*)CPU: (\d{1,5}) (?:UID: \d+ )?PID: (\d{1,10}) Comm: (\S{1,16})/;
/** 6.11+ CPU line's `UID: 1000` (lib/dump_stack.c dump_stack_print_info). */
export const CPU_LINE_UID = / UID: (\d{1,10}) PID: /;
/** 6.15+ end of the CPU line: kernel/sched/core.c preempt_model_str() (`PREEMPT(full)`, `PREEMPT_RT`,
 *  `PREEMPT_{RT,(full)}`, `PREEMPT_LAZY`, `VOLUNTARY`, `NONE`), printed after the build version. Only the forms
 *  that cannot be part of the build version (`#1 SMP PREEMPT_DYNAMIC …`) are read: a dynamic mode in
 *  parentheses, or `(undef)` alone. */
export const PREEMPT_MODEL =
  /(?<= )(?:PREEMPT(?:_RT|_\{RT,)?\((none|voluntary|full|lazy|undef)\)\}?|\(undef\))(?= |$)/;
/** 2.6–3.x `Pid: 3, comm: ksoftirqd/0 Tainted: …` (arch/x86/kernel/process.c show_regs_common, dump_stack). */
export const OLD_PID_LINE_AT = /^\s*Pid: (\d{1,10}), comm: (\S{1,20})/;

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

/** Link-register lines that name a symbol (arch/powerpc/kernel/process.c show_regs `LR [%016lx] %pS`, arm64
 *  `lr : %pS`, arm `LR is at %pS`, riscv ` ra : %pS`): the text after the match is the frame. */
export const LR_LINE =
  /^(?:LR \[[0-9a-f]{8,16}\] |lr : (?:\[<[0-9a-f]{8,16}>\] )?|LR is at |ra : )(?=[A-Za-z_.$])/;
/** The same lines and ppc's `NIP [c…] f+0x1/0x2`, riscv's `epc : f+0x1/0x2`, for the hover: name, frame start. */
export const NAMED_IP_LINE_AT =
  /^(\s*)(NIP|LR|epc|ra) ?(?:\[[0-9a-f]{8,16}\] |: )(?=[A-Za-z_.$][\w.$]{0,254}\+0x)/;

/** Lines that belong to a register dump (x86, arm64, arm, ppc, s390, riscv: arch/riscv/kernel/process.c
 *  __show_regs prints `epc : %pS`, ` ra : %pS`, `epc : <hex> ra : <hex> sp : <hex>`, …, `status: … badaddr: … cause: …`). */
export const REGISTER_LINE =
  /^(?:R(?:AX|BX|CX|DX|SI|DI|BP|SP|1[0-5]|[89]|IP)|E(?:AX|BX|CX|DX|SI|DI|BP|SP|FLAGS)|FS|GS|CS|DS|ES|SS|CR[0-4]|DR[0-7]|ORIG_RAX|PKRU) ?:|^(?:x\d{1,2}|lr|sp|pstate|pc|fp|ip|r\d{1,2}|psr) ?: |^(?:epc|sp|ra|gp|tp|t[0-6]|s\d{1,2}|a[0-7]) ?: [0-9a-f]{16}|^ra : [A-Za-z_.$][\w.$]{0,254}\+0x|^(?:GPR\d\d|NIP|MSR|CTR|LR|XER|CR|CFAR|DAR|DSISR|IRQMASK|TRAP|SOFTE|status|badaddr|cause|Krnl GPRS|Krnl Code|Krnl PSW|Flags|Control) ?:?|^ {0,3}(?:[0-9a-f]{16} ){3}[0-9a-f]{16}\s*$/;

/** One `NAME: value` pair inside a register line. */
// x86 prints two spaces after `FS:` and `CS:` (arch/x86/kernel/process_64.c __show_regs).
export const REGISTER_PAIR = /\b([A-Za-z][A-Za-z0-9_]{0,7}) ?: {0,2}((?:[0-9a-f]{4}:)?[0-9a-f]{4,16})\b/g;
/** A register dump line whose registers the hover explains, and each `NAME: ` on it. */
export const REGISTER_DUMP_AT =
  /^\s*(?:RIP|EIP|RSP|ESP|RAX|RBX|RCX|RDX|RSI|RDI|RBP|R\d{1,2}|EAX|EBX|ECX|EDX|ESI|EDI|EBP|FS|GS|CS|DS|ES|SS|CR[0-4]|DR[0-7]|PKRU|x\d{1,2}|pc|lr|sp|pstate)\s{0,2}:/;
export const REGISTER_TOKEN =
  /(?<![\w-])(RIP|EIP|RSP|ESP|RAX|RBX|RCX|RDX|RSI|RDI|RBP|R8|R9|R1[0-5]|EAX|EBX|ECX|EDX|ESI|EDI|EBP|EFLAGS|ORIG_RAX|FS|GS|knlGS|CS|DS|ES|SS|CR[0234]|DR[0-7]|PKRU|x\d{1,2}|pc|lr|sp|pstate)\s{0,2}:\s{0,2}/g;
/** A register line that starts with the instruction pointer (or arm's link register). */
export const IP_REGISTER_AT = /^\s*(?:RIP|EIP|pc|lr)\s{0,2}:/;
/** The instruction-pointer line and its value after the segment selector (`RIP: 0010:func+0x1/0x2`). */
export const IP_LINE_VALUE_AT = /^\s*(?:RIP|EIP|pc)\s?: (?:[0-9a-f]{4}:)?(.*)$/;

export const CODE_LINE = /^Code: /;
/** The `Code:` line and its bytes. */
export const CODE_LINE_AT = /^(\s*)Code: (.*)$/;
/** Labels that open a stack trace. */
export const TRACE_LABEL =
  /^(Call Trace|Call trace|Backtrace|Stack|Exception stack|(?:Allocated|Freed) by task \d{1,10}(?: on cpu \d{1,5} at [\d.]{1,20}s)?|(?:Second to last p|Last p)otentially related work creation|-> #\d{1,3} \(.{1,200}|(?:stack )?backtrace|Stack trace)\b.{0,200}?:?\s*$/;
/** A SLUB debug object track (mm/slub.c print_track, `%s in %pS age=%lu cpu=%u pid=%d`; `INFO: ` before it
 *  until v5.16): the allocation or free site, a return address, followed by its stack-depot stack. Group 1
 *  is the kind, the frame starts at the end of the match. */
export const SLUB_TRACK = /^(?:INFO: )?(Allocated|Freed) in (?=[A-Za-z_.$][\w.$]{0,254}\+0x)/;
/** A return address printed with %pB on a header line: kernel/panic.c __stack_chk_fail's
 *  `stack-protector: Kernel stack is corrupted in: %pB`. Group 1 is the trace's label. */
export const HEADER_RETURN_ADDRESS =
  /(stack-protector: Kernel stack is corrupted in): (?=[A-Za-z_.$][\w.$]{0,254}\+0x)/;
/** Where a stack starts, as syzkaller finds it (titles, guilty frames): unanchored, since interleaved output
 *  can precede it on the line. */
export const CALL_TRACE = /Call [Tt]race:?|^ {0,4}Backtrace:/;
/** Where a stack ends as syzkaller reads it (the next stack's keyword). */
export const STACK_KEYWORD =
  /Call [Tt]race|Allocated:|Allocated by task \d+:|Freed:|Freed by task \d+:|[^k] backtrace:/;
/** An instruction-pointer line as syzkaller reads it (or powerpc's `--- interrupt: 700 at func+0x…`, where a WARN trapped); the
 *  group that took part is its function when it has one. A user-mode or unsymbolised
 *  IP (`RIP: 0033:0x4665d9`, `(null)`) still takes the part, as in syzkaller, and yields no frame. */
export const IP_LINE_FUNC =
  /^--- interrupt: [0-9a-f]{1,4} at ([A-Za-z0-9_]+)[.+]|^ {0,8}(?:N?IP|RIP|EIP|pc|PC is at|LR is at|epc)\s?:?\s{1,4}(?:[0-9a-f]{4}:)?(?:(?:\[<?[0-9a-f]{8,16}>?\] {1,2}){0,2}(?:\(?)([A-Za-z0-9_]+)(?:\.[\w.]{1,40})?\+0x|0x[0-9a-f]{1,16}|(?:\[<?[0-9a-f]{8,16}>?\] +)?\[< *\(null\)>\] +\(null\)| +\(null\))/;
/** Trace headings the hover explains, each its own form (dumpstack, mm/kasan/report.c, mm/kfence/report.c,
 *  arm's traps.c). */
export const TRACE_LABELS_AT = {
  callTrace: /^\s*Call [Tt]race:\s*$/,
  allocated: /^\s*Allocated by task \d+( on cpu \d+ at [\d.]+s)?:/,
  freed: /^\s*Freed by task \d+( on cpu \d+ at [\d.]+s)?:/,
  lastWork: /^\s*Last potentially related work creation:/,
  secondLastWork: /^\s*Second to last potentially related work creation:/,
  exceptionStack: /^\s*Exception stack\(/,
  backtrace: /^\s*Backtrace:\s*$/,
} as const;
/** A frame syzkaller's symbolizer added for an inlined call: ` add_disk include/linux/genhd.h:217 [inline]`. */
export const INLINE_FRAME_AT =
  /^(\s*)([A-Za-z_][\w.]{0,254}) ((?:[\w.-]+\/)*[\w.-]+\.[chS]:\d+) \[inline\]\s*$/;
/** The `?` of an unreliable frame. */
export const UNRELIABLE_MARK_AT = /^\s*(?:\[<[0-9a-f]+>\] )?(\?) /;
export const MODULES_LINE = /^Modules linked in:(.{0,4000})$/;
/** `foo(OE)`: taint letters, then `+` while loading or `-` while unloading (kernel/module/main.c module_flags). */
export const MODULE_TOKEN = /([\w-]{1,64})(?:\(([A-Z]{0,20})[+-]?\))?/g;
/** `[last unloaded: foo(OE)]` closes the list and names a module that is no longer loaded. */
export const LAST_UNLOADED = /\s*\[last unloaded: [^\]]{0,80}\]\s*$/;
/** The `Modules linked in:` heading, each module name after it (with its taint letters), and the last
 *  unloaded module's name. */
export const MODULES_LINE_AT = /^(\s*)Modules linked in:/;
export const MODULE_NAME = /(?<=\s)([\w-]{1,64})(?:\(([A-Z]{1,12})\))?(?=\s|$)/g;
export const LAST_UNLOADED_NAME = /\[last unloaded: ([\w-]+)\]/;

/** nbcon consoles (kernel/printk/printk.c console_prepend_replay, v6.12+): a record cut short by a console
 *  takeover is printed again after this line; the line before it is that truncated copy. */
export const PRINTK_REPLAY = /^\*\* replaying previous printk message \*\*\s*$/;
export const END_TRACE = /^---\[ end (?:trace [0-9a-f]{1,16}|Kernel panic - not syncing: .{0,300}) \]---/;
/** The random id of an older kernel's `end trace` (all zeros since 5.17). */
export const END_TRACE_ID = /---\[ end trace ([0-9a-f]{16}) \]---/;
/** `[ cut here ]` anywhere on a line. */
export const CUT_HERE_MARK = /-{3,}\[ cut here \]-{3,}/;
export const SEPARATOR = /^={20,}\s*$/;

/** kernel/panic.c __warn(): `WARNING: CPU: 0 PID: 1 at kernel/foo.c:12 func+0x1b/0x29 [mod]`, or `at func+…`
 *  without a file; the symbol is the last token of the header. 6.19 moves the file first and the task last:
 *  `WARNING: kernel/foo.c:12 at func+0x1b/0x29 [mod], CPU#0: comm/1`. */
export const HEADER_AT =
  / at (?:\S+:\d+ )?(?=[A-Za-z_.$][\w.$]*\+0x[0-9a-f]+\/0x[0-9a-f]+(?: \[[\w-]+(?: [0-9a-f]+)?\])?(?:, CPU#\d{1,5}: .{1,80})?\s*$)/;

/** `Oops: 0002 [#1]`, `general protection fault: 0000 [#1]`, `Internal error: Oops: 96000005 [#1]`. */
export const OOPS_NUMBER = /(?:: ([0-9a-f]{1,16})(?: ilc:\d)?|Oops| sig: \d{1,3}) \[#(\d{1,6})\]/;
/** A die() line whose error code, oops number and flags the hover explains (`Oops: 0002 [#1] PREEMPT SMP`). */
export const DIE_LINE =
  /^\s*((?:Oops: )?(?:Internal error: [\w -]{1,40}?|Oops(?: - [\w ]{1,20})?|general protection fault(?:, (?:probably|maybe) for (?:non-canonical )?address 0x[0-9a-f]{1,16})?|invalid opcode|stack segment|double fault|divide error|int3|BRK handler)): ([0-9a-f]{1,16}) \[#(\d{1,6})\]((?: [A-Z_0-9]{2,20})*)/;

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
/** The OOM figures the hover explains: `gfp_mask=0x…(…)`, `order=N`, `oom_score_adj=N`, the killed task's
 *  sizes, the task table's header, its columns and its rows (mm/oom_kill.c dump_task). */
export const GFP_MASK = /gfp_mask=0x([0-9a-f]{1,16})(?:\(([^)]*)\))?/;
export const ALLOC_ORDER = /\border[=:](\d{1,2})\b/;
export const OOM_SCORE_ADJ = /\boom_score_adj[=:](-?\d{1,4})\b/g;
export const KILLED_FIGURE = /\b(total-vm|anon-rss|file-rss|shmem-rss|pgtables):(\d{1,15})kB/g;
export const TASK_TABLE_HEADER_AT = /^\s*\[\s*pid\s*\]\s+uid\s+tgid\s+total_vm/;
export const TASK_TABLE_COLUMN =
  /\b(pid|uid|tgid|total_vm|rss_anon|rss_file|rss_shmem|rss|pgtables_bytes|swapents|oom_score_adj|name)\b/g;
export const TASK_TABLE_ROW_AT = /^(\s*)\[\s*(\d{1,10})\]((?:\s+-?\d{1,20}){7,10})\s+(\S.*)$/;

/** KASAN's access line and the lines about the object (mm/kasan/report.c). */
export const KASAN_ACCESS = /\b(Read|Write) of size (\d{1,10}) at addr ([0-9a-f]{8,16})(?: by task (\S+))?/;
/** KASAN's access line, wherever the report put it (syzkaller reads the first one after the header). */
export const KASAN_ACCESS_KIND = /(Read|Write) (?:of size|at addr) [0-9a-f]/;
export const KASAN_CACHE = /which belongs to the cache (\S+)(?: of size (\d{1,10}))?/;
export const KASAN_OBJECT = /The buggy address belongs to the object at ([0-9a-f]{8,16})/;
export const KASAN_LOCATED =
  /The buggy address is located (\d{1,10}) bytes (inside|to the right|to the left) of/;

/** Lockup and hang figures (kernel/watchdog.c, kernel/hung_task.c, sched_show_task's `task:` line). */
export const STUCK_FOR = /stuck for (\d{1,9})s!/;
export const BLOCKED_FOR = /blocked for more than (\d{1,9}) seconds/;
export const HUNG_TASK_HINT = /hung_task_timeout_secs" disables this message/;
/** kernel/hung_task.c debug_show_blocker (v6.15+): `INFO: task a:1 is blocked on a mutex likely owned by task
 *  b:2.`, `… blocked on a semaphore likely last held by task b:2`, `INFO: task a:1 <reader> blocked on an
 *  rw-semaphore likely owned by task b:2 <writer>`; the owner's stack follows. Groups: lock, owner comm, pid. */
export const HUNG_TASK_BLOCKER =
  /^INFO: task .{1,64}:\d{1,10} (?:<\w{1,10}> )?(?:is )?blocked on an? (mutex|semaphore|rw-semaphore) likely (?:last held|owned) by task (.{1,64}):(\d{1,10})\b/;
export const TASK_LINE_AT = /^\s*task:/;
export const TASK_STATE = /\bstate:([A-Z]) /;

/** Lines seen inside reports that carry no parsed part but must not end the report. */
export const REPORT_BODY =
  /^(?:#PF: |Faulting instruction address|LE PAGE_SIZE|BE PAGE_SIZE|REGS: |MSR: |CFAR: |--- interrupt|Instruction dump|Fault in home space|AS:[0-9a-f]|Krnl |Last Breaking-Event|PGD |P4D |PUD |PMD |PTE |Hardware name:|Workqueue: |Kernel Offset: |CPU features: |Code: |---\[ |Mem-Info:|Node \d|lowmem_reserve|Free swap|Total swap|\d{1,12} (?:total pagecache|pages)|Tasks state|oom-kill:|Sending NMI|NMI backtrace|Mem abort info:|ESR = |EC = |SET = |EA = |FSC = |Access size|CM = |Data abort info:|ISV = |user pgtable|swapper pgtable|\[[0-9a-f]{16}\] pgd=|irq event stamp|hardirqs |softirqs |Showing |task:|The buggy address|Memory state around|[>]?[ ]?[0-9a-f]{16}: |The task stack|page:|flags: |raw: |page dumped|page_owner|Preemption disabled|in_atomic\(\)|INFO: lockdep|no locks held|\d{1,4} locks? held by|#\d{1,3}: |other info|Possible unsafe|Chain exists|the existing dependency|stack backtrace| {7}CPU\d| {7}----| {2}lock\(| {2}\*\*\* DEADLOCK| {2}rlock|Call Trace|Reported by|Kernel panic|Rebooting|Dumping ftrace|Shutting down cpus)/;

/** User-space fault lines name the task and the address: `frobctl[2231]: segfault at 8 ip …`, `traps: x[12] …`. */
export const USER_FAULT = /^(?:traps: )?(\S{1,64})\[(\d{1,10})\]:? (?:segfault at ([0-9a-f]{1,16}))?/;

/** The start of an instruction-pointer register line whose value is the rest of the line. */
export const IP_VALUE = /^(RIP|EIP|pc|lr) ?: /;
/** An indented line of module names continuing `Modules linked in:`. */
export const MODULES_CONTINUATION =
  /^ {1,4}[\w-]{1,64}(?:\([A-Z]{0,20}[+-]?\))?(?: [\w-]{1,64}(?:\([A-Z]{0,20}[+-]?\))?){1,400}\s*(?:\[last unloaded: [^\]]{0,80}\])?\s*$/;

/** arch/x86/mm/fault.c show_fault_oops: `#PF: supervisor read access in kernel mode`. */
export const PF_ACCESS =
  /^#PF: ((?:supervisor|user) (?:read|write|instruction fetch|shadow stack \w+) access in (?:kernel|user) mode)/;
/** `#PF: error_code(0x0002) - not-present page`. */
export const PF_ERROR = /^#PF: error_code\((0x[0-9a-f]{1,8})\) - (.{1,80}?)\s*$/;
/** Any `#PF:` line. */
export const PF_LINE_AT = /^\s*#PF: /;
/** x86's page-table walk for the fault address (`PGD 1fec4067 P4D 1fec4067 PUD 0`) and each entry on it. */
export const PAGE_WALK_LINE_AT = /^\s*(?:PGD|\*pde|\*pdpt) [0-9a-f]+/;
export const PAGE_WALK_ENTRY = /\b(PGD|P4D|PUD|PMD|PTE) ([0-9a-f]{1,16})\b/g;

/** arm64's abort decoding (arch/arm64/mm/fault.c mem_abort_decode, data_abort_decode, show_pte). */
export const ESR_LINE_AT = /^(\s*)ESR = 0x([0-9a-f]{1,16})/;
export const EC_LINE_AT = /^(\s*)EC = 0x([0-9a-f]{1,2}): ([^,]*), IL = (\d+) bits/;
export const FSC_LINE_AT = /^(\s*)(?:FSC|DFSC|IFSC) = 0x([0-9a-f]{1,2}): (.*)$/;
export const ABORT_FIELDS_LINE_AT = /^\s*(?:CM|ISV|SET|EA|TnD|GCS|Xs|LST|SAS|SF) = /;
export const ABORT_FIELD = /\b([A-Za-z0-9]{1,10}) = (0x[0-9a-f]{1,16}|\d{1,3})/g;
export const ABORT_INFO_LINE_AT = /^(\s*)(Mem abort info|Data abort info|Instruction abort info):/;
export const ARM64_PGTABLE_LINE_AT =
  /^(\s*)(user|swapper) pgtable: (\d+k) pages, (\d+)-bit VAs, pgdp=([0-9a-f]+)/;
export const ARM64_PAGE_WALK_LINE_AT = /^\s*\[[0-9a-f]{16}\] pgd=/;
export const ARM64_PAGE_WALK_ENTRY = /\b(pgd|p4d|pud|pmd|pte)=([0-9a-f]{16})/g;

/** 6.12+ names its taint flags: `Tainted: [W]=WARN, [O]=OOT_MODULE`. */
export const TAINT_NAMED_FLAGS = /^(\[[A-Z]\]=[A-Z_]+(?:, )?)+/;
export const TAINT_NAMED_FLAG = /\[([A-Z])\]=([A-Z_]+)/g;

/** An address on a line: 8 to 16 hex digits, `0x` optional, not part of a word or a `sym+0x…` offset. */
export const ADDRESS_TOKEN = /(?<![\w.+/-])(0x)?([0-9a-f]{8,16})(?![\w])/g;

/** Lines that tell the arch when the analysis does not (a line hovered on its own). */
export const ARCH_HINTS: readonly (readonly [RegExp, Arch])[] = [
  [/^\s*(?:x\d{1,2}\s?:|pc : |lr : |sp : |pstate: |ESR = |Internal error: )/, 'arm64'],
  [/^\s*(?:R[A-Z0-9]{1,2}: |RIP: |EFLAGS|CR\d: |ORIG_RAX|FS: )/, 'x86_64'],
  [/^\s*(?:E[A-Z]{2}: |EIP: )/, 'i386'],
  [/^\s*(?:PC is at |LR is at |pc : \[<|r\d{1,2} : [0-9a-f]{8} )/, 'arm'],
];
