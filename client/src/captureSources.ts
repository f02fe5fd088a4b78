// Where a boot's kernel log can be read from, in the order capture tries them, and how to tell an empty
// or forbidden answer from a log. Pure (no vscode), unit-tested in client/test/unit/.
export type Boot = 'this' | 'previous';

export type CaptureSource =
  { kind: 'command'; command: string; args: string[] } | { kind: 'file'; path: string };

/** The syslog file read last (Debian's rsyslog); KERNEL_OOPS_LENS_KERN_LOG names another (tests). */
export function kernLogPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.KERNEL_OOPS_LENS_KERN_LOG || '/var/log/kern.log';
}

/**
 * The journal first (it keeps earlier boots), then the ring buffer (this boot only), then syslog's file
 * (every boot it kept, the previous one among them).
 */
export function captureSources(boot: Boot, kernLog = kernLogPath()): CaptureSource[] {
  const journal: CaptureSource = {
    kind: 'command',
    command: 'journalctl',
    args: ['-k', '-b', boot === 'this' ? '0' : '-1', '-o', 'short-monotonic', '--no-pager'],
  };
  const dmesg: CaptureSource = { kind: 'command', command: 'dmesg', args: [] };
  const file: CaptureSource = { kind: 'file', path: kernLog };
  return boot === 'this' ? [journal, dmesg, file] : [journal, file];
}

export function describeSource(s: CaptureSource): string {
  return s.kind === 'file' ? s.path : [s.command, ...s.args].join(' ');
}

/** What journalctl prints instead of log lines: `-- No entries --`, `-- Boot … --`, its hints. */
const NOT_LOG = /^(?:--.*--|Hint: .*|\s*)$/;

/** Does the text hold at least one line of log (not only journalctl's markers and hints)? */
export function hasLogLines(text: string): boolean {
  return text.split(/\r?\n/).some((l) => !NOT_LOG.test(l));
}

/**
 * A refusal for lack of privilege: dmesg under kernel.dmesg_restrict (`Operation not permitted`),
 * journalctl outside the adm / systemd-journal groups, an unreadable file (EACCES, EPERM).
 */
export function isPermissionProblem(message: string): boolean {
  return /Operation not permitted|Permission denied|insufficient permissions|not seeing messages from other users|EACCES|EPERM/i.test(
    message,
  );
}

/** One message: what was tried and, when privilege was missing, how to get the log anyway. */
export function captureFailureMessage(label: string, failures: string[]): string {
  const tried = failures.join('; ');
  if (failures.some(isPermissionProblem))
    return (
      `Kernel Oops Lens: not allowed to read the kernel log of ${label} (${tried}). The kernel keeps its log ` +
      'from unprivileged users (kernel.dmesg_restrict = 1): run "sudo dmesg > dmesg.txt" or "sudo journalctl -k -b -1 > kernel.log", ' +
      'or join the adm / systemd-journal group, then use "Open kernel log: from a file…".'
    );
  return `Kernel Oops Lens: no kernel log of ${label} found (${tried}).`;
}

/** Folders given in KERNEL_OOPS_LENS_PSTORE_DIRS (`:`-separated; tests), else null: the server's defaults. */
export function pstoreDirs(env: NodeJS.ProcessEnv = process.env): string[] | null {
  const dirs = env.KERNEL_OOPS_LENS_PSTORE_DIRS?.split(':').filter(Boolean);
  return dirs && dirs.length ? dirs : null;
}

/** Why no pstore dump was shown: nothing kept, or files only root may read (pstore's own are mode 0400). */
export function pstoreFailureMessage(problems: readonly string[]): string {
  const tried = problems.length
    ? ` (${problems.slice(0, 3).join('; ')}${problems.length > 3 ? '; …' : ''})`
    : '';
  if (problems.some(isPermissionProblem))
    return (
      `Kernel Oops Lens: not allowed to read the pstore dumps${tried}. They are readable by root only: ` +
      'copy them with "sudo cp -r /sys/fs/pstore ~/pstore && sudo chown -R $USER ~/pstore", then choose that folder.'
    );
  return `Kernel Oops Lens: no pstore dump found${tried}: the machine kept no crash log in pstore (ramoops or EFI).`;
}
