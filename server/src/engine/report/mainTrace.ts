// Which of an event's traces is "the" call trace: reports print other stacks too (KASAN's `Allocated by task
// N:` / `Freed by task N:`, SLUB debug's `Allocated in f+0x1c/0x50 …` / `Freed in …` tracks, the work-creation
// stacks, stack-protector's %pB return address), often before the stack of the report itself.
import type { KernelEvent, Trace } from '../model';

/** Labels of the stacks that are about an object or a return address, not the report's own call trace. */
const AUXILIARY_TRACE =
  /^(?:(?:Allocated|Freed) (?:in|by task)|(?:Second to last p|Last p)otentially related work creation|stack-protector: )/;

/** The report's own call trace (the first trace that is not an object's allocation/free stack or a lone
 *  return address, nor the stack of a hung task's lock owner), else the first trace, else null. */
export function mainTrace(e: KernelEvent): Trace | null {
  return e.traces.find((t) => !AUXILIARY_TRACE.test(t.label) && !t.blocker) ?? e.traces[0] ?? null;
}
