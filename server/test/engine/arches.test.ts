// i386, arm, ppc64, s390x and riscv reports (hand-written fixtures in test-fixtures/engine/parts/): parsed
// well enough to detect the event, title it and list its frames.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeText, type KernelEvent } from '../../src/engine';
import { fixture, lastLineOf, lineOf, summarize } from './fixtures';

function theEvent(text: string): KernelEvent {
  const got = analyzeText(text).events.filter((e) => e.severity !== 'information');
  assert.equal(got.length, 1, summarize(got));
  return got[0];
}

const frameNames = (e: KernelEvent) => e.traces.flatMap((t) => t.frames.map((f) => f.function));

const i386 = fixture('parts/i386-oops.log');
test('i386: NULL dereference, EIP, 32-bit [<address>] frames', () => {
  const e = theEvent(i386);
  assert.equal(e.kind, 'null-deref');
  assert.equal(e.title, 'BUG: unable to handle kernel NULL pointer dereference in frob_attach');
  assert.equal(e.arch, 'i386');
  assert.equal(e.line, 0);
  assert.equal(e.endLine, lineOf(i386, '---[ end trace'));
  assert.equal(e.faultAddress, '00000004');
  assert.deepEqual([e.errorCode, e.oopsNumber], ['0000', 1]);
  assert.deepEqual([e.cpu, e.pid, e.comm, e.release], [0, 1501, 'insmod', '4.9.0-8-686-pae']);
  assert.equal(e.ip?.function, 'frob_attach');
  assert.deepEqual(frameNames(e), [
    'frob_init',
    'do_one_initcall',
    'do_init_module',
    'load_module',
    'SyS_finit_module',
    'do_fast_syscall_32',
    'entry_SYSENTER_32',
  ]);
  assert.equal(e.traces[0].frames[0].address, 'f8a1e01d');
  assert.equal(e.registers.find((r) => r.name === 'EAX')?.value, '00000000');
});

test('i386: the instruction pointer comes from the register dump ("EIP is at"), not the trailer after the trace', () => {
  const e = theEvent(i386);
  assert.ok(
    e.ip && e.ip.line >= lineOf(i386, 'EIP: 0060:') && e.ip.line <= lineOf(i386, 'EIP is at'),
    `ip line ${e.ip?.line}`,
  );
});

const arm = fixture('parts/arm-oops.log');
test('arm (32-bit): "Unable to handle kernel NULL pointer dereference", PC is at, Internal error: Oops: 5 [#1]', () => {
  const e = theEvent(arm);
  assert.equal(e.kind, 'arm-page-fault');
  assert.equal(e.title, 'BUG: unable to handle kernel NULL pointer dereference in frob_spi_probe');
  assert.equal(e.arch, 'arm');
  assert.equal(e.line, lineOf(arm, 'Unable to handle kernel NULL pointer dereference'));
  assert.equal(e.endLine, lineOf(arm, '---[ end trace'));
  assert.equal(e.faultAddress, '00000000');
  assert.deepEqual([e.errorCode, e.oopsNumber], ['5', 1]);
  assert.deepEqual([e.cpu, e.pid, e.comm, e.hardware], [1, 181, 'kworker/1:2', 'BCM2835']);
  assert.equal(e.ip?.function, 'frob_spi_probe');
  assert.equal(e.ip?.module, 'frob_spi');
});

test('arm (32-bit): every "(callee) from (caller)" line of the Backtrace is a frame', () => {
  const e = theEvent(arm);
  assert.deepEqual(frameNames(e), [
    'frob_spi_probe',
    'spi_probe',
    'really_probe',
    '__driver_probe_device',
    'driver_probe_device',
    'process_one_work',
    'worker_thread',
    'kthread',
  ]);
  assert.equal(e.traces[0].frames[0].module, 'frob_spi');
  assert.equal(e.traces[0].frames[0].address, '7f01a028');
});

