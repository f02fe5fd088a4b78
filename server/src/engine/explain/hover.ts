// The hover engine: given one line of a kernel log and a column, finds the smallest explainable thing
// under the cursor and explains it from its actual value. It looks only at that line plus the
// precomputed analysis (events found by binary search), so it is fast on any log size, and it never
// throws: a missing fact is simply absent.

import type { Analysis, Arch, KernelEvent } from '../model';
import { matchHeader } from '../catalogue';
import { parseContextMarker, parseFrame } from '../log/frames';
import { normalizeLine, toColumn, type NormalizedLine } from '../log/normalize';
import { parseHex64 } from './tables/bits';
import { classifyValue } from './classify';
import { findEventAt, findFrameAt } from './locate';
import { bullets, code, md } from './markdown';
import { renderEsr, renderIpLine, renderRegister, valueFacts } from './registers';
import * as R from './report';
import { ABORT_ISS_FIELDS, ESR_CLASSES, FSC_NAMES, fscMeaning } from './tables/arm64';
import type { CodeAnchor } from './disasm';
import * as P from '../log/parts';
import { faultAccess, type FaultAccess } from '../access/faultAccess';
import { faultAddressInAccess } from '../access/hoverText';

export interface HoverContext {
  /** 0-based line number of the hovered line. */
  line: number;
  analysis?: Analysis;
  /** Optional: another line of the document (only the line just above a Code: line is ever asked for). */
  getLine?: (line: number) => string | undefined;
  /**
   * Optional: the event's faulting access explained with its debug files (variable, member), when the
   * symbolization has it; else the hover explains it from the log alone.
   */
  accessOf?: (event: KernelEvent) => FaultAccess | null | undefined;
}

export interface HoverResult {
  markdown: string;
  /** Columns in the original line (UTF-16), end exclusive. */
  start: number;
  end: number;
}

/** Lines longer than this are looked at by their head only. */
const MAX_LINE = 4096;

interface Candidate {
  start: number;
  end: number;
  render: () => string | null;
}

interface Scan {
  m: string;
  idx: number;
  event: KernelEvent | null;
  arch: Arch;
  ctx: HoverContext;
  out: Candidate[];
}

export function explainAt(rawLine: string, column: number, ctx: HoverContext): HoverResult | null {
  try {
    return explain(rawLine, column, ctx);
  } catch {
    return null;
  }
}

function explain(rawLine: string, column: number, ctx: HoverContext): HoverResult | null {
  if (typeof rawLine !== 'string' || !Number.isFinite(column) || column < 0) return null;
  const raw = rawLine.length > MAX_LINE ? rawLine.slice(0, MAX_LINE) : rawLine;
  if (column >= raw.length + 1) return null;
  const nl = normalizeLine(raw);
  const idx = toIndex(nl, column);
  if (idx < 0 && column < nl.start) return prefixHover(raw, nl);
  if (idx < 0 || idx > nl.message.length) return null;
  const event = findEventAt(ctx.analysis, ctx.line);
  const s: Scan = {
    m: nl.message,
    idx,
    event,
    arch: event?.arch && event.arch !== 'unknown' ? event.arch : inferArch(nl.message),
    ctx,
    out: [],
  };

  registers(s);
  errorCodes(s);
  arm64Abort(s);
  taint(s);
  namedIpLines(s);
  modules(s);
  figures(s);
  frames(s);
  codeLine(s);
  eventHeader(s);
  addresses(s);

  // Innermost candidate under the cursor; the first recognizer wins ties.
  let best: Candidate | null = null;
  for (const c of s.out) {
    if (idx < c.start || idx >= c.end) continue;
    if (!best || c.end - c.start < best.end - best.start) best = c;
  }
  if (!best) return null;
  const text = best.render();
  if (!text) return null;
  return { markdown: text, start: toColumn(nl, best.start), end: toColumn(nl, best.end - 1) + 1 };
}

/** The stripped prefix: the printk timestamp, level and caller id. */
function prefixHover(raw: string, nl: NormalizedLine): HoverResult | null {
  if (nl.time === null && nl.level === null && nl.caller === null) return null;
  const prefix = raw.slice(0, nl.start).trimEnd();
  if (!prefix) return null;
  const levels = [
    'KERN_EMERG',
    'KERN_ALERT',
    'KERN_CRIT',
    'KERN_ERR',
    'KERN_WARNING',
    'KERN_NOTICE',
    'KERN_INFO',
    'KERN_DEBUG',
  ];
  return {
    markdown: bullets([
      nl.time !== null
        ? `printk time **${nl.time.toFixed(6)} s** since boot (local_clock; CONFIG_PRINTK_TIME)`
        : null,
      nl.level !== null ? `log level ${nl.level} = ${code(levels[nl.level])}` : null,
      nl.caller !== null
        ? `printed by ${nl.caller.startsWith('T') ? `task ${nl.caller.slice(1)}` : `CPU ${nl.caller.slice(1)} (in interrupt context)`} (CONFIG_PRINTK_CALLER)`
        : null,
    ]),
    start: 0,
    end: prefix.length,
  };
}

