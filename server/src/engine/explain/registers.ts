// Register hovers: x86 and arm64 register dumps, RIP/pc lines, pstate and ESR decoding.

import type { Arch, KernelEvent } from '../model';
import { parseFrame } from '../log/frames';
import {
  ABORT_ISS_FIELDS,
  ESR_CLASSES,
  ESR_FIELDS,
  FSC_NAMES,
  PSTATE_BITS,
  PSTATE_MODES,
  arm64RegisterRole,
  brkImmediateMeaning,
  fscMeaning,
} from './tables/arm64';
import { decodeFields, fieldValue, hex, parseHex64, unknownBits, type BitField } from './tables/bits';
import {
  CR0_BITS,
  CR3_FIELDS,
  CR3_PTI_PCID_USER_BIT,
  CR3_PTI_USER_PGTABLE_BIT,
  CR4_BITS,
  EFLAGS_BITS,
  I386_SELECTORS,
  X86_64_REGISTER_ROLES,
  X86_64_SEGMENT_REGISTERS,
  X86_64_SELECTORS,
} from './tables/x86';
import { x86_64Syscall } from './tables/syscalls-x86_64';
import { classifyValue } from './classify';
import { bullets, code, md } from './markdown';
import type { FaultAccess } from '../access/faultAccess';
import { faultAddressInAccess, registerInAccess } from '../access/hoverText';

/** Decodes a flag register: set flags with meanings, notable clear flags, unknown bits. */
function renderBits(value: bigint, table: readonly BitField[], opts: { showClear?: boolean } = {}): string {
  const rows: string[] = [];
  for (const d of decodeFields(value, table)) {
    const f = d.field;
    if ((f.width ?? 1) > 1) {
      rows.push(`**${f.name}** = ${d.value} — ${f.meaning}`);
    } else if (d.value) {
      if (f.name !== 'FIXED') rows.push(`**${f.name}** (bit ${f.bit}) — ${f.meaning}`);
    } else if (f.whenClear && opts.showClear !== false) {
      rows.push(`${f.name}=0 — ${f.whenClear}`);
    }
  }
  const unknown = unknownBits(value, table);
  if (unknown.length) rows.push(`bits ${unknown.join(', ')} set: reserved or not in our table`);
  return bullets(rows);
}

function selectorText(sel: number, arch: Arch): string {
  const known = (arch === 'i386' ? I386_SELECTORS : X86_64_SELECTORS)[sel];
  const rpl = sel & 3;
  const ti = (sel >> 2) & 1;
  const index = sel >> 3;
  const parts = `GDT${ti ? '/LDT' : ''} index ${index}, ${ti ? 'LDT' : 'GDT'}, RPL ${rpl} (ring ${rpl}${rpl === 0 ? ', kernel' : rpl === 3 ? ', user' : ''})`;
  return known
    ? `${code(known.name)}: ${known.meaning} — ${parts}`
    : `selector ${hex(BigInt(sel), 4)}: ${parts}`;
}

/** Facts about a value that is a pointer-sized register: classification and relation to the fault address. */
export function valueFacts(value: bigint, arch: Arch, event: KernelEvent | null, regName?: string): string[] {
  const facts = classifyValue(value, arch).map((c) => `**${c.label}** — ${c.detail}`);
  const fault = event?.faultAddress ? parseHex64(event.faultAddress) : null;
  if (fault !== null && regName && !/^(CR2|FAR)$/i.test(regName)) {
    if (fault === value)
      facts.unshift(
        `**equals the fault address** ${hex(fault)}: this register most likely held the bad pointer`,
      );
    else if (fault > value && fault - value < 0x1000n && value !== 0n)
      facts.unshift(
        `fault address = ${regName} + ${hex(fault - value)}: probably the base pointer of the faulting access (a field at offset ${hex(fault - value)})`,
      );
    else if (value === 0n && fault < 0x1000n)
      facts.unshift(
        `${regName} is NULL and the fault address is ${hex(fault)}: a NULL base pointer plus field offset ${hex(fault)} fits`,
      );
  }
  return facts;
}

