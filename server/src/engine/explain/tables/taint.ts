// Kernel taint flags: kernel/panic.c (taint_flags[], TAINT_FLAG(name, c_true, c_false, module)) and
// include/linux/panic.h (TAINT_* bit numbers); meanings after Documentation/admin-guide/tainted-kernels.rst.
// print_tainted() prints one character per flag, in bit order, ' ' (or 'G' for bit 0) when clear.

export interface TaintFlag {
  bit: number;
  /** Letter printed when set. */
  letter: string;
  /** Letter printed when clear (' ' except bit 0, 'G'). */
  clear: string;
  name: string;
  /** Whether the flag can be set per module (printed as `foo(OE)` in `Modules linked in:`). */
  module: boolean;
  meaning: string;
  /** What it implies for the investigation. */
  implication: string;
}

export const TAINT_FLAGS: readonly TaintFlag[] = [
  {
    bit: 0,
    letter: 'P',
    clear: 'G',
    name: 'PROPRIETARY_MODULE',
    module: true,
    meaning: 'a proprietary (non-GPL-compatible) module was loaded',
    implication:
      "kernel developers cannot see that module's code; reproduce without it before reporting upstream",
  },
  {
    bit: 1,
    letter: 'F',
    clear: ' ',
    name: 'FORCED_MODULE',
    module: true,
    meaning: 'a module was force-loaded (insmod -f), skipping version checks',
    implication: 'a module built for another kernel may corrupt anything: suspect it first',
  },
  {
    bit: 2,
    letter: 'S',
    clear: ' ',
    name: 'CPU_OUT_OF_SPEC',
    module: false,
    meaning:
      'the CPU runs out of specification (unsupported SMP combination, forced features, microcode problems)',
    implication: 'hardware behaviour is not guaranteed; crashes may not be software bugs',
  },
  {
    bit: 3,
    letter: 'R',
    clear: ' ',
    name: 'FORCED_RMMOD',
    module: false,
    meaning: 'a module was force-unloaded (rmmod -f)',
    implication: 'dangling pointers into the unloaded module are likely',
  },
  {
    bit: 4,
    letter: 'M',
    clear: ' ',
    name: 'MACHINE_CHECK',
    module: false,
    meaning: 'the CPU reported a machine check (hardware error)',
    implication: 'suspect hardware (memory, CPU, bus) before software',
  },
  {
    bit: 5,
    letter: 'B',
    clear: ' ',
    name: 'BAD_PAGE',
    module: false,
    meaning: 'a bad page was found (page-table or struct page corruption)',
    implication: 'memory corruption happened earlier: look for the first report',
  },
  {
    bit: 6,
    letter: 'U',
    clear: ' ',
    name: 'USER',
    module: false,
    meaning: 'a user or user-space program asked for the taint (e.g. writing /proc/sys/kernel/tainted)',
    implication: 'something in user space considered the kernel state untrustworthy',
  },
  {
    bit: 7,
    letter: 'D',
    clear: ' ',
    name: 'DIE',
    module: false,
    meaning: 'the kernel already died (an earlier oops or BUG)',
    implication: 'this report may be a consequence of an earlier oops: find the first one ([#1])',
  },
  {
    bit: 8,
    letter: 'A',
    clear: ' ',
    name: 'OVERRIDDEN_ACPI_TABLE',
    module: false,
    meaning: 'an ACPI table was overridden by the user',
    implication: 'firmware tables differ from what the machine shipped with',
  },
  {
    bit: 9,
    letter: 'W',
    clear: ' ',
    name: 'WARN',
    module: false,
    meaning: 'a WARNING was already issued',
    implication: 'an earlier WARNING may explain this report: look for it above',
  },
  {
    bit: 10,
    letter: 'C',
    clear: ' ',
    name: 'CRAP',
    module: true,
    meaning: 'a staging driver (drivers/staging, not of upstream quality) was loaded',
    implication: 'staging drivers are a likely culprit',
  },
  {
    bit: 11,
    letter: 'I',
    clear: ' ',
    name: 'FIRMWARE_WORKAROUND',
    module: false,
    meaning: 'the kernel works around a severe firmware bug',
    implication: 'platform firmware is known-broken',
  },
  {
    bit: 12,
    letter: 'O',
    clear: ' ',
    name: 'OOT_MODULE',
    module: true,
    meaning: 'an out-of-tree module (built outside the kernel tree) was loaded',
    implication: 'start with the out-of-tree module: its frames, its memory, its locking',
  },
  {
    bit: 13,
    letter: 'E',
    clear: ' ',
    name: 'UNSIGNED_MODULE',
    module: true,
    meaning: 'an unsigned module was loaded on a kernel that supports module signing',
    implication: 'the module is not from the distribution; usually also out-of-tree',
  },
  {
    bit: 14,
    letter: 'L',
    clear: ' ',
    name: 'SOFTLOCKUP',
    module: false,
    meaning: 'a soft lockup occurred earlier',
    implication: 'a CPU was stuck before; later hangs may follow from it',
  },
  {
    bit: 15,
    letter: 'K',
    clear: ' ',
    name: 'LIVEPATCH',
    module: true,
    meaning: 'the kernel has been live-patched',
    implication: 'running code differs from the original build: symbolize against the patched functions',
  },
  {
    bit: 16,
    letter: 'X',
    clear: ' ',
    name: 'AUX',
    module: true,
    meaning: 'auxiliary taint, defined by the distribution',
    implication: "see the distribution's documentation (SUSE: unsupported module)",
  },
  {
    bit: 17,
    letter: 'T',
    clear: ' ',
    name: 'RANDSTRUCT',
    module: true,
    meaning: 'the kernel was built with the randstruct plugin',
    implication: 'structure layouts are randomised: offsets depend on the build seed',
  },
  {
    bit: 18,
    letter: 'N',
    clear: ' ',
    name: 'TEST',
    module: true,
    meaning: 'an in-kernel test (KUnit) has been run',
    implication: 'test code ran in this kernel; crashes may come from the tests',
  },
  {
    bit: 19,
    letter: 'J',
    clear: ' ',
    name: 'FWCTL',
    module: true,
    meaning: 'the fwctl driver issued a destructive firmware command',
    implication: 'device firmware state was changed from user space',
  },
];

export function taintByLetter(letter: string): TaintFlag | undefined {
  return TAINT_FLAGS.find((t) => t.letter === letter);
}

/** The flag printed at position `index` of a `Tainted:` field, when `char` is its set letter (or 'G'). */
export function taintAtPosition(index: number, char: string): { flag: TaintFlag; set: boolean } | undefined {
  const flag = TAINT_FLAGS[index];
  if (!flag) return undefined;
  if (char === flag.letter) return { flag, set: true };
  if (index === 0 && char === 'G') return { flag, set: false };
  return undefined;
}
