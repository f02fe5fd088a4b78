// Raw kernel address -> {object, section, offset, symbol+off}: vmlinux addresses through the vmlinux symbol
// table or a System.map, shifted by the KASLR offset; module addresses through the module map (sysfs
// section bases, /proc/modules, module kallsyms) and, when the .ko is at hand, its section-aware symbols.
import { type DebugFile } from '../debugFile';
import { countAtOrBefore } from '../search';
import { isMappingSymbol, kallsymsAliasOrder } from '../elf/symbols';
import { type KernelSymbol, type LogMaps, type ModuleLayout } from './maps';

export interface ResolvedAddress {
  /** 'vmlinux' or the module name. */
  object: string;
  /** Section of the object (modules: from the section map or the .ko; vmlinux: from the vmlinux if given). */
  section: string | null;
  /** Modules: offset inside `section` (or from the module base when the section is unknown); vmlinux: link-time address. */
  offset: bigint;
  symbol: string | null;
  symbolOffset: number;
  /** kallsyms-style size when known. */
  symbolSize: number | null;
  /** `sym+0xoff/0xsize [mod]` as the kernel would have printed it. */
  text: string;
  /** How the address was placed (which map, which KASLR source). */
  how: string;
}

export interface KaslrInfo {
  /** runtime address - link-time address. */
  offset: bigint;
  source: string;
}

export interface ResolverInputs {
  maps?: LogMaps;
  vmlinux?: DebugFile;
  /** System.map / kallsyms of the kernel (link-time addresses for System.map). */
  systemMap?: KernelSymbol[];
  /** Module debug files by (normalized) module name. */
  modules?: Map<string, DebugFile>;
  /** A KASLR offset given by the user. */
  kaslrOffset?: bigint;
}

const TEXT_TYPES = /^[tTwW]$/;
/** When nothing bounds a module section, addresses this far past its start are still attributed to it. */
const UNBOUNDED_SECTION = 1n << 20n;

export class KernelAddressResolver {
  private kaslr: KaslrInfo | null;
  private readonly sortedMap: KernelSymbol[];
  /** Text symbols of the System.map, sorted by address. */
  private readonly sortedText: KernelSymbol[];

  constructor(private readonly inputs: ResolverInputs) {
    this.sortedMap = (inputs.systemMap ?? [])
      .filter((s) => !s.module)
      .sort((a, b) =>
        a.address < b.address
          ? -1
          : a.address > b.address
            ? 1
            : kallsymsAliasOrder(a.name, /[wWvV]/.test(a.type), b.name, /[wWvV]/.test(b.type)),
      );
    this.sortedText = this.sortedMap.filter((s) => TEXT_TYPES.test(s.type));
    this.kaslr =
      inputs.kaslrOffset !== undefined
        ? { offset: inputs.kaslrOffset, source: 'given' }
        : this.kaslrFromMaps();
  }

  kaslrInfo(): KaslrInfo | null {
    return this.kaslr;
  }

  private kaslrFromMaps(): KaslrInfo | null {
    const ko = this.inputs.maps?.kernelOffset;
    if (ko) return { offset: ko.offset, source: `"Kernel Offset: 0x${ko.offset.toString(16)}" line` };
    for (const s of this.inputs.maps?.kernelSymbols ?? []) {
      const link = this.linkAddressOf(s.name);
      if (link !== null)
        return { offset: s.address - link, source: `kallsyms ${s.name} at 0x${s.address.toString(16)}` };
    }
    return null;
  }

  /**
   * Derives the KASLR offset from a frame that prints both an address and `func+off` (unless already known);
   * returns whether it was set.
   */
  learnFromFrame(address: bigint, func: string, offset: number): boolean {
    if (this.kaslr) return false;
    const link = this.linkAddressOf(func);
    if (link === null) return false;
    this.kaslr = {
      offset: address - (link + BigInt(offset)),
      source: `frame ${func}+0x${offset.toString(16)} at 0x${address.toString(16)}`,
    };
    return true;
  }

  private linkAddressOf(name: string): bigint | null {
    const v = this.inputs.vmlinux?.symbols().lookupName(name);
    if (v && v.length === 1) return v[0].value;
    const m = this.sortedMap.filter((s) => s.name === name);
    return m.length === 1 ? m[0].address : null;
  }

  resolve(address: bigint): ResolvedAddress | null {
    return this.resolveModule(address) ?? this.resolveKernel(address);
  }

