// Step 3: the variable. The variables and parameters in scope at the PC — the subprogram, every inlined
// subroutine and lexical block that covers it, abstract origins followed — whose DWARF location there is
// the base register (DW_OP_reg*, or DW_OP_breg* k + DW_OP_stack_value: value = register + k), innermost
// scope first. Variables without a location are "optimized out", said, never guessed.
import { type Die, dieRef, dieString, readDieTree } from '../symbolize/dwarf/dies';
import type { DwarfInfo } from '../symbolize/dwarf/dwarfInfo';
import { locationAt, registerLocation, type RegisterLocation } from '../symbolize/dwarf/locations';
import { byteSize, DW_TAG_TYPE, membersOf, stripType, typeName, typeOf } from '../symbolize/dwarf/types';
import { X86_64_GPRS } from './instruction';

export interface VariableAtPc {
  name: string;
  kind: 'parameter' | 'local';
  /** The function that owns it (the inlined callee when it belongs to an inlined call). */
  function: string;
  /** The functions that function is inlined into, innermost first ([] when not inlined). */
  inlinedIn: string[];
  /** C spelling of its type: `struct buggy_obj *`. */
  type: string;
  /** Its location at the PC: `RDI`, `RBX+0x8` (the variable's value is the register plus 8). */
  location: string;
}

export interface VariableFound {
  variable: VariableAtPc;
  /** The DWARF type DIE (for the member walk). */
  typeDie: Die | null;
  /** variable value = register + this. */
  offset: bigint;
}

const TAG = {
  formal_parameter: 0x05,
  lexical_block: 0x0b,
  inlined_subroutine: 0x1d,
  subprogram: 0x2e,
  variable: 0x34,
} as const;
const AT_name = 0x03;
const AT_location = 0x02;
const AT_abstract_origin = 0x31;
const AT_specification = 0x47;
const MAX_ORIGIN_HOPS = 8;
const POINTER_TYPE = DW_TAG_TYPE.pointer_type;

/** x86_64 DWARF register numbers (System V psABI, figure 3.36) -> register-dump names. */
const X86_64_DWARF_REGISTERS = [
  'RAX',
  'RDX',
  'RCX',
  'RBX',
  'RSI',
  'RDI',
  'RBP',
  'RSP',
  ...X86_64_GPRS.slice(8),
  'RIP',
];

/** AArch64 DWARF register numbers (DWARF for the Arm 64-bit Architecture, 4.1): x0–x30 = 0–30, sp = 31. */
const ARM64_DWARF_REGISTERS = [...Array.from({ length: 31 }, (_, i) => `x${i}`), 'sp'];

const EM_AARCH64 = 183;

/** The register-dump names by DWARF register number for an ELF machine (x86_64 unless aarch64). */
export function dwarfRegisters(machine: number): readonly string[] {
  return machine === EM_AARCH64 ? ARM64_DWARF_REGISTERS : X86_64_DWARF_REGISTERS;
}

/** One scope covering the PC: the function DIE it belongs to and the DIE whose children are its variables. */
interface Scope {
  die: Die;
  /** Name of the function (subprogram or inlined callee) the scope belongs to. */
  owner: string;
  /** Functions outside it, innermost first. */
  outer: string[];
}

/** The variable holding `register` at linear `pc`, or a short reason with what was found instead. */
export function variableInRegister(
  dw: DwarfInfo,
  pc: number,
  register: string,
  registers: readonly string[] = X86_64_DWARF_REGISTERS,
): { found: VariableFound | null; why: string | null } {
  const regNumber = registers.indexOf(register);
  if (regNumber < 0) return { found: null, why: `${register} has no DWARF register number` };
  return findVariable(dw, pc, register, (loc) => {
    if (loc.kind !== 'register' && loc.kind !== 'register-plus') return null;
    if (loc.register !== regNumber) return null;
    return loc.kind === 'register-plus' ? loc.offset : 0n;
  });
}

/** DW_OP_call_frame_cfa: the frame base is the CFA (what gcc gives every function). */
const DW_OP_call_frame_cfa = 0x9c;
const AT_frame_base = 0x40;

/**
 * The variable that lives on the stack at CFA + `cfaOffset` at linear `pc` (DW_OP_fbreg, the function's
 * frame base being the CFA), or a short reason.
 */
