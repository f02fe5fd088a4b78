// GFP flags: include/linux/gfp_types.h (v6.1 bit values; ___GFP_* constants). Bits above __GFP_ACCOUNT
// depend on the kernel config and version (KASAN_HW_TAGS, LOCKDEP) so we decode them only by name.
// The kernel prints the names itself (`gfp_mask=0x140dca(GFP_HIGHUSER_MOVABLE|__GFP_COMP|__GFP_ZERO)`,
// via %pGg in lib/vsprintf.c and include/trace/events/mmflags.h); we explain every printed name and check
// our own decode of the number against it.

export interface GfpFlag {
  name: string;
  mask: number;
  meaning: string;
}

export const GFP_BITS: readonly GfpFlag[] = [
  { name: '__GFP_DMA', mask: 0x01, meaning: 'allocate from ZONE_DMA (below 16 MiB)' },
  { name: '__GFP_HIGHMEM', mask: 0x02, meaning: 'may use highmem (32-bit) / any zone' },
  { name: '__GFP_DMA32', mask: 0x04, meaning: 'allocate from ZONE_DMA32 (below 4 GiB)' },
  {
    name: '__GFP_MOVABLE',
    mask: 0x08,
    meaning: 'the page can be migrated or reclaimed (user pages, page cache)',
  },
  { name: '__GFP_RECLAIMABLE', mask: 0x10, meaning: 'reclaimable slab (shrinkers can free it)' },
  { name: '__GFP_HIGH', mask: 0x20, meaning: 'high priority: may dip into emergency reserves' },
  { name: '__GFP_IO', mask: 0x40, meaning: 'reclaim may start physical I/O' },
  { name: '__GFP_FS', mask: 0x80, meaning: 'reclaim may call into filesystems' },
  { name: '__GFP_ZERO', mask: 0x100, meaning: 'return zeroed memory' },
  { name: '__GFP_ATOMIC', mask: 0x200, meaning: 'atomic caller (cannot sleep) — removed in 6.3' },
  { name: '__GFP_DIRECT_RECLAIM', mask: 0x400, meaning: 'the caller may sleep and reclaim memory itself' },
  { name: '__GFP_KSWAPD_RECLAIM', mask: 0x800, meaning: 'wake kswapd to reclaim in the background' },
  { name: '__GFP_WRITE', mask: 0x1000, meaning: 'the page will be written soon (dirty-page balancing)' },
  { name: '__GFP_NOWARN', mask: 0x2000, meaning: 'do not print allocation-failure warnings' },
  {
    name: '__GFP_RETRY_MAYFAIL',
    mask: 0x4000,
    meaning: 'retry hard but may fail; never invokes the OOM killer',
  },
  { name: '__GFP_NOFAIL', mask: 0x8000, meaning: 'must not fail: loop forever' },
  { name: '__GFP_NORETRY', mask: 0x10000, meaning: 'fail quickly instead of retrying; no OOM killer' },
  { name: '__GFP_MEMALLOC', mask: 0x20000, meaning: 'may use all memory reserves' },
  { name: '__GFP_COMP', mask: 0x40000, meaning: 'compound page (several pages managed as one)' },
  { name: '__GFP_NOMEMALLOC', mask: 0x80000, meaning: 'never use emergency reserves' },
  { name: '__GFP_HARDWALL', mask: 0x100000, meaning: 'respect the cpuset memory policy strictly' },
  { name: '__GFP_THISNODE', mask: 0x200000, meaning: 'only this NUMA node' },
  { name: '__GFP_ACCOUNT', mask: 0x400000, meaning: 'charge the allocation to the memory cgroup' },
];

/** Config-dependent flags, explained by name only. */
export const GFP_NAMED_ONLY: Readonly<Record<string, string>> = {
  __GFP_ZEROTAGS: 'zero the memory tags together with the memory (MTE)',
  __GFP_SKIP_ZERO: 'skip zeroing (KASAN_HW_TAGS)',
  __GFP_SKIP_KASAN: 'skip KASAN poisoning/unpoisoning',
  __GFP_SKIP_KASAN_POISON: 'skip KASAN poisoning on free',
  __GFP_SKIP_KASAN_UNPOISON: 'skip KASAN unpoisoning on allocation',
  __GFP_NOLOCKDEP: 'exclude from lockdep reclaim tracking',
  __GFP_NO_OBJ_EXT: 'no slab object extension',
  __GFP_RECLAIM: 'direct and background reclaim allowed',
};

/** Composite masks as defined in include/linux/gfp_types.h. */
export const GFP_COMPOSITES: Readonly<Record<string, { value: number; meaning: string }>> = {
  GFP_ATOMIC: {
    value: 0x20 | 0x800,
    meaning: 'cannot sleep (interrupt or spinlock context); may use some reserves',
  },
  GFP_KERNEL: {
    value: 0x400 | 0x800 | 0x40 | 0x80,
    meaning: 'normal kernel allocation: may sleep, do I/O and call filesystems to reclaim',
  },
  GFP_KERNEL_ACCOUNT: { value: 0xcc0 | 0x400000, meaning: 'GFP_KERNEL charged to the memory cgroup' },
  GFP_NOWAIT: { value: 0x800, meaning: 'no direct reclaim, no sleeping' },
  GFP_NOIO: { value: 0xc00, meaning: 'may reclaim but not start I/O (block-layer callers)' },
  GFP_NOFS: { value: 0xc40, meaning: 'may reclaim and do I/O but not call filesystems (filesystem callers)' },
  GFP_USER: { value: 0xcc0 | 0x100000, meaning: 'a user-space allocation on behalf of a process' },
  GFP_DMA: { value: 0x01, meaning: 'ZONE_DMA allocation' },
  GFP_DMA32: { value: 0x04, meaning: 'ZONE_DMA32 allocation' },
  GFP_HIGHUSER: { value: 0x100cc0 | 0x02, meaning: 'user pages that may live in highmem' },
  GFP_HIGHUSER_MOVABLE: {
    value: 0x100cc2 | 0x08,
    meaning: 'movable user pages (anonymous memory, page cache): the most common OOM trigger',
  },
  GFP_TRANSHUGE_LIGHT: {
    value: (0x100cc2 | 0x08 | 0x40000 | 0x80000 | 0x2000) & ~0xc00,
    meaning: 'transparent huge page, no reclaim',
  },
  GFP_TRANSHUGE: {
    value: ((0x100cc2 | 0x08 | 0x40000 | 0x80000 | 0x2000) & ~0xc00) | 0x400,
    meaning: 'transparent huge page with direct reclaim',
  },
};

export interface GfpDecode {
  /** Flags from our table whose bits are set in the mask. */
  bits: GfpFlag[];
  /** Set bits our table does not describe (config/version dependent). */
  unknownMask: number;
}

export function decodeGfp(mask: number): GfpDecode {
  const bits = GFP_BITS.filter((f) => (mask & f.mask) !== 0);
  let known = 0;
  for (const f of GFP_BITS) known |= f.mask;
  return { bits, unknownMask: mask & ~known };
}

export function explainGfpName(name: string): string | undefined {
  const bit = GFP_BITS.find((f) => f.name === name);
  if (bit) return bit.meaning;
  const comp = GFP_COMPOSITES[name];
  if (comp) return comp.meaning;
  return GFP_NAMED_ONLY[name];
}
