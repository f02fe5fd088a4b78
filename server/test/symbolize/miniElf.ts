// Writes a small but complete ELF file with DWARF 4 by hand, in any class and byte order, so the reader's
// big-endian and ELF32 paths are tested without a cross compiler. Layout of the program it describes:
//   .text at 0x400000, 0x30 bytes: outer_fn [0x400000, 0x400020) with helper() inlined at
//   [0x400008, 0x400010) (called from main.c:12), other_fn [0x400020, 0x400030).
//   line rows: 0x400000 main.c:10, 0x400008 helper.h:3, 0x400010 main.c:12, 0x400020 main.c:20.

export interface MiniElfOptions {
  little: boolean;
  is64: boolean;
  /** e_machine; default EM_S390 (22) for ELF64, EM_PPC (20) for ELF32 — both big-endian in real life. */
  machine?: number;
}

class Writer {
  private readonly parts: number[] = [];
  constructor(
    readonly little: boolean,
    readonly is64: boolean,
  ) {}
  get length(): number {
    return this.parts.length;
  }
  u8(v: number): this {
    this.parts.push(v & 0xff);
    return this;
  }
  uN(v: number | bigint, n: number): this {
    const bytes: number[] = [];
    let x = BigInt(v);
    for (let i = 0; i < n; i++) {
      bytes.push(Number(x & 0xffn));
      x >>= 8n;
    }
    if (!this.little) bytes.reverse();
    this.parts.push(...bytes);
    return this;
  }
  u16(v: number): this {
    return this.uN(v, 2);
  }
  u32(v: number): this {
    return this.uN(v, 4);
  }
  addr(v: number | bigint): this {
    return this.uN(v, this.is64 ? 8 : 4);
  }
  uleb(v: number): this {
    do {
      let b = v & 0x7f;
      v = Math.floor(v / 128);
      if (v) b |= 0x80;
      this.parts.push(b);
    } while (v);
    return this;
  }
  sleb(v: number): this {
    for (;;) {
      const b = v & 0x7f;
      v >>= 7;
      if ((v === 0 && !(b & 0x40)) || (v === -1 && b & 0x40)) {
        this.parts.push(b);
        return this;
      }
      this.parts.push(b | 0x80);
    }
  }
  str(s: string): this {
    for (const ch of Buffer.from(s, 'utf8')) this.parts.push(ch);
    this.parts.push(0);
    return this;
  }
  bytes(b: number[] | Buffer): this {
    this.parts.push(...b);
    return this;
  }
  patch32(at: number, v: number): void {
    const w = new Writer(this.little, this.is64).u32(v);
    for (let i = 0; i < 4; i++) this.parts[at + i] = w.parts[i];
  }
  buffer(): Buffer {
    return Buffer.from(this.parts);
  }
}

const TEXT = 0x400000;

function debugAbbrev(o: MiniElfOptions): Buffer {
  const w = new Writer(o.little, o.is64);
  // 1: compile_unit (children): name, comp_dir, stmt_list, low_pc, high_pc
  w.uleb(1)
    .uleb(0x11)
    .u8(1)
    .uleb(0x03)
    .uleb(0x08)
    .uleb(0x1b)
    .uleb(0x08)
    .uleb(0x10)
    .uleb(0x17)
    .uleb(0x11)
    .uleb(0x01)
    .uleb(0x12)
    .uleb(0x06)
    .uleb(0)
    .uleb(0);
  // 2: abstract subprogram helper: name, inline
  w.uleb(2).uleb(0x2e).u8(0).uleb(0x03).uleb(0x08).uleb(0x20).uleb(0x0b).uleb(0).uleb(0);
  // 3: subprogram with children: name, low_pc, high_pc
  w.uleb(3)
    .uleb(0x2e)
    .u8(1)
    .uleb(0x03)
    .uleb(0x08)
    .uleb(0x11)
    .uleb(0x01)
    .uleb(0x12)
    .uleb(0x06)
    .uleb(0)
    .uleb(0);
  // 4: inlined_subroutine: abstract_origin, low_pc, high_pc, call_file, call_line
  w.uleb(4)
    .uleb(0x1d)
    .u8(0)
    .uleb(0x31)
    .uleb(0x13)
    .uleb(0x11)
    .uleb(0x01)
    .uleb(0x12)
    .uleb(0x06)
    .uleb(0x58)
    .uleb(0x0b)
    .uleb(0x59)
    .uleb(0x0b)
    .uleb(0)
    .uleb(0);
  // 5: subprogram without children: name, low_pc, high_pc
  w.uleb(5)
    .uleb(0x2e)
    .u8(0)
    .uleb(0x03)
    .uleb(0x08)
    .uleb(0x11)
    .uleb(0x01)
    .uleb(0x12)
    .uleb(0x06)
    .uleb(0)
    .uleb(0);
  w.uleb(0);
  return w.buffer();
}