export function variableAtFrameOffset(
  dw: DwarfInfo,
  pc: number,
  cfaOffset: bigint,
): { found: VariableFound | null; why: string | null } {
  const where = `the stack slot CFA${cfaOffset < 0n ? '-' : '+'}0x${(cfaOffset < 0n ? -cfaOffset : cfaOffset).toString(16)}`;
  return findVariable(
    dw,
    pc,
    where,
    (loc) => (loc.kind === 'frame-offset' && loc.offset === cfaOffset ? 0n : null),
    frameBaseIsCfa,
  );
}

/**
 * The variable that lives on the stack (DW_OP_fbreg, the frame base the CFA) and covers the byte at CFA +
 * `cfaOffset` at linear `pc` — a buffer `char buf[256]` for any of its 256 bytes — with the byte's offset
 * into it (`offset`); or a short reason. Its location reads `the stack at CFA-0x110`.
 */
export function variableCoveringFrameOffset(
  dw: DwarfInfo,
  pc: number,
  cfaOffset: bigint,
): { found: VariableFound | null; why: string | null } {
  const hex = (v: bigint) => `${v < 0n ? '-' : '+'}0x${(v < 0n ? -v : v).toString(16)}`;
  const r = findVariable(
    dw,
    pc,
    `the stack at CFA${hex(cfaOffset)}`,
    (loc, type) => {
      if (loc.kind !== 'frame-offset') return null;
      const size = byteSize(dw, type);
      if (!size || cfaOffset < loc.offset || cfaOffset >= loc.offset + BigInt(size)) return null;
      return cfaOffset - loc.offset;
    },
    frameBaseIsCfa,
  );
  // The variable starts at the slot, not at the byte: its location names the slot.
  if (r.found) r.found.variable.location = `the stack at CFA${hex(cfaOffset - r.found.offset)}`;
  return r;
}

/** Is the function's frame base the CFA (DW_OP_call_frame_cfa), what DW_OP_fbreg offsets are taken from here? */
function frameBaseIsCfa(fn: Die): boolean {
  const fb = fn.attrs.get(AT_frame_base);
  return fb?.kind === 'block' && fb.value.length === 1 && fb.value[0] === DW_OP_call_frame_cfa;
}

/**
 * The variable in scope at `pc` whose location `match` accepts (giving: variable = location + offset),
 * innermost scope first; `location` names the place in the answer. `frameBaseOk` vets the function.
 */
function findVariable(
  dw: DwarfInfo,
  pc: number,
  register: string,
  match: (loc: RegisterLocation, type: Die | null) => bigint | null,
  frameBaseOk: (fn: Die) => boolean = () => true,
): { found: VariableFound | null; why: string | null } {
  const unit = dw.findUnit(pc);
  if (!unit) return { found: null, why: 'no DWARF unit covers the IP' };
  const tree = unit.functions();
  const top = tree.topLevelContaining(pc);
  if (top < 0) return { found: null, why: 'no DWARF function covers the IP' };
  const fn = readDieTree(unit, tree.records()[top].die);
  if (!frameBaseOk(fn)) return { found: null, why: `the frame base of the function is not the CFA` };
  const scopes = scopesAt(dw, fn, pc);
  const optimizedOut: string[] = [];
  /** Every variable in the register, innermost scope first. */
  const candidates: VariableFound[] = [];
  /** Pointers whose location here is no register (`a`: only its value at function entry is known). */
  const elsewhere: string[] = [];
  for (let i = scopes.length - 1; i >= 0; i--) {
    const s = scopes[i];
    for (const v of s.die.children) {
      if (v.tag !== TAG.formal_parameter && v.tag !== TAG.variable) continue;
      const origin = withOrigin(dw, v);
      const name = dieString(origin, AT_name);
      if (!name) continue;
      const attr = v.attrs.get(AT_location);
      if (!attr) {
        optimizedOut.push(name);
        continue;
      }
      const expr = locationAt(unit, attr, pc);
      if (!expr) continue;
      const loc = registerLocation(expr, unit.sections.little);
      const offset = match(loc, typeOf(dw, origin));
      if (offset === null) {
        if (
          (loc.kind === 'other' || loc.kind === 'frame-offset') &&
          stripType(dw, typeOf(dw, origin))?.tag === POINTER_TYPE
        )
          elsewhere.push(`\`${name}\` ${loc.what}`);
        continue;
      }
      const typeDie = typeOf(dw, origin);
      const location =
        offset === 0n
          ? register
          : `${register}${offset < 0n ? '-' : '+'}0x${(offset < 0n ? -offset : offset).toString(16)}`;
      candidates.push({
        variable: {
          name,
          kind: v.tag === TAG.formal_parameter ? 'parameter' : 'local',
          function: s.owner,
          inlinedIn: s.outer,
          type: typeName(dw, typeDie),
          location,
        },
        typeDie,
        offset,
      });
    }
  }
  if (candidates.length) return { found: preferred(dw, candidates), why: null };
  const out = [...new Set(optimizedOut)];
  const details = [
    ...(out.length
      ? [`${out.map((n) => `\`${n}\``).join(', ')} ${out.length > 1 ? 'are' : 'is'} optimized out`]
      : []),
    ...[...new Set(elsewhere)].slice(0, 3).map((w) => w.replace(/^(`[^`]+`) /, '$1: ')),
  ];
  return {
    found: null,
    why: `no variable in scope is in ${register} here${details.length ? ` (${details.join('; ')})` : ''}`,
  };
}

