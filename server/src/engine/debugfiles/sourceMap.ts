// DWARF file names are build paths: `debian/build/build_amd64_none_amd64/fs/read_write.c` (relative to
// the build directory), `/build/reproducible-path/linux-6.1.192/arch/x86/entry/entry_64.S`,
// `/var/lib/dkms/buggy/1.0/build/buggy.c`. This maps them onto the user's tree: through `sourcePathMap`
// (build prefix -> local folder), else under a source root or workspace folder where the longest suffix of
// the path exists, else the path as is when it lies in one of those folders. A debug file names whatever
// paths it likes (`/home/u/.ssh/id_rsa`): only files inside the configured folders are ever returned, after
// resolving symlinks. A source that is nowhere still has a display form (`fs/read_write.c`).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface SourceMapOptions {
  /** `kernelOops.sourceRoot`: kernel trees and module source folders, searched in order. */
  sourceRoots?: string[];
  /** `kernelOops.sourcePathMap`: DWARF build prefix -> local folder (`~` expanded). */
  pathMap?: Record<string, string>;
  workspaceFolders?: string[];
  /** Injected for tests; default: a regular file. */
  exists?: (p: string) => boolean;
}

/** How long "not found" is believed: a file that appears (a checkout, a new workspace folder) is found soon. */
const MISS_TTL_MS = 2000;

/** Build-directory prefixes that say nothing to the reader (what decode_stacktrace.sh strips). */
const BUILD_PREFIXES: RegExp[] = [
  /^debian\/build\/[^/]+\//, // Debian: debian/build/build_amd64_none_amd64/
  /^\/build\/[^/]+\/linux-[^/]+\//, // Debian reproducible builds: /build/reproducible-path/linux-6.1.192/
  /^\/usr\/src\/(?:kernels|linux-headers)-[^/]+\//, // headers packages
  /^\/[^ ]*?\/linux-[0-9][^/]*\//, // any /…/linux-6.1.192/ source tree
  /^\/[^ ]*?\/rpmbuild\/BUILD\/kernel-[^/]+\/linux-[^/]+\//, // Fedora/RHEL
];

/** The short form shown to the user: the path inside the kernel tree when recognisable, else as is. */
export function displaySourcePath(file: string): string {
  for (const re of BUILD_PREFIXES) {
    const m = re.exec(file);
    if (m) return file.slice(m[0].length);
  }
  return file;
}

export class SourceMapper {
  private readonly hits = new Map<string, string>();
  private readonly misses = new Map<string, number>();
  private readonly exists: (p: string) => boolean;
  private readonly roots: string[];
  private readonly mappings: [string, string][];
  /** Real paths of every folder files may be read from. */
  private allowed: string[] | null = null;

  constructor(opts: SourceMapOptions = {}) {
    this.exists = opts.exists ?? isFile;
    this.roots = [...(opts.sourceRoots ?? []), ...(opts.workspaceFolders ?? [])]
      .filter((r) => r.trim() !== '')
      .map(expandHome);
    // Longest build prefix first.
    this.mappings = Object.entries(opts.pathMap ?? {})
      .filter(([from, to]) => from.trim() !== '' && to.trim() !== '')
      .map(([from, to]): [string, string] => [trimSlash(from), expandHome(to)])
      .sort((a, b) => b[0].length - a[0].length);
  }

  /** The local file for a DWARF path, or null when it is in none of the allowed folders. */
  resolve(dwarfPath: string): string | null {
    const hit = this.hits.get(dwarfPath);
    if (hit !== undefined) return hit;
    const missed = this.misses.get(dwarfPath);
    if (missed !== undefined && Date.now() - missed < MISS_TTL_MS) return null;
    const found = this.compute(dwarfPath);
    if (found) {
      this.hits.set(dwarfPath, found);
      this.misses.delete(dwarfPath);
    } else this.misses.set(dwarfPath, Date.now());
    return found;
  }

  /** One sentence for a hover: what was searched and which setting would find `dwarfPath`. */
  explainMiss(dwarfPath: string): string {
    const where = this.roots.length
      ? `not under ${this.roots.map((r) => `\`${r}\``).join(', ')}`
      : 'no source root or workspace folder is set';
    const dir = path.posix.dirname(dwarfPath.replace(/\\/g, '/'));
    const mapped = this.mappings.find(([from]) => isUnder(dwarfPath, from));
    if (mapped)
      return `Source file not found: \`${dwarfPath}\` maps to \`${mapped[1]}\` (\`kernelOops.sourcePathMap\`), where it does not exist or which is outside the source folders.`;
    return `Source file not found: \`${displaySourcePath(dwarfPath)}\` is ${where}. Add its tree to \`kernelOops.sourceRoot\`${path.posix.isAbsolute(dir) && dir !== '/' ? `, or map its build folder with \`kernelOops.sourcePathMap\` (\`{"${dir}": "/your/checkout"}\`)` : ''}.`;
  }

  /** `local` relative to the source root, path-map target or workspace folder it lies in (`buggy.c`), or null. */
  relativePath(local: string): string | null {
    for (const root of [...this.mappings.map(([, to]) => to), ...this.roots]) {
      const rel = path.relative(root, local);
      if (rel && !rel.startsWith('..') && !path.isAbsolute(rel)) return rel;
    }
    return null;
  }

  private compute(file: string): string | null {
    for (const [from, to] of this.mappings)
      if (isUnder(file, from)) {
        const candidate = path.join(to, file.slice(from.length));
        if (this.exists(candidate) && this.contained(candidate)) return candidate;
      }
    // `..` parts would climb out of a root: they are dropped with the other empty parts.
    const parts = file.split(/[\\/]+/).filter((p) => p && p !== '.' && p !== '..');
    if (parts.length === 0) return null;
    // Source roots first, then workspace folders; within a root the longest suffix wins.
    for (const root of this.roots)
      for (let i = 0; i < parts.length; i++) {
        const candidate = path.join(root, ...parts.slice(i));
        if (this.exists(candidate) && this.contained(candidate)) return candidate;
      }
    if (path.isAbsolute(file) && this.exists(file) && this.contained(file)) return file;
    return null;
  }

  /** Is `file` (symlinks resolved) inside a source root, a path-map target or a workspace folder? */
  private contained(file: string): boolean {
    this.allowed ??= [...this.roots, ...this.mappings.map(([, to]) => to)].map(realOrSelf);
    let real: string;
    try {
      real = fs.realpathSync(file);
    } catch {
      return false;
    }
    return this.allowed.some(
      (dir) => real === dir || real.startsWith(dir.endsWith(path.sep) ? dir : dir + path.sep),
    );
  }
}

function expandHome(p: string): string {
  const t = p.trim();
  return t === '~' ? os.homedir() : t.startsWith('~/') ? path.join(os.homedir(), t.slice(2)) : t;
}

function trimSlash(p: string): string {
  const t = p.trim();
  return t.length > 1 ? t.replace(/\/+$/, '') : t;
}

/** `file` is `prefix` itself or below it (whole path components). */
function isUnder(file: string, prefix: string): boolean {
  return (
    file.startsWith(prefix) &&
    (file.length === prefix.length || file[prefix.length] === '/' || prefix.endsWith('/'))
  );
}

function realOrSelf(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}

function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}
