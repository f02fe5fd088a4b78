// The faulting access of a memory-fault event, explained as far as the evidence goes: the instruction
// (debug file bytes at the IP, else the log's `Code:` bytes), the register values and effective address,
// and — with DWARF — the variable in the base register and the member at the displacement, as the C
// expression a kernel developer would write. Every step that cannot be done says why, in a short phrase.
import type { Frame, KernelEvent } from '../model';
import { parseCodeBytes } from '../explain/disasm';
import { decodeArm64AccessBytes } from './arm64';
import { decodeAccess, type AccessKind, type DecodedAccess, type MemoryOperand } from './instruction';
import { accessValues, type AccessValues } from './values';
import type { VariableAtPc } from './variable';
import type { MemberPath } from './expression';

/** What the access is, JSON-ready (`analyze --json`'s `access`): numbers that may exceed 2^53 are hex text. */
export interface FaultAccess {
  function: string | null;
  offset: number | null;
  /** AT&T text as objdump prints it: `movq $0x1234,0x8(%rbx)`. */
  instruction: string;
  bytes: string;
  /** Where the instruction bytes came from. */
  bytesFrom: 'debug file' | 'Code: line';
  kind: AccessKind;
  size: number | null;
  /** The effective address, `0x…`, null when it cannot be computed. */
  address: string | null;
  faultAddress: string | null;
  agreesWithFaultAddress: boolean | null;
  base: { register: string; value: string | null } | null;
  index: { register: string; value: string | null; scale: number } | null;
  /** Signed, `0x8` / `-0x10`. */
  displacement: string | null;
  /** The variable in the base register at the PC (DWARF), when a debug file was given. */
  variable: VariableAtPc | null;
  /** `hw.mac.type`, `[5]`, `val`; null when no member is named. */
  member: string | null;
  /** `struct buggy_obj +0x10`. */
  container: string | null;
  /** `o->val`, `tbl[5]`, `*p` (C syntax, no spaces). */
  expression: string | null;
  /**
   * What the base (or call-target) register held, as C: the variable (`o`) or, when the pointer was just
   * loaded, the member it was loaded from, followed back through the loads to a variable (`node->next`).
   */
  pointer: string | null;
  /**
   * The base register held an address in the faulting function's own stack frame (a write into the stack
   * guard page): the frame's CFA, the byte named and its offset from the CFA (`-0x110`).
   */
  stack?: { cfa: string; byte: string; cfaOffset: string };
  notes: string[];
  /** The one line shown first in diagnostics, hovers and `decode`. */
  summary: string;
}

/** Event kinds whose register dump belongs to a faulting memory access. */
const MEMORY_FAULT_KINDS: ReadonlySet<string> = new Set([
  'null-deref',
  'paging-request',
  'gpf',
  'oops',
  'stack-guard',
]);

/** What a debug file adds: the instruction bytes at the IP, and the DWARF steps' answers. */
export interface AccessEvidence {
  /** Bytes from the debug file at the faulting IP (at least one instruction's worth). */
  fileBytes?: Uint8Array | null;
  /** A call through a bad pointer: the call instruction before the return address, and where it is. */
  callSite?: {
    call: DecodedAccess;
    function: string;
    offset: number;
    /** A tail call: the direct call whose return address the trace shows, before the jump through the pointer. */
    tailCallFrom?: { function: string; offset: number; text: string };
  };
  /** The debug file's ELF machine (e_machine): its bytes are no use for a log of another architecture. */
  machine?: number;
  /** Why the file gave no bytes, when it was asked. */
  fileProblem?: string | null;
  /** Absolute address of the faulting instruction, when known (RIP-relative operands). */
  ip?: bigint | null;
  /** Step 3 and 4, given the decoded instruction (a closure over the debug file and the PC). */
  describe?: (
    access: DecodedAccess,
    values: AccessValues,
  ) => {
    variable: VariableAtPc | null;
    member: MemberPath | null;
    pointer?: string | null;
    stack?: { cfa: bigint; byte: bigint };
    notes: string[];
  };
}

/** The facts of an event the explanation reads (what a symbolizer job carries to its worker). */
export interface AccessEvent extends Pick<
  KernelEvent,
  'kind' | 'arch' | 'ip' | 'registers' | 'pageFault' | 'faultAddress' | 'code'
> {
  /**
   * When RIP names no code (a call through a bad pointer): the first trace entry (arm64: lr), whose return
   * address follows the call that jumped there.
   */
  caller?: Frame | null;
}

