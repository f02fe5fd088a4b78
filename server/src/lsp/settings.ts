// The `kernelOops.*` settings as the server sees them, with the manifest's defaults. Clients that cannot
// answer workspace/configuration (or standalone editors) pass the same object as initializationOptions
// or in workspace/didChangeConfiguration; anything missing or malformed falls back to the default.
import type { Severity } from '../engine';

export interface Settings {
  diagnostics: { enable: boolean; minimumSeverity: Severity; markConsequences: boolean };
  analysis: { debounceMs: number };
  /** Read by the VS Code client (which opens Log / Plain Text documents that look like kernel logs as
   * Kernel Log); kept here so that there is one list of settings and defaults. */
  detectByContent: boolean;
  /** Debug files and sources (paths: VS Code ignores workspace values of these in untrusted workspaces). */
  /** '' = not set. */
  vmlinux: string;
  modulePaths: string[];
  /** `kernelOops.sourceRoot`: one folder or a list (both accepted), kept as a list. */
  sourceRoot: string[];
  /** `kernelOops.sourcePathMap`: DWARF build prefix -> local folder. */
  sourcePathMap: Record<string, string>;
  systemMap: string;
  moduleMap: string;
  debuginfod: { enable: boolean };
  /** Optional cross-check through an installed tool: '' (off), addr2line, eu-addr2line, llvm-symbolizer. */
  symbolizer: { external: ExternalChoice };
}

export type ExternalChoice = '' | 'addr2line' | 'eu-addr2line' | 'llvm-symbolizer';
const EXTERNAL_TOOLS: readonly ExternalChoice[] = ['', 'addr2line', 'eu-addr2line', 'llvm-symbolizer'];

export const DEFAULT_SETTINGS: Settings = {
  diagnostics: { enable: true, minimumSeverity: 'information', markConsequences: true },
  analysis: { debounceMs: 300 },
  detectByContent: true,
  vmlinux: '',
  modulePaths: [],
  sourceRoot: [],
  sourcePathMap: {},
  systemMap: '',
  moduleMap: '',
  debuginfod: { enable: false },
  symbolizer: { external: '' },
};

const SEVERITIES: readonly Severity[] = ['error', 'warning', 'information'];

function obj(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === 'object' ? (v as Record<string, unknown>) : {};
}

/** Reads a (possibly partial, possibly hostile) `kernelOops` settings object over `base`. */
export function readSettings(raw: unknown, base: Settings = DEFAULT_SETTINGS): Settings {
  const d = obj(obj(raw).diagnostics);
  const a = obj(obj(raw).analysis);
  const bool = (v: unknown, dflt: boolean) => (typeof v === 'boolean' ? v : dflt);
  const debounce = a.debounceMs;
  const r = obj(raw);
  // A path setting: a string ('' = not set); anything else keeps the previous value.
  const pathOf = (v: unknown, dflt: string) => (typeof v === 'string' ? v.trim() : dflt);
  const paths = Array.isArray(r.modulePaths)
    ? r.modulePaths.filter((p): p is string => typeof p === 'string' && p.trim() !== '').map((p) => p.trim())
    : base.modulePaths;
  return {
    detectByContent: bool(r.detectByContent, base.detectByContent),
    vmlinux: pathOf(r.vmlinux, base.vmlinux),
    modulePaths: paths,
    sourceRoot: pathList(r.sourceRoot, base.sourceRoot),
    sourcePathMap: pathMap(r.sourcePathMap, base.sourcePathMap),
    systemMap: pathOf(r.systemMap, base.systemMap),
    moduleMap: pathOf(r.moduleMap, base.moduleMap),
    debuginfod: { enable: bool(obj(r.debuginfod).enable, base.debuginfod.enable) },
    symbolizer: {
      external: EXTERNAL_TOOLS.includes(obj(r.symbolizer).external as ExternalChoice)
        ? (obj(r.symbolizer).external as ExternalChoice)
        : base.symbolizer.external,
    },
    diagnostics: {
      enable: bool(d.enable, base.diagnostics.enable),
      minimumSeverity: SEVERITIES.includes(d.minimumSeverity as Severity)
        ? (d.minimumSeverity as Severity)
        : base.diagnostics.minimumSeverity,
      markConsequences: bool(d.markConsequences, base.diagnostics.markConsequences),
    },
    analysis: {
      debounceMs:
        typeof debounce === 'number' && Number.isFinite(debounce)
          ? Math.min(5000, Math.max(0, debounce))
          : base.analysis.debounceMs,
    },
  };
}

/** A folder list setting that also accepts a single string ('' = none); anything else keeps `dflt`. */
function pathList(v: unknown, dflt: string[]): string[] {
  if (typeof v === 'string') return v.trim() ? [v.trim()] : [];
  if (!Array.isArray(v)) return dflt;
  return v.filter((p): p is string => typeof p === 'string' && p.trim() !== '').map((p) => p.trim());
}

/** `{"/build/prefix": "~/src/tree"}`: string values only; anything else keeps `dflt`. */
function pathMap(v: unknown, dflt: Record<string, string>): Record<string, string> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return dflt;
  const out: Record<string, string> = {};
  for (const [from, to] of Object.entries(v as Record<string, unknown>))
    if (from.trim() && typeof to === 'string' && to.trim()) out[from.trim()] = to.trim();
  return out;
}

/** `true` when an event of severity `s` passes the `minimumSeverity` filter. */
export function severityAtLeast(s: Severity, minimum: Severity): boolean {
  return SEVERITIES.indexOf(s) <= SEVERITIES.indexOf(minimum);
}
