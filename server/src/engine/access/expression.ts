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
    return { member: '', container: null, expression: expr || `*${variable}` };
  }
  const path = walk(dw, target, off);
  if (typeof path === 'string') return path;
  const container = `${typeName(dw, target)} +0x${off.toString(16)}`;
  const first = path[0] ?? '';
  const rest = path.slice(1).join('');
  if (!expr) {
    expr = first.startsWith('[') ? `${variable}${first}${rest}` : `${variable}->${first.slice(1)}${rest}`;
  } else expr += first + rest;
  return { member: path.join('').replace(/^\./, ''), container, expression: expr };
}

/** `.hw`, `.mac`, `[5]` steps down to the innermost member containing `off`, or why there is none. */
function walk(dw: DwarfInfo, t: Die, off: number): string[] | string {
  const steps: string[] = [];
  let type: Die | null = t;
  for (let depth = 0; depth < MAX_DEPTH && type; depth++) {
    if (type.tag === DW_TAG_TYPE.array_type) {
      const elem = typeOf(dw, type);
      const es = byteSize(dw, elem);
      if (!es) return `no element size for ${typeName(dw, type)}`;
      const index = Math.floor(off / es);
      const n = arrayLength(dw, type);
      if (n !== null && index >= n) return `+0x${off.toString(16)} is past the end of ${typeName(dw, type)}`;
      steps.push(`[${index}]`);
      off -= index * es;
      type = stripType(dw, elem);
    } else if (
      type.tag === DW_TAG_TYPE.structure_type ||
      type.tag === DW_TAG_TYPE.union_type ||
      type.tag === DW_TAG_TYPE.class_type
    ) {
      const hit = membersOf(dw, type).find((m) => {
        const s = m.bitfield ? 1 : (byteSize(dw, m.type) ?? 0);
        return off >= m.offset && off < m.offset + Math.max(s, 1);
      });
      if (!hit) return `no member at +0x${off.toString(16)} of ${typeName(dw, type)}`;
      // An anonymous struct/union member: C names its fields directly.
      if (hit.name) steps.push(`.${hit.name}`);
      off -= hit.offset;
      type = stripType(dw, hit.type);
    } else break;
  }
  if (steps.length === 0) return `no member at +0x${off.toString(16)} of ${typeName(dw, t)}`;
  return steps;
}
