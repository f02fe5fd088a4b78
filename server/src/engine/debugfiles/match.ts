// Does a debug file belong to the kernel that printed the log? A file of another architecture or another
// release gives confident wrong lines (an arm64 log decoded against an x86_64 module still finds a
// `buggy_null_read` of the right size), so such a file is not used for that log at all. Build ids are
// checked in buildId.ts; sizes of `func+off/size` per frame by the symbolizer, summed up per file here: a
// file that lacks most of the functions the log names, or has them with other sizes, is of another kernel
// even when neither the log nor the file says which one.
import { frameText, type Arch } from '../model';
import { openDebugFile, SymbolizeError, type FrameSymbolization } from '../symbolize';
import type { LogFrame } from './frames';

/** What the log says about its kernel (null: the log does not say, nothing to check). */
export interface LogIdentity {
  arch: Arch | null;
  release: string | null;
}

/** ELF e_machine values (include/uapi/linux/elf-em.h) and the log architectures each can serve. */
const MACHINES = new Map<number, { name: string; arches: Arch[] }>([
  [3, { name: 'i386', arches: ['i386'] }],
  [62, { name: 'x86_64', arches: ['x86_64'] }],
  [40, { name: 'ARM', arches: ['arm'] }],
  [183, { name: 'AArch64', arches: ['arm64'] }],
  [22, { name: 's390', arches: ['s390x'] }],
  [20, { name: 'PowerPC', arches: ['ppc64'] }],
  [21, { name: 'PowerPC64', arches: ['ppc64'] }],
  [243, { name: 'RISC-V', arches: ['riscv'] }],
]);

/** Why `file` does not belong to the log's kernel (one short clause), or null when nothing contradicts it. */
export function identityMismatch(file: string, log: LogIdentity): string | null {
  let df;
  try {
    df = openDebugFile(file, { allowNoDebugInfo: true });
  } catch (e) {
    // Unusable files are reported when they are opened for real.
    if (e instanceof SymbolizeError) return null;
    throw e;
  }
  const machine = MACHINES.get(df.machine);
  if (log.arch && log.arch !== 'unknown' && machine && !machine.arches.includes(log.arch))
    return `its ELF machine is ${machine.name}, the log's kernel is ${log.arch}`;
  if (log.release) {
    let id;
    try {
      id = df.kernelIdentity();
    } catch (e) {
      if (e instanceof SymbolizeError) return null;
      throw e;
    }
    if (id.release && id.release !== log.release)
      return `it is built for ${id.release} (${id.from}), the log's kernel is ${log.release}`;
  }
  return null;
}

/** How the named frames of one object fared against its debug file. */
export interface SymbolDisagreement {
  /** Frames whose function the file lacks or has with another size, and how many frames in all. */
  disagree: number;
  total: number;
  /** The first such frame as the log prints it. */
  first: string;
  /** Most frames disagree: the file is of another kernel and is not used at all. */
  rejects: boolean;
  /** One clause, for `<file> does not match the log: <reason>`. */
  reason: string;
}

/** Per object (`vmlinux`, module name), the named frames its file disagrees with; objects with none are absent. */
export function symbolDisagreements(
  frames: LogFrame[],
  results: FrameSymbolization[],
): Map<string, SymbolDisagreement> {
  const counts = new Map<string, { disagree: number; total: number; first: string | null }>();
  frames.forEach((f, i) => {
    const r = results[i];
    if (!f.frame.function || !r.object || !(r.ok || r.mismatch)) return;
    const c = counts.get(r.object) ?? { disagree: 0, total: 0, first: null };
    c.total++;
    if (r.mismatch) {
      c.disagree++;
      c.first ??= frameText(f.frame);
    }
    counts.set(r.object, c);
  });
  const out = new Map<string, SymbolDisagreement>();
  for (const [object, c] of counts) {
    if (c.first === null) continue;
    const reason =
      `${c.disagree} of ${c.total} frames name a function it does not have or has with another size ` +
      `(first: ${c.first})`;
    out.set(object, { ...c, first: c.first, rejects: 2 * c.disagree >= c.total, reason });
  }
  return out;
}
