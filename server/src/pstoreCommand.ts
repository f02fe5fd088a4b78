// `oops-lens pstore [FILE|DIR...]`: the kernel-log dumps pstore kept (default /sys/fs/pstore), their parts
// joined in print order on standard output, so that `oops-lens pstore | oops-lens analyze -` reads them as a log.
import { describeDump, readPstoreDumps } from './engine';

const DEFAULT_DIR = '/sys/fs/pstore';

/** Runs the command; returns the exit status. Messages go to stderr, one line each. */
export function pstoreCommand(args: readonly string[]): number {
  const { dumps, problems } = readPstoreDumps(args.length > 0 ? args : [DEFAULT_DIR]);
  for (const p of problems) process.stderr.write(`oops-lens: ${p}\n`);
  // A file that only lacked a record header is no failure of the command; one that could not be read is.
  const status = problems.some((p) => !p.endsWith('no pstore record header (e.g. Oops#1 Part1)')) ? 1 : 0;
  if (dumps.length === 0) {
    process.stderr.write('oops-lens: no pstore dump found\n');
    return status || 1;
  }
  for (const d of dumps) {
    process.stderr.write(`oops-lens: ${describeDump(d)}\n`);
    process.stdout.write(d.lines.join('\n') + '\n');
  }
  return status;
}
