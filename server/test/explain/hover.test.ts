// Hover engine tests: each hover kind on real corpus lines and on our fixture, asserting decoded facts.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeText, splitLines, type Analysis } from '../../src/engine';
import { explainAt } from '../../src/engine/explain/hover';
import { initDisassemblers } from '../../src/engine/explain/disasm';
import { findEventAt } from '../../src/engine/explain/locate';
import { renderEsr } from '../../src/engine/explain/registers';

const ROOT = join(__dirname, '../../..');
const CORPUS = join(ROOT, 'test-fixtures/corpus');

interface Doc {
  lines: string[];
  analysis: Analysis;
}
const docs = new Map<string, Doc>();
function load(path: string): Doc {
  let d = docs.get(path);
  if (!d) {
    const text = readFileSync(path, 'utf8');
    d = { lines: splitLines(text), analysis: analyzeText(text) };
    docs.set(path, d);
  }
  return d;
}

/** Hover at `needle` (+ `delta` characters) on the first line containing it (after line `after`). */
function hover(
  path: string,
  needle: string,
  delta = 0,
  opts: { withAnalysis?: boolean; after?: number } = {},
) {
  const d = load(path);
  const line = d.lines.findIndex((l, i) => i >= (opts.after ?? 0) && l.includes(needle));
  assert.ok(line >= 0, `no line with ${needle}`);
  const col = d.lines[line].indexOf(needle) + delta;
  const r = explainAt(d.lines[line], col, {
    line,
    analysis: opts.withAnalysis === false ? undefined : d.analysis,
    getLine: (n) => d.lines[n],
  });
  assert.ok(r, `no hover at ${needle}+${delta}`);
  return { ...r, token: d.lines[line].slice(r.start, r.end) };
}

const X86 = join(CORPUS, 'qemu/logs/null_write.console.log');
const ARM = join(CORPUS, 'qemu-arm64/logs/null_read.console.log');
const ARM_BUG = join(CORPUS, 'qemu-arm64/logs/bug_on.console.log');
const GPF = join(CORPUS, 'qemu/logs/gpf.console.log');
const OOM = join(CORPUS, 'qemu/logs/oom.console.log');
const FIX = join(ROOT, 'test-fixtures/hover/x86-mixed.log');

before(async () => {
  await initDisassemblers();
});

test('EFLAGS is decoded bit by bit', () => {
  const h = hover(FIX, 'EFLAGS: 00010246', 3);
  assert.equal(h.token, 'EFLAGS: 00010246');
  for (const f of ['PF', 'ZF', 'IF', 'RF']) assert.match(h.markdown, new RegExp(`\\*\\*${f}\\*\\*`));
  assert.doesNotMatch(h.markdown, /\*\*CF\*\*/);
  const off = hover(X86, 'EFLAGS: 00000246');
  assert.doesNotMatch(off.markdown, /\*\*RF\*\*/);
});

test('CR0, CR4, CR3, CR2', () => {
  const cr0 = hover(X86, 'CR0: 0000000080050033').markdown;
  for (const f of ['PE', 'WP', 'PG', 'AM', 'NE', 'ET', 'MP'])
    assert.match(cr0, new RegExp(`\\*\\*${f}\\*\\*`));
  const cr4 = hover(FIX, 'CR4: 00000000003506e0').markdown;
  for (const f of ['SMEP', 'SMAP', 'OSXSAVE', 'FSGSBASE', 'PGE', 'PAE'])
    assert.match(cr4, new RegExp(`\\*\\*${f}\\*\\*`));
  assert.doesNotMatch(cr4, /\*\*LA57\*\*/);
  assert.match(hover(X86, 'CR3: 0000000001fe8000').markdown, /page-table base \(physical\): 0x1fe8000/);
  const cr2 = hover(X86, 'CR2: 0000000000000008').markdown;
  assert.match(cr2, /NULL \+ 0x8/);
});