  private resolveModule(address: bigint): ResolvedAddress | null {
    const maps = this.inputs.maps;
    if (!maps) return null;
    // The section (of any module) with the highest load address at or below the address.
    let best: { mod: ModuleLayout; section: string; base: bigint } | null = null;
    for (const mod of maps.modules.values())
      for (const [section, base] of mod.sections)
        if (base <= address && (!best || base > best.base)) best = { mod, section, base };
    if (best && this.withinSection(best.mod, best.section, best.base, address)) {
      const offset = address - best.base;
      const ko = this.inputs.modules?.get(best.mod.name);
      const hit = ko?.symbolAt({ section: best.section, offset });
      if (hit)
        return this.result(
          best.mod.name,
          best.section,
          offset,
          hit.symbol.name,
          hit.offset,
          hit.symbol.size,
          `section ${best.section} of ${best.mod.name} at 0x${best.base.toString(16)} (sysfs)`,
        );
      const ks = nearestSymbol(best.mod.symbols, address);
      return this.result(
        best.mod.name,
        best.section,
        offset,
        ks?.name ?? null,
        ks ? Number(address - ks.address) : 0,
        ks ? symbolSize(best.mod.symbols, ks) : null,
        `section ${best.section} of ${best.mod.name} at 0x${best.base.toString(16)} (sysfs)`,
      );
    }
    // No section map: module kallsyms / core range from /proc/modules.
    for (const mod of maps.modules.values()) {
      const inCore =
        mod.base !== null &&
        mod.size !== null &&
        address >= mod.base &&
        address < mod.base + BigInt(mod.size);
      const ks = nearestSymbol(
        mod.symbols.filter((s) => TEXT_TYPES.test(s.type)),
        address,
      );
      if (!inCore && !(ks && mod.base === null && address - ks.address < UNBOUNDED_SECTION)) continue;
      if (!ks)
        return this.result(
          mod.name,
          null,
          address - mod.base!,
          null,
          0,
          null,
          `core of ${mod.name} at 0x${mod.base!.toString(16)} (/proc/modules)`,
        );
      const ko = this.inputs.modules?.get(mod.name);
      const sym = ko?.symbols().lookupName(ks.name);
      const off = Number(address - ks.address);
      if (sym && sym.length === 1)
        return this.result(
          mod.name,
          sym[0].section.name,
          sym[0].value + BigInt(off),
          ks.name,
          off,
          sym[0].kallsymsSize,
          `kallsyms ${ks.name} [${mod.name}] and ${ko!.path}`,
        );
      return this.result(
        mod.name,
        null,
        address - (mod.base ?? ks.address),
        ks.name,
        off,
        symbolSize(mod.symbols, ks),
        `kallsyms ${ks.name} [${mod.name}]`,
      );
    }
    return null;
  }

  private withinSection(mod: ModuleLayout, section: string, base: bigint, address: bigint): boolean {
    const ko = this.inputs.modules?.get(mod.name);
    const s = ko?.elf.section(section);
    if (s) return address < base + BigInt(Math.max(s.size, 1));
    if (mod.base !== null && mod.size !== null && base >= mod.base && base < mod.base + BigInt(mod.size))
      return address < mod.base + BigInt(mod.size);
    return address - base < UNBOUNDED_SECTION;
  }

  private resolveKernel(address: bigint): ResolvedAddress | null {
    const shift = this.kaslr?.offset ?? 0n;
    const how = this.kaslr
      ? `KASLR offset 0x${shift.toString(16)} from ${this.kaslr.source}`
      : 'no KASLR offset known (assumed 0)';
    const link = address - shift;
    const vm = this.inputs.vmlinux;
    if (vm) {
      const hit = vm.symbolAt(link);
      if (hit) {
        const sec = vm.space.sectionAt(vm.space.fromBig(link));
        return this.result(
          'vmlinux',
          sec?.section.name ?? null,
          link,
          hit.symbol.name,
          hit.offset,
          hit.symbol.size,
          `vmlinux symbols, ${how}`,
        );
      }
    }
    let i = upperBound(this.sortedText, link);
    if (i === 0) return null;
    // The first of several aliases at the address (sorted kallsyms-style).
    while (i > 1 && this.sortedText[i - 2].address === this.sortedText[i - 1].address) i--;
    const s = this.sortedText[i - 1];
    // Distance to the next symbol of any type, like kallsyms.
    const next = this.sortedMap[upperBound(this.sortedMap, s.address)];
    const size = next ? Number(next.address - s.address) : null;
    if (size === null || Number(link - s.address) >= size) return null;
    return this.result('vmlinux', null, link, s.name, Number(link - s.address), size, `System.map, ${how}`);
  }

  private result(
    object: string,
    section: string | null,
    offset: bigint,
    symbol: string | null,
    symOff: number,
    size: number | null,
    how: string,
  ): ResolvedAddress {
    const mod = object === 'vmlinux' ? '' : ` [${object}]`;
    const text = symbol
      ? `${symbol}+0x${symOff.toString(16)}${size !== null ? `/0x${size.toString(16)}` : ''}${mod}`
      : `${section ?? '?'}+0x${offset.toString(16)}${mod}`;
    return { object, section, offset, symbol, symbolOffset: symOff, symbolSize: size, text, how };
  }
}

/** Index of the first symbol above `address` in an address-sorted list. */
function upperBound(syms: KernelSymbol[], address: bigint): number {
  return countAtOrBefore(syms.length, (i) => syms[i].address <= address);
}

/** Module kallsyms lines include arm mapping symbols ($x, $d); the kernel skips them in lookups. */
function nearestSymbol(syms: KernelSymbol[], address: bigint): KernelSymbol | null {
  let best: KernelSymbol | null = null;
  for (const s of syms)
    if (!isMappingSymbol(s.name) && s.address <= address && (!best || s.address > best.address)) best = s;
  return best;
}

/** kallsyms-style size: distance to the next symbol at a higher address. */
function symbolSize(syms: KernelSymbol[], s: KernelSymbol): number | null {
  let next: bigint | null = null;
  for (const o of syms)
    if (!isMappingSymbol(o.name) && o.address > s.address && (next === null || o.address < next))
      next = o.address;
  return next === null ? null : Number(next - s.address);
}
