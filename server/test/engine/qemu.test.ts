// The real qemu captures beside the repository (test-fixtures/corpus/qemu*/logs, CRLF with a lone CR): the
// event each scenario must yield, and every frame of the ground-truth tables (decoded/*.truth.tsv) found
// with its function, offset, size, module and reliability on the right LSP line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeText, type Frame, type KernelEvent } from '../../src/engine';
import {
  QEMU_ARM64_LOGS,
  QEMU_LOGS,
  lastLineOf,
  lineOf,
  lspLine,
  qemuLog,
  readTruth,
  summarize,
} from './fixtures';

type Arch = 'x86_64' | 'arm64';

interface Expect {
  kind: string;
  title: string;
  faultAddress?: string | null;
  comm?: string;
}

// One entry per scenario: the events (errors and warnings) in order.
const EXPECTED: Record<Arch, Record<string, Expect[]>> = {
  x86_64: {
    bug_on: [{ kind: 'kernel-bug', title: 'kernel BUG in buggy_bug_on' }],
    gpf: [{ kind: 'gpf', title: 'general protection fault in buggy_gpf', faultAddress: 'dead00000000beef' }],
    gpf_moffs: [{ kind: 'gpf', title: 'general protection fault in buggy_gpf_moffs', faultAddress: '10' }],
    hung: [1, 2, 3].map(() => ({ kind: 'hung-task', title: 'INFO: task hung in buggy_dispatch' })),
    inline: [
      {
        kind: 'null-deref',
        title: 'BUG: unable to handle kernel NULL pointer dereference in buggy_inline',
        faultAddress: '0000000000000010',
      },
    ],
    list_corrupt: [{ kind: 'list-corruption', title: 'BUG: corrupted list in buggy_list_corrupt' }],
    null_read: [
      {
        kind: 'null-deref',
        title: 'BUG: unable to handle kernel NULL pointer dereference in buggy_null_read_level2',
        faultAddress: '0000000000000010',
        comm: 'init',
      },
    ],
    null_wq: [
      {
        kind: 'null-deref',
        title: 'BUG: unable to handle kernel NULL pointer dereference in buggy_work_fn',
        faultAddress: '0000000000000000',
        comm: 'kworker/0:2',
      },
    ],
    null_write: [
      {
        kind: 'null-deref',
        title: 'BUG: unable to handle kernel NULL pointer dereference in buggy_null_write',
        faultAddress: '0000000000000008',
      },
    ],
    oom: [{ kind: 'oom-kill', title: 'Out of memory: Killed process (dd)', comm: 'dd' }],
    panic: [{ kind: 'panic', title: 'kernel panic: buggy: explicit panic requested via /proc/buggy' }],
    softlockup: [{ kind: 'soft-lockup', title: 'BUG: soft lockup in proc_reg_write' }],
    warn_on: [{ kind: 'warning', title: 'WARNING in buggy_warn_on' }],
    warn_timer: [{ kind: 'warning', title: 'WARNING in buggy_timer_fn', comm: 'swapper/0' }],
  },
  arm64: {
    bug_on: [
      { kind: 'kernel-bug', title: 'kernel BUG in buggy_bug_on' },
      { kind: 'warning', title: 'WARNING in ct_kernel_exit' },
    ],
    gpf: [
      {
        kind: 'arm-page-fault',
        title: 'BUG: unable to handle kernel paging request in buggy_gpf',
        faultAddress: 'dead00000000beef',
      },
    ],
    hung: [1, 2, 3].map(() => ({ kind: 'hung-task', title: 'INFO: task hung in buggy_hung' })),
    init_null_read: [
      {
        kind: 'arm-page-fault',
        title: 'BUG: unable to handle kernel NULL pointer dereference in buggy_null_read_level2',
        faultAddress: '0000000000000010',
        comm: 'insmod',
      },
    ],
    inline: [
      {
        kind: 'arm-page-fault',
        title: 'BUG: unable to handle kernel NULL pointer dereference in buggy_inline',
        faultAddress: '0000000000000010',
      },
    ],
    list_corrupt: [
      { kind: 'list-corruption', title: 'BUG: corrupted list in buggy_list_corrupt' },
      { kind: 'warning', title: 'WARNING in ct_kernel_exit' },
    ],
    null_read: [
      {
        kind: 'arm-page-fault',
        title: 'BUG: unable to handle kernel NULL pointer dereference in buggy_null_read_level2',
        faultAddress: '0000000000000010',
      },
    ],
    null_wq: [
      {
        kind: 'arm-page-fault',
        title: 'BUG: unable to handle kernel NULL pointer dereference in buggy_work_fn',
        faultAddress: '0000000000000000',
      },
    ],
    null_write: [
      {
        kind: 'arm-page-fault',
        title: 'BUG: unable to handle kernel NULL pointer dereference in buggy_null_write',
        faultAddress: '0000000000000008',
      },
    ],
    oom: [{ kind: 'oom-kill', title: 'Out of memory: Killed process (dd)', comm: 'dd' }],
    panic: [{ kind: 'panic', title: 'kernel panic: buggy: explicit panic requested via /proc/buggy' }],
    softlockup: [1, 2].map(() => ({ kind: 'soft-lockup', title: 'BUG: soft lockup in proc_reg_write' })),
    sysrq_c: [{ kind: 'panic', title: 'kernel panic: sysrq triggered crash' }],
    sysrq_l_smp2: [],
    warn_on: [{ kind: 'warning', title: 'WARNING in buggy_warn_on' }],
    warn_timer: [{ kind: 'warning', title: 'WARNING in buggy_timer_fn' }],
  },
};

