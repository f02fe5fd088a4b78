// Choosing the function a title blames. The rules follow syzkaller's (pkg/report/linux.go: the
// stack formats, skip patterns and the stall/hang extractors), written as data: scan the report for
// the parts an event kind names (its header, the instruction-pointer line, the stack after a stack
// keyword), drop frames that are generic infrastructure, and take the first one left.

/** Substrings of function names that never explain a bug by themselves (reporting, sanitizers,
 *  allocators, locking, string and user-copy helpers, device-model teardown…). */
export const GENERIC_FRAME_PATTERNS: readonly string[] = [
  '__sanitizer', '__asan', 'kasan', '__msan', 'kmsan', 'kcsan', '__tsan', 'check_memory_region',
  'read_word_at_a_time', 'print_address_description', 'panic', 'invalid_op', 'report_bug', 'fixup_bug',
  'do_error', '_trap', 'dump_stack', 'warn_slowpath', 'warn_alloc', '__warn', 'debug_object',
  'timer_is_static_object', 'work_is_static_object', 'lockdep', 'perf_trace', 'lock_acquire',
  'lock_release', 'lock_class', 'reacquire_held_locks', 'spin_lock', 'spin_trylock', 'spin_unlock',
  'raw_read_lock', 'raw_read_trylock', 'raw_write_lock', 'raw_write_trylock', 'down', 'up_read', 'up_write',
  'mutex_lock', 'mutex_trylock', 'mutex_unlock', 'mutex_remove_waiter', 'osq_lock', 'osq_unlock',
  '__wake_up', 'refcount_add', 'refcount_sub', 'refcount_inc', 'refcount_dec', 'refcount_set',
  'refcount_read', 'refcount_warn', 'memcpy', 'memcmp', 'memset', 'memchr', 'memmove', 'strcmp', 'strncmp',
  'strcpy', 'strlcpy', 'strncpy', 'strscpy', 'strlen', 'strnstr', 'strnlen', 'strchr', 'copy_to_user',
  'copy_from_user', 'put_user', 'get_user', 'might_fault', 'might_sleep', 'might_resched', 'list_add',
  'list_del', 'list_replace', 'list_move', 'list_splice', '_indirect_thunk_', 'string', 'pointer',
  'snprintf', 'scnprintf', 'kasprintf', 'kvasprintf', 'printk', 'dev_info', 'dev_notice', 'dev_warn',
  'dev_err', 'dev_alert', 'dev_crit', 'dev_emerg', 'program_check_exception', 'program_check_common',
  'del_timer', 'flush_work', '__cancel_work_timer', 'cancel_work_sync', 'try_to_grab_pending',
  'flush_workqueue', 'drain_workqueue', 'destroy_workqueue', 'finish_wait', 'kthread_stop', 'kobject_del',
  'kobject_put', 'kobject_uevent_env', 'add_uevent_var', 'get_device_parent', 'device_add', 'device_del',
  'device_unregister', 'device_destroy', 'device_release', 'device_for_each_child', 'sysfs_remove',
  'device_remove_file', 'tty_unregister_device', 'usb_kill_urb', 'usb_kill_anchored_urbs',
  'usb_control_msg', 'usb_hcd_submit_urb', 'usb_submit_urb', 'should_fail', 'kfence',
  'bust_spinlocks', 'show_regs', 'show_stack', 'show_trace', 'oops_end', 'page_fault_oops',
  'kernelmode_fixup_or_oops', '__bad_area', 'bad_area', 'do_user_addr_fault', 'exc_page_fault',
  'asm_exc_page_fault', 'handle_bug', 'exc_invalid_op', 'asm_exc_', 'do_kern_addr_fault', 'no_context',
  'ubsan', 'stack_trace', 'arch_stack_walk', 'rcu_lockdep', 'check_preemption_disabled', 'debug_smp_processor_id',
  'hwrng_unregister', 'i2c_del_adapter', '__unregister_client', 'rollback_registered', 'unregister_netdev',
  'dummy_urb_enqueue', 'dump_backtrace', 'print_report', 'va_format', 'kfree_skb', 'rb_erase',
  'rb_insert', 'rb_first', 'rb_next', 'rb_prev', '_atomic_dec_and_lock', 'test_and_clear_bit',
  'test_and_set_bit', 'set_bit', 'clear_bit', 'wait_for_completion', 'complete', 'skb_put', 'skb_push',
  'skb_pull', 'skb_over_panic', 'skb_under_panic', 'klist_', 'ref_tracker', '__phys_addr', 'assertfail',
  '__read_once', 'read_once', 'atomic_', 'queue_work', '__queue_work', 'mod_timer', 'add_timer',
  // Lockdep's and the unwinder's own printing, arm64/riscv fault plumbing.
  'print_circular_bug', 'print_usage_bug', 'check_noncircular', 'check_prev_add', 'check_prevs_add', 'validate_chain',
  'check_irq_usage', 'print_bad_irq_dependency', 'print_unlock_imbalance_bug', 'debug_check_no_locks_held', 'mark_lock',
  'walk_stackframe', 'bug_handler', '__do_kernel_fault', 'do_mem_abort', 'el1_abort', 'el1h_64_sync', 'trace_hardirqs',
  'do_tag_check_fault', 'el1_da', 'el1_sync', 'el1_irq', 'do_translation_fault', 'brk_handler', 'do_debug_exception', 'el1_dbg', 'call_break_hook', 'do_bad_area',
  // Allocators and library helpers that are never the bug's owner.
  'kmem_cache', 'kmalloc', 'kzalloc', 'kcalloc', 'krealloc', 'kvmalloc', 'kvfree', 'vmalloc', 'vzalloc', 'alloc_pages',
  'alloc_frozen_pages', 'folio_alloc', 'slab_alloc', 'slab_free', 'kfree', 'crc32', 'crc_itu', 'hex_dump', 'xas_',
  'rhashtable', 'lock_timer_base', 'hwasan', 'insert_work', 'copy_to_iter', 'copy_from_iter', 'iov_iter',
  'folio_unlock', 'usb_hcd_giveback_urb', 'mutex_optimistic_spin', '__mutex', '__remove_hrtimer', 'strstr',
  'aes_encrypt', 'rust_helper_BUG', 'cleanup_srcu_struct', 'kobject_cleanup',
];

