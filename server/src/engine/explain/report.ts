// Hovers for the non-register parts of a report: error codes, taint, modules, the event header, figures
// in the body, stack frames and Code: lines.

import { frameText, type Analysis, type Arch, type KernelEvent } from '../model';
import { entryByKind, type EventKind } from '../catalogue';
import { parseFrame } from '../log/frames';
import { demangleRust } from '../rust-demangle';
import { decodeFields, hex, parseHex64 } from './tables/bits';
import { PF_ERROR_BITS } from './tables/x86';
import { unwindMarkMeanings } from './tables/arm64';
import { TAINT_FLAGS, taintAtPosition, taintByLetter, type TaintFlag } from './tables/taint';
import { DOC_TAINT, GENERAL_TOOLS, SYSCTLS, guideFor } from './tables/event-guide';
import { decodeGfp, explainGfpName } from './tables/gfp';
import { renderEsr } from './registers';
import { disassemble, formatDisassembly, parseCodeBytes, type CodeAnchor } from './disasm';
import { bullets, code, codeBlock, humanKb, md } from './markdown';

// ---- error codes --------------------------------------------------------------------------------------

/** x86 page-fault error code, as in `Oops: 0002` and `#PF: error_code(0x0002)`. */
function renderPfErrorCode(value: bigint): string {
  const rows: string[] = [];
  for (const d of decodeFields(value, PF_ERROR_BITS)) {
    const f = d.field;
    if (d.value) rows.push(`bit ${f.bit} **${f.name}**: ${f.meaning}`);
    else if (f.whenClear) rows.push(`bit ${f.bit} ${f.name}=0: ${f.whenClear}`);
  }
  const what = value & 0x10n ? 'instruction fetch' : value & 2n ? 'write' : 'read';
  const summary = `${value & 4n ? 'user-mode' : 'kernel-mode'} ${what} of a ${value & 1n ? 'present page (protection violation)' : 'not-present page'}`;
  return md([
    `Page-fault error code ${code(hex(value, 4))}: **${summary}** (arch/x86/include/asm/trap_pf.h).`,
    bullets(rows),
  ]);
}

/** The `[#N]` die counter. */
export function renderOopsNumber(
  n: number,
  event: KernelEvent | null,
  analysis: Analysis | undefined,
): string {
  const first =
    n === 1
      ? '**[#1]** — the first oops since boot: start here.'
      : `**[#${n}]** — oops number ${n} since boot: the kernel was already tainted \`D\` by an earlier oops (locks may still be held, memory half-updated). Read [#1] first; this one may follow from it or be a bug of its own.`;
  let rel: string | null = null;
  const prev = event && analysis ? analysis.events[event.consequenceOf ?? event.afterCrash ?? -1] : undefined;
  if (prev && event?.consequenceOf !== null)
    rel = `This report follows from ${code(prev.title)} on line ${prev.line + 1} (the same task, or the panic it ends in).`;
  else if (prev)
    rel = `It comes after ${code(prev.title)} on line ${prev.line + 1}, in another task with its own trace: nothing here shows it follows from that one.`;
  return md([first, rel]);
}

const DIE_FLAGS: Readonly<Record<string, string>> = {
  PREEMPT: 'the kernel is preemptible (CONFIG_PREEMPTION)',
  PREEMPT_RT: 'a real-time kernel (CONFIG_PREEMPT_RT)',
  SMP: 'a multiprocessor kernel (CONFIG_SMP)',
  DEBUG_PAGEALLOC: 'debug_pagealloc is on: freed pages are unmapped, so use-after-free faults immediately',
  KASAN: 'built with KASAN (CONFIG_KASAN): memory-safety reports should precede this one',
  PTI: 'page-table isolation (Meltdown mitigation) is active',
  NOPTI: 'page-table isolation is compiled in but disabled on this CPU',
  ARM: 'ARM (not Thumb) instruction set',
  THUMB2: 'Thumb-2 kernel',
};

