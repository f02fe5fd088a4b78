// Where a log frame (`func+off/size`) is in a debug file: its code section and the byte offset in it
// (a `.ko`'s section-relative address, vmlinux's address minus the section's).
import type { Frame } from '../model';
import { type DebugFile, SymbolizeError } from '../symbolize';
import type { ElfSection } from '../symbolize/elf/elfFile';

export interface CodeAt {
  section: ElfSection;
  offset: number;
}

/** The section and offset of `f` in `df`, or a short reason why it has none. */
export function codeAt(df: DebugFile, f: Pick<Frame, 'function' | 'offset' | 'size'>): CodeAt | string {
  if (!f.function || f.offset === null) return 'the frame names no function';
  return guarded(() => {
    const l = df.lookupSymbol(f.function!, f.offset!, f.size);
    if (!l.symbol || l.address === null || !l.symbolSection)
      return l.error ?? `no ${f.function} in the debug file`;
    const section = df.elf.section(l.symbolSection);
    if (!section) return `no section ${l.symbolSection} in the debug file`;
    return { section, offset: df.isRelocatable ? Number(l.address) : Number(l.address - section.addr) };
  });
}

/** `read()`'s answer, or the message of the SymbolizeError it threw (a corrupt or unreadable file). */
export function guarded<T>(read: () => T | string): T | string {
  try {
    return read();
  } catch (e) {
    if (e instanceof SymbolizeError) return e.message;
    throw e;
  }
}
