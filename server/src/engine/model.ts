// The event model: what the engine finds in a kernel log. Every position is 0-based and points at the
// user's original text (columns in UTF-16 code units, as LSP counts them), never at a stripped copy.

import type { EventKind } from './catalogue';

export type Severity = 'error' | 'warning' | 'information';

export type Arch = 'x86_64' | 'i386' | 'arm64' | 'arm' | 's390x' | 'ppc64' | 'riscv' | 'unknown';

/** A range on one line of the original document. */
export interface Span {
  line: number;
  start: number;
  end: number;
}

/** Which stack a frame was printed in: `<IRQ>`, `<NMI>`, `<SOFTIRQ>`, `<TASK>` blocks (x86) or the plain trace. */
export type FrameContext = 'task' | 'irq' | 'softirq' | 'nmi' | 'exception' | null;

export interface Frame {
  /** Symbol name, `null` for a bare address (`[<ffffffff81234567>]` with no symbol, `? 0xffff…`). */
  function: string | null;
  offset: number | null;
  size: number | null;
  module: string | null;
  /** The module's build id as the kernel prints it after its name (`[mod <40 hex digits>]`), else null. */
  buildId: string | null;
  /** Hex string without `0x` as printed, e.g. `ffffffffc0a12345`; `null` when the log gives none. */
  address: string | null;
  /** `false` for `? ` frames: found on the stack, not proven by the unwinder. */
  reliable: boolean;
  context: FrameContext;
  /** arm64 (6.13+): the unwinder's marks printed after the frame, ` (P)` → `P` (UNWIND_MARK_MEANINGS in
   *  explain/tables/arm64.ts); absent when none were printed. */
  unwindMarks?: string;
  /** The source line the kernel printed after the frame, ` (lib/dump_stack.c:94)` (CONFIG_KALLSYMS_LINEINFO,
   *  kernel/kallsyms.c): looked up by the kernel at the address it symbolized (return address − 1 in call
   *  traces). Absent when not printed. */
  printedSource?: { file: string; line: number };
  /** The token to navigate from: the function name, or the address when there is no name. */
  span: Span;
}

/** `func+0x1c/0x30 [module]` as the kernel prints the frame (what it printed of it), or its bare address. */
export function frameText(f: Pick<Frame, 'function' | 'offset' | 'size' | 'module' | 'address'>): string {
  let s = f.function ?? (f.address ? `0x${f.address}` : '?');
  if (f.function && f.offset !== null) {
    s += `+0x${f.offset.toString(16)}`;
    if (f.size !== null) s += `/0x${f.size.toString(16)}`;
  }
  if (f.module) s += ` [${f.module}]`;
  return s;
}

/** A call trace: `Call Trace:`, `Allocated by task N:`, `Freed by task N:`, `Last potentially related work creation:`… */
export interface Trace {
  label: string;
  line: number;
  endLine: number;
  frames: Frame[];
  /** A hung task's report names the task that likely holds what it waits for, then prints that task's stack
   *  (kernel/hung_task.c debug_show_blocker, v6.15+, CONFIG_DETECT_HUNG_TASK_BLOCKER): this is that stack. */
  blocker?: LockOwner;
}

/** The likely owner of the lock a hung task is blocked on, as the kernel names it. */
export interface LockOwner {
  /** `mutex`, `semaphore`, `rw-semaphore`. */
  lock: string;
  comm: string;
  pid: number;
  /** The report's line that names it. */
  line: number;
}

export interface Register {
  /** Upper-case as printed on x86 (`RAX`, `EFLAGS`, `CR2`), as printed elsewhere (`x0`, `pc`, `lr`, `pstate`). */
  name: string;
  /** Value text as printed (hex without 0x; for `RIP: 0010:func+0x1/0x2` the whole right side). */
  value: string;
  span: Span;
}

export interface ModuleRef {
  name: string;
  /** Per-module taint flags as printed in `foo(OE)`, or '' . */
  taint: string;
  span: Span;
}

export interface OomInfo {
  /** Task that invoked the OOM killer (`foo invoked oom-killer:`). */
  invoker: string | null;
  gfpMask: string | null;
  order: number | null;
  oomScoreAdj: number | null;
  victimPid: number | null;
  victimComm: string | null;
  /** Figures of the `Killed process` line in kB: total-vm, anon-rss, file-rss, shmem-rss. */
  totalVmKb: number | null;
  anonRssKb: number | null;
  fileRssKb: number | null;
  shmemRssKb: number | null;
  /** Lines of the `[  pid  ]   uid  tgid total_vm …` task table, header included. */
  taskTable: { line: number; endLine: number } | null;
}