/** Those facts of an event, nothing else. */
export function accessEventOf(e: KernelEvent): AccessEvent {
  const { kind, arch, ip, registers, pageFault, faultAddress, code } = e;
  const frames = e.traces[0]?.frames ?? [];
  // arm64: the function that branched is in lr (its frame record is not written yet, the trace skips it).
  const caller =
    badCallTarget(e) === null
      ? null
      : e.arch === 'arm64'
        ? e.lr
        : (frames.find((f) => f.reliable) ?? frames[0] ?? null);
  return { kind, arch, ip, registers, pageFault, faultAddress, code, ...(caller ? { caller } : {}) };
}

/**
 * RIP's value when it names no code and is where the fault was (`RIP: 0010:0x0`, the fault address 0): the
 * CPU jumped there through a bad function pointer. Null otherwise.
 */
export function badCallTarget(e: Pick<AccessEvent, 'ip' | 'faultAddress' | 'registers'>): bigint | null {
  let rip: bigint;
  if (e.ip) {
    if (e.ip.function || !e.ip.address || !/^[0-9a-f]{1,16}$/i.test(e.ip.address)) return null;
    rip = BigInt('0x' + e.ip.address);
  } else {
    // `RIP: 0010:0x0` / arm64 `pc : 0x0` is no frame the analysis keeps: its value is the register's.
    const m = /^(?:[0-9a-f]{4}:)?0x([0-9a-f]{1,16})$/i.exec(
      e.registers.find((r) => r.name === 'RIP' || r.name === 'pc')?.value ?? '',
    );
    if (!m) return null;
    rip = BigInt('0x' + m[1]);
  }
  const fault =
    e.faultAddress && /^[0-9a-f]{1,16}$/i.test(e.faultAddress) ? BigInt('0x' + e.faultAddress) : null;
  return fault === null || fault === rip ? rip : null;
}

/**
 * Is this event one the faulting-access explanation is for: a memory fault with a register dump, x86_64
 * (`BUG: … NULL pointer dereference`, `#PF`, GPF) or arm64 (`Unable to handle kernel …`, a data abort)?
 */
export function isMemoryFault(e: AccessEvent): boolean {
  if (e.arch === 'arm64')
    return (
      e.kind === 'arm-page-fault' && (e.ip !== null || badCallTarget(e) !== null) && e.registers.length > 0
    );
  return (
    MEMORY_FAULT_KINDS.has(e.kind) &&
    (e.arch === 'x86_64' || (e.arch === 'unknown' && e.registers.some((r) => r.name === 'RAX'))) &&
    (e.ip !== null || badCallTarget(e) !== null) &&
    e.registers.length > 0 &&
    (e.kind !== 'oops' || e.pageFault !== null || e.faultAddress !== null)
  );
}

/**
 * The access of one event, or null when the event is no x86_64 memory fault. Where a step cannot be done the
 * result says why (`notes`, and the summary stops at what is known).
 */