/** Inverse of toColumn: the message index of an original column (-1 inside the stripped prefix). */
function toIndex(nl: NormalizedLine, column: number): number {
  if (nl.runs === null) return column - nl.start;
  const runs = nl.runs;
  for (let i = runs.length - 2; i >= 0; i -= 2) {
    if (runs[i + 1] <= column) {
      const idx = runs[i] + (column - runs[i + 1]);
      const runEnd = i + 2 < runs.length ? runs[i + 2] : nl.message.length;
      return idx < runEnd ? idx : -1;
    }
  }
  return -1;
}

function inferArch(m: string): Arch {
  return P.ARCH_HINTS.find(([re]) => re.test(m))?.[1] ?? 'unknown';
}

function add(s: Scan, start: number, end: number, render: () => string | null): void {
  if (end > start && s.idx >= start && s.idx < end) s.out.push({ start, end, render });
}

// ---- recognizers -----------------------------------------------------------------------------------

function registers(s: Scan): void {
  const m = s.m;
  if (!P.REGISTER_DUMP_AT.test(m)) return;
  P.REGISTER_TOKEN.lastIndex = 0;
  const tokens: { name: string; start: number; valueStart: number }[] = [];
  for (let t = P.REGISTER_TOKEN.exec(m); t; t = P.REGISTER_TOKEN.exec(m))
    tokens.push({ name: t[1], start: t.index, valueStart: t.index + t[0].length });
  tokens.forEach((t, i) => {
    const limit = i + 1 < tokens.length ? tokens[i + 1].start : m.length;
    const full = m.slice(t.valueStart, limit).trimEnd();
    if (/^(RIP|EIP|pc|lr)$/.test(t.name)) {
      // `RIP: 0010:sym+off/size [mod]`, `EIP: 0060:[<c1234>] sym+off/size` (then `EFLAGS:` on i386),
      // `pc : [<c0123456>]` (arm, then `lr :`): the value runs to the next register token.
      add(s, t.start, t.valueStart + full.length, () => renderIpLine(t.name, full, s.arch, s.event));
      const sel = /^([0-9a-f]{4}):/.exec(full);
      if (sel) add(s, t.valueStart, t.valueStart + 4, () => renderIpLine(t.name, sel[0], s.arch, null));
      const f = parseFrame(' ' + full.replace(/^([0-9a-f]{4}):/, '').replace(/^\[<[0-9a-f]+>\]\s*/, ''));
      if (f?.function) {
        const at = m.indexOf(f.function, t.valueStart);
        if (at >= 0) add(s, at, at + f.function.length, () => renderIpLine(t.name, full, s.arch, s.event));
      }
      return;
    }
    let text = full;
    let end: number;
    if (t.name === 'pstate')
      end = t.valueStart + full.length; // the decoded `(nZCv daif …)` belongs to it
    else {
      text = /^\S*/.exec(full)![0];
      end = t.valueStart + text.length;
    }
    add(s, t.start, Math.max(end, t.valueStart), () =>
      renderRegister(t.name, text, s.arch, s.event, {
        ...(t.name === 'CR2' ? cr2Context(s) : {}),
        access: accessOfEvent(s),
      }),
    );
  });
}

const logOnlyAccess = new WeakMap<KernelEvent, FaultAccess | null>();

/** The hovered event's faulting access: the symbolized one when given, else from the log (once per event). */
function accessOfEvent(s: Scan): FaultAccess | null {
  const e = s.event;
  if (!e) return null;
  const given = s.ctx.accessOf?.(e);
  if (given) return given;
  let a = logOnlyAccess.get(e);
  if (a === undefined) logOnlyAccess.set(e, (a = faultAccess(e)));
  return a;
}

/** ppc `NIP [c…] f+0x1/0x2` / `LR [c…] f+…`, riscv `epc : f+…` / ` ra : f+…`: the function token. */
function namedIpLines(s: Scan): void {
  const r = P.NAMED_IP_LINE_AT.exec(s.m);
  if (!r) return;
  const value = s.m.slice(r[0].length);
  const f = parseFrame(' ' + value);
  if (!f?.function) return;
  const at = r[0].length;
  add(s, at, at + f.function.length, () => renderIpLine(r[2], value, s.arch, s.event));
}