/** kernel/sched/core.c preempt_modes[] (v6.15): what each dynamic preemption mode means for a report. */
const PREEMPT_MODES: Readonly<Record<string, string>> = {
  none: 'no forced preemption: kernel code runs until it blocks or returns to user space',
  voluntary:
    'kernel code is preempted only at explicit preemption points (`might_resched()`, `cond_resched()`)',
  full: 'kernel code can be preempted anywhere outside preempt-disabled, IRQ-disabled or spinlocked sections',
  lazy: 'the scheduler asks for preemption at the next tick or return to user space rather than at once (CONFIG_PREEMPT_LAZY)',
  undef: 'the dynamic preemption mode was not set yet (early boot)',
};

/** The preemption model at the end of a 6.15+ CPU line (`PREEMPT(full)`, `PREEMPT_{RT,(full)}`, `(undef)`). */
export function renderPreemptModel(text: string, mode: string | undefined): string {
  const rt = text.includes('RT')
    ? ' A PREEMPT_RT kernel: spinlocks sleep and most interrupt handlers run in threads.'
    : '';
  const meaning = PREEMPT_MODES[mode ?? 'undef'];
  return `**${text}** — the kernel's preemption model (kernel/sched/core.c preempt_model_str(), printed since v6.15): ${meaning}.${rt}`;
}

/** The words after `[#N]` (arch/x86/kernel/dumpstack.c __die_header, arch/arm64/kernel/traps.c die). */
export function renderDieFlag(word: string): string | null {
  const m = DIE_FLAGS[word];
  return m ? `**${word}** — ${m}` : null;
}

/** Everything before `: 0002 [#1]`: what kind of die() this was, decoding the code accordingly. */
export function renderErrorCode(kindText: string, codeText: string): string {
  const value = parseHex64(codeText.length > 16 ? codeText.slice(-16) : codeText);
  if (value === null) return `Error code ${code(codeText)}.`;
  if (/Internal error/.test(kindText)) {
    return md([
      `${code(kindText)} — arm64 die(): the number is the **ESR** (exception syndrome register) of the fault.`,
      renderEsr(value),
    ]);
  }
  if (/general protection/.test(kindText)) {
    if (value === 0n)
      return '`general protection fault: 0000` — #GP with error code 0: the fault is not about a segment selector; almost always a non-canonical address or a privileged instruction.';
    return md([
      `#GP error code ${code(hex(value, 4))}: selector-related.`,
      bullets([
        `EXT=${value & 1n}`,
        `${value & 2n ? 'IDT' : value & 4n ? 'LDT' : 'GDT'} index ${value >> 3n}`,
      ]),
    ]);
  }
  if (/invalid opcode/.test(kindText))
    return "`invalid opcode: 0000` — #UD has no error code (always 0). After `kernel BUG at` it is BUG()'s ud2.";
  if (/stack segment/.test(kindText))
    return `Stack-segment fault (#SS), error code ${code(hex(value, 4))}: usually a non-canonical stack address.`;
  if (/double fault/.test(kindText)) return '#DF: the error code of a double fault is always 0.';
  if (/Oops/.test(kindText)) return renderPfErrorCode(value);
  return `Error code ${code(hex(value, 4))} of ${code(kindText)}.`;
}

/** `#PF: supervisor write access in kernel mode` / `#PF: error_code(0x0002) - not-present page`. */
export function renderPfLine(message: string): string | null {
  const ec = /error_code\(0x([0-9a-f]{1,8})\)(?: - (.*))?/.exec(message);
  if (ec)
    return md([
      renderPfErrorCode(BigInt('0x' + ec[1])),
      ec[2] ? `The kernel summarised it as ${code(ec[2].trim())}.` : null,
    ]);
  const acc = /#PF: (supervisor|user) (read|write|instruction fetch) access in (kernel|user) mode/.exec(
    message,
  );
  if (acc) {
    return bullets([
      `**${acc[1]}**: ${acc[1] === 'supervisor' ? 'kernel code made the access' : 'user-mode code (or a uaccess on its behalf) made the access'}`,
      `**${acc[2]}**: ${acc[2] === 'instruction fetch' ? 'the CPU tried to execute at the address (a bad function pointer or return address)' : `a ${acc[2]} of data`}`,
      `**${acc[3]} mode**: the CPU was in ${acc[3]} mode (CS ring ${acc[3] === 'kernel' ? 0 : 3})`,
    ]);
  }
  return null;
}

// ---- taint and modules ----------------------------------------------------------------------------------

function taintRow(t: TaintFlag): string {
  return `**${t.letter}** (bit ${t.bit}, TAINT_${t.name}) — ${t.meaning}. ${t.implication[0].toUpperCase()}${t.implication.slice(1)}.`;
}

