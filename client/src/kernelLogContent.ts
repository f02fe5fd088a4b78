// Recognises a kernel log by its content, for documents VS Code opened as Log, Plain Text or guessed
// Markdown (it picks `.log`/`.txt` before any firstLine rule, so the manifest alone cannot). This is the
// only kernel knowledge in the client: the decision must be made before the server ever sees the text.
// Pure (no vscode import), so the unit tests run it on real logs and on C, Markdown and app logs.

/** How much of a document is read: enough for a boot banner or a report header, cheap on any file. */
export const DETECT_LIMIT = 64 * 1024;

/** Line prefixes only the kernel's log forms have: printk timestamps, dmesg -T, /dev/kmsg records,
 * dmesg -x facilities, syslog/journal lines from `kernel` (after printk's own `** N printk messages
 * dropped **`). */
const KERNEL_PREFIX =
  String.raw`(?:\*\* \d+ printk messages dropped \*\* ?)?(?:` +
  [
    String.raw`(?:<\d{1,3}>)?\[ {0,12}\d{1,12}\.\d{6}\]`,
    String.raw`\[[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \d{4}\]`,
    String.raw`\d{1,3},\d{1,20},\d{1,20},[-+c][^;\n]{0,16};`,
    String.raw`kern {0,2}:[a-z]{3,6} *: `,
    String.raw`(?:[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d|\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d\S*) \S+ kernel(?:\[\d+\])?: `,
  ].join('|') +
  ')';
/** A printk caller id after the timestamp (`[ T123]`, `[  C1]`). */
const CALLER_ID = String.raw`(?: ?\[ {0,6}[TC]\d{1,7}\])?`;
const ESCAPES = /\x1b(?:\[[0-9;?]*[ -/]*[@-~]|[@-Z\\-_])/g;

/** Lines the kernel prints in reports and at boot, matched at the start of a line after any prefix. Each
 * kind counts once, so a text that repeats one phrase is not taken for a log. */
const MARKERS: readonly (readonly [kind: string, pattern: string])[] = [
  ['banner', String.raw`Linux version \d+\.\d+\S* \(`],
  ['call trace', String.raw`Call [Tt]race:[ \t]*$`],
  ['oops', String.raw`(?:Internal error: )?Oops(?: - \w+)?: `],
  ['bug', String.raw`BUG: \S`],
  ['warning', String.raw`WARNING: (?:CPU: \d+ PID: \d+|at \S|[a-z])`],
  ['panic', String.raw`Kernel panic - not syncing`],
  ['cpu line', String.raw`CPU: \d+ (?:UID: \d+ )?PID: \d+ Comm: `],
  ['hardware', String.raw`Hardware name: `],
  ['modules', String.raw`Modules linked in:`],
  ['ip', String.raw`(?:RIP: [0-9a-f]{4}:|EIP: |pc : \[?<?[0-9a-f]{8}|NIP: +\[?[0-9a-f]{8})`],
  ['gprs', String.raw`(?:R[A-D]X|E[A-D]X|x\d{1,2} ?): [0-9a-f]{8}`],
  ['stall', String.raw`(?:rcu: INFO: rcu_\w+ (?:self-)?detected stall|INFO: task \S+ blocked for more than)`],
  [
    'hung task',
    String.raw`(?:"echo 0 > /proc/sys/kernel/hung_task_timeout_secs" disables|task:\S+ +state:[A-Z])`,
  ],
  ['kmemleak', String.raw`unreferenced object 0x[0-9a-f]+ \(size \d+\):`],
  ['lockup', String.raw`watchdog: BUG: soft lockup`],
  ['oom', String.raw`\S+ invoked oom-killer: gfp_mask=`],
  ['frame', String.raw`[ \t]*(?:\[<[0-9a-f]{8,16}>\] )?(?:\? )?[\w.]+\+0x[0-9a-f]+/0x[0-9a-f]+`],
  ['syzbot', String.raw`syzbot (?:found|has found|has tested)`],
  ['syzbot head', String.raw`HEAD commit: +[0-9a-f]{12}`],
  ['syzbot tree', String.raw`git tree: +\S`],
  ['syzbot dashboard', String.raw`dashboard link: https?://syzkaller\.`],
];

// One pass each over the text (multiline regexes run as native code on long input; a per-line loop of
// small regexes costs ~10 ms of regex tier-up on the first file opened).
const PREFIXED_LINE = new RegExp(`^${KERNEL_PREFIX}`, 'gm');
const MARKER_LINE = new RegExp(
  `^(?:${KERNEL_PREFIX}${CALLER_ID} ?)?(?:${MARKERS.map(([, p]) => `(${p})`).join('|')})`,
  'gm',
);
const NON_BLANK_LINE = /^[ \t]*\S/gm;

export interface KernelLogEvidence {
  /** Kinds of kernel lines seen (`banner`, `call trace`, …). */
  markers: Set<string>;
  /** Lines with a kernel-only prefix (printk timestamp, journal `kernel:`…). */
  prefixed: number;
  /** Non-blank lines read. */
  lines: number;
}

function count(re: RegExp, text: string): number {
  re.lastIndex = 0;
  let n = 0;
  while (re.exec(text)) n++;
  return n;
}

/** What in the first DETECT_LIMIT characters of `text` speaks for a kernel log. */
export function kernelLogEvidence(text: string): KernelLogEvidence {
  let head = text;
  if (text.length > DETECT_LIMIT) {
    // A cut last line may be half a line: leave it out.
    head = text.slice(0, DETECT_LIMIT);
    head = head.slice(0, Math.max(head.lastIndexOf('\n'), head.lastIndexOf('\r'), 0));
  }
  if (head.includes('\x1b')) head = head.replace(ESCAPES, '');
  const markers = new Set<string>();
  MARKER_LINE.lastIndex = 0;
  for (let m; (m = MARKER_LINE.exec(head));) {
    const group = m.findIndex((g, i) => i > 0 && g !== undefined);
    if (group > 0) markers.add(MARKERS[group - 1][0]);
  }
  return { markers, prefixed: count(PREFIXED_LINE, head), lines: count(NON_BLANK_LINE, head) };
}

/** Two kinds of kernel line, or kernel-prefixed lines that are common enough (a fifth of the text) or
 * come with one kernel line: a boot log, a report without timestamps, a journal, a syzbot email. */
function isKernelLog(e: KernelLogEvidence): boolean {
  if (e.markers.size >= 2) return true;
  if (e.prefixed < 3) return false;
  return e.markers.size >= 1 || e.prefixed * 5 >= e.lines;
}

export function looksLikeKernelLog(text: string): boolean {
  return isKernelLog(kernelLogEvidence(text));
}

/** Markdown files named so by their author are theirs; other Markdown is VS Code's guess from content. */
const MARKDOWN_EXTENSIONS = /\.(?:md|markdown|mdown|mkdn?|mdwn|mdtxt|mdtext|workbook)$/i;
/** Documents backed by something the user opens as a file; not output channels, diffs, settings… */
const SCHEMES = new Set(['file', 'untitled', 'vscode-remote', 'vscode-vfs']);

/** Whether a document VS Code opened as `languageId` may be switched after a look at its content:
 * only when VS Code had nothing better than Log / Plain Text, or guessed Markdown. */
export function mayDetect(languageId: string, scheme: string, path: string): boolean {
  if (!SCHEMES.has(scheme)) return false;
  if (languageId === 'log' || languageId === 'plaintext') return true;
  return languageId === 'markdown' && (scheme === 'untitled' || !MARKDOWN_EXTENSIONS.test(path));
}
