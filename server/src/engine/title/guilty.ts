// Choosing the function a title blames. The rules follow syzkaller's (pkg/report/linux.go: the
// stack formats, skip patterns and the stall/hang extractors), written as data: scan the report for
// the parts an event kind names (its header, the instruction-pointer line, the stack after a stack
// keyword), drop frames that are generic infrastructure, and take the first one left.

import type { Trace } from '../model';

/** Function names that never explain a bug by themselves (reporting, sanitizers, allocators, locking,
 *  string and user-copy helpers, device-model teardown…), as regex sources tested against the bare
 *  name: most are substrings, `^`/`$` pin the short ones (`^down$` must not hide `shutdown`). */
export const GENERIC_FRAME_PATTERNS: readonly string[] = [
  // Sanitizers and reporting.
  '__sanitizer',
  '__asan',
  'kasan',
  'hwasan',
  '__msan',
  'kmsan',
  'kcsan_setup_watchpoint',
  '__tsan',
  'check_memory_region',
  'check_heap_object',
  'check_object',
  'read_word_at_a_time',
  '(?:read|write)_once_.*nocheck',
  'print_address_description',
  'panic',
  'invalid_op',
  'report_bug',
  'fixup_bug',
  'print_report',
  'print_usage_bug',
  'do_error',
  '_trap$|do_trap',
  'show_stack',
  'dump_stack',
  'walk_stack',
  'dump_backtrace',
  // arm's unwinder prints itself first (arch/arm/kernel/unwind.c, traps.c): never the culprit.
  'unwind_backtrace',
  'warn_slowpath',
  'warn_alloc',
  'warn_bogus',
  '__warn',
  'print_tainted',
  '^get_taint$',
  '__fortify_report',
  'kfence',
  'ubsan',
  'assertfail',
  'hex_dump_to_buffer',
  'print_hex_dump',
  // Allocators and the page cache's allocation helpers.
  'alloc_page',
  'k?v?(?:m|z|c)alloc',
  'krealloc',
  'kmem_cache',
  'allocate_slab',
  '__alloc_frozen_pages',
  'folio_(?:alloc|unlock)',
  'filemap_alloc_folio',
  '__filemap_get_folio',
  'find_or_create_page',
  'do_read_cache_folio',
  'read_cache_page',
  'pagecache_get_page',
  'grab_cache_page_write_begin',
  'slab_',
  '^kv?free$',
  'kfree_skb',
  'ida_free',
  // Debug objects, lockdep and the lock primitives.
  'debug_object',
  'timer_is_static_object',
  'work_is_static_object',
  '__might_fault',
  'print_unlock',
  'imbalance_bug',
  'lockdep',
  'bh_enable',
  'bh_disable',
  'perf_trace',
  'lock_acquire',
  'lock_release',
  'lock_class',
  'mark_lock',
  '(?:reacquire|mark)_held_locks',
  'raw_spin_rq',
  'spin_lock',
  'spin_trylock',
  'spin_unlock',
  'read_lock',
  'read_trylock',
  'write_lock',
  'write_trylock',
  'read_unlock',
  'write_unlock',
  '^down$',
  'down_read',
  'down_write',
  'down_trylock',
  'up_read',
  'up_write',
  '^mutex_',
  '^__mutex_',
  '^rt_mutex_',
  'owner_on_cpu',
  'osq_lock',
  'osq_unlock',
  'atomic(?:64)?_(?:dec|inc|read|set|or|xor|and|add|sub|fetch|xchg|cmpxchg|try)',
  '(?:set|clear|change|test)_bit',
  '__wake_up',
  '^refcount_',
  '^kref_',
  'ref_tracker',
  'seqprop_assert',
  '^complete$',
  'wait_for_completion',
  '(?:trace|lockdep)_(?:hard|soft)irq',
  '^(?:un)?lock_page',
  // String, memory and user-copy helpers.
  'memcpy',
  'memcmp',
  'memset',
  'memchr',
  'memmove',
  'memdup',
  'strcmp',
  'strncmp',
  'strcpy',
  'strlcpy',
  'strncpy',
  'strscpy',
  'strlen',
  'strstr',
  'strnstr',
  'strnlen',
  'strchr',
  'strdup',
  'strndup',
  'copy_to_user',
  'copy_from_user',
  'copy_to_iter',
  'copy_from_iter',
  'copy_page_to_iter',
  'copy_page_from_iter',
  'copy_folio_to_iter',
  '^copyin$',
  '^copyout$',
  'put_user',
  'get_user',
  'might_fault',
  'might_sleep',
  '__might_resched',
  'list_add',
  'list_del',
  'list_replace',
  'list_move',
  'list_splice',
  '^rb_',
  '^__rb_',
  '_indirect_thunk_',
  'string',
  'pointer',
  'snprintf',
  'scnprintf',
  'kasprintf',
  'kvasprintf',
  'printk',
  'va_format',
  'dev_info',
  'dev_notice',
  'dev_warn',
  'dev_err',
  'dev_alert',
  'dev_crit',
  'dev_emerg',
  '^crc\\d+',
  'crc_itu_t',
  'xas_(?:start|load|find)',
  'rhashtable_lookup',
  'extract_(?:user|iter)_to_sg',
  '__phys_addr',
  // MMIO accessors: the driver that calls them is at fault.
  'readb$',
  'readw$',
  'readl$',
  'readq$',
  'writeb$',
  'writew$',
  'writel$',
  'writeq$',
  'logic_in',
  'logic_out',
  // Timers, work items and teardown paths that only carry the caller's bug.
  'program_check_exception',
  'program_check_common',
  'del_timer',
  'flush_work',
  '__cancel_work_timer',
  'cancel_work_sync',
  'try_to_grab_pending',
  'flush_workqueue',
  'drain_workqueue',
  'destroy_workqueue',
  'queue_work',
  'insert_work',
  '__queue_delayed_work',
  'queue_delayed_work_on',
  'finish_wait',
  'kthread_stop',
  'kobject_',
  'add_uevent_var',
  'get_device_parent',
  'device_add',
  'device_del',
  'device_unregister',
  'device_destroy',
  'device_release',
  'devres_release_all',
  'hwrng_unregister',
  'i2c_del_adapter',
  '__unregister_client',
  'device_for_each_child',
  'rollback_registered',
  'unregister_netdev',
  'sysfs_remove',
  'device_remove_file',
  'tty_unregister_device',
  'dummy_urb_enqueue',
  'usb_kill_urb',
  'usb_kill_anchored_urbs',
  'usb_control_msg',
  'usb_hcd_submit_urb',
  'usb_submit_urb',
  '^klist_',
  'stack_trace_consume_entry',
  'arch_stack_walk',
  'stack_trace_save',
  'cleanup_srcu_struct',
  'lock_timer_base',
  '__timer_delete_sync',
  'sk_stop_timer_sync',
  '__mod_timer',
  '^put_device$',
  'drop_nlink',
  'fast_dput',
  'dput',
  '^iput$',
  '^iput_final$',
  '^ihold$',
  'find_lock_entries',
  'truncate_inode_pages_range',
  // Buffer-head helpers WARN on a buffer their caller (a filesystem) got wrong.
  '^mark_buffer_dirty$',
  // arm64 fault plumbing.
  'do_(?:kernel|translation)_fault',
  'do_mem_abort',
  'el1_abort',
  'el1h_64_sync(?:_handler)?',
];

