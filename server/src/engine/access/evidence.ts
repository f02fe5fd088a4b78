// What a debug file says about the faulting IP: the instruction bytes there (a `.ko`'s section at the
// symbol's offset, vmlinux's `.text` at the address) and the linear PC the DWARF steps look up.
import type { Frame } from '../model';
import { type DebugFile, SymbolizeError } from '../symbolize';
import type { DwarfInfo } from '../symbolize/dwarf/dwarfInfo';
import type { Die } from '../symbolize/dwarf/dies';
import { badCallTarget, type AccessEvent, type AccessEvidence } from './faultAccess';
import { registerValue } from './values';
import type { DecodedAccess } from './instruction';
import type { AccessValues } from './values';
import {
  dwarfRegisters,
  variableAtFrameOffset,
  variableCoveringFrameOffset,
  variableInRegister,
  type VariableAtPc,
  type VariableFound,
} from './variable';
import { memberAt, objectMemberAt, type MemberPath } from './expression';
import { callBefore } from './badCall';
import { codeAt, guarded } from './codeAt';
import { loadsBefore, stackAddressIn } from './stepBack';
import { stripType, DW_TAG_TYPE, typeName } from '../symbolize/dwarf/types';

/** The longest x86 instruction. */
const MAX_INSTRUCTION = 15;
/** The most of a function read to follow loads back (a larger offset is no function the step back decodes). */
const MAX_FUNCTION_PREFIX = 1 << 16;
const EM_X86_64 = 62;

/** The function's bytes from its start up to the frame's IP, or a short reason (x86_64 only). */
function codeBefore(
  df: DebugFile,
  f: Pick<Frame, 'function' | 'offset' | 'size'>,
): () => Uint8Array | string {
  return () => {
    if (df.machine !== EM_X86_64) return 'following loads back is done for x86_64 only';
    if (f.offset === null || f.offset > MAX_FUNCTION_PREFIX)
      return 'the PC is too far into its function to decode from the start';
    const at = codeAt(df, f);
    if (typeof at === 'string') return at;
    if (at.offset < f.offset) return 'the function starts before its section';
    return guarded(() =>
      Uint8Array.from(df.elf.readSectionRange(at.section, at.offset - f.offset!, f.offset!)),
    );
  };
}

export interface IpInFile {
  bytes: Uint8Array;
  /** Linear address of the IP in the file's address space (what the DWARF reader looks up). */
  linear: number;
}

/** The bytes at `func+off/size` in `df`, or a short reason why there are none. */
export function ipInFile(df: DebugFile, ip: Pick<Frame, 'function' | 'offset' | 'size'>): IpInFile | string {
  if (!ip.function || ip.offset === null) return 'the faulting IP names no function';
  const at = codeAt(df, ip);
  if (typeof at === 'string') return at;
  const { section, offset } = at;
  const length = Math.min(MAX_INSTRUCTION, section.size - offset);
  if (!(offset >= 0 && length > 0)) return `the IP is outside ${section.name}`;
  return guarded(() => ({
    bytes: Uint8Array.from(df.elf.readSectionRange(section, offset, length)),
    linear: df.space.inSection(section, offset),
  }));
}

/** The evidence `faultAccess` takes from a debug file for an event's IP frame. */
export function evidenceFromFile(df: DebugFile, ip: Frame): AccessEvidence {
  const at = ipInFile(df, ip);
  if (typeof at === 'string') return { fileProblem: `debug file: ${at}` };
  return {
    fileBytes: at.bytes,
    machine: df.machine,
    describe: df.hasDebugInfo
      ? (access, values) =>
          describeAccess(
            df.dwarf(),
            at.linear,
            access,
            values,
            dwarfRegisters(df.machine),
            codeBefore(df, ip),
          )
      : undefined,
  };
}

/**
 * The evidence for a call through a bad pointer: the indirect call before `caller`'s return address, or the
 * tail call in the function called there (`event`: its RIP and registers choose among several jumps).
 */