function problems(events: KernelEvent[]): KernelEvent[] {
  return events.filter((e) => e.severity !== 'information');
}

for (const arch of ['x86_64', 'arm64'] as const) {
  for (const [scenario, want] of Object.entries(EXPECTED[arch])) {
    test(`${arch} ${scenario}: events, titles, fault address`, (t) => {
      const text = qemuLog(arch, scenario);
      const got = problems(analyzeText(text).events);
      assert.equal(got.length, want.length, summarize(got));
      want.forEach((w, i) => {
        const e = got[i];
        assert.equal(e.kind, w.kind, `event ${i}`);
        assert.equal(e.title, w.title, `event ${i}`);
        if (w.faultAddress !== undefined)
          assert.equal(e.faultAddress, w.faultAddress, `event ${i} fault address`);
        if (w.comm) assert.equal(e.comm, w.comm);
        assert.equal(e.arch, arch);
        if (i > 0 && w.kind !== e.kind)
          assert.ok(
            e.consequenceOf !== null || e.afterCrash !== null,
            `event ${i} names the crash before it`,
          );
      });
      // A warning after the first crash of a boot names it (as a consequence only on evidence).
      if (want.length === 2 && want[1].kind === 'warning')
        assert.equal(got[1].consequenceOf ?? got[1].afterCrash, 0);
    });
  }
}

test('x86_64 null_read: LSP line numbers count the lone CR of the iPXE banner', (t) => {
  const text = qemuLog('x86_64', 'null_read');
  const { events, lineCount } = analyzeText(text);
  // `grep -n` (which counts \n only) puts the header on line 445; the lone CR earlier adds one LSP line.
  const e = events.find((ev) => ev.kind === 'null-deref')!;
  assert.equal(e.line, 445);
  assert.equal(e.line, lineOf(text, 'BUG: kernel NULL pointer dereference, address: 0000000000000010'));
  assert.equal(e.endLine, lastLineOf(text, 'CR2: ffffffffc02e1fdb'));
  assert.equal(e.faultLine, e.line);
  assert.equal(e.oopsNumber, 1);
  assert.equal(e.errorCode, '0000');
  assert.equal(e.cpu, 0);
  assert.equal(e.pid, 115);
  assert.equal(e.tainted, 'G           OE');
  assert.equal(e.release, '6.1.0-56-amd64');
  assert.equal(e.hardware, 'QEMU Standard PC (i440FX + PIIX, 1996), BIOS 1.16.2-debian-1.16.2-1 04/01/2014');
  assert.equal(e.guiltyFrame?.function, 'buggy_null_read_level2');
  assert.equal(e.guiltyFrame?.module, 'buggy');
  assert.equal(e.guiltyFrame?.span.line, lineOf(text, 'RIP: 0010:buggy_null_read_level2'));
  assert.deepEqual(
    e.modules?.list.map((m) => [m.name, m.taint]),
    [['buggy', 'OE']],
  );
  assert.equal(lineCount, text.split(/\r\n|\r|\n/).length);
  // The spans point at the text: the guilty frame's range covers its name on the CRLF line.
  const raw = text.split(/\r\n|\r|\n/)[e.guiltyFrame!.span.line];
  assert.equal(raw.slice(e.guiltyFrame!.span.start, e.guiltyFrame!.span.end), 'buggy_null_read_level2');
});

test('x86_64 oom: invoker, victim, memory figures and the task table in one event', (t) => {
  const text = qemuLog('x86_64', 'oom');
  const [e] = problems(analyzeText(text).events);
  assert.equal(e.line, lineOf(text, 'dd invoked oom-killer'));
  assert.equal(e.endLine, lineOf(text, 'Out of memory: Killed process 117 (dd)'));
  assert.ok(e.oom);
  assert.equal(e.oom.invoker, 'dd');
  assert.equal(e.oom.gfpMask, '0x140dca(GFP_HIGHUSER_MOVABLE|__GFP_COMP|__GFP_ZERO)');
  assert.equal(e.oom.order, 0);
  assert.equal(e.oom.oomScoreAdj, 0);
  assert.equal(e.oom.victimPid, 117);
  assert.equal(e.oom.victimComm, 'dd');
  assert.deepEqual(
    [e.oom.totalVmKb, e.oom.anonRssKb, e.oom.fileRssKb, e.oom.shmemRssKb],
    [411860, 181072, 0, 1020],
  );
  assert.deepEqual(e.oom.taskTable, {
    line: lineOf(text, '[  pid  ]   uid  tgid total_vm'),
    endLine: lineOf(text, '[    117]     0   117'),
  });
});