test('RIP line: selector, symbol, offset/size, module', () => {
  const h = hover(X86, 'RIP: 0010:buggy_null_write');
  assert.match(h.markdown, /__KERNEL_CS/);
  assert.match(h.markdown, /offset 0x19 into a 39-byte \(0x27\) function/);
  assert.match(h.markdown, /module `buggy`/);
  const sel = hover(X86, 'RIP: 0010:', 5);
  assert.equal(sel.token, '0010');
  const user = hover(X86, 'RIP: 0033:0x47b7a0');
  assert.match(user.markdown, /__USER_CS/);
  assert.match(user.markdown, /user-space code/);
});

test('general registers: role, classification, relation to the fault address', () => {
  const rbx = hover(X86, 'RBX: 0000000000000000', 2).markdown;
  assert.match(rbx, /callee-saved/);
  assert.match(rbx, /fault address is 0x8/);
  const rdi = hover(X86, 'RDI: 0000000000000001').markdown;
  assert.match(rdi, /1st argument/);
  const rcx = hover(FIX, 'RCX: dead000000000122').markdown;
  assert.match(rcx, /LIST_POISON2/);
  const rdx = hover(FIX, 'RDX: 6b6b6b6b6b6b6b6b').markdown;
  assert.match(rdx, /POISON_FREE/);
  const rax = hover(FIX, 'RAX: dffffc0000000001').markdown;
  assert.match(rax, /KASAN null-ptr-deref/);
  const rsp = hover(X86, 'RSP: 0018:ffffcd994059bc50').markdown;
  assert.match(rsp, /__KERNEL_DS/);
  assert.match(rsp, /vmalloc/);
  const enosys = hover(X86, 'RAX: ffffffffffffffda').markdown;
  assert.match(enosys, /-38 \(-ENOSYS\)/);
});

test('FS/GS/knlGS, selectors and ORIG_RAX as syscall name', () => {
  assert.match(hover(X86, 'GS:ffff8afa5f400000').markdown, /per-CPU area/);
  assert.match(hover(X86, 'knlGS:0000000000000000').markdown, /SWAPGS/);
  assert.match(hover(X86, 'FS:  000000000d98c3c0').markdown, /thread-local storage/);
  assert.match(hover(X86, 'CS:  0010').markdown, /__KERNEL_CS/);
  assert.match(hover(X86, 'ORIG_RAX: 0000000000000001').markdown, /Syscall \*\*1\*\* = `write`/);
  assert.match(hover(FIX, 'ORIG_RAX: 0000000000000003').markdown, /`close`/);
});

test('error codes: Oops, #PF lines, GPF, [#N] and die flags', () => {
  const oops = hover(X86, 'Oops: 0002', 7);
  assert.equal(oops.token, '0002');
  assert.match(oops.markdown, /kernel-mode write of a not-present page/);
  assert.match(hover(X86, '#PF: error_code(0x0002)').markdown, /not-present page/);
  const acc = hover(X86, '#PF: supervisor write access').markdown;
  assert.match(acc, /kernel code made the access/);
  assert.match(acc, /a write of data/);
  const first = hover(X86, '[#1]').markdown;
  assert.match(first, /first oops since boot/);
  const second = hover(FIX, '[#2]').markdown;
  assert.match(second, /already tainted `D` by an earlier oops/);
  assert.doesNotMatch(second, /consequence/);
  assert.match(hover(X86, 'NOPTI').markdown, /page-table isolation/);
  assert.match(
    hover(GPF, 'fault, probably', 0).markdown + hover(FIX, ': 0000 [#1]', 2).markdown,
    /not about a segment selector/,
  );
  assert.match(hover(FIX, 'PGD 0').markdown, /walk for the fault address stopped here/);
});

test('addresses anywhere: header address, KASAN shadow, poison', () => {
  const gpf = hover(FIX, '0xdffffc0000000001:', 3).markdown;
  assert.match(gpf, /0x0000000000000008-0x000000000000000f/);
  assert.match(hover(GPF, '0xdead00000000beef', 4).markdown, /poison pointer \+ 0xbeef/);
  const hdr = hover(X86, 'address: 0000000000000008', 12).markdown;
  assert.match(hdr, /NULL \+ 0x8/);
  assert.match(hdr, /fault address/);
});

