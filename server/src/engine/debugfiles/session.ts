// One log's symbolization from start to end, shared by `oops-lens` and the language server's worker:
// locate the debug files, decompress modules, check build ids, fetch from debuginfod, then symbolize
// every frame. Never throws for bad files: problems become one-line messages and per-frame errors.
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  openDebugFile,
  parseLogMaps,
  LogMapsReader,
  Symbolizer,
  SymbolizeError,
  ExternalSymbolizer,
  normalizeModuleName,
  type ExternalQuery,
  type ExternalTool,
  type FrameSymbolization,
  type LogMaps,
  type SourceFrame,
} from '../symbolize';
import { buildIdConflict, buildIdMismatch, printedBuildIds } from './buildId';
import { fetchDebuginfo } from './debuginfod';
import { defaultCacheDir, prepareDebugFile } from './decompress';
import { frameKey, type LogFrame } from './frames';
import { faultAccess, type FaultAccess } from '../access/faultAccess';
import { evidenceFromCall, evidenceFromFile } from '../access/evidence';
import { locateDebugFiles, type DebugFileSettings, type LocatedFile } from './locate';
import { identityMismatch, symbolDisagreements } from './match';
import type { Arch } from '../model';
import type { LogText } from '../log/lines';
import { FILE_LIMITS, FileRefused, readTextFile, regularFileProblem } from '../safeFile';

export interface SessionOptions {
  settings: DebugFileSettings;
  release: string | null;
  /** The log's architecture (archOf): files of another ELF machine are not used. */
  arch?: Arch | null;
  workspaceFolders?: string[];
  systemRoot?: string | null;
  cacheDir?: string;
  /** `DEBUGINFOD_URLS` when debuginfod is enabled, else undefined. */
  debuginfodUrls?: string;
  debuginfodTimeoutMs?: number;
  /** Called before the first lookup in a vmlinux (the slow part: its index is built then). */
  onIndexing?: (file: string) => void;
  /** false: run no external command (`xz`, `zstd`), as in an untrusted workspace. Default true. */
  runTools?: boolean;
  /** Ask this installed tool the same questions and report where it disagrees (named frames only). */
  crossCheck?: ExternalTool;
}

export interface CrossCheck {
  tool: ExternalTool;
  frames: SourceFrame[];
  agrees: boolean;
}

export interface DebugFilesInUse {
  vmlinux: LocatedFile | null;
  modules: Record<string, LocatedFile>;
  systemMap: string | null;
  moduleMap: string | null;
  /** Files found but not used because they belong to another kernel, by object (`vmlinux`, module name). */
  rejected: Record<string, RejectedFile>;
}

export interface RejectedFile {
  path: string;
  /** Why, as one clause: `its ELF machine is AArch64, the log's kernel is x86_64`. */
  reason: string;
}

export interface LogSymbolization {
  /** By LogFrame.key. */
  results: Map<string, FrameSymbolization>;
  files: DebugFilesInUse;
  /** One line each, for a notification or stderr. */
  messages: string[];
  /** By LogFrame.key, when `crossCheck` was asked for. */
  crossChecks: Map<string, CrossCheck>;
}

/** vmlinux files this process has already looked up in (openDebugFile keeps them open and indexed). */
const indexedVmlinux = new Set<string>();

/**
 * `log`: the log's text, or the maps its text holds when they were read as it arrived (LogMapsReader: the
 * language server's symbolizer thread never holds the text).
 */