export function faultAccess(e: AccessEvent, given: AccessEvidence = {}): FaultAccess | null {
  if (!isMemoryFault(e)) return null;
  const evidence = sameMachine(e, given);
  const target = badCallTarget(e);
  if (target !== null) return badCallAccess(e, target, evidence);
  const notes: string[] = [];
  const arch = e.arch === 'arm64' ? 'arm64' : 'x86_64';
  const decode = arch === 'arm64' ? decodeArm64AccessBytes : (b: Uint8Array) => decodeAccess(b);
  const logCode = e.code ? parseCodeBytes(e.code, arch) : null;
  const logBytes =
    logCode && logCode.arch === arch && logCode.trapOffset !== null
      ? logCode.bytes.subarray(logCode.trapOffset)
      : null;
  const fromLog = logBytes ? decode(logBytes) : null;
  const fromFile = evidence.fileBytes ? decode(evidence.fileBytes) : null;
  let decoded: DecodedAccess | null = fromFile ?? fromLog;
  let bytesFrom: FaultAccess['bytesFrom'] = fromFile ? 'debug file' : 'Code: line';
  if (fromFile && fromLog && !sameAccess(fromFile, fromLog)) {
    // The CPU ran the log's bytes: a patched instruction (alternatives) or a file of another build.
    notes.push(
      `the debug file has \`${fromFile.text}\` at the IP but the log's Code: line \`${fromLog.text}\`: the log's is used`,
    );
    decoded = fromLog;
    bytesFrom = 'Code: line';
  }
  if (evidence.fileProblem) notes.push(evidence.fileProblem);
  if (!decoded) {
    const why =
      arch === 'arm64' && (evidence.fileBytes?.length || logBytes?.length)
        ? `the instruction at the PC (${wordText(evidence.fileBytes ?? logBytes!)}) is in none of the classes the arm64 decoder reads (load/store register or pair, literal, LSE atomics, exclusives, load-acquire/store-release, compare-and-swap, BR/BLR/RET; not vector structures or pointer-authenticated loads)`
        : e.code
          ? logCode
            ? 'the Code: bytes decode to no instruction at the marked byte'
            : 'the Code: line holds no instruction bytes'
          : 'the log has no Code: line and no debug file gave the bytes';
    return unknown(e, notes, why);
  }
  const values = accessValues(decoded, e.registers, e.faultAddress, evidence.ip ?? null);
  notes.push(...values.notes);
  if (decoded.reason) notes.push(decoded.reason);
  const described =
    fromFile && decoded === fromFile && evidence.describe && (decoded.memory || decoded.target)
      ? evidence.describe(decoded, values)
      : null;
  if (described) notes.push(...described.notes);
  const variable = described?.variable ?? null;
  const member = described?.member ?? null;
  const hex = (v: bigint | null) => (v === null ? null : '0x' + v.toString(16));
  const m = decoded.memory;
  const out: FaultAccess = {
    function: e.ip?.function ?? null,
    offset: e.ip?.offset ?? null,
    instruction: decoded.text,
    bytes: [...decoded.bytes].map((b) => b.toString(16).padStart(2, '0')).join(' '),
    bytesFrom,
    kind: decoded.kind,
    size: decoded.size,
    address: hex(values.address),
    faultAddress: e.faultAddress ? '0x' + e.faultAddress.replace(/^0+(?=.)/, '') : null,
    agreesWithFaultAddress: values.agrees,
    base: values.base && { register: values.base.register, value: hex(values.base.value) },
    index: values.index && {
      register: values.index.register,
      value: hex(values.index.value),
      scale: values.index.scale,
    },
    displacement: m ? displacementText(m) : null,
    variable,
    member: member?.member ?? null,
    container: member?.container ?? null,
    expression: member?.expression ?? null,
    pointer: described?.pointer ?? null,
    ...(described?.stack
      ? {
          stack: {
            cfa: hex(described.stack.cfa)!,
            byte: hex(described.stack.byte)!,
            cfaOffset: signedHex(described.stack.byte - described.stack.cfa),
          },
        }
      : {}),
    notes,
    summary: '',
  };
  const frameNote = exceptionFrameNote(e, values);
  if (frameNote) notes.push(frameNote);
  out.summary =
    summaryOf(out, decoded) + (frameNote ? " (that is where the fault's exception frame was pushed)" : '');
  return out;
}

/**
 * A call through a bad pointer: RIP is the target, the instruction is the indirect call before the first
 * trace entry's return address (evidence.callSite), the variable and member what it
 * called through.
 */
