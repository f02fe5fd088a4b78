// The event catalogue: every kind of kernel event we recognise, as data. Each entry says how its header
// line is recognised (a regex on the prefix-stripped message), how it is titled (syzkaller's
// conventions, google/syzkaller pkg/report/linux.go), which frame the title blames (FrameRule), its
// severity and a short explanation. `source` names the kernel file that prints the header, so the
// table can be checked against the kernel. Entries are tried in order: specific before generic.

import { CALL_TRACE } from './log/parts';
import type { Severity } from './model';

/**
 * One step of the guilty-frame search, scanned in order over the report's lines:
 * `'ip'` the instruction-pointer line (RIP/EIP/pc/NIP/PC is at), `'stack'` the frames that follow
 * (until the next stack keyword), or a RegExp: the first line it matches; its group 1, if any, is a
 * candidate function.
 */
export type FramePart = 'ip' | 'stack' | RegExp;

export interface FrameRule {
  parts: readonly FramePart[];
  /** Tried when `parts` yields nothing. */
  parts2?: readonly FramePart[];
  /** Last resort, when neither yields a frame (kept apart so syzkaller's order stays intact). */
  parts3?: readonly FramePart[];
  /** Extra function names to skip for this kind: regex sources, like GENERIC_FRAME_PATTERNS (title/guilty.ts). */
  skip?: readonly string[];
  /** Take frames as printed: only `skip`, not the generic patterns, applies (a function named by a sentence). */
  raw?: boolean;
  /** `stall`: the frame before the dispatch anchor (lockups, RCU stalls); `recursion`: the same, else the
   *  first frame (stack overflows); `hang`: hung-task buckets. */
  extractor?: 'stall' | 'recursion' | 'hang';
}

/** An entry of the catalogue, its kinds typed `K`: plain strings while the table is checked, EventKind after. */
interface CatalogueEntryOf<K extends string> {
  /** Stable id, used as the diagnostic code. Variants of one kind share it, and its traits below. */
  kind: K;
  /** Human name of the event kind. */
  name: string;
  severity: Severity;
  /** Recognises the header on a prefix-stripped, left-trimmed message. Bounded; no nested quantifiers. */
  header: RegExp;
  /** Title template: `$1`… header groups, `{ACCESS}` Read/Write, `{MESSAGE}` the line after the header,
   *  `{FUNC}` the guilty function. */
  title: string;
  /** The title copies free text from the log: numbers and addresses in it become NUM/ADDR (syzkaller's
   *  dynamic-title replacements), so one bug keeps one title across runs. */
  dynamicText?: boolean;
  /** Used instead of `… in corrupted` when no frame can be found, or, with `requires`, when the report lacks
   *  the line the title depends on; its header text is sanitised as for `dynamicText`. */
  fallbackTitle?: string;
  /** A line the report must hold after its header for `title` to apply (syzkaller's report regexps): a KASAN
   *  report cut before its `Read of size` line is titled from its header alone. */
  requires?: RegExp;
  frames?: FrameRule;
  /** One-paragraph explanation of what the event means. */
  explanation: string;
  /** Kernel source file that prints the header. */
  source: string;
  /** Kernel documentation page about this kind of event. */
  doc?: string;
  /**
   * Set on lines that continue a report opened just before by one of these kinds instead of starting a
   * new one (`Oops: 0000 [#1]` after `BUG: kernel NULL pointer dereference`).
   */
  continues?: readonly K[];
  /** How many lines below the opener a continuation may come (default 16). */
  continueWithin?: number;
  /** Opens an oops report: an `Oops:` line below it continues the report (see `continuesOops`). */
  opensOops?: boolean;
  /** Continues a report opened just before by any kind that `opensOops`. */
  continuesOops?: boolean;
  /** Comes inside another report (a panic_on_warn panic, BUG's invalid opcode) or is not counted as a report of
   *  its own by syzkaller (OOM, allocation failures, the list-debug line before its BUG): a title may read past
   *  it. */
  seeThrough?: boolean;
  /** What a report of this kind becomes once it names the task it killed (`Killed process N (comm) …`): that
   *  kind, titled by `title` with `$1` the victim's name. */
  onVictim?: { kind: K; title: string };
  /** The report's body is long free text (KASAN, lockdep, OOM, RCU stalls): it tolerates more unrecognised
   *  lines, and KASAN-style reports close with a second `=====` rule. */
  longBody?: boolean;
}

const DOC_OOPS = 'https://docs.kernel.org/admin-guide/bug-hunting.html';
const DOC_LOCKUP = 'https://docs.kernel.org/admin-guide/lockup-watchdogs.html';
export const DOC_KASAN = 'https://docs.kernel.org/dev-tools/kasan.html';
const DOC_LOCKDEP = 'https://docs.kernel.org/locking/lockdep-design.html';
const DOC_OOM = 'https://docs.kernel.org/admin-guide/mm/concepts.html#oom-killer';

/** The fault's own frame first, then the stack (oopses, GPFs). Without a `parts2` of its own, as in
 *  syzkaller: a report that shows no frame this way is read by the default trace rule (title.ts). */
const IP_THEN_STACK: FrameRule = { parts: ['ip', CALL_TRACE, 'stack'] };
/** WARNINGs trap: the RIP line is the warning site; older kernels only print the stack. */
const WARN_FRAMES = (...skip: string[]): FrameRule => ({
  parts: ['ip', 'stack'],
  parts2: [CALL_TRACE, 'stack'],
  // 2.6-era traces mark every frame `? `; the header still names the warning site.
  parts3: [/^WARNING: (?:CPU: \d{1,5} PID: -?\d{1,10} )?at \S{1,200} ([A-Za-z0-9_]+)[.+]/],
  skip,
});
const STACK_ONLY = (...skip: string[]): FrameRule => ({ parts: [CALL_TRACE, 'stack'], skip });
/** Functions that sleep on behalf of their caller (kernel/time/timer.c msleep/usleep_range_state,
 *  kernel/time/sleep_timeout.c schedule_timeout, kernel/locking/mutex.c, kernel/locking/semaphore.c down*,
 *  kernel/sched/completion.c wait_for_completion*, kernel/sched/core.c __might_sleep/__might_resched/
 *  __cond_resched, mm/memory.c __might_fault; v6.1): a report of sleeping in atomic context blames the
 *  caller that slept, not the helper it slept in. */
const SLEEPING_HELPERS = [
  '^msleep',
  '^ssleep$',
  '^usleep_range',
  '^schedule_(?:hr)?timeout',
  '^mutex_lock',
  '^__mutex_lock',
  '^wait_for_completion',
  '^down(?:_read|_write|_interruptible|_killable|_timeout)?$',
  '^__might_(?:sleep|resched|fault)$',
  '^might_fault$',
  '^__cond_resched',
];
/** Hardened usercopy's checks (mm/usercopy.c, mm/slub.c __check_heap_object, include/linux/thread_info.h
 *  check_copy_size; v6.1). Anchored: a caller named `foo_usercopy_bar` is the culprit, not a check. */
const USERCOPY_FRAMES = ['^_{0,2}usercopy', '^_{0,2}check_(?:object_size|heap_object|copy_size)', '^__check'];
/** SLUB's own functions in a debug report's check stack (mm/slub.c v6.1; kfree, kmalloc and kmem_cache_* are
 *  the allocator's API): the culprit is the first frame outside them. */
// Anchored: a driver's own `foo_slab_bar` or a test module's `hard_slub_poison` is not the allocator.
const SLUB_FRAMES = [
  '^_{0,3}(?:slab|slub|kmem|kfree|kmalloc|check_|free_debug|alloc_debug|on_freelist)',
  '^(?:new|allocate|deactivate|discard|free|do)_slab',
  '^free_to_partial_list',
  '^get_partial_node',
  '^object_err',
  '^print_trailer',
  '^free_consistency_checks',
];
/** Lockdep's `…, at: func+0x…` (older kernels put the address first: `at: [<ffffffff81234567>] func+0x…`). */
const LOCKDEP_AT_FUNC = /at: (?:\[<?(?:0x)?[0-9a-f]{1,16}>?\] +)?([A-Za-z0-9_]+)[.+]/;
/** The `at:` function after a key sentence, taken as printed (syzkaller's report regexps: no frame is skipped). */
const LOCKDEP_AT = (sentence: RegExp): FrameRule => ({ parts: [sentence, LOCKDEP_AT_FUNC], raw: true });
/** The first address-and-function line after a key sentence (`[<ffffffff81234567>] func+0x…`), taken as printed. */
const PC_FUNC = /\[<?(?:0x)?[0-9a-f]{1,16}>?\] +([A-Za-z0-9_]+)[.+]/;
/** A circular dependency: the lock being taken, the lock held, then the dependency chains, first non-generic
 *  frame wins; workqueue flushing takes the locks of work items, so it never names the culprit. */
const LOCKDEP_CHAIN: FrameRule = {
  parts: [LOCKDEP_AT_FUNC, LOCKDEP_AT_FUNC, 'stack'],
  skip: ['process_one_work', 'flush_workqueue', 'drain_workqueue', 'destroy_workqueue'],
};

/** Where KMSAN's origin stack starts. */
const KMSAN_ORIGIN = /Local variable .{1,200} created at:|Uninit was created at:/;

