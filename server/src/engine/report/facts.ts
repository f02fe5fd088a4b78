// Readers of a report's facts: each takes one line (its message, and where the message sits in the original
// line) and records what the line states into the event. They keep no state of their own: what they need to
// know about earlier lines (is the register dump still going on? was the fault address given already?) they
// read from the event.

import { parseFrame, type ParsedFrame } from '../log/frames';
import { toColumn, type NormalizedLine } from '../log/normalize';
import * as P from '../log/parts';
import type { Arch, Frame, FrameContext, KernelEvent, ModuleRef } from '../model';

/** The model's Frame for a frame parsed at `base` in a line's message, with original-text columns. */
export function toFrame(
  p: ParsedFrame,
  nl: NormalizedLine,
  base: number,
  line: number,
  context: FrameContext,
): Frame {
  // Spelled out, not `{...rest}`: tens of thousands of frames in a big log, and object rest/spread is slow.
  const f: Frame = {
    function: p.function,
    offset: p.offset,
    size: p.size,
    module: p.module,
    buildId: p.buildId,
    address: p.address,
    reliable: p.reliable,
    context,
    span: { line, start: toColumn(nl, base + p.start), end: toColumn(nl, base + p.end) },
  };
  if (p.unwindMarks !== undefined) f.unwindMarks = p.unwindMarks;
  if (p.printedSource !== undefined) f.printedSource = p.printedSource;
  return f;
}

/** The `at sym+off/size [mod]` of a header line, as a frame on that line (see KernelEvent.location). */
export function headerLocation(
  nl: NormalizedLine,
  msg: string,
  lead: number,
  line: number,
): (Frame & { line: number }) | null {
  const m = P.HEADER_AT.exec(msg);
  if (!m) return null;
  const at = m.index + m[0].length;
  const frame = parseFrame(msg.slice(at));
  return frame && frame.function !== null
    ? { ...toFrame(frame, nl, lead + at, line, null), reliable: true, line }
    : null;
}

/** A user-space fault line (`a.out[12]: segfault at 8 ip …`): the task and the address. */
export function readUserFault(e: KernelEvent, line: number, msg: string): void {
  const m = P.USER_FAULT.exec(msg);
  if (!m) return;
  e.comm = m[1];
  e.pid = Number(m[2]);
  if (m[3]) {
    e.faultAddress = m[3];
    e.faultLine = line;
  }
}

/** Facts a report can state on any line, its header (or a continuation header) included: the fault address,
 *  the oops number and error code, OOM figures. */
export function readHeaderFacts(e: KernelEvent, line: number, msg: string): void {
  let m: RegExpExecArray | null;
  if (e.faultAddress === null) {
    for (const re of P.FAULT_ADDRESS) {
      if ((m = re.exec(msg))) {
        e.faultAddress = m[1];
        e.faultLine = line;
        break;
      }
    }
  }
  if (e.oopsNumber === null && (m = P.OOPS_NUMBER.exec(msg))) {
    e.errorCode = m[1] ?? null;
    e.oopsNumber = Number(m[2]);
  }
  if (e.kind === 'oom-invoked' || e.kind === 'oom-kill') readOom(e, line, msg);
}

/**
 * Facts of a line inside a report (`msg` is its message without indentation, `lead` the indentation's
 * length): those readHeaderFacts reads, then the `#PF:`, CPU, hardware, instruction-pointer, `Code:`,
 * register, module and fault-address lines and the OOM task table. True if the line is one of them.
 */
