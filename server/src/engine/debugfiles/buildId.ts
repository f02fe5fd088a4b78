// Build-id checks: kernels with CONFIG_STACKTRACE_BUILD_ID print `func+0x1/0x2 [mod 0123abcd…]`; a debug
// file whose NT_GNU_BUILD_ID differs belongs to another build and gives wrong lines.

/** A one-line message when `actual` (the debug file's build id) differs from what the log printed. */
export function buildIdMismatch(
  object: string,
  file: string,
  printed: string | null,
  actual: string | null,
): string | null {
  if (!printed) return null;
  const want = printed.toLowerCase();
  if (!actual)
    return `${file} has no build id; the log prints ${want} for ${object}: cannot check that it matches`;
  // Some kernels print a prefix of the id; accept a prefix of at least 8 digits.
  const same = actual === want || (want.length >= 8 && actual.startsWith(want));
  return same
    ? null
    : `${file} does not match the log: its build id is ${actual}, the log prints ${want} for ${object}`;
}
