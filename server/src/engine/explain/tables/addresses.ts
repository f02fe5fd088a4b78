// Address classification tables.
//  - x86_64 layout: Documentation/arch/x86/x86_64/mm.rst (4-level paging). With KASLR
//    (CONFIG_RANDOMIZE_MEMORY) the direct map, vmalloc and vmemmap bases move, keeping their order; the
//    kernel image moves within its 1 GiB window and modules follow it.
//  - arm64 layout: Documentation/arch/arm64/memory.rst (48-bit VA, 4K pages, v6.1).
//  - poison values: include/linux/poison.h; CONFIG_ILLEGAL_POINTER_VALUE is 0xdead000000000000 on x86_64
//    and arm64 (arch/x86/Kconfig, arch/arm64/Kconfig).
//  - KASAN: KASAN_SHADOW_OFFSET 0xdffffc0000000000 for generic KASAN on x86_64 (arch/x86/Kconfig),
//    shadow = (addr >> 3) + offset (include/linux/kasan.h); mm/kasan/report.c kasan_non_canonical_hook.

export interface Region {
  start: bigint;
  end: bigint; // inclusive
  name: string;
  meaning: string;
  /** True when KASLR may move this region, so the label is a best guess. */
  kaslr?: boolean;
}

export const X86_64_REGIONS: readonly Region[] = [
  {
    start: 0x0000000000000000n,
    end: 0x00007fffffffffffn,
    name: 'user space',
    meaning: 'a user-space address (128 TiB, 4-level paging)',
  },
  {
    start: 0x0000800000000000n,
    end: 0xffff7fffffffffffn,
    name: 'non-canonical hole',
    meaning: 'not a valid address: dereferencing it raises #GP, not a page fault',
  },
  {
    start: 0xffff800000000000n,
    end: 0xffff87ffffffffffn,
    name: 'guard hole',
    meaning: 'reserved for the hypervisor / LDT remap (PTI)',
  },
  {
    start: 0xffff880000000000n,
    end: 0xffffc87fffffffffn,
    name: 'direct map',
    meaning:
      'the direct mapping of all physical memory (page_offset_base): slab objects, page-allocator memory',
    kaslr: true,
  },
  {
    start: 0xffffc88000000000n,
    end: 0xffffc8ffffffffffn,
    name: 'unused hole',
    meaning: 'unused',
    kaslr: true,
  },
  {
    start: 0xffffc90000000000n,
    end: 0xffffe8ffffffffffn,
    name: 'vmalloc/ioremap',
    meaning:
      'vmalloc and ioremap space (vmalloc_base): vmalloc() memory, kernel stacks (CONFIG_VMAP_STACK), MMIO',
    kaslr: true,
  },
  {
    start: 0xffffe90000000000n,
    end: 0xffffe9ffffffffffn,
    name: 'unused hole',
    meaning: 'unused',
    kaslr: true,
  },
  {
    start: 0xffffea0000000000n,
    end: 0xffffeaffffffffffn,
    name: 'vmemmap',
    meaning: 'the virtual memory map (vmemmap_base): the struct page array',
    kaslr: true,
  },
  { start: 0xffffeb0000000000n, end: 0xffffebffffffffffn, name: 'unused hole', meaning: 'unused' },
  {
    start: 0xffffec0000000000n,
    end: 0xfffffbffffffffffn,
    name: 'KASAN shadow',
    meaning: 'KASAN shadow memory',
  },
  { start: 0xfffffc0000000000n, end: 0xfffffdffffffffffn, name: 'unused hole', meaning: 'unused' },
  {
    start: 0xfffffe0000000000n,
    end: 0xfffffe7fffffffffn,
    name: 'cpu_entry_area',
    meaning: 'the per-CPU entry area (entry stacks, GDT, TSS)',
  },
  { start: 0xfffffe8000000000n, end: 0xfffffeffffffffffn, name: 'unused hole', meaning: 'unused' },
  { start: 0xffffff0000000000n, end: 0xffffff7fffffffffn, name: 'ESPFIX', meaning: '%esp fixup stacks' },
  { start: 0xffffff8000000000n, end: 0xffffffeeffffffffn, name: 'unused hole', meaning: 'unused' },
  {
    start: 0xffffffef00000000n,
    end: 0xfffffffeffffffffn,
    name: 'EFI runtime',
    meaning: 'EFI runtime services mapping',
  },
  { start: 0xffffffff00000000n, end: 0xffffffff7fffffffn, name: 'unused hole', meaning: 'unused' },
  {
    start: 0xffffffff80000000n,
    end: 0xffffffff9fffffffn,
    name: 'kernel image',
    meaning: 'the kernel text/data mapping (vmlinux)',
    kaslr: true,
  },
  {
    start: 0xffffffffa0000000n,
    end: 0xffffffffbfffffffn,
    name: 'kernel image or modules',
    meaning:
      'the module area nominally starts here; with KASLR the kernel image may sit here and modules follow it',
    kaslr: true,
  },
  {
    start: 0xffffffffc0000000n,
    end: 0xfffffffffeffffffn,
    name: 'modules',
    meaning: 'the module mapping space (loadable modules, BPF JIT code)',
    kaslr: true,
  },
  {
    start: 0xffffffffff000000n,
    end: 0xffffffffff5fffffn,
    name: 'fixmap',
    meaning: 'fixed mappings (fixmap)',
  },
  {
    start: 0xffffffffff600000n,
    end: 0xffffffffff600fffn,
    name: 'vsyscall',
    meaning: 'the legacy vsyscall page',
  },
  {
    start: 0xffffffffff601000n,
    end: 0xffffffffffffffffn,
    name: 'top hole',
    meaning: 'unused (just below 2^64): often a negative number rather than an address',
  },
];

