// Is a file beside the logs a log at all? A .ko, a core dump, a vmlinux or a compressed capture is not; but a
// real serial capture may carry NUL bytes (a console reset, a line of noise: syzkaller report 620 has 7% in
// its first 8 KB) and a few invalid UTF-8 bytes, so a single NUL does not make a file binary.
//
// Measured on the first 8 KB: text logs (the corpora) have at most 7% NUL and 1.4% other control bytes;
// ELF files have 60-99% NUL; compressed data and images have ~10% other control bytes (27 of 256 values).

/** How much of a file is read to tell. */
export const BINARY_SAMPLE_BYTES = 8192;
const MAX_NUL_SHARE = 0.25;
const MAX_CONTROL_SHARE = 0.05;

/** Does the start of `data` look like something other than text (ELF, compressed, image)? */
export function looksBinary(data: Uint8Array): boolean {
  const n = Math.min(data.length, BINARY_SAMPLE_BYTES);
  if (n === 0) return false;
  let nul = 0;
  let control = 0;
  for (let i = 0; i < n; i++) {
    const b = data[i];
    if (b === 0) nul++;
    // Control bytes text never holds: not \t \n \v \f \r, not ESC (ANSI colours), not backspace.
    else if (b < 0x08 || (b > 0x0d && b < 0x20 && b !== 0x1b) || b === 0x7f) control++;
  }
  return nul > n * MAX_NUL_SHARE || control > n * MAX_CONTROL_SHARE;
}
