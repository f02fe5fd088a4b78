// `oops-lens pstore [FILE|DIR...]`: the kernel-log dumps pstore kept (default /sys/fs/pstore), their parts
// joined in print order on standard output, so that `oops-lens pstore | oops-lens analyze -` reads them as a log.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  FILE_LIMITS,
  joinPstoreRecords,
  readTextFile,
  splitPstoreRecords,
  type PstoreRecord,
} from './engine';

const DEFAULT_DIR = '/sys/fs/pstore';

/** The dump files of a folder: pstore's own `dmesg-*` and systemd-pstore's `<id>/dmesg.txt`. */
function dumpFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (name.startsWith('dmesg')) out.push(path);
    else if (statSync(path).isDirectory())
      for (const inner of readdirSync(path).sort())
        if (inner.startsWith('dmesg')) out.push(join(path, inner));
  }
  return out;
}

/** Runs the command; returns the exit status. Messages go to stderr, one line each. */
export function pstoreCommand(args: readonly string[]): number {
  const inputs = args.length > 0 ? args : [DEFAULT_DIR];
  const records: PstoreRecord[] = [];
  let status = 0;
  for (const input of inputs) {
    let files: string[];
    try {
      files = statSync(input).isDirectory() ? dumpFiles(input) : [input];
    } catch (e) {
      process.stderr.write(`oops-lens: ${input}: ${(e as Error).message}\n`);
      status = 1;
      continue;
    }
    for (const file of files) {
      try {
        const found = splitPstoreRecords(readTextFile(file, FILE_LIMITS.log), file);
        if (found.length === 0)
          process.stderr.write(`oops-lens: ${file}: no pstore record header (e.g. Oops#1 Part1)\n`);
        records.push(...found);
      } catch (e) {
        process.stderr.write(`oops-lens: ${file}: ${(e as Error).message}\n`);
        status = 1;
      }
    }
  }
  const dumps = joinPstoreRecords(records);
  if (dumps.length === 0) {
    process.stderr.write('oops-lens: no pstore dump found\n');
    return status || 1;
  }
  for (const d of dumps) {
    const notes = [
      d.missing.length ? `part${d.missing.length > 1 ? 's' : ''} ${d.missing.join(', ')} missing` : '',
      d.duplicates.length ? `part ${d.duplicates.join(', ')} seen twice, first kept` : '',
    ].filter(Boolean);
    process.stderr.write(
      `oops-lens: ${d.dump}: parts ${d.parts.join(', ')} joined, oldest first${notes.length ? `; ${notes.join('; ')}` : ''}\n`,
    );
    process.stdout.write(d.lines.join('\n') + '\n');
  }
  return status;
}
