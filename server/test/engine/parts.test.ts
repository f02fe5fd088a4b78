// The parts of a report, parsed from hand-written fixtures (test-fixtures/engine/parts/): CPU line,
// Hardware name, instruction pointer, register dump, Code:, call traces with their context blocks,
// Modules linked in:, KASAN alloc/free stacks, fault address, Oops number, report extents, consequences.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeText, splitLines, type KernelEvent, type Span } from '../../src/engine';
import { fixture, lastLineOf, lineOf, summarize } from './fixtures';

function only(events: KernelEvent[], kind: string): KernelEvent {
  const found = events.filter((e) => e.kind === kind);
  assert.equal(found.length, 1, `one ${kind} event: ${summarize(events)}`);
  return found[0];
}

/** The text a span covers in the original document. */
function spanText(text: string, span: Span): string {
  return splitLines(text)[span.line].slice(span.start, span.end);
}

const modern = fixture('parts/x86-oops-modern.log');

test('x86_64 6.12 oops: header, extent and the fatal-exception panic that follows it', () => {
  const { events } = analyzeText(modern);
  assert.equal(events.length, 2, summarize(events));
  const [oops, panic] = events;
  assert.equal(oops.kind, 'null-deref');
  assert.equal(oops.severity, 'error');
  assert.equal(oops.title, 'BUG: unable to handle kernel NULL pointer dereference in frob_attach_queue');
  assert.equal(oops.line, 1);
  assert.equal(oops.arch, 'x86_64');
  assert.equal(oops.headerSpan.line, 1);
  assert.equal(oops.headerSpan.start, '[  144.210044][T11794] '.length);
  assert.ok(spanText(modern, oops.headerSpan).startsWith('BUG: kernel NULL pointer dereference'));
  // The report runs through the register trailer x86 re-prints after `---[ end trace … ]---`.
  assert.equal(oops.endLine, lastLineOf(modern, 'PKRU: 55555554'));

  assert.equal(panic.kind, 'panic');
  assert.equal(panic.title, 'kernel panic: Fatal exception');
  assert.equal(panic.line, lineOf(modern, 'Kernel panic - not syncing: Fatal exception'));
  assert.equal(panic.endLine, lineOf(modern, '---[ end Kernel panic - not syncing: Fatal exception ]---'));
  assert.equal(panic.consequenceOf, 0);
  assert.equal(oops.consequenceOf, null);
});

test('CPU line with UID:, taint flags, release and build; Hardware name', () => {
  const oops = analyzeText(modern).events[0];
  assert.equal(oops.cpu, 3);
  assert.equal(oops.pid, 11794);
  assert.equal(oops.comm, 'kworker/3:2');
  assert.equal(oops.tainted, 'G        W  OE');
  assert.equal(oops.release, '6.12.0-rc4-custom');
  assert.equal(oops.build, '#7');
  assert.equal(oops.cpuLine, lineOf(modern, 'CPU: 3 UID: 0 PID: 11794'));
  assert.equal(oops.hardware, 'LENOVO 20XW0055GE/20XW0055GE, BIOS N32ET86W (1.62 ) 03/13/2024');
});

test('fault address, #PF error code and Oops number', () => {
  const oops = analyzeText(modern).events[0];
  assert.equal(oops.faultAddress, '0000000000000008');
  assert.equal(oops.faultLine, 1);
  assert.equal(oops.errorCode, '0002');
  assert.equal(oops.oopsNumber, 1);
});

test('RIP with a module build id is the instruction pointer frame', () => {
  const oops = analyzeText(modern).events[0];
  assert.ok(oops.ip);
  assert.equal(oops.ip.line, lineOf(modern, 'RIP: 0010:frob_attach_queue'));
  assert.equal(oops.ip.function, 'frob_attach_queue');
  assert.equal(oops.ip.offset, 0x4a);
  assert.equal(oops.ip.size, 0x130);
  assert.equal(oops.ip.module, 'frob');
  assert.equal(oops.ip.buildId, '3c1d9a7e5b0f42d18e6a9c07b2f1e4d5a6b7c8d9');
  assert.equal(spanText(modern, oops.ip.span), 'frob_attach_queue');
  assert.equal(oops.guiltyFrame?.function, 'frob_attach_queue');
});

