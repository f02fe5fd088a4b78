// Classifies a 64-bit value the way a kernel developer reads it: NULL + offset, ERR_PTR, poison, KASAN
// shadow, non-canonical, user space, kernel regions. Pure; never throws.

import type { Arch } from '../model';
import {
  ARM64_REGIONS,
  BYTE_POISONS,
  ERRNO_NAMES,
  KASAN_SHADOW_OFFSET_X86_64,
  KASAN_SHADOW_SCALE_SHIFT,
  MAX_ERRNO,
  POINTER_POISONS,
  POISON_POINTER_DELTA,
  WORD_POISONS,
  X86_64_REGIONS,
  type Region,
} from './tables/addresses';
import { hex } from './tables/bits';

export interface ValueClass {
  /** Short label, e.g. `NULL + 0x8`, `LIST_POISON1`, `direct map`. */
  label: string;
  /** One sentence on what it means for the investigation. */
  detail: string;
}

const U64 = (1n << 64n) - 1n;
const PAGE_SIZE = 4096n;

/** Classification of `value` as an address (and as a number where that reads better). */
export function classifyValue(value: bigint, arch: Arch = 'unknown'): ValueClass[] {
  const out: ValueClass[] = [];
  if (value < 0n || value > U64) return out;

  if (value === 0n) {
    out.push({ label: 'NULL', detail: 'zero: a NULL pointer, a zero counter or a cleared register' });
    return out;
  }
  if (value < PAGE_SIZE) {
    out.push({
      label: `NULL + ${hex(value)}`,
      detail: `as a pointer: offset ${value} (${hex(value)}) from NULL, i.e. a field at that offset inside a struct whose pointer was NULL; the first page is never mapped`,
    });
    return out;
  }
  if (value < 0x10000n) {
    out.push({
      label: 'near NULL',
      detail:
        'below 64 KiB (vm.mmap_min_addr on most distributions): as a pointer, NULL plus a large offset or an array index on a NULL base; also a plausible small integer',
    });
    return out;
  }

  // ERR_PTR(-errno): the last 4095 values below 2^64 (include/linux/err.h).
  if (value > U64 - BigInt(MAX_ERRNO)) {
    const errno = Number(U64 - value + 1n);
    const name = ERRNO_NAMES[errno];
    out.push({
      label: `-${errno}${name ? ` (-${name})` : ''}`,
      detail: `a negative error code; as a pointer an ERR_PTR(-${name ?? errno}): a caller used an error return as a pointer without IS_ERR()${errno === 38 ? '. RAX = -ENOSYS is also what syscall entry stores before the syscall runs' : ''}`,
    });
    return out;
  }

  const poison = poisonOf(value);
  if (poison) out.push(poison);

  const kasan = kasanShadowOf(value, arch);
  if (kasan) out.push(kasan);

  const ascii = asciiOf(value);

  if (arch === 'arm64') out.push(...regionOf(value, ARM64_REGIONS, 'arm64'));
  else if (arch === 'x86_64' || arch === 'unknown' || arch === 'i386') {
    if (arch === 'i386' && value <= 0xffffffffn) out.push(i386Region(value));
    else {
      const canonical = isCanonical48(value);
      if (!canonical) {
        out.push({
          label: 'non-canonical',
          detail:
            'bits 63–47 are not all equal, so on x86_64 this is not an address: dereferencing it raises a general protection fault (#GP), not a page fault. Such values are poison, garbage or data mistaken for a pointer' +
            (value >= 0x0000800000000000n && value <= 0x00ffffffffffffffn
              ? ' (it would be a user address with 5-level paging, LA57)'
              : ''),
        });
      } else out.push(...regionOf(value, X86_64_REGIONS, arch === 'unknown' ? 'x86_64 (assumed)' : 'x86_64'));
    }
  }
  if (ascii) out.push(ascii);
  return out;
}

function isCanonical48(value: bigint): boolean {
  const top = value >> 47n;
  return top === 0n || top === (1n << 17n) - 1n;
}

function regionOf(value: bigint, regions: readonly Region[], archLabel: string): ValueClass[] {
  const r = findRegion(value, regions);
  if (!r) return [];
  const kaslr = r.kaslr
    ? " KASLR randomises this region's base, so the label follows the nominal layout and is a best guess."
    : '';
  return [{ label: r.name, detail: `${archLabel}: ${r.meaning}.${kaslr}` }];
}

function findRegion(value: bigint, regions: readonly Region[]): Region | undefined {
  let lo = 0;
  let hi = regions.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = regions[mid];
    if (value < r.start) hi = mid - 1;
    else if (value > r.end) lo = mid + 1;
    else return r;
  }
  return regions.find((r) => value >= r.start && value <= r.end);
}

