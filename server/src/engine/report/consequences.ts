// Consequences: after the first crash the kernel's state is suspect, but only evidence makes a later event
// its consequence; the others merely come after it.

import type { KernelEvent, Trace } from '../model';

/** Frames only a task that an oops kills runs through (kernel/exit.c make_task_dead, x86's exit paths). */
const DYING_TASK_FRAMES = new Set(['make_task_dead', 'rewind_stack_and_make_dead', 'rewind_stack_do_exit']);

/**
 * A later event is a consequence of a crash on evidence: the panic an oops ends in, the same task (or
 * printk caller) faulting again, a trace through the exit of a task an oops killed. Other warnings and
 * errors only come after the first crash (`afterCrash`): a second oops of another task with an unrelated
 * trace may be a bug of its own. `callers`: each event's printk caller id (`T123`), '' when none.
 */
export function markConsequences(events: KernelEvent[], callers: readonly string[]): void {
  const crashes: number[] = [];
  // The first crash of each task, by printk task caller id and by PID (PID 0 is every CPU's idle task: only
  // the same CPU makes it the same one). Looked up, not scanned: a log of thousands of crashes stays linear.
  const firstByCaller = new Map<string, number>();
  const firstByPid = new Map<string, number>();
  const callerKey = (i: number) => (callers[i] !== '' && callers[i].startsWith('T') ? callers[i] : null);
  const pidKey = (e: KernelEvent) =>
    e.pid === null ? null : e.pid !== 0 ? String(e.pid) : e.cpu !== null ? `0@${e.cpu}` : null;
  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    if (e.severity === 'information') continue;
    const caller = callerKey(i);
    const pid = pidKey(e);
    if (crashes.length > 0) {
      const byCaller = caller === null ? undefined : firstByCaller.get(caller);
      const byPid = pid === null ? undefined : firstByPid.get(pid);
      // The earliest crash of the same task.
      const sameAs =
        byCaller === undefined ? byPid : byPid === undefined ? byCaller : Math.min(byCaller, byPid);
      const dying = throughDyingTask(e.traces);
      if (sameAs !== undefined) e.consequenceOf = sameAs;
      else if (e.kind === 'panic' || dying) e.consequenceOf = crashes[crashes.length - 1];
      else e.afterCrash = crashes[0];
    }
    if (e.severity === 'error' || (e.oopsNumber ?? 0) > 1) {
      crashes.push(i);
      if (caller !== null && !firstByCaller.has(caller)) firstByCaller.set(caller, i);
      if (pid !== null && !firstByPid.has(pid)) firstByPid.set(pid, i);
    }
  }
}

/** Per trace list: an incremental re-analysis links the consequences of every event again, per keystroke. */
const dyingCache = new WeakMap<readonly Trace[], boolean>();

/** Does a trace run through the exit of a task an oops killed? */
function throughDyingTask(traces: readonly Trace[]): boolean {
  let dying = dyingCache.get(traces);
  if (dying === undefined) {
    dying = traces.some((t) =>
      t.frames.some((f) => f.function !== null && DYING_TASK_FRAMES.has(f.function)),
    );
    dyingCache.set(traces, dying);
  }
  return dying;
}