test('register dump, CR2 and Code: of the first dump (not the trailer after end trace)', () => {
  const oops = analyzeText(modern).events[0];
  const reg = (name: string) => oops.registers.find((r) => r.name === name);
  assert.equal(reg('RAX')?.value, 'ffff9a3b41c2e000');
  assert.equal(reg('R15')?.value, 'ffff9a3b40057e05');
  assert.equal(reg('CR2')?.value, '0000000000000008');
  assert.equal(reg('EFLAGS')?.value, '00010246');
  const rax = reg('RAX')!;
  assert.equal(rax.span.line, lineOf(modern, 'RAX: ffff9a3b41c2e000'));
  assert.match(spanText(modern, rax.span), /^RAX: ?ffff9a3b41c2e000$/);
  // Each register once: the trailer after `end trace` repeats them.
  assert.equal(oops.registers.filter((r) => r.name === 'RAX').length, 1);
  assert.ok(oops.registerLines);
  assert.ok(
    oops.registerLines.line >= lineOf(modern, 'RIP: 0010:') &&
      oops.registerLines.line <= lineOf(modern, 'RSP: 0018:'),
  );
  assert.equal(oops.registerLines.endLine, lineOf(modern, 'PKRU: 55555554'));
  assert.equal(oops.codeLine, lineOf(modern, 'Code: 48 8b 47 10'));
});

test('Call Trace with <IRQ> and <TASK> blocks, reliable and "? " frames, module build ids', () => {
  const oops = analyzeText(modern).events[0];
  assert.equal(oops.traces.length, 1);
  const trace = oops.traces[0];
  assert.equal(trace.label, 'Call Trace');
  const got = trace.frames.map((f) => `${f.reliable ? '' : '? '}${f.function}@${f.context}`);
  assert.deepEqual(got, [
    '? __die@irq',
    'frob_irq_complete@irq',
    '__handle_irq_event_percpu@irq',
    'handle_irq_event@irq',
    'frob_work_fn@task',
    '? srso_return_thunk@task',
    'process_one_work@task',
    'worker_thread@task',
    '? __pfx_worker_thread@task',
    'kthread@task',
    '? __pfx_kthread@task',
    'ret_from_fork@task',
    '? __pfx_kthread@task',
    'ret_from_fork_asm@task',
  ]);
  const work = trace.frames[4];
  assert.equal(work.module, 'frob');
  assert.equal(work.buildId, '3c1d9a7e5b0f42d18e6a9c07b2f1e4d5a6b7c8d9');
  assert.equal(work.offset, 0x2c);
  assert.equal(work.size, 0x70);
  assert.equal(work.address, null);
  assert.equal(work.span.line, lineOf(modern, 'frob_work_fn+0x2c/0x70'));
  assert.equal(spanText(modern, work.span), 'frob_work_fn');
  assert.ok(
    trace.endLine >= lineOf(modern, 'ret_from_fork_asm') && trace.endLine <= lineOf(modern, '</TASK>'),
  );
});

test('a trace starts at its "Call Trace:" label, not at the first <IRQ> marker', () => {
  const trace = analyzeText(modern).events[0].traces[0];
  assert.equal(trace.line, lineOf(modern, 'Call Trace:'));
});

test('Modules linked in: names, per-module taint, spans; the last unloaded module is not loaded', () => {
  const oops = analyzeText(modern).events[0];
  assert.ok(oops.modules);
  assert.equal(oops.modules.line, lineOf(modern, 'Modules linked in:'));
  // `(+)` is the module's load state (coming), not a taint flag.
  assert.deepEqual(
    oops.modules.list.filter((m) => m.name !== 'frob_old').map((m) => [m.name, m.taint]),
    [
      ['frob', 'OE'],
      ['nvidia_drm', 'POE'],
      ['snd_hda_codec_realtek', ''],
      ['snd_hda_intel', ''],
      ['e1000e', ''],
    ],
  );
  for (const m of oops.modules.list) assert.equal(spanText(modern, m.span), m.name);
});