const OOPS_BASE = { severity: 'error', doc: DOC_OOPS, frames: IP_THEN_STACK } as const;
const WARNING_BASE = {
  kind: 'warning',
  name: 'WARNING',
  severity: 'warning',
  explanation:
    'A WARN_ON() or WARN() condition was true: the kernel found something unexpected but carried on. With panic_on_warn set this becomes a panic.',
  source: 'kernel/panic.c (__warn)',
  doc: DOC_OOPS,
  // lib/refcount.c prints `refcount_t: underflow; use-after-free.` and then WARNs; fs/dcache.c likewise
  // after `BUG: Dentry … still in use`.
  continues: ['refcount', 'bad-page-state'],
  continueWithin: 4,
} as const;
const LOCKDEP_BASE = { severity: 'error', source: 'kernel/locking/lockdep.c', doc: DOC_LOCKDEP } as const;
const KASAN_BASE = {
  kind: 'kasan',
  opensOops: true,
  longBody: true,
  name: 'KASAN report',
  severity: 'error',
  explanation:
    'The Kernel Address Sanitizer caught an invalid memory access (use-after-free, out-of-bounds, double-free…) at the moment it happened.',
  source: 'mm/kasan/report.c',
  doc: DOC_KASAN,
} as const;

const HUNG_TASK_BASE = {
  kind: 'hung-task',
  longBody: true,
  name: 'Hung task',
  severity: 'error',
  title: 'INFO: task hung in {FUNC}',
  frames: { parts: [CALL_TRACE, 'stack'], extractor: 'hang' },
  explanation:
    'A task stayed in uninterruptible sleep (state D) longer than hung_task_timeout_secs: it waits for a lock, I/O or an event that never comes.',
  source: 'kernel/hung_task.c (check_hung_task)',
  doc: DOC_LOCKUP,
} as const;

const MEMORY_LEAK_BASE = {
  kind: 'memory-leak',
  longBody: true,
  name: 'Memory leak (kmemleak)',
  severity: 'warning',
  title: 'memory leak in {FUNC}',
  frames: {
    parts: [/backtrace(?: \(crc [0-9a-f]{1,8}\))?:/, 'stack'],
    skip: [
      'kmemleak',
      'kmalloc',
      'kcalloc',
      'kzalloc',
      'vmalloc',
      'mmap',
      'kmem',
      'slab',
      'alloc',
      'create_object',
      'idr_get',
      'list_lru_init',
      'kasprintf',
      'kvasprintf',
      'pcpu_create',
      'strdup',
      'strndup',
      'memdup',
    ],
  },
  explanation: 'kmemleak found an allocated object that nothing points to any more.',
  source: 'mm/kmemleak.c',
  doc: 'https://docs.kernel.org/dev-tools/kmemleak.html',
} as const;