const HEX_VALUE = /^[0-9a-fA-F]+/;

/** What the lines around a register dump say about it (the hover engine looks them up). */
export interface RegisterContext {
  /** The `Code: Unable to access opcode bytes at X` just above this dump: X. */
  unreadableCodeAt?: bigint | null;
  /** The event's faulting access (with its variable when the debug files are symbolized). */
  access?: FaultAccess | null;
}

/** Hover for `NAME: value` in a register dump; `rest` is the text after the colon. */
export function renderRegister(
  name: string,
  rest: string,
  arch: Arch,
  event: KernelEvent | null,
  context: RegisterContext = {},
): string {
  const upper = name.toUpperCase();
  const isArm = arch === 'arm64' || /^(x\d{1,2}|pc|lr|sp|pstate)$/.test(name);
  const role = isArm
    ? arm64RegisterRole(name)
    : (X86_64_REGISTER_ROLES[upper] ?? X86_64_SEGMENT_REGISTERS[name] ?? X86_64_SEGMENT_REGISTERS[upper]);
  const valueText = rest.trim();

  if (upper === 'RIP' || upper === 'EIP' || name === 'pc' || name === 'lr')
    return renderIpLine(name, valueText, arch, event);

  // `0018:ffffcd994059bc50` (selector:RSP) or `000000000d98c3c0(0000)` (base(selector)).
  let selector: number | null = null;
  let vt = valueText;
  const selColon = /^([0-9a-f]{4}):([0-9a-f]+)/.exec(vt);
  if (selColon) {
    selector = parseInt(selColon[1], 16);
    vt = selColon[2];
  }
  const hexMatch = HEX_VALUE.exec(vt);
  const digits = hexMatch ? hexMatch[0] : '';
  const selParen = /^[0-9a-f]+\(([0-9a-f]{4})\)/.exec(vt);
  if (selParen) selector = parseInt(selParen[1], 16);
  const value = parseHex64(digits);

  const head = `**${name}**${digits ? ` = ${code(digits)}` : ''}${role ? ` — ${role}` : ''}`;
  if (digits && value === null)
    return md([
      head,
      `The value has ${digits.length} hex digits: too long for a 64-bit register (a damaged or merged line); not decoded.`,
    ]);
  if (value === null) return head;

  const sections: (string | null)[] = [head];
  switch (upper) {
    case 'EFLAGS':
      sections.push(renderBits(value, EFLAGS_BITS));
      break;
    case 'CR0':
      sections.push(renderBits(value, CR0_BITS));
      break;
    case 'CR4':
      sections.push(renderBits(value, CR4_BITS, { showClear: false }));
      break;
    case 'CR3':
      sections.push(renderCr3(value));
      break;
    case 'CR2':
      sections.push(renderCr2(value, arch, event, context));
      break;
    case 'ORIG_RAX':
      sections.push(renderOrigRax(value));
      break;
    case 'CS':
    case 'DS':
    case 'ES':
    case 'SS':
      sections.push(selectorText(Number(value & 0xffffn), arch));
      break;
    case 'FS':
    case 'GS':
      // i386 prints FS/GS selectors (4 digits); x86_64 prints the 64-bit base with the selector in parentheses.
      if (digits.length <= 4 && selector === null) {
        sections.push(selectorText(Number(value), arch === 'unknown' ? 'i386' : arch));
        break;
      }
      if (selector !== null)
        sections.push(`Selector ${code(hex(BigInt(selector), 4))}: ${selectorText(selector, arch)}`);
      sections.push(bullets(valueFacts(value, arch === 'unknown' ? 'x86_64' : arch, event, name)));
      break;
    case 'PSTATE':
      sections.push(renderPstate(value));
      break;
    default:
      if (/^DR[0-7]$/.test(upper) || upper === 'PKRU') break;
      if (context.access) sections.push(registerInAccess(context.access, name, value));
      if (selector !== null)
        sections.push(`Selector ${code(hex(BigInt(selector), 4))}: ${selectorText(selector, arch)}`);
      sections.push(
        bullets(valueFacts(value, isArm ? 'arm64' : arch === 'unknown' ? 'x86_64' : arch, event, name)),
      );
  }
  return md(sections);
}