test('per-module taint is read when the load state follows it: foo(OE+), bar(O-)', () => {
  const text = [
    '[   10.000000] BUG: kernel NULL pointer dereference, address: 0000000000000000',
    '[   10.000001] Oops: 0000 [#1] SMP PTI',
    '[   10.000002] Modules linked in: hello(OE+) bye(O-) plain',
    '[   10.000003] RIP: 0010:hello_init+0x15/0x30 [hello]',
  ].join('\n');
  const e = analyzeText(text).events[0];
  assert.deepEqual(
    e.modules?.list.map((m) => [m.name, m.taint]),
    [
      ['hello', 'OE'],
      ['bye', 'O'],
      ['plain', ''],
    ],
  );
});

test('a module named only in "[last unloaded: …]" is not listed as linked in', () => {
  const oops = analyzeText(modern).events[0];
  assert.ok(oops.modules);
  assert.deepEqual(
    oops.modules.list.map((m) => m.name),
    ['frob', 'nvidia_drm', 'snd_hda_codec_realtek', 'snd_hda_intel', 'e1000e'],
  );
});

const old = fixture('parts/x86-oops-2.6.log');

test('2.6-era oops: "Pid: N, comm: X Not tainted", IP: line, [<address>] frames all "? "', () => {
  const { events } = analyzeText(old);
  const e = only(events, 'null-deref');
  assert.equal(events.length, 1, summarize(events));
  assert.equal(e.title, 'BUG: unable to handle kernel NULL pointer dereference in hello_init');
  assert.equal(e.line, lineOf(old, 'BUG: unable to handle kernel NULL pointer dereference at'));
  assert.equal(e.endLine, lineOf(old, '---[ end trace 4eaa2a86a8e2da22 ]---'));
  assert.equal(e.faultAddress, '0000000000000008');
  assert.equal(e.errorCode, '0002');
  assert.equal(e.oopsNumber, 1);
  assert.equal(e.pid, 2356);
  assert.equal(e.comm, 'insmod');
  assert.equal(e.tainted, '');
  assert.equal(e.release, '2.6.32-5-amd64');
  assert.equal(e.cpuLine, lineOf(old, 'Pid: 2356, comm: insmod'));
  assert.equal(e.ip?.function, 'hello_init');
  assert.equal(e.ip?.module, 'hello');
  assert.equal(e.ip?.address, 'ffffffffa0180015');
  assert.equal(e.guiltyFrame?.function, 'hello_init');
  const frames = e.traces[0].frames;
  assert.deepEqual(
    frames.map((f) => [f.function, f.address, f.reliable]),
    [
      ['hello_init', 'ffffffffa0180000', false],
      ['do_one_initcall', 'ffffffff8100a07d', false],
      ['sys_init_module', 'ffffffff8107fce1', false],
      ['system_call_fastpath', 'ffffffff81010b42', false],
    ],
  );
  assert.equal(frames[0].module, 'hello');
  assert.equal(e.modules?.list[0].name, 'hello');
  assert.equal(e.modules?.list[0].taint, '');
});

const kasan = fixture('parts/x86-kasan-uaf.log');

