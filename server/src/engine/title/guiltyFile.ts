// The source file to blame, as syzkaller picks it for its To: list (pkg/report/linux.go extractGuiltyFile):
// the first `path.c:123` / `path.h:123` of the report that is not generic infrastructure (headers,
// lib/, sanitizers, allocators, locking, scheduling, the core of the network stack…). For RCU stalls the
// search starts at the timer interrupt, past the stall machinery.

/** Files that never explain a bug by themselves (syzkaller's guiltyFileIgnores, pkg/report/linux.go as of
 *  2026), tested on the path. */
export const GENERIC_FILE_PATTERNS: readonly RegExp[] = [
  /.*\.h/,
  /^lib\/.*/,
  /^virt\/lib\/.*/,
  /^mm\/kasan\/.*/,
  /^mm\/kmsan\/.*/,
  /^kernel\/kcov\.c/,
  // Unescaped dot as in syzkaller: also mm/slab_common.c (`sl` `a` `b` `_` `c`).
  /^mm\/sl.b.c/,
  /^mm\/filemap\.c/,
  /^mm\/folio-compat\.c/,
  /^mm\/truncate\.c/,
  /^mm\/memory\.c/,
  /^mm\/percpu.*/,
  /^mm\/vmalloc\.c/,
  /^mm\/page_alloc\.c/,
  /^mm\/mempool\.c/,
  /^mm\/util\.c/,
  /^kernel\/rcu\/.*/,
  /^arch\/.*\/kernel\/traps\.c/,
  /^arch\/.*\/kernel\/unwind.*\.c/,
  /^arch\/.*\/mm\/fault\.c/,
  /^arch\/.*\/mm\/physaddr\.c/,
  /^arch\/.*\/kernel\/stacktrace\.c/,
  /^arch\/.*\/kernel\/apic\/apic\.c/,
  /^arch\/arm64\/kernel\/entry.*\.c/,
  /^arch\/arm64\/kernel\/process\.c/,
  /^kernel\/locking\/.*/,
  /^kernel\/panic\.c/,
  /^kernel\/printk\/printk.*\.c/,
  /^kernel\/softirq\.c/,
  /^kernel\/kthread\.c/,
  /^kernel\/sched\/.*\.c/,
  /^kernel\/stacktrace\.c/,
  /^kernel\/time\/timer\.c/,
  /^kernel\/workqueue\.c/,
  /^net\/core\/dev\.c/,
  /^net\/core\/sock\.c/,
  /^net\/core\/skbuff\.c/,
  /^fs\/proc\/generic\.c/,
  /^trusty\//,
  // A WARNING in urb.c is nearly always a driver's bug; a crash in a CRC routine, its caller's.
  /^drivers\/usb\/core\/urb\.c/,
  /^arch\/.*\/lib\/crc.*/,
];

/** Lines whose file:line never blames: lockdep's irq-state lines, arm's register dump, and the held-lock list
 *  (` #0: ffff… (&kvm->srcu){…}, at: f+0x1/0x2 file.c:12`: where a lock was taken, not what went wrong; the
 *  syzkaller guilty test data blames the stack below it). */
const IGNORED_LINE =
  /(?:hardirqs|softirqs)\s+last\s+(?:enabled|disabled)|^Register r\d+ information|^\s{0,4}#\d{1,3}: .{0,200}\bat: /;
/** An unreliable trace entry (`? foo+0x1/0x2`): not part of the report syzkaller reads. */
const QUESTIONABLE_FRAME = /(?:\[<[0-9a-f]+>\])? \? /;
/** A path one directory deeper or more below another: `/sub/dir/file.c` after the first guilty file's folder. */
const DEEPER_PATH = /^\/[a-zA-Z0-9_\-./]+\/[a-zA-Z0-9_-]+\.[ch]$/;

/**
 * syzkaller's filenameRe, `[a-zA-Z0-9_\-./]*[a-zA-Z0-9_-]+\.[ch]:[0-9]+`: a C source or header path and a
 * line number. As a regular expression it backtracks cubically on a long run of path characters that holds
 * none (an 8,000-character hex string in a syzkaller program hung `report`); found here in one pass instead:
 * each `.c:`/`.h:` followed by a digit, after a name character, extended back over the path characters before
 * it — where that regular expression's leftmost match starts, as a `:` ends every run of them.
 */
export function firstFileLine(line: string): string | null {
  for (let dot = line.indexOf('.'); dot > 0; dot = line.indexOf('.', dot + 1)) {
    const ext = line.charCodeAt(dot + 1);
    if ((ext !== 99 && ext !== 104) /* c h */ || line.charCodeAt(dot + 2) !== 58 /* : */) continue;
    if (!isDigit(line.charCodeAt(dot + 3)) || !isNameChar(line.charCodeAt(dot - 1))) continue;
    let start = dot - 1;
    while (start > 0 && isPathChar(line.charCodeAt(start - 1))) start--;
    let end = dot + 3;
    while (isDigit(line.charCodeAt(end))) end++;
    return line.slice(start, end);
  }
  return null;
}