/** Frames where the kernel dispatches work (syscall entry, softirq, workqueue, file and socket
 *  operations): in a stall the frame just above the first of them says which work looped
 *  (syzkaller's stall extractor). Tested against names with their syscall prefixes stripped. */
export const STALL_ANCHORS: readonly RegExp[] = [
  /process_one_work/,
  /do_syscall_/,
  /do_fast_syscall_/,
  /sysenter_dispatch/,
  /tracesys_phase2/,
  /el0_svc_handler/,
  /invoke_syscall/,
  /ret_fast_syscall/,
  /netif_receive_skb/,
  /do_softirq/,
  /call_timer_fn/,
  /_run_timers/,
  /run_timer_softirq/,
  /hrtimer_run/,
  /run_ksoftirqd/,
  /smpboot_thread_fn/,
  /^kthread$/,
  /start_secondary/,
  /cpu_startup_entry/,
  /ret_from_fork/,
  // File operations: the caller names the file type.
  /vfs_write/,
  /vfs_read/,
  /vfs_iter_read/,
  /vfs_iter_write/,
  /do_iter_read/,
  /do_iter_write/,
  /call_read_iter/,
  /call_write_iter/,
  /new_sync_read/,
  /new_sync_write/,
  /vfs_ioctl/,
  /ksys_ioctl/,
  /compat_ioctl/,
  /compat_sys_ioctl/,
  /blkdev_driver_ioctl/,
  /blkdev_ioctl/,
  /do_iter_readv_writev/,
  /^call_mmap/,
  /mmap_region/,
  /do_mmap/,
  /do_dentry_open/,
  /vfs_open/,
  // Socket operations: the caller names the protocol.
  /^sock_sendmsg/,
  /^sock_recvmsg/,
  /^sock_release/,
  /^__sock_release/,
  /^setsockopt$/,
  /kernel_setsockopt/,
  /sock_common_setsockopt/,
  /^listen$/,
  /kernel_listen/,
  /sk_common_release/,
  /^sock_mmap/,
  /^accept$/,
  /kernel_accept/,
  /^sock_do_ioctl/,
  /^sock_ioctl/,
  /^compat_sock_ioctl/,
  /^nfnetlink_rcv_msg/,
  /^rtnetlink_rcv_msg/,
  /^netlink_dump/,
  /^(?:sys_)?(?:socketpair|connect|ioctl)/,
  // Page faults and the return to user space.
  /__do_fault/,
  /do_page_fault/,
  /^page_fault$/,
  /__fput/,
  /task_work_run/,
  /exit_to_usermode/,
  // A cross-CPU call is titled by the call itself (the victim waits for another CPU); tasklets by the handler.
  /smp_call_function/,
  /tasklet_action/,
  /tasklet_hi_action/,
];