test('taint: letters read by position, Not tainted, module taint', () => {
  const o = hover(X86, 'Tainted: G           OE', 21);
  assert.equal(o.token, 'O');
  assert.match(o.markdown, /OOT_MODULE/);
  assert.match(o.markdown, /Module carrying O: `buggy`/);
  const e = hover(X86, 'Tainted: G           OE', 22);
  assert.match(e.markdown, /UNSIGNED_MODULE/);
  const g = hover(X86, 'Tainted: G', 9);
  assert.match(g.markdown, /only GPL-compatible/);
  const w = hover(FIX, 'Tainted: G        W  O', 18);
  assert.equal(w.token, 'W');
  assert.match(w.markdown, /TAINT_WARN/);
  const sum = hover(FIX, 'Tainted: G        W  O', 2).markdown;
  assert.match(sum, /\*\*W\*\*/);
  assert.match(sum, /\*\*O\*\*/);
  assert.match(hover(FIX, 'Not tainted', 3).markdown, /no taint flag is set/);
  assert.match(hover(FIX, 'foo(O)').markdown, /OOT_MODULE/);
  assert.match(hover(FIX, 'nf_tables(E)').markdown, /UNSIGNED_MODULE/);
  assert.match(hover(FIX, 'bar ').markdown, /no per-module taint/);
  assert.match(hover(FIX, 'last unloaded').markdown, /`baz`/);
});

test('6.11+ CPU line: UID; 6.15+: the preemption model at its end', () => {
  const cpu = join(ROOT, 'test-fixtures/engine/events/cpu-line-6.15.log');
  const uid = hover(cpu, 'UID: 1000', 2);
  assert.equal(uid.token, 'UID: 1000');
  assert.match(uid.markdown, /\*\*UID 1000\*\* — the user id the task ran as/);
  const model = hover(cpu, 'PREEMPT(full)', 9);
  assert.equal(model.token, 'PREEMPT(full)');
  assert.match(model.markdown, /preemption model .* can be preempted anywhere outside/);
  // The build version's own words are not the 6.15 model (`#1 SMP PREEMPT_DYNAMIC …`).
  const old = explainAt(
    'CPU: 0 PID: 1 Comm: init Not tainted 6.1.0-18-amd64 #1 SMP PREEMPT_DYNAMIC Debian',
    60,
    {
      line: 0,
      analysis: undefined,
      getLine: () => '',
    },
  );
  assert.ok(!old || !/preemption model/.test(old.markdown), old?.markdown);
});