export async function symbolizeLog(
  log: LogText | LogMaps,
  frames: LogFrame[],
  opts: SessionOptions,
): Promise<LogSymbolization> {
  const messages: string[] = [];
  const cacheDir = opts.cacheDir ?? defaultCacheDir();
  const maps = logMaps(log, opts.settings.moduleMap, messages);
  const moduleNames = new Set(frames.map((f) => f.frame.module).filter((m): m is string => !!m));
  // Raw addresses may fall in any module of the log's map: those need their files too.
  if (frames.some((f) => !f.frame.function)) for (const name of maps.modules.keys()) moduleNames.add(name);
  const located = locateDebugFiles({
    settings: opts.settings,
    release: opts.release,
    modules: [...moduleNames],
    workspaceFolders: opts.workspaceFolders,
    systemRoot: opts.systemRoot,
  });
  messages.push(...located.notes);

  // Build ids printed by the log, per object (`[mod 0123…]`, the CPU line's for vmlinux).
  const printedIds = printedBuildIds(frames);
  for (const [object, ids] of printedIds) {
    const conflict = buildIdConflict(object, ids);
    if (conflict) messages.push(conflict);
  }

  /** Module name -> the path the symbolizer opens (a decompressed copy, a debuginfod download). */
  const openable = new Map<string, string>();
  const used: Record<string, LocatedFile> = {};
  const rejected: Record<string, RejectedFile> = {};
  const identity = { arch: opts.arch ?? null, release: opts.release };
  const reject = (object: string, file: string, reason: string) => {
    messages.push(`${file} does not match the log: ${reason}`);
    rejected[object] = { path: file, reason };
  };
  for (const [name, file] of located.modules) {
    const p = await prepareDebugFile(file.path, cacheDir, { runTools: opts.runTools !== false });
    if (!p.ok) {
      messages.push(p.error);
      continue;
    }
    const mismatch = checkBuildId(name, p.path, printedIds.get(name) ?? []);
    if (mismatch) {
      messages.push(mismatch);
      rejected[name] = { path: file.path, reason: mismatch };
      continue;
    }
    const other = identityMismatch(p.path, identity);
    if (other) {
      reject(name, file.path, other);
      continue;
    }
    openable.set(name, p.path);
    used[name] = p.decompressed ? { path: file.path, source: `${file.source}, decompressed` } : file;
  }
  let vmlinux = located.vmlinux;
  if (vmlinux) {
    const mismatch = checkBuildId('vmlinux', vmlinux.path, printedIds.get('vmlinux') ?? []);
    const other = mismatch ? null : identityMismatch(vmlinux.path, identity);
    if (mismatch) {
      messages.push(mismatch);
      rejected.vmlinux = { path: vmlinux.path, reason: mismatch };
      vmlinux = null;
    } else if (other) {
      reject('vmlinux', vmlinux.path, other);
      vmlinux = null;
    }
  }

  // debuginfod: objects the log names by build id that we still have no file for.
  if (opts.debuginfodUrls)
    for (const [object, ids] of printedIds)
      for (const id of ids) {
        if (object === 'vmlinux' ? vmlinux : used[object]) break;
        const got = await fetchDebuginfo(id, {
          urls: opts.debuginfodUrls,
          cacheDir,
          timeoutMs: opts.debuginfodTimeoutMs,
        });
        if (!got.ok) {
          messages.push(got.error);
          continue;
        }
        const mismatch = checkBuildId(object, got.path, [id]);
        if (mismatch) messages.push(mismatch);
        else if (object === 'vmlinux') vmlinux = { path: got.path, source: 'debuginfod' };
        else {
          // The symbolizer finds modules by file name; give the download a `<mod>.ko` name.
          const named = path.join(path.dirname(got.path), `${object}.ko`);
          if (!fs.existsSync(named)) fs.symlinkSync(got.path, named);
          openable.set(object, named);
          used[object] = { path: got.path, source: 'debuginfod' };
        }
      }

  if (vmlinux) {
    const problem = openProblem(vmlinux.path);
    if (problem) {
      messages.push(problem);
      vmlinux = null;
    }
  }
  for (const file of openable.values()) {
    const problem = openProblem(file);
    if (problem) messages.push(problem);
  }

  // The first lookups in a vmlinux build its indexes (seconds for a distribution kernel); later ones reuse them.
  if (vmlinux && frames.some((f) => !f.frame.module) && !indexedVmlinux.has(vmlinux.path)) {
    indexedVmlinux.add(vmlinux.path);
    opts.onIndexing?.(vmlinux.path);
  }
  const symbolizer = new Symbolizer({
    vmlinux: vmlinux?.path,
    modules: [...openable.values()],
    systemMap: located.systemMap ?? undefined,
    maps,
  });
  const out = symbolizer.symbolizeAll(frames.map((f) => f.query));
  // A file whose symbols disagree with most frames is of another kernel: not used. A few disagreeing frames
  // only stay undecoded, with one line saying so.
  for (const [object, d] of symbolDisagreements(frames, out)) {
    const file = object === 'vmlinux' ? vmlinux?.path : used[object]?.path;
    if (!file) continue;
    if (!d.rejects) {
      messages.push(`${file}: ${d.reason}: those frames stay undecoded`);
      continue;
    }
    reject(object, file, d.reason);
    if (object === 'vmlinux') vmlinux = null;
    else {
      delete used[object];
      openable.delete(object);
    }
  }
  const results = new Map<string, FrameSymbolization>();
  const objectFile = (object: string | null) =>
    object === 'vmlinux' ? (vmlinux?.path ?? null) : object ? (openable.get(object) ?? null) : null;
  frames.forEach((f, i) => {
    const r = explainRejection(out[i], rejected);
    // Without a usable debug file, the line the kernel printed itself (CONFIG_KALLSYMS_LINEINFO) is the answer.
    const printed = f.frame.printedSource;
    const noFile = !r.object || objectFile(r.object) === null;
    results.set(f.key, !r.ok && printed && noFile ? printedSourceResult(f.frame, printed, r) : r);
  });
  for (const f of frames) {
    const r = f.fault && results.get(f.key);
    if (!r || !f.fault) continue;
    // A call through a bad pointer (RIP 0x0): the call is in the object of the first trace entry.
    const caller = f.fault.caller && results.get(frameKey(f.fault.caller));
    const access = explainAccess(f, caller ?? r, objectFile((caller ?? r).object)) ?? undefined;
    // On a copy: frames without a file share one result (Symbolizer).
    results.set(f.key, { ...r, access });
  }
  const crossChecks = opts.crossCheck
    ? crossCheck(opts.crossCheck, frames, results, objectFile, messages)
    : new Map<string, CrossCheck>();
  return {
    results,
    files: {
      vmlinux,
      modules: used,
      systemMap: located.systemMap,
      moduleMap: located.moduleMap,
      rejected,
    },
    messages: [...new Set(messages)],
    crossChecks,
  };
}