export function readBodyFacts(
  e: KernelEvent,
  line: number,
  nl: NormalizedLine,
  msg: string,
  lead: number,
): boolean {
  readHeaderFacts(e, line, msg);
  let m: RegExpExecArray | null;

  if (msg.startsWith('#PF: ')) {
    e.pageFault ??= { line, access: null, errorCode: null, reason: null };
    if ((m = P.PF_ACCESS.exec(msg))) e.pageFault.access = m[1];
    else if ((m = P.PF_ERROR.exec(msg))) {
      e.pageFault.errorCode = m[1];
      e.pageFault.reason = m[2];
    }
    return true;
  }

  if ((m = P.CPU_LINE.exec(msg) ?? P.OLD_PID_LINE.exec(msg))) {
    const g = m.groups!;
    if (e.cpuLine === null) {
      e.cpu = g.cpu === undefined ? null : Number(g.cpu);
      e.pid = Number(g.pid);
      e.comm = g.comm;
      e.tainted = g.tainted ?? '';
      e.release = g.release;
      // With CONFIG_STACKTRACE_BUILD_ID, dump_stack_print_info ends the line with vmlinux's build id.
      const id = g.build === undefined ? null : P.CPU_LINE_BUILD_ID.exec(g.build);
      e.build = id ? g.build.slice(0, id.index).trimEnd() : (g.build ?? null);
      e.kernelBuildId = id ? id[1] : null;
      e.cpuLine = line;
    }
    return true;
  }
  if ((m = P.HARDWARE_LINE.exec(msg))) {
    e.hardware ??= m[1];
    return true;
  }
  if (e.lr === undefined && (m = P.LR_LINE.exec(msg))) {
    const frame = parseFrame(msg.slice(m[0].length - 1));
    if (frame?.function)
      e.lr = { ...toFrame(frame, nl, lead + m[0].length - 1, line, null), reliable: true, line };
  }
  for (const ip of P.IP_LINES) {
    if ((m = ip.re.exec(msg))) {
      if (e.arch === 'unknown') e.arch = ip.arch;
      // `RIP: 0033:` / `0023:` is the user-space context saved at syscall entry, not the kernel's IP.
      const userMode = ip.arch === 'x86_64' && /^RIP: 00[23][3b]:/.test(msg);
      if (e.ip === null && !userMode) {
        const rest = msg.slice(m[0].length);
        const frame = parseFrame(rest);
        if (frame) {
          // The instruction pointer is where the CPU was: proven, whatever its line looked like.
          e.ip = { ...toFrame(frame, nl, lead + m[0].length, line, null), reliable: true, line };
          // i386 `EIP: [<f88dec25>] f…`, ppc `NIP [c…] f…`: the address sits in the part the pattern consumed.
          if (e.ip.address === null) e.ip.address = /\[<?([0-9a-f]{8,16})>?\]/.exec(m[0])?.[1] ?? null;
        }
      }
      // arm64's `pc : func+off/size` belongs to the register dump too (after `pstate:`, before `lr :`), and
      // riscv's `epc : <hex> ra : <hex> sp : <hex>` line is matched here first.
      if (ip.arch === 'x86_64' || ip.arch === 'i386' || ip.arch === 'arm64' || ip.arch === 'riscv')
        readRegisters(e, line, nl, msg, lead);
      return true;
    }
  }
  if (P.CODE_LINE.test(msg)) {
    if (e.codeLine === null) {
      e.codeLine = line;
      e.code = msg.slice('Code: '.length);
    }
    return true;
  }
  if (P.REGISTER_LINE.test(msg)) {
    if ((m = P.CR2_LINE.exec(msg)) && e.faultAddress === null) {
      e.faultAddress = m[1];
      e.faultLine = line;
    }
    // x86 prints the register dump twice (in the report and after `end trace`): keep the first.
    readRegisters(e, line, nl, msg, lead);
    if (e.arch === 'unknown' && /^x\d{1,2} ?: /.test(msg)) e.arch = 'arm64';
    return true;
  }
  const modules = e.modules;
  if (modules && line === modules.endLine + 1 && P.MODULES_CONTINUATION.test(nl.message)) {
    // A long module list wraps onto indented lines on some consoles.
    readModules(line, nl, nl.message, 0, modules.list);
    modules.endLine = line;
    return true;
  }
  if ((m = P.MODULES_LINE.exec(msg))) {
    const list: ModuleRef[] = [];
    readModules(line, nl, m[1], lead + 'Modules linked in:'.length, list);
    e.modules ??= { line, endLine: line, list };
    return true;
  }
  const far = P.FAR_LINE.exec(msg);
  if (far && e.faultAddress === null) {
    e.faultAddress = far[1] ?? far[2];
    e.faultLine = line;
    return true;
  }
  return (
    e.oom !== null && (P.OOM_TABLE_HEADER.test(msg) || P.OOM_TABLE_ROW.test(msg) || P.OOM_KILLED.test(msg))
  );
}

