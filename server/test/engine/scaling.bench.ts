// Benchmark (npm run bench:scaling; not part of npm test: timing is checked by scripts that print figures,
// and a loaded machine makes timed tests flaky). Every line kind should be analysed in linear time: each catalogue entry's header, repeated, is timed at two sizes,
// and doubling the input must not more than triple the time (80,000 OOM-kill lines once took 33 s: each
// see-through event scanned all the following ones). CPU time, not wall time, so that other processes on a
// loaded machine do not count.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { analyzeText, CATALOGUE, matchHeader, type CatalogueEntry } from '../../src/engine';

/** One header line per catalogue entry (prefix-stripped), from the corpora and test fixtures. */
const HEADERS = [
  'BUG: KASAN: double-free or invalid-free in selinux_tun_dev_free_security+0x15/0x20',
  'BUG: KASAN: double-free in kvfree+0x36/0x60',
  'BUG: KASAN: slab-use-after-free in widget_release+0x8c/0xb0 [widget]',
  'BUG: KASAN: wild-memory-access on address ffe7087450a17000',
  'BUG: KASAN: weird report kind',
  'BUG: KFENCE: use-after-free read in frob_lookup+0x30/0x70 [frob]',
  'BUG: KMSAN: kernel-usb-infoleak in usb_submit_urb+0x6c1/0x2aa0',
  'BUG: KMSAN: uninit-value in frob_parse_header+0x2a1/0x3c0',
  'BUG: KCSAN: data-race in frob_stats_read / frob_stats_update',
  'UBSAN: Undefined behaviour in drivers/usb/core/devio.c:1517:25',
  'UBSAN: shift-out-of-bounds in drivers/misc/frob/calc.c:88:23',
  'BUG: unable to handle kernel NULL pointer dereference at 00000004',
  'BUG: unable to handle page fault for address: ffffc90000a3f000',
  'BUG: unable to handle kernel instruction fetch at ffffffffc0000000',
  'Unable to handle kernel NULL pointer dereference at virtual address 00000000 when read',
  'Unable to handle kernel paging request at virtual address ffff800009a3c010',
  'Unable to handle kernel pointer dereference in virtual kernel address space',
  'Unable to handle kernel access to user memory without uaccess routines at virtual address 000000000cc6b0d0',
  'Unhandled fault: page domain fault (0x81b) at 0x00001044',
  'Alignment trap: not handling instruction e1932f9f at [<8028bd58>]',
  'Internal error: Oops: 0000000096000007 [#1] PREEMPT SMP',
  'Oops: 0000 [#1] PREEMPT SMP PTI',
  'Oops: general protection fault, probably for non-canonical address 0xdffffc0000000003: 0000 [#1] PREEMPT SMP KASAN NOPTI',
  'stack segment: 0000 [#1] PREEMPT SMP KASAN PTI',
  'Oops: divide error: 0000 [#1] PREEMPT SMP NOPTI',
  'Oops: int3: 0000 [#1] PREEMPT SMP NOPTI',
  'kernel BUG at mm/usercopy.c:102!',
  'kernel BUG at lib/list_debug.c:53!',
  'kernel BUG at fs/ext4/inode.c:2721!',
  'Kernel BUG at 00000000 [verbose debug info unavailable]',
  'invalid opcode: 0000 [#1] SMP NOPTI',
  'PANIC: double fault, error_code: 0x0',
  'BUG: TASK stack guard page was hit at ffffc90000a17ff8 (stack is ffffc90000a18000..ffffc90000a1ffff)',
  'Kernel panic - not syncing: stack-protector: Kernel stack is corrupted in: frobfs_parse_opts+0x1f4/0x200 [frobfs]',
  'Kernel panic - not syncing: corrupted stack end detected inside scheduler',
  'Kernel panic - not syncing: kernel stack overflow',
  'Kernel panic - not syncing: Attempted to kill init! exitcode=0x0000000b',
  "Kernel panic - not syncing: Couldn't open N_TTY ldisc for ptmx",
  'Kernel panic - not syncing: panic_on_warn set ...',
  'Kernel panic - not syncing: hung_task: blocked tasks',
  'Kernel panic - not syncing: Fatal exception in interrupt',
  'Kernel panic - not syncing: Hard LOCKUP',
  'rust_kernel: panicked at drivers/android/binder/node.rs:877:13:',
  'trusty: 0xffffffffe000fbb8): ASSERT FAILED at (trusty/kernel/lib/trusty/ipc.c:472): !list_in_list(&chan->node)',
  'trusty: panic notifier - ASSERT FAILED at (lib/foo.c:12): x',
  'trusty: panic (caller 0xffffffffe0002314): failed(-5) to start app 6',
  'trusty: panic',
  'watchdog: BUG: soft lockup - CPU#0 stuck for 6s! [init:115]',
  'NMI watchdog: Watchdog detected hard LOCKUP on cpu 27',
  'INFO: task udevd:5612 blocked in I/O wait for more than 143 seconds.',
  'INFO: task \ufffd\ufffd\ufffd\ufffd',
  "INFO: task syz-executor.1:12632 can't die for more than 143 seconds. ",
  'rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:',
  'INFO: rcu_tasks detected stalls on tasks:',
  'BUG kmalloc-64 (Tainted: G    B              ): Right Redzone overwritten',
  'BUG: workqueue lockup - pool cpus=0 node=0 flags=0x0 nice=0 stuck for 38s!',
  'BUG: workqueue leaked lock or atomic: kworker/0:1/0x00000000/353',
  'WARNING: possible circular locking dependency detected',
  '[ INFO: possible circular locking dependency detected ]',
  '[ INFO: possible irq lock inversion dependency detected ]',
  'WARNING: HARDIRQ-safe -> HARDIRQ-unsafe lock order detected',
  'INFO: SOFTIRQ-safe -> SOFTIRQ-unsafe lock order detected',
  'WARNING: possible recursive locking detected',
  'WARNING: inconsistent lock state',
  'INFO: inconsistent lock state',
  'WARNING: suspicious RCU usage',
  'INFO: trying to register non-static key.',
  'WARNING: bad unlock balance detected!',
  'WARNING: Nested lock was not taken',
  '[ BUG: held lock freed! ]',
  'WARNING: held lock freed!',
  'BUG: syz-executor/1234 still has locks held!',
  'WARNING: syz-fuzzer/4398 still has locks held!',
  'WARNING: lock held when returning to user space!',
  'BUG: MAX_STACK_TRACE_ENTRIES too low!',
  '[ BUG: Invalid wait context ]',
  'VFS: Busy inodes after unmount of sda1. Self-destruct in 5 seconds.  Have a nice day...',
  'BUG: spinlock bad magic on CPU#1, frobd/812',
  'BUG: scheduling while atomic: frobd/1234/0x00000002',
  'BUG: sleeping function called from invalid context at include/linux/sched/mm.h:306',
  'BUG: using smp_processor_id() in preemptible [00000000] code: frobctl/1502',
  'WARNING: CPU: 1 PID: 3502 at lib/debugobjects.c:291 debug_print_object+0x166/0x220',
  'WARNING: CPU: 1 PID: 6747 at mm/usercopy.c:81 usercopy_warn+0xdb/0x100',
  'WARNING: CPU: 1 PID: 3485 at lib/kobject.c:244 kobject_add_internal+0x3f6/0xbc0 lib/kobject.c:242',
  'WARNING: CPU: 1 PID: 4074 at fs/proc/generic.c:330 proc_register+0x2a4/0x370',
  'WARNING: CPU: 2 PID: 3310 at lib/refcount.c:28 refcount_warn_saturate+0xba/0x110',
  'WARNING: CPU: 2 PID: 24023 at kernel/locking/lockdep.c:3344 __lock_acquire+0x10e5/0x3690 kernel/locking/lockdep.c:3344',
  'WARNING: CPU: 0 PID: 4406 at mm/slab_common.c:1031 kmalloc_slab+0x56/0x70 mm/slab_common.c:1031',
  'WARNING: CPU: 1 PID: 15973 at mm/vmalloc.c:3108 __vmalloc_node_range+0x1036/0x1300 mm/vmalloc.c:3108',
  'WARNING: CPU: 0 PID: 17232 at drivers/usb/core/urb.c:378 usb_submit_urb+0xf57/0x1510 drivers/usb/core/urb.c:378',
  "WARNING: kernel stack regs at ffff880019a05f58 in netifd:917 has bad 'bp' value ffffc90000277e18",
  "WARNING: kernel stack regs at         (ptrval) in syzkaller547737:4493 has bad 'bp' value         (ptrval)",
  'WARNING: kernel stack frame pointer at         (ptrval) in syzkaller547737:4496 has bad value         (ptrval)',
  'WARNING: at fs/sysfs/dir.c:491 sysfs_add_one+0x9d/0xb0()',
  'WARNING: CPU: 0 PID: 1 at',
  'dd invoked oom-killer: gfp_mask=0x140dca(GFP_HIGHUSER_MOVABLE|__GFP_COMP|__GFP_ZERO), order=0, oom_score_adj=0',
  'Memory cgroup out of memory: Killed process 4410 (chrome) total-vm:34512340kB, anon-rss:1823400kB, file-rss:102400kB, shmem-rss:20480kB, UID:1000 pgtables:8120kB oom_score_adj:300',
  'kworker/u8:3: page allocation failure: order:4, mode:0x40dc0(GFP_KERNEL|__GFP_COMP|__GFP_ZERO), nodemask=(null),cpuset=/,mems_allowed=0',
  'list_del corruption, ffff8ec31ff29cd8->next is LIST_POISON1 (dead000000000100)',
  "usercopy: Kernel memory exposure attempt detected from SLUB object 'kmalloc-64' (offset 16, size 128)!",
  'BUG: Bad page map in process syz-executor6  pte:ffff8801a700ff00 pmd:1a700f067',
  'BUG: Bad page state in process frobd  pfn:1a2b3',
  'BUG: Dentry ffff88810e2ca880{i=0,n=.index}  still in use (1) [unmount of ext4 loop4]',
  'BUG: Bad rss-counter state mm:ffff888012345678 type:MM_ANONPAGES val:1',
  'BUG kmalloc-8 (Tainted: G    B         ): Object already free',
  'INFO: Allocated in fasync_helper+0x29/0x90 age=1 cpu=1 pid=6024',
  'BUG: memory leak',
  'unreferenced object 0xffff888106c4a300 (size 64):',
  'unregister_netdevice: waiting for frobnet0 to become free. Usage count = 2',
  'VFS: Close: file count is 0 (f_op=frob_fops [frob])',
  'mce: [Hardware Error]: Machine check events logged',
  'refcount_t: underflow; use-after-free.',
  'blk_update_request: I/O error, dev sda, sector 123456 op 0x1:(WRITE) flags 0x800 phys_seg 1 prio class 0',
  'init[1]: segfault at 0 ip 00007f3b1c2d4e10 sp 00007ffe8a1b2c30 error 4 in libc.so.6[7f3b1c200000+195000] likely on CPU 0 (core 0, socket 0)',
  'traps: frobctl[2240] general protection fault ip:55d1c3a0b2a4 sp:7ffc1c2e8a10 error:0 in frobctl[55d1c3a0a000+5000]',
];