/** One detected event: an oops, a WARNING, a lockup, an OOM kill, a user-space segfault line… */
export interface KernelEvent {
  /** Catalogue id, e.g. `null-deref`, `gpf`, `warning`, `kasan`, `soft-lockup` (see catalogue.ts). */
  kind: EventKind;
  title: string;
  severity: Severity;
  /** Header line and its extent (inclusive). */
  line: number;
  endLine: number;
  /** The header text that identified the event (for hovers and highlighting). */
  headerSpan: Span;
  arch: Arch;

  cpu: number | null;
  pid: number | null;
  comm: string | null;
  /** Taint flags as printed after `Tainted:` (e.g. `G        W  O`), `''` for `Not tainted`, `null` if absent. */
  tainted: string | null;
  release: string | null;
  build: string | null;
  /** vmlinux's build id, 40 hex digits, that the CPU line ends with (CONFIG_STACKTRACE_BUILD_ID, lib/dump_stack.c). */
  kernelBuildId: string | null;
  hardware: string | null;
  /** The `CPU: … PID: …` line, if any. */
  cpuLine: number | null;

  /** Fault address as hex text without 0x (CR2, `address:`, `at virtual address`, KASAN `at addr`). */
  faultAddress: string | null;
  faultLine: number | null;
  /** `Oops: 0002 [#1]` / `general protection fault: 0000 [#1]`: error code (hex text) and oops number. */
  errorCode: string | null;
  oopsNumber: number | null;
  /** x86 `#PF:` lines: `supervisor write access in kernel mode`, `error_code(0x0002) - not-present page`. */
  pageFault: { line: number; access: string | null; errorCode: string | null; reason: string | null } | null;

  /** The instruction pointer line: `RIP:`, `EIP:`, `pc :`, `PC is at`, `NIP`, `Krnl PSW`, `epc :`. */
  ip: (Frame & { line: number }) | null;
  /**
   * Where the header says the event fired, as `sym+off/size [mod]` on the header line itself: a WARNING's
   * `at kernel/foo.c:12 func+0x1b/0x29 [mod]` (kernel/panic.c __warn). The same address as the IP, if any.
   */
  location: (Frame & { line: number }) | null;
  /**
   * The link register's symbol, where the register dump names it: ppc `LR [c…] f+0x1/0x2`, arm64
   * `lr : f+0x1/0x2`, arm `LR is at f+0x1/0x2`, riscv ` ra : f+0x1/0x2`. A return address (looked up at
   * address − 1); absent when the dump names none.
   */
  lr?: Frame & { line: number };
  registers: Register[];
  /** First and last line of the register dump, if any. */
  registerLines: { line: number; endLine: number } | null;
  codeLine: number | null;
  /** The text after `Code: ` on that line (instruction bytes, or the kernel's reason for printing none). */
  code: string | null;
  traces: Trace[];
  modules: { line: number; endLine: number; list: ModuleRef[] } | null;
  oom: OomInfo | null;

  /** The frame the title blames, after skipping generic frames (allocators, locking, sanitizers…). */
  guiltyFrame: Frame | null;
  /**
   * Index (into the analysis' events) of the earlier crash this one follows from, on evidence: the panic an
   * oops ends in, the same task faulting again (`Fixing recursive fault`), a trace through the exit of a task
   * an oops killed.
   */
  consequenceOf: number | null;
  /**
   * Index of the first crash when this event came after it without such evidence (another task, an unrelated
   * trace): the kernel was already suspect (tainted `D` after an oops), but this may be a bug of its own.
   */
  afterCrash: number | null;
}

export interface Analysis {
  lineCount: number;
  events: KernelEvent[];
}

/** An analysis with what re-analysing an edited copy of its text needs (incremental.ts). */
export interface AnalysisState {
  analysis: Analysis;
  /**
   * The runs of lines before which no report was open, as sorted [start, end) pairs: from such a line on,
   * the reports found do not depend on any line before it.
   */
  idle: number[];
  /** Each event's printk caller id (`T123`), '' when it has none. */
  callers: string[];
}
