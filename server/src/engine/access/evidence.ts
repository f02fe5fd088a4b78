// What a debug file says about the faulting IP: the instruction bytes there (a `.ko`'s section at the
// symbol's offset, vmlinux's `.text` at the address) and the linear PC the DWARF steps look up.
import type { Frame } from '../model';
import { type DebugFile, SymbolizeError } from '../symbolize';
import type { AccessEvidence } from './faultAccess';

/** The longest x86 instruction. */
const MAX_INSTRUCTION = 15;

export interface IpInFile {
  bytes: Uint8Array;
  /** Linear address of the IP in the file's address space (what the DWARF reader looks up). */
  linear: number;
}

/** The bytes at `func+off/size` in `df`, or a short reason why there are none. */
export function ipInFile(df: DebugFile, ip: Pick<Frame, 'function' | 'offset' | 'size'>): IpInFile | string {
  if (!ip.function || ip.offset === null) return 'the RIP line names no function';
  try {
    const l = df.lookupSymbol(ip.function, ip.offset, ip.size);
    if (!l.symbol || l.address === null || !l.symbolSection)
      return l.error ?? `no ${ip.function} in the debug file`;
    const section = df.elf.section(l.symbolSection);
    if (!section) return `no section ${l.symbolSection} in the debug file`;
    const offset = df.isRelocatable ? Number(l.address) : Number(l.address - section.addr);
    const length = Math.min(MAX_INSTRUCTION, section.size - offset);
    if (!(offset >= 0 && length > 0)) return `the IP is outside ${l.symbolSection}`;
    return {
      bytes: Uint8Array.from(df.elf.readSectionRange(section, offset, length)),
      linear: df.space.inSection(section, offset),
    };
  } catch (e) {
    if (e instanceof SymbolizeError) return e.message;
    throw e;
  }
}

/** The evidence `faultAccess` takes from a debug file for an event's IP frame. */
export function evidenceFromFile(df: DebugFile, ip: Frame): AccessEvidence {
  const at = ipInFile(df, ip);
  if (typeof at === 'string') return { fileProblem: `debug file: ${at}` };
  return { fileBytes: at.bytes };
}