export const ARM64_REGIONS: readonly Region[] = [
  {
    start: 0x0000000000000000n,
    end: 0x0000ffffffffffffn,
    name: 'user space',
    meaning: 'a user-space address (TTBR0, 48-bit VA)',
  },
  {
    start: 0x0001000000000000n,
    end: 0xffeffffffffffffn,
    name: 'non-canonical',
    meaning:
      'neither TTBR0 nor TTBR1 range (possibly a tagged pointer: the top byte is ignored for user addresses)',
  },
  {
    start: 0xfff0000000000000n,
    end: 0xfffeffffffffffffn,
    name: 'linear map (52-bit VA)',
    meaning: 'the linear map on a 52-bit-VA kernel; non-canonical with 48-bit VA',
  },
  {
    start: 0xffff000000000000n,
    end: 0xffff5fffffffffffn,
    name: 'linear map',
    meaning:
      'the kernel linear map of physical memory (slab objects, page-allocator memory); KASLR randomises where RAM sits in it',
    kaslr: true,
  },
  {
    start: 0xffff600000000000n,
    end: 0xffff7fffffffffffn,
    name: 'linear map or KASAN shadow',
    meaning: 'linear map, or the KASAN shadow region when KASAN is enabled',
  },
  {
    start: 0xffff800000000000n,
    end: 0xffff800007ffffffn,
    name: 'modules',
    meaning:
      'the module/BPF JIT region (v6.1 layout; newer kernels place modules within 2 GiB of the kernel image)',
  },
  {
    start: 0xffff800008000000n,
    end: 0xfffffbffefffffffn,
    name: 'vmalloc',
    meaning:
      'vmalloc space: vmalloc() memory, kernel stacks, ioremap, and the kernel image itself (at a KASLR offset)',
    kaslr: true,
  },
  { start: 0xfffffbfff0000000n, end: 0xfffffbfffdffffffn, name: 'fixmap', meaning: 'fixed mappings' },
  { start: 0xfffffbfffe000000n, end: 0xfffffbfffe7fffffn, name: 'guard', meaning: 'guard region' },
  { start: 0xfffffbfffe800000n, end: 0xfffffbffff7fffffn, name: 'PCI I/O', meaning: 'PCI I/O space' },
  { start: 0xfffffbffff800000n, end: 0xfffffbffffffffffn, name: 'guard', meaning: 'guard region' },
  {
    start: 0xfffffc0000000000n,
    end: 0xfffffdffffffffffn,
    name: 'vmemmap',
    meaning: 'vmemmap: the struct page array',
  },
  {
    start: 0xfffffe0000000000n,
    end: 0xffffffffffffffffn,
    name: 'guard',
    meaning: 'guard region at the top (often a negative number rather than an address)',
  },
];

/** include/linux/poison.h with POISON_POINTER_DELTA = CONFIG_ILLEGAL_POINTER_VALUE. */
export const POISON_POINTER_DELTA = 0xdead000000000000n;
export const POINTER_POISONS: Readonly<Record<string, { name: string; meaning: string }>> = {
  '100': {
    name: 'LIST_POISON1',
    meaning:
      'list_del() wrote this into entry->next: the list entry was already deleted (use after list_del, or a double list_del)',
  },
  '122': {
    name: 'LIST_POISON2',
    meaning:
      'list_del() wrote this into entry->prev: the list entry was already deleted (use after list_del, or a double list_del)',
  },
  '300': { name: 'TIMER_ENTRY_STATIC', meaning: 'a statically initialised timer that was never set up' },
};