/**
 * The same lookups through an installed addr2line / eu-addr2line / llvm-symbolizer: each named frame we
 * resolved is asked at the address we used (return addresses at address-1, inside the call instruction).
 */
function crossCheck(
  tool: ExternalTool,
  frames: LogFrame[],
  results: Map<string, FrameSymbolization>,
  objectFile: (object: string | null) => string | null,
  messages: string[],
): Map<string, CrossCheck> {
  const out = new Map<string, CrossCheck>();
  const ext = new ExternalSymbolizer(tool);
  if (!ext.available()) {
    messages.push(`cross-check: ${tool} is not installed`);
    return out;
  }
  const byFile = new Map<string, { key: string; query: ExternalQuery; ours: SourceFrame[] }[]>();
  for (const f of frames) {
    const r = results.get(f.key);
    const file = r?.ok && f.query.function && f.query.offset !== null ? objectFile(r.object) : null;
    if (!file || !r) continue;
    try {
      const df = openDebugFile(file);
      const l = df.lookupSymbol(f.query.function!, f.query.offset!, f.query.size, {
        isReturnAddress: f.query.isReturnAddress,
      });
      if (l.address === null) continue;
      const address = l.address - (f.query.isReturnAddress ? 1n : 0n);
      const query = { address, section: df.isRelocatable ? (l.symbolSection ?? undefined) : undefined };
      byFile.set(file, [...(byFile.get(file) ?? []), { key: f.key, query, ours: r.frames }]);
    } catch {
      // The lookup itself failed before; nothing to compare.
    }
  }
  // Same levels at the same file:line; a function name only one side knows is no disagreement (eu-addr2line
  // names no function for the padding after a function, e.g. `? f+0xd0/0xd0` looked up at address-1).
  const agree = (a: SourceFrame[], b: SourceFrame[]) =>
    a.length === b.length &&
    a.every(
      (x, i) =>
        x.file === b[i].file &&
        x.line === b[i].line &&
        (!x.function || !b[i].function || x.function === b[i].function),
    );
  for (const [file, items] of byFile) {
    try {
      const answers = ext.symbolize(
        file,
        items.map((i) => i.query),
      );
      items.forEach((it, i) =>
        out.set(it.key, { tool, frames: answers[i], agrees: agree(answers[i], it.ours) }),
      );
    } catch (e) {
      messages.push(`cross-check with ${tool} on ${file}: ${e instanceof Error ? e.message : e}`);
    }
  }
  return out;
}

/**
 * One line for a status bar: `debug files don't match this log: <file>: <why>` when a file was rejected,
 * `no matching debug files` when none is in use, null when files are in use and none was rejected.
 */
