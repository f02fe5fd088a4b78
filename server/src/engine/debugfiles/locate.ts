// Where the debug files for a log are: the settings first, then the places distributions install them
// for the release the log prints (`6.1.0-56-amd64`), then the workspace folders. Pure file-system work,
// bounded so that a huge tree never stalls the caller for long.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FILE_LIMITS, regularFileProblem } from '../safeFile';
import { moduleFileName, normalizeModuleName } from '../symbolize';

export interface DebugFileSettings {
  /** Path of a vmlinux with DWARF (`kernelOops.vmlinux`). */
  vmlinux: string | null;
  /** Files or folders searched for `<module>.ko` (`kernelOops.modulePaths`). */
  modulePaths: string[];
  /** System.map or a /proc/kallsyms copy (`kernelOops.systemMap`). */
  systemMap: string | null;
  /** A /proc/modules or sysfs sections dump (`kernelOops.moduleMap`). */
  moduleMap: string | null;
}

export const NO_DEBUG_FILE_SETTINGS: DebugFileSettings = {
  vmlinux: null,
  modulePaths: [],
  systemMap: null,
  moduleMap: null,
};

export interface LocateRequest {
  settings: DebugFileSettings;
  /** `uname -r` as printed in the log (`CPU: 0 PID: 1 Comm: x Not tainted 6.1.0-56-amd64 #1`). */
  release: string | null;
  /** Module names the frames need (as printed; `-` and `_` are the same). */
  modules: string[];
  workspaceFolders?: string[];
  /** Root of the system search (tests point it at a temporary tree); default `/`, null = no system search. */
  systemRoot?: string | null;
  /** Upper bound on directory entries visited per search root. */
  maxEntries?: number;
}

export interface LocatedFile {
  path: string;
  /** Why this file: `setting`, `release search`, `workspace`. */
  source: string;
}

export interface LocatedFiles {
  vmlinux: LocatedFile | null;
  /** Normalised module name -> file (possibly compressed: see prepareDebugFile). */
  modules: Map<string, LocatedFile>;
  systemMap: string | null;
  moduleMap: string | null;
  /** One line each: settings that name missing files, etc. */
  notes: string[];
}

const DEFAULT_MAX_ENTRIES = 50_000;
const SKIP_DIRS = new Set(['.git', 'node_modules', '.svn', '.hg']);

// A kernel release (`uname -r`) as the kernel's build allows it; the log's text is joined into paths, so
// anything else (`/`, `..`, a lone `.`) would let a log choose which file or folder we open.
const KERNEL_RELEASE = /^[A-Za-z0-9._+~-]{1,64}$/;

/** Is `release` a kernel release that is safe to join into a path (no `/`, no `..`, not `.`)? */
export function isKernelRelease(release: string): boolean {
  return KERNEL_RELEASE.test(release) && release !== '.' && !release.includes('..');
}

/** The vmlinux paths distributions use for `release`, in the order tools look at them ([] for a bad release). */
export function vmlinuxCandidates(release: string, root = '/'): string[] {
  if (!isKernelRelease(release)) return [];
  return [
    `usr/lib/debug/boot/vmlinux-${release}`,
    `usr/lib/debug/lib/modules/${release}/vmlinux`,
    `usr/lib/debug/vmlinux-${release}`,
    `lib/modules/${release}/build/vmlinux`,
    `boot/vmlinux-${release}`,
  ].map((p) => path.join(root, p));
}

/** Folders searched for modules of `release`: debug copies first (distribution .ko files are stripped). */
export function moduleDirCandidates(release: string, root = '/'): string[] {
  if (!isKernelRelease(release)) return [];
  return [
    `usr/lib/debug/lib/modules/${release}`,
    `usr/lib/debug/modules/${release}`,
    `lib/modules/${release}`,
  ].map((p) => path.join(root, p));
}

