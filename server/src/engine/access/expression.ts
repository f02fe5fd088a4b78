// Step 4: the member. The variable's pointed-to type walked to the member at the displacement (nested
// structs, unions, arrays, anonymous members) and the C expression a kernel developer would write.
import type { Die } from '../symbolize/dwarf/dies';
import type { DwarfInfo } from '../symbolize/dwarf/dwarfInfo';
import {
  byteSize,
  DW_TAG_TYPE,
  membersOf,
  stripType,
  typeName,
  typeOf,
  arrayLength,
} from '../symbolize/dwarf/types';

export interface MemberPath {
  /** `hw.mac.type`, `val`, `[5]`; '' for the pointed-to object itself (`*p`). */
  member: string;
  /** `struct buggy_obj +0x10`, null when the pointee is no struct/union/array. */
  container: string | null;
  /** `o->val`, `tbl[5]`, `*p`. */
  expression: string;
  /** The member's DWARF type (unstripped), to walk on from a pointer loaded out of it; null when unknown. */
  type: Die | null;
}

const MAX_DEPTH = 16;

/**
 * The member of `*variable` at byte `offset` (from the pointer's value), `size` bytes wide; or a short
 * reason. `pointerType` is the variable's (pointer) type.
 */
export function memberAt(
  dw: DwarfInfo,
  variable: string,
  pointerType: Die | null,
  offset: bigint,
  accessSize: number | null,
): MemberPath | string {
  const ptr = stripType(dw, pointerType);
  if (!ptr || ptr.tag !== DW_TAG_TYPE.pointer_type)
    return `\`${variable}\` is a ${typeName(dw, pointerType)}, not a pointer`;
  const pointee = typeOf(dw, ptr);
  const target = stripType(dw, pointee);
  if (!target) return `\`${variable}\` is a void pointer: no type to walk`;
  if (offset < 0n)
    return `a negative offset (-0x${(-offset).toString(16)}) from \`${variable}\` (container_of?)`;
  const size = byteSize(dw, target);
  let off = Number(offset);
  let expr: string;
  // Pointer arithmetic first: a displacement past the object is an element of an array of them.
  const element = size && size > 0 ? Math.floor(off / size) : 0;
  if (element > 0) {
    expr = `${variable}[${element}]`;
    off -= element * size!;
  } else expr = '';
  const isAggregate = (t: Die | null) =>
    !!t &&
    (t.tag === DW_TAG_TYPE.structure_type ||
      t.tag === DW_TAG_TYPE.union_type ||
      t.tag === DW_TAG_TYPE.class_type ||
      t.tag === DW_TAG_TYPE.array_type);
  if (!isAggregate(target)) {
    if (off !== 0) return `+0x${off.toString(16)} is inside a ${typeName(dw, pointee)}`;
    return { member: '', container: null, expression: expr || `*${variable}`, type: pointee };
  }
  const path = walk(dw, target, off, accessSize);
  if (typeof path === 'string') return path;
  const container = `${typeName(dw, target)} +0x${off.toString(16)}`;
  const first = path.steps[0] ?? '';
  const rest = path.steps.slice(1).join('');
  if (!expr) {
    expr = first.startsWith('[') ? `${variable}${first}${rest}` : `${variable}->${first.slice(1)}${rest}`;
  } else expr += first + rest;
  return {
    member: path.steps.join('').replace(/^\./, ''),
    container,
    expression: expr,
    type: path.type,
  };
}

/**
 * The part of the object `variable` itself (not what it points to: a buffer on the stack) at byte `offset`
 * into it, `size` bytes wide: `buf[7]`, `req.hdr.len`, `buf` for a scalar at its start; or a short reason.
 */
export function objectMemberAt(
  dw: DwarfInfo,
  variable: string,
  objectType: Die | null,
  offset: bigint,
  accessSize: number | null,
): MemberPath | string {
  const t = stripType(dw, objectType);
  if (!t) return `\`${variable}\` has no type to walk`;
  const off = Number(offset);
  const aggregate =
    t.tag === DW_TAG_TYPE.structure_type ||
    t.tag === DW_TAG_TYPE.union_type ||
    t.tag === DW_TAG_TYPE.class_type ||
    t.tag === DW_TAG_TYPE.array_type;
  if (!aggregate)
    return off === 0
      ? { member: '', container: null, expression: variable, type: objectType }
      : `+0x${off.toString(16)} is inside \`${variable}\` (${typeName(dw, objectType)})`;
  const path = walk(dw, t, off, accessSize);
  if (typeof path === 'string') return path;
  const member = path.steps.join('');
  return {
    member: member.replace(/^\./, ''),
    container: `${typeName(dw, t)} +0x${off.toString(16)}`,
    expression: variable + member,
    type: path.type,
  };
}

/**
 * `.hw`, `.mac`, `[5]` steps down to the innermost member containing `off`, or why there is none. Of a
 * union's members the one the access fits exactly (`size` bytes at the start of a scalar) is preferred.
 */
function walk(dw: DwarfInfo, t: Die, off: number, size: number | null): Walked | string {
  const r = walkFrom(dw, t, off, size, 0);
  if (typeof r === 'string') return r;
  if (r.steps.length === 0) return `no member at +0x${off.toString(16)} of ${typeName(dw, t)}`;
  return r;
}

interface Walked {
  steps: string[];
  /** The access starts at a scalar of exactly its size. */
  exact: boolean;
  /** The innermost member's or element's type as declared (unstripped). */
  type: Die | null;
}

function walkFrom(
  dw: DwarfInfo,
  type: Die | null,
  off: number,
  size: number | null,
  depth: number,
): Walked | string {
  if (!type || depth >= MAX_DEPTH) return { steps: [], exact: false, type: null };
  if (type.tag === DW_TAG_TYPE.array_type) {
    const elem = typeOf(dw, type);
    const es = byteSize(dw, elem);
    if (!es) return `no element size for ${typeName(dw, type)}`;
    const index = Math.floor(off / es);
    const n = arrayLength(dw, type);
    if (n !== null && index >= n) return `+0x${off.toString(16)} is past the end of ${typeName(dw, type)}`;
    const inner = walkFrom(dw, stripType(dw, elem), off - index * es, size, depth + 1);
    return typeof inner === 'string'
      ? inner
      : { steps: [`[${index}]`, ...inner.steps], exact: inner.exact, type: inner.type ?? elem };
  }
  if (
    type.tag !== DW_TAG_TYPE.structure_type &&
    type.tag !== DW_TAG_TYPE.union_type &&
    type.tag !== DW_TAG_TYPE.class_type
  )
    return { steps: [], exact: off === 0 && size !== null && byteSize(dw, type) === size, type: null };
  const covering = membersOf(dw, type).filter((m) => {
    const s = m.bitfield ? 1 : (byteSize(dw, m.type) ?? 0);
    return off >= m.offset && off < m.offset + Math.max(s, 1);
  });
  if (covering.length === 0) return `no member at +0x${off.toString(16)} of ${typeName(dw, type)}`;
  let first: Walked | string | null = null;
  for (const m of covering) {
    const inner = walkFrom(dw, stripType(dw, m.type), off - m.offset, size, depth + 1);
    if (typeof inner === 'string') {
      first ??= inner;
      continue;
    }
    // An anonymous struct/union member: C names its fields directly.
    const walked = {
      steps: m.name ? [`.${m.name}`, ...inner.steps] : inner.steps,
      exact: inner.exact,
      type: inner.type ?? m.type,
    };
    if (walked.exact) return walked;
    if (first === null || typeof first === 'string') first = walked;
  }
  return first!;
}