/** How far above a `CR2:` line its dump's `Code:` line may be (x86 prints ~10 register lines between). */
const CODE_LINE_REACH = 16;
const UNREADABLE_CODE = /Code: Unable to access opcode bytes at (?:RIP )?0x([0-9a-f]{1,16})/;

/** The `Code:` line of the dump this `CR2:` belongs to: the address it could not read, if so. */
function cr2Context(s: Scan): { unreadableCodeAt: bigint | null } {
  for (let l = s.ctx.line - 1; l >= Math.max(0, s.ctx.line - CODE_LINE_REACH); l--) {
    const text = s.ctx.getLine?.(l);
    if (text === undefined) break;
    if (!text.includes('Code: ')) continue;
    const m = UNREADABLE_CODE.exec(text);
    return { unreadableCodeAt: m ? parseHex64(m[1]) : null };
  }
  return { unreadableCodeAt: null };
}

function errorCodes(s: Scan): void {
  const m = s.m;
  const d = P.DIE_LINE.exec(m);
  if (d) {
    const kindText = d[1];
    const codeStart =
      m.indexOf(': ' + d[2] + ' [#', d[0].length - d[2].length - d[3].length - d[4].length - 8) + 2;
    if (codeStart >= 2) add(s, codeStart, codeStart + d[2].length, () => R.renderErrorCode(kindText, d[2]));
    const numStart = m.indexOf('[#' + d[3] + ']', codeStart);
    if (numStart >= 0)
      add(s, numStart, numStart + d[3].length + 3, () =>
        R.renderOopsNumber(Number(d[3]), s.event, s.ctx.analysis),
      );
    let pos = numStart + d[3].length + 3;
    for (const word of d[4].split(' ').filter(Boolean)) {
      const at = m.indexOf(word, pos);
      if (at < 0) break;
      add(s, at, at + word.length, () => R.renderDieFlag(word));
      pos = at + word.length;
    }
    const head = m.search(/\S/);
    add(s, head, codeStart > 2 ? codeStart - 2 : d[0].length, () =>
      md([R.renderErrorCode(kindText, d[2]), s.event ? R.renderEventHeader(s.event.kind, s.event) : null]),
    );
  }
  if (P.PF_LINE_AT.test(m)) {
    const start = m.indexOf('#PF');
    add(s, start, m.trimEnd().length, () => R.renderPfLine(m));
  }
  // `PGD 1fec4067 P4D 1fec4067 PUD 1ff0b067 PMD 0` — the page-table walk for the fault address.
  if (P.PAGE_WALK_LINE_AT.test(m)) {
    const re = P.PAGE_WALK_ENTRY;
    re.lastIndex = 0;
    for (let t = re.exec(m); t; t = re.exec(m)) {
      const [level, val] = [t[1], t[2]];
      add(s, t.index, t.index + t[0].length, () => renderPageTableEntry(level, val));
    }
  }
}

function renderPageTableEntry(level: string, val: string): string {
  const v = parseHex64(val);
  if (v === null) return `${level} entry ${code(val)}.`;
  if (v === 0n)
    return `**${level} = 0**: no entry at this level — the page walk for the fault address stopped here: the address is not mapped.`;
  const bits = [
    v & 1n ? 'present' : 'NOT present',
    v & 2n ? 'writable' : 'read-only',
    v & 4n ? 'user' : 'kernel-only',
    v & 0x80n ? 'huge page (PS)' : null,
    v >> 63n ? 'no-execute (NX)' : 'executable',
  ]
    .filter(Boolean)
    .join(', ');
  return `**${level}** entry ${code(val)} (arch/x86/include/asm/pgtable_types.h): ${bits}; next table / page frame at physical ${'0x' + (v & 0x000ffffffffff000n).toString(16)}.`;
}