/** Flags set in a `Tainted:` field, read positionally. */
export function taintFlagsIn(field: string): TaintFlag[] {
  const out: TaintFlag[] = [];
  for (let i = 0; i < field.length && i < TAINT_FLAGS.length; i++) {
    const t = taintAtPosition(i, field[i]);
    if (t?.set) out.push(t.flag);
  }
  return out;
}

export function renderTaintSummary(field: string): string {
  const flags = taintFlagsIn(field);
  if (flags.length === 0)
    return md([
      `Tainted ${code(field.trim())}: no taint flag set (G = only GPL-compatible modules).`,
      `[Tainted kernels](${DOC_TAINT})`,
    ]);
  return md([
    `Taint flags, read by position (kernel/panic.c print_tainted):`,
    bullets(flags.map(taintRow)),
    `Read \`/proc/sys/kernel/tainted\` for the live mask. [Tainted kernels](${DOC_TAINT})`,
  ]);
}

export function renderTaintLetter(index: number, char: string, event: KernelEvent | null): string | null {
  const t = taintAtPosition(index, char);
  if (!t) return null;
  if (!t.set)
    return md([
      '**G** (bit 0 clear) — only GPL-compatible modules are loaded: no proprietary module.',
      `[Tainted kernels](${DOC_TAINT})`,
    ]);
  const mods = event?.modules?.list.filter((m) => m.taint.includes(t.flag.letter)).map((m) => code(m.name));
  const modLine =
    t.flag.module && mods && mods.length
      ? `Module${mods.length > 1 ? 's' : ''} carrying ${t.flag.letter}: ${mods.join(', ')}.`
      : null;
  return md([taintRow(t.flag), modLine, `[Tainted kernels](${DOC_TAINT})`]);
}

export function renderNotTainted(): string {
  return md([
    '**Not tainted** — no taint flag is set: no proprietary or out-of-tree module, no earlier oops or WARNING, no forced loads. The report is as trustworthy as a kernel report gets.',
    `[Tainted kernels](${DOC_TAINT})`,
  ]);
}

export function renderModule(name: string, flags: string, event: KernelEvent | null): string {
  const rows = [...flags].map((c) => {
    const t = taintByLetter(c);
    return t ? taintRow(t) : `**${c}** — unknown module flag`;
  });
  const inTrace =
    event?.traces.some((t) => t.frames.some((f) => f.module === name)) || event?.ip?.module === name;
  return md([
    `Module ${code(name)}${flags ? ` with per-module taint ${code(flags)}` : ' (no per-module taint)'}.`,
    bullets(rows),
    inTrace ? `${code(name)} appears in this report's frames: look at it first.` : null,
  ]);
}

// ---- the event header ----------------------------------------------------------------------------------

/** Lines of Markdown source the top of the header hover keeps to; the full guide follows a rule. */
export const HEADER_LEAD_LINES = 12;

export function renderEventHeader(kind: EventKind, event: KernelEvent | null): string {
  const entry = entryByKind(kind);
  const guide = guideFor(kind);
  const sysctls = (guide?.sysctls ?? []).map((k) => SYSCTLS[k]).filter(Boolean);
  // What happened, where, the fault address, the next step: what a reader needs before scrolling.
  const where = event?.guiltyFrame ?? event?.location ?? event?.ip ?? null;
  const lead = md([
    `**${entry?.name ?? kind}**${event ? ` — ${code(event.title)}` : ''}`,
    entry?.explanation,
    where ? `**Where:** ${code(frameText(where))} (line ${where.span.line + 1})` : null,
    event?.faultAddress ? `**Fault address:** ${code(`0x${event.faultAddress}`)}` : null,
    guide && guide.steps.length ? `**Next step:** ${guide.steps[0]}` : null,
  ]);
  const details = md([
    guide ? `**Why:** ${guide.why}` : null,
    guide && guide.causes.length ? `**Likely causes**\n${bullets(guide.causes)}` : null,
    guide && guide.steps.length ? `**Next steps**\n${bullets(guide.steps)}` : null,
    sysctls.length
      ? `**Knobs**\n${bullets(sysctls.map((s) => `${code(s.name)} — ${s.meaning} ([doc](${s.doc}))`))}`
      : null,
    entry?.severity === 'error' ? `**Tools**\n${bullets(GENERAL_TOOLS)}` : null,
    event?.tainted ? renderTaintAtTheTime(event.tainted) : null,
    entry ? `Printed by ${code(entry.source)}.${entry.doc ? ` [Documentation](${entry.doc})` : ''}` : null,
  ]);
  return details ? md([lead, '---', details]) : lead;
}