function debugInfo(o: MiniElfOptions): Buffer {
  const w = new Writer(o.little, o.is64);
  w.u32(0); // unit_length, patched below
  w.u16(4)
    .u32(0)
    .u8(o.is64 ? 8 : 4);
  w.uleb(1).str('main.c').str('/build').u32(0).addr(TEXT).u32(0x30);
  const helperOff = w.length;
  w.uleb(2).str('helper').u8(3);
  w.uleb(3).str('outer_fn').addr(TEXT).u32(0x20);
  w.uleb(4)
    .u32(helperOff)
    .addr(TEXT + 8)
    .u32(8)
    .u8(1)
    .u8(12);
  w.uleb(0); // end of outer_fn's children
  w.uleb(5)
    .str('other_fn')
    .addr(TEXT + 0x20)
    .u32(0x10);
  w.uleb(0); // end of the CU's children
  w.patch32(0, w.length - 4);
  return w.buffer();
}

function debugLine(o: MiniElfOptions): Buffer {
  const w = new Writer(o.little, o.is64);
  w.u32(0).u16(4);
  const hlAt = w.length;
  w.u32(0); // header_length, patched
  const hdrStart = w.length;
  w.u8(1)
    .u8(1)
    .u8(1)
    .u8(-5 & 0xff)
    .u8(14)
    .u8(13)
    .bytes([0, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0, 1]);
  w.str('src').u8(0);
  w.str('main.c').uleb(1).uleb(0).uleb(0).str('helper.h').uleb(1).uleb(0).uleb(0).u8(0);
  w.patch32(hlAt, w.length - hdrStart);
  const asz = o.is64 ? 8 : 4;
  w.u8(0)
    .uleb(1 + asz)
    .u8(2)
    .addr(TEXT); // set_address
  w.u8(3).sleb(9).u8(1); // line 10, copy
  w.u8(4).uleb(2).u8(3).sleb(-7).u8(2).uleb(8).u8(1); // helper.h:3 at +8
  w.u8(4).uleb(1).u8(3).sleb(9).u8(2).uleb(8).u8(1); // main.c:12 at +0x10
  w.u8(3).sleb(8).u8(2).uleb(0x10).u8(1); // main.c:20 at +0x20
  w.u8(2).uleb(0x10).u8(0).uleb(1).u8(1); // end_sequence at +0x30
  w.patch32(0, w.length - 4);
  return w.buffer();
}

interface Sec {
  name: string;
  type: number;
  flags: number;
  addr: number;
  data: Buffer;
  link?: number;
  info?: number;
  entsize?: number;
  align?: number;
}