/** Events that are no page fault: CR2 in their register dump is whatever the CPU's last #PF left there. */
const NOT_PAGE_FAULT_KINDS = new Set([
  'warning',
  'kernel-bug',
  'invalid-opcode',
  'gpf',
  'divide-error',
  'soft-lockup',
  'hard-lockup',
  'rcu-stall',
  'list-corruption',
  'refcount',
  'stack-protector',
  'ubsan',
]);

/**
 * CR2 is the address of the CPU's last page fault — which is not always this event's: the kernel's own
 * failed read of the `Code:` bytes (arch/x86/kernel/dumpstack.c show_opcodes → copy_from_kernel_nofault)
 * overwrites it, and an event that is no page fault (a WARNING) finds a stale value there.
 */
function renderCr2(value: bigint, arch: Arch, event: KernelEvent | null, context: RegisterContext): string {
  const facts = classifyValue(value, arch).map((c) => `**${c.label}** — ${c.detail}`);
  const fault = event?.faultAddress ? parseHex64(event.faultAddress) : null;
  if (context.unreadableCodeAt === value) {
    const real =
      fault !== null && fault !== value
        ? ` The access that faulted was at ${code(hex(fault, 16))}: the address in the \`BUG:\` line, and in the \`CR2:\` line printed after the trace.`
        : ' The address of the access that faulted is in the `BUG:` line and in the `CR2:` line printed after the trace.';
    return md([
      `**Not this crash's fault address.** ${hex(value, 16)} is where the kernel's own read of the code bytes for the \`Code:\` line failed (\`Code: Unable to access opcode bytes at …\` above): that second, harmless fault overwrote CR2.${real}`,
      bullets(facts),
    ]);
  }
  if (event && event.pageFault === null && NOT_PAGE_FAULT_KINDS.has(event.kind)) {
    const what = event.kind === 'warning' ? 'A WARNING' : `This event (${event.kind})`;
    return md([
      `**Stale here.** CR2 keeps the address of the last page fault this CPU took — possibly long ago, possibly an ordinary user-space fault. ${what} is no page fault, so ${hex(value, 16)} says nothing about it.`,
      bullets(facts),
    ]);
  }
  return md([
    context.access ? faultAddressInAccess(context.access, value) : null,
    bullets([`the address whose access faulted: ${hex(value, 16)}`, ...facts]),
  ]);
}

function renderCr3(value: bigint): string {
  const pcid = Number(fieldValue(value, CR3_FIELDS[0]));
  const pgd = (value >> 12n) & ((1n << 40n) - 1n);
  const rows = [
    `page-table base (physical): ${hex(pgd << 12n)}`,
    `low 12 bits ${hex(BigInt(pcid), 3)}: the PCID if CR4.PCIDE is set${pcid & (1 << CR3_PTI_PCID_USER_BIT) ? ' — bit 11 set: the PTI user-space PCID (the CPU was on the user page tables)' : ''}`,
  ];
  if ((value >> BigInt(CR3_PTI_USER_PGTABLE_BIT)) & 1n)
    rows.push('bit 12 set: with PTI this is the user copy of the PGD (the kernel PGD is the page below)');
  for (const f of CR3_FIELDS.slice(2)) if (fieldValue(value, f)) rows.push(`**${f.name}** — ${f.meaning}`);
  return bullets(rows);
}

