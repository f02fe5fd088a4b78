// Whole-trace symbolization for `oops-lens decode` / `analyze`: each frame (named `func+off/size [mod]` or a
// raw address) is looked up in vmlinux or its module's .ko; raw addresses go through the module map and
// KASLR first. Errors are per frame (a missing or broken debug file never stops the others).
import * as path from 'node:path';
import type { FaultAccess } from '../access/faultAccess';
import { type DebugFile, openDebugFile, type SourceFrame, type SymbolMismatch } from './debugFile';
import { FILE_LIMITS, readTextFile } from '../safeFile';
import { SymbolizeError } from './errors';
import { type KernelSymbol, type LogMaps, parseSymbolMap } from './kernel/maps';
import { moduleFileName, normalizeModuleName } from './kernel/moduleName';
import { KernelAddressResolver, type KaslrInfo } from './kernel/resolve';

export interface FrameToSymbolize {
  function: string | null;
  offset: number | null;
  size: number | null;
  /** Module name as printed in `[mod]`, null for vmlinux. */
  module: string | null;
  /** Runtime address as printed (bigint, or hex with or without 0x), null when the log has none. */
  address: bigint | string | null;
  /** Call-trace entries other than the faulting pc: looked up at address-1. */
  isReturnAddress: boolean;
}

export interface DebugFileSet {
  vmlinux?: string | DebugFile;
  /** `.ko` files (finding them in folders is debugfiles/locate.ts's work: findModules). */
  modules?: (string | DebugFile)[];
  /** System.map or a /proc/kallsyms copy, for raw vmlinux addresses without a vmlinux. */
  systemMap?: string;
  /** Module map / KASLR dumps found in the log (parseLogMaps). */
  maps?: LogMaps;
  kaslrOffset?: bigint;
}

export interface FrameSymbolization {
  ok: boolean;
  /** Innermost inline level first. */
  frames: SourceFrame[];
  /** 'vmlinux' or the module name, when known. */
  object: string | null;
  section: string | null;
  /** For raw addresses: `sym+0xoff/0xsize [mod]` as the kernel would have printed it. */
  resolved?: string;
  /** How a raw address was placed (map used, KASLR source). */
  how?: string;
  warning?: string;
  error?: string;
  /** A named frame the file disagrees with (LookupResult.mismatch). */
  mismatch?: SymbolMismatch;
  /** The IP frame of a memory fault: its faulting access (debugfiles/session.ts adds it). */
  access?: FaultAccess;
}

export class Symbolizer {
  private vmlinux: DebugFile | null | undefined;
  private vmlinuxError: string | null = null;
  private readonly moduleFiles = new Map<string, string | DebugFile>();
  private readonly openModules = new Map<string, DebugFile | string>();
  private resolver: KernelAddressResolver | null = null;
  private systemMap: KernelSymbol[] | undefined;
  /**
   * The one result of every named frame of an object without a usable file (by object and reason): a log
   * decoded without debug files has some 50,000 frames in 100 MB, each of which would hold its own copy.
   * Results are therefore shared and never changed in place (session.ts adds a faulting access to a copy).
   */
  private readonly noFile = new Map<string, FrameSymbolization>();

  constructor(private readonly set: DebugFileSet) {
    for (const m of set.modules ?? [])
      this.moduleFiles.set(moduleNameOf(typeof m === 'string' ? m : m.path), m);
  }

  /** The KASLR offset in use and where it came from (after symbolizeAll has seen the frames). */
  kaslr(): KaslrInfo | null {
    return this.getResolver().kaslrInfo();
  }

  symbolizeAll(frames: FrameToSymbolize[]): FrameSymbolization[] {
    // Named frames that also print an address give the KASLR offset for the raw ones.
    if (frames.some((f) => f.address !== null)) {
      const r = this.getResolver();
      for (const f of frames)
        if (f.function && !f.module && f.address !== null && f.offset !== null)
          r.learnFromFrame(toBig(f.address), f.function, f.offset);
    }
    this.prefetchNames(frames);
    return frames.map((f) => this.symbolize(f));
  }

  /** Looks up the names of a whole trace per debug file at once (one scan each, not one per frame). */
  private prefetchNames(frames: FrameToSymbolize[]): void {
    const byObject = new Map<string, string[]>();
    for (const f of frames) {
      if (!f.function || f.offset === null) continue;
      const object = f.module ? normalizeModuleName(f.module) : 'vmlinux';
      const names = byObject.get(object);
      if (names) names.push(f.function);
      else byObject.set(object, [f.function]);
    }
    for (const [object, names] of byObject) {
      const df = object === 'vmlinux' ? this.getVmlinux() : this.module(object);
      if (typeof df !== 'string') df.prefetchSymbols(names);
    }
  }

  symbolize(f: FrameToSymbolize): FrameSymbolization {
    try {
      if (f.function && f.offset !== null) return this.named(f);
      if (f.address !== null) return this.raw(f);
      return fail(null, 'frame has neither a symbol nor an address');
    } catch (e) {
      if (e instanceof SymbolizeError)
        return fail(f.module ? normalizeModuleName(f.module) : 'vmlinux', e.message);
      throw e;
    }
  }