export function evidenceFromCall(
  df: DebugFile,
  caller: Frame,
  event?: Pick<AccessEvent, 'ip' | 'faultAddress' | 'registers'>,
): AccessEvidence {
  const site = callBefore(df, caller, event ? badCallTarget(event) : null, (r) =>
    event ? registerValue(event.registers, r) : null,
  );
  if (typeof site === 'string') return { fileProblem: `debug file: ${site}` };
  return {
    fileBytes: site.call.bytes,
    machine: df.machine,
    callSite: {
      call: site.call,
      function: site.function,
      offset: site.offset,
      ...(site.tailCallFrom ? { tailCallFrom: site.tailCallFrom } : {}),
    },
    describe: df.hasDebugInfo
      ? (access, values) =>
          describeAccess(
            df.dwarf(),
            site.linear,
            access,
            values,
            dwarfRegisters(df.machine),
            codeBefore(df, { function: site.function, offset: site.offset, size: null }),
          )
      : undefined,
  };
}

/** What steps 3 and 4 found: the variable, the member, and the C expression of the base register's value. */
export interface Described {
  variable: VariableAtPc | null;
  member: MemberPath | null;
  /** What the base (or call-target) register held, as C: the variable, or what it was loaded from (`node->next`). */
  pointer: string | null;
  /** The base register held an address in the faulting function's own frame: where the named byte is in it. */
  stack?: StackPlace;
  notes: string[];
}

/** A byte in the faulting function's stack frame. */
export interface StackPlace {
  /** The frame's CFA (RSP before the call that entered the function). */
  cfa: bigint;
  /** The byte named (the fault address when the access covers it, else the computed address). */
  byte: bigint;
}

/**
 * Steps 3 and 4 at linear `pc` of `dw`: the variable in the base register (or the call target's register)
 * and the member at the displacement. When no variable holds the register, the loads before the PC are
 * followed back (`before`: the function's bytes up to the PC) to one that does. Every step that cannot be
 * done adds a note saying why.
 */
export function describeAccess(
  dw: DwarfInfo,
  pc: number,
  access: DecodedAccess,
  values: AccessValues,
  registers: readonly string[],
  before?: () => Uint8Array | string,
): Described {
  const notes: string[] = [];
  const m = access.memory;
  const register = m ? m.base : access.target;
  const none = (why: string[]): Described => ({ variable: null, member: null, pointer: null, notes: why });
  if (!register || register === 'RIP')
    return none([m ? 'no base register: the address is a constant or a global' : 'no register to follow']);
  try {
    let { found, why } = variableInRegister(dw, pc, register, registers);
    let pointer: {
      expression: string;
      type: Die | null;
      offset: bigint;
      member: MemberPath | null;
      shown?: string | null;
    } | null = null;
    if (!found && before && m) {
      // A write into a buffer on the stack (a guard page hit): the register is an address in the frame.
      const stack = onTheStack(dw, pc, access, values, register, before);
      if (stack) return stack;
    }
    if (!found) {
      const back = before ? followLoads(dw, pc, register, registers, before) : null;
      if (!back || typeof back === 'string')
        return none([`DWARF: ${why}`, ...(typeof back === 'string' ? [`one step back: ${back}`] : [])]);
      ({ found, why } = back);
      pointer = back.pointer;
      notes.push(...back.notes);
      if (!found || !pointer) return none([...notes, `DWARF: ${why}`]);
    }
    const base = pointer ?? {
      expression: found.variable.name,
      type: found.typeDie,
      offset: found.offset,
      member: null,
    };
    const shownPointer = pointer?.shown ?? base.expression;
    if (!m)
      return {
        variable: found.variable,
        member: base.member ?? { member: '', container: null, expression: base.expression, type: base.type },
        pointer: shownPointer,
        notes,
      };
    let offset = m.displacement - base.offset;
    if (m.index) {
      const idx = values.index?.value;
      if (idx === null || idx === undefined) {
        notes.push(`the index register ${m.index} is not in the dump: no member named`);
        return { variable: found.variable, member: null, pointer: shownPointer, notes };
      }
      offset += idx * BigInt(m.scale);
    }
    const member = memberAt(dw, base.expression, base.type, offset, access.size);
    if (typeof member === 'string') {
      notes.push(`type layout: ${member}`);
      return { variable: found.variable, member: null, pointer: shownPointer, notes };
    }
    return { variable: found.variable, member, pointer: shownPointer, notes };
  } catch (e) {
    if (e instanceof SymbolizeError) return none([`DWARF: ${e.message}`]);
    throw e;
  }
}