export function locateDebugFiles(req: LocateRequest): LocatedFiles {
  const notes: string[] = [];
  const s = req.settings;
  const root = req.systemRoot === undefined ? '/' : req.systemRoot;
  const ws = req.workspaceFolders ?? [];
  const max = req.maxEntries ?? DEFAULT_MAX_ENTRIES;
  let release = req.release;
  if (release !== null && !isKernelRelease(release)) {
    notes.push(
      `the log's release ${JSON.stringify(release.slice(0, 80))} is not a kernel release: not searched`,
    );
    release = null;
  }

  let vmlinux: LocatedFile | null = null;
  if (s.vmlinux) {
    const problem = regularFileProblem(s.vmlinux);
    if (!problem) vmlinux = { path: s.vmlinux, source: 'setting' };
    else notes.push(`vmlinux ${s.vmlinux}: ${problem}`);
  }
  if (!vmlinux && release && root !== null) {
    const hit = vmlinuxCandidates(release, root).find(isFile);
    if (hit) vmlinux = { path: hit, source: `release search (${release})` };
  }
  if (!vmlinux)
    for (const w of ws) {
      const p = path.join(w, 'vmlinux');
      if (isFile(p)) {
        vmlinux = { path: p, source: 'workspace' };
        break;
      }
    }

  const wanted = new Set(req.modules.map(normalizeModuleName));
  const modules = new Map<string, LocatedFile>();
  const searchIn = (entries: string[], source: string) => {
    for (const e of entries) {
      if (![...wanted].some((m) => !modules.has(m))) return;
      findModules(e, wanted, modules, source, max);
    }
  };
  for (const p of s.modulePaths) if (!fs.existsSync(p)) notes.push(`module path ${p} does not exist`);
  searchIn(s.modulePaths, 'setting');
  if (release && root !== null) searchIn(moduleDirCandidates(release, root), `release search (${release})`);
  searchIn(ws, 'workspace');

  const fileSetting = (name: string, p: string | null) => {
    if (!p) return null;
    const problem = regularFileProblem(p, FILE_LIMITS.map);
    if (!problem) return p;
    notes.push(`${name} ${p}: ${problem}`);
    return null;
  };
  return {
    vmlinux,
    modules,
    systemMap: fileSetting('systemMap', s.systemMap),
    moduleMap: fileSetting('moduleMap', s.moduleMap),
    notes,
  };
}

/**
 * Adds to `into` every wanted module found under `entry` (a `.ko` file or a folder searched recursively,
 * at most `max` entries). An uncompressed `.ko` beats a compressed one found in the same root; earlier
 * roots beat later ones.
 */
export function findModules(
  entry: string,
  wanted: Set<string>,
  into: Map<string, LocatedFile>,
  source: string,
  max = DEFAULT_MAX_ENTRIES,
): void {
  const found = new Map<string, string>();
  const consider = (file: string) => {
    const name = moduleFileName(file)?.module;
    if (!name) return;
    if (!wanted.has(name) || into.has(name)) return;
    const prev = found.get(name);
    if (!prev || (compressionOf(prev) && !compressionOf(file))) found.set(name, file);
  };
  let st: fs.Stats;
  try {
    st = fs.statSync(entry);
  } catch {
    return;
  }
  if (st.isFile()) consider(entry);
  else if (st.isDirectory()) {
    const stack = [entry];
    let seen = 0;
    while (stack.length && seen < max) {
      const d = stack.pop()!;
      let list: fs.Dirent[];
      try {
        list = fs.readdirSync(d, { withFileTypes: true });
      } catch {
        continue;
      }
      for (const e of list) {
        if (++seen > max) break;
        const p = path.join(d, e.name);
        if (e.isDirectory()) {
          if (!SKIP_DIRS.has(e.name)) stack.push(p);
        } else if (e.isFile() || e.isSymbolicLink()) consider(p);
      }
    }
  }
  for (const [name, file] of found) into.set(name, { path: file, source });
}

/** `xz`, `zst`, `gz` for a compressed module file, else null. */
export function compressionOf(file: string): 'xz' | 'zst' | 'gz' | null {
  const m = /\.(xz|zst|gz)$/.exec(file);
  return m ? (m[1] as 'xz' | 'zst' | 'gz') : null;
}

function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}