/** `Taint at the time: \`G W OE\`` and what each set letter says (not the bare letters again). */
function renderTaintAtTheTime(field: string): string {
  const flags = taintFlagsIn(field);
  const what = flags.map((t) => `${code(t.letter)} ${t.meaning}`).join('; ');
  return `Taint at the time: ${code(field.trim())}${flags.length ? ` — ${what}.` : ' (no flag set).'}`;
}

// ---- figures -------------------------------------------------------------------------------------------

export function renderSoftLockupFigure(seconds: number): string {
  return md([
    `**stuck for ${seconds}s** — the CPU ran kernel code without scheduling for ${seconds} s.`,
    bullets([
      `the soft-lockup threshold is 2 × ${code('kernel.watchdog_thresh')} (default 10 → 20 s); ${seconds < 20 ? `${seconds} s is below the default, so watchdog_thresh was lowered on this system` : 'the figure is how long the watchdog thread could not run'}`,
      `${code('kernel.softlockup_panic')}=1 panics here (for kdump)`,
    ]),
  ]);
}

export function renderHungFigure(seconds: number): string {
  return md([
    `**blocked for more than ${seconds} seconds** — the task stayed in uninterruptible sleep (D state) at least this long.`,
    bullets([
      `${code('kernel.hung_task_timeout_secs')} is ${seconds} here (default 120; 0 disables the check)`,
      `${code('kernel.hung_task_panic')}=1 panics here; SysRq-w lists every blocked task`,
    ]),
  ]);
}

export function renderGfpMask(maskText: string, printed: string | null): string {
  const mask = parseInt(maskText, 16);
  const dec = decodeGfp(mask);
  const names = printed ? printed.split('|').filter(Boolean) : [];
  const rows = names.map((n) => `${code(n)} — ${explainGfpName(n) ?? 'config-specific flag'}`);
  const bitRows = dec.bits.map((b) => `${code(b.name)} (${hex(BigInt(b.mask))}) — ${b.meaning}`);
  return md([
    `**gfp_mask ${code('0x' + maskText)}** — how the failing allocation was allowed to get memory (include/linux/gfp_types.h).`,
    rows.length ? `As printed by the kernel:\n${bullets(rows)}` : null,
    `Bit by bit (v6.1 layout; bits above 0x400000 vary with version and config):\n${bullets(bitRows)}${dec.unknownMask ? `\n- ${hex(BigInt(dec.unknownMask))}: config-dependent bits` : ''}`,
    mask & 0x400 ? null : 'No __GFP_DIRECT_RECLAIM: the caller could not sleep to reclaim (atomic context).',
  ]);
}

export function renderOrder(order: number): string {
  const pages = 2 ** order;
  return `**order=${order}** — 2^${order} = ${pages} contiguous page${pages === 1 ? '' : 's'} (${humanKb(pages * 4)} with 4 KiB pages). ${order === 0 ? 'A single page: fragmentation is not the problem; memory really ran out.' : order >= 3 ? 'A high-order request: it can fail from fragmentation even with free memory.' : ''}`;
}

export function renderOomScoreAdj(v: number): string {
  return `**oom_score_adj=${v}** — the task's OOM-killer bias (-1000 … 1000; /proc/PID/oom_score_adj). ${v === -1000 ? '-1000 = never killed.' : v === 0 ? '0 = no bias: the choice is by memory use.' : v > 0 ? 'Positive: preferred as a victim.' : 'Negative: protected.'}`;
}

const KILLED_FIELDS: Readonly<Record<string, string>> = {
  'total-vm': 'total virtual address space of the victim (mapped, not necessarily used)',
  'anon-rss': 'resident anonymous memory (heap, stacks, private mappings): what killing it frees',
  'file-rss': 'resident file-backed pages (code, mapped files): page cache, freeable anyway',
  'shmem-rss': 'resident shared memory (tmpfs, shmem, SysV shm): only freed if nothing else maps it',
  pgtables: "memory used by the victim's page tables",
};