const hex = (v: bigint) => '0x' + v.toString(16);

/**
 * Item 5 on the stack: when `register` holds an address in the function's own frame (RSP/RBP, or copied or
 * computed from them), the byte accessed as a CFA offset (the frame's CFA from RSP and the stack depth at the
 * PC) and the variable whose DW_OP_fbreg location covers it: `buf[7]`. Null when the register holds no stack
 * address (the loads are followed instead).
 */
function onTheStack(
  dw: DwarfInfo,
  pc: number,
  access: DecodedAccess,
  values: AccessValues,
  register: string,
  before: () => Uint8Array | string,
): Described | null {
  // RSP is always the stack; RBP only as a frame pointer (else a general register the loads are followed from).
  const isStackPointer = register === 'RSP';
  const answer = (notes: string[], extra: Partial<Described> = {}): Described => ({
    variable: null,
    member: null,
    pointer: null,
    ...extra,
    notes,
  });
  const code = before();
  const s = typeof code === 'string' ? code : stackAddressIn(code, code.length, register);
  if (typeof s === 'string') return isStackPointer ? answer([`stack: ${s}`]) : null;
  const notes = [...s.notes];
  const rep = values.stringRange !== null;
  // The CFA from RSP and the bytes pushed since entry; a base register that moves during a string
  // instruction (RDI) gives it only before the first element, so it is only checked against it otherwise.
  const fromRsp =
    values.stackPointer !== null && s.depthAtPc !== null
      ? values.stackPointer + 8n + BigInt(s.depthAtPc)
      : null;
  const baseValue = values.base?.value ?? null;
  const fromBase = baseValue !== null && !rep ? baseValue - s.cfaOffset : null;
  if (fromRsp !== null && fromBase !== null && fromRsp !== fromBase)
    return answer([
      ...notes,
      `stack: the frame's CFA from RSP (${hex(fromRsp)}) and from ${register} (${hex(fromBase)}) differ: no variable named`,
    ]);
  const cfa = fromRsp ?? fromBase;
  if (cfa === null)
    return answer([
      ...notes,
      `stack: ${register} is an address in the frame (CFA${signedHex(s.cfaOffset)}) but the CFA is not known: RSP is not in the dump or the stack depth at the PC is not known`,
    ]);
  const byte = values.agrees && values.fault !== null ? values.fault : values.address;
  if (byte === null) return answer([...notes, 'stack: no address to name']);
  notes.push(
    fromRsp !== null
      ? `the frame's CFA is RSP + 0x${(8 + s.depthAtPc!).toString(16)} = ${hex(cfa)} (0x${s.depthAtPc!.toString(16)} bytes pushed or reserved since the function's entry, and the return address)`
      : `the frame's CFA is ${register} - (${signedHex(s.cfaOffset)}) = ${hex(cfa)}`,
  );
  const stack: StackPlace = { cfa, byte };
  const offset = byte - cfa;
  const { found, why } = variableCoveringFrameOffset(dw, pc, offset);
  if (!found) return answer([...notes, `DWARF: at CFA${signedHex(offset)}: ${why}`], { stack });
  const member = objectMemberAt(dw, found.variable.name, found.typeDie, found.offset, access.size);
  if (typeof member === 'string')
    return answer([...notes, `type layout: ${member}`], { variable: found.variable, stack });
  notes.push(
    `${hex(byte)} is CFA${signedHex(offset)}: \`${member.expression}\` (\`${found.variable.name}\` is DW_OP_fbreg ${signedHex(offset - found.offset)}, the frame base being the CFA)`,
  );
  if (values.stringRange) {
    // What the string instruction writes, first and last element, when both are in the variable.
    const last = variableCoveringFrameOffset(dw, pc, values.stringRange.end - 1n - cfa).found;
    const first = variableCoveringFrameOffset(dw, pc, values.stringRange.start - cfa).found;
    if (first?.variable.name === found.variable.name && last?.variable.name === found.variable.name) {
      const a = objectMemberAt(dw, found.variable.name, found.typeDie, first.offset, 1);
      const b = objectMemberAt(dw, found.variable.name, found.typeDie, last.offset, 1);
      if (typeof a !== 'string' && typeof b !== 'string')
        notes.push(`\`${access.text}\` has \`${a.expression}\` … \`${b.expression}\` left to write`);
    }
  }
  return { variable: found.variable, member, pointer: null, stack, notes };
}