const ENTRIES = [
  // --- Memory-safety sanitizers -------------------------------------------------------------------
  {
    ...KASAN_BASE,
    header: /^BUG: KASAN: double-free or invalid-free in /,
    title: 'KASAN: invalid-free in {FUNC}',
    frames: {
      parts: [/^BUG: KASAN: double-free or invalid-free in ([A-Za-z0-9_]+)[.+]/, CALL_TRACE, 'stack'],
      skip: ['kmem_', 'slab_', 'kfree', 'vunmap', 'vfree'],
    },
  },
  {
    ...KASAN_BASE,
    header: /^BUG: KASAN: (?:double-free|invalid-free) in /,
    title: 'KASAN: invalid-free in {FUNC}',
    frames: {
      parts: [/^BUG: KASAN: [a-z-]+ in ([A-Za-z0-9_]+)[.+]/, CALL_TRACE, 'stack'],
      skip: ['kmem_', 'slab_', 'kfree', 'vunmap', 'vfree'],
    },
  },
  {
    ...KASAN_BASE,
    header: /^BUG: KASAN: ([a-z0-9-]+) in (.{0,200})/,
    title: 'KASAN: $1 {ACCESS} in {FUNC}',
    requires: /(?:Read|Write) (?:of size|at addr) [0-9a-f]/,
    fallbackTitle: 'KASAN: $1 in $2',
    // The arm64 tag-check fault path shows up in hardware-tag (KASAN_HW_TAGS) reports.
    frames: {
      parts: [/^BUG: KASAN: [a-z0-9-]+ in ([A-Za-z0-9_]+)[.+]/, CALL_TRACE, 'stack'],
      skip: ['kernel_fault', 'tag_check', 'mem_abort', '^el1_', '^el1h_'],
    },
  },
  { ...KASAN_BASE, header: /^BUG: KASAN: ([a-z0-9-]+) on address/, title: 'KASAN: $1 {ACCESS}' },
  { ...KASAN_BASE, header: /^BUG: KASAN: (.{1,80}?)\s*$/, title: 'KASAN: $1' },
  {
    kind: 'kfence',
    longBody: true,
    name: 'KFENCE report',
    severity: 'error',
    header: /^BUG: KFENCE: ([a-z][a-z -]{0,40}?) in /,
    title: 'KFENCE: $1 in {FUNC}',
    frames: { parts: [/^BUG: KFENCE: [a-z -]+ in ([A-Za-z0-9_]+)[.+]/, 'stack'] },
    explanation: 'KFENCE, the sampling memory-safety detector, caught an invalid access to a guarded object.',
    source: 'mm/kfence/report.c',
    doc: 'https://docs.kernel.org/dev-tools/kfence.html',
  },
  {
    kind: 'kmsan',
    longBody: true,
    name: 'KMSAN report',
    severity: 'error',
    header: /^BUG: KMSAN: kernel-usb-infoleak in /,
    title: 'KMSAN: kernel-usb-infoleak in {FUNC}',
    frames: {
      parts: ['stack', KMSAN_ORIGIN, 'stack'],
      skip: [
        'alloc_skb',
        'usb_submit_urb',
        'usb_start_wait_urb',
        'usb_bulk_msg',
        'usb_interrupt_msg',
        'usb_control_msg',
      ],
    },
    explanation: 'The Kernel Memory Sanitizer saw uninitialised kernel memory being sent to a USB device.',
    source: 'mm/kmsan/report.c',
    doc: 'https://docs.kernel.org/dev-tools/kmsan.html',
  },
  {
    // Before v4.17 KMSAN said `use of uninitialized memory`; syzkaller titles it as today's uninit-value.
    kind: 'kmsan',
    longBody: true,
    name: 'KMSAN report',
    severity: 'error',
    header: /^BUG: KMSAN: use of uninitiali[sz]ed memory in /,
    title: 'KMSAN: uninit-value in {FUNC}',
    frames: {
      parts: [
        /^BUG: KMSAN: use of uninitiali[sz]ed memory in ([A-Za-z0-9_]+)[.+]/,
        'stack',
        KMSAN_ORIGIN,
        'stack',
      ],
    },
    explanation:
      'The Kernel Memory Sanitizer found a use of uninitialised memory (or its copy to user space).',
    source: 'mm/kmsan/report.c',
    doc: 'https://docs.kernel.org/dev-tools/kmsan.html',
  },
  {
    kind: 'kmsan',
    longBody: true,
    name: 'KMSAN report',
    severity: 'error',
    header: /^BUG: KMSAN: ([a-z0-9-]+) in /,
    title: 'KMSAN: $1 in {FUNC}',
    // Generic crypto is where uninit bytes get used, rarely where they come from.
    frames: {
      parts: [/^BUG: KMSAN: [a-z0-9-]+ in ([A-Za-z0-9_]+)[.+]/, 'stack', KMSAN_ORIGIN, 'stack'],
      skip: ['alloc_skb', 'netlink_ack', 'netlink_rcv_skb', '_encrypt$', '^(?:crypto|cipher|drbg|rng)_'],
    },
    explanation:
      'The Kernel Memory Sanitizer found a use of uninitialised memory (or its copy to user space).',
    source: 'mm/kmsan/report.c',
    doc: 'https://docs.kernel.org/dev-tools/kmsan.html',
  },
  {
    kind: 'kcsan',
    longBody: true,
    name: 'KCSAN data race',
    severity: 'warning',
    header: /^BUG: KCSAN: (.{1,200}?)\s*$/,
    title: 'KCSAN: $1',
    explanation:
      'The Kernel Concurrency Sanitizer saw two unsynchronised accesses to the same memory, at least one a write.',
    source: 'kernel/kcsan/report.c',
    doc: 'https://docs.kernel.org/dev-tools/kcsan.html',
  },
  {
    kind: 'ubsan',
    longBody: true,
    name: 'UBSAN report',
    severity: 'warning',
    header: /^UBSAN: Undefined behaviour in /,
    title: 'UBSAN: undefined-behaviour in {FUNC}',
    // The sanitizer's own handlers (`handle_overflow`, `__ubsan_handle_*`) are never the bug.
    frames: STACK_ONLY('ubsan', 'overflow'),
    explanation:
      'The Undefined Behaviour Sanitizer caught undefined behaviour (shift out of bounds, array index out of bounds, overflow…).',
    source: 'lib/ubsan.c',
    doc: 'https://docs.kernel.org/dev-tools/ubsan.html',
  },
  {
    kind: 'ubsan',
    longBody: true,
    name: 'UBSAN report',
    severity: 'warning',
    header: /^UBSAN: ([a-z0-9-]+) in /,
    title: 'UBSAN: $1 in {FUNC}',
    // The sanitizer's own handlers (`handle_overflow`, `__ubsan_handle_*`) are never the bug.
    frames: STACK_ONLY('ubsan', 'overflow'),
    explanation:
      'The Undefined Behaviour Sanitizer caught undefined behaviour (shift out of bounds, array index out of bounds, overflow…).',
    source: 'lib/ubsan.c',
    doc: 'https://docs.kernel.org/dev-tools/ubsan.html',
  },

  // --- Faults and oopses --------------------------------------------------------------------------
  {
    ...OOPS_BASE,
    kind: 'null-deref',
    opensOops: true,
    name: 'NULL pointer dereference',
    header:
      /^BUG: (?:unable to handle kernel NULL pointer dereference|kernel NULL pointer dereference|Kernel NULL pointer dereference)/,
    title: 'BUG: unable to handle kernel NULL pointer dereference in {FUNC}',
    explanation:
      'The kernel dereferenced a pointer that was NULL (or NULL plus a small offset: a field of a NULL struct pointer). The page-fault handler could not fix it up, so the task was killed with an oops.',
    source: 'arch/x86/mm/fault.c (show_fault_oops)',
  },
  {
    ...OOPS_BASE,
    kind: 'paging-request',
    opensOops: true,
    name: 'Bad paging request',
    header:
      /^BUG: (?:unable to handle kernel paging request|unable to handle page fault for address|Unable to handle kernel data access)/,
    title: 'BUG: unable to handle kernel paging request in {FUNC}',
    explanation:
      'The kernel accessed an address with no valid mapping (or with the wrong permissions). Often a use-after-free, a corrupted pointer or an out-of-bounds access.',
    source: 'arch/x86/mm/fault.c (show_fault_oops)',
  },
  {
    ...OOPS_BASE,
    kind: 'paging-request',
    opensOops: true,
    name: 'Bad paging request',
    header: /^BUG: (?:unable to handle kernel|Unable to handle kernel)/,
    title: 'BUG: unable to handle kernel',
    explanation: 'The kernel hit a page fault it could not handle; the rest of the header line was lost.',
    source: 'arch/x86/mm/fault.c (show_fault_oops)',
  },
  {
    ...OOPS_BASE,
    kind: 'arm-page-fault',
    opensOops: true,
    name: 'Unable to handle kernel paging request (arm/arm64)',
    header: /^Unable to handle kernel NULL pointer dereference/,
    title: 'BUG: unable to handle kernel NULL pointer dereference in {FUNC}',
    explanation:
      'The CPU raised a data abort on a kernel access to NULL (or NULL plus a small offset) that the fault handler could not fix up.',
    source: 'arch/arm64/mm/fault.c (die_kernel_fault)',
  },
  {
    ...OOPS_BASE,
    kind: 'arm-page-fault',
    opensOops: true,
    name: 'Unable to handle kernel paging request (arm/arm64)',
    header:
      /^Unable to handle kernel (?:paging request|execute from non-executable memory|write to read-only memory)/,
    title: 'BUG: unable to handle kernel paging request in {FUNC}',
    explanation:
      'The CPU raised a data or instruction abort on a kernel access that the fault handler could not fix up.',
    source: 'arch/arm64/mm/fault.c (die_kernel_fault)',
  },
  {
    ...OOPS_BASE,
    kind: 'paging-request',
    opensOops: true,
    name: 'Unable to handle kernel pointer dereference (s390)',
    header: /^Unable to handle kernel pointer dereference in virtual kernel address space/,
    title: 'BUG: unable to handle kernel paging request in {FUNC}',
    explanation: 'The s390 fault handler met a kernel access to an address with no valid translation.',
    source: 'arch/s390/mm/fault.c (do_no_context)',
  },
  {
    ...OOPS_BASE,
    kind: 'arm-page-fault',
    opensOops: true,
    name: 'Kernel access to user memory',
    header: /^Unable to handle kernel access to user memory/,
    title: 'BUG: unable to handle kernel access to user memory in {FUNC}',
    explanation:
      'Kernel code touched a user-space address outside the uaccess helpers (PAN/SMAP blocked it).',
    source: 'arch/arm64/mm/fault.c (do_page_fault)',
  },
  {
    ...OOPS_BASE,
    kind: 'arm-page-fault',
    opensOops: true,
    name: 'Unhandled fault (arm)',
    header: /^Unhandled fault: /,
    title: 'Unhandled fault in {FUNC}',
    explanation:
      'The ARM fault handler met a fault status it has no handler for (alignment, domain or external abort).',
    source: 'arch/arm/mm/fault.c (do_DataAbort)',
    frames: { parts: ['ip', 'stack'], parts2: [/^(?:Backtrace|Call trace):/, 'stack'] },
  },
  {
    ...OOPS_BASE,
    kind: 'arm-page-fault',
    opensOops: true,
    name: 'Alignment trap (arm)',
    header: /^Alignment trap: not handling instruction [0-9a-f]{4,8} at \[<[0-9a-f]{8}>\]/,
    title: 'Alignment trap in {FUNC}',
    explanation:
      'An unaligned access the ARM alignment handler cannot emulate (an exclusive or otherwise unfixable instruction): the fault that follows kills the task.',
    source: 'arch/arm/mm/alignment.c (do_alignment)',
  },
  {
    ...OOPS_BASE,
    kind: 'oops',
    name: 'Oops',
    header: /^Internal error: (?:Oops|Oops - BUG|Oops - undef|synchronous external abort|Oops - bad mode|: )/,
    title: 'Internal error in {FUNC}',
    frames: { parts: ['ip', 'stack'], parts2: [/^(?:Backtrace|Call trace):/, 'stack'] },
    explanation:
      'The kernel hit an exception it cannot handle in kernel mode (arm/arm64 die()). The task is killed; the kernel goes on in a possibly inconsistent state unless panic_on_oops is set.',
    source: 'arch/arm64/kernel/traps.c (die)',
    continuesOops: true,
  },
  {
    ...OOPS_BASE,
    kind: 'oops',
    name: 'Oops',
    // x86 `Oops: 0002 [#1]`, s390 `Oops: 0004 ilc:3 [#1]`, ppc `Oops: Kernel access of bad area, sig: 11 [#1]`, riscv `Oops [#1]`.
    // 6.10+ x86 prefixes its trap names with `Oops: ` (`Oops: general protection fault…`): those are their own entries.
    header:
      /^Oops(?!: (?:general protection|stack segment|divide error|invalid opcode|int3:))(?: - [\w ]{1,40})?(?:: [\w ,:]{1,80})? \[#\d{1,6}\]|^Oops: [0-9a-f]{4}\b/,
    title: 'Oops in {FUNC}',
    explanation:
      'The kernel hit a fault it cannot handle in kernel mode. The faulting task is killed; the kernel goes on running in a possibly inconsistent state unless panic_on_oops is set.',
    source: 'arch/x86/kernel/dumpstack.c (__die)',
    continuesOops: true,
  },
  {
    ...OOPS_BASE,
    kind: 'gpf',
    opensOops: true,
    name: 'General protection fault',
    // 4.x KASAN printed its GPF hint without a newline, so the header follows it on the same line.
    header:
      /^(?:kasan: GPF could be caused by NULL-ptr deref or user memory access)?(?:Oops: )?(?:segment-related )?general protection fault(?:,? (?:(?:probably|maybe) )?for (?:non-canonical )?address 0x[0-9a-f]{1,16})?(?::|$)/,
    title: 'general protection fault in {FUNC}',
    explanation:
      'The CPU raised #GP: most often a non-canonical pointer was dereferenced (poison values such as 0xdead000000000100 or garbage from a use-after-free), or a privileged instruction was misused.',
    source: 'arch/x86/kernel/traps.c (exc_general_protection)',
  },
  {
    ...OOPS_BASE,
    kind: 'gpf',
    opensOops: true,
    name: 'Stack segment fault',
    header: /^(?:Oops: )?stack segment: /,
    title: 'stack segment fault in {FUNC}',
    explanation: 'The CPU raised #SS: a stack access through a non-canonical or otherwise invalid address.',
    source: 'arch/x86/kernel/traps.c (exc_stack_segment)',
  },
  {
    ...OOPS_BASE,
    kind: 'oops',
    name: 'int3 trap',
    // A breakpoint no kprobe, jump label or text_poke claimed. 6.10+ prints it inside the Oops line
    // (`Oops: int3: 0000 [#1]`, arch/x86/kernel/dumpstack.c __die_header); syzkaller titles it `int3 in f`.
    header: /^(?:Oops: )?int3: [0-9a-f]{4} \[#/,
    title: 'int3 in {FUNC}',
    explanation:
      'The CPU hit a breakpoint instruction (int3, #BP) in kernel code that nothing had registered: a stale kprobe or static-call patch, or execution that ran into padding.',
    source: 'arch/x86/kernel/traps.c (exc_int3)',
    continuesOops: true,
  },
  {
    ...OOPS_BASE,
    kind: 'divide-error',
    name: 'Divide error',
    // `divide_error:` is how 5.8-5.9 kernels spelled it (x86/entry IDTENTRY conversion).
    header: /^(?:Oops: )?divide[ _]error: /,
    title: 'divide error in {FUNC}',
    frames: { parts: ['ip'] },
    explanation:
      'The CPU raised #DE: an integer division by zero (or an overflowing division) in kernel code.',
    source: 'arch/x86/kernel/traps.c (exc_divide_error)',
  },
  {
    ...OOPS_BASE,
    kind: 'kernel-bug',
    opensOops: true,
    name: 'Bad usercopy',
    header: /^kernel BUG at mm\/usercopy\.c/,
    title: 'BUG: bad usercopy in {FUNC}',
    frames: STACK_ONLY(...USERCOPY_FRAMES),
    explanation:
      'Hardened usercopy refused a copy between user space and a kernel object that would overflow it or expose the wrong memory.',
    source: 'mm/usercopy.c (usercopy_abort)',
    continues: ['usercopy'],
  },
  {
    ...OOPS_BASE,
    kind: 'kernel-bug',
    opensOops: true,
    name: 'List corruption',
    header: /^kernel BUG at lib\/list_debug\.c/,
    title: 'BUG: corrupted list in {FUNC}',
    frames: STACK_ONLY(),
    explanation:
      'CONFIG_DEBUG_LIST found a linked list whose pointers do not agree: a use-after-free, a double list_del or a race.',
    source: 'lib/list_debug.c',
    continues: ['list-corruption'],
  },
  {
    ...OOPS_BASE,
    kind: 'kernel-bug',
    opensOops: true,
    name: 'kernel BUG',
    header: /^kernel BUG at /,
    title: 'kernel BUG in {FUNC}',
    // Many skb helpers BUG_ON() a bad length; the bug is in their caller.
    frames: { ...IP_THEN_STACK, skip: ['^skb_'] },
    explanation:
      'A BUG() or BUG_ON() assertion in the kernel failed: the code found a state it considers impossible and stopped the task with an invalid-opcode trap.',
    source: 'lib/bug.c (report_bug)',
    continues: ['list-corruption', 'usercopy'],
  },
  {
    ...OOPS_BASE,
    kind: 'kernel-bug',
    opensOops: true,
    name: 'kernel BUG',
    header: /^Kernel BUG (.{1,120}?)\s*$/,
    title: 'kernel BUG $1',
    explanation: 'A BUG() assertion failed (powerpc wording).',
    source: 'arch/powerpc/kernel/traps.c',
  },
  {
    ...OOPS_BASE,
    kind: 'invalid-opcode',
    seeThrough: true,
    name: 'Invalid opcode',
    header: /^(?:Oops: )?invalid opcode: [0-9a-f]{4}/,
    title: 'invalid opcode in {FUNC}',
    frames: { parts: ['ip'] },
    explanation:
      'The CPU hit an undefined instruction (#UD) in kernel mode. After `kernel BUG at` this is how BUG() traps; on its own it means corrupted code or a jump into data.',
    source: 'arch/x86/kernel/traps.c (exc_invalid_op)',
    continues: ['kernel-bug', 'list-corruption', 'usercopy'],
  },
  {
    ...OOPS_BASE,
    kind: 'double-fault',
    seeThrough: true,
    name: 'Double fault',
    // `traps: ` is arch/x86/kernel/traps.c's pr_fmt since v5.x.
    header: /^(?:traps: )?PANIC: double fault/,
    title: 'PANIC: double fault in {FUNC}',
    frames: { parts: ['ip'] },
    explanation:
      'A fault happened while the CPU was delivering another fault, usually because the kernel stack overflowed or the stack pointer was corrupted.',
    source: 'arch/x86/kernel/traps.c (exc_double_fault)',
  },
  {
    ...OOPS_BASE,
    kind: 'stack-guard',
    name: 'Stack overflow',
    header: /^BUG: (?:TASK |IRQ )?stack guard page was hit at/,
    title: 'BUG: stack guard page was hit in {FUNC}',
    // Deep recursion: the frame at the fault is random, the work that recursed is not.
    frames: { parts: ['ip', CALL_TRACE, 'stack'], extractor: 'recursion' },
    explanation:
      'A kernel stack overflowed into its guard page: deep or unbounded recursion, or a huge on-stack buffer.',
    source: 'arch/x86/kernel/traps.c (handle_stack_overflow)',
  },
  {
    ...OOPS_BASE,
    kind: 'stack-protector',
    name: 'Stack protector',
    header: /^Kernel panic - not syncing: stack-protector: Kernel stack is corrupted in: /,
    title: 'kernel panic: stack is corrupted in {FUNC}',
    frames: {
      parts: [/stack-protector: Kernel stack is corrupted in: ([A-Za-z0-9_]+)[.+]/, CALL_TRACE, 'stack'],
      skip: ['stack_chk'],
    },
    explanation: 'The stack canary of a function was overwritten: a stack buffer overflow.',
    source: 'kernel/panic.c (__stack_chk_fail)',
  },
  {
    ...OOPS_BASE,
    kind: 'stack-protector',
    name: 'Corrupted stack end',
    header: /^Kernel panic - not syncing: corrupted stack end/,
    title: 'kernel panic: corrupted stack end in {FUNC}',
    frames: { parts: [CALL_TRACE, 'stack'], skip: ['schedule', 'retint_kernel'], extractor: 'stall' },
    explanation: 'The magic value at the end of a task stack was overwritten: the stack overflowed.',
    source: 'kernel/sched/core.c (schedule_debug)',
  },

  {
    // arch/arm64/kernel/traps.c panic_bad_stack, arch/arm/kernel/traps.c (VMAP stack, v5.18+),
    // arch/riscv/kernel/traps.c handle_bad_stack: the overflow is found on the exception entry; the stack
    // ranges and registers follow, then `Internal error: kernel stack overflow` (arm) or the panic.
    ...OOPS_BASE,
    kind: 'stack-guard',
    name: 'Stack overflow',
    header: /^Insufficient stack space to handle exception!/,
    title: 'kernel stack overflow in {FUNC}',
    frames: { parts: ['ip', CALL_TRACE, 'stack'], skip: ['bad_stack'], extractor: 'recursion' },
    explanation:
      'An exception found the kernel stack pointer outside the task stack (arm, arm64, riscv): deep or unbounded recursion, or a huge on-stack buffer.',
    source: 'arch/arm64/kernel/traps.c (panic_bad_stack)',
  },
  {
    ...OOPS_BASE,
    kind: 'stack-guard',
    name: 'Stack overflow',
    header: /^Kernel panic - not syncing: kernel stack overflow/,
    title: 'kernel stack overflow in {FUNC}',
    frames: { parts: [CALL_TRACE, 'stack'], skip: ['bad_stack'], extractor: 'recursion' },
    explanation:
      'A kernel stack overflowed (arm64 overflow_stack, s390, powerpc): deep or unbounded recursion, or a huge on-stack buffer.',
    source: 'arch/arm64/kernel/traps.c (panic_bad_stack)',
  },

  // --- Panics ---------------------------------------------------------------------------------------
  ...(
    [
      [/^Kernel panic - not syncing: (Attempted to kill init!)/, 'kernel panic: $1'],
      [/^Kernel panic - not syncing: Couldn't open N_TTY ldisc/, "kernel panic: Couldn't open N_TTY ldisc"],
      [/^Kernel panic - not syncing: (panic_on_warn set)/, 'kernel panic: $1'],
      [/^Kernel panic - not syncing: (hung_task: blocked tasks)/, 'kernel panic: $1'],
      [/^Kernel panic - not syncing: Fatal exception/, 'kernel panic: Fatal exception'],
      [/^Kernel panic - not syncing: (.{1,200}?)[\s.]*$/, 'kernel panic: $1'],
    ] as const
  ).map(([header, title]): CatalogueEntryOf<'panic'> => ({
    kind: 'panic',
    seeThrough: true,
    name: 'Kernel panic',
    severity: 'error',
    header,
    title,
    dynamicText: true,
    explanation:
      'The kernel stopped: it found a condition it cannot recover from (or was told to panic on oops, warning, lockup or OOM). Nothing runs after this except kdump, if configured.',
    source: 'kernel/panic.c (panic)',
    doc: DOC_OOPS,
  })),

  {
    kind: 'panic',
    seeThrough: true,
    name: 'Rust panic',
    severity: 'error',
    header: /^rust_kernel: panicked at /,
    title: '{MESSAGE} in {FUNC}',
    frames: { parts: [CALL_TRACE, 'stack'], skip: ['__rustc::rust_begin_unwind'] },
    explanation:
      'Rust code in the kernel panicked (an overflow, an out-of-range index, an unwrap of None…); the kernel turns it into a BUG().',
    source: 'rust/kernel/lib.rs (panic handler)',
    doc: DOC_OOPS,
  },

  // Trusty, the secure OS beside Android kernels, panics through its driver (drivers/trusty).
  ...(
    [
      // `panic (caller ` and the rest come in two relayed chunks: a console may print a timestamp between
      // them, and the line then reads from the second one, `trusty: 0x…): ASSERT FAILED at …`.
      [
        /^trusty: (?:panic \(.{0,200}?\)|0x[0-9a-f]{1,16}\)):(?: DEBUG)? ASSERT FAILED at \(.{0,200}?\): (.{0,200}?)\s*$/,
        'trusty: ASSERT FAILED: $1',
      ],
      [/^trusty: (?:panic .{0,200} |0x[0-9a-f]{1,16}\): )ASSERT FAILED/, 'trusty: ASSERT FAILED:'],
      [/^trusty: panic \(.{0,200}?\): (.{1,200}?)\s*$/, 'trusty: panic: $1'],
      [/^trusty: panic/, 'trusty: panic'],
    ] as const
  ).map(([header, title]): CatalogueEntryOf<'panic'> => ({
    kind: 'panic',
    seeThrough: true,
    name: 'Trusty panic',
    severity: 'error',
    header,
    title,
    dynamicText: true,
    explanation:
      'The Trusty secure OS running beside the kernel panicked (a failed assertion or a fatal error); the kernel driver relays its message.',
    source: 'drivers/trusty/trusty.c',
  })),

  // --- Lockups, stalls, hangs -----------------------------------------------------------------------
  {
    kind: 'soft-lockup',
    name: 'Soft lockup',
    severity: 'error',
    header: /^(?:(?:NMI )?watchdog: )?BUG: soft lockup - CPU#\d{1,5} stuck for \d{1,6}s!/,
    title: 'BUG: soft lockup in {FUNC}',
    frames: { parts: ['ip', CALL_TRACE, 'stack'], parts2: [CALL_TRACE, 'stack'], extractor: 'stall' },
    explanation:
      'A CPU ran kernel code without scheduling for longer than the soft-lockup threshold (2 × watchdog_thresh): a busy loop, a long loop without cond_resched(), or a deadlock on a spinlock.',
    source: 'kernel/watchdog.c (watchdog_timer_fn)',
    doc: DOC_LOCKUP,
  },
  {
    kind: 'hard-lockup',
    name: 'Hard lockup',
    severity: 'error',
    header: /^(?:(?:NMI )?watchdog: )?Watchdog detected hard LOCKUP on cpu \d{1,5}/,
    title: 'BUG: hard lockup in {FUNC}',
    frames: { parts: ['ip', CALL_TRACE, 'stack'], parts2: [CALL_TRACE, 'stack'], extractor: 'stall' },
    explanation:
      'A CPU stopped taking timer interrupts for longer than watchdog_thresh: interrupts were disabled for too long, usually a deadlock with a spinlock held and interrupts off.',
    source: 'kernel/watchdog_perf.c (watchdog_overflow_callback)',
    doc: DOC_LOCKUP,
  },
  {
    ...HUNG_TASK_BASE,
    header: /^INFO: task .{1,64}:\d{1,10} blocked (?:in I\/O wait )?for more than \d{1,6} seconds\./,
  },
  // A task name holding a newline (prctl(PR_SET_NAME) allows one) splits the header: the rest,
  // `…:1234 blocked for more than 143 seconds.`, comes on the next line.
  { ...HUNG_TASK_BASE, header: /^INFO: task [^:]{1,64}$/ },
  {
    kind: 'hung-task',
    longBody: true,
    name: "Task can't die",
    severity: 'error',
    header: /^INFO: task .{1,64}:\d{1,10} can't die for more than \d{1,6} seconds\./,
    title: "INFO: task can't die in {FUNC}",
    frames: STACK_ONLY('schedule'),
    explanation: 'A task that was killed has not exited for a long time: it is stuck in the kernel.',
    source: 'kernel/hung_task.c',
    doc: DOC_LOCKUP,
  },
  {
    kind: 'rcu-stall',
    longBody: true,
    name: 'RCU stall',
    severity: 'error',
    header: /^(?:rcu: )?INFO: rcu_(?:preempt|sched|bh) (?:self-)?detected(?: expedited)? stalls?/,
    title: 'INFO: rcu detected stall in {FUNC}',
    frames: {
      parts: [/apic_timer_interrupt/, 'ip', 'stack'],
      // arm64 marks the interrupt with el1h_64_irq, older kernels with an `Exception stack` dump.
      parts2: [/apic_timer_interrupt|Exception stack|el1h_64_irq/, 'stack'],
      parts3: [/NMI backtrace for cpu/, CALL_TRACE, 'stack'],
      skip: [
        'apic_timer_interrupt',
        'rcu',
        'hrtimer',
        'irq_exit',
        'tick_',
        'update_process_times',
        'scheduler_tick',
      ],
      extractor: 'stall',
    },
    explanation:
      'An RCU grace period did not complete in time: some CPU or task stayed in an RCU read-side critical section, or a CPU looped with interrupts or preemption disabled.',
    source: 'kernel/rcu/tree_stall.h',
    doc: 'https://docs.kernel.org/RCU/stallwarn.html',
  },
  {
    // kernel/rcu/tasks.h (check_all_holdout_tasks): `INFO: %s detected stalls on tasks:` with the flavour's
    // name, then each holdout task's line and stack. syzkaller titles rcu_tasks stalls like the others.
    kind: 'rcu-stall',
    longBody: true,
    name: 'RCU Tasks stall',
    severity: 'error',
    header: /^INFO: rcu_tasks(?:_rude|_trace)? detected stalls? on tasks/,
    title: 'INFO: rcu detected stall in {FUNC}',
    frames: {
      parts: [CALL_TRACE, 'stack'],
      skip: ['rcu', 'schedule', '__switch_to', 'preempt_schedule'],
      extractor: 'stall',
    },
    explanation:
      'An RCU Tasks grace period did not complete in time: a task (listed with its stack) did not pass a voluntary context switch, usually because it runs or is preempted inside a trampoline or a long loop without scheduling.',
    source: 'kernel/rcu/tasks.h',
    doc: 'https://docs.kernel.org/RCU/stallwarn.html',
  },
  {
    kind: 'workqueue-lockup',
    longBody: true,
    name: 'Workqueue lockup',
    severity: 'error',
    header: /^BUG: workqueue lockup - pool/,
    title: 'BUG: workqueue lockup',
    explanation:
      'A workqueue worker pool made no progress for too long: a work item is stuck or hogging the CPU.',
    source: 'kernel/workqueue.c (wq_watchdog_timer_fn)',
    doc: DOC_LOCKUP,
  },
  {
    kind: 'workqueue-lockup',
    longBody: true,
    name: 'Workqueue leaked lock',
    severity: 'error',
    header: /^BUG: workqueue leaked lock or atomic/,
    title: 'BUG: workqueue leaked lock or atomic in {FUNC}',
    frames: { parts: [/last function: ([A-Za-z0-9_]+)/] },
    explanation: 'A work item returned with a lock held or preemption disabled.',
    source: 'kernel/workqueue.c (process_one_work)',
    doc: DOC_LOCKDEP,
  },

  // --- Locking --------------------------------------------------------------------------------------
  // Current lockdep banners start `WARNING:`; kernels before 4.15 framed them as `[ INFO: … ]` and are
  // titled from the `at:` line after the key sentence only.
  {
    ...LOCKDEP_BASE,
    kind: 'lockdep-circular',
    longBody: true,
    name: 'Possible circular locking dependency',
    header: /^WARNING: possible circular locking dependency detected/,
    title: 'possible deadlock in {FUNC}',
    requires: /is trying to acquire lock/,
    fallbackTitle: 'WARNING: possible circular locking dependency detected',
    frames: LOCKDEP_CHAIN,
    explanation: 'Lockdep saw locks taken in orders that can deadlock (A then B here, B then A elsewhere).',
  },
  {
    ...LOCKDEP_BASE,
    kind: 'lockdep-circular',
    longBody: true,
    name: 'Possible circular locking dependency',
    header: /^INFO: possible circular locking dependency detected/,
    title: 'possible deadlock in {FUNC}',
    frames: LOCKDEP_AT(/is trying to acquire lock/),
    explanation: 'Lockdep saw locks taken in orders that can deadlock (A then B here, B then A elsewhere).',
  },
  {
    ...LOCKDEP_BASE,
    kind: 'lockdep-circular',
    longBody: true,
    name: 'Possible irq lock inversion',
    header: /^(?:WARNING|INFO): possible irq lock inversion dependency detected/,
    title: 'possible deadlock in {FUNC}',
    frames: LOCKDEP_AT(/just changed the state of lock/),
    explanation:
      'A lock used in interrupt context is also taken, with interrupts enabled, while holding another lock the interrupt path needs.',
  },
  {
    ...LOCKDEP_BASE,
    kind: 'lockdep-circular',
    longBody: true,
    name: 'Unsafe lock order',
    header: /^WARNING: [A-Z]{1,10}-safe -> [A-Z]{1,10}-unsafe lock order detected/,
    title: 'possible deadlock in {FUNC}',
    frames: { parts: [/which became .{1,80} at:/, 'stack'] },
    explanation:
      'An interrupt-safe lock is about to depend on an interrupt-unsafe one: an interrupt can deadlock.',
  },
  {
    ...LOCKDEP_BASE,
    kind: 'lockdep-circular',
    longBody: true,
    name: 'Unsafe lock order',
    header: /^INFO: (?:SOFTIRQ|HARDIRQ)-safe -> (?:SOFTIRQ|HARDIRQ)-unsafe lock order detected/,
    title: 'possible deadlock in {FUNC}',
    frames: LOCKDEP_AT(/is trying to acquire/),
    explanation:
      'An interrupt-safe lock is about to depend on an interrupt-unsafe one: an interrupt can deadlock.',
  },
  {
    ...LOCKDEP_BASE,
    kind: 'lockdep-recursive',
    longBody: true,
    name: 'Possible recursive locking',
    header: /^(?:WARNING|INFO): possible recursive locking detected/,
    title: 'possible deadlock in {FUNC}',
    frames: LOCKDEP_AT(/is trying to acquire lock/),
    explanation: 'A task tries to take a lock of a class it already holds.',
  },
  {
    ...LOCKDEP_BASE,
    kind: 'lockdep-inconsistent',
    longBody: true,
    name: 'Inconsistent lock state',
    header: /^WARNING: inconsistent lock state/,
    title: 'inconsistent lock state in {FUNC}',
    frames: STACK_ONLY(),
    explanation:
      'A lock is taken both with interrupts enabled and from interrupt context: an interrupt can deadlock on it.',
  },
  {
    ...LOCKDEP_BASE,
    kind: 'lockdep-inconsistent',
    longBody: true,
    name: 'Inconsistent lock state',
    header: /^INFO: inconsistent lock state/,
    title: 'inconsistent lock state in {FUNC}',
    frames: LOCKDEP_AT(/takes/),
    explanation:
      'A lock is taken both with interrupts enabled and from interrupt context: an interrupt can deadlock on it.',
  },
  {
    ...LOCKDEP_BASE,
    kind: 'suspicious-rcu',
    longBody: true,
    name: 'Suspicious RCU usage',
    severity: 'warning',
    // 2.6.33–3.x framed it as `[ INFO: suspicious rcu_dereference_check() usage. ]`.
    header: /^(WARNING|INFO): suspicious (?:RCU|rcu_dereference_check\(\)) usage/,
    title: '$1: suspicious RCU usage in {FUNC}',
    // The `file.c:123 suspicious rcu_dereference_check() usage!` line.
    requires: /[\w./-]{1,200}\.[a-z]{1,4}:\d{1,6}/,
    fallbackTitle: '$1: suspicious RCU usage',
    frames: STACK_ONLY('rcu', 'kmem', 'slab', 'kmalloc', 'vmalloc', 'kcalloc', 'kzalloc'),
    explanation:
      'An RCU-protected pointer was dereferenced without the required protection (rcu_read_lock or the update-side lock).',
  },
  {
    ...LOCKDEP_BASE,
    kind: 'lockdep-bug',
    longBody: true,
    name: 'Non-static lock key',
    severity: 'warning',
    header: /^INFO: trying to register non-static key/,
    title: 'INFO: trying to register non-static key in {FUNC}',
    frames: STACK_ONLY('stack', 'lock', 'IRQ'),
    explanation:
      'A lock was used without being initialised (its lockdep key is not static): usually a missing spin_lock_init/mutex_init, or a use-after-free.',
  },
  ...(
    [
      [
        /^(BUG|WARNING): bad unlock balance detected!/,
        '$1: bad unlock balance in {FUNC}',
        { parts: [PC_FUNC, CALL_TRACE, 'stack'] },
      ],
      [/^WARNING: Nested lock was not taken/, 'WARNING: nested lock was not taken in {FUNC}', WARN_FRAMES()],
      [/^BUG: held lock freed!/, 'BUG: held lock freed in {FUNC}', { parts: [PC_FUNC], raw: true }],
      [
        /^WARNING: held lock freed!/,
        'WARNING: held lock freed in {FUNC}',
        { parts: [/at:(?: \[<?(?:0x)?[0-9a-f]{1,16}>?\])? +([A-Za-z0-9_]+)[.+]/], raw: true },
      ],
      [
        /^BUG: .{0,80}still has locks held!/,
        'BUG: still has locks held in {FUNC}',
        { parts: [PC_FUNC], raw: true },
      ],
      [
        /^WARNING: .{0,80}still has locks held!/,
        'WARNING: still has locks held in {FUNC}',
        { parts: [/at: ([A-Za-z0-9_]+)[.+]/], raw: true },
      ],
      [
        /^(BUG|WARNING): lock held when returning to user space/,
        '$1: lock held when returning to user space in {FUNC}',
        LOCKDEP_AT(/leaving the kernel with locks still held/),
      ],
    ] as const
  ).map(([header, title, frames]): CatalogueEntryOf<'lockdep-bug'> => ({
    ...LOCKDEP_BASE,
    kind: 'lockdep-bug',
    // The lock, `other info…`, the held locks and `stack backtrace:` follow the banner as free text (every
    // lockdep-bug entry: the entries of one kind share their traits).
    longBody: true,
    name: 'Lock misuse',
    header,
    title,
    frames,
    explanation:
      'Lockdep caught a lock released that was not held, freed while held, still held when it must not be, or a nested lock taken without its outer lock.',
  })),
  {
    ...LOCKDEP_BASE,
    kind: 'lockdep-bug',
    longBody: true,
    name: 'Lockdep table full',
    severity: 'warning',
    header: /^BUG: MAX_(?:STACK_TRACE_ENTRIES|LOCKDEP_[A-Z_]{1,20}) too low!/,
    title: 'BUG: MAX_STACK_TRACE_ENTRIES too low!',
    explanation: 'Lockdep ran out of room for its dependency data and turned itself off.',
  },
  {
    ...LOCKDEP_BASE,
    kind: 'lockdep-bug',
    longBody: true,
    name: 'Invalid wait context',
    severity: 'warning',
    // arm/arm64 print it as a BUG, x86 as a lockdep WARNING: one title for both, as syzkaller does.
    header: /^BUG: Invalid wait context/,
    title: 'WARNING: locking bug in {FUNC}',
    frames: STACK_ONLY('lock_sock', 'release_sock'),
    explanation:
      'A lock was taken in a context that may not wait for it (a sleeping lock under a spinning one, or a spinlock in a raw context).',
  },
  {
    kind: 'vfs-file-count',
    name: 'Busy inodes after unmount',
    severity: 'error',
    header: /^VFS: Busy inodes after unmount/,
    title: 'VFS: Busy inodes after unmount (use-after-free)',
    explanation:
      'A filesystem was unmounted while some of its inodes were still referenced: a reference leak, and a use-after-free once the superblock is gone.',
    source: 'fs/super.c (generic_shutdown_super)',
  },
  {
    kind: 'spinlock',
    name: 'Spinlock bug',
    severity: 'error',
    header:
      /^BUG: (spinlock|rwlock) (lockup suspected|already unlocked|recursion|cpu recursion|bad magic|wrong owner|wrong CPU|trylock failure on UP)/,
    title: 'BUG: $1 $2 in {FUNC}',
    frames: STACK_ONLY('spin_', '_lock', '_unlock'),
    explanation:
      'CONFIG_DEBUG_SPINLOCK caught a spinlock misused: locked twice, unlocked when not held, or never released.',
    source: 'kernel/locking/spinlock_debug.c',
    doc: DOC_LOCKDEP,
  },
  {
    kind: 'scheduling-while-atomic',
    name: 'Scheduling while atomic',
    severity: 'error',
    header: /^BUG: scheduling while atomic: /,
    title: 'BUG: scheduling while atomic in {FUNC}',
    frames: STACK_ONLY('schedule', 'preempt', ...SLEEPING_HELPERS),
    explanation: 'A task called schedule() while holding a spinlock or with preemption disabled.',
    source: 'kernel/sched/core.c (__schedule_bug)',
    doc: DOC_OOPS,
  },
  {
    kind: 'sleep-in-atomic',
    name: 'Sleeping function called from invalid context',
    severity: 'warning',
    header: /^BUG: sleeping function called from invalid context at /,
    title: 'BUG: sleeping function called from invalid context in {FUNC}',
    frames: STACK_ONLY(...SLEEPING_HELPERS),
    explanation:
      'A function that may sleep was called in atomic context (spinlock held, interrupts off, or in an interrupt).',
    source: 'kernel/sched/core.c (__might_resched)',
    doc: DOC_OOPS,
  },
  {
    kind: 'preemptible',
    name: 'Per-CPU access in preemptible code',
    severity: 'warning',
    header: /^BUG: using (__this_cpu_[a-z_]{1,20}\(\)|smp_processor_id\(\)) in preemptible/,
    title: 'BUG: using $1 in preemptible code in {FUNC}',
    frames: STACK_ONLY(
      'dump_stack',
      'preemption',
      'preempt',
      'debug_smp_processor_id',
      '__this_cpu_preempt_check',
    ),
    explanation:
      'Per-CPU data was used with preemption enabled: the task can migrate to another CPU in the middle.',
    source: 'lib/smp_processor_id.c (check_preemption_disabled)',
  },

  // --- WARNING variants (specific first) ------------------------------------------------------------
  {
    ...WARNING_BASE,
    header: /^WARNING: .{0,200}lib\/debugobjects\.c.{0,100} (?:debug_print|debug_check)/,
    title: 'WARNING: ODEBUG bug in {FUNC}',
    frames: WARN_FRAMES(
      'debug_',
      'rcu',
      'hrtimer_',
      'timer_',
      'work_',
      'percpu_',
      'kmem_',
      'slab_',
      'kfree',
      'vunmap',
      'vfree',
      '__free_',
      'debug_check',
      'kobject_',
    ),
  },
  {
    ...WARNING_BASE,
    header: /^WARNING: .{0,200}mm\/usercopy\.c.{0,100} usercopy_warn/,
    title: 'WARNING: bad usercopy in {FUNC}',
    frames: WARN_FRAMES(...USERCOPY_FRAMES),
  },
  {
    // include/linux/thread_info.h check_copy_size: a copy_{to,from}_user longer than the object the compiler
    // knows (`Buffer overflow detected (64 < 128)!`), reported by mm/maccess.c __copy_overflow.
    ...WARNING_BASE,
    header: /^WARNING: .{0,200}mm\/maccess\.c.{0,100} __copy_overflow/,
    title: 'WARNING in {FUNC}',
    frames: WARN_FRAMES('^__copy_overflow', ...USERCOPY_FRAMES),
  },
  {
    ...WARNING_BASE,
    header: /^WARNING: .{0,200}lib\/kobject\.c.{0,100} kobject_/,
    title: 'WARNING: kobject bug in {FUNC}',
    frames: WARN_FRAMES('kobject_'),
  },
  {
    ...WARNING_BASE,
    header: /^WARNING: .{0,200}fs\/proc\/generic\.c.{0,100} proc_register/,
    title: 'WARNING: proc registration bug in {FUNC}',
    frames: WARN_FRAMES('proc_'),
  },
  {
    ...WARNING_BASE,
    kind: 'refcount',
    header: /^WARNING: .{0,200}lib\/refcount\.c.{0,100} refcount_/,
    title: 'WARNING: refcount bug in {FUNC}',
    frames: WARN_FRAMES('refcount', 'kobject_'),
    explanation:
      'A refcount_t saturated, went to zero unexpectedly or was incremented from zero: usually a use-after-free or a missing get/put.',
    source: 'lib/refcount.c (refcount_warn_saturate)',
  },
  {
    ...WARNING_BASE,
    header: /^WARNING: .{0,200}kernel\/locking\/lockdep\.c.{0,100}lock_/,
    title: 'WARNING: locking bug in {FUNC}',
    frames: WARN_FRAMES('lock_sock', 'release_sock'),
  },
  {
    ...WARNING_BASE,
    header: /^WARNING: .{0,200}mm\/[a-z_]{1,30}\.c.{0,100} k?.?malloc/,
    title: 'WARNING: kmalloc bug in {FUNC}',
    frames: WARN_FRAMES('kmalloc', 'krealloc', 'kcalloc', 'kzalloc', 'vmalloc', 'slab', 'kmem'),
  },
  {
    ...WARNING_BASE,
    header: /^WARNING: .{0,200}mm\/vmalloc\.c.{0,100} __vmalloc_node_range/,
    title: 'WARNING: zero-size vmalloc in {FUNC}',
    frames: WARN_FRAMES('vmalloc'),
  },
  {
    ...WARNING_BASE,
    header: /^WARNING: .{0,200} usb_submit_urb/,
    title: 'WARNING in {FUNC}/usb_submit_urb',
    frames: WARN_FRAMES(
      'usb_submit_urb',
      'usb_start_wait_urb',
      'usb_bulk_msg',
      'usb_interrupt_msg',
      'usb_control_msg',
    ),
  },
  {
    ...WARNING_BASE,
    header: /^WARNING: kernel stack regs at [0-9a-f]{1,16} in \S{1,80} has bad '([^']{1,8})' value/,
    title: "WARNING: kernel stack regs has bad '$1' value",
  },
  {
    ...WARNING_BASE,
    header: /^WARNING: kernel stack regs .{0,120}has bad 'bp' value/,
    title: 'WARNING: kernel stack regs has bad value',
  },
  {
    ...WARNING_BASE,
    header: /^WARNING: kernel stack frame pointer at .{0,120} has bad value/,
    title: 'WARNING: kernel stack frame pointer has bad value',
  },
  {
    ...WARNING_BASE,
    // 6.19 prints the file first, `[cond] ` before it with CONFIG_DEBUG_BUGVERBOSE_DETAILED (glued to the file
    // on riscv), and `at 0x0` when a UD1 trap raised the WARN (the RIP line then names the function).
    header:
      /^WARNING: (?:CPU: \d{1,5} PID: -?\d{1,10} )?at \S|^WARNING: (?:\[.{1,200}?\] ?)?[\w./-]{1,200}:\d{1,6} at \S/,
    title: 'WARNING in {FUNC}',
    frames: WARN_FRAMES(),
  },
  {
    ...WARNING_BASE,
    header: /^WARNING: CPU: \d{1,5} PID: \d{1,10} at\s*$|^WARNING:\s*$/,
    title: 'WARNING in {FUNC}',
    frames: WARN_FRAMES(),
  },

  // --- Memory --------------------------------------------------------------------------------------
  {
    kind: 'oom-invoked',
    seeThrough: true,
    longBody: true,
    name: 'OOM killer invoked',
    severity: 'warning',
    header: /^(\S.{0,63}?) invoked oom-killer: /,
    title: 'OOM killer invoked by $1',
    onVictim: { kind: 'oom-kill', title: 'Out of memory: Killed process ($1)' },
    explanation:
      'Memory ran out and reclaim could not free enough: the kernel chose a process to kill to free memory.',
    source: 'mm/oom_kill.c (dump_header)',
    doc: DOC_OOM,
  },
  {
    kind: 'oom-kill',
    seeThrough: true,
    name: 'OOM kill',
    severity: 'warning',
    header:
      /^(?:Out of memory(?: \(oom_kill_allocating_task\))?|Memory cgroup out of memory): Kill(?:ed)? process \d{1,10} \((.{1,64}?)\)/,
    title: 'Out of memory: Killed process ($1)',
    explanation: 'The OOM killer killed a process to free memory.',
    source: 'mm/oom_kill.c (__oom_kill_process)',
    doc: DOC_OOM,
    continues: ['oom-invoked'],
    // The Mem-Info dump and the task table come between `invoked oom-killer` and `Killed process`.
    continueWithin: 1000,
  },
  {
    kind: 'alloc-failure',
    seeThrough: true,
    longBody: true,
    name: 'Page allocation failure',
    severity: 'warning',
    header: /^(\S.{0,63}?): page allocation failure: order:(\d{1,2})/,
    title: 'page allocation failure: order:$2',
    explanation:
      'An allocation that was allowed to fail did fail; the caller is expected to handle it, but this shows memory pressure or fragmentation.',
    source: 'mm/page_alloc.c (warn_alloc)',
  },
  {
    kind: 'list-corruption',
    seeThrough: true,
    name: 'List corruption',
    severity: 'error',
    header: /^(?:list_(?:add|del) corruption|BUG: corrupted list)/,
    title: 'BUG: corrupted list in {FUNC}',
    frames: { parts: ['ip', CALL_TRACE, 'stack'], parts2: [CALL_TRACE, 'stack'] },
    explanation:
      'CONFIG_DEBUG_LIST found a linked list whose pointers do not agree: a use-after-free, a double list_del or a race.',
    source: 'lib/list_debug.c',
    doc: DOC_OOPS,
  },
  {
    kind: 'usercopy',
    name: 'Bad usercopy',
    severity: 'error',
    header: /^usercopy: Kernel memory (?:overwrite attempt|exposure attempt) detected/,
    title: 'BUG: bad usercopy in {FUNC}',
    frames: STACK_ONLY(...USERCOPY_FRAMES),
    explanation:
      'Hardened usercopy refused a copy between user space and a kernel object that would overflow it or expose the wrong memory.',
    source: 'mm/usercopy.c (usercopy_abort)',
  },
  {
    kind: 'bad-page-state',
    longBody: true,
    name: 'Bad page map',
    severity: 'error',
    header: /^BUG: Bad page map in process /,
    title: 'BUG: Bad page map',
    explanation: 'A page-table entry pointed at a page whose state does not allow the mapping.',
    source: 'mm/memory.c (print_bad_pte)',
  },
  {
    kind: 'bad-page-state',
    longBody: true,
    name: 'Bad page state',
    severity: 'error',
    header: /^BUG: Bad page (state|cache) in process /,
    title: 'BUG: Bad page $1 in {FUNC}',
    // Who allocated the page (page_owner's stack) says more than where the bad state was noticed.
    frames: {
      parts: [/page last allocated/, 'stack'],
      // Without page_owner only the stack that noticed is left (syzkaller says `corrupted`): past the
      // reporter and the freeing path it still shows who let go of the page.
      skip: [
        '(?:free|put|get|update|release)_page',
        'free_unref',
        '^_*folio',
        'truncate_inode_pages',
        'page_frag_free',
        'alloc',
        'vmap',
        'page_owner',
        '^bad_page$',
      ],
    },
    explanation: 'A page being freed or allocated had unexpected flags, mapping or reference count.',
    source: 'mm/page_alloc.c (bad_page)',
  },
  {
    kind: 'bad-page-state',
    longBody: true,
    name: 'Dentry still in use',
    severity: 'error',
    header:
      /^BUG: Dentry [0-9a-f]{1,16}\{[^}]{0,200}\} {1,2}still in use \(\d{1,10}\) \[unmount of ([^\]]{1,100})\]/,
    title: 'BUG: Dentry still in use [unmount of $1]',
    explanation:
      'A filesystem was unmounted while a dentry of it was still referenced: a reference leak or a use-after-free on unmount.',
    source: 'fs/dcache.c (umount_check)',
  },
  {
    kind: 'bad-page-state',
    longBody: true,
    name: 'Bad rss-counter state',
    severity: 'error',
    header: /^BUG: (Bad rss-counter state|non-zero nr_ptes on freeing mm|non-zero nr_pmds on freeing mm)/,
    title: 'BUG: $1',
    explanation: 'An mm was torn down with page counters that do not add up.',
    source: 'kernel/fork.c (check_mm)',
  },
  {
    // syzkaller's own title for this SLUB defect; the other defects are titled by the entry below.
    kind: 'slab-corruption',
    longBody: true,
    name: 'Object already free',
    severity: 'error',
    header: /^BUG [\w-]{1,40} \([^)]{0,60}\): Object already free/,
    title: 'BUG: Object already free',
    frames: STACK_ONLY(...SLUB_FRAMES),
    explanation: 'SLUB debugging found an object freed twice.',
    source: 'mm/slub.c (free_consistency_checks)',
  },
  {
    // mm/slub.c slab_bug: `BUG <cache> (<print_tainted()>): <defect>` (Right/Left Redzone overwritten, Poison
    // overwritten, Padding overwritten, Freepointer corrupt, …), then the object's track, the Slab/Object lines,
    // the Redzone/Object/Padding hex dump, the stack of the check and `FIX <cache>: …`. syzkaller has no rule.
    kind: 'slab-corruption',
    longBody: true,
    name: 'SLUB debug: slab corruption',
    severity: 'error',
    // 4.x KASAN printed its own reports through slab_bug too (`…): kasan: bad access detected`): not SLUB's.
    header: /^BUG ([\w.:-]{1,40}) \((?:Tainted: [^)]{0,60}|Not tainted)\): (?!kasan: )(.{1,100}?)\s*$/,
    title: '$2 in $1',
    frames: STACK_ONLY(...SLUB_FRAMES),
    explanation:
      'SLUB debugging (slub_debug=FZPU or CONFIG_SLUB_DEBUG_ON) found a slab object damaged: a write past its end (right redzone), before its start (left redzone), after it was freed (poison), or a corrupted free pointer.',
    source: 'mm/slub.c (slab_bug, check_bytes_and_report)',
    doc: 'https://docs.kernel.org/mm/slub.html',
  },
  {
    kind: 'bad-page-state',
    longBody: true,
    name: 'Slab object track',
    severity: 'error',
    // Part of a SLUB debug report; seen alone, the rest of the report was lost.
    header: /^INFO: (Allocated|Freed) in (\S{1,120} age=\d{1,12} cpu=\d{1,5} pid=\d{1,10})/,
    title: 'INFO: $1 in $2',
    dynamicText: true,
    explanation:
      'SLUB debugging printed where a slab object was allocated or freed, as part of a report on a corrupted or misused object.',
    source: 'mm/slub.c (print_track)',
    continues: ['bad-page-state', 'slab-corruption'],
    continueWithin: 40,
  },
  { ...MEMORY_LEAK_BASE, header: /^BUG: memory leak/ },
  {
    ...MEMORY_LEAK_BASE,
    header: /^unreferenced object 0x[0-9a-f]{1,16} \(size \d{1,12}\):/,
    // syzkaller prints `BUG: memory leak` just before kmemleak's own report.
    continues: ['memory-leak'],
    continueWithin: 2,
  },
  {
    kind: 'netdev-refcount',
    seeThrough: true,
    name: 'Network device reference leak',
    severity: 'warning',
    header: /^unregister_netdevice: waiting for \S{1,40} to become free/,
    title: 'unregister_netdevice: waiting for DEV to become free',
    explanation: 'A network device cannot be unregistered because something still holds a reference to it.',
    source: 'net/core/dev.c (netdev_wait_allrefs)',
  },
  {
    kind: 'vfs-file-count',
    name: 'File count is zero',
    severity: 'error',
    header: /^VFS: Close: file count is 0/,
    title: 'VFS: Close: file count is zero (use-after-free)',
    explanation:
      'A file was closed whose reference count was already zero: a use-after-free of a struct file.',
    source: 'fs/open.c (filp_close)',
  },

  // --- Hardware -------------------------------------------------------------------------------------
  {
    kind: 'machine-check',
    name: 'Machine check / hardware error',
    severity: 'error',
    header: /^(?:mce: )?\[Hardware Error\]:|^Machine check events logged|^mce: CPU\d{1,5}: Machine Check/,
    title: 'hardware error (machine check)',
    explanation:
      'The CPU or memory controller reported a hardware error. Suspect hardware (memory, CPU, bus) before software.',
    source: 'arch/x86/kernel/cpu/mce/core.c',
    doc: 'https://docs.kernel.org/admin-guide/ras.html',
    // One machine-check record spans several `[Hardware Error]:` lines.
    continues: ['machine-check'],
    continueWithin: 40,
  },
  {
    kind: 'refcount',
    name: 'refcount_t warning',
    severity: 'warning',
    header: /^refcount_t: (?:underflow|overflow|saturated|addition on 0|decrement hit 0)/,
    title: 'WARNING: refcount bug in {FUNC}',
    frames: WARN_FRAMES('refcount', 'kobject_'),
    explanation:
      'A refcount_t saturated, went to zero unexpectedly or was incremented from zero: usually a use-after-free or a missing get/put.',
    source: 'lib/refcount.c (refcount_warn_saturate)',
    // Newer kernels print the WARNING first and the refcount_t line right after it.
    continues: ['refcount'],
    continueWithin: 3,
  },
  {
    kind: 'block-io-error',
    name: 'Block I/O error',
    severity: 'warning',
    header:
      /^(?:blk_update_request: I\/O error|(?:critical medium|I\/O) error, dev \S{1,32}, sector \d{1,20}|Buffer I\/O error on dev)/,
    title: 'block I/O error',
    explanation:
      'A block device reported a failed read or write: check the device, cabling, and the lines before this.',
    source: 'block/blk-core.c (blk_print_req_error)',
  },

  // --- User space (information) ---------------------------------------------------------------------
  {
    kind: 'segfault',
    name: 'User-space segfault',
    severity: 'information',
    header: /^(\S{1,64})\[\d{1,10}\]: segfault at [0-9a-f]{1,16} ip /,
    title: '$1: segfault',
    explanation:
      'A user-space process was killed by SIGSEGV. This is the kernel reporting a user bug, not a kernel bug.',
    source: 'arch/x86/mm/fault.c (show_signal_msg)',
  },
  {
    kind: 'user-trap',
    name: 'User-space trap',
    severity: 'information',
    header: /^traps: (\S{1,64})\[\d{1,10}\] (.{1,80}?) ip:/,
    title: '$1: $2',
    explanation:
      'A user-space process raised a CPU exception (general protection, invalid opcode, divide error…) and got a signal.',
    source: 'arch/x86/kernel/traps.c (show_signal)',
  },

  // --- The fuzzer's own failures (syzbot console logs) ---------------------------------------------
  {
    kind: 'syzkaller-failure',
    name: 'syzkaller executor failure',
    severity: 'warning',
    // syzkaller executor/common.h fail()/failmsg() print `SYZFAIL: <msg>`; titled as syzkaller's
    // pkg/report/report.go commonOopses do (`SYZFAIL:` + the rest of the line).
    header: /^SYZFAIL:(.{0,200})/,
    title: 'SYZFAIL:$1',
    explanation:
      'The syzkaller executor in the guest failed on its own (not a kernel report): the fuzzing run stopped. The lines before it say which call or resource failed.',
    source: 'syzkaller executor/common.h (fail)',
  },
] as const satisfies readonly CatalogueEntryOf<string>[];

