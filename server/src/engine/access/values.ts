// Step 2: the values. The base and index registers' values from the event's register dump, the effective
// address they give, and whether that is the address the kernel reported (the `BUG:` line, `#PF`, CR2, a
// GPF's `probably for non-canonical address`). A disagreement is a finding of its own (CR2 overwritten, a
// string instruction, an access that straddles a page), never silently ignored.
import type { Register } from '../model';
import type { DecodedAccess } from './instruction';

export interface RegisterValue {
  register: string;
  /** 64-bit value as printed, null when the dump does not print the register. */
  value: bigint | null;
}

export interface AccessValues {
  base: RegisterValue | null;
  index: (RegisterValue & { scale: number }) | null;
  /** The effective address, null when a register it needs is missing or it is RIP-relative without an IP. */
  address: bigint | null;
  /**
   * true: the fault address lies in [address, address + size) — for `rep stos`/`rep movs`, in the bytes the
   * instruction has left to write (or read); false: it does not; null: nothing to compare.
   */
  agrees: boolean | null;
  /** The fault address, when the event gives one. */
  fault: bigint | null;
  /** RSP from the dump (the faulting frame's stack pointer), null when not printed. */
  stackPointer: bigint | null;
  /** A repeated string instruction: the bytes it has left to write, from RCX and EFLAGS.DF. */
  stringRange: { start: bigint; end: bigint } | null;
  notes: string[];
}

/** `rep stos %rax,(%rdi)` / `rep movsq (%rsi),(%rdi)` as the decoders spell them: its element size, or null. */
export function repeatedString(text: string): { op: 'stos' | 'movs'; element: number } | null {
  const m = /^rep (stos|movs)([bwlq])?\b(?: %(r|e)?(a[xl]))?/.exec(text);
  if (!m) return null;
  const bySuffix: Record<string, number> = { b: 1, w: 2, l: 4, q: 8 };
  const element = m[2]
    ? bySuffix[m[2]]
    : m[4] === 'al'
      ? 1
      : m[3] === 'r'
        ? 8
        : m[3] === 'e'
          ? 4
          : m[4] === 'ax'
            ? 2
            : 0;
  return element ? { op: m[1] as 'stos' | 'movs', element } : null;
}

/** RSP as the dump prints it, `RSP: 0018:ffffc9000003fd80` (the stack segment first) or alone. */
function stackPointerOf(registers: Register[]): bigint | null {
  const m = /^(?:[0-9a-f]{4}:)?([0-9a-f]{1,16})$/i.exec(registers.find((r) => r.name === 'RSP')?.value ?? '');
  return m ? BigInt('0x' + m[1]) : null;
}

/** EFLAGS.DF: string instructions go down when set. */
const EFLAGS_DF = 1n << 10n;

const MASK64 = (1n << 64n) - 1n;
const MASK32 = (1n << 32n) - 1n;

/** An arm64 index register's value as the address uses it: its low 32 bits extended, or all of it. */
function extended(v: bigint, extend: 'uxtw' | 'sxtw' | undefined): bigint {
  if (!extend) return v;
  const low = v & MASK32;
  return extend === 'sxtw' && low >= 1n << 31n ? low - (1n << 32n) : low;
}

/** The value of a register as the dump prints it (`RBX: 0000000000000000`), or null. */
export function registerValue(registers: Register[], name: string): bigint | null {
  const r = registers.find((x) => x.name === name);
  if (!r || !/^[0-9a-f]{1,16}$/i.test(r.value)) return null;
  return BigInt('0x' + r.value);
}

/**
 * `ip`: the absolute address of the instruction when known (RIP-relative operands need it). `faultAddress`:
 * hex text without 0x, as the event holds it.
 */