test('x86_64 warn_timer: <IRQ> frames, then the interrupted task; "? " frame with offset == size', (t) => {
  const text = qemuLog('x86_64', 'warn_timer');
  const [e] = problems(analyzeText(text).events);
  const frames = e.traces.flatMap((tr) => tr.frames);
  const byName = (fn: string) => frames.find((f) => f.function === fn);
  assert.equal(byName('call_timer_fn')?.context, 'irq');
  assert.equal(byName('__run_timers')?.context, 'irq');
  assert.equal(byName('do_idle')?.context, 'task');
  const odd = byName('buggy_proc_write');
  assert.deepEqual([odd?.reliable, odd?.offset, odd?.size, odd?.module], [false, 0xd0, 0xd0, 'buggy']);
  assert.equal(e.ip?.function, 'buggy_timer_fn');
});

test('arm64 null_read: pc/lr/sp and x0-x29 registers, ESR as error code, Code:, extent to end trace', (t) => {
  const text = qemuLog('arm64', 'null_read');
  const [e] = problems(analyzeText(text).events);
  assert.equal(e.line, lineOf(text, 'Unable to handle kernel NULL pointer dereference at virtual address'));
  assert.equal(e.endLine, lineOf(text, '---[ end trace'));
  assert.deepEqual([e.errorCode, e.oopsNumber], ['0000000096000006', 1]);
  assert.equal(e.hardware, 'linux,dummy-virt (DT)');
  assert.equal(e.ip?.line, lineOf(text, 'pc : buggy_null_read_level2'));
  const names = new Set(e.registers.map((r) => r.name));
  for (const r of ['sp', 'x29', 'x0', 'x9', 'x19'])
    assert.ok(names.has(r), `register ${r} in ${[...names].join(' ')}`);
  assert.equal(e.registers.find((r) => r.name === 'x28')?.value, 'ffff584fc3095140');
  assert.equal(e.codeLine, lineOf(text, 'Code: bad PC value'));
  assert.equal(e.traces[0].label, 'Call trace');
  assert.equal(e.traces[0].frames.length, 14);
  assert.ok(
    e.registerLines &&
      e.registerLines.line <= lineOf(text, 'x29: ') &&
      e.registerLines.endLine === lineOf(text, 'x2 : 0000000000000000'),
  );
});

// ── Ground truth: every frame the qemu tools decoded, on the line LSP would show it ──

for (const [arch, dir] of [
  ['x86_64', QEMU_LOGS],
  ['arm64', QEMU_ARM64_LOGS],
] as const) {
  test(`${arch}: every ground-truth frame is parsed on its line with name, offset, size, module, reliability`, (t) => {
    let checked = 0;
    // (sysrq_l_smp2 only shows backtraces on request: no event, so its frames are not parsed.)
    for (const scenario of Object.keys(EXPECTED[arch]).filter((s) => EXPECTED[arch][s].length > 0)) {
      const truth = readTruth(dir, scenario);
      const text = qemuLog(arch, scenario);
      if (!truth) continue;
      const events = analyzeText(text).events;
      const frames = new Map<number, Frame[]>();
      for (const e of events)
        for (const tr of e.traces)
          for (const f of tr.frames) frames.set(f.span.line, [...(frames.get(f.span.line) ?? []), f]);
      const ips = new Map(events.filter((e) => e.ip).map((e) => [e.ip!.line, e.ip!]));
      for (const row of truth) {
        const line = lspLine(text, row.logLine);
        const where = `${arch} ${scenario}.console.log:${row.logLine} (${row.kind} ${row.symbol})`;
        const module = row.object === 'vmlinux' ? null : row.object;
        if (row.kind === 'CALL' || row.kind === 'CALL?' || row.kind === 'CALL=PC') {
          const f = frames.get(line)?.[0];
          assert.ok(f, `${where}: no frame on LSP line ${line}`);
          assert.deepEqual(
            [f.function, f.offset, f.size, f.module, f.reliable],
            [row.symbol, row.offset, row.size, module, row.kind !== 'CALL?'],
            where,
          );
          checked++;
        } else if ((row.kind === 'RIP' || row.kind === 'PC') && ips.has(line)) {
          const ip = ips.get(line)!;
          assert.deepEqual(
            [ip.function, ip.offset, ip.size, ip.module],
            [row.symbol, row.offset, row.size, module],
            where,
          );
          checked++;
        } else if (row.kind === 'WARN_AT') {
          const e = events.find((ev) => ev.line === line);
          assert.equal(e?.kind, 'warning', `${where}: the WARNING header is the event's line`);
          checked++;
        }
      }
      // The first RIP/PC of a scenario is the instruction pointer of the event that reports it.
      const first = truth.find((r) => r.kind === 'RIP' || r.kind === 'PC');
      if (first)
        assert.ok(
          ips.has(lspLine(text, first.logLine)),
          `${arch} ${scenario}: the first ${first.kind} line is an event's ip`,
        );
    }
    assert.ok(checked > 100, `checked ${checked} ground-truth frames`);
  });
}