export function debugFilesStatus(files: DebugFilesInUse): string | null {
  const rejected = Object.values(files.rejected);
  if (rejected.length > 0) {
    const more = rejected.length > 1 ? ` (and ${rejected.length - 1} more)` : '';
    return `debug files don't match this log: ${path.basename(rejected[0].path)}: ${rejected[0].reason}${more}`;
  }
  const none = !files.vmlinux && Object.keys(files.modules).length === 0 && !files.systemMap;
  return none ? 'no matching debug files' : null;
}

/** The faulting access of a memory fault's IP frame, with the bytes and DWARF of its object's file when in use. */
function explainAccess(f: LogFrame, r: FrameSymbolization, file: string | null): FaultAccess | null {
  if (!f.fault) return null;
  if (!file || !r.object) return faultAccess(f.fault);
  try {
    const df = openDebugFile(file);
    const caller = f.fault.caller;
    return faultAccess(
      f.fault,
      caller ? evidenceFromCall(df, caller, f.fault) : evidenceFromFile(df, f.frame),
    );
  } catch (e) {
    if (!(e instanceof SymbolizeError)) throw e;
    return faultAccess(f.fault, { fileProblem: `debug file: ${e.message}` });
  }
}

/** A frame's symbolization from the `(file.c:123)` the kernel printed after it, for when no debug file answers. */
function printedSourceResult(
  frame: LogFrame['frame'],
  printed: { file: string; line: number },
  failed: FrameSymbolization,
): FrameSymbolization {
  return {
    ok: true,
    frames: [
      { function: frame.function, file: printed.file, line: printed.line, column: 0, discriminator: 0 },
    ],
    object: failed.object ?? (frame.module ? normalizeModuleName(frame.module) : 'vmlinux'),
    section: null,
    how: 'the line the kernel printed (CONFIG_KALLSYMS_LINEINFO)',
    warning: `no debug file answered${failed.error ? ` (${failed.error})` : ''}: the line is the one the kernel printed, without inline levels`,
  };
}

/** A frame of an object whose file was rejected is undecoded and says why (not "no debug file"). */
function explainRejection(r: FrameSymbolization, rejected: Record<string, RejectedFile>): FrameSymbolization {
  const why = r.object ? rejected[r.object] : undefined;
  if (!why) return r;
  return {
    ...r,
    ok: false,
    frames: [],
    error: `${path.basename(why.path)} does not match this log: ${why.reason}`,
  };
}

function checkBuildId(object: string, file: string, printed: string[]): string | null {
  if (printed.length === 0) return null;
  try {
    return buildIdMismatch(object, file, printed, openDebugFile(file, { allowNoDebugInfo: true }).buildId);
  } catch (e) {
    return e instanceof SymbolizeError ? e.message : String(e);
  }
}

/** Why a debug file cannot be used (corrupt, truncated, no DWARF), or null. */
function openProblem(file: string): string | null {
  try {
    openDebugFile(file);
    return null;
  } catch (e) {
    return e instanceof SymbolizeError ? e.message : `${file}: ${e instanceof Error ? e.message : e}`;
  }
}

/** The log's own map dumps, completed by the `moduleMap` file for modules the log does not describe. */
/** The maps of a log in pieces, without joining them. */
function mapsOfPieces(pieces: readonly string[]): LogMaps {
  const reader = new LogMapsReader();
  for (const p of pieces) reader.push(p);
  return reader.end();
}

function logMaps(log: LogText | LogMaps, moduleMapFile: string | null, messages: string[]): LogMaps {
  const maps = typeof log === 'string' ? parseLogMaps(log) : 'modules' in log ? log : mapsOfPieces(log);
  if (!moduleMapFile || regularFileProblem(moduleMapFile, FILE_LIMITS.map)) return maps; // locateDebugFiles says why
  try {
    const extra = parseLogMaps(readTextFile(moduleMapFile, FILE_LIMITS.map));
    for (const [name, m] of extra.modules) if (!maps.modules.has(name)) maps.modules.set(name, m);
    if (!maps.kernelOffset) maps.kernelOffset = extra.kernelOffset;
    if (maps.kernelSymbols.length === 0) maps.kernelSymbols = extra.kernelSymbols;
  } catch (e) {
    messages.push(
      `module map: cannot read ${moduleMapFile}: ${e instanceof FileRefused ? e.reason : (e as Error).message}`,
    );
  }
  return maps;
}
