// An opt-in timeline of what opening a document goes through (KERNEL_OOPS_LENS_TIMELINE=1): one stderr line
// per step, `[timeline] <wall-clock ms> <thread id> <step>`, from the server's thread and its workers alike,
// so that `npm run bench:lsp` can say where the time to the first diagnostics of a huge log goes. Off, a
// step costs one test of a constant.
import { threadId } from 'node:worker_threads';

const ON = process.env.KERNEL_OOPS_LENS_TIMELINE === '1';

export function timelineStep(step: string): void {
  if (ON)
    process.stderr.write(
      `[timeline] ${(performance.timeOrigin + performance.now()).toFixed(1)} ${threadId} ${step}\n`,
    );
}