test('KASAN slab-use-after-free: title, access, address, the three stacks, extent up to the closing rule', () => {
  const { events } = analyzeText(kasan);
  const e = only(events, 'kasan');
  assert.equal(events.length, 1, summarize(events));
  assert.equal(e.severity, 'error');
  assert.equal(e.title, 'KASAN: slab-use-after-free Read in widget_release');
  assert.equal(e.line, lineOf(kasan, 'BUG: KASAN: slab-use-after-free'));
  assert.equal(e.endLine, lastLineOf(kasan, '=========='));
  assert.equal(e.faultAddress, 'ffff88810a6c3e48');
  assert.equal(e.faultLine, lineOf(kasan, 'Read of size 8 at addr'));
  assert.equal(e.pid, 4123);
  assert.equal(e.comm, 'widgetd');
  assert.equal(e.tainted, 'G    B      O');
  assert.equal(e.guiltyFrame?.function, 'widget_release');
  assert.equal(e.guiltyFrame?.reliable, true);
  // (Where the first trace starts is checked by the "Call Trace:" label test above.)
  assert.deepEqual(
    e.traces.map((t, i) => [t.label.replace(/:$/, ''), i === 0 ? 'label' : t.line, t.frames.length]),
    [
      ['Call Trace', 'label', 13],
      ['Allocated by task 4101', lineOf(kasan, 'Allocated by task 4101:'), 12],
      ['Freed by task 4123', lineOf(kasan, 'Freed by task 4123:'), 13],
    ],
  );
  assert.equal(e.traces[1].frames[3].function, 'widget_open');
  assert.equal(e.traces[2].frames[5].function, 'widget_put_queue');
});

test('the user-space RIP (0033:) printed inside a trace is not the kernel instruction pointer', () => {
  const e = analyzeText(kasan).events[0];
  assert.equal(e.ip, null);
});

test('a later [#2] oops of another task with its own trace comes after the first crash, not from it', () => {
  const second =
    modern.replace(/\n$/, '') +
    '\n' +
    [
      '[  150.000001][T11800] general protection fault, probably for non-canonical address 0xdead000000000122: 0000 [#2] PREEMPT SMP NOPTI',
      '[  150.000010][T11800] CPU: 1 UID: 0 PID: 11800 Comm: frobctl Tainted: G      D W  OE      6.12.0-rc4-custom #7',
      '[  150.000020][T11800] RIP: 0010:frob_unlink_entry+0x12/0x40 [frob]',
      '[  150.000030][T11800] Call Trace:',
      '[  150.000031][T11800]  <TASK>',
      '[  150.000032][T11800]  frob_release+0x2a/0x50 [frob]',
      '[  150.000033][T11800]  __fput+0xf2/0x2a0',
      '[  150.000034][T11800]  </TASK>',
      '[  150.000040][T11800] ---[ end trace 0000000000000000 ]---',
    ].join('\n');
  const { events } = analyzeText(second);
  const gpf = only(events, 'gpf');
  assert.equal(gpf.oopsNumber, 2);
  assert.equal(gpf.tainted, 'G      D W  OE');
  assert.equal(gpf.faultAddress, 'dead000000000122');
  assert.equal(gpf.title, 'general protection fault in frob_unlink_entry');
  assert.equal(gpf.consequenceOf, null);
  assert.equal(gpf.afterCrash, 0);
});

test('a [#2] oops whose first oops scrolled out of the log is still marked as a consequence (of nothing seen)', () => {
  const text = [
    '[  150.000001] general protection fault: 0000 [#2] SMP PTI',
    '[  150.000010] CPU: 1 PID: 11800 Comm: frobctl Tainted: G      D    O      5.10.0 #1',
    '[  150.000020] RIP: 0010:frob_unlink_entry+0x12/0x40 [frob]',
    '[  150.000030] ---[ end trace 0000000000000000 ]---',
  ].join('\n');
  const e = only(analyzeText(text).events, 'gpf');
  assert.equal(e.oopsNumber, 2);
  // Nothing earlier to point at: consequenceOf stays null, the oops number tells the story.
  assert.equal(e.consequenceOf, null);
});

