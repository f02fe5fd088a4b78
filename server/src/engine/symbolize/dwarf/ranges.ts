// Address ranges of a DIE: DW_AT_low_pc/high_pc, DWARF 5 .debug_rnglists (incl. DW_FORM_rnglistx) and
// DWARF 2–4 .debug_ranges.
import { Cursor } from './cursor';
import { DW_AT, DW_FORM, DW_RLE } from './constants';
import { readConstant, type UnitEncoding } from './forms';
import { type DwarfSections, need, withGrowingWindow } from './sections';
import { type AddressSpace } from '../elf/addressSpace';
import { corrupt } from '../errors';

/** What a range list needs to know about its unit. */
export interface RangeContext {
  readonly sections: DwarfSections;
  readonly space: AddressSpace;
  readonly header: UnitEncoding;
  readonly baseAddress: bigint;
  readonly rnglistsBase: number;
  addrx(index: number): bigint;
}

const MAX_ENTRIES = 1_000_000;
const MASK64 = (1n << 64n) - 1n;

/** Linear [lo, hi) pairs of the range list named by a DW_AT_ranges value of the given form. */
export function readRanges(u: RangeContext, form: number, value: number): number[] {
  if (u.header.version >= 5) {
    const sec = need(u.sections.rnglists, '.debug_rnglists');
    let offset = value;
    if (form === DW_FORM.rnglistx) {
      const size = u.header.offsetSize;
      const entry = new Cursor(sec.bytes(u.rnglistsBase + value * size, size), 0, u.sections.little).uN(size);
      offset = u.rnglistsBase + entry;
    }
    return withGrowingWindow(sec, offset, 1024, (buf) => readRngList(u, buf));
  }
  const sec = need(u.sections.ranges, '.debug_ranges');
  return withGrowingWindow(sec, value, 1024, (buf) => readDebugRanges(u, buf));
}

function toLinear(u: RangeContext, raw: bigint): number {
  return u.space.fromBig(raw & MASK64);
}

function push(out: number[], lo: number, hi: number): void {
  if (hi > lo) out.push(lo, hi);
}

function readRngList(u: RangeContext, buf: Buffer): number[] {
  const c = new Cursor(buf, 0, u.sections.little);
  const size = u.header.addrSize;
  let base = u.baseAddress;
  const out: number[] = [];
  for (let n = 0; n < MAX_ENTRIES; n++) {
    const kind = c.u8();
    switch (kind) {
      case DW_RLE.end_of_list:
        return out;
      case DW_RLE.base_addressx:
        base = u.addrx(c.uleb());
        break;
      case DW_RLE.startx_endx: {
        const a = u.addrx(c.uleb());
        const b = u.addrx(c.uleb());
        push(out, toLinear(u, a), toLinear(u, b));
        break;
      }
      case DW_RLE.startx_length: {
        const a = toLinear(u, u.addrx(c.uleb()));
        push(out, a, a + c.uleb());
        break;
      }
      case DW_RLE.offset_pair: {
        const a = c.uleb();
        const b = c.uleb();
        const lo = toLinear(u, base + BigInt(a));
        push(out, lo, lo + (b - a));
        break;
      }
      case DW_RLE.base_address:
        base = c.addr(size);
        break;
      case DW_RLE.start_end: {
        const a = toLinear(u, c.addr(size));
        const b = toLinear(u, c.addr(size));
        push(out, a, b);
        break;
      }
      case DW_RLE.start_length: {
        const a = toLinear(u, c.addr(size));
        push(out, a, a + c.uleb());
        break;
      }
      default:
        throw corrupt(`unknown range list entry kind ${kind}`);
    }
  }
  throw corrupt('range list without an end');
}

function readDebugRanges(u: RangeContext, buf: Buffer): number[] {
  const c = new Cursor(buf, 0, u.sections.little);
  const size = u.header.addrSize;
  const maxAddr = size === 8 ? MASK64 : (1n << BigInt(size * 8)) - 1n;
  let base = u.baseAddress;
  const out: number[] = [];
  for (let n = 0; n < MAX_ENTRIES; n++) {
    const a = c.addr(size);
    const b = c.addr(size);
    if (a === 0n && b === 0n) return out;
    if (a === maxAddr) {
      base = b;
      continue;
    }
    const lo = toLinear(u, base + a);
    push(out, lo, lo + Number(b - a));
  }
  throw corrupt('range list without an end');
}

/** What a DIE's code attributes need from its unit: range lists and address-class attributes. */
export interface PcContext extends RangeContext {
  /** Raw address (after relocation) of an address-class attribute. */
  readAddress(c: Cursor, form: number): bigint;
}

/** Collects DW_AT_low_pc / high_pc / ranges of one DIE and turns them into linear [lo, hi) pairs. */
export class PcAttributes {
  low: bigint | null = null;
  private highAddr: bigint | null = null;
  private highOffset = -1;
  private rangesForm = 0;
  private rangesValue = -1;
  constructor(private readonly unit: PcContext) {}

  /** Reads the attribute if it is one of ours; returns whether it was. */
  take(c: Cursor, at: number, form: number, implicit: number | undefined): boolean {
    const u = this.unit;
    if (at === DW_AT.low_pc) this.low = u.readAddress(c, form);
    else if (at === DW_AT.high_pc) {
      if (isAddressForm(form)) this.highAddr = u.readAddress(c, form);
      else this.highOffset = readConstant(c, form, u.header, implicit);
    } else if (at === DW_AT.ranges) {
      this.rangesForm = form;
      this.rangesValue = readConstant(c, form === DW_FORM.rnglistx ? DW_FORM.udata : form, u.header);
    } else return false;
    return true;
  }

  ranges(): number[] {
    if (this.rangesValue >= 0) return readRanges(this.unit, this.rangesForm, this.rangesValue);
    if (this.low === null) return [];
    const lo = this.unit.space.fromBig(this.low);
    const hi =
      this.highAddr !== null
        ? this.unit.space.fromBig(this.highAddr)
        : this.highOffset >= 0
          ? lo + this.highOffset
          : NaN;
    return hi > lo ? [lo, hi] : [];
  }
}

function isAddressForm(form: number): boolean {
  return (
    form === DW_FORM.addr ||
    form === DW_FORM.addrx ||
    form === DW_FORM.addrx1 ||
    form === DW_FORM.addrx2 ||
    form === DW_FORM.addrx3 ||
    form === DW_FORM.addrx4 ||
    form === DW_FORM.GNU_addr_index
  );
}