function i386Region(value: bigint): ValueClass {
  if (value >= 0xc0000000n)
    return {
      label: 'kernel (i386)',
      detail: 'above PAGE_OFFSET 0xc0000000 (3G/1G split): kernel lowmem, vmalloc or fixmap',
    };
  return {
    label: 'user space (i386)',
    detail: 'below PAGE_OFFSET 0xc0000000 (3G/1G split): a user-space address',
  };
}

function poisonOf(value: bigint): ValueClass | null {
  const h = value.toString(16).padStart(16, '0');
  const word = WORD_POISONS[h] ?? WORD_POISONS[h.replace(/^0+/, '')];
  if (word) return { label: word.name, detail: word.meaning };

  if (value >= POISON_POINTER_DELTA && value < POISON_POINTER_DELTA + 0x100000000n) {
    const off = (value - POISON_POINTER_DELTA).toString(16);
    const p = POINTER_POISONS[off];
    if (p)
      return {
        label: p.name,
        detail: `${p.meaning} (include/linux/poison.h: ${hex(value)} = POISON_POINTER_DELTA + 0x${off})`,
      };
    return {
      label: `poison pointer + 0x${off}`,
      detail:
        'in the 0xdead000000000000 range the kernel uses for poisoned pointers (POISON_POINTER_DELTA): a pointer that was deliberately invalidated (list_del, hlist_del, freed object) and then used',
    };
  }

  // Repeated byte patterns, possibly plus a small field offset: 0x6b6b6b6b6b6b6b73 = POISON_FREE + 8.
  const b = Number(value >> 56n) & 0xff;
  const pattern = BigInt('0x' + b.toString(16).padStart(2, '0').repeat(8));
  const diff = value - pattern;
  const poison = BYTE_POISONS[b];
  if (poison && diff >= -0x1000n && diff < 0x1000n) {
    const offText = diff === 0n ? '' : diff > 0n ? ` + ${hex(diff)}` : ` - ${hex(-diff)}`;
    return {
      label: `${poison.name} (0x${b.toString(16)} pattern)${offText}`,
      detail: `slab debug poison: ${poison.meaning}${diff !== 0n ? '; the offset is the field being accessed' : ''}`,
    };
  }
  return null;
}

function kasanShadowOf(value: bigint, arch: Arch): ValueClass | null {
  if (arch === 'arm64') return null;
  if (value < KASAN_SHADOW_OFFSET_X86_64 - (1n << 60n) || value >= KASAN_SHADOW_OFFSET_X86_64 + (1n << 61n))
    return null;
  if (isCanonical48(value)) return null;
  // mm/kasan/report.c kasan_non_canonical_hook: the original address is (shadow - offset) << 3.
  const orig = ((value - KASAN_SHADOW_OFFSET_X86_64) << KASAN_SHADOW_SCALE_SHIFT) & U64;
  const last = (orig + 7n) & U64;
  const range = `[${hex(orig, 16)}-${hex(last, 16)}]`;
  if (orig < PAGE_SIZE) {
    return {
      label: 'KASAN null-ptr-deref',
      detail: `with generic KASAN this is the shadow of ${range}: KASAN checked a NULL-ish pointer (NULL + ${hex(orig)}) before the access`,
    };
  }
  if (orig <= 0x00007fffffffffffn) {
    return {
      label: 'KASAN user-memory-access',
      detail: `with generic KASAN this is the shadow of ${range}: a kernel access to a user address`,
    };
  }
  if (value >= KASAN_SHADOW_OFFSET_X86_64 - (1n << 45n) && value < KASAN_SHADOW_OFFSET_X86_64 + (1n << 45n)) {
    return {
      label: 'KASAN wild-memory-access',
      detail: `with generic KASAN this is the shadow of ${range}: a wild pointer`,
    };
  }
  return null;
}

function asciiOf(value: bigint): ValueClass | null {
  if (value < 0x2020n) return null;
  let s = '';
  let v = value;
  let printable = 0;
  for (let i = 0; i < 8 && v > 0n; i++) {
    const c = Number(v & 0xffn);
    if (c === 0 && v >> 8n === 0n) break;
    if (c < 0x20 || c > 0x7e) return null;
    s += String.fromCharCode(c);
    printable++;
    v >>= 8n;
  }
  if (printable < 4) return null;
  return {
    label: `ASCII "${s}"`,
    detail:
      'read as little-endian bytes this is printable text: string data in a register (e.g. a name being copied or formatted)',
  };
}
