// What a debug file says about the faulting IP: the instruction bytes there (a `.ko`'s section at the
// symbol's offset, vmlinux's `.text` at the address) and the linear PC the DWARF steps look up.
import type { Frame } from '../model';
import { type DebugFile, SymbolizeError } from '../symbolize';
import type { DwarfInfo } from '../symbolize/dwarf/dwarfInfo';
import type { AccessEvidence } from './faultAccess';
import type { DecodedAccess } from './instruction';
import type { AccessValues } from './values';
import { dwarfRegisters, variableInRegister, type VariableAtPc } from './variable';
import { memberAt, type MemberPath } from './expression';
import { callBefore } from './badCall';
import { codeAt, guarded } from './codeAt';

/** The longest x86 instruction. */
const MAX_INSTRUCTION = 15;

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
      ? (access, values) => describeAccess(df.dwarf(), at.linear, access, values, dwarfRegisters(df.machine))
      : undefined,
  };
}

/** The evidence for a call through a bad pointer: the indirect call before `caller`'s return address. */
export function evidenceFromCall(df: DebugFile, caller: Frame): AccessEvidence {
  const site = callBefore(df, caller);
  if (typeof site === 'string') return { fileProblem: `debug file: ${site}` };
  return {
    fileBytes: site.call.bytes,
    machine: df.machine,
    callSite: { call: site.call, function: site.function, offset: site.offset },
    describe: df.hasDebugInfo
      ? (access, values) =>
          describeAccess(df.dwarf(), site.linear, access, values, dwarfRegisters(df.machine))
      : undefined,
  };
}

/**
 * Steps 3 and 4 at linear `pc` of `dw`: the variable in the base register (or the call target's register)
 * and the member at the displacement. Every step that cannot be done adds a note saying why.
 */
export function describeAccess(
  dw: DwarfInfo,
  pc: number,
  access: DecodedAccess,
  values: AccessValues,
  registers: readonly string[],
): { variable: VariableAtPc | null; member: MemberPath | null; notes: string[] } {
  const notes: string[] = [];
  const m = access.memory;
  const register = m ? m.base : access.target;
  if (!register || register === 'RIP')
    return {
      variable: null,
      member: null,
      notes: [m ? 'no base register: the address is a constant or a global' : 'no register to follow'],
    };
  try {
    const { found, why } = variableInRegister(dw, pc, register, registers);
    if (!found) return { variable: null, member: null, notes: [`DWARF: ${why}`] };
    if (!m)
      return {
        variable: found.variable,
        member: { member: '', container: null, expression: found.variable.name },
        notes,
      };
    let offset = m.displacement - found.offset;
    if (m.index) {
      const idx = values.index?.value;
      if (idx === null || idx === undefined) {
        notes.push(`the index register ${m.index} is not in the dump: no member named`);
        return { variable: found.variable, member: null, notes };
      }
      offset += idx * BigInt(m.scale);
    }
    const member = memberAt(dw, found.variable.name, found.typeDie, offset, access.size);
    if (typeof member === 'string') {
      notes.push(`type layout: ${member}`);
      return { variable: found.variable, member: null, notes };
    }
    return { variable: found.variable, member, notes };
  } catch (e) {
    if (e instanceof SymbolizeError) return { variable: null, member: null, notes: [`DWARF: ${e.message}`] };
    throw e;
  }
}