export function renderKilledField(name: string, kb: number): string {
  return `**${name}: ${kb} kB** (${humanKb(kb)}) — ${KILLED_FIELDS[name] ?? ''}`;
}

/** Columns of the OOM task table (mm/oom_kill.c dump_task). Values are in pages except pgtables_bytes. */
const TASK_COLUMNS: Readonly<Record<string, string>> = {
  pid: 'thread-group leader pid',
  uid: 'user id',
  tgid: 'thread group id (process id)',
  total_vm: 'virtual size, in pages',
  rss: 'resident memory, in pages (anon + file + shmem)',
  rss_anon: 'resident anonymous pages',
  rss_file: 'resident file-backed pages',
  rss_shmem: 'resident shared-memory pages',
  pgtables_bytes: 'page-table memory, in bytes',
  swapents: 'pages swapped out',
  oom_score_adj: 'OOM bias (-1000 never killed … 1000 preferred)',
  name: 'command name',
};
const CLASSIC_COLUMNS = [
  'pid',
  'uid',
  'tgid',
  'total_vm',
  'rss',
  'pgtables_bytes',
  'swapents',
  'oom_score_adj',
  'name',
];
const SPLIT_COLUMNS = [
  'pid',
  'uid',
  'tgid',
  'total_vm',
  'rss',
  'rss_anon',
  'rss_file',
  'rss_shmem',
  'pgtables_bytes',
  'swapents',
  'oom_score_adj',
  'name',
];

export function renderTaskColumn(column: string, value?: string): string {
  const meaning = TASK_COLUMNS[column] ?? 'column';
  let extra = '';
  if (value !== undefined && /^\d+$/.test(value) && /total_vm|rss/.test(column))
    extra = ` = ${value} pages ≈ ${humanKb(Number(value) * 4)} with 4 KiB pages`;
  if (value !== undefined && column === 'pgtables_bytes')
    extra = ` = ${humanKb(Math.round(Number(value) / 1024))}`;
  return `**${column}**${value !== undefined ? ` ${code(value)}` : ''} — ${meaning}${extra}. (Task table of mm/oom_kill.c dump_tasks: memory values in pages.)`;
}

/** Which column each field of a task-table row is, from the field count (6.1 prints 9, newer kernels 12). */
export function taskRowColumns(fieldCount: number): readonly string[] | null {
  if (fieldCount === CLASSIC_COLUMNS.length) return CLASSIC_COLUMNS;
  if (fieldCount === SPLIT_COLUMNS.length) return SPLIT_COLUMNS;
  return null;
}

export function renderKasanAccess(kind: string, size: number, addr: string, task: string | null): string {
  return md([
    `**${kind} of size ${size}** — the instrumented ${kind.toLowerCase()} of ${size} byte${size === 1 ? '' : 's'} at ${code(addr)} was invalid${task ? `, by task ${code(task)}` : ''}.`,
    'The first non-KASAN frame in the trace below is the buggy access; the size hints at the type (8 = a pointer or u64).',
  ]);
}

export function renderKasanCache(cache: string, size: number | null): string {
  const km = /^kmalloc-(?:(?:rcl|cg|dma|rnd-\d+)-)?(\d+)(k?)$/.exec(cache);
  let what: string;
  if (km) {
    const bytes = Number(km[1]) * (km[2] ? 1024 : 1);
    what = `a generic kmalloc() bucket: the object was allocated with kmalloc()/kzalloc() of at most ${bytes} bytes (the next bucket down is smaller), so its type is not known from the cache name — see the allocation stack.`;
  } else {
    what = `a dedicated slab cache (kmem_cache_create("${cache}")): the object's type is the one this cache holds.`;
  }
  return md([`**cache ${code(cache)}**${size !== null ? ` (object size ${size})` : ''} — ${what}`]);
}

// ---- stack frames --------------------------------------------------------------------------------------

const CONTEXTS: Readonly<Record<string, string>> = {
  task: "process context (<TASK>): the task's own kernel stack, e.g. inside a syscall",
  irq: 'hard-interrupt context (<IRQ>): code running on the IRQ stack; it may not sleep',
  softirq: 'softirq context (<SOFTIRQ>): bottom halves, timers, networking',
  nmi: 'NMI context (<NMI>): non-maskable interrupt (watchdog, perf); almost nothing is safe here',
  exception: 'an exception stack (#DF, #MC, #DB, #VC…)',
};

