// The event catalogue: every kind of kernel event we recognise, as data. Each entry says how its header
// line is recognised (a regex on the normalised message), how it is titled (syzkaller's conventions,
// https://github.com/google/syzkaller/blob/master/pkg/report/linux.go), its severity and a short
// explanation. `source` names the kernel file that prints the header, so the table can be checked.

import type { Severity } from './model';

export interface CatalogueEntry {
  /** Stable id, used as the diagnostic code. */
  kind: string;
  /** Human name of the event kind. */
  name: string;
  severity: Severity;
  /** Recognises the header on a prefix-stripped message. Anchored; bounded; no nested quantifiers. */
  header: RegExp;
  /**
   * Title template. `{FUNC}` is replaced by the guilty frame's function (the title drops ` in {FUNC}`
   * when there is none); `$1`… by the header's capture groups.
   */
  title: string;
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
  continues?: readonly string[];
}

const DOC_OOPS = 'https://docs.kernel.org/admin-guide/bug-hunting.html';
const DOC_TAINT = 'https://docs.kernel.org/admin-guide/tainted-kernels.html';
const DOC_LOCKUP = 'https://docs.kernel.org/admin-guide/lockup-watchdogs.html';
const DOC_KASAN = 'https://docs.kernel.org/dev-tools/kasan.html';
const DOC_LOCKDEP = 'https://docs.kernel.org/locking/lockdep-design.html';

/** Kinds that open an oops report; `Oops:` lines continue them. */
const OOPS_OPENERS = ['null-deref', 'paging-request', 'kernel-bug', 'kasan', 'page-fault'] as const;