export function accessValues(
  access: DecodedAccess,
  registers: Register[],
  faultAddress: string | null,
  ip: bigint | null,
): AccessValues {
  const notes: string[] = [];
  const m = access.memory;
  const read = (name: string | null): RegisterValue | null =>
    name === null
      ? null
      : {
          register: name,
          value:
            name === 'RIP' ? ip : name === 'RSP' ? stackPointerOf(registers) : registerValue(registers, name),
        };
  let base: RegisterValue | null = null;
  let index: (RegisterValue & { scale: number }) | null = null;
  let address: bigint | null = null;
  if (m) {
    base = read(m.base);
    const i = read(m.index);
    index = i && { ...i, scale: m.scale };
    const missing = [base, index].filter((r) => r && r.value === null).map((r) => r!.register);
    if (missing.length === 0) {
      let a = m.displacement;
      if (base?.value != null) a += base.value + (m.base === 'RIP' ? BigInt(access.length) : 0n);
      if (index?.value != null) a += extended(index.value, m.indexExtend) * BigInt(index.scale);
      address = a & (m.addressBits === 32 ? MASK32 : MASK64);
    } else if (missing.includes('RIP'))
      notes.push(
        'RIP-relative operand (a global): its address needs the absolute address of the instruction',
      );
    else notes.push(`the register dump does not print ${missing.join(', ')}`);
  } else if (access.target) {
    base = read(access.target);
    address = base?.value ?? null;
    if (base && base.value === null) notes.push(`the register dump does not print ${access.target}`);
  }
  if (access.otherOperands > 0)
    notes.push('a string instruction: it accesses two addresses; the first operand is the one shown');
  let agrees: boolean | null = null;
  const fault =
    faultAddress !== null && /^[0-9a-f]{1,16}$/i.test(faultAddress) ? BigInt('0x' + faultAddress) : null;
  const rep = repeatedString(access.text);
  const count = rep && m?.base === 'RDI' ? registerValue(registers, 'RCX') : null;
  let stringRange: AccessValues['stringRange'] = null;
  if (rep && address !== null && count !== null) {
    const eflags = registerValue(registers, 'EFLAGS');
    const down = eflags !== null && (eflags & EFLAGS_DF) !== 0n;
    const e = BigInt(rep.element);
    // The CPU faults at an element it has still to write: RDI is the next one, RCX how many remain.
    stringRange = down
      ? { start: address - (count - 1n) * e, end: address + e }
      : { start: address, end: address + count * e };
    const span = `[0x${stringRange.start.toString(16)}, 0x${stringRange.end.toString(16)})`;
    const what = `\`${access.text}\` has RCX == 0x${count.toString(16)} elements of ${rep.element} byte${rep.element > 1 ? 's' : ''} left to write ${down ? 'down to' : 'from'} RDI${eflags === null ? ' (EFLAGS not in the dump: DF taken as clear, as the ABI keeps it)' : down ? ' (EFLAGS.DF set)' : ''}: ${span}`;
    if (fault !== null) {
      agrees = fault >= stringRange.start && fault < stringRange.end;
      notes.push(
        agrees
          ? `${what}; the fault address is in it, ${fault === address ? 'at RDI' : `+0x${(fault - stringRange.start).toString(16)} into it (a fault inside a string instruction's range need not be at RDI)`}`
          : `${what}; the fault address 0x${fault.toString(16)} is outside it`,
      );
      return {
        base,
        index,
        address,
        agrees,
        fault,
        stackPointer: stackPointerOf(registers),
        stringRange,
        notes,
      };
    }
    notes.push(what);
  }
  if (address !== null && fault !== null) {
    const size = BigInt(access.size ?? 1);
    agrees = fault >= address && fault < address + size;
    if (!agrees)
      notes.push(
        `the fault address 0x${fault.toString(16)} is not the computed address 0x${address.toString(16)}` +
          (access.otherOperands > 0 ? ' (the other operand may be the one that faulted)' : ''),
      );
  }
  return { base, index, address, agrees, fault, stackPointer: stackPointerOf(registers), stringRange, notes };
}