/** Every kind of event the engine reports: the catalogue's own `kind`s, so a misspelt kind does not compile. */
export type EventKind = (typeof ENTRIES)[number]['kind'];

export type CatalogueEntry = CatalogueEntryOf<EventKind>;

export const CATALOGUE: readonly CatalogueEntry[] = ENTRIES;

/**
 * A cheap filter run on every line: headers start with one of these words (anchored, so a line that
 * does not fails at its first characters) or contain one of the few mid-line markers.
 */
const HEADER_START =
  /^ {0,8}(?:\[ )?(?:BUG|Oops|WARNING|Kernel panic|PANIC|kernel BUG|Kernel BUG|general protection|segment-related general|kasan: GPF could be caused by NULL-ptr deref or user memory accessgeneral|stack segment|divide[ _]error|invalid opcode|int3: |Internal error|Unable to handle|Unhandled fault|Alignment trap|INFO:|rcu: INFO|(?:NMI )?watchdog:|Watchdog detected|UBSAN:|list_(?:add|del) corruption|unreferenced object|Out of memory|Memory cgroup out of memory|refcount_t:|traps:|rust_kernel: panicked|trusty: (?:panic|0x[0-9a-f]{1,16}\): )|usercopy:|Insufficient stack space|unregister_netdevice|VFS: Close|VFS: Busy inodes|mce:|\[Hardware Error\]|Machine check|blk_update_request|I\/O error|critical medium|Buffer I\/O error|SYZFAIL:)/;