function renderOrigRax(value: bigint): string {
  if (value === 0xffffffffffffffffn)
    return 'ORIG_RAX = -1: the CPU was interrupted (IRQ) or hit an exception without an error code, not a syscall.';
  if (value > 0xffffffffn)
    return `Not a syscall number (${hex(value)}): for exceptions ORIG_RAX holds the error code.`;
  const nr = Number(value);
  const sc = x86_64Syscall(nr);
  if (!sc)
    return `${nr}: not an x86_64 syscall number in arch/x86/entry/syscalls/syscall_64.tbl (for an exception it is the hardware error code).`;
  return `Syscall **${nr}** = ${code(sc.name)}${sc.abi === 'x32' ? ' (x32 ABI)' : ''}: the task was inside the \`${sc.name}\` system call (arch/x86/entry/syscalls/syscall_64.tbl). For an exception instead of a syscall this field holds the error code.`;
}

function renderPstate(value: bigint): string {
  const mode = Number(value & 0xfn);
  const rows: string[] = [
    `mode **${PSTATE_MODES[mode] ?? `M=${hex(BigInt(mode))}`}**${(value >> 4n) & 1n ? ' (AArch32)' : ''}`,
  ];
  const nzcv = ['N', 'Z', 'C', 'V']
    .map((n) => ((value >> BigInt(PSTATE_BITS.find((b) => b.name === n)!.bit)) & 1n ? n : n.toLowerCase()))
    .join('');
  const daif = ['D', 'A', 'I', 'F']
    .map((n) => ((value >> BigInt(PSTATE_BITS.find((b) => b.name === n)!.bit)) & 1n ? n : n.toLowerCase()))
    .join('');
  rows.push(`condition flags ${code(nzcv)} (upper case = set)`);
  rows.push(
    `exception masks ${code(daif)}${(value >> 7n) & 1n ? ' — I set: IRQs were masked (interrupts off)' : ' — IRQs were enabled'}`,
  );
  const clear: string[] = [];
  for (const f of PSTATE_BITS) {
    if (['M', 'nRW', 'N', 'Z', 'C', 'V', 'D', 'A', 'I', 'F'].includes(f.name)) continue;
    const v = fieldValue(value, f);
    if (f.name === 'BTYPE') rows.push(`BTYPE=${['--', '-c', 'j-', 'jc'][Number(v)]} — ${f.meaning}`);
    else if (v) rows.push(`+${f.name} — ${f.meaning}`);
    else clear.push(f.name);
  }
  if (clear.length)
    rows.push(
      `clear: ${clear.join(', ')}${clear.includes('PAN') ? ' (PAN clear: the kernel could touch user memory directly)' : ''}`,
    );
  return bullets(rows);
}

/** `RIP: 0010:buggy_null_write+0x19/0x27 [buggy]`, `RIP: 0033:0x47b7a0`, `pc : foo+0x8/0x20 [buggy]`. */
export function renderIpLine(name: string, valueText: string, arch: Arch, event: KernelEvent | null): string {
  const rows: string[] = [];
  let rest = valueText;
  const sel = /^([0-9a-f]{4}):/.exec(rest);
  const isLr = name === 'lr' || name === 'LR' || name === 'ra';
  if (sel) {
    const s = parseInt(sel[1], 16);
    rows.push(`selector ${code(sel[1])}: ${selectorText(s, arch)}`);
    rest = rest.slice(sel[0].length);
  }
  rest = rest.replace(/^\[<([0-9a-f]+)>\]\s*/, (_m, a: string) => {
    rows.push(`address ${code(a)}`);
    return '';
  });
  const numeric = /^0x([0-9a-f]{1,16})\b/.exec(rest);
  if (numeric) {
    const v = parseHex64(numeric[1])!;
    rows.push(
      `address ${hex(v)} with no symbol: ${v <= 0x00007fffffffffffn ? 'user-space code (the report shows where the task was in user space when it entered the kernel)' : 'kernel code the unwinder could not name (a module without symbols, or JIT code)'}`,
    );
  } else {
    const f = parseFrame(' ' + rest);
    if (f && f.function) {
      rows.push(
        `function ${code(f.function)}${f.offset !== null && f.size !== null ? `: offset ${hex(BigInt(f.offset))} into a ${f.size}-byte (${hex(BigInt(f.size))}) function` : ''}`,
      );
      rows.push(
        f.module
          ? `in module ${code(f.module)} (not vmlinux): symbolize against ${f.module}.ko`
          : 'in vmlinux (built into the kernel)',
      );
      const src = /\s((?:[\w.-]+\/)*[\w.-]+\.[chS]:\d+)/.exec(rest);
      if (src) rows.push(`source: ${code(src[1])}`);
    }
  }
  const what = isLr
    ? `**${name}** — link register: where the faulting function returns to (its caller). A leaf function's caller may appear only here, not in the call trace.`
    : `**${name}** — the instruction pointer: ${name === 'pc' ? 'the instruction that faulted' : 'the instruction that faulted (for traps such as BUG, the trapping instruction itself)'}.`;
  const ev =
    event && !isLr && event.ip
      ? `The ${event.kind} report blames ${code(event.guiltyFrame?.function ?? event.ip.function ?? '?')}.`
      : null;
  return md([what, bullets(rows), ev]);
}

