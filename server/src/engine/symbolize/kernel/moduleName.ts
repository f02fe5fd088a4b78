// How a module is named: in the log (`[snd_hda_intel]`, `-` and `_` alike, as the kernel compares them) and
// by its debug file (`<module>.ko`, or a separate debug copy `<module>.ko.debug`, either possibly
// compressed). The one place these rules are written.
import * as path from 'node:path';

export type Compression = 'xz' | 'zst' | 'gz';

export interface ModuleFileName {
  /** The module's name, normalised. */
  module: string;
  compression: Compression | null;
}

const MODULE_FILE = /^(.+?)\.ko(?:\.debug)?(?:\.(xz|zst|gz))?$/;

/** Module names are compared with `-` and `_` treated alike, as the kernel does. */
export function normalizeModuleName(name: string): string {
  return name.replace(/-/g, '_');
}

/** The module a file is the debug file of, by its name (`buggy.ko.xz` → buggy, xz); null if none. */
export function moduleFileName(file: string): ModuleFileName | null {
  const m = MODULE_FILE.exec(path.basename(file));
  return m && { module: normalizeModuleName(m[1]), compression: (m[2] as Compression | undefined) ?? null };
}
