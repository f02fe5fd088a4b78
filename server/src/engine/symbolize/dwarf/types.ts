// Types as C spells them, and their layout: what the faulting-access explanation needs to turn a register
// displacement into `o->hw.mac.type`. Typedefs and qualifiers are followed; every read is bounded.
import { type Die, dieConst, dieRef, dieString } from './dies';
import { type DwarfInfo } from './dwarfInfo';

export const DW_TAG_TYPE = {
  array_type: 0x01,
  enumeration_type: 0x04,
  member: 0x0d,
  pointer_type: 0x0f,
  reference_type: 0x10,
  structure_type: 0x13,
  subroutine_type: 0x15,
  typedef: 0x16,
  union_type: 0x17,
  subrange_type: 0x21,
  base_type: 0x24,
  const_type: 0x26,
  volatile_type: 0x35,
  restrict_type: 0x37,
  atomic_type: 0x47,
  class_type: 0x02,
} as const;

export const DW_AT_TYPE = {
  byte_size: 0x0b,
  type: 0x49,
  data_member_location: 0x38,
  data_bit_offset: 0x6b,
  bit_size: 0x0d,
  upper_bound: 0x2f,
  count: 0x37,
  declaration: 0x3c,
} as const;

const MAX_HOPS = 32;
const QUALIFIERS = new Set<number>([
  DW_TAG_TYPE.const_type,
  DW_TAG_TYPE.volatile_type,
  DW_TAG_TYPE.restrict_type,
  DW_TAG_TYPE.atomic_type,
]);

/** The type a DIE's DW_AT_type names, or null (void). */
export function typeOf(dw: DwarfInfo, d: Die): Die | null {
  const ref = dieRef(d, DW_AT_TYPE.type);
  return ref < 0 ? null : dw.dieAt(ref);
}

/** The type with typedefs and qualifiers taken off (`const struct foo_t` -> `struct foo`). */
export function stripType(dw: DwarfInfo, t: Die | null): Die | null {
  for (let hop = 0; t && hop < MAX_HOPS; hop++) {
    if (t.tag !== DW_TAG_TYPE.typedef && !QUALIFIERS.has(t.tag)) return t;
    t = typeOf(dw, t);
  }
  return t;
}

/** C spelling: `struct buggy_obj *`, `const char *`, `unsigned long`, `u8[16]`. */
export function typeName(dw: DwarfInfo, t: Die | null, depth = 0): string {
  if (!t) return 'void';
  if (depth > MAX_HOPS) return '…';
  const name = dieString(t, 0x03);
  switch (t.tag) {
    case DW_TAG_TYPE.base_type:
    case DW_TAG_TYPE.typedef:
      return name ?? '?';
    case DW_TAG_TYPE.structure_type:
      return `struct ${name ?? '(anonymous)'}`;
    case DW_TAG_TYPE.class_type:
      return `class ${name ?? '(anonymous)'}`;
    case DW_TAG_TYPE.union_type:
      return `union ${name ?? '(anonymous)'}`;
    case DW_TAG_TYPE.enumeration_type:
      return `enum ${name ?? '(anonymous)'}`;
    case DW_TAG_TYPE.pointer_type:
    case DW_TAG_TYPE.reference_type: {
      const target = typeOf(dw, t);
      const fn = stripType(dw, target);
      if (fn?.tag === DW_TAG_TYPE.subroutine_type && target === fn) return functionPointerName(dw, fn, depth);
      const inner = typeName(dw, target, depth + 1);
      return inner.endsWith('*') ? `${inner}*` : `${inner} *`;
    }
    case DW_TAG_TYPE.const_type:
    case DW_TAG_TYPE.volatile_type: {
      const q = t.tag === DW_TAG_TYPE.const_type ? 'const' : 'volatile';
      const target = typeOf(dw, t);
      const inner = typeName(dw, target, depth + 1);
      // A qualified array is an array of qualified elements (C11 6.7.3): gcc qualifies both in DWARF.
      return target?.tag === DW_TAG_TYPE.array_type && inner.startsWith(`${q} `) ? inner : `${q} ${inner}`;
    }
    case DW_TAG_TYPE.restrict_type:
    case DW_TAG_TYPE.atomic_type:
      return typeName(dw, typeOf(dw, t), depth + 1);
    case DW_TAG_TYPE.array_type: {
      const n = arrayLength(dw, t);
      return `${typeName(dw, typeOf(dw, t), depth + 1)}[${n ?? ''}]`;
    }
    case DW_TAG_TYPE.subroutine_type:
      return 'function';
    default:
      return name ?? '?';
  }
}