/** Syscall wrappers differ by arch and kernel version; a title names the syscall once (syzkaller's
 *  stripFramePrefixes, the shortest result wins). */
const SYSCALL_PREFIXES = [
  'SYSC_',
  'SyS_',
  'sys_',
  '__x64_',
  '__ia32_',
  '__arm64_',
  '____sys_',
  '___sys_',
  '__sys_',
  '__se_',
  '__se_sys_',
  '__do_sys_',
  'compat_SYSC_',
  'compat_SyS_',
  'ksys_',
];

function stripSyscallPrefix(fn: string): string {
  let best = fn;
  for (const p of SYSCALL_PREFIXES)
    if (fn.startsWith(p) && fn.length - p.length < best.length) best = fn.slice(p.length);
  return best;
}

/** Hung tasks: group the common victims (synchronize_* as synchronize_rcu; '' keeps the frame's own name) and skip wait primitives. */
const HANG_ANCHORS: readonly [string, string][] = [
  ['rtnl_lock', ''],
  ['synchronize_rcu', 'synchronize_rcu'],
  ['synchronize_srcu', 'synchronize_rcu'],
  ['synchronize_net', 'synchronize_rcu'],
  ['synchronize_sched', 'synchronize_rcu'],
];
const HANG_SKIP = [
  'sched',
  '_lock',
  '_slowlock',
  'down',
  'rwsem',
  'completion',
  'kthread',
  'wait',
  'synchronize',
  'context_switch',
  '__switch_to',
  'cancel_delayed_work',
  'rcu_barrier',
];

export type FrameExtractor = 'first' | 'stall' | 'recursion' | 'hang';

/** A function the trace shows this many times in a row is taken to be the one that recursed. */
export const RECURSION_MIN_REPEATS = 8;