/**
 * Headers that do not start their line all follow the task name and its first `: `
 * (`dd invoked oom-killer: `, `dd: page allocation failure: `, `a.out[12]: segfault at `): one indexOf and
 * a few comparisons instead of scanning the line for each.
 */
function hasInsideMarker(text: string, from: number): boolean {
  const colon = text.indexOf(': ', from);
  if (colon < 0) return false;
  return (
    text.startsWith('page allocation failure: ', colon + 2) ||
    (text.charCodeAt(colon - 1) === 93 /* ] */ && text.startsWith('segfault at ', colon + 2)) ||
    text.startsWith(' invoked oom-killer', colon - 19)
  );
}
const HEADER_START_AT = new RegExp(HEADER_START.source.slice(1), 'y');

/** The cheap filter applied at a position of a raw line (the message start), without slicing it. */
export function mayBeHeaderAt(raw: string, pos: number): boolean {
  HEADER_START_AT.lastIndex = pos;
  return HEADER_START_AT.test(raw) || hasInsideMarker(raw, pos);
}

export interface HeaderMatch {
  entry: CatalogueEntry;
  match: RegExpExecArray;
  /** Where in the message the matched header starts (after indentation and old lockdep's `[ `). */
  offset: number;
}

/** Lockdep before 4.15 framed its banners: `[ INFO: possible circular locking dependency detected ]`. */
const OLD_LOCKDEP_FRAME = /^\[ (?=(?:INFO|BUG|WARNING): .{1,100} \]\s*$)/;

export function matchHeader(message: string): HeaderMatch | null {
  if (!HEADER_START.test(message) && !hasInsideMarker(message, 0)) return null;
  let offset = 0;
  while (message.charCodeAt(offset) === 32) offset++;
  const framed = OLD_LOCKDEP_FRAME.exec(offset ? message.slice(offset) : message);
  if (framed) offset += framed[0].length;
  const text = offset ? message.slice(offset) : message;
  for (const entry of CATALOGUE) {
    const match = entry.header.exec(text);
    if (match) return { entry, match, offset };
  }
  return null;
}

export function entryByKind(kind: string): CatalogueEntry | undefined {
  return CATALOGUE.find((e) => e.kind === kind);
}