/** Screened size: small enough for 112 entries in seconds of CPU on a loaded machine. A quadratic term with a
 *  small constant shows only later (the see-through scan passed a ratio of 3 from 4,096 to 8,192 lines), so
 *  a suspect is measured again at 2×, 4× and 8× this size. */
const SCREEN_LINES = 2048;
/** A screened ratio above this (twice) is measured again over two doublings from 2× the screened size, best
 *  of 2 at each size: more than 9× (tripling twice) fails. A real quadratic term grows there; a GC pause
 *  does not repeat. */
const SUSPECT_RATIO = 2.3;

// A full collection before each confirming run, so that it does not pay for the garbage of earlier ones.
v8.setFlagsFromString('--expose-gc');
const collect = vm.runInNewContext('gc') as () => void;

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

function logOf(header: string, lines: number): string {
  const out = new Array<string>(lines);
  for (let i = 0; i < lines; i++) out[i] = `[${(100 + i / 1000).toFixed(6).padStart(12)}] ${header}`;
  return out.join('\n');
}

/** Least CPU time of `runs` analyses of `lines` copies of `header`. */
function cost(header: string, lines: number, runs: number): number {
  const text = logOf(header, lines);
  let best = Infinity;
  for (let r = 0; r < runs; r++) {
    if (runs > 1) collect();
    const start = cpuMs();
    analyzeText(text);
    best = Math.min(best, cpuMs() - start);
  }
  return best;
}