export const CATALOGUE: readonly CatalogueEntry[] = [
  {
    kind: 'null-deref',
    name: 'NULL pointer dereference',
    severity: 'error',
    header: /^BUG: (?:kernel NULL pointer dereference|unable to handle kernel NULL pointer dereference)/,
    title: 'BUG: unable to handle kernel NULL pointer dereference in {FUNC}',
    explanation:
      'The kernel dereferenced a pointer that was NULL (or NULL plus a small offset: a field of a NULL struct pointer). The page-fault handler could not fix it up, so the task was killed with an oops.',
    source: 'arch/x86/mm/fault.c (show_fault_oops)',
    doc: DOC_OOPS,
  },
  {
    kind: 'paging-request',
    name: 'Bad paging request',
    severity: 'error',
    header: /^BUG: unable to handle (?:kernel paging request|page fault for address)/,
    title: 'BUG: unable to handle kernel paging request in {FUNC}',
    explanation:
      'The kernel accessed an address with no valid mapping (or with the wrong permissions). Often a use-after-free, a corrupted pointer or an out-of-bounds access.',
    source: 'arch/x86/mm/fault.c (show_fault_oops)',
    doc: DOC_OOPS,
  },
  {
    kind: 'arm-page-fault',
    name: 'Unable to handle kernel paging request (arm/arm64)',
    severity: 'error',
    header: /^Unable to handle kernel (NULL pointer dereference|paging request|execute from non-executable memory|access to user memory)/,
    title: 'Unable to handle kernel $1 in {FUNC}',
    explanation:
      'The CPU raised a data or instruction abort on a kernel access that the fault handler could not fix up.',
    source: 'arch/arm64/mm/fault.c (die_kernel_fault)',
    doc: DOC_OOPS,
  },
  {
    kind: 'oops',
    name: 'Oops',
    severity: 'error',
    header: /^(?:Internal error: )?Oops(?: - [\w ]+)?: (?:[0-9a-f]+ )?\[#\d+\]|^Oops: [0-9a-f]{4}/,
    title: 'Oops in {FUNC}',
    explanation:
      'The kernel hit a fault it cannot handle in kernel mode. The faulting task is killed; the kernel goes on running in a possibly inconsistent state unless panic_on_oops is set.',
    source: 'arch/x86/kernel/dumpstack.c (__die)',
    doc: DOC_OOPS,
    continues: [...OOPS_OPENERS, 'arm-page-fault'],
  },
  {
    kind: 'gpf',
    name: 'General protection fault',
    severity: 'error',
    header: /^general protection fault(?:, (?:probably|maybe) for (?:non-canonical )?address 0x[0-9a-f]+)?(?::|$)/,
    title: 'general protection fault in {FUNC}',
    explanation:
      'The CPU raised #GP: most often a non-canonical pointer was dereferenced (poison values such as 0xdead000000000100 or garbage from a use-after-free), or a privileged instruction was misused.',
    source: 'arch/x86/kernel/traps.c (exc_general_protection)',
    doc: DOC_OOPS,
  },
  {
    kind: 'kernel-bug',
    name: 'kernel BUG',
    severity: 'error',
    header: /^(?:------------\[ cut here \]------------ )?kernel BUG at /,
    title: 'kernel BUG in {FUNC}',
    explanation:
      'A BUG() or BUG_ON() assertion in the kernel failed: the code found a state it considers impossible and stopped the task with an invalid-opcode trap.',
    source: 'lib/bug.c (report_bug)',
    doc: DOC_OOPS,
    // CONFIG_BUG_ON_DATA_CORRUPTION: lib/list_debug.c prints its complaint, then BUG()s.
    continues: ['list-corruption'],
  },
  {
    kind: 'invalid-opcode',
    name: 'Invalid opcode',
    severity: 'error',
    header: /^(?:Oops: )?invalid opcode: [0-9a-f]{4}/,
    title: 'invalid opcode in {FUNC}',
    explanation:
      'The CPU hit an undefined instruction (#UD) in kernel mode. After `kernel BUG at` this is how BUG() traps; on its own it means corrupted code or a jump into data.',
    source: 'arch/x86/kernel/traps.c (exc_invalid_op)',
    doc: DOC_OOPS,
    continues: ['kernel-bug'],
  },
  {
    kind: 'warning',
    name: 'WARNING',
    severity: 'warning',
    header: /^WARNING: (?:CPU: \d+ PID: \d+ at |at )\S/,
    title: 'WARNING in {FUNC}',
    explanation:
      'A WARN_ON() or WARN() condition was true: the kernel found something unexpected but carried on. With panic_on_warn set this becomes a panic.',
    source: 'kernel/panic.c (__warn)',
    doc: DOC_OOPS,
  },
  {
    kind: 'stack-protector',
    name: 'Stack protector',
    severity: 'error',
    header: /^Kernel panic - not syncing: stack-protector: Kernel stack is corrupted in: /,
    title: 'kernel panic: stack is corrupted in {FUNC}',
    explanation: 'The stack canary of a function was overwritten: a stack buffer overflow.',
    source: 'kernel/panic.c (__stack_chk_fail)',
    doc: DOC_OOPS,
  },
  {
    kind: 'panic',
    name: 'Kernel panic',
    severity: 'error',
    header: /^Kernel panic - not syncing: (.*?)\s*$/,
    title: 'kernel panic: $1',
    explanation:
      'The kernel stopped: it found a condition it cannot recover from (or was told to panic on oops, warning, lockup or OOM). Nothing runs after this except kdump, if configured.',
    source: 'kernel/panic.c (panic)',
    doc: DOC_OOPS,
  },
  {
    kind: 'double-fault',
    name: 'Double fault',
    severity: 'error',
    header: /^PANIC: double fault/,
    title: 'PANIC: double fault in {FUNC}',
    explanation:
      'A fault happened while the CPU was delivering another fault, usually because the kernel stack overflowed or the stack pointer was corrupted.',
    source: 'arch/x86/kernel/traps.c (exc_double_fault)',
    doc: DOC_OOPS,
  },
  {
    kind: 'stack-guard',
    name: 'Stack overflow',
    severity: 'error',
    header: /^BUG: stack guard page was hit at/,
    title: 'BUG: stack guard page was hit in {FUNC}',
    explanation: 'A kernel stack overflowed into its guard page: deep or unbounded recursion, or a huge on-stack buffer.',
    source: 'arch/x86/kernel/traps.c (handle_stack_overflow)',
    doc: DOC_OOPS,
  },
  {
    kind: 'soft-lockup',
    name: 'Soft lockup',
    severity: 'error',
    header: /^(?:watchdog: )?BUG: soft lockup - CPU#\d+ stuck for \d+s!/,
    title: 'BUG: soft lockup in {FUNC}',
    explanation:
      'A CPU ran kernel code without scheduling for longer than the soft-lockup threshold (2 × watchdog_thresh): a busy loop, a long loop without cond_resched(), or a deadlock on a spinlock.',
    source: 'kernel/watchdog.c (watchdog_timer_fn)',
    doc: DOC_LOCKUP,
  },
  {
    kind: 'hard-lockup',
    name: 'Hard lockup',
    severity: 'error',
    header: /^(?:NMI watchdog: )?Watchdog detected hard LOCKUP on cpu \d+/,
    title: 'BUG: hard lockup in {FUNC}',
    explanation:
      'A CPU stopped taking timer interrupts for longer than watchdog_thresh: interrupts were disabled for too long, usually a deadlock with a spinlock held and interrupts off.',
    source: 'kernel/watchdog_perf.c (watchdog_overflow_callback)',
    doc: DOC_LOCKUP,
  },
  {
    kind: 'hung-task',
    name: 'Hung task',
    severity: 'error',
    header: /^INFO: task (.{1,64}):\d+ blocked for more than \d+ seconds\./,
    title: 'INFO: task hung in {FUNC}',
    explanation:
      'A task stayed in uninterruptible sleep (state D) longer than hung_task_timeout_secs: it waits for a lock, I/O or an event that never comes.',
    source: 'kernel/hung_task.c (check_hung_task)',
    doc: DOC_LOCKUP,
  },
  {
    kind: 'rcu-stall',
    name: 'RCU stall',
    severity: 'error',
    header: /^(?:rcu: )?INFO: rcu_(?:preempt|sched|bh) (?:self-)?detected (?:expedited )?stalls?/,
    title: 'INFO: rcu detected stall in {FUNC}',
    explanation:
      'An RCU grace period did not complete in time: some CPU or task stayed in an RCU read-side critical section, or a CPU looped with interrupts or preemption disabled.',
    source: 'kernel/rcu/tree_stall.h',
    doc: 'https://docs.kernel.org/RCU/stallwarn.html',
  },
  {
    kind: 'workqueue-lockup',
    name: 'Workqueue lockup',
    severity: 'error',
    header: /^BUG: workqueue lockup - pool/,
    title: 'BUG: workqueue lockup',
    explanation: 'A workqueue worker pool made no progress for too long: a work item is stuck or hogging the CPU.',
    source: 'kernel/workqueue.c (wq_watchdog_timer_fn)',
    doc: DOC_LOCKUP,
  },
  {
    kind: 'oom-invoked',
    name: 'OOM killer invoked',
    severity: 'warning',
    header: /^(.{1,64}?) invoked oom-killer: /,
    title: 'OOM killer invoked by $1',
    explanation:
      'Memory ran out and reclaim could not free enough: the kernel chose a process to kill to free memory.',
    source: 'mm/oom_kill.c (dump_header)',
    doc: 'https://docs.kernel.org/admin-guide/mm/concepts.html#oom-killer',
  },
  {
    kind: 'oom-kill',
    name: 'OOM kill',
    severity: 'warning',
    header: /^(?:Out of memory(?: \(oom_kill_allocating_task\))?|Memory cgroup out of memory): Killed process \d+ \((.{1,64})\)/,
    title: 'Out of memory: Killed process ($1)',
    explanation: 'The OOM killer killed a process to free memory.',
    source: 'mm/oom_kill.c (__oom_kill_process)',
    doc: 'https://docs.kernel.org/admin-guide/mm/concepts.html#oom-killer',
    continues: ['oom-invoked'],
  },
  {
    kind: 'alloc-failure',
    name: 'Page allocation failure',
    severity: 'warning',
    header: /^(.{1,64}?): page allocation failure: order:(\d+)/,
    title: 'page allocation failure: order:$2',
    explanation: 'An allocation that was allowed to fail did fail; the caller is expected to handle it, but this shows memory pressure or fragmentation.',
    source: 'mm/page_alloc.c (warn_alloc)',
  },
  {
    kind: 'kasan',
    name: 'KASAN report',
    severity: 'error',
    header: /^BUG: KASAN: ([a-z0-9-]+) in /,
    title: 'KASAN: $1 {ACCESS} in {FUNC}',
    explanation:
      'The Kernel Address Sanitizer caught an invalid memory access (use-after-free, out-of-bounds, double-free…) at the moment it happened.',
    source: 'mm/kasan/report.c',
    doc: DOC_KASAN,
  },
  {
    kind: 'kfence',
    name: 'KFENCE report',
    severity: 'error',
    header: /^BUG: KFENCE: ([a-z0-9-]+(?: (?:read|write))?) in /,
    title: 'KFENCE: $1 in {FUNC}',
    explanation: 'KFENCE, the sampling memory-safety detector, caught an invalid access to a guarded object.',
    source: 'mm/kfence/report.c',
    doc: 'https://docs.kernel.org/dev-tools/kfence.html',
  },
  {
    kind: 'kmsan',
    name: 'KMSAN report',
    severity: 'error',
    header: /^BUG: KMSAN: ([a-z0-9-]+) in /,
    title: 'KMSAN: $1 in {FUNC}',
    explanation: 'The Kernel Memory Sanitizer found a use of uninitialised memory.',
    source: 'mm/kmsan/report.c',
    doc: 'https://docs.kernel.org/dev-tools/kmsan.html',
  },
  {
    kind: 'kcsan',
    name: 'KCSAN data race',
    severity: 'warning',
    header: /^BUG: KCSAN: ([a-z0-9-]+) in /,
    title: 'KCSAN: $1 in {FUNC}',
    explanation: 'The Kernel Concurrency Sanitizer saw two unsynchronised accesses to the same memory, at least one a write.',
    source: 'kernel/kcsan/report.c',
    doc: 'https://docs.kernel.org/dev-tools/kcsan.html',
  },
  {
    kind: 'ubsan',
    name: 'UBSAN report',
    severity: 'warning',
    header: /^UBSAN: ([a-z0-9-]+(?: [a-z0-9-]+)?) in /,
    title: 'UBSAN: $1 in {FUNC}',
    explanation: 'The Undefined Behaviour Sanitizer caught undefined behaviour (shift out of bounds, array index out of bounds, overflow…).',
    source: 'lib/ubsan.c',
    doc: 'https://docs.kernel.org/dev-tools/ubsan.html',
  },
  {
    kind: 'lockdep-circular',
    name: 'Possible circular locking dependency',
    severity: 'error',
    header: /^WARNING: possible circular locking dependency detected/,
    title: 'possible deadlock in {FUNC}',
    explanation: 'Lockdep saw locks taken in orders that can deadlock (A then B here, B then A elsewhere).',
    source: 'kernel/locking/lockdep.c (print_circular_bug_header)',
    doc: DOC_LOCKDEP,
  },
  {
    kind: 'lockdep-recursive',
    name: 'Possible recursive locking',
    severity: 'error',
    header: /^WARNING: possible recursive locking detected/,
    title: 'possible deadlock in {FUNC}',
    explanation: 'A task tries to take a lock of a class it already holds.',
    source: 'kernel/locking/lockdep.c (print_deadlock_bug)',
    doc: DOC_LOCKDEP,
  },
  {
    kind: 'lockdep-inconsistent',
    name: 'Inconsistent lock state',
    severity: 'error',
    header: /^WARNING: inconsistent lock state/,
    title: 'inconsistent lock state in {FUNC}',
    explanation: 'A lock is taken both with interrupts enabled and from interrupt context: an interrupt can deadlock on it.',
    source: 'kernel/locking/lockdep.c (print_usage_bug)',
    doc: DOC_LOCKDEP,
  },
  {
    kind: 'suspicious-rcu',
    name: 'Suspicious RCU usage',
    severity: 'warning',
    header: /^(?:WARNING|=============================): suspicious RCU usage/,
    title: 'WARNING: suspicious RCU usage in {FUNC}',
    explanation: 'An RCU-protected pointer was dereferenced without the required protection (rcu_read_lock or the update-side lock).',
    source: 'kernel/locking/lockdep.c (lockdep_rcu_suspicious)',
    doc: DOC_LOCKDEP,
  },
  {
    kind: 'scheduling-while-atomic',
    name: 'Scheduling while atomic',
    severity: 'error',
    header: /^BUG: scheduling while atomic: /,
    title: 'BUG: scheduling while atomic in {FUNC}',
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
    explanation: 'A function that may sleep was called in atomic context (spinlock held, interrupts off, or in an interrupt).',
    source: 'kernel/sched/core.c (__might_resched)',
    doc: DOC_OOPS,
  },
  {
    kind: 'list-corruption',
    name: 'List corruption',
    severity: 'error',
    header: /^(?:list_(?:add|del) corruption|BUG: corrupted list)/,
    title: 'BUG: corrupted list in {FUNC}',
    explanation: 'CONFIG_DEBUG_LIST found a linked list whose pointers do not agree: a use-after-free, a double list_del or a race.',
    source: 'lib/list_debug.c',
    doc: DOC_OOPS,
  },
  {
    kind: 'bad-page-state',
    name: 'Bad page state',
    severity: 'error',
    header: /^BUG: Bad page (?:state|map) in process /,
    title: 'BUG: Bad page state',
    explanation: 'A page being freed or allocated had unexpected flags, mapping or reference count.',
    source: 'mm/page_alloc.c (bad_page)',
  },
  {
    kind: 'memory-leak',
    name: 'Memory leak (kmemleak)',
    severity: 'warning',
    header: /^unreferenced object 0x[0-9a-f]+ \(size \d+\):/,
    title: 'memory leak in {FUNC}',
    explanation: 'kmemleak found an allocated object that nothing points to any more.',
    source: 'mm/kmemleak.c',
    doc: 'https://docs.kernel.org/dev-tools/kmemleak.html',
  },
  {
    kind: 'machine-check',
    name: 'Machine check / hardware error',
    severity: 'error',
    header: /^(?:mce: )?\[Hardware Error\]:|^Machine check events logged|^mce: CPU\d+: Machine Check/,
    title: 'hardware error (machine check)',
    explanation: 'The CPU or memory controller reported a hardware error. Suspect hardware (memory, CPU, bus) before software.',
    source: 'arch/x86/kernel/cpu/mce/core.c',
    doc: 'https://docs.kernel.org/admin-guide/ras.html',
  },
  {
    kind: 'refcount',
    name: 'refcount_t warning',
    severity: 'warning',
    header: /^refcount_t: (.{1,80}?)\.?\s*$/,
    title: 'WARNING: refcount bug in {FUNC}',
    explanation: 'A refcount_t saturated, went to zero unexpectedly or was incremented from zero: usually a use-after-free or a missing get/put.',
    source: 'lib/refcount.c (refcount_warn_saturate)',
  },
  {
    kind: 'segfault',
    name: 'User-space segfault',
    severity: 'information',
    header: /^(\S{1,64})\[\d+\]: segfault at [0-9a-f]+ ip /,
    title: '$1: segfault',
    explanation: 'A user-space process was killed by SIGSEGV. This is the kernel reporting a user bug, not a kernel bug.',
    source: 'arch/x86/mm/fault.c (show_signal_msg)',
  },
  {
    kind: 'user-trap',
    name: 'User-space trap',
    severity: 'information',
    header: /^traps: (\S{1,64})\[\d+\] (.{1,80}?) ip:/,
    title: '$1: $2',
    explanation: 'A user-space process raised a CPU exception (general protection, invalid opcode, divide error…) and got a signal.',
    source: 'arch/x86/kernel/traps.c (show_signal)',
  },
  {
    kind: 'block-io-error',
    name: 'Block I/O error',
    severity: 'warning',
    header: /^(?:blk_update_request|I\/O error, dev \S+, sector \d+|Buffer I\/O error on dev)/,
    title: 'block I/O error',
    explanation: 'A block device reported a failed read or write: check the device, cabling, and the lines before this.',
    source: 'block/blk-core.c (blk_print_req_error)',
  },
];

/** A cheap filter: a message that matches none of these words cannot be a header. */
const PREFILTER =
  /BUG|Oops|WARNING|panic|fault|LOCKUP|INFO:|oom|Out of memory|allocation failure|UBSAN|corruption|unreferenced|Hardware Error|Machine|refcount_t|segfault|traps:|I\/O error|Unable to handle|invalid opcode/;

export interface HeaderMatch {
  entry: CatalogueEntry;
  match: RegExpExecArray;
}

export function matchHeader(message: string): HeaderMatch | null {
  if (!PREFILTER.test(message)) return null;
  const text = message.charCodeAt(0) === 32 ? message.trimStart() : message;
  for (const entry of CATALOGUE) {
    const match = entry.header.exec(text);
    if (match) return { entry, match };
  }
  return null;
}

export function entryByKind(kind: string): CatalogueEntry | undefined {
  return CATALOGUE.find((e) => e.kind === kind);
}