/** `void (*)(int)`: a pointer to a function type, as C and gdb spell it. */
function functionPointerName(dw: DwarfInfo, fn: Die, depth: number): string {
  const tree = dw.dieTreeAt(fn.offset) ?? fn;
  const params = tree.children.flatMap((c) =>
    c.tag === FORMAL_PARAMETER
      ? [typeName(dw, typeOf(dw, c), depth + 1)]
      : c.tag === UNSPECIFIED_PARAMETERS
        ? ['...']
        : [],
  );
  return `${typeName(dw, typeOf(dw, fn), depth + 1)} (*)(${params.length ? params.join(', ') : 'void'})`;
}

const FORMAL_PARAMETER = 0x05;
const UNSPECIFIED_PARAMETERS = 0x18;

/** Size in bytes (arrays: length × element), null when DWARF does not say. */
export function byteSize(dw: DwarfInfo, t: Die | null, depth = 0): number | null {
  if (!t || depth > MAX_HOPS) return null;
  const own = dieConst(t, DW_AT_TYPE.byte_size);
  if (own !== null) return own;
  if (t.tag === DW_TAG_TYPE.typedef || QUALIFIERS.has(t.tag)) return byteSize(dw, typeOf(dw, t), depth + 1);
  if (t.tag === DW_TAG_TYPE.pointer_type || t.tag === DW_TAG_TYPE.reference_type)
    return t.unit.header.addrSize;
  if (t.tag === DW_TAG_TYPE.array_type) {
    const n = arrayLength(dw, t);
    const e = byteSize(dw, typeOf(dw, t), depth + 1);
    return n !== null && e !== null ? n * e : null;
  }
  return null;
}

/** Elements of the first dimension of an array type, null when unknown (flexible arrays). */
export function arrayLength(dw: DwarfInfo, t: Die): number | null {
  const tree = t.children.length ? t : (dw.dieTreeAt(t.offset) ?? t);
  const sub = tree.children.find((c) => c.tag === DW_TAG_TYPE.subrange_type);
  if (!sub) return null;
  const count = dieConst(sub, DW_AT_TYPE.count);
  if (count !== null) return count;
  const upper = dieConst(sub, DW_AT_TYPE.upper_bound);
  return upper !== null ? upper + 1 : null;
}

export interface Member {
  name: string | null;
  /** Byte offset in the containing type. */
  offset: number;
  type: Die | null;
  /** Bitfields: the member occupies bits, not whole bytes. */
  bitfield: boolean;
}

/** The members of a struct or union (its subtree read once). */
export function membersOf(dw: DwarfInfo, t: Die): Member[] {
  const tree = t.children.length ? t : (dw.dieTreeAt(t.offset) ?? t);
  const out: Member[] = [];
  for (const m of tree.children) {
    if (m.tag !== DW_TAG_TYPE.member) continue;
    let offset = 0;
    const loc = m.attrs.get(DW_AT_TYPE.data_member_location);
    const bits = dieConst(m, DW_AT_TYPE.data_bit_offset);
    if (loc?.kind === 'const') offset = loc.value;
    else if (loc?.kind === 'block') {
      // DWARF 2 style: DW_OP_plus_uconst N.
      if (loc.value[0] !== 0x23) continue;
      offset = readUleb(loc.value, 1);
    } else if (bits !== null) offset = Math.floor(bits / 8);
    out.push({
      name: dieString(m, 0x03),
      offset,
      type: typeOf(dw, m),
      bitfield: dieConst(m, DW_AT_TYPE.bit_size) !== null,
    });
  }
  return out;
}

function readUleb(b: Buffer, at: number): number {
  let v = 0;
  let mul = 1;
  for (let i = at; i < b.length && i < at + 8; i++) {
    v += (b[i] & 0x7f) * mul;
    if (!(b[i] & 0x80)) break;
    mul *= 128;
  }
  return v;
}