  private named(f: FrameToSymbolize): FrameSymbolization {
    const object = f.module ? normalizeModuleName(f.module) : 'vmlinux';
    const df = f.module ? this.module(object) : this.getVmlinux();
    if (typeof df === 'string') return this.noFileResult(object, df);
    const r = df.lookupSymbol(f.function!, f.offset!, f.size, { isReturnAddress: f.isReturnAddress });
    const out: FrameSymbolization = {
      ok: r.ok,
      frames: r.frames,
      object,
      section: r.symbolSection,
      warning: r.warning,
      error: r.error,
    };
    if (r.mismatch) out.mismatch = r.mismatch;
    return out;
  }

  private noFileResult(object: string, error: string): FrameSymbolization {
    const key = `${object}\n${error}`;
    let r = this.noFile.get(key);
    if (!r) this.noFile.set(key, (r = fail(object, error)));
    return r;
  }

  private raw(f: FrameToSymbolize): FrameSymbolization {
    const res = this.getResolver().resolve(toBig(f.address!));
    if (!res)
      return fail(
        null,
        `0x${toBig(f.address!).toString(16)} is in no known module section and no kernel symbol covers it`,
      );
    const base = { object: res.object, section: res.section, resolved: res.text, how: res.how };
    const df = res.object === 'vmlinux' ? this.getVmlinux() : this.module(res.object);
    if (typeof df === 'string') return { ok: false, frames: [], ...base, error: df };
    const opts = { isReturnAddress: f.isReturnAddress };
    const r =
      res.object === 'vmlinux'
        ? df.lookupAddress(res.offset, opts)
        : res.section
          ? df.lookupAddress({ section: res.section, offset: res.offset }, opts)
          : null;
    if (!r)
      return {
        ok: false,
        frames: [],
        ...base,
        error: `the section of this address in ${res.object} is unknown (no sysfs section dump)`,
      };
    return { ok: r.ok, frames: r.frames, ...base, warning: r.warning, error: r.error };
  }

  private getResolver(): KernelAddressResolver {
    if (this.resolver) return this.resolver;
    const vm = this.getVmlinux();
    const modules = new Map<string, DebugFile>();
    for (const name of this.set.maps?.modules.keys() ?? []) {
      const m = this.module(name);
      if (typeof m !== 'string') modules.set(name, m);
    }
    this.resolver = new KernelAddressResolver({
      maps: this.set.maps,
      vmlinux: typeof vm === 'string' ? undefined : vm,
      systemMap: this.getSystemMap(),
      modules,
      kaslrOffset: this.set.kaslrOffset,
    });
    return this.resolver;
  }

  private getSystemMap(): KernelSymbol[] | undefined {
    if (this.systemMap === undefined && this.set.systemMap) {
      try {
        this.systemMap = parseSymbolMap(readTextFile(this.set.systemMap, FILE_LIMITS.map));
      } catch {
        this.systemMap = [];
      }
    }
    return this.systemMap;
  }

  /** The vmlinux DebugFile, or a message saying why there is none. */
  private getVmlinux(): DebugFile | string {
    if (this.vmlinux === undefined) {
      const v = this.set.vmlinux;
      if (!v) {
        this.vmlinux = null;
        this.vmlinuxError = 'no vmlinux given';
      } else if (typeof v !== 'string') this.vmlinux = v;
      else
        try {
          this.vmlinux = openDebugFile(v);
        } catch (e) {
          this.vmlinux = null;
          this.vmlinuxError = e instanceof SymbolizeError ? e.message : String(e);
        }
    }
    return this.vmlinux ?? this.vmlinuxError!;
  }

  /** The module's DebugFile, or a message saying why there is none. */
  private module(name: string): DebugFile | string {
    const cached = this.openModules.get(name);
    if (cached !== undefined) return cached;
    const file = this.moduleFiles.get(name);
    let out: DebugFile | string;
    if (!file) out = `no debug file for module ${name} (give its .ko)`;
    else if (typeof file !== 'string') out = file;
    else if (moduleFileName(file)?.compression)
      out = `${file} is compressed: decompress it first (xz -d / zstd -d / gunzip)`;
    else
      try {
        out = openDebugFile(file);
      } catch (e) {
        out = e instanceof SymbolizeError ? e.message : String(e);
      }
    this.openModules.set(name, out);
    return out;
  }
}

/** Convenience wrapper: one Symbolizer for one list of frames. */
export function symbolizeFrames(frames: FrameToSymbolize[], set: DebugFileSet): FrameSymbolization[] {
  return new Symbolizer(set).symbolizeAll(frames);
}

function fail(object: string | null, error: string): FrameSymbolization {
  return { ok: false, frames: [], object, section: null, error };
}

function toBig(a: bigint | string): bigint {
  if (typeof a === 'bigint') return a;
  return BigInt(a.startsWith('0x') ? a : '0x' + a);
}

/** The module a file holds, by its name (`buggy.ko` → buggy); any other file by its whole name. */
function moduleNameOf(file: string): string {
  return moduleFileName(file)?.module ?? normalizeModuleName(path.basename(file));
}