/** Stalls inside a cross-CPU call are titled by the call itself (the victim waits for another CPU). */
const STALL_DIRECT = /^smp_call_function/;

/** Frames that are where the kernel got stuck in stalls, not why (syzkaller's stall extractor). */
export const STALL_ANCHORS: readonly RegExp[] = [
  /process_one_work/, /do_syscall_/, /do_fast_syscall_/, /sysenter_dispatch/, /tracesys_phase2/,
  /netif_receive_skb/, /do_softirq/, /call_timer_fn/, /_run_timers/, /run_timer_softirq/, /run_ksoftirqd/,
  /smpboot_thread_fn/, /kthread/, /start_secondary/, /cpu_startup_entry/, /ret_from_fork/, /vfs_write/,
  /vfs_read/, /vfs_iter_read/, /vfs_iter_write/, /do_iter_read/, /do_iter_write/, /vfs_ioctl/,
  /blkdev_driver_ioctl/, /blkdev_ioctl/, /^call_read_iter/, /^call_write_iter/, /do_iter_readv_writev/,
  /^call_mmap/, /mmap_region/, /do_mmap/, /do_dentry_open/, /vfs_open/, /^sock_sendmsg/, /^sock_recvmsg/,
  /^sock_release/, /^__sock_release/, /__sys_setsockopt/, /kernel_setsockopt/, /sock_common_setsockopt/,
  /__sys_listen/, /kernel_listen/, /sk_common_release/, /^sock_mmap/, /__sys_accept/, /kernel_accept/,
  /^sock_do_ioctl/, /^sock_ioctl/, /^compat_sock_ioctl/, /^nfnetlink_rcv_msg/,
  /^(?:compat_)?(?:SYSC|SyS|__sys|___sys|__do_sys|__se_sys|__x64_sys)_(?:socketpair|connect|ioctl)/,
  /__do_fault/, /handle_mm_fault/, /do_page_fault/, /^page_fault$/, /__fput/, /task_work_run/,
  /exit_to_usermode/, /exit_to_user_mode/, /el0_svc/, /invoke_syscall/,
];

const SYSCALL_PREFIXES = ['__x64_', '__ia32_', '__arm64_', '__riscv_', '__s390x_', 'SYSC_', 'SyS_', 'compat_SYSC_', 'compat_SyS_'];

/** Hung tasks: group the common victims (rtnl_lock, synchronize_rcu…) and skip wait primitives. */
const HANG_ANCHORS: readonly [string, string][] = [
  ['rtnl_lock', 'rtnl_lock'],
  ['synchronize_rcu', 'synchronize_rcu'],
  ['synchronize_srcu', 'synchronize_rcu'],
  ['synchronize_net', 'synchronize_rcu'],
  ['synchronize_sched', 'synchronize_rcu'],
];
const HANG_SKIP = ['sched', '_lock', '_slowlock', 'down', 'rwsem', 'completion', 'kthread', 'wait', 'synchronize', 'context_switch', '__switch_to', 'cancel_delayed_work', 'rcu_barrier'];

export type FrameExtractor = 'first' | 'stall' | 'hang';

/** Picks the guilty function from the non-generic frames, in report order. */
export function extractFrame(frames: readonly string[], extractor: FrameExtractor): string | null {
  if (extractor === 'stall') {
    const direct = frames.find((f) => STALL_DIRECT.test(f));
    if (direct) return direct;
    let prev = frames[0] ?? null;
    for (const f of frames) {
      if (STALL_ANCHORS.some((re) => re.test(f))) {
        if (prev === null) return null;
        for (const p of SYSCALL_PREFIXES) if (prev.startsWith(p)) prev = prev.slice(p.length);
        return prev;
      }
      prev = f;
    }
    return null;
  }
  if (extractor === 'hang') {
    for (const f of frames) for (const [anchor, name] of HANG_ANCHORS) if (f.startsWith(anchor)) return name;
    return frames.find((f) => !HANG_SKIP.some((s) => f.includes(s))) ?? null;
  }
  return frames[0] ?? null;
}

const skippers = new Map<string, (fn: string) => boolean>();

/** A predicate for "skip this function": one compiled alternation per extra-pattern set, answers memoised. */
export function makeSkipper(extra: readonly string[] = []): (fn: string) => boolean {
  const key = extra.join('|');
  let skipper = skippers.get(key);
  if (!skipper) {
    const escaped = [...GENERIC_FRAME_PATTERNS, ...extra].map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    const re = new RegExp(escaped.join('|'));
    const answers = new Map<string, boolean>();
    skipper = (fn) => {
      let skip = answers.get(fn);
      if (skip === undefined) {
        // Bounded: a log can name many functions, but not unboundedly many distinct ones worth keeping.
        if (answers.size > 50_000) answers.clear();
        answers.set(fn, (skip = re.test(fn)));
      }
      return skip;
    };
    skippers.set(key, skipper);
  }
  return skipper;
}
