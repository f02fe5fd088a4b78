// A bit-field table row and the decoder shared by every register/flag table (EFLAGS, CR0, CR4, pstate,
// page-fault error code…). Values are handled as BigInt so 64-bit registers lose no bits.

export interface BitField {
  /** Lowest bit of the field. */
  bit: number;
  /** Width in bits (1 for flags). */
  width?: number;
  /** Short name as the CPU manual and kernel headers spell it. */
  name: string;
  /** What the bit means when set (or what the field holds). */
  meaning: string;
  /** Optional note when the bit is clear, if that is the interesting case (IF=0: interrupts were off). */
  whenClear?: string;
}

export interface DecodedField {
  field: BitField;
  value: bigint;
}

export function fieldValue(value: bigint, f: BitField): bigint {
  const width = BigInt(f.width ?? 1);
  return (value >> BigInt(f.bit)) & ((1n << width) - 1n);
}

/** Every field of the table with its value in `value`. */
export function decodeFields(value: bigint, table: readonly BitField[]): DecodedField[] {
  return table.map((field) => ({ field, value: fieldValue(value, field) }));
}

/** Bits set in `value` that no table row describes (reserved or unknown to us). */
export function unknownBits(value: bigint, table: readonly BitField[]): number[] {
  let known = 0n;
  for (const f of table) known |= ((1n << BigInt(f.width ?? 1)) - 1n) << BigInt(f.bit);
  const rest = value & ~known;
  const bits: number[] = [];
  for (let b = 0; b < 64 && rest >> BigInt(b) !== 0n; b++) if ((rest >> BigInt(b)) & 1n) bits.push(b);
  return bits;
}

/** Parses hex text (with or without 0x) of at most 16 digits; null for anything else. */
export function parseHex64(text: string): bigint | null {
  const t = text.startsWith('0x') || text.startsWith('0X') ? text.slice(2) : text;
  if (t.length === 0 || t.length > 16 || !/^[0-9a-fA-F]+$/.test(t)) return null;
  return BigInt('0x' + t);
}

export function hex(value: bigint, digits = 0): string {
  return '0x' + value.toString(16).padStart(digits, '0');
}
