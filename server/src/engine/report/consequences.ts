// Consequences: after the first crash the kernel's state is suspect, so what follows is likely fallout.

import type { KernelEvent } from '../model';

/** Every warning or error after the first crash is likely its consequence (the kernel state is suspect). */
export function markConsequences(events: KernelEvent[]): void {
  let firstCrash = -1;
  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    if (e.severity === 'information') continue;
    if (firstCrash >= 0) e.consequenceOf = firstCrash;
    else if (e.severity === 'error' || (e.oopsNumber ?? 0) > 1) firstCrash = i;
  }
}
