// Stack-frame lines in every form the kernel prints them (lib/vsprintf.c %pS/%pB, arch dump_stack code):
//   x86_64   ` ? vfs_write+0xc7/0x3f0`, ` buggy_dispatch+0x4d/0x60 [buggy]`, `  foo+0x1/0x2 [mod 0123abcd…]`
//   old x86  ` [<ffffffff812345>] func+0x1/0x2` and ` [<ffffffff812345>] ? func+0x1/0x2 [mod]`
//   arm64    ` buggy_null_read+0x1c/0x30 [buggy]`, ` el0t_64_sync+0x190/0x194`, `[<ffff8000…>] foo+0x1/0x2`,
//            since 6.13 with the unwinder's marks ` el1h_64_sync+0x6c/0x70 (P)` (see UNWIND_MARKS)
//   lineinfo ` dump_stack_lvl+0x5d/0x80 (lib/dump_stack.c:94)`, ` foo+0x1/0x2 [mod] (drivers/foo.c:12) (P)`
//   arm      `[<c0123456>] (func) from [<c0234567>] (caller+0x10/0x20)`, `(func+0x1/0x2) from …`
//   ppc64    `[c000000001234567] [c000000000123456] func+0x1/0x2 (unreliable)`
//   s390     `([<000000000012345>] func+0x1/0x2)` and ` [<000000000012345>] func+0x1/0x2`
//   riscv    `[<ffffffff80001234>] func+0x1/0x2`
//   bare     ` ? 0xffffffffc020c000`
// Columns returned are indices into the message passed in.

import type { Frame, FrameContext } from '../model';

/** A frame as read from one message: the model's Frame without its context and line, plus where the
 *  navigation token (function, or address when there is none) sits in the message. */
export type ParsedFrame = Omit<Frame, 'context' | 'span'> & { start: number; end: number };