/** Full ESR_ELx decode: class, IL, ISS (data-abort fields and the fault status name). */
export function renderEsr(esr: bigint): string {
  const { EC, IL, ISS, ISS2 } = ESR_FIELDS;
  const ec = Number(fieldValue(esr, EC));
  const il = fieldValue(esr, IL);
  const iss = fieldValue(esr, ISS);
  const iss2 = fieldValue(esr, ISS2);
  const cls = ESR_CLASSES[ec];
  const rows: string[] = [
    `**${EC.name}** = ${hex(BigInt(ec), 2)}: ${cls ? `${cls.name} (ESR_ELx_EC_${cls.id})` : 'unallocated exception class'}`,
    `**${IL.name}** = ${il}: ${il ? IL.meaning : IL.whenClear}`,
    `**${ISS.name}** = ${hex(iss, 8)}`,
  ];
  if (iss2) rows.push(`**${ISS2.name}** = ${hex(iss2, 8)}: ${ISS2.meaning}`);
  if (ec === 0x24 || ec === 0x25 || ec === 0x20 || ec === 0x21) {
    const isData = ec === 0x24 || ec === 0x25;
    for (const f of ABORT_ISS_FIELDS) {
      const v = fieldValue(iss, f);
      if (f.name === 'DFSC') {
        const fsc = Number(v);
        const meaning = fscMeaning(fsc);
        rows.push(
          `**${isData ? 'DFSC' : 'IFSC'}** = ${hex(BigInt(fsc), 2)}: ${FSC_NAMES[fsc]}${meaning ? ` — ${meaning}` : ''}`,
        );
      } else if (f.name === 'WnR') {
        if (isData) rows.push(`**WnR** = ${v}: ${v ? 'a **write** faulted' : 'a **read** faulted'}`);
      } else if (
        f.name === 'ISV' ||
        f.name === 'FnV' ||
        f.name === 'EA' ||
        f.name === 'CM' ||
        f.name === 'S1PTW'
      ) {
        if (v) rows.push(`**${f.name}** = 1: ${f.meaning}`);
      } else if (fieldValue(iss, ABORT_ISS_FIELDS[0]) && ['SAS', 'SRT', 'SF', 'SSE', 'AR'].includes(f.name)) {
        rows.push(`${f.name} = ${v}: ${f.meaning}`);
      }
    }
    rows.push(
      `exception taken from ${ec & 1 ? 'the same EL (the kernel itself faulted)' : 'a lower EL (user space)'}`,
    );
  } else if (ec === 0x3c) {
    const imm = Number(iss & 0xffffn);
    const m = brkImmediateMeaning(imm);
    rows.push(`BRK immediate ${hex(BigInt(imm))}${m ? `: ${m}` : ''}`);
  } else if (ec === 0x15) {
    rows.push(`SVC immediate ${hex(iss & 0xffffn)} (a system call)`);
  }
  return bullets(rows);
}
