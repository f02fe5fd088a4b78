// A call through a NULL (or bad) function pointer: the CPU faulted fetching the target, so RIP is the bad
// target (`RIP: 0010:0x0`) and names no code. The instruction to explain is the indirect call just before the
// first trace entry's return address, found in the debug file.
import type { Frame } from '../model';
import { type DebugFile, SymbolizeError } from '../symbolize';
import { decodeAccess, type DecodedAccess } from './instruction';

/** Indirect call encodings end at the return address: `call *%rax` (2), `*%r11` (3), `*0x8(%rax)` (3), … */
const CALL_LENGTHS = [2, 3, 4, 5, 6, 7, 8];
const WINDOW = 16;

export interface CallSite {
  call: DecodedAccess;
  /** Linear address of the call instruction in the file (the DWARF steps look there). */
  linear: number;
  /** `call_fn+0xc`: where the call instruction is. */
  where: string;
}

/** The indirect call ending at the return address `caller` (a trace entry), or a short reason. */
export function callBefore(df: DebugFile, caller: Frame): CallSite | string {
  if (!caller.function || caller.offset === null) return 'the first trace entry names no function';
  try {
    const l = df.lookupSymbol(caller.function, caller.offset, caller.size);
    if (!l.symbol || l.address === null || !l.symbolSection)
      return l.error ?? `no ${caller.function} in the debug file`;
    const section = df.elf.section(l.symbolSection);
    if (!section) return `no section ${l.symbolSection} in the debug file`;
    const end = df.isRelocatable ? Number(l.address) : Number(l.address - section.addr);
    const start = Math.max(0, end - WINDOW);
    const bytes = Uint8Array.from(df.elf.readSectionRange(section, start, end - start));
    for (const k of CALL_LENGTHS) {
      if (k > bytes.length) break;
      const d = decodeAccess(bytes.subarray(bytes.length - k));
      if (d && d.length === k && d.indirectCall)
        return {
          call: d,
          linear: df.space.inSection(section, end - k),
          where: `${caller.function}+0x${(caller.offset - k).toString(16)}`,
        };
    }
    return `no indirect call ends at ${caller.function}+0x${caller.offset.toString(16)} (a retpoline thunk call?)`;
  } catch (e) {
    if (e instanceof SymbolizeError) return e.message;
    throw e;
  }
}