function badCallAccess(e: AccessEvent, target: bigint, evidence: AccessEvidence): FaultAccess {
  const notes: string[] = evidence.fileProblem ? [evidence.fileProblem] : [];
  const site = evidence.callSite;
  const call = site?.call ?? null;
  const rip = '0x' + target.toString(16);
  if (!site || !call || !(call.indirectCall || site.tailCallFrom))
    return unknown(
      e,
      notes,
      `RIP ${rip} is no code (a call through a bad pointer?): the indirect call before the first trace entry needs its debug file`,
    );
  const tail = site.tailCallFrom;
  const where = `${site.function}+0x${site.offset.toString(16)}${tail ? ' (a tail call)' : ''}`;
  if (tail)
    notes.push(
      `a tail call: the return address ${tail.function}+0x${tail.offset.toString(16)} follows \`${tail.text}\`, a direct call, and ${site.function} jumped on through the pointer at +0x${site.offset.toString(16)}`,
    );
  if (call.retpoline)
    notes.push(
      `a retpoline: \`${call.text}\` is an indirect ${call.indirectCall ? 'call' : 'jump'} through ${call.target}`,
    );
  const values = accessValues(call, e.registers, null, null);
  notes.push(...values.notes);
  if (call.target && values.base?.value != null && values.base.value !== target)
    notes.push(
      `${call.target} is 0x${values.base.value.toString(16)}, not RIP ${rip}: it changed after the call`,
    );
  const described = evidence.describe?.(call, values) ?? null;
  if (described) notes.push(...described.notes);
  const hex = (v: bigint | null) => (v === null ? null : '0x' + v.toString(16));
  const fault = e.faultAddress ? '0x' + e.faultAddress.replace(/^0+(?=.)/, '') : null;
  const out: FaultAccess = {
    function: site.function,
    offset: site.offset,
    instruction: call.text,
    bytes: [...call.bytes].map((b) => b.toString(16).padStart(2, '0')).join(' '),
    bytesFrom: 'debug file',
    kind: 'exec',
    size: null,
    address: rip,
    faultAddress: fault,
    agreesWithFaultAddress: fault === null ? null : fault === rip,
    base: values.base && { register: values.base.register, value: hex(values.base.value) },
    index: values.index && {
      register: values.index.register,
      value: hex(values.index.value),
      scale: values.index.scale,
    },
    displacement: call.memory ? displacementText(call.memory) : null,
    variable: described?.variable ?? null,
    member: described?.member?.member || null,
    container: described?.member?.container ?? null,
    expression: described?.member?.expression ?? null,
    pointer: described?.pointer ?? null,
    notes,
    summary: '',
  };
  const through = call.memory ? operandText(call.memory) : call.target;
  const v = out.variable;
  out.summary =
    out.expression && v
      ? `calling \`${out.expression}\` == ${valueText(rip)}${out.container ? ` (${out.container})` : ''} ` +
        `(\`${v.name}\`: ${v.kind} of ${[v.function, ...v.inlinedIn].join(', inlined in ')}, in ${v.location}) at ${where}`
      : `calling through ${through} == ${valueText(rip)} at ${where} (\`${call.text}\`)`;
  return out;
}

/** How the note of a fault address that is the exception frame's push begins (hovers find it by this). */
export const EXCEPTION_FRAME_NOTE = 'the fault address is RSP rounded down to 16, minus 8';

/**
 * A stack guard page hit whose fault address is not the access's, but 8 bytes below RSP rounded down to 16:
 * where a 64-bit CPU pushes the frame of an exception taken without a stack switch. The access faulted, and
 * delivering that page fault on the same (overflowed) stack faulted again — the double fault the kernel
 * reports with the address of that push.
 */
function exceptionFrameNote(e: AccessEvent, values: AccessValues): string | null {
  if (e.kind !== 'stack-guard' || values.agrees !== false || values.fault === null) return null;
  const rsp = values.stackPointer;
  if (rsp === null || values.fault !== (rsp & ~15n) - 8n) return null;
  return (
    `${EXCEPTION_FRAME_NOTE}: where the CPU pushes a page fault's frame on the ` +
    `same stack. The access faulted, then pushing that fault's frame faulted again (a double fault, reported ` +
    `with the push's address): the fault address is the push's, not the access's`
  );
}

/** ELF e_machine of each architecture the explanation decodes. */
const MACHINES: Record<string, number> = { x86_64: 62, arm64: 183 };

/** The evidence, or only a note when the debug file is of another architecture than the log. */
function sameMachine(e: AccessEvent, evidence: AccessEvidence): AccessEvidence {
  const want = MACHINES[e.arch === 'arm64' ? 'arm64' : 'x86_64'];
  if (evidence.machine === undefined || evidence.machine === want) return evidence;
  return { fileProblem: `debug file: ELF machine ${evidence.machine}, not the log's ${e.arch} (${want})` };
}

/** An A64 word as the kernel's Code: line prints it. */
function wordText(b: Uint8Array): string {
  return (b.length >= 4 ? (b[0] | (b[1] << 8) | (b[2] << 16) | (b[3] << 24)) >>> 0 : 0)
    .toString(16)
    .padStart(8, '0');
}

function unknown(e: AccessEvent, notes: string[], why: string): FaultAccess {
  return {
    function: e.ip?.function ?? null,
    offset: e.ip?.offset ?? null,
    instruction: '',
    bytes: '',
    bytesFrom: 'Code: line',
    kind: 'read',
    size: null,
    address: null,
    faultAddress: e.faultAddress ? '0x' + e.faultAddress.replace(/^0+(?=.)/, '') : null,
    agreesWithFaultAddress: null,
    base: null,
    index: null,
    displacement: null,
    variable: null,
    member: null,
    container: null,
    expression: null,
    pointer: null,
    notes: [why, ...notes],
    summary: `faulting access unknown: ${why}`,
  };
}

