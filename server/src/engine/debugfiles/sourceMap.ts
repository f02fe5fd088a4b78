// DWARF file names are build paths: `debian/build/build_amd64_none_amd64/fs/read_write.c` (relative to
// the build directory), `/build/reproducible-path/linux-6.1.192/arch/x86/entry/entry_64.S`,
// `/var/lib/dkms/buggy/1.0/build/buggy.c`. This maps them onto the user's tree: the path as is when it
// exists, else under `sourceRoot`, else under the workspace folder where the longest suffix of the path
// exists. A source that is nowhere still has a display form (`fs/read_write.c`) for hints and hovers.
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface SourceMapOptions {
  sourceRoot?: string | null;
  workspaceFolders?: string[];
  /** Injected for tests; default fs.existsSync on a regular file. */
  exists?: (p: string) => boolean;
}

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
  private readonly cache = new Map<string, string | null>();
  private readonly exists: (p: string) => boolean;

  constructor(private readonly opts: SourceMapOptions = {}) {
    this.exists = opts.exists ?? isFile;
  }

  /** The local file for a DWARF path (absolute), or null when it is nowhere to be found. */
  resolve(dwarfPath: string): string | null {
    let hit = this.cache.get(dwarfPath);
    if (hit === undefined) {
      hit = this.compute(dwarfPath);
      this.cache.set(dwarfPath, hit);
    }
    return hit;
  }

  private compute(file: string): string | null {
    const parts = file.split(/[\\/]+/).filter((p) => p && p !== '.');
    if (parts.length === 0) return null;
    const roots = [this.opts.sourceRoot, ...(this.opts.workspaceFolders ?? [])].filter(
      (r): r is string => !!r,
    );
    // sourceRoot first, then workspace folders; within a root the longest suffix wins.
    for (const root of roots)
      for (let i = 0; i < parts.length; i++) {
        const candidate = path.join(root, ...parts.slice(i));
        if (this.exists(candidate)) return candidate;
      }
    if (path.isAbsolute(file) && this.exists(file)) return file;
    return null;
  }
}

function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}
