// What a hung task waits for, when the kernel names it (v6.15+ CONFIG_DETECT_HUNG_TASK_BLOCKER): the likely
// owner of the mutex / semaphore and where that owner is, from the stack printed under it.
import type { KernelEvent, LockOwner } from '../model';
import { extractFrame } from '../title/guilty';

export interface Blocker extends LockOwner {
  /** The owner's first non-generic frame (the wait primitives skipped as for hung tasks), or null. */
  function: string | null;
}

export function blockerOf(e: KernelEvent): Blocker | null {
  for (const t of e.traces) {
    if (!t.blocker) continue;
    const names = t.frames.filter((f) => f.reliable && f.function !== null).map((f) => f.function!);
    const picked = extractFrame(names, 'hang');
    return { ...t.blocker, function: picked ? names[picked.index] : null };
  }
  return null;
}
