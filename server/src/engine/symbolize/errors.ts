// The one error type the symbolizer throws: every bad input (corrupt, truncated, stripped, mismatched or
// absurdly large ELF/DWARF data) ends up here with a message a user can act on, never a crash or a hang.

export type SymbolizeErrorCode =
  | 'io' // the file cannot be opened or read
  | 'not-elf' // bad magic / class / data encoding
  | 'corrupt' // structure points outside the file or a section, bad lengths, unterminated data
  | 'unsupported' // valid but not handled (zstd without node support, unknown DWARF form/version…)
  | 'no-debug-info' // stripped: no .debug_info / .debug_line
  | 'too-large'; // a size claim beyond what we are willing to allocate

export class SymbolizeError extends Error {
  override readonly name = 'SymbolizeError';
  constructor(
    readonly code: SymbolizeErrorCode,
    message: string,
    /** The file the problem is in, when known. */
    readonly path?: string,
  ) {
    super(path ? `${path}: ${message}` : message);
  }
}

export function corrupt(what: string): SymbolizeError {
  return new SymbolizeError('corrupt', what);
}

/** Re-throws `e` with the file path attached when it is a SymbolizeError without one; wraps anything else. */
export function withPath(e: unknown, path: string): SymbolizeError {
  if (e instanceof SymbolizeError) return e.path ? e : new SymbolizeError(e.code, e.message, path);
  if (e instanceof RangeError) return new SymbolizeError('corrupt', `malformed data (${e.message})`, path);
  const err = e as NodeJS.ErrnoException;
  if (typeof err?.code === 'string' && typeof err.syscall === 'string')
    return new SymbolizeError('io', err.message, path);
  // Anything else is a reader bug tripped by unexpected data: still a SymbolizeError, never a crash.
  return new SymbolizeError(
    'corrupt',
    `unexpected data (internal error: ${err?.message ?? String(e)})`,
    path,
  );
}
