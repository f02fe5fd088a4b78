// Next steps per event kind: why the kernel reacted the way it did, likely causes, what to do, and the
// knobs that govern it. Sysctls are documented in Documentation/admin-guide/sysctl/kernel.rst and vm.rst;
// watchdogs in Documentation/admin-guide/lockup-watchdogs.rst; hung tasks in kernel/hung_task.c;
// kdump in Documentation/admin-guide/kdump/kdump.rst; SysRq in Documentation/admin-guide/sysrq.rst.
// Keyed by the catalogue's `kind` (server/src/engine/catalogue.ts): a kind without a guide does not compile.

import { DOC_KASAN, type EventKind } from '../../catalogue';

export interface Sysctl {
  name: string;
  meaning: string;
  doc: string;
}

const K = 'https://docs.kernel.org/admin-guide/sysctl/kernel.html';
const VM = 'https://docs.kernel.org/admin-guide/sysctl/vm.html';
export const DOC_KDUMP = 'https://docs.kernel.org/admin-guide/kdump/kdump.html';
export const DOC_SYSRQ = 'https://docs.kernel.org/admin-guide/sysrq.html';
export const DOC_KFENCE = 'https://docs.kernel.org/dev-tools/kfence.html';
export const DOC_TAINT = 'https://docs.kernel.org/admin-guide/tainted-kernels.html';

export const SYSCTLS: Readonly<Record<string, Sysctl>> = {
  panic_on_oops: {
    name: 'kernel.panic_on_oops',
    meaning: '1 = panic on any oops instead of killing the task and going on (lets kdump capture the state)',
    doc: K + '#panic-on-oops',
  },
  panic: {
    name: 'kernel.panic',
    meaning: 'seconds before rebooting after a panic (0 = hang)',
    doc: K + '#panic',
  },
  panic_on_warn: {
    name: 'kernel.panic_on_warn',
    meaning: '1 = turn every WARNING into a panic (used by fuzzers)',
    doc: K + '#panic-on-warn',
  },
  softlockup_panic: {
    name: 'kernel.softlockup_panic',
    meaning: '1 = panic when a soft lockup is detected',
    doc: K + '#softlockup-panic',
  },
  watchdog_thresh: {
    name: 'kernel.watchdog_thresh',
    meaning: 'hard-lockup threshold in seconds (default 10); the soft-lockup threshold is twice this',
    doc: K + '#watchdog-thresh',
  },
  softlockup_all_cpu_backtrace: {
    name: 'kernel.softlockup_all_cpu_backtrace',
    meaning: "1 = dump every CPU's stack on a soft lockup",
    doc: K + '#softlockup-all-cpu-backtrace',
  },
  hardlockup_panic: {
    name: 'kernel.hardlockup_panic',
    meaning: '1 = panic on a hard lockup',
    doc: K + '#hardlockup-panic',
  },
  nmi_watchdog: {
    name: 'kernel.nmi_watchdog',
    meaning: 'enables the NMI-based hard-lockup detector',
    doc: K + '#nmi-watchdog',
  },
  hung_task_timeout_secs: {
    name: 'kernel.hung_task_timeout_secs',
    meaning: 'seconds a task may stay in D state before it is reported (default 120; 0 disables)',
    doc: K + '#hung-task-timeout-secs',
  },
  hung_task_panic: {
    name: 'kernel.hung_task_panic',
    meaning: '1 = panic when a hung task is detected',
    doc: K + '#hung-task-panic',
  },
  hung_task_warnings: {
    name: 'kernel.hung_task_warnings',
    meaning: 'how many hung-task reports to print (-1 = unlimited)',
    doc: K + '#hung-task-warnings',
  },
  panic_on_rcu_stall: {
    name: 'kernel.panic_on_rcu_stall',
    meaning: '1 = panic on an RCU stall',
    doc: K + '#panic-on-rcu-stall',
  },
  panic_on_oom: {
    name: 'vm.panic_on_oom',
    meaning: '1 or 2 = panic instead of killing a process when memory runs out',
    doc: VM + '#panic-on-oom',
  },
  oom_kill_allocating_task: {
    name: 'vm.oom_kill_allocating_task',
    meaning: '1 = kill the task that triggered the OOM instead of the biggest one',
    doc: VM + '#oom-kill-allocating-task',
  },
  oom_dump_tasks: {
    name: 'vm.oom_dump_tasks',
    meaning: '1 = print the task table on OOM (default)',
    doc: VM + '#oom-dump-tasks',
  },
  overcommit_memory: {
    name: 'vm.overcommit_memory',
    meaning: 'heuristic (0), always (1) or strict (2) memory overcommit',
    doc: VM + '#overcommit-memory',
  },
  sysrq: { name: 'kernel.sysrq', meaning: 'which SysRq functions are allowed (1 = all)', doc: K + '#sysrq' },
  panic_on_taint: {
    name: 'kernel.panic_on_taint',
    meaning: 'panic when a taint flag in this mask gets set',
    doc: K + '#panic-on-taint',
  },
  prove_locking: {
    name: 'CONFIG_PROVE_LOCKING / debug_locks',
    meaning: 'lockdep reports only the first problem, then turns itself off (debug_locks=0)',
    doc: 'https://docs.kernel.org/locking/lockdep-design.html',
  },
  tainted: {
    name: 'kernel.tainted',
    meaning: 'the current taint mask (read it to see every flag)',
    doc: K + '#tainted',
  },
};

