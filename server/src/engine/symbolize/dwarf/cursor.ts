// A bounds-checked reader over a byte buffer with the object's endianness: fixed-size integers, LEB128,
// C strings, and raw target addresses as BigInt (callers turn them into linear addresses).
import { corrupt } from '../errors';

const TWO32 = 4294967296;

export class Cursor {
  constructor(
    readonly buf: Buffer,
    public pos: number,
    readonly little: boolean,
    /** Exclusive end of the readable window. */
    readonly end: number = buf.length,
  ) {
    if (end > buf.length) throw corrupt('data window runs past the end of its buffer');
  }

  get atEnd(): boolean {
    return this.pos >= this.end;
  }

  private need(n: number): number {
    const p = this.pos;
    if (p + n > this.end) throw corrupt(`unexpected end of data at offset 0x${p.toString(16)}`);
    this.pos = p + n;
    return p;
  }

  skip(n: number): void {
    if (!(n >= 0)) throw corrupt(`bad length ${n}`);
    this.need(n);
  }

  u8(): number {
    return this.buf[this.need(1)];
  }
  i8(): number {
    return this.buf.readInt8(this.need(1));
  }
  // Fixed-size reads compose bytes inline: Buffer's readUInt*() are library calls with argument checks,
  // which dominate when cold code runs in the interpreter.
  u16(): number {
    const p = this.need(2);
    const b = this.buf;
    return this.little ? b[p] | (b[p + 1] << 8) : (b[p] << 8) | b[p + 1];
  }
  u24(): number {
    const p = this.need(3);
    const b = this.buf;
    return this.little
      ? b[p] | (b[p + 1] << 8) | (b[p + 2] << 16)
      : (b[p] << 16) | (b[p + 1] << 8) | b[p + 2];
  }
  u32(): number {
    const p = this.need(4);
    const b = this.buf;
    return this.little
      ? b[p] + b[p + 1] * 0x100 + b[p + 2] * 0x10000 + b[p + 3] * 0x1000000
      : b[p] * 0x1000000 + b[p + 1] * 0x10000 + b[p + 2] * 0x100 + b[p + 3];
  }
  /** A 64-bit value used as an offset/count: exact up to 2^53, corrupt beyond. */
  u64(): number {
    const lo0 = this.u32();
    const hi0 = this.u32();
    const lo = this.little ? lo0 : hi0;
    const hi = this.little ? hi0 : lo0;
    if (hi > 0x1fffff)
      throw corrupt(`64-bit value 0x${hi.toString(16)}${lo.toString(16).padStart(8, '0')} is too large`);
    return hi * TWO32 + lo;
  }
  /** Unsigned integer of `size` bytes (1, 2, 4 or 8) as a number. */
  uN(size: number): number {
    switch (size) {
      case 1:
        return this.u8();
      case 2:
        return this.u16();
      case 4:
        return this.u32();
      case 8:
        return this.u64();
      default:
        throw corrupt(`unsupported integer size ${size}`);
    }
  }
  /** Raw target address of `size` bytes, exact. */
  addr(size: number): bigint {
    const p = this.need(size);
    const b = this.buf;
    switch (size) {
      case 8:
        return this.little ? b.readBigUInt64LE(p) : b.readBigUInt64BE(p);
      case 4:
        return BigInt(this.little ? b.readUInt32LE(p) : b.readUInt32BE(p));
      case 2:
        return BigInt(this.little ? b.readUInt16LE(p) : b.readUInt16BE(p));
      default:
        throw corrupt(`unsupported address size ${size}`);
    }
  }
  uleb(): number {
    const b = this.buf;
    if (this.pos < this.end && b[this.pos] < 0x80) return b[this.pos++]; // most values fit in one byte
    let result = 0;
    let mul = 1;
    for (;;) {
      if (this.pos >= this.end) throw corrupt('unterminated LEB128 value');
      const byte = b[this.pos++];
      result += (byte & 0x7f) * mul;
      if ((byte & 0x80) === 0) break;
      mul *= 128;
      if (mul > 2 ** 63) {
        // Keep consuming (the encoding may be padded) but a value this big is meaningless to us.
        while (this.pos < this.end && b[this.pos++] & 0x80);
        return Number.MAX_SAFE_INTEGER;
      }
    }
    return result;
  }
  sleb(): number {
    let result = 0;
    let mul = 1;
    let byte = 0;
    const b = this.buf;
    for (;;) {
      if (this.pos >= this.end) throw corrupt('unterminated LEB128 value');
      byte = b[this.pos++];
      result += (byte & 0x7f) * mul;
      mul *= 128;
      if ((byte & 0x80) === 0) break;
      if (mul > 2 ** 63) {
        while (this.pos < this.end && b[this.pos++] & 0x80);
        return 0;
      }
    }
    if (byte & 0x40) result -= mul;
    return result;
  }
  cstr(): string {
    const nul = this.buf.indexOf(0, this.pos);
    if (nul < 0 || nul >= this.end) throw corrupt(`unterminated string at offset 0x${this.pos.toString(16)}`);
    const s = this.buf.toString('utf8', this.pos, nul);
    this.pos = nul + 1;
    return s;
  }
  /** Skips a NUL-terminated string without decoding it. */
  skipCstr(): void {
    const nul = this.buf.indexOf(0, this.pos);
    if (nul < 0 || nul >= this.end) throw corrupt(`unterminated string at offset 0x${this.pos.toString(16)}`);
    this.pos = nul + 1;
  }
}

/**
 * Reads a DWARF initial length (unit_length). Returns the length and whether the unit uses the 64-bit format.
 */
export function initialLength(c: Cursor): { length: number; is64: boolean } {
  const l = c.u32();
  if (l === 0xffffffff) return { length: c.u64(), is64: true };
  if (l >= 0xfffffff0) throw corrupt(`reserved unit length 0x${l.toString(16)}`);
  return { length: l, is64: false };
}