function readModules(line: number, nl: NormalizedLine, text: string, base: number, list: ModuleRef[]): void {
  const names = text.replace(P.LAST_UNLOADED, '');
  P.MODULE_TOKEN.lastIndex = 0;
  for (let t = P.MODULE_TOKEN.exec(names); t; t = P.MODULE_TOKEN.exec(names)) {
    list.push({
      name: t[1],
      taint: t[2] ?? '',
      span: { line, start: toColumn(nl, base + t.index), end: toColumn(nl, base + t.index + t[1].length) },
    });
  }
}

/** A register line's `NAME: value` pairs, while they continue the dump: x86 prints the dump again after
 *  `end trace`, and the first is kept. */
function readRegisters(e: KernelEvent, line: number, nl: NormalizedLine, msg: string, lead: number): void {
  if (e.registerLines && line - e.registerLines.endLine > 2) return;
  if (e.registerLines) e.registerLines.endLine = line;
  else e.registerLines = { line, endLine: line };
  P.REGISTER_PAIR.lastIndex = 0;
  // `RIP: 0010:func+0x2c/0x90 [mod]`: the value is the whole right side (selector, symbol, module).
  const ipLine = P.IP_VALUE.exec(msg);
  if (ipLine) {
    const valueStart = ipLine[0].length;
    const rest = msg.slice(valueStart);
    // i386 goes on with more registers on the same line: `EIP: 0060:[<c1234>] EFLAGS: 00010246 CPU: 0`.
    const next = rest.search(/ [A-Z]{2,6}: /);
    const value = (next < 0 ? rest : rest.slice(0, next)).trimEnd();
    e.registers.push({
      name: ipLine[1],
      value,
      span: { line, start: toColumn(nl, lead), end: toColumn(nl, lead + valueStart + value.length) },
    });
    if (next < 0) return;
    P.REGISTER_PAIR.lastIndex = valueStart + next;
  }
  for (let m = P.REGISTER_PAIR.exec(msg); m; m = P.REGISTER_PAIR.exec(msg)) {
    const valueStart = m.index + m[0].length - m[2].length;
    e.registers.push({
      name: m[1],
      value: m[2],
      span: {
        line,
        start: toColumn(nl, lead + m.index),
        end: toColumn(nl, lead + valueStart + m[2].length),
      },
    });
  }
}

function readOom(e: KernelEvent, line: number, msg: string): void {
  e.oom ??= {
    invoker: null,
    gfpMask: null,
    order: null,
    oomScoreAdj: null,
    victimPid: null,
    victimComm: null,
    totalVmKb: null,
    anonRssKb: null,
    fileRssKb: null,
    shmemRssKb: null,
    taskTable: null,
  };
  const oom = e.oom;
  let m: RegExpExecArray | null;
  if ((m = P.OOM_INVOKED.exec(msg))) {
    oom.invoker = msg.slice(0, m.index).trim() || null;
    oom.gfpMask = m[1];
    oom.order = Number(m[2]);
    oom.oomScoreAdj = Number(m[3]);
  } else if ((m = P.OOM_KILLED.exec(msg))) {
    oom.victimPid = Number(m[1]);
    oom.victimComm = m[2];
    oom.totalVmKb = Number(m[3]);
    oom.anonRssKb = Number(m[4]);
    oom.fileRssKb = Number(m[5]);
    oom.shmemRssKb = Number(m[6]);
  } else if (P.OOM_TABLE_HEADER.test(msg)) {
    oom.taskTable = { line, endLine: line };
  } else if (oom.taskTable && P.OOM_TABLE_ROW.test(msg) && line - oom.taskTable.endLine <= 2) {
    oom.taskTable.endLine = line;
  }
}

/** The arch a report's frames reveal when no register line did. */
export function guessArch(e: KernelEvent): Arch {
  const fns = e.traces.flatMap((t) => t.frames.map((f) => f.function ?? ''));
  if (fns.some((f) => f.startsWith('el0') || f.startsWith('el1') || f.startsWith('__arm64_'))) return 'arm64';
  if (
    fns.some((f) => f.startsWith('__x64_sys_') || f.startsWith('entry_SYSCALL_64') || f === 'do_syscall_64')
  )
    return 'x86_64';
  // riscv's register dump (arch/riscv/kernel/process.c __show_regs) names epc and badaddr.
  if (e.registers.some((r) => r.name === 'epc') && e.registers.some((r) => r.name === 'badaddr'))
    return 'riscv';
  return 'unknown';
}