function arm64Abort(s: Scan): void {
  const m = s.m;
  let r: RegExpExecArray | null;
  if ((r = P.ESR_LINE_AT.exec(m))) {
    const v = parseHex64(r[2]);
    if (v !== null)
      add(s, r[1].length, r[0].length, () =>
        md([
          `**ESR** ${code('0x' + r![2])} — the exception syndrome: why the CPU took the exception (arch/arm64/include/asm/esr.h).`,
          renderEsr(v),
        ]),
      );
    return;
  }
  if ((r = P.EC_LINE_AT.exec(m))) {
    const ec = parseInt(r[2], 16);
    const cls = ESR_CLASSES[ec];
    add(s, r[1].length, r[0].length, () =>
      bullets([
        `**EC** ${code('0x' + r![2])} = ${cls ? `${cls.name} (ESR_ELx_EC_${cls.id})` : 'unallocated class'}${ec === 0x25 || ec === 0x21 ? ': the kernel itself faulted' : ec === 0x24 || ec === 0x20 ? ': a lower EL (user space) faulted' : ''}`,
        `**IL** = ${r![4]} bits: instruction length`,
      ]),
    );
    return;
  }
  if ((r = P.FSC_LINE_AT.exec(m))) {
    const fsc = parseInt(r[2], 16);
    add(
      s,
      r[1].length,
      m.trimEnd().length,
      () =>
        `**fault status** ${code('0x' + r![2])}: ${FSC_NAMES[fsc] ?? r![3]}${fscMeaning(fsc) ? ` — ${fscMeaning(fsc)}` : ''} (arch/arm64/mm/fault.c fault_info).`,
    );
    return;
  }
  // `CM = 0, WnR = 0`, `ISV = 0, ISS = 0x00000006`, `SET = 0, FnV = 0`, `EA = 0, S1PTW = 0`, `TnD = 0, TagAccess = 0`.
  if (P.ABORT_FIELDS_LINE_AT.test(m)) {
    const re = P.ABORT_FIELD;
    re.lastIndex = 0;
    for (let t = re.exec(m); t; t = re.exec(m)) {
      const [name, val] = [t[1], t[2]];
      add(s, t.index, t.index + t[0].length, () => renderAbortField(name, val));
    }
    return;
  }
  if ((r = P.ABORT_INFO_LINE_AT.exec(m))) {
    add(
      s,
      r[1].length,
      r[0].length,
      () =>
        `${code(r![2])} — arm64 decodes the ESR of the abort in the lines below (arch/arm64/mm/fault.c mem_abort_decode).`,
    );
    return;
  }
  if ((r = P.ARM64_PGTABLE_LINE_AT.exec(m))) {
    add(
      s,
      r[1].length,
      r[0].length,
      () =>
        `${code(r![2] + ' pgtable')}: the fault address was looked up in ${r![2] === 'user' ? 'the user (TTBR0) page tables — a user-half address, e.g. NULL + offset' : 'the kernel (TTBR1, swapper) page tables'}; ${r![3]} pages, ${r![4]}-bit virtual addresses, page-table base at physical ${code(r![5])}.`,
    );
    return;
  }
  if (P.ARM64_PAGE_WALK_LINE_AT.test(m)) {
    const re = P.ARM64_PAGE_WALK_ENTRY;
    re.lastIndex = 0;
    for (let t = re.exec(m); t; t = re.exec(m)) {
      const [level, val] = [t[1], t[2]];
      add(s, t.index, t.index + t[0].length, () =>
        /^0+$/.test(val)
          ? `**${level}=0**: no entry at this level — the walk stopped here, so the address is not mapped (a translation fault).`
          : `**${level}** ${code(val)}: ${BigInt('0x' + val) & 1n ? 'valid' : 'invalid'} descriptor at this level.`,
      );
    }
  }
}

function renderAbortField(name: string, val: string): string {
  const v = val.startsWith('0x') ? parseInt(val.slice(2), 16) : Number(val);
  if (name === 'ISS')
    return `**ISS** ${code(val)}: the instruction-specific syndrome; for aborts its low 6 bits are the fault status code (${FSC_NAMES[v & 0x3f]}).`;
  if (name === 'WnR')
    return `**WnR = ${v}**: ${v ? 'the faulting access was a **write**' : 'the faulting access was a **read**'} (ESR_ELx_WNR).`;
  const f = ABORT_ISS_FIELDS.find((x) => x.name === name);
  if (f) return `**${name} = ${v}** — ${f.meaning}${v ? '' : ' (clear)'}.`;
  const extra: Record<string, string> = {
    TnD: 'tag not data: the fault was on an MTE tag access',
    TagAccess: 'MTE tag access',
    GCS: 'guarded control stack access',
    Xs: 'extra syndrome',
    LST: 'load/store type',
  };
  return `**${name} = ${v}** — ${extra[name] ?? 'syndrome field'}.`;
}