/** Byte patterns: include/linux/poison.h (slab debugging, CONFIG_SLUB_DEBUG / slub_debug=P). */
export const BYTE_POISONS: Readonly<Record<number, { name: string; meaning: string }>> = {
  0x6b: {
    name: 'POISON_FREE',
    meaning: 'freed slab memory: a pointer was read from an object after kfree() (use-after-free)',
  },
  0x5a: {
    name: 'POISON_INUSE',
    meaning: 'allocated but never initialised slab memory (use of uninitialised memory)',
  },
  0xa5: { name: 'POISON_END', meaning: 'the last byte of a poisoned slab object' },
  0xcc: {
    name: 'SLUB_RED_ACTIVE / POISON_FREE_INITMEM',
    meaning:
      'the red zone around an allocated SLUB object (an out-of-bounds access), freed __init memory, or int3 padding',
  },
  0xaa: { name: 'PAGE_POISON', meaning: 'a freed page (page_poison=1): use-after-free of a page' },
  0xbb: { name: 'SLUB_RED_INACTIVE', meaning: 'the red zone of a free SLUB object' },
};

export const WORD_POISONS: Readonly<Record<string, { name: string; meaning: string }>> = {
  '09f911029d74e35b': { name: 'RED_INACTIVE', meaning: 'SLAB red zone of a free object' },
  d84156c5635688c0: { name: 'RED_ACTIVE', meaning: 'SLAB red zone of an allocated object' },
  deadbeef: { name: 'ATM_POISON / 0xdeadbeef', meaning: 'a classic "this memory was poisoned" marker' },
  dead4ead: { name: 'SPINLOCK_MAGIC', meaning: 'the magic of a debug spinlock (CONFIG_DEBUG_SPINLOCK)' },
};

/** Generic KASAN shadow offset on x86_64 (arch/x86/Kconfig KASAN_SHADOW_OFFSET). */
export const KASAN_SHADOW_OFFSET_X86_64 = 0xdffffc0000000000n;
export const KASAN_SHADOW_SCALE_SHIFT = 3n;

/** include/uapi/asm-generic/errno-base.h, errno.h and include/linux/errno.h (kernel-internal codes). */
export const ERRNO_NAMES: Readonly<Record<number, string>> = {
  1: 'EPERM',
  2: 'ENOENT',
  3: 'ESRCH',
  4: 'EINTR',
  5: 'EIO',
  6: 'ENXIO',
  7: 'E2BIG',
  8: 'ENOEXEC',
  9: 'EBADF',
  10: 'ECHILD',
  11: 'EAGAIN',
  12: 'ENOMEM',
  13: 'EACCES',
  14: 'EFAULT',
  15: 'ENOTBLK',
  16: 'EBUSY',
  17: 'EEXIST',
  18: 'EXDEV',
  19: 'ENODEV',
  20: 'ENOTDIR',
  21: 'EISDIR',
  22: 'EINVAL',
  23: 'ENFILE',
  24: 'EMFILE',
  25: 'ENOTTY',
  26: 'ETXTBSY',
  27: 'EFBIG',
  28: 'ENOSPC',
  29: 'ESPIPE',
  30: 'EROFS',
  31: 'EMLINK',
  32: 'EPIPE',
  33: 'EDOM',
  34: 'ERANGE',
  35: 'EDEADLK',
  36: 'ENAMETOOLONG',
  37: 'ENOLCK',
  38: 'ENOSYS',
  39: 'ENOTEMPTY',
  40: 'ELOOP',
  61: 'ENODATA',
  62: 'ETIME',
  71: 'EPROTO',
  75: 'EOVERFLOW',
  84: 'EILSEQ',
  90: 'EMSGSIZE',
  95: 'EOPNOTSUPP',
  98: 'EADDRINUSE',
  103: 'ECONNABORTED',
  104: 'ECONNRESET',
  105: 'ENOBUFS',
  110: 'ETIMEDOUT',
  111: 'ECONNREFUSED',
  113: 'EHOSTUNREACH',
  115: 'EINPROGRESS',
  116: 'ESTALE',
  122: 'EDQUOT',
  125: 'ECANCELED',
  512: 'ERESTARTSYS',
  513: 'ERESTARTNOINTR',
  514: 'ERESTARTNOHAND',
  515: 'ENOIOCTLCMD',
  516: 'ERESTART_RESTARTBLOCK',
  517: 'EPROBE_DEFER',
  518: 'EOPENSTALE',
  524: 'ENOTSUPP',
};
/** include/linux/err.h */
export const MAX_ERRNO = 4095;
