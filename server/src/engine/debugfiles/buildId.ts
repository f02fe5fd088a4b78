// Build-id checks. A build id counts only where the kernel prints one (CONFIG_STACKTRACE_BUILD_ID): a module's
// after its name in a frame, `func+0x1/0x2 [mod <40 hex>]` (kernel/kallsyms.c), and vmlinux's at the end of the
// CPU line (lib/dump_stack.c). A debug file whose NT_GNU_BUILD_ID differs belongs to another build and gives
// wrong lines.
import { normalizeModuleName } from '../symbolize';
import type { LogFrame } from './frames';

/** The distinct build ids the log prints per object (`vmlinux`, normalized module names), in order of appearance. */
export function printedBuildIds(frames: LogFrame[]): Map<string, string[]> {
  const ids = new Map<string, string[]>();
  const add = (object: string, id: string) => {
    const known = ids.get(object);
    if (!known) ids.set(object, [id.toLowerCase()]);
    else if (!known.includes(id.toLowerCase())) known.push(id.toLowerCase());
  };
  for (const f of frames) {
    if (f.kernelBuildId) add('vmlinux', f.kernelBuildId);
    // vmlinux's id is printed on the CPU line only: a frame `[vmlinux …]` names no module of that kernel.
    const module = f.frame.module ? normalizeModuleName(f.frame.module) : null;
    if (module && module !== 'vmlinux' && f.frame.buildId) add(module, f.frame.buildId);
  }
  return ids;
}

/** One line when the log prints more than one build id for `object` (two kernels in one log), else null. */
export function buildIdConflict(object: string, printed: string[]): string | null {
  if (printed.length < 2) return null;
  return (
    `the log prints ${printed.length} different build ids for ${object} (${printed.join(', ')}): ` +
    `a debug file for it must have one of them`
  );
}

/**
 * A one-line message when `actual` (the debug file's build id) is none of `printed` (what the log printed for
 * `object`; empty: nothing to check).
 */
export function buildIdMismatch(
  object: string,
  file: string,
  printed: string | string[] | null,
  actual: string | null,
): string | null {
  const wanted = (printed === null ? [] : typeof printed === 'string' ? [printed] : printed).map((p) =>
    p.toLowerCase(),
  );
  if (wanted.length === 0) return null;
  const want = wanted.join(' or ');
  if (!actual)
    return `${file} has no build id; the log prints ${want} for ${object}: cannot check that it matches`;
  return wanted.some((w) => sameBuildId(actual, w))
    ? null
    : `${file} does not match the log: its build id is ${actual}, the log prints ${want} for ${object}`;
}

// `%20phN` prints 20 bytes: a shorter id (md5: 16 bytes) is printed padded with zeros. A printed prefix of
// at least 8 digits is accepted too (text cut short by a tool).
function sameBuildId(actual: string, printed: string): boolean {
  if (actual === printed) return true;
  if (printed.startsWith(actual)) return /^0+$/.test(printed.slice(actual.length));
  return printed.length >= 8 && actual.startsWith(printed);
}