function taint(s: Scan): void {
  const m = s.m;
  let at = m.indexOf('Not tainted');
  if (at >= 0) add(s, at, at + 11, () => R.renderNotTainted());
  at = m.indexOf('Tainted: ');
  if (at < 0) return;
  const fieldStart = at + 9;
  const verbose = P.TAINT_NAMED_FLAGS.exec(m.slice(fieldStart));
  if (verbose) {
    // 6.12+: `Tainted: [W]=WARN, [O]=OOT_MODULE`
    const re = P.TAINT_NAMED_FLAG;
    re.lastIndex = 0;
    for (let t = re.exec(verbose[0]); t; t = re.exec(verbose[0])) {
      const letter = t[1];
      const start = fieldStart + t.index;
      add(s, start, start + t[0].length, () => {
        const idx = 'PFSRMBUDAWCIOELKXTNJ'.indexOf(letter);
        return idx >= 0 ? R.renderTaintLetter(idx, letter, s.event) : null;
      });
    }
    add(s, at, at + 8, () => R.renderTaintSummary(verbose[0].replace(/\[([A-Z])\]=[A-Z_]+(?:, )?/g, '$1')));
    return;
  }
  // Read positionally while characters are a set letter or blank for their position.
  let end = fieldStart;
  for (let i = 0; i < 20 && fieldStart + i < m.length; i++) {
    const c = m[fieldStart + i];
    if (c === ' ') continue;
    if (!R.taintFlagsIn(' '.repeat(i) + c).length && !(i === 0 && c === 'G')) break;
    end = fieldStart + i + 1;
    const pos = i;
    add(s, fieldStart + i, fieldStart + i + 1, () => R.renderTaintLetter(pos, c, s.event));
  }
  const field = m.slice(fieldStart, end);
  add(s, at, at + 8, () => R.renderTaintSummary(field));
}

function modules(s: Scan): void {
  const m = s.m;
  const r = P.MODULES_LINE_AT.exec(m);
  if (!r) return;
  add(
    s,
    r[1].length,
    r[0].length,
    () =>
      '`Modules linked in:` — every loaded module, with per-module taint in parentheses (kernel/module/main.c print_modules).',
  );
  const re = P.MODULE_NAME;
  re.lastIndex = r[0].length;
  const lastAt = m.indexOf('[last unloaded');
  const list = lastAt >= 0 ? m.slice(0, lastAt) : m;
  for (let t = re.exec(list); t; t = re.exec(list)) {
    const [name, flags] = [t[1], t[2] ?? ''];
    add(s, t.index, t.index + t[0].length, () => R.renderModule(name, flags, s.event));
  }
  const last = P.LAST_UNLOADED_NAME.exec(m);
  if (last)
    add(
      s,
      last.index,
      last.index + last[0].length,
      () =>
        `${code(last[1])} was the last module unloaded: a crash in freed module memory may be its dangling callback.`,
    );
}

