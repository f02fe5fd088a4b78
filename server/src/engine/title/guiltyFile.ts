// The source file to blame, as syzkaller picks it for its To: list (pkg/report/linux.go extractGuiltyFile):
// the first `path.c:123` / `path.h:123` of the report that is not generic infrastructure (headers,
// lib/, sanitizers, allocators, locking, scheduling, the core of the network stack…). For RCU stalls the
// search starts at the timer interrupt, past the stall machinery.

/** Files that never explain a bug by themselves (syzkaller's guilty-file blacklist), tested on the path. */
export const GENERIC_FILE_PATTERNS: readonly RegExp[] = [
  /.*\.h/,
  /^lib\/.*/,
  /^virt\/lib\/.*/,
  /^mm\/kasan\/.*/,
  /^mm\/kmsan\/.*/,
  /^kernel\/kcov\.c/,
  /^mm\/sl.b\.c/,
  /^mm\/memory\.c/,
  /^mm\/percpu.*/,
  /^mm\/vmalloc\.c/,
  /^mm\/page_alloc\.c/,
  /^mm\/util\.c/,
  /^kernel\/rcu\/.*/,
  /^arch\/.*\/kernel\/traps\.c/,
  /^arch\/.*\/mm\/fault\.c/,
  /^arch\/.*\/mm\/physaddr\.c/,
  /^kernel\/locking\/.*/,
  /^kernel\/panic\.c/,
  /^kernel\/printk\/printk.*\.c/,
  /^kernel\/softirq\.c/,
  /^kernel\/kthread\.c/,
  /^kernel\/sched\/.*\.c/,
  /^kernel\/time\/timer\.c/,
  /^kernel\/workqueue\.c/,
  /^net\/core\/dev\.c/,
  /^net\/core\/sock\.c/,
  /^net\/core\/skbuff\.c/,
  /^fs\/proc\/generic\.c/,
  /^trusty\//,
];

/** syzkaller's filenameRe: a C source or header path and a line number. */
const FILE_LINE = /[a-zA-Z0-9_\-./]*[a-zA-Z0-9_-]+\.[ch]:[0-9]+/g;

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
  return m ? m[1] : clean;
}

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
  const text = lines.join('\n');
  if (title.startsWith('INFO: rcu detected stall')) {
    const at = text.indexOf(' apic_timer_interrupt+0x');
    const file = at >= 0 ? firstNonGeneric(text.slice(at)) : null;
    if (file) return file;
  }
  return firstNonGeneric(text);
}

function firstNonGeneric(text: string): string | null {
  let first: string | null = null;
  for (const m of text.matchAll(FILE_LINE)) {
    const file = kernelRelativePath(m[0].slice(0, m[0].lastIndexOf(':')));
    if (!GENERIC_FILE_PATTERNS.some((re) => re.test(file))) return file;
    first ??= file;
  }
  // Only generic files: the first one still names someone to send the report to.
  return first;
}