const ppc = fixture('parts/ppc64-oops.log');
test('ppc64: "BUG: Kernel NULL pointer dereference on read", NIP, (unreliable) frames', () => {
  const e = theEvent(ppc);
  assert.equal(e.kind, 'null-deref');
  assert.equal(e.title, 'BUG: unable to handle kernel NULL pointer dereference in blk_mq_run_hw_queue');
  assert.equal(e.arch, 'ppc64');
  assert.equal(e.line, 0);
  assert.equal(e.endLine, lineOf(ppc, '---[ end trace'));
  assert.match(e.faultAddress ?? '', /^0*10$/);
  assert.equal(e.oopsNumber, 1);
  assert.deepEqual([e.cpu, e.pid, e.comm], [5, 1843, 'frobctl']);
  assert.equal(e.ip?.function, 'blk_mq_run_hw_queue');
  assert.deepEqual(frameNames(e), [
    'frob_submit',
    'frob_ioctl',
    'sys_ioctl',
    'system_call_exception',
    'system_call_vectored_common',
  ]);
  assert.equal(e.traces[0].frames[0].reliable, false);
  assert.equal(e.traces[0].frames[0].address, 'c00800000a1c0b20');
});

test('ppc64: the header is detected as a NULL dereference in the faulting function', () => {
  const e = analyzeText(ppc).events.find((ev) => ev.line === 0);
  assert.equal(e?.kind, 'null-deref');
  assert.equal(e?.severity, 'error');
});

const s390 = fixture('parts/s390-oops.log');
test('s390x: Krnl PSW, Krnl GPRS, [<address>] frames', () => {
  const e = theEvent(s390);
  assert.equal(e.severity, 'error');
  assert.match(e.title, / in frob_lookup$/);
  assert.equal(e.arch, 's390x');
  assert.equal(e.endLine, lineOf(s390, '---[ end trace'));
  assert.deepEqual([e.cpu, e.pid, e.comm, e.hardware], [1, 2201, 'frobctl', 'IBM 3906 M04 701 (z/VM 7.2.0)']);
  assert.equal(e.ip?.function, 'frob_lookup');
  assert.equal(e.ip?.line, lineOf(s390, 'Krnl PSW :'));
  assert.deepEqual(frameNames(e).slice(0, 6), [
    'frob_lookup',
    'frob_lookup',
    'frob_ioctl',
    '__s390x_sys_ioctl',
    '__do_syscall',
    'system_call',
  ]);
});

test('s390x: the report starts at "Unable to handle kernel pointer dereference" and states the failing address', () => {
  const e = theEvent(s390);
  assert.equal(e.line, 0);
  assert.equal(e.faultAddress, '0000000000000000');
  assert.deepEqual([e.errorCode, e.oopsNumber], ['0004', 1]);
});

const riscv = fixture('parts/riscv-oops.log');
test('riscv: epc/ra, [<address>] frames', () => {
  const e = theEvent(riscv);
  assert.equal(e.title, 'BUG: unable to handle kernel NULL pointer dereference in frob_get_stats');
  assert.equal(e.arch, 'riscv');
  assert.equal(e.line, 0);
  assert.equal(e.endLine, lastLineOf(riscv, '---[ end trace'));
  assert.equal(e.faultAddress, '0000000000000008');
  assert.equal(e.ip?.function, 'frob_get_stats');
  assert.deepEqual(frameNames(e), [
    'frob_get_stats',
    'frob_ioctl',
    '__riscv_sys_ioctl',
    'do_trap_ecall_u',
    'ret_from_exception',
  ]);
  assert.equal(e.traces[0].frames[1].address, 'ffffffff01a2c0f2');
  assert.equal(e.traces[0].frames[1].module, 'frob');
});

test('riscv: "Oops [#1]" carries the oops number', () => {
  const e = theEvent(riscv);
  assert.equal(e.oopsNumber, 1);
});