function figures(s: Scan): void {
  const m = s.m;
  let r: RegExpExecArray | null;
  if ((r = P.STUCK_FOR.exec(m))) {
    const secs = Number(r[1]);
    add(s, r.index, r.index + r[0].length, () => R.renderSoftLockupFigure(secs));
  }
  if ((r = P.BLOCKED_FOR.exec(m))) {
    const secs = Number(r[1]);
    add(s, r.index, r.index + r[0].length, () => R.renderHungFigure(secs));
  }
  if ((r = P.HUNG_TASK_HINT.exec(m))) {
    add(
      s,
      m.search(/\S/),
      m.length,
      () =>
        `Writing 0 to ${code('/proc/sys/kernel/hung_task_timeout_secs')} disables the hung-task detector; it does not fix the hang.`,
    );
  }
  if ((r = P.TASK_STATE.exec(m)) && P.TASK_LINE_AT.test(m)) {
    const st = r[1];
    const states: Record<string, string> = {
      D: 'uninterruptible sleep: waits for a lock, I/O or an event and ignores signals',
      R: 'running or runnable',
      S: 'interruptible sleep',
      T: 'stopped',
      Z: 'zombie',
      I: 'idle kernel thread',
      X: 'dead',
      t: 'traced',
    };
    add(
      s,
      r.index,
      r.index + r[0].length - 1,
      () => `**state ${st}** — ${states[st] ?? 'task state'} (sched_show_task).`,
    );
  }
  if ((r = P.GFP_MASK.exec(m))) {
    const [mask, printed] = [r[1], r[2] ?? null];
    add(s, r.index, r.index + r[0].length, () => R.renderGfpMask(mask, printed));
    if (printed) {
      let pos = r.index + r[0].indexOf('(') + 1;
      for (const name of printed.split('|')) {
        const start = pos;
        add(s, start, start + name.length, () => R.renderGfpMask(mask, name));
        pos += name.length + 1;
      }
    }
  }
  if ((r = P.ALLOC_ORDER.exec(m))) {
    const order = Number(r[1]);
    add(s, r.index, r.index + r[0].length, () => R.renderOrder(order));
  }
  const adj = P.OOM_SCORE_ADJ;
  adj.lastIndex = 0;
  for (let t = adj.exec(m); t; t = adj.exec(m)) {
    const v = Number(t[1]);
    add(s, t.index, t.index + t[0].length, () => R.renderOomScoreAdj(v));
  }
  const killed = P.KILLED_FIGURE;
  killed.lastIndex = 0;
  for (let t = killed.exec(m); t; t = killed.exec(m)) {
    const [name, kb] = [t[1], Number(t[2])];
    add(s, t.index, t.index + t[0].length, () => R.renderKilledField(name, kb));
  }
  // OOM task table header and rows (mm/oom_kill.c dump_task).
  if (P.TASK_TABLE_HEADER_AT.test(m)) {
    const re = P.TASK_TABLE_COLUMN;
    re.lastIndex = 0;
    for (let t = re.exec(m); t; t = re.exec(m)) {
      const col = t[1];
      add(s, t.index, t.index + col.length, () => R.renderTaskColumn(col));
    }
  } else if ((r = P.TASK_TABLE_ROW_AT.exec(m))) {
    const fields: { text: string; start: number }[] = [];
    const pidAt = m.indexOf(r[2], r[1].length);
    fields.push({ text: r[2], start: pidAt });
    const numRe = /-?\d{1,20}/g;
    const base = m.indexOf(r[3], pidAt + r[2].length);
    for (let t = numRe.exec(r[3]); t; t = numRe.exec(r[3]))
      fields.push({ text: t[0], start: base + t.index });
    fields.push({ text: r[4], start: m.length - r[4].length });
    const cols = R.taskRowColumns(fields.length);
    if (cols)
      fields.forEach((f, i) =>
        add(s, f.start, f.start + f.text.length, () => R.renderTaskColumn(cols[i], f.text)),
      );
  }
  // KASAN access and object lines (mm/kasan/report.c).
  if ((r = P.KASAN_ACCESS.exec(m))) {
    const [kind, size, addr, task] = [r[1], Number(r[2]), r[3], r[4] ?? null];
    add(s, r.index, r.index + r[0].length, () => R.renderKasanAccess(kind, size, addr, task));
  }
  if ((r = P.KASAN_CACHE.exec(m))) {
    const [cache, size] = [r[1], r[2] ? Number(r[2]) : null];
    const at = r.index + r[0].indexOf(cache);
    add(s, at, at + cache.length, () => R.renderKasanCache(cache, size));
    add(s, r.index, r.index + r[0].length, () => R.renderKasanCache(cache, size));
  }
  if ((r = P.KASAN_OBJECT.exec(m))) {
    add(
      s,
      r.index,
      r.index + r[0].length,
      () =>
        'The object that contains the bad address: its allocation and free stacks are printed above; the next line names its slab cache.',
    );
  }
  if ((r = P.KASAN_LOCATED.exec(m))) {
    const [n, where] = [Number(r[1]), r[2]];
    add(s, r.index, r.index + r[0].length, () =>
      where === 'inside'
        ? `${n} bytes inside the object: the access hit a field at offset ${n} of a freed (use-after-free) or partially-valid object.`
        : `${n} bytes ${where} of the object: an out-of-bounds access ${where === 'to the right' ? 'past its end (off-by-one, wrong length)' : 'before its start (negative index)'}.`,
    );
  }
  // 2.6–3.9 `Pid: 3, comm: x Tainted: …` (arch/x86/kernel/process.c show_regs_common, dump_stack).
  if ((r = P.OLD_PID_LINE_AT.exec(m))) taskFields(s, m.indexOf('Pid: '), r[1], 'comm: ', r[2]);
  if ((r = P.CPU_LINE_AT.exec(m))) {
    const cpu = r[2];
    const cpuAt = m.indexOf('CPU: ');
    add(s, cpuAt, cpuAt + 5 + cpu.length, () => `**CPU ${cpu}** — the CPU that hit the event.`);
    taskFields(s, m.indexOf('PID: ', cpuAt), r[3], 'Comm: ', r[4]);
    const uid = P.CPU_LINE_UID.exec(m);
    if (uid) {
      const at = uid.index + 1;
      add(
        s,
        at,
        at + 5 + uid[1].length,
        () =>
          `**UID ${uid[1]}** — the user id the task ran as (in the initial user namespace; printed since v6.11)${uid[1] === '0' ? ': root' : ''}.`,
      );
    }
    const model = P.PREEMPT_MODEL.exec(m);
    if (model)
      add(s, model.index, model.index + model[0].length, () => R.renderPreemptModel(model[0], model[1]));
  }
}

