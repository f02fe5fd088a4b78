// Choosing the frame to blame: the first reliable frame that is not generic infrastructure
// (reporting, allocators, locking, sanitizer runtime, syscall entry…), in the spirit of syzkaller's
// skip lists (pkg/report/linux.go, linuxStackParams.skipPatterns).

import type { Frame, Trace } from './model';

/** Frames that never explain a bug by themselves. Anchored prefixes of function names. */
export const GENERIC_FRAMES: readonly RegExp[] = [
  /^(?:dump_stack|show_stack|__dump_stack|dump_backtrace|show_regs|__show_regs|panic|__warn|warn_slowpath|report_bug|handle_bug|exc_invalid_op|asm_exc_)/,
  /^(?:do_trap|do_error_trap|die|__die|oops_end|page_fault_oops|no_context|__bad_area|bad_area|do_user_addr_fault|exc_page_fault|asm_exc_page_fault|do_kern_addr_fault|kernelmode_fixup_or_oops)/,
  /^(?:kasan_|__kasan_|check_memory_region|__asan_|print_address_description|print_report|kasan_report|kfence_|__kfence_|kmsan_|__msan_|kcsan_|__tsan_|ubsan_|__ubsan_)/,
  /^(?:kmalloc|__kmalloc|kmem_cache_alloc|kmem_cache_free|kfree|__kfree|slab_|__slab_|kzalloc|krealloc|vmalloc|__vmalloc|kvmalloc|kvfree|memcpy|memset|memmove|__memcpy|__memset|strcpy|strlen|copy_to_user|copy_from_user|_copy_to_user|_copy_from_user)/,
  /^(?:_raw_spin_|raw_spin_|spin_|_raw_read_|_raw_write_|mutex_lock|mutex_unlock|__mutex_|down_|up_|rwsem_|lock_acquire|lock_release|__lock_acquire|lockdep_|check_noncircular|validate_chain|__might_sleep|__might_fault|might_fault|___might_sleep|__might_resched)/,
  /^(?:do_syscall_64|do_syscall_32|entry_SYSCALL|__x64_sys_|__ia32_sys_|__se_sys_|__do_sys_|x64_sys_call|el0_svc|el0t_64_sync|invoke_syscall|do_el0_svc|ret_from_fork|kthread|worker_thread|process_one_work|ret_from_fork_asm)/,
  /^(?:__schedule|schedule|schedule_timeout|schedule_preempt_disabled|io_schedule|__switch_to|context_switch|__cond_resched|preempt_schedule|wait_for_completion|__wait_for_common|do_wait_for_common|wait_woken|__flush_work|flush_work)(?:$|\.)/,
  /^(?:refcount_warn_saturate|__list_add_valid|__list_del_entry_valid|list_del|__list_del_entry|__list_add)/,
];

export function isGenericFrame(fn: string): boolean {
  return GENERIC_FRAMES.some((re) => re.test(fn));
}

export function pickGuiltyFrame(ip: Frame | null, traces: readonly Trace[]): Frame | null {
  if (ip?.function && !isGenericFrame(ip.function)) return ip;
  for (const trace of traces) {
    for (const f of trace.frames) if (f.reliable && f.function && !isGenericFrame(f.function)) return f;
    for (const f of trace.frames) if (f.function && !isGenericFrame(f.function)) return f;
  }
  return ip?.function ? ip : null;
}