export function renderContextMarker(open: boolean, context: string | null, marker: string): string {
  const what = context ? CONTEXTS[context] : 'end of interrupt handling';
  return `${code(marker)} — ${open ? 'frames below ran in' : 'end of'} ${what ?? 'a special stack'}.`;
}

export function renderFrame(
  message: string,
  event: KernelEvent | null,
  line: number,
  locateFrame: (
    e: KernelEvent,
    l: number,
  ) => { trace: { label: string }; frame: { context: string | null } } | null,
): string | null {
  const f = parseFrame(message);
  if (!f) return null;
  const rows: string[] = [];
  if (f.function) {
    rows.push(
      f.offset !== null && f.size !== null
        ? `offset ${hex(BigInt(f.offset))} into ${code(f.function)}, a ${f.size}-byte (${hex(BigInt(f.size))}) function — the return address points just after the call${f.offset === 0 ? ' (offset 0: probably a tail call or an exception entry)' : ''}`
        : `function ${code(f.function)}`,
    );
  }
  // Rust code in the kernel is v0-mangled (`_RNv…`): say which Rust item it is.
  const rust = f.function ? demangleRust(f.function) : null;
  if (rust) rows.push(`Rust: ${code(rust)}`);
  rows.push(
    f.module
      ? `module ${code(f.module)}${f.buildId ? ` (build id ${code(f.buildId)})` : ''}`
      : 'in vmlinux (built into the kernel)',
  );
  if (f.address) rows.push(`address ${code(f.address)}`);
  rows.push(
    f.reliable
      ? 'reliable: the unwinder followed it (ORC/frame pointers)'
      : '**`?` — unreliable**: found on the stack but not proven by the unwinder; often a stale return address from an earlier call. Do not trust it as part of the call chain',
  );
  if (f.unwindMarks) rows.push(...unwindMarkMeanings(f.unwindMarks).map((m) => `arm64 unwinder mark ${m}`));
  const src = /\s((?:[\w.-]+\/)*[\w.-]+\.[chS]:\d+)(?:\s\[inline\])?/.exec(message);
  if (f.printedSource)
    rows.push(
      `source ${code(`${f.printedSource.file}:${f.printedSource.line}`)} — printed by the kernel itself (CONFIG_KALLSYMS_LINEINFO), looked up at the return address − 1: the line of the call`,
    );
  else if (src)
    rows.push(`source ${code(src[1])}${/\[inline\]/.test(message) ? ' — inlined into the next frame' : ''}`);
  if (event) {
    const loc = locateFrame(event, line);
    if (loc) {
      rows.push(`in trace ${code(loc.trace.label)}`);
      if (loc.frame.context) rows.push(CONTEXTS[loc.frame.context] ?? loc.frame.context);
    }
    if (event.guiltyFrame && f.function && event.guiltyFrame.function === f.function)
      rows.push('**the frame this report blames** (first frame after generic helpers)');
  }
  return md([`**Stack frame** ${f.function ? code(f.function) : code(f.address ?? '?')}`, bullets(rows)]);
}

// ---- Code: ---------------------------------------------------------------------------------------------

// Hovering along a Code: line asks for the same listing again and again: keep the last few.
const codeCache = new Map<string, string | null>();
const CODE_CACHE_SIZE = 64;

export function renderCodeLine(bytesText: string, arch: Arch, anchor: CodeAnchor | undefined): string | null {
  const key = `${arch}|${anchor?.symbol ?? ''}|${anchor?.symbolOffset ?? ''}|${anchor?.address ?? ''}|${bytesText}`;
  const hit = codeCache.get(key);
  if (hit !== undefined) return hit;
  const text = renderCodeLineUncached(bytesText, arch, anchor);
  // Do not remember "still loading" answers.
  if (text === null || !text.includes('still loading')) {
    if (codeCache.size >= CODE_CACHE_SIZE) codeCache.delete(codeCache.keys().next().value as string);
    codeCache.set(key, text);
  }
  return text;
}