/** The PID and command name of the task on a CPU line (`PID: 1 Comm: x`, or the old `Pid: 1, comm: x`). */
function taskFields(s: Scan, pidAt: number, pid: string, commLabel: string, comm: string): void {
  add(
    s,
    pidAt,
    pidAt + 5 + pid.length,
    () =>
      `**PID ${pid}** — the task running on that CPU${pid === '0' ? ' (0 = the idle task: the event came from an interrupt on an idle CPU)' : ''}.`,
  );
  const commAt = s.m.indexOf(commLabel, pidAt);
  add(
    s,
    commAt,
    commAt + commLabel.length + comm.length,
    () =>
      `**Comm ${code(comm)}** — the task's command name (task->comm, at most 15 characters)${/^kworker/.test(comm) ? '; a kworker runs workqueue items, so the culprit is the work function in the trace' : ''}.`,
  );
}

/** Headings of the traces a report prints (dumpstack, mm/kasan/report.c, mm/kfence/report.c, lockdep). */
const TRACE_LABELS: readonly [RegExp, string][] = [
  [
    P.TRACE_LABELS_AT.callTrace,
    '`Call Trace:` — the stack at the time of the report, innermost call first. Frames marked `?` are unreliable guesses.',
  ],
  [
    P.TRACE_LABELS_AT.allocated,
    '`Allocated by task` — where the object was allocated (KASAN/KFENCE record the allocation stack).',
  ],
  [
    P.TRACE_LABELS_AT.freed,
    '`Freed by task` — where the object was freed. In a use-after-free, this free came too early or the later user forgot to take a reference.',
  ],
  [
    P.TRACE_LABELS_AT.lastWork,
    'Where related deferred work (call_rcu, queue_work…) was queued: often the real freer of the object.',
  ],
  [P.TRACE_LABELS_AT.secondLastWork, 'An earlier related deferred-work creation.'],
  [P.TRACE_LABELS_AT.exceptionStack, 'The exception frame saved on entry to the fault handler (arm).'],
  [P.TRACE_LABELS_AT.backtrace, '`Backtrace:` — the stack at the time of the report (arm).'],
];

function frames(s: Scan): void {
  const m = s.m;
  const marker = parseContextMarker(m);
  if (marker) {
    const at = m.indexOf('<');
    add(s, at, m.trimEnd().length, () => R.renderContextMarker(marker.open, marker.context, m.trim()));
    return;
  }
  const label = TRACE_LABELS.find(([re]) => re.test(m));
  if (label) {
    const at = m.search(/\S/);
    add(s, at, m.trimEnd().length, () => label[1]);
    return;
  }
  // syzkaller-symbolized inline frames: ` add_disk include/linux/genhd.h:217 [inline]`.
  const inl = P.INLINE_FRAME_AT.exec(m);
  if (inl) {
    const [fn, src] = [inl[2], inl[3]];
    add(
      s,
      inl[1].length,
      m.trimEnd().length,
      () =>
        `**Inlined frame** ${code(fn)} at ${code(src)}: the compiler inlined it into the next frame below, so it has no address of its own; the crash site is inside ${code(fn)}'s code.`,
    );
    return;
  }
  const f = parseFrame(m);
  if (!f) return;
  const render = () => R.renderFrame(m, s.event, s.ctx.line, findFrameAt);
  add(s, f.start, f.end, render);
  add(s, m.search(/\S/), m.trimEnd().length, render);
  const q = P.UNRELIABLE_MARK_AT.exec(m);
  if (q) {
    const at = q[0].length - 2;
    add(s, at, at + 1, render);
  }
}

function codeLine(s: Scan): void {
  const r = P.CODE_LINE_AT.exec(s.m);
  if (!r) return;
  const bytes = r[2];
  add(s, r[1].length, s.m.trimEnd().length, () => {
    const text = R.renderCodeLine(bytes, s.arch, codeAnchor(s));
    if (text) return text;
    if (/Unable to access opcode bytes|Bad RIP value|bad PC value/i.test(bytes))
      return R.renderUnreadableCode(bytes, s.arch, codeAnchor(s), ipUserMode(s));
    return null;
  });
}

