// Does a debug file belong to the kernel that printed the log? A file of another architecture or another
// release gives confident wrong lines (an arm64 log decoded against an x86_64 module still finds a
// `buggy_null_read` of the right size), so such a file is not used for that log at all. Build ids are
// checked in buildId.ts; sizes of `func+off/size` per frame by the symbolizer.
import type { Arch } from '../model';
import { openDebugFile, SymbolizeError } from '../symbolize';

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