export interface EventGuide {
  /** Why the kernel reacted this way. */
  why: string;
  causes: readonly string[];
  steps: readonly string[];
  sysctls: readonly string[];
}

const OOPS_STEPS = [
  'Read the first report ([#1]); later oopses are usually consequences.',
  'Symbolize the RIP/pc frame to a source line (faddr2line or the symbolizer) and look at the Code: disassembly.',
  'Match the fault address against the registers: the register holding it is the bad pointer.',
  'Set kernel.panic_on_oops=1 with kdump configured to capture a vmcore for crash(8).',
];

export const EVENT_GUIDE: Readonly<Record<EventKind, EventGuide>> = {
  'null-deref': {
    why: 'The CPU faulted on an address near 0 and no exception-table fixup covered the instruction, so the kernel cannot continue the task.',
    causes: [
      'a pointer that was never set (missing initialisation or a failed lookup that returned NULL)',
      'a field of a NULL struct pointer (the address is the field offset)',
      'a race where another path cleared the pointer',
    ],
    steps: [
      'The fault address is the field offset: find which struct member sits at that offset (pahole).',
      ...OOPS_STEPS,
    ],
    sysctls: ['panic_on_oops', 'panic'],
  },
  'paging-request': {
    why: 'The CPU faulted on an unmapped or protected kernel address and no fixup covered the instruction.',
    causes: [
      'use-after-free of vmalloc/module memory',
      'a corrupted or uninitialised pointer',
      'writing read-only data (e.g. const or RO-after-init)',
    ],
    steps: [
      'Classify the fault address (hover it): poison patterns point at use-after-free.',
      'Rebuild with KASAN (CONFIG_KASAN=y) to catch the bad access where it happens.',
      ...OOPS_STEPS,
    ],
    sysctls: ['panic_on_oops', 'panic'],
  },
  'arm-page-fault': {
    why: 'A data or instruction abort in the kernel could not be fixed up; the ESR says which access and why.',
    causes: [
      'a NULL or small-offset pointer (translation fault at level 0–3 on a low address)',
      'use-after-free or a wild pointer',
      'PAN: a kernel access to user memory outside the uaccess helpers',
    ],
    steps: [
      'Hover ESR and FSC: WnR tells read vs write, the FSC tells unmapped vs permission.',
      ...OOPS_STEPS,
    ],
    sysctls: ['panic_on_oops', 'panic'],
  },
  oops: {
    why: 'die() printed the oops banner: the task is killed; the kernel keeps running, possibly with locks held.',
    causes: ['see the report that opened this oops (NULL dereference, paging request, BUG…)'],
    steps: OOPS_STEPS,
    sysctls: ['panic_on_oops', 'panic'],
  },
  gpf: {
    why: 'The CPU raised #GP, which has no address: the kernel guesses the bad address by decoding the faulting instruction.',
    causes: [
      'a non-canonical pointer: poison (0xdead…), freed-memory patterns (0x6b6b…), garbage',
      'with KASAN, a shadow access for a NULL-ish pointer (0xdffffc…)',
      'a privileged or misaligned instruction',
    ],
    steps: [
      'Hover the address in the header: poison and KASAN shadow values are decoded.',
      'A LIST_POISON value means list use after list_del: look for a double removal or a missing lock.',
      ...OOPS_STEPS,
    ],
    sysctls: ['panic_on_oops', 'panic'],
  },
  'kernel-bug': {
    why: 'BUG()/BUG_ON() executes an undefined instruction (ud2 on x86, brk #0x800 on arm64) on purpose: the code found a state it considers impossible.',
    causes: [
      'an invariant violated by the caller (wrong state, reference count, lock not held)',
      'memory corruption that broke the invariant',
    ],
    steps: [
      'Open the file:line in the header and read the BUG_ON condition.',
      'Find who broke the invariant, usually a caller in the trace or a racing path.',
      ...OOPS_STEPS.slice(2),
    ],
    sysctls: ['panic_on_oops'],
  },
  'invalid-opcode': {
    why: 'The CPU hit an undefined instruction (#UD). Right after `kernel BUG at` this is just how BUG() traps.',
    causes: [
      'BUG()/BUG_ON() (look for `kernel BUG at` just above)',
      'a jump into data or corrupted code',
      'an instruction the CPU does not support',
    ],
    steps: ['Check the Code: line: `0f 0b` (ud2) at the trapping byte means BUG().', ...OOPS_STEPS],
    sysctls: ['panic_on_oops'],
  },
  warning: {
    why: 'WARN_ON() found a condition the developers consider a bug but survivable; the kernel prints the state and continues, tainting itself with W.',
    causes: ['an API misused by the caller', 'an unexpected hardware or firmware state', 'a race'],
    steps: [
      'Read the WARN_ON condition at the file:line in the header.',
      'Check whether later reports follow from it (taint W on them).',
      'kernel.panic_on_warn=1 turns it into a panic so kdump can capture it.',
    ],
    sysctls: ['panic_on_warn'],
  },
  'stack-protector': {
    why: 'On function return the stack canary no longer matched: the stack frame was overwritten, so continuing is unsafe.',
    causes: [
      'a stack buffer overflow in the named function or something it called',
      'an out-of-bounds write through a pointer to a stack variable',
    ],
    steps: [
      'Look at the local arrays of the named function.',
      'Rebuild with KASAN (stack instrumentation) to find the exact write.',
    ],
    sysctls: ['panic'],
  },
  panic: {
    why: 'panic() stops every CPU: the kernel found a condition it cannot recover from, or a panic_on_* knob turned an earlier report into a panic.',
    causes: [
      'a fatal exception in interrupt context or in init',
      'a panic_on_oops / panic_on_warn / hung_task_panic setting',
      'a missing root filesystem (VFS: Unable to mount root fs)',
    ],
    steps: [
      'Read the reason after `not syncing:` and the report just above it.',
      'Configure kdump (crashkernel=) to capture a vmcore; kernel.panic=N reboots after N seconds.',
    ],
    sysctls: ['panic', 'panic_on_oops', 'panic_on_warn'],
  },
  'double-fault': {
    why: 'An exception happened while delivering another one; the CPU switched to a dedicated stack and the kernel cannot recover.',
    causes: ['kernel stack overflow (deep recursion, large stack frames)', 'a corrupted stack pointer'],
    steps: ['Look at RSP against the stack bounds in the report.', 'Look for recursion in the trace.'],
    sysctls: ['panic'],
  },
  'stack-guard': {
    why: 'With CONFIG_VMAP_STACK the page below the stack is unmapped; touching it means the stack overflowed.',
    causes: ['unbounded recursion', 'large on-stack arrays or structures'],
    steps: [
      'Look for repeating frames in the trace.',
      'Use `scripts/checkstack.pl` to find big stack frames.',
    ],
    sysctls: ['panic'],
  },
  'soft-lockup': {
    why: "The watchdog's per-CPU thread did not get to run for 2 × watchdog_thresh seconds: kernel code kept the CPU without scheduling.",
    causes: [
      'a loop without cond_resched()',
      'spinning on a lock held by someone who never releases it',
      'a very long operation in a preemption-disabled section',
    ],
    steps: [
      'The RIP/pc and the trace show where the CPU was spinning.',
      'Check whether other CPUs hold the lock (softlockup_all_cpu_backtrace=1, SysRq-l).',
      'kernel.softlockup_panic=1 with kdump captures the state.',
    ],
    sysctls: ['watchdog_thresh', 'softlockup_panic', 'softlockup_all_cpu_backtrace'],
  },
  'hard-lockup': {
    why: 'The NMI watchdog saw no timer interrupts on the CPU for watchdog_thresh seconds: interrupts were off that long.',
    causes: [
      'a deadlock on a spinlock taken with interrupts disabled',
      'a long loop with interrupts off',
      'a hardware or firmware hang (SMIs)',
    ],
    steps: [
      'Look at the trace for spin_lock_irqsave / raw spinlocks.',
      'SysRq-l dumps all CPUs; hardlockup_panic=1 with kdump captures it.',
    ],
    sysctls: ['watchdog_thresh', 'hardlockup_panic', 'nmi_watchdog'],
  },
  'hung-task': {
    why: 'khungtaskd found a task in uninterruptible sleep (D state) that has not been scheduled for hung_task_timeout_secs.',
    causes: [
      'waiting for a mutex or rwsem held by a stuck task (deadlock)',
      'I/O that never completes (storage, NFS)',
      'a lost wake-up',
    ],
    steps: [
      "The task's trace shows what it waits for (mutex_lock, wait_for_completion, io_schedule…).",
      'SysRq-w lists all blocked tasks; SysRq-d lists held locks (lockdep).',
      'Find the owner of the lock it waits for.',
    ],
    sysctls: ['hung_task_timeout_secs', 'hung_task_panic', 'hung_task_warnings'],
  },
  'rcu-stall': {
    why: 'An RCU grace period did not end within the stall timeout (rcupdate.rcu_cpu_stall_timeout, 21 s by default).',
    causes: [
      'a CPU looping with preemption or interrupts disabled',
      'a long RCU read-side critical section',
      'a vCPU that was not scheduled by the host',
    ],
    steps: [
      "Look at the stalled CPU's trace, printed after the stall line.",
      'See Documentation/RCU/stallwarn.rst for the per-CPU fields.',
    ],
    sysctls: ['panic_on_rcu_stall'],
  },
  'workqueue-lockup': {
    why: 'The workqueue watchdog saw a worker pool make no progress for too long.',
    causes: [
      'a work item that blocks forever or spins',
      'all workers of the pool blocked on the same resource',
    ],
    steps: ['The report lists busy workers and pending work: find the one that does not finish.'],
    sysctls: [],
  },
  'oom-invoked': {
    why: 'An allocation could not be satisfied even after reclaim and compaction; the OOM killer picks the task with the highest badness score to free memory.',
    causes: [
      'a process (or cgroup) using more memory than available',
      'a kernel memory leak (check slab usage in the Mem-Info dump)',
      'a too-small memory cgroup limit',
    ],
    steps: [
      'Compare the task table rss column: the biggest consumer is usually the victim.',
      'If Slab/SUnreclaim is large, suspect a kernel leak (kmemleak).',
      'Check the gfp_mask and order: a high-order atomic allocation can fail with free memory left.',
    ],
    sysctls: ['panic_on_oom', 'oom_kill_allocating_task', 'oom_dump_tasks', 'overcommit_memory'],
  },
  'oom-kill': {
    why: 'The OOM killer sent SIGKILL to the chosen victim; its memory is freed when it exits (oom_reaper helps).',
    causes: ['see the `invoked oom-killer` report above'],
    steps: [
      'anon-rss is private memory, file-rss page cache, shmem-rss shared memory/tmpfs.',
      'Set oom_score_adj to protect or sacrifice processes.',
    ],
    sysctls: ['panic_on_oom', 'oom_kill_allocating_task'],
  },
  'alloc-failure': {
    why: 'An allocation that is allowed to fail did fail and the caller did not pass __GFP_NOWARN.',
    causes: ['memory fragmentation (high order)', 'an atomic allocation under pressure'],
    steps: ['Check the order: order ≥ 3 failures usually mean fragmentation, not lack of memory.'],
    sysctls: [],
  },
  kasan: {
    why: 'KASAN checks every memory access against shadow memory and reports the first invalid one, with allocation and free stacks.',
    causes: [
      'use-after-free (see the `Freed by task` trace)',
      'out-of-bounds access (see the object and the offset inside it)',
      'double-free or invalid free',
    ],
    steps: [
      'The first frame after the KASAN frames is the buggy access.',
      'Compare `Allocated by` and `Freed by` to find who freed the object too early.',
      'kasan.fault=panic makes the report fatal; panic_on_warn also works.',
    ],
    sysctls: ['panic_on_warn'],
  },
  kfence: {
    why: 'KFENCE places sampled allocations on guarded pages; an access beyond or after them faults and is reported.',
    causes: ['out-of-bounds access', 'use-after-free'],
    steps: ['KFENCE is sampling: the bug exists even if it shows rarely. Confirm with KASAN.'],
    sysctls: [],
  },

  kmsan: {
    why: 'KMSAN tracks which bytes were ever initialised and reports when an uninitialised value decides a branch, is copied to user space, or reaches a device.',
    causes: [
      'a struct field never set before use',
      'a partially filled buffer copied to user space (an info leak)',
      'a missing error check that leaves an output unset',
    ],
    steps: [
      'The `Uninit was created` / `stored to memory` stacks show where the uninitialised bytes came from.',
      'Initialise the field or zero the allocation (kzalloc, = {}).',
    ],
    sysctls: ['panic_on_warn'],
  },
  kcsan: {
    why: 'KCSAN watched two accesses to the same memory from different CPUs, at least one a plain write, with no lock or marked access between them.',
    causes: [
      'a missing lock',
      'a flag read without READ_ONCE()/WRITE_ONCE()',
      'a benign race that should be annotated (data_race())',
    ],
    steps: ['Look at both stacks: decide which lock should cover the variable, or mark the accesses.'],
    sysctls: [],
  },
  ubsan: {
    why: 'The compiler inserted a check for undefined behaviour (shift, overflow, array index, misaligned or NULL access) and it fired.',
    causes: [
      'an index past a fixed-size array',
      'a shift by ≥ the type width or a negative amount',
      'signed overflow',
    ],
    steps: ['Open the file:line in the report: it names the operation and the bad value.'],
    sysctls: ['panic_on_warn'],
  },
  'divide-error': {
    why: 'The CPU raised #DE: an integer division by zero (or a quotient that does not fit).',
    causes: [
      'a divisor read from hardware, user input or a config that can be 0',
      'a rate or size computed as 0',
    ],
    steps: [
      'The Code: line marks the div/idiv instruction; the register it divides by is 0.',
      'Add a check for zero before the division.',
    ],
    sysctls: ['panic_on_oops'],
  },
  'lockdep-circular': {
    why: 'Lockdep records every lock order it sees; a new order closed a cycle (A→B here, B→A before), so a deadlock is possible even if it has not happened yet.',
    causes: [
      'two paths taking the same locks in opposite order',
      'a lock taken inside a callback that the caller invokes with another lock held',
    ],
    steps: [
      'Read the chain: `-> #N` entries show where each order was first recorded.',
      'Fix by agreeing on one order, or dropping a lock before calling out.',
    ],
    sysctls: ['prove_locking'],
  },
  'lockdep-recursive': {
    why: 'A task tried to take a lock of a class it already holds: with a non-recursive lock this deadlocks.',
    causes: [
      're-entering a function that takes the lock',
      'two instances of the same lock class nested without a lockdep subclass annotation',
    ],
    steps: [
      'If two different objects are nested on purpose, annotate with mutex_lock_nested()/spin_lock_nested().',
    ],
    sysctls: ['prove_locking'],
  },
  'lockdep-inconsistent': {
    why: 'A lock was taken both in interrupt context and in process context with interrupts enabled: an interrupt arriving while it is held deadlocks.',
    causes: ['spin_lock() where spin_lock_irqsave()/spin_lock_bh() is needed'],
    steps: ['Use the irq-safe variant wherever the lock is taken outside the interrupt handler.'],
    sysctls: ['prove_locking'],
  },
  'suspicious-rcu': {
    why: 'rcu_dereference_check() found an RCU-protected pointer read without rcu_read_lock() or the update-side lock.',
    causes: ['a missing rcu_read_lock()', 'a lockdep condition that does not name the lock actually held'],
    steps: ['Add rcu_read_lock()/rcu_read_unlock() around the access, or fix the lockdep expression.'],
    sysctls: ['prove_locking'],
  },
  'lockdep-bug': {
    why: 'Lockdep found an inconsistency in lock usage (a lock held when returning to user space, freed while held, unbalanced unlock…).',
    causes: ['a missing unlock on an error path', 'freeing memory that contains a held lock'],
    steps: ['Follow the held-locks list the report prints.'],
    sysctls: ['prove_locking'],
  },
  spinlock: {
    why: 'CONFIG_DEBUG_SPINLOCK found a spinlock misused: recursion, wrong-CPU unlock, bad magic (a corrupted or uninitialised lock), or lockup.',
    causes: ['a lock in freed or uninitialised memory (bad magic)', 'an unlock without lock'],
    steps: ['A bad magic means the memory holding the lock is not a lock any more: suspect use-after-free.'],
    sysctls: [],
  },
  'scheduling-while-atomic': {
    why: 'schedule() was called with preemption disabled: the task would sleep holding a spinlock or inside an RCU/atomic section.',
    causes: [
      'a sleeping call (mutex, GFP_KERNEL allocation, msleep) under a spinlock',
      'a missing spin_unlock/preempt_enable on an earlier path',
    ],
    steps: ['The preempt count in the report says how many levels are held; find who raised it.'],
    sysctls: [],
  },
  'sleep-in-atomic': {
    why: 'might_sleep() found a possibly-sleeping function called with a spinlock held, interrupts off or in interrupt context.',
    causes: ['mutex_lock, kmalloc(GFP_KERNEL), copy_from_user… under a spinlock or in an IRQ handler'],
    steps: ['Use GFP_ATOMIC, move the call out of the locked section, or switch to a mutex.'],
    sysctls: [],
  },
  preemptible: {
    why: 'A function that requires preemption disabled (per-CPU access, smp_processor_id) ran preemptible: the task may migrate between CPUs mid-operation.',
    causes: ['smp_processor_id()/this_cpu_*() without get_cpu()/preempt_disable()'],
    steps: ['Use get_cpu()/put_cpu() or raw_smp_processor_id() if migration is harmless.'],
    sysctls: [],
  },
  refcount: {
    why: 'refcount_t saturated instead of wrapping: an increment from zero (use-after-free), an overflow, or a decrement below zero (double put).',
    causes: ['a missing get or an extra put', 'using an object after its last reference was dropped'],
    steps: ['Pair every get with a put on all paths; KASAN usually finds the matching use-after-free.'],
    sysctls: ['panic_on_warn'],
  },
  'list-corruption': {
    why: 'CONFIG_DEBUG_LIST checks the neighbours before every list_add/list_del; they did not point back, so the list is corrupted.',
    causes: [
      'list_del on an entry already deleted (LIST_POISON values)',
      'a list changed concurrently without the lock',
      'an entry in freed memory',
    ],
    steps: [
      'Hover the pointers in the message: LIST_POISON1/2 means a double deletion, 0x6b… a freed entry.',
    ],
    sysctls: [],
  },
  usercopy: {
    why: 'CONFIG_HARDENED_USERCOPY saw copy_to/from_user touch kernel memory outside the object being copied.',
    causes: [
      'a length larger than the buffer (overflow or info leak)',
      'a copy from a slab cache without a usercopy whitelist',
    ],
    steps: ['Compare the offset and size in the report with the object size.'],
    sysctls: [],
  },
  'slab-corruption': {
    why: 'SLUB debugging checks the redzones, poison and free pointer around each object on alloc and free; one of them was overwritten.',
    causes: [
      'a write past the end of a kmalloc() buffer (Right Redzone) or before its start (Left Redzone)',
      'a write to an object after kfree() (Poison overwritten)',
      'a stray write that hit the free pointer (Freepointer corrupt)',
    ],
    steps: [
      'The `Allocated in` / `Freed in` lines and their stacks name who owned the object; the Call Trace is only where the damage was noticed.',
      'The Redzone/Object dump shows the bytes written: their content often identifies the writer.',
      'Reproduce with KASAN to catch the bad write as it happens.',
    ],
    sysctls: [],
  },
  'bad-page-state': {
    why: 'The page allocator found a page with unexpected state (mapcount, refcount, flags, mapping) when freeing or allocating it.',
    causes: ['a page freed while still mapped or referenced', 'memory corruption of struct page'],
    steps: ['The page dump shows which field is wrong; the first report is the one that matters.'],
    sysctls: [],
  },
  'memory-leak': {
    why: 'kmemleak scanned memory and found no pointer to this allocated object: it can never be freed.',
    causes: ['an error path that forgets kfree()', 'a reference dropped without releasing the object'],
    steps: [
      'The backtrace is where the object was allocated; find the path that loses it.',
      'echo scan > /sys/kernel/debug/kmemleak to rescan.',
    ],
    sysctls: [],
  },
  'netdev-refcount': {
    why: 'A network device cannot be unregistered because something still holds a reference to it.',
    causes: ['a missing dev_put()'],
    steps: ['With CONFIG_NET_DEV_REFCNT_TRACKER the report lists the holders.'],
    sysctls: [],
  },
  'vfs-file-count': {
    why: 'A struct file reference count is inconsistent.',
    causes: ['an fput() too many, or a use after the last fput()'],
    steps: ['Look for a double fput or fdput on an error path.'],
    sysctls: [],
  },
  'machine-check': {
    why: 'The CPU or memory controller reported a hardware error through the machine-check architecture.',
    causes: [
      'failing RAM (corrected/uncorrected ECC errors)',
      'an overheating or failing CPU',
      'bus or PCIe errors',
    ],
    steps: ['Decode with rasdaemon or mcelog; replace hardware before debugging software.'],
    sysctls: [],
  },
  'block-io-error': {
    why: 'A block device completed a request with an error.',
    causes: ['a failing disk, cable or controller', 'a removed device', 'a SAN/iSCSI path failure'],
    steps: ['Check SMART data and the driver messages just before this line.'],
    sysctls: [],
  },
  segfault: {
    why: 'A user-space process accessed an invalid address and got SIGSEGV; the kernel prints the fault for information.',
    causes: ['a bug in the user program or a library'],
    steps: ['The ip and the library offset in the line locate the instruction (addr2line on the library).'],
    sysctls: [],
  },
  'user-trap': {
    why: 'A user-space process raised a CPU exception (GPF, invalid opcode, divide error) and got a signal.',
    causes: ['a bug in the user program', 'a binary built for a newer CPU (invalid opcode)'],
    steps: ['Locate the ip in the binary; check CPU features for invalid opcodes.'],
    sysctls: [],
  },
  'syzkaller-failure': {
    why: 'The syzkaller executor gave up: a setup step or a syscall wrapper it relies on failed, or it caught a signal.',
    causes: [
      'the guest ran out of a resource (memory, pids, file descriptors)',
      'a kernel change broke an interface the executor uses',
      'an earlier kernel report left the machine unusable',
    ],
    steps: ['Read the errno and the lines just before it; look for a kernel report earlier in the log.'],
    sysctls: [],
  },
};

export function guideFor(kind: EventKind): EventGuide {
  return EVENT_GUIDE[kind];
}

/** Tools worth naming on every crash hover. */
export const GENERAL_TOOLS = [
  `kdump: reserve memory with \`crashkernel=\` to capture a vmcore and inspect it with crash(8) — ${DOC_KDUMP}`,
  `SysRq: \`echo t > /proc/sysrq-trigger\` dumps all tasks, \`w\` blocked tasks, \`l\` all CPUs' backtraces — ${DOC_SYSRQ}`,
  `KASAN / KFENCE catch memory-safety bugs at the faulting access — ${DOC_KASAN}`,
];