export function buildMiniElf(o: MiniElfOptions): Buffer {
  const { little, is64 } = o;
  const machine = o.machine ?? (is64 ? 22 : 20);
  const sym = new Writer(little, is64);
  const strtab = new Writer(little, is64).u8(0);
  const strOff = (s: string) => {
    const off = strtab.length;
    strtab.str(s);
    return off;
  };
  const symbol = (name: number, value: number, size: number, info: number, shndx: number) => {
    if (is64) sym.u32(name).u8(info).u8(0).u16(shndx).addr(value).uN(size, 8);
    else sym.u32(name).u32(value).u32(size).u8(info).u8(0).u16(shndx);
  };
  const TEXT_INDEX = 1;
  symbol(0, 0, 0, 0, 0);
  symbol(strOff('main.c'), 0, 0, 0x04, 0xfff1); // STT_FILE, SHN_ABS
  symbol(strOff('outer_fn'), TEXT, 0x20, 0x12, TEXT_INDEX); // GLOBAL FUNC
  symbol(strOff('other_fn'), TEXT + 0x20, 0x10, 0x12, TEXT_INDEX);
  const note = new Writer(little, is64)
    .u32(4)
    .u32(20)
    .u32(3)
    .str('GNU')
    .bytes(Array.from({ length: 20 }, (_, i) => 0xa0 + i));
  const sections: Sec[] = [
    { name: '.text', type: 1, flags: 6, addr: TEXT, data: Buffer.alloc(0x30, 0x90), align: 16 },
    { name: '.note.gnu.build-id', type: 7, flags: 2, addr: TEXT + 0x40, data: note.buffer(), align: 4 },
    { name: '.debug_abbrev', type: 1, flags: 0, addr: 0, data: debugAbbrev(o) },
    { name: '.debug_info', type: 1, flags: 0, addr: 0, data: debugInfo(o) },
    { name: '.debug_line', type: 1, flags: 0, addr: 0, data: debugLine(o) },
    {
      name: '.symtab',
      type: 2,
      flags: 0,
      addr: 0,
      data: sym.buffer(),
      link: 7,
      info: 2,
      entsize: is64 ? 24 : 16,
      align: 8,
    },
    { name: '.strtab', type: 3, flags: 0, addr: 0, data: strtab.buffer() },
    { name: '.shstrtab', type: 3, flags: 0, addr: 0, data: Buffer.alloc(0) },
  ];
  const shstr = new Writer(little, is64).u8(0);
  const nameOff = sections.map((s) => {
    const off = shstr.length;
    shstr.str(s.name);
    return off;
  });
  sections[7].data = shstr.buffer();
  const ehsize = is64 ? 64 : 52;
  const shentsize = is64 ? 64 : 40;
  const offsets: number[] = [];
  let pos = ehsize;
  for (const s of sections) {
    pos = Math.ceil(pos / 16) * 16;
    offsets.push(pos);
    pos += s.data.length;
  }
  const shoff = Math.ceil(pos / 8) * 8;
  const out = new Writer(little, is64);
  out.bytes([0x7f, 0x45, 0x4c, 0x46, is64 ? 2 : 1, little ? 1 : 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  out
    .u16(2)
    .u16(machine)
    .u32(1)
    .addr(TEXT)
    .addr(0)
    .addr(shoff)
    .u32(0)
    .u16(ehsize)
    .u16(0)
    .u16(0)
    .u16(shentsize)
    .u16(sections.length + 1)
    .u16(8);
  const file = Buffer.alloc(shoff + shentsize * (sections.length + 1));
  out.buffer().copy(file, 0);
  sections.forEach((s, i) => s.data.copy(file, offsets[i]));
  const sh = new Writer(little, is64);
  sh.bytes(Array(shentsize).fill(0));
  sections.forEach((s, i) => {
    if (is64)
      sh.u32(nameOff[i])
        .u32(s.type)
        .uN(s.flags, 8)
        .addr(s.addr)
        .addr(offsets[i])
        .uN(s.data.length, 8)
        .u32(s.link ?? 0)
        .u32(s.info ?? 0)
        .uN(s.align ?? 1, 8)
        .uN(s.entsize ?? 0, 8);
    else
      sh.u32(nameOff[i])
        .u32(s.type)
        .u32(s.flags)
        .u32(s.addr)
        .u32(offsets[i])
        .u32(s.data.length)
        .u32(s.link ?? 0)
        .u32(s.info ?? 0)
        .u32(s.align ?? 1)
        .u32(s.entsize ?? 0);
  });
  sh.buffer().copy(file, shoff);
  return file;
}