/** Clears the Code: listing cache (for benchmarks that want cold figures). */
export function clearCodeCache(): void {
  codeCache.clear();
}

function renderCodeLineUncached(
  bytesText: string,
  arch: Arch,
  anchor: CodeAnchor | undefined,
): string | null {
  const parsed = parseCodeBytes(bytesText, arch === 'unknown' ? undefined : arch);
  if (!parsed) return null;
  const base =
    anchor?.address !== undefined && parsed.trapOffset !== null
      ? anchor.address - BigInt(parsed.trapOffset)
      : 0n;
  const d = disassemble(parsed, base >= 0n ? base : 0n);
  const anchorText = anchor?.symbol
    ? ` (addresses as ${code(anchor.symbol + '+off')}, from the instruction pointer)`
    : anchor?.address !== undefined
      ? ' (absolute addresses from the instruction pointer)'
      : '';
  const trap = d.lines.find((l) => l.trapping);
  const notes: (string | null)[] = [
    parsed.trapOffset === null ? 'No trapping-instruction marker in the bytes.' : null,
    d.start > 0
      ? `Decoding starts at byte ${d.start}: the bytes before it do not end on an instruction boundary.`
      : null,
    parsed.trapOffset !== null && d.lines.length && !trap
      ? 'The marked byte is not at an instruction boundary in any decoding: the bytes may be corrupted.'
      : null,
    trap && /\bud2\b/.test(trap.text) ? 'The trapping instruction is `ud2`: a BUG()/WARN() site.' : null,
    trap && /^brk/.test(trap.text) ? 'The trapping instruction is `brk`: a BUG()/WARN() site.' : null,
  ];
  return md([
    `**Code:** ${parsed.arch} disassembly${anchorText}, trapping instruction marked ${parsed.arch === 'x86_64' || parsed.arch === 'i386' ? '(from `<…>`)' : '(from `(…)`)'}:`,
    codeBlock(formatDisassembly(d, anchor, parsed.trapOffset)),
    ...notes,
  ]);
}

/** Bytes dumped before the instruction pointer: x86 PROLOGUE_SIZE (dumpstack.c), arm64 four instructions. */
const CODE_BEFORE_IP: Partial<Record<Arch, number>> = { x86_64: 42, i386: 43, arm64: 16 };

/**
 * `Code: Unable to access opcode bytes at X` / `bad PC value`: the kernel could not read the bytes it dumps
 * around the instruction pointer. When the pointer is a real function only the bytes before it are unmapped
 * (a module's first page: the dump starts before it); only a pointer that is no symbol is a wild jump.
 */
export function renderUnreadableCode(
  bytes: string,
  arch: Arch,
  anchor: CodeAnchor | undefined,
  /** From the `RIP: 0033:` selector: true in user mode, false in kernel mode, null when not printed. */
  userMode: boolean | null,
): string {
  const head = `${code('Code: ' + bytes.trim())} — the kernel could not read the instruction bytes it dumps around the instruction pointer.`;
  const before = CODE_BEFORE_IP[arch];
  if (anchor?.symbol) {
    const off = anchor.symbolOffset ?? 0;
    const starts =
      before !== undefined
        ? ` The dump starts ${before} bytes before it${off < before ? `, before the start of ${code(anchor.symbol)} (offset ${hex(BigInt(off))})` : ''},`
        : ' The dump starts before it,';
    return `${head} The instruction pointer itself is fine: it is inside ${code(anchor.symbol)}, a real function.${starts} and those bytes are not mapped — typically the page before a module's first page. The pointer is not bad; only the disassembly is missing.`;
  }
  if (anchor?.address !== undefined) {
    if (userMode === true || (userMode === null && anchor.address !== 0n && anchor.address < 1n << 47n))
      return `${head} The instruction pointer ${code(hex(anchor.address))} is a user-space address whose page is not present (paged out, or the task's code was unmapped): usual for a user task's report, not a kernel bug by itself.`;
    return `${head} The instruction pointer ${code(hex(anchor.address))} is no function the kernel knows: the pointer itself is bad — a jump or call through a wild function pointer, or a corrupted return address.`;
  }
  return `${head} Either the instruction pointer is bad (a jump to a wild address) or only the bytes before it are unmapped; the \`RIP:\`/\`pc :\` line says which (a \`func+off/size\` there is a real function).`;
}