/** Same operation on the same operand (relocated displacements of RIP-relative operands may differ). */
function sameAccess(a: DecodedAccess, b: DecodedAccess): boolean {
  if (a.kind !== b.kind || a.size !== b.size || a.target !== b.target || a.length !== b.length) return false;
  if (!a.memory || !b.memory) return a.memory === b.memory;
  return (
    a.memory.base === b.memory.base &&
    a.memory.index === b.memory.index &&
    a.memory.scale === b.memory.scale &&
    (a.memory.base === 'RIP' || a.memory.displacement === b.memory.displacement)
  );
}

function signedHex(v: bigint): string {
  return v < 0n ? `-0x${(-v).toString(16)}` : `0x${v.toString(16)}`;
}

const VERB: Record<AccessKind, string> = {
  read: 'reading',
  write: 'writing',
  rmw: 'updating',
  exec: 'calling',
};

/** `RBX+0x8`, `RDI+RCX*8-0x10`, `0xdead00000000beef` (an absolute address: no registers). */
export function operandText(m: MemoryOperand): string {
  const regs = [m.base, m.index && `${m.index}*${m.scale}`].filter((r) => r).join('+');
  if (!regs) return displacementText(m);
  return m.displacement === 0n ? regs : regs + signedHex(m.displacement).replace(/^(?!-)/, '+');
}

/** Signed beside registers; an address of its own (moffs) is unsigned. */
function displacementText(m: MemoryOperand): string {
  return m.base || m.index ? signedHex(m.displacement) : '0x' + (m.displacement & MASK64).toString(16);
}

const MASK64 = (1n << 64n) - 1n;

function valueText(v: string | null): string {
  return v === null ? 'not in the dump' : v === '0x0' ? 'NULL' : v;
}

function summaryOf(a: FaultAccess, d: DecodedAccess): string {
  const verb = VERB[a.kind];
  const agreement =
    a.agreesWithFaultAddress === true
      ? ', the fault address'
      : a.agreesWithFaultAddress === false
        ? `, not the fault address ${a.faultAddress}`
        : '';
  const reg = a.base;
  if (a.stack && a.expression && a.variable) {
    const v = a.variable;
    const owner = [v.function, ...v.inlinedIn].join(', inlined in ');
    const at =
      a.stack.byte === a.faultAddress
        ? `${a.stack.byte}, the fault address`
        : `${a.stack.byte}${a.agreesWithFaultAddress === false ? `, not the fault address ${a.faultAddress}` : ''}`;
    return (
      `${verb} \`${a.expression}\` on the stack through ` +
      `${reg ? `${reg.register} == ${valueText(reg.value)}` : 'its base register'} ` +
      `(\`${v.name}\`: ${v.kind} of ${owner}, ${v.type}, at ${v.location.replace(/^the stack at /, '')}) → ${at}`
    );
  }
  if (a.expression && a.variable && reg) {
    const owner = [a.variable.function, ...a.variable.inlinedIn].join(', inlined in ');
    // One step back, the register held a member loaded from the variable: `node->next` (`node`: …).
    const loaded = a.pointer !== null && a.pointer !== a.variable.name;
    return (
      `${verb} \`${a.expression}\`${a.container ? ` (${a.container})` : ''} with \`${a.pointer ?? a.variable.name}\` == ` +
      `${valueText(reg.value)} (${loaded ? `\`${a.variable.name}\`: ` : ''}${a.variable.kind} of ${owner}, in ${a.variable.location})` +
      (a.address ? ` → ${a.address}${agreement}` : '')
    );
  }
  if (!d.memory && d.target)
    return `calling through ${d.target}${reg ? ` == ${valueText(reg.value)}` : ''}${agreement}`;
  if (!d.memory) return `\`${d.text}\`: ${d.reason ?? 'no memory operand'}`;
  const size = a.size ? `${a.size} byte${a.size === 1 ? '' : 's'}` : 'memory';
  const regs = [a.base, a.index]
    .filter((r): r is NonNullable<typeof r> => r !== null && r.register !== 'RIP')
    .map((r) => `${r.register} == ${valueText(r.value)}`);
  return (
    `${verb} ${size} at ${operandText(d.memory)}${regs.length ? ` with ${regs.join(', ')}` : ''}` +
    (a.address ? ` → ${a.address}${agreement}` : '')
  );
}