test('report extent: the trace running out ends the report', () => {
  const text = [
    '[   10.000000] WARNING: CPU: 0 PID: 1 at drivers/frob/core.c:10 frob_check+0x10/0x20 [frob]',
    '[   10.000001] Modules linked in: frob(O)',
    '[   10.000002] CPU: 0 PID: 1 Comm: swapper/0 Tainted: G           O      6.1.0 #1',
    '[   10.000003] RIP: 0010:frob_check+0x10/0x20 [frob]',
    '[   10.000004] Call Trace:',
    '[   10.000005]  <TASK>',
    '[   10.000006]  frob_init+0x30/0x40 [frob]',
    '[   10.000007]  do_one_initcall+0x41/0x200',
    '[   10.000008]  </TASK>',
    '[   10.100000] e1000e 0000:00:19.0 eth0: NIC Link is Up 1000 Mbps Full Duplex',
    '[   10.200000] EXT4-fs (sda1): re-mounted. Quota mode: none.',
    '[   10.300000] systemd[1]: Started Journal Service.',
    "[   10.400000] audit: type=1130 audit(1.2:3): pid=1 uid=0 msg='unit=systemd-journald'",
  ].join('\n');
  const { events } = analyzeText(text);
  assert.equal(events.length, 1, summarize(events));
  assert.equal(events[0].title, 'WARNING in frob_check');
  assert.ok(events[0].endLine >= 7 && events[0].endLine <= 8, `endLine ${events[0].endLine}`);
});

test('report extent: the next report ends the previous one', () => {
  const text = [
    '[   10.000000] WARNING: CPU: 0 PID: 1 at drivers/frob/core.c:10 frob_check+0x10/0x20 [frob]',
    '[   10.000003] RIP: 0010:frob_check+0x10/0x20 [frob]',
    '[   10.000004] Call Trace:',
    '[   10.000006]  frob_init+0x30/0x40 [frob]',
    '[   10.000010] BUG: kernel NULL pointer dereference, address: 0000000000000000',
    '[   10.000011] #PF: supervisor read access in kernel mode',
    '[   10.000012] Oops: 0000 [#1] SMP PTI',
    '[   10.000013] RIP: 0010:frob_next+0x1/0x10 [frob]',
  ].join('\n');
  const { events } = analyzeText(text);
  assert.deepEqual(
    events.map((e) => [e.kind, e.line, e.endLine]),
    [
      ['warning', 0, 3],
      ['null-deref', 4, 7],
    ],
  );
  assert.equal(events[1].oopsNumber, 1);
  assert.equal(events[1].title, 'BUG: unable to handle kernel NULL pointer dereference in frob_next');
});

test('#PF: lines stay inside the report and do not end it', () => {
  const e = analyzeText(modern).events[0];
  assert.ok(
    e.line < lineOf(modern, '#PF: supervisor write access') && e.endLine > lineOf(modern, '#PF: error_code'),
  );
});

test("<NMI>, <SOFTIRQ> and <EOI> blocks set each frame's context", () => {
  const text = [
    '[   20.000000] WARNING: CPU: 0 PID: 0 at kernel/frob.c:1 frob_tick+0x1/0x2 [frob]',
    '[   20.000001] RIP: 0010:frob_tick+0x1/0x2 [frob]',
    '[   20.000002] Call Trace:',
    '[   20.000003]  <NMI>',
    '[   20.000004]  ? nmi_handle+0x5e/0x150',
    '[   20.000005]  </NMI>',
    '[   20.000006]  <SOFTIRQ>',
    '[   20.000007]  frob_tick+0x1/0x2 [frob]',
    '[   20.000008]  __do_softirq+0xc8/0x2d5',
    '[   20.000009]  </SOFTIRQ>',
    '[   20.000010]  <IRQ>',
    '[   20.000011]  irq_exit_rcu+0x8b/0xd0',
    '[   20.000012]  </IRQ>',
    '[   20.000013]  <TASK>',
    '[   20.000014]  default_idle+0xf/0x20',
    '[   20.000015]  </TASK>',
    '[   20.000016] ---[ end trace 0000000000000000 ]---',
  ].join('\n');
  const e = only(analyzeText(text).events, 'warning');
  assert.deepEqual(
    e.traces.flatMap((t) => t.frames.map((f) => [f.function, f.context])),
    [
      ['nmi_handle', 'nmi'],
      ['frob_tick', 'softirq'],
      ['__do_softirq', 'softirq'],
      ['irq_exit_rcu', 'irq'],
      ['default_idle', 'task'],
    ],
  );
  assert.equal(e.endLine, 16);
});