/**
 * Item 5: the pointer in `register` followed back through the loads that put it there to a variable, and
 * the member expression each load read (`node->next`), with the type to walk on.
 */
function followLoads(
  dw: DwarfInfo,
  pc: number,
  register: string,
  registers: readonly string[],
  before: () => Uint8Array | string,
):
  | {
      found: VariableFound | null;
      why: string | null;
      pointer: {
        expression: string;
        type: Die | null;
        offset: bigint;
        member: MemberPath | null;
        /** What the register holds when it is not `expression` itself (`&a->hw` after a lea). */
        shown: string | null;
      } | null;
      notes: string[];
    }
  | string {
  const code = before();
  if (typeof code === 'string') return code;
  const start = pc - code.length;
  const roots = new Map<string, VariableFound>();
  const chain = loadsBefore(
    code,
    code.length,
    register,
    (reg, at) => {
      const r = variableInRegister(dw, start + at, reg, registers).found;
      if (r) roots.set(`${reg}@${at}`, r);
      return r !== null;
    },
    (cfa, at) => {
      // The variable's home on the stack, at the reload (the reloaded register holds its value after it).
      const r = variableAtFrameOffset(dw, start + at, cfa).found;
      if (r) roots.set(`CFA${cfa}@${at}`, r);
      return r !== null;
    },
  );
  if (typeof chain === 'string') return chain;
  const root = chain.root;
  const found = roots.get(
    root.stack === undefined ? `${root.register}@${root.at}` : `CFA${root.stack}@${root.at}`,
  )!;
  let expression = found.variable.name;
  let type = found.typeDie;
  let offset = found.offset;
  let member: MemberPath | null = null;
  const notes: string[] = [...chain.notes];
  /** What the register holds, as C, when it is the pointer plus a constant (`&a->hw`). */
  let shown: string | null = null;
  for (const load of chain.loads) {
    if (load.kind === 'lea') {
      // into = base + disp: the same object, the offset moved (pointer = into + offset).
      offset -= load.memory.displacement;
      const at = memberAt(dw, expression, type, -offset, null);
      shown = typeof at === 'string' || -offset === 0n ? null : `&${at.expression}`;
      notes.push(
        `${load.into} was computed as ${shown ? `\`${shown}\`` : `\`${expression}\` + ${signedHex(-offset)}`} by \`${load.text}\` (+0x${load.at.toString(16)} in the function)`,
      );
      continue;
    }
    shown = null;
    const step = memberAt(dw, expression, type, load.memory.displacement - offset, 8);
    if (typeof step === 'string') return `type layout of \`${load.text}\`: ${step}`;
    const t = stripType(dw, step.type);
    if (!t || t.tag !== DW_TAG_TYPE.pointer_type)
      return `\`${step.expression}\` (loaded by \`${load.text}\`) is a ${typeName(dw, step.type)}, not a pointer`;
    notes.push(
      `${load.into} was loaded from \`${step.expression}\` by \`${load.text}\` (+0x${load.at.toString(16)} in the function)`,
    );
    expression = step.expression;
    type = step.type;
    offset = 0n;
    member = step;
  }
  return { found, why: null, pointer: { expression, type, offset, member, shown }, notes };
}

function signedHex(v: bigint): string {
  return v < 0n ? `-0x${(-v).toString(16)}` : `0x${v.toString(16)}`;
}