// func+0xOFF/0xSIZE with optional [module] or [module buildid]. With CONFIG_STACKTRACE_BUILD_ID the kernel
// prints a module's 20-byte build id as exactly 40 hex digits (kernel/kallsyms.c, ` %20phN`); other hex
// there keeps the module but is no build id. Symbol names: C identifiers plus the
// `.cold`, `.isra.0`, `.constprop.0`, `.part.0`, `.llvm.123` suffixes compilers add, and `$` on some arches.
const SYM = String.raw`([A-Za-z_.$][\w.$]{0,254})\+0x([0-9a-f]{1,16})\/0x([0-9a-f]{1,16})`;
const MODULE = String.raw`(?: \[([\w-]{1,64})(?: ([0-9a-f]{8,64}))?\])?`;
// arm64 since 6.13 (arch/arm64/kernel/stacktrace.c dump_backtrace_entry, `%pSb%s%s%s%s%s`): ` (` + where
// the unwinder took the entry from (state_source_string: C caller, T task, P exception PC, U unknown; none
// for an ordinary frame record) + `F` (ftrace graph return address) + `K` (kretprobe) + `)`, at the line's end.
const UNWIND_MARKS = String.raw`(?: \(((?=[CTPUFK])[CTPU]?F?K?)\)(?=\s*$))?`;
// CONFIG_KALLSYMS_LINEINFO (kernel/kallsyms.c __sprint_symbol appends `" (%s:%u)"` after the module; a 2026
// patch series, not in mainline when this was written): the kernel's own source line for the address.
const LINEINFO = String.raw`(?: \(((?:[\w.+-]{1,128}\/){0,32}[\w.+-]{1,128}):(\d{1,7})\))?`;
const X86_FRAME = new RegExp(
  String.raw`^( {0,8}(?:\[<([0-9a-f]{8,16})>\] )?(\? )?)` + SYM + MODULE + LINEINFO + UNWIND_MARKS,
);
// arm since 5.x: `[<c0123456>] (callee [mod]) from [<c0234567>] (caller+0x10/0x20)` (traps.c
// dump_backtrace_entry: `where` printed %ps, `from` %pS). The line is the callee's frame at `where`; the
// caller gets its own line next. Older kernels print `[<pc>] (func+0x1/0x2) from [<lr>] (caller+…)`.
const ARM_FROM_FRAME =
  /^( {0,8}\[<([0-9a-f]{8,16})>\] \()([A-Za-z_.$][\w.$]{0,254})(?: \[([\w-]{1,64})\])?\) from \[<[0-9a-f]{8,16}>\] \(/;
const ARM_FRAME = new RegExp(
  String.raw`^( {0,8}(?:\[<([0-9a-f]{8,16})>\] )?\()` + SYM + MODULE + String.raw`\)`,
);
// ppc64: `[c0000000012345] [c000000000123456] func+0x1/0x2 (unreliable)` (stack pointer, then address).
const PPC_FRAME = new RegExp(
  String.raw`^( {0,8}\[[0-9a-f]{8,16}\] \[([0-9a-f]{8,16})\] )` +
    SYM +
    MODULE +
    String.raw`( \(unreliable\))?`,
);
// s390: `([<000000000012345>] func+0x1/0x2)`.
const S390_FRAME = new RegExp(String.raw`^( {0,8}\(\[<([0-9a-f]{8,16})>\] )` + SYM + MODULE);
// A bare address with no symbol: ` ? 0xffffffffc020c000` or ` [<ffffffffc020c000>] 0xffffffffc020c000`.
const BARE_FRAME = /^( {0,8}(?:\[<([0-9a-f]{8,16})>\] )?(\? )?)(0x[0-9a-f]{8,16})(?: \[([\w-]{1,64})\])?\s*$/;

export function parseFrame(message: string): ParsedFrame | null {
  // Every frame form holds `0x` (an offset or a bare address) or `[<` (an arm/s390 address): an exact,
  // cheap guard for the many lines that are not frames.
  if (message.indexOf('0x') < 0 && message.indexOf('[<') < 0) return null;
  let m = X86_FRAME.exec(message);
  if (m) {
    const f = fromSym(m, m[2] ?? null, m[3] === undefined, 4);
    if (m[9] !== undefined) f.printedSource = { file: m[9], line: Number(m[10]) };
    if (m[11] !== undefined) f.unwindMarks = m[11];
    return f;
  }
  if ((m = ARM_FROM_FRAME.exec(message))) {
    const start = m[1].length;
    return {
      function: m[3],
      offset: null,
      size: null,
      module: m[4] ?? null,
      buildId: null,
      address: m[2],
      reliable: true,
      start,
      end: start + m[3].length,
    };
  }
  if ((m = ARM_FRAME.exec(message))) return fromSym(m, m[2] ?? null, true, 3);
  if ((m = PPC_FRAME.exec(message))) {
    const f = fromSym(m, m[2], m[m.length - 1] === undefined, 3);
    return f;
  }
  // s390 prints the r14 guess in parentheses: found in a register, not proven by the unwinder.
  if ((m = S390_FRAME.exec(message))) return fromSym(m, m[2], false, 3);
  if ((m = BARE_FRAME.exec(message))) {
    const start = m[1].length;
    return {
      function: null,
      offset: null,
      size: null,
      module: m[5] ?? null,
      buildId: null,
      address: m[2] ?? m[4].slice(2),
      reliable: m[3] === undefined,
      start,
      end: start + m[4].length,
    };
  }
  return null;
}

function fromSym(m: RegExpExecArray, address: string | null, reliable: boolean, g: number): ParsedFrame {
  const start = m[1].length;
  return {
    function: m[g],
    offset: parseInt(m[g + 1], 16),
    size: parseInt(m[g + 2], 16),
    module: m[g + 3] ?? null,
    buildId: m[g + 4]?.length === 40 ? m[g + 4] : null,
    address,
    reliable,
    start,
    end: start + m[g].length,
  };
}

/** Context markers inside an x86 call trace: `<IRQ>`, `</IRQ>`, `<NMI>`, `<TASK>`, `<SOFTIRQ>`, `<#DF>`… */
const CONTEXT_MARKER = /^ {0,8}<(\/?)(IRQ|NMI|TASK|SOFTIRQ|EOI|#DF|#MC|#DB|#VC|[A-Z]{2,8}(?:_STACK)?)>\s*$/;

export function parseContextMarker(message: string): { open: boolean; context: FrameContext } | null {
  const m = CONTEXT_MARKER.exec(message);
  if (!m) return null;
  const name = m[2];
  const context: FrameContext =
    name === 'IRQ'
      ? 'irq'
      : name === 'NMI'
        ? 'nmi'
        : name === 'TASK'
          ? 'task'
          : name === 'SOFTIRQ'
            ? 'softirq'
            : name === 'EOI'
              ? null
              : 'exception';
  return { open: m[1] === '', context };
}

/** arm's `(callee) from [<…>] (caller+0x…)`: the caller's name. */
export const ARM_CALLER = /\) from \[<[0-9a-f]{8,16}>\] \(([A-Za-z0-9_]+)[.+]/;
/** An unreliable frame, x86 (`? foo+0x1/0x2`, also after an address) or ppc (`(unreliable)`). */
export const UNRELIABLE_FRAME = /(?:\[<[0-9a-f]{1,16}>\])? \? |\(unreliable\)\s*$/;
/** A frame of lib/fault-inject.c's should_fail (a fault-injection stack printed into a report). */
export const SHOULD_FAIL_FRAME =
  /^ {0,8}(?:\[<?(?:0x)?[0-9a-f]{1,16}>?\] )?should_fail(?:slab)?(?:\.[a-z0-9.]{1,40})?\+0x/;