test('hard lockup: frames inside <NMI> carry the nmi context', () => {
  const text = fixture('events/hard-lockup.log');
  const e = only(analyzeText(text).events, 'hard-lockup');
  const frames = e.traces.flatMap((t) => t.frames);
  assert.equal(frames.find((f) => f.function === 'perf_event_nmi_handler')?.context, 'nmi');
  assert.equal(frames.find((f) => f.function === 'spinny_ioctl')?.context, 'task');
});

test('the same report with \\n, \\r\\n, lone \\r or mixed breaks gives the same lines and columns', () => {
  const lines = modern.replace(/\n$/, '').split('\n');
  const shape = (text: string) =>
    analyzeText(text).events.map((e) => [
      e.kind,
      e.line,
      e.endLine,
      e.headerSpan,
      e.guiltyFrame?.span,
      e.traces.map((t) => t.frames.map((f) => f.span)),
    ]);
  const lf = shape(lines.join('\n'));
  assert.deepEqual(shape(lines.join('\r\n')), lf);
  assert.deepEqual(shape(lines.join('\r')), lf);
  assert.deepEqual(shape(lines.map((l, i) => l + ['\n', '\r\n', '\r'][i % 3]).join('')), lf);
});

test('two reports printed at once by different tasks are told apart by their printk caller ids', () => {
  const a = [
    'WARNING: CPU: 0 PID: 100 at drivers/frob/core.c:10 frob_check+0x10/0x20 [frob]',
    'CPU: 0 PID: 100 Comm: frobd Tainted: G           O       6.6.30 #1',
    'RIP: 0010:frob_check+0x10/0x20 [frob]',
    'Call Trace:',
    ' <TASK>',
    ' frob_poll+0x30/0x40 [frob]',
    ' kthread+0xf2/0x120',
    ' </TASK>',
    '---[ end trace 0000000000000000 ]---',
  ];
  const b = [
    'BUG: kernel NULL pointer dereference, address: 0000000000000040',
    'Oops: 0000 [#1] PREEMPT SMP NOPTI',
    'CPU: 1 PID: 200 Comm: widgetd Tainted: G           O       6.6.30 #1',
    'RIP: 0010:widget_next+0x5/0x20 [widget]',
    'Call Trace:',
    ' <TASK>',
    ' widget_read+0x44/0x90 [widget]',
    ' vfs_read+0xb0/0x2d0',
    ' </TASK>',
    'CR2: 0000000000000040',
    '---[ end trace 0000000000000000 ]---',
  ];
  const out: string[] = [];
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (i < a.length) out.push(`[   30.${String(2 * i).padStart(6, '0')}][  T100] ${a[i]}`);
    if (i < b.length) out.push(`[   30.${String(2 * i + 1).padStart(6, '0')}][  T200] ${b[i]}`);
  }
  const text = out.join('\n');
  const { events } = analyzeText(text);
  const warn = only(events, 'warning');
  const oops = only(events, 'null-deref');
  assert.equal(warn.title, 'WARNING in frob_check');
  assert.equal(oops.title, 'BUG: unable to handle kernel NULL pointer dereference in widget_next');
  assert.deepEqual([warn.pid, warn.comm, oops.pid, oops.comm], [100, 'frobd', 200, 'widgetd']);
  assert.deepEqual(
    warn.traces.flatMap((t) => t.frames.map((f) => f.function)),
    ['frob_poll', 'kthread'],
  );
  assert.deepEqual(
    oops.traces.flatMap((t) => t.frames.map((f) => f.function)),
    ['widget_read', 'vfs_read'],
  );
  assert.equal(oops.faultAddress, '0000000000000040');
  assert.equal(warn.line, lineOf(text, 'WARNING: CPU: 0 PID: 100'));
  assert.equal(oops.line, lineOf(text, 'BUG: kernel NULL pointer dereference'));
});
