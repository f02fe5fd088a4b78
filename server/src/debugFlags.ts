// The DEBUG FILES flags `decode`, `report`, `analyze --json` and `triage` share: --vmlinux, --modules,
// --system-map, --module-map, --cross-check.
import { statSync } from 'node:fs';
import { moduleFileName, type DebugFileSettings, type ExternalTool } from './engine';

/** Bad usage: the CLI prints the message and exits 2. */
export class UsageError extends Error {}

export interface DebugOptions {
  settings: DebugFileSettings;
  given: boolean;
  crossCheck?: ExternalTool;
}

export function newDebugOptions(): DebugOptions {
  return { settings: { vmlinux: null, modulePaths: [], systemMap: null, moduleMap: null }, given: false };
}

const EXTERNAL_TOOLS: readonly ExternalTool[] = ['addr2line', 'eu-addr2line', 'llvm-symbolizer'];

/** Parses the DEBUG FILES flags at `args[i]`; returns the index of the next argument, or -1 if none matched. */
export function debugFlag(args: string[], i: number, d: DebugOptions): number {
  const value = (flag: string) => {
    const v = args[i + 1];
    if (v === undefined || v.startsWith('--')) throw new UsageError(`${flag} needs a file`);
    return v;
  };
  switch (args[i]) {
    case '--vmlinux':
      d.settings.vmlinux = value('--vmlinux');
      break;
    case '--system-map':
      d.settings.systemMap = value('--system-map');
      break;
    case '--module-map':
      d.settings.moduleMap = value('--module-map');
      break;
    case '--cross-check': {
      const tool = value('--cross-check') as ExternalTool;
      if (!EXTERNAL_TOOLS.includes(tool))
        throw new UsageError(`--cross-check takes ${EXTERNAL_TOOLS.join(', ')}`);
      d.crossCheck = tool;
      return i + 2;
    }
    case '--modules': {
      let j = i + 1;
      // Folders and module files only, so that `--modules DIR FILE.log` leaves the log as the input.
      while (j < args.length && !args[j].startsWith('-') && isModulePath(args[j]))
        d.settings.modulePaths.push(args[j++]);
      if (j === i + 1) throw new UsageError('--modules needs at least one file or folder');
      d.given = true;
      return j;
    }
    default:
      return -1;
  }
  d.given = true;
  return i + 2;
}

function isModulePath(p: string): boolean {
  if (moduleFileName(p)) return true;
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}