/** The privilege level of the `RIP: 0033:…` line just above a Code: line: user (RPL 3), kernel, or unknown. */
function ipUserMode(s: Scan): boolean | null {
  const prev = s.ctx.getLine?.(s.ctx.line - 1);
  const sel = prev && /(?:RIP|EIP): ([0-9a-f]{4}):/.exec(normalizeLine(prev).message);
  return sel ? (parseInt(sel[1], 16) & 3) === 3 : null;
}

/** Where the Code: bytes sit: the RIP line just above (x86 prints it there), or the event's ip. */
function codeAnchor(s: Scan): CodeAnchor | undefined {
  const prev = s.ctx.getLine?.(s.ctx.line - 1);
  const fromLine = (text: string): CodeAnchor | undefined => {
    const msg = normalizeLine(text).message;
    const rip = P.IP_LINE_VALUE_AT.exec(msg);
    if (!rip) return undefined;
    const num = /^0x([0-9a-f]{1,16})\b/.exec(rip[1]);
    if (num) return { address: parseHex64(num[1]) ?? undefined };
    const f = parseFrame(' ' + rip[1].replace(/^\[<[0-9a-f]+>\]\s*/, ''));
    if (f?.function && f.offset !== null) return { symbol: f.function, symbolOffset: f.offset };
    return undefined;
  };
  if (prev !== undefined) {
    const a = fromLine(prev);
    if (a) return a;
  }
  const ip = s.event?.ip;
  if (ip && s.event?.codeLine === s.ctx.line) {
    if (ip.function && ip.offset !== null) return { symbol: ip.function, symbolOffset: ip.offset };
    if (ip.address) {
      const v = parseHex64(ip.address);
      if (v !== null) return { address: v };
    }
  }
  return undefined;
}

function eventHeader(s: Scan): void {
  const m = s.m;
  const h = matchHeader(m);
  if (h) {
    const lead = m.length - m.trimStart().length;
    const kind = h.entry.kind;
    // The analysis may have merged this header into a report opened by another kind (`Oops:` after
    // `BUG: kernel NULL pointer dereference`): the event is still the one to show.
    add(s, lead, lead + h.match[0].length, () => R.renderEventHeader(kind, s.event));
    return;
  }
  let r: RegExpExecArray | null;
  if ((r = P.END_TRACE_ID.exec(m))) {
    add(
      s,
      r.index,
      r.index + r[0].length,
      () =>
        `End of the report. The number is a per-boot random id on older kernels (all zeros since 5.17): reports with the same id come from the same boot.`,
    );
  } else if ((r = P.CUT_HERE_MARK.exec(m))) {
    add(
      s,
      r.index,
      r.index + r[0].length,
      () =>
        '`[ cut here ]` — start of a WARN()/BUG() report (lib/bug.c): copy from here to `end trace` when reporting.',
    );
  }
}

function addresses(s: Scan): void {
  const m = s.m;
  // Register dumps explain their values themselves (with the register's role).
  if (P.REGISTER_DUMP_AT.test(m) && !P.IP_REGISTER_AT.test(m)) return;
  // Code: words (arm64 `d503201f`) are instructions, not addresses.
  if (P.CODE_LINE_AT.test(m)) return;
  P.ADDRESS_TOKEN.lastIndex = 0;
  for (let t = P.ADDRESS_TOKEN.exec(m); t; t = P.ADDRESS_TOKEN.exec(m)) {
    const digits = t[2];
    if (!t[1] && digits.length !== 16 && !/[a-f]/.test(digits) && digits.length !== 8) continue;
    const v = parseHex64(digits);
    if (v === null) continue;
    const start = t.index;
    add(s, start, start + t[0].length, () => {
      const arch: Arch = s.arch === 'unknown' ? (digits.length === 8 ? 'i386' : 'unknown') : s.arch;
      const facts = valueFacts(v, arch, s.event);
      const isFault = !!s.event?.faultAddress && parseHex64(s.event.faultAddress) === v;
      if (isFault) facts.unshift('**the fault address** of this report');
      // The fault address (the BUG: line's, arm64's FAR in `at virtual address`) as the access computed it.
      const access = isFault ? accessOfEvent(s) : null;
      return md([
        `**${code((t![1] ?? '') + digits)}**${arch === 'unknown' && classifyValue(v, 'unknown').length ? ' (layout assumed x86_64)' : ''}`,
        access ? faultAddressInAccess(access, v) : null,
        bullets(facts),
      ]);
    });
  }
}