/** Why doubling a log of `header` more than triples its analysis time, or null. */
function superlinear(header: string): string | null {
  const n = SCREEN_LINES;
  let a = cost(header, n, 1);
  let b = cost(header, 2 * n, 1);
  if (b <= SUSPECT_RATIO * a) return null;
  // Once more before the costly measurement: most suspects were a GC pause or a busy neighbour.
  a = Math.min(a, cost(header, n, 1));
  b = Math.min(b, cost(header, 2 * n, 1));
  if (b <= SUSPECT_RATIO * a) return null;
  const [x, y, z] = [2 * n, 4 * n, 8 * n].map((lines) => cost(header, lines, 2));
  return z > 9 * x
    ? `${2 * n} lines ${x.toFixed(1)} ms, ${4 * n}: ${y.toFixed(1)} ms, ${8 * n}: ${z.toFixed(1)} ms`
    : null;
}

test('every catalogue entry has a header line here', () => {
  const covered = new Set<CatalogueEntry>();
  for (const h of HEADERS) {
    const m = matchHeader(h);
    assert.ok(m, `no catalogue entry matches ${JSON.stringify(h)}`);
    covered.add(m.entry);
  }
  const missing = CATALOGUE.filter((e) => !covered.has(e)).map((e) => `${e.kind} ${e.header.source}`);
  assert.deepEqual(missing, [], 'add a header line for these entries to HEADERS');
});

test(
  'doubling a log of one repeated header never more than triples the analysis time',
  { timeout: 900_000 },
  () => {
    for (const h of HEADERS) cost(h, 64, 1); // warm the JIT up on every path
    const slow: string[] = [];
    for (const h of HEADERS) {
      const why = superlinear(h);
      if (why) slow.push(`${matchHeader(h)!.entry.kind} (${h.slice(0, 60)}): ${why}`);
    }
    assert.deepEqual(slow, []);
  },
);