test('event header: explanation, next steps, sysctls, doc link', () => {
  const h = hover(X86, 'BUG: kernel NULL pointer dereference').markdown;
  assert.match(h, /Next steps/);
  assert.match(h, /kernel\.panic_on_oops/);
  assert.match(h, /kdump/);
  assert.match(h, /https:\/\/docs\.kernel\.org\//);
  const sl = hover(FIX, 'BUG: soft lockup').markdown;
  assert.match(sl, /kernel\.softlockup_panic/);
  assert.match(sl, /kernel\.watchdog_thresh/);
  assert.match(hover(FIX, 'INFO: task jbd2').markdown, /kernel\.hung_task_timeout_secs/);
  assert.match(hover(FIX, 'invoked oom-killer', 2).markdown, /vm\.panic_on_oom/);
  assert.match(hover(FIX, 'BUG: KASAN: slab-use-after-free').markdown, /Freed by/);
});

test('figures in the body', () => {
  assert.match(hover(FIX, 'stuck for 22s').markdown, /22 s/);
  assert.match(hover(FIX, 'blocked for more than 120 seconds').markdown, /hung_task_timeout_secs` is 120/);
  assert.match(hover(FIX, 'state:D').markdown, /uninterruptible sleep/);
  const gfp = hover(FIX, 'gfp_mask=0xcc0').markdown;
  assert.match(gfp, /__GFP_DIRECT_RECLAIM/);
  assert.match(gfp, /__GFP_FS/);
  assert.match(hover(FIX, 'GFP_KERNEL)').markdown, /normal kernel allocation/);
  assert.match(hover(OOM, 'GFP_HIGHUSER_MOVABLE|').markdown, /movable user pages/);
  assert.match(hover(FIX, 'order=3').markdown, /8 contiguous pages \(32 KiB/);
  assert.match(hover(FIX, 'oom_score_adj=-1000').markdown, /never killed/);
  assert.match(hover(FIX, 'anon-rss:181072kB').markdown, /176\.8 MiB/);
  assert.match(hover(FIX, 'total_vm', 1).markdown, /virtual size, in pages/);
  const rss = hover(FIX, '45523').markdown;
  assert.match(rss, /\*\*rss\*\*/);
  assert.match(rss, /177\.8 MiB/);
  assert.match(hover(FIX, '0 stress', 2).markdown, /command name/);
  assert.match(hover(FIX, 'Read of size 8').markdown, /read of 8 bytes/);
  assert.match(hover(FIX, 'kmalloc-256', 2).markdown, /generic kmalloc\(\) bucket.*256 bytes/);
  assert.match(hover(FIX, 'located 120 bytes inside').markdown, /offset 120/);
});

test('arm64 frames (6.13+): the unwinder marks `(P)` and `(CF)` are explained', () => {
  const fix = join(ROOT, 'test-fixtures/engine/events/arm64-unwind-marks-6.13.log');
  const p = hover(fix, 'buggy_null_read_level2+0x8/0x20 [buggy] (P)', 2).markdown;
  assert.match(p, /offset 0x8 into `buggy_null_read_level2`/);
  assert.match(p, /arm64 unwinder mark `P` — the PC saved in an exception frame/);
  assert.doesNotMatch(p, /mark `F`/);
  const cf = explainAt('[    5.7]  vfs_write+0xdc/0x3a0 (CF)', 13, { line: 0 })!.markdown;
  assert.match(cf, /mark `C` — the caller's return address/);
  assert.match(cf, /mark `F` — the return address was rewritten by the ftrace function-graph tracer/);
  assert.doesNotMatch(hover(X86, 'buggy_dispatch+0x4d/0x60', 2).markdown, /unwinder mark/);
});

test('LINEINFO frames: the source line the kernel printed is shown', () => {
  const fix = join(ROOT, 'test-fixtures/engine/events/lineinfo-sysrq.log');
  const h = hover(fix, 'sysrq_handle_crash+0x1a/0x20', 2).markdown;
  assert.match(
    h,
    /source `drivers\/tty\/sysrq\.c:154` — printed by the kernel itself \(CONFIG_KALLSYMS_LINEINFO\)/,
  );
  assert.match(h, /offset 0x1a into `sysrq_handle_crash`/);
});

test('stack frames: offset/size, module, unreliable, context', () => {
  const f = hover(X86, 'buggy_dispatch+0x4d/0x60', 2).markdown;
  assert.match(f, /offset 0x4d into `buggy_dispatch`, a 96-byte/);
  assert.match(f, /module `buggy`/);
  assert.match(f, /process context/);
  const q = hover(X86, '? __mod_memcg_lruvec_state', 3).markdown;
  assert.match(q, /unreliable/);
  const irq = hover(FIX, 'foo_timer_fn', 1).markdown;
  assert.match(irq, /hard-interrupt context/);
  const noAnalysis = hover(FIX, 'foo_timer_fn', 1, { withAnalysis: false }).markdown;
  assert.doesNotMatch(noAnalysis, /hard-interrupt context/);
  assert.match(noAnalysis, /module `foo`/);
  assert.match(hover(FIX, '<IRQ>', 1).markdown, /IRQ stack/);
  assert.match(hover(FIX, 'Call Trace:', 2).markdown, /innermost call first/);
  const syz = join(CORPUS, 'syzkaller/decompile/amd64/0.in');
  assert.match(hover(syz, 'add_disk include/linux/genhd.h:217 [inline]', 2).markdown, /Inlined frame/);
  assert.match(hover(syz, 'md_alloc+0xa32/0x1190', 2).markdown, /source `drivers\/md\/md\.c:5707`/);
  // A Rust frame (v0-mangled) says which Rust item it is; a C frame says nothing of the kind.
  const rust = hover(
    join(CORPUS, 'syzkaller/report/748'),
    '_RNvMs0_NtCshgDM7dBCdno_11rust_binder4nodeNtB5_4Node22update_refcount_locked',
    4,
  ).markdown;
  assert.match(rust, /Rust: `<rust_binder::node::Node>::update_refcount_locked`/);
  assert.doesNotMatch(f, /Rust:/);
});

test('arm64: pstate, ESR, FSC, WnR, Internal error, registers, pc/lr', () => {
  const ps = hover(ARM, 'pstate: 60000005').markdown;
  assert.match(ps, /EL1h/);
  assert.match(ps, /nZCv/);
  assert.match(ps, /IRQs were enabled/);
  assert.match(ps, /PAN/);
  const esr = hover(ARM, 'ESR = 0x0000000096000006', 2).markdown;
  assert.match(esr, /DABT \(current EL\)/);
  assert.match(esr, /level 2 translation fault/);
  assert.match(esr, /\*\*read\*\* faulted/);
  // ESR_ELx fields (arch/arm64/include/asm/esr.h): EC 31:26, IL 25, ISS 24:0, ISS2 55:32 (shown when set).
  assert.match(esr, /\*\*EC\*\* = 0x25: /);
  assert.match(esr, /\*\*IL\*\* = 1: 32-bit instruction/);
  assert.match(esr, /\*\*ISS\*\* = 0x00000006/);
  assert.doesNotMatch(esr, /ISS2/);
  const esr2 = renderEsr(0x0000_0012_1400_0000n);
  assert.match(esr2, /\*\*EC\*\* = 0x05: /);
  assert.match(esr2, /\*\*IL\*\* = 0: 16-bit instruction/);
  assert.match(esr2, /\*\*ISS2\*\* = 0x00000012/);
  assert.match(hover(ARM, 'WnR = 0').markdown, /\*\*read\*\*/);
  assert.match(hover(ARM, 'FSC = 0x06').markdown, /not mapped/);
  const ie = hover(ARM, 'Oops: 0000000096000006', 8).markdown;
  assert.match(ie, /ESR/);
  assert.match(ie, /DABT \(current EL\)/);
  const x19 = hover(ARM, 'x19: 0000000000000000').markdown;
  assert.match(x19, /callee-saved/);
  assert.match(x19, /fault address is 0x10/);
  assert.match(hover(ARM, 'x0 : 0000000000000000').markdown, /return value/);
  assert.match(hover(ARM, 'x13: 646165725f6c6c75').markdown, /ASCII "ull_read"/);
  assert.match(hover(ARM, 'lr : buggy_null_read_level1').markdown, /link register/);
  assert.match(hover(ARM, 'sp : ffff800008233b70').markdown, /vmalloc/);
  const brk = hover(ARM_BUG, '00000000f2000800', 3).markdown;
  assert.match(brk, /BRK \(AArch64\)/);
  assert.match(brk, /BUG_BRK_IMM/);
});

test('Code: line disassembly with the trapping instruction and RIP-relative addresses', () => {
  const x = hover(X86, 'Code: de e6').markdown;
  assert.match(
    x,
    /buggy_null_write\+0x19:\* +48 c7 43 08 34 12 00 00 +movq +\$0x1234,0x8\(%rbx\) +<-- trapping instruction/,
  );
  const user = hover(X86, 'Code: 40 00 48').markdown;
  assert.match(user, /0x47b7a0:\* +48 3d 00 f0 ff ff +cmp/);
  const arm = hover(ARM_BUG, 'Code: ').markdown;
  assert.match(arm, /\* +d4210000 +brk +#0x800 +<-- trapping instruction/);
  assert.match(hover(FIX, 'Code: Unable').markdown, /could not read the instruction bytes/);
  // Without the analysis the anchor comes from the RIP line just above.
  const d = load(X86);
  const line = d.lines.findIndex((l) => l.includes('Code: de e6'));
  const noAnalysis = explainAt(d.lines[line], d.lines[line].indexOf('Code:'), { line })!;
  assert.match(noAnalysis.markdown, /2a:\* +48 c7 43 08/);
});

test('i386: EIP, selectors, FS/GS as selectors, Code: in 32-bit mode', () => {
  const I386 = join(ROOT, 'test-fixtures/hover/i386.log');
  assert.match(hover(I386, 'EFLAGS: 00010246').markdown, /\*\*RF\*\*/);
  assert.match(hover(I386, 'DS: 007b').markdown, /__USER_DS/);
  assert.match(hover(I386, 'FS: 00d8').markdown, /__KERNEL_PERCPU/);
  assert.match(hover(I386, 'GS: 00e0').markdown, /__KERNEL_STACK_CANARY/);
  assert.match(hover(I386, 'SS: 0068').markdown, /__KERNEL_DS/);
  assert.match(hover(I386, 'EIP: foo_probe').markdown, /offset 0x12 into a 64-byte/);
  assert.match(hover(I386, 'Code: 89').markdown, /foo_probe\+0x12:\* +8b 58 08 +mov +0x8\(%eax\),%ebx/);
  assert.match(hover(I386, 'CR2: 00000008').markdown, /NULL \+ 0x8/);
});

test('the line prefix: printk time', () => {
  const h = hover(X86, '[    7.950550] BUG:', 3);
  assert.match(h.markdown, /7\.950550 s/);
  assert.equal(h.token, '[    7.950550]');
});

test('events are found by binary search', () => {
  const d = load(X86);
  for (const e of d.analysis.events) {
    assert.equal(findEventAt(d.analysis, e.line), e);
    assert.equal(findEventAt(d.analysis, e.endLine), e);
  }
  assert.equal(findEventAt(d.analysis, 0), null);
});

test('odd input never throws and missing facts are absent', () => {
  const odd = [
    'RAX: 0000000000000011 RBX:',
    'RAX: ' + '1'.repeat(40),
    'CR4: zzzz',
    'EFLAGS: ',
    'RIP: 0010:',
    'Code: <48> <48>',
    'Code: ' + '<'.repeat(1000),
    'Tainted: ' + 'X'.repeat(100),
    'Oops: ffffffffffffffffffffffff [#99999999999]',
    '\u0000\u0001\u001b[31m\ufffd\ud800' + 'ÿ'.repeat(50),
    'x'.repeat(100000),
    'pstate: 60000005 (',
    'ESR = 0x',
    '[    1.0] ',
    '',
  ];
  for (const l of odd) {
    for (const col of [0, 1, 5, 6, 9, 12, l.length - 1, l.length, l.length + 5, -1, NaN]) {
      assert.doesNotThrow(() => explainAt(l, col, { line: 0 }));
    }
  }
  const long = explainAt('RAX: ' + '1'.repeat(40), 2, { line: 0 });
  assert.match(long!.markdown, /too long for a 64-bit register/);
  let seed = 7;
  const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  for (let i = 0; i < 2000; i++) {
    const len = Math.floor(rnd() * 120);
    let s = '';
    for (let j = 0; j < len; j++) s += String.fromCharCode(Math.floor(rnd() * 0x3000));
    assert.doesNotThrow(() => explainAt(s, Math.floor(rnd() * (len + 2)), { line: 0 }));
  }
});