/** The first run of one function repeated at least RECURSION_MIN_REPEATS times in a row (a stack overflow
 *  by recursion: the recursing function is the culprit, not the entry point below it). */
export function recursingRun(frames: readonly (string | null)[]): { index: number; count: number } | null {
  for (let i = 0; i < frames.length;) {
    let j = i + 1;
    while (j < frames.length && frames[j] === frames[i]) j++;
    if (frames[i] !== null && j - i >= RECURSION_MIN_REPEATS) return { index: i, count: j - i };
    i = j;
  }
  return null;
}

/** The recursion a stack overflow's trace shows: the function repeated RECURSION_MIN_REPEATS or more times
 *  in a row in one trace (unreliable `? ` entries left out), and how many times. */
export function recursionOf(traces: readonly Trace[]): { function: string; count: number } | null {
  for (const t of traces) {
    const names = t.frames.filter((f) => f.reliable).map((f) => f.function);
    const run = recursingRun(names);
    if (run) return { function: names[run.index]!, count: run.count };
  }
  return null;
}

/** The guilty function among the non-generic frames (in report order): its index, and the name the
 *  title uses (a stall names the syscall without its wrapper prefix, a hang its bucket). */
export function extractFrame(
  frames: readonly string[],
  extractor: FrameExtractor,
): { index: number; name: string } | null {
  if (extractor === 'recursion') {
    const run = recursingRun(frames);
    if (run) return { index: run.index, name: frames[run.index] };
  }
  if (extractor === 'stall' || extractor === 'recursion') {
    for (let i = 0; i < frames.length; i++) {
      const f = stripSyscallPrefix(frames[i]);
      if (!STALL_ANCHORS.some((re) => re.test(f))) continue;
      if (f.includes('smp_call_function')) return { index: i, name: 'smp_call_function' };
      const prev = Math.max(i - 1, 0);
      return { index: prev, name: stripSyscallPrefix(frames[prev]) };
    }
    // A stack overflow whose trace lost its entry frames still names the function that recursed (syzkaller
    // says `corrupted`; the faulting function is more use to whoever reads the log).
    return extractor === 'recursion' && frames.length ? { index: 0, name: frames[0] } : null;
  }
  if (extractor === 'hang') {
    for (let i = 0; i < frames.length; i++) {
      for (const [anchor, bucket] of HANG_ANCHORS)
        if (frames[i].includes(anchor)) return { index: i, name: bucket || frames[i] };
    }
    const i = frames.findIndex((f) => !HANG_SKIP.some((s) => f.includes(s)));
    return i < 0 ? null : { index: i, name: frames[i] };
  }
  return frames.length ? { index: 0, name: frames[0] } : null;
}

const GENERIC_RE = new RegExp(GENERIC_FRAME_PATTERNS.join('|'));
/** Generic answers are shared by every kind: one test per distinct function name in a log. */
const genericAnswers = new Map<string, boolean>();
const skippers = new Map<string, (fn: string) => boolean>();

function isGeneric(fn: string): boolean {
  let skip = genericAnswers.get(fn);
  if (skip === undefined) {
    // Bounded: a log can name many functions, but not unboundedly many distinct ones worth keeping.
    if (genericAnswers.size > 50_000) genericAnswers.clear();
    genericAnswers.set(fn, (skip = GENERIC_RE.test(fn)));
  }
  return skip;
}

/** A predicate for "skip this function": the generic patterns (unless `generic` is false), then the kind's own. */
export function makeSkipper(extra: readonly string[] = [], generic = true): (fn: string) => boolean {
  const key = `${generic}|${extra.join('|')}`;
  let skipper = skippers.get(key);
  if (!skipper) {
    const own = extra.length ? new RegExp(extra.join('|')) : null;
    skipper = generic
      ? own
        ? (fn) => isGeneric(fn) || own.test(fn)
        : isGeneric
      : own
        ? (fn) => own.test(fn)
        : () => false;
    skippers.set(key, skipper);
  }
  return skipper;
}