const isDigit = (c: number) => c >= 48 && c <= 57;
/** `[a-zA-Z0-9_-]` */
const isNameChar = (c: number) =>
  isDigit(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 /* _ */ || c === 45; /* - */
/** `[a-zA-Z0-9_\-./]` */
const isPathChar = (c: number) => isNameChar(c) || c === 46 /* . */ || c === 47; /* / */

/** The top-level folders of a kernel tree: where a build path's kernel-relative part starts. */
const KERNEL_TOP =
  /(?:^|\/)((?:arch|block|certs|crypto|drivers|fs|include|init|io_uring|ipc|kernel|lib|mm|net|rust|samples|security|sound|virt)\/.*)$/;

/**
 * `path` as a path inside the kernel tree: `./` dropped, and a relative build prefix (Debian's DWARF says
 * `debian/build/build_amd64_none_amd64/fs/proc/inode.c`) cut before the first top folder. Absolute paths
 * stay: out-of-tree modules (`/var/lib/dkms/…`) have no place in the tree.
 */
export function kernelRelativePath(path: string): string {
  const clean = cleanPath(path);
  if (clean.startsWith('/')) return clean;
  const m = KERNEL_TOP.exec(clean);
  // Only a build directory is cut (a component naming a build or object folder): `driver/foo/lib/foo.c`
  // is a path of its own, not `lib/foo.c`.
  return m && (m.index === 0 || BUILD_PREFIX.test(clean.slice(0, m.index))) ? m[1] : clean;
}

/** A relative build directory before the kernel tree: `debian/build/build_amd64_none_amd64`, `out`, `obj-x86`. */
const BUILD_PREFIX = /(?:^|\/)(?:[\w.-]*build[\w.-]*|out|obj[\w.-]*)(?:\/|$)/i;

/** Go's filepath.Clean for the paths a log prints: `./`, `//` and `dir/..` folded. */
function cleanPath(p: string): string {
  const abs = p.startsWith('/');
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..' && out.length > 0 && out[out.length - 1] !== '..') out.pop();
    else if (part !== '..' || !abs) out.push(part);
  }
  return (abs ? '/' : '') + out.join('/') || (abs ? '/' : '.');
}

/** The guilty file of a report's lines (prefixes already stripped), or null when it names no source file. */
export function guiltyFileOf(lines: readonly string[], title: string): string | null {
  const own = lines.filter((l) => !QUESTIONABLE_FRAME.test(l));
  if (title.startsWith('INFO: rcu detected stall')) {
    // Past the stall machinery: the search starts at the interrupt entry.
    for (const entry of ['apic_timer_interrupt+0x', 'el1h_64_irq+0x', 'Exception stack']) {
      const at = own.findIndex((l) => l.includes(entry));
      const file = at >= 0 ? firstNonGeneric(own.slice(at)) : null;
      if (file) return file;
    }
  }
  return firstNonGeneric(own);
}

/** The first file:line that is not generic, refined to a deeper file of the same folder further down (a
 *  driver's `drivers/net/wireless/foo/bar.c` below its `drivers/net/wireless/core.c`); the first file of all
 *  when every one is generic. */
function firstNonGeneric(lines: readonly string[]): string | null {
  let first: string | null = null;
  let guilty: string | null = null;
  let i = 0;
  // As syzkaller reads it: one file:line per line, the first of the line.
  for (; i < lines.length && guilty === null; i++) {
    const m = firstFileLine(lines[i]);
    if (!m) continue;
    const file = kernelRelativePath(m.slice(0, m.lastIndexOf(':')));
    first ??= file;
    if (!isGeneric(file, lines[i])) guilty = file;
  }
  if (guilty === null) return first;
  let folder = dirname(guilty);
  for (; i < lines.length; i++) {
    const m = firstFileLine(lines[i]);
    if (!m) continue;
    const file = kernelRelativePath(m.slice(0, m.lastIndexOf(':')));
    if (isGeneric(file, lines[i]) || !file.startsWith(folder)) continue;
    if (DEEPER_PATH.test(file.slice(folder.length))) {
      guilty = file;
      folder = dirname(file);
    }
  }
  return guilty;
}

function isGeneric(file: string, line: string): boolean {
  return IGNORED_LINE.test(line) || GENERIC_FILE_PATTERNS.some((re) => re.test(file));
}

function dirname(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '.' : slash === 0 ? '/' : path.slice(0, slash);
}