/**
 * Of the variables in the register (innermost scope first), the innermost that points to a struct or union
 * of several members: an inlined generic helper's pointer (`__ptr` of try_cmpxchg, an `atomic64_t *`, a
 * `refcount_t *` — scalars and one-member wrappers) names less than the caller's `lock` whose member it is.
 * Without one, the innermost.
 */
function preferred(dw: DwarfInfo, candidates: VariableFound[]): VariableFound {
  const rich = candidates.find((c) => {
    const ptr = stripType(dw, c.typeDie);
    if (ptr?.tag !== POINTER_TYPE) return false;
    const t = stripType(dw, typeOf(dw, ptr));
    return (
      !!t &&
      (t.tag === DW_TAG_TYPE.structure_type || t.tag === DW_TAG_TYPE.union_type) &&
      membersOf(dw, t).length > 1
    );
  });
  return rich ?? candidates[0];
}

/** The subprogram and every inlined subroutine / lexical block inside it that covers `pc`, outermost first. */
function scopesAt(dw: DwarfInfo, fn: Die, pc: number): Scope[] {
  const name = functionName(dw, fn);
  const scopes: Scope[] = [{ die: fn, owner: name, outer: [] }];
  let current = scopes[0];
  for (let depth = 0; depth < 64; depth++) {
    const next = current.die.children.find(
      (c) => (c.tag === TAG.lexical_block || c.tag === TAG.inlined_subroutine) && covers(c.ranges, pc),
    );
    if (!next) break;
    current =
      next.tag === TAG.inlined_subroutine
        ? { die: next, owner: functionName(dw, next), outer: [current.owner, ...current.outer] }
        : { die: next, owner: current.owner, outer: current.outer };
    scopes.push(current);
  }
  return scopes;
}

function covers(ranges: number[], pc: number): boolean {
  for (let i = 0; i < ranges.length; i += 2) if (pc >= ranges[i] && pc < ranges[i + 1]) return true;
  return false;
}

/** The DIE that holds the name and type: the DIE itself, or its abstract origin / specification. */
function withOrigin(dw: DwarfInfo, d: Die): Die {
  let cur = d;
  for (let hop = 0; hop < MAX_ORIGIN_HOPS; hop++) {
    if (dieString(cur, AT_name)) return mergeType(d, cur);
    const ref =
      dieRef(cur, AT_abstract_origin) >= 0 ? dieRef(cur, AT_abstract_origin) : dieRef(cur, AT_specification);
    const next = ref >= 0 ? dw.dieAt(ref) : null;
    if (!next) return cur;
    cur = next;
  }
  return cur;
}

/** The origin's name, with the concrete DIE's own type when it has one. */
function mergeType(concrete: Die, origin: Die): Die {
  return concrete === origin || !concrete.attrs.has(0x49)
    ? origin
    : { ...origin, attrs: new Map([...origin.attrs, [0x49, concrete.attrs.get(0x49)!]]) };
}

function functionName(dw: DwarfInfo, d: Die): string {
  return dieString(withOrigin(dw, d), AT_name) ?? '??';
}
