// .debug_line: the line-number program of one unit (DWARF 2–5), run into address-sorted sequences.
// Row selection and file-name composition follow binutils (bfd/dwarf2.c) so answers match `addr2line`.
import { Cursor, initialLength } from './cursor';
import { countAtOrBefore } from '../search';
import { DW_FORM, DW_LNCT, DW_LNE, DW_LNS } from './constants';
import { type DwarfSections, need } from './sections';
import { readConstant, readIndex, skipForm, type UnitEncoding } from './forms';
import { type AddressSpace } from '../elf/addressSpace';
import { corrupt, SymbolizeError } from '../errors';

export interface LineRow {
  address: number;
  file: number;
  line: number;
  column: number;
  discriminator: number;
}

export interface LineSequence {
  start: number;
  /** Address of the end_sequence row (exclusive). */
  end: number;
  /** Index of the sequence's first row in the table's row arrays, and the number of rows. */
  first: number;
  count: number;
}

interface ProgramHeader {
  minInst: number;
  maxOps: number;
  lineBase: number;
  lineRange: number;
  opcodeBase: number;
  stdLengths: number[];
}

interface FileEntry {
  /** The path, or null while it is only a string-section offset (`ref`) not decoded yet. */
  name: string | null;
  /** DW_FORM_line_strp / DW_FORM_strp offset of the path when `name` is null. */
  ref: number;
  refForm: number;
  dir: number;
}

export interface LineContext {
  compDir: string | null;
  /** Resolves DW_FORM_strx* in v5 entry formats (needs the unit's str_offsets_base). */
  strx?: (index: number) => string;
}

const MAX_ROWS = 50_000_000;

export class LineTable {
  readonly sequences: LineSequence[] = [];
  // Rows of all sequences, in typed arrays (a big unit has 100k rows; objects would cost GC time).
  private rowAddr = new Float64Array(1024);
  private rowFile = new Uint32Array(1024);
  private rowLine = new Uint32Array(1024);
  private rowColumn = new Uint32Array(1024);
  private rowDisc = new Uint32Array(1024);
  private rows = 0;
  private readonly dirs: FileEntry[] = [];
  private readonly files: FileEntry[] = [];
  private readonly sections: DwarfSections;
  private version = 0;
  private readonly nameCache = new Map<number, string>();

  constructor(
    sections: DwarfSections,
    space: AddressSpace,
    offset: number,
    private readonly ctx: LineContext,
  ) {
    this.sections = sections;
    const sec = need(sections.line, '.debug_line');
    const lenBuf = sec.bytes(offset, Math.min(12, sec.size - offset));
    const lc = new Cursor(lenBuf, 0, sections.little);
    const { length, is64 } = initialLength(lc);
    if (offset + lc.pos + length > sec.size)
      throw corrupt(`line table at 0x${offset.toString(16)} claims ${length} bytes, beyond .debug_line`);
    const buf = sec.bytes(offset, lc.pos + length);
    this.run(new Cursor(buf, lc.pos, sections.little), is64, sections, space);
  }

  private run(c: Cursor, is64: boolean, sections: DwarfSections, space: AddressSpace): void {
    const version = c.u16();
    this.version = version;
    if (version < 2 || version > 5)
      throw new SymbolizeError('unsupported', `unsupported .debug_line version ${version}`);
    const offsetSize = is64 ? 8 : 4;
    let addrSize = 0;
    if (version >= 5) {
      addrSize = c.u8();
      c.u8(); // segment selector size
    }
    const headerLength = c.uN(offsetSize);
    const programStart = c.pos + headerLength;
    if (programStart > c.end) throw corrupt('line table header length runs past the table');
    const minInst = c.u8();
    const maxOps = version >= 4 ? c.u8() || 1 : 1;
    const defaultIsStmt = c.u8() !== 0;
    void defaultIsStmt;
    const lineBase = c.i8();
    const lineRange = c.u8();
    const opcodeBase = c.u8();
    if (lineRange === 0) throw corrupt('line table with line_range 0');
    const stdLengths: number[] = [0];
    for (let i = 1; i < opcodeBase; i++) stdLengths.push(c.u8());
    const enc: UnitEncoding = { version, addrSize: addrSize || 8, offsetSize };
    if (version >= 5) {
      for (const e of this.readEntries(c, enc, sections)) this.dirs.push(e);
      for (const e of this.readEntries(c, enc, sections)) this.files.push(e);
    } else {
      for (;;) {
        const d = c.cstr();
        if (!d) break;
        this.dirs.push({ name: d, ref: 0, refForm: 0, dir: 0 });
      }
      for (;;) {
        const name = c.cstr();
        if (!name) break;
        const dir = c.uleb();
        c.uleb();
        c.uleb();
        this.files.push({ name, ref: 0, refForm: 0, dir });
      }
    }
    c.pos = programStart;

    this.runProgram(c, { minInst, maxOps, lineBase, lineRange, opcodeBase, stdLengths }, space);
  }

  /**
   * The state machine. This loop is most of the cost of a cold lookup (a kernel unit's program has 100k rows)
   * and runs before the JIT has warmed up: registers, LEB128 decoding and row emission are kept inline.
   */
  private runProgram(c: Cursor, h: ProgramHeader, space: AddressSpace): void {
    const { minInst, maxOps, opcodeBase, stdLengths } = h;
    let address = 0;
    let opIndex = 0;
    let file = 1;
    let line = 1;
    let column = 0;
    let discriminator = 0;
    // The open sequence: its start address, first row and row count (-1: none open).
    let seqStart = 0;
    let seqFirst = -1;
    let seqCount = 0;
    // Special opcodes are most of any program: their operation and line advances come from tables.
    const opAdvance = new Int32Array(256);
    const lineAdvance = new Int32Array(256);
    for (let op = opcodeBase; op < 256; op++) {
      opAdvance[op] = Math.floor((op - opcodeBase) / h.lineRange);
      lineAdvance[op] = h.lineBase + ((op - opcodeBase) % h.lineRange);
    }
    const constAddPc = Math.floor((255 - opcodeBase) / h.lineRange);
    const buf = c.buf;
    const end = c.end;
    let pos = c.pos;
    let emit = false;
    // Rows go to typed arrays held in locals (property loads cost in cold code); grow() replaces them.
    let rows = this.rows;
    let { rowAddr, rowFile, rowLine, rowColumn, rowDisc } = this;
    while (pos < end) {
      const op = buf[pos++];
      if (op >= opcodeBase) {
        if (maxOps === 1) address += minInst * opAdvance[op];
        else {
          address += minInst * Math.floor((opIndex + opAdvance[op]) / maxOps);
          opIndex = (opIndex + opAdvance[op]) % maxOps;
        }
        line += lineAdvance[op];
        emit = true;
      } else if (
        op === DW_LNS.advance_pc ||
        op === DW_LNS.set_file ||
        op === DW_LNS.set_column ||
        op === DW_LNS.advance_line
      ) {
        // One LEB128 operand, decoded inline.
        let v = 0;
        let mul = 1;
        let byte = 0x80;
        while (byte & 0x80) {
          if (pos >= end) throw corrupt('unterminated LEB128 value');
          byte = buf[pos++];
          v += (byte & 0x7f) * mul;
          mul *= 128;
          if (mul > 2 ** 63 && byte & 0x80) {
            // Padded or absurd: consume it; such a value means nothing (as Cursor.uleb/sleb treat it).
            while (pos < end && buf[pos++] & 0x80);
            v = op === DW_LNS.advance_line ? 0 : Number.MAX_SAFE_INTEGER;
            mul = 0;
            byte = 0;
          }
        }
        if (op === DW_LNS.advance_line) line += byte & 0x40 ? v - mul : v;
        else if (op === DW_LNS.set_file) file = v;
        else if (op === DW_LNS.set_column) column = v;
        else if (maxOps === 1) address += minInst * v;
        else {
          address += minInst * Math.floor((opIndex + v) / maxOps);
          opIndex = (opIndex + v) % maxOps;
        }
        continue;
      } else if (op === DW_LNS.copy) emit = true;
      else if (op === DW_LNS.const_add_pc) {
        if (maxOps === 1) address += minInst * constAddPc;
        else {
          address += minInst * Math.floor((opIndex + constAddPc) / maxOps);
          opIndex = (opIndex + constAddPc) % maxOps;
        }
        continue;
      } else if (op === DW_LNS.fixed_advance_pc) {
        c.pos = pos;
        address += c.u16();
        pos = c.pos;
        opIndex = 0;
        continue;
      } else if (op === 0) {
        c.pos = pos;
        const len = c.uleb();
        if (len === 0) {
          pos = c.pos;
          continue;
        }
        const extEnd = c.pos + len;
        if (extEnd > end) throw corrupt('extended line opcode runs past the table');
        const sub = c.u8();
        if (sub === DW_LNE.end_sequence) {
          if (seqFirst >= 0 && seqCount > 0 && address > seqStart && !Number.isNaN(address))
            this.sequences.push({ start: seqStart, end: address, first: seqFirst, count: seqCount });
          else if (seqFirst >= 0) rows = seqFirst;
          seqFirst = -1;
          address = 0;
          opIndex = 0;
          file = 1;
          line = 1;
          column = 0;
          discriminator = 0;
        } else if (sub === DW_LNE.set_address) {
          address = space.fromBig(c.addr(len - 1));
          opIndex = 0;
        } else if (sub === DW_LNE.define_file) {
          const name = c.cstr();
          const dir = c.uleb();
          this.files.push({ name, ref: 0, refForm: 0, dir });
        } else if (sub === DW_LNE.set_discriminator) discriminator = c.uleb();
        pos = extEnd;
        continue;
      } else if (
        op === DW_LNS.negate_stmt ||
        op === DW_LNS.set_basic_block ||
        op === DW_LNS.set_prologue_end ||
        op === DW_LNS.set_epilogue_begin
      ) {
        continue;
      } else {
        // set_isa, or an opcode this reader does not know: the header says how many LEB128 operands to skip.
        c.pos = pos;
        for (let i = 0; i < stdLengths[op]; i++) c.uleb();
        pos = c.pos;
        continue;
      }
      if (!emit) continue;
      emit = false;
      // Emit a row. binutils keeps only the last of several rows at the same address.
      if (seqFirst < 0) {
        seqStart = address;
        seqFirst = rows;
        seqCount = 0;
      }
      let k = rows;
      if (seqCount > 0 && rowAddr[k - 1] === address) k--;
      else {
        if (k === rowAddr.length) {
          if (k >= MAX_ROWS) throw corrupt('line table has an absurd number of rows');
          this.grow();
          ({ rowAddr, rowFile, rowLine, rowColumn, rowDisc } = this);
        }
        rows++;
        seqCount++;
      }
      rowAddr[k] = address;
      rowFile[k] = file;
      rowLine[k] = line;
      rowColumn[k] = column;
      rowDisc[k] = discriminator;
      discriminator = 0;
    }
    this.rows = rows;
    this.sequences.sort((a, b) => a.start - b.start);
  }

  private grow(): void {
    const n = this.rowAddr.length * 2;
    const g = <T extends Float64Array | Uint32Array>(a: T, make: (n: number) => T): T => {
      const b = make(n);
      b.set(a);
      return b;
    };
    this.rowAddr = g(this.rowAddr, (k) => new Float64Array(k));
    this.rowFile = g(this.rowFile, (k) => new Uint32Array(k));
    this.rowLine = g(this.rowLine, (k) => new Uint32Array(k));
    this.rowColumn = g(this.rowColumn, (k) => new Uint32Array(k));
    this.rowDisc = g(this.rowDisc, (k) => new Uint32Array(k));
  }

  private readEntries(c: Cursor, enc: UnitEncoding, sections: DwarfSections): FileEntry[] {
    const formatCount = c.u8();
    const format: number[] = [];
    for (let i = 0; i < formatCount; i++) format.push(c.uleb(), c.uleb());
    const count = c.uleb();
    if (count > c.end - c.pos) throw corrupt(`line table claims ${count} directory/file entries`);
    const out: FileEntry[] = [];
    for (let i = 0; i < count; i++) {
      const e: FileEntry = { name: '', ref: 0, refForm: 0, dir: 0 };
      for (let k = 0; k < format.length; k += 2) {
        const type = format[k];
        const form = format[k + 1];
        if (type === DW_LNCT.path) {
          // A unit lists hundreds of headers and a lookup names one or two: offsets now, strings on use.
          if (form === DW_FORM.line_strp || form === DW_FORM.strp) {
            e.name = null;
            e.ref = c.uN(enc.offsetSize);
            e.refForm = form;
          } else e.name = this.readPath(c, form, enc, sections);
        } else if (type === DW_LNCT.directory_index) e.dir = readConstant(c, form, enc);
        else skipForm(c, form, enc);
      }
      out.push(e);
    }
    return out;
  }

  private readPath(c: Cursor, form: number, enc: UnitEncoding, sections: DwarfSections): string {
    switch (form) {
      case DW_FORM.string:
        return c.cstr();
      case DW_FORM.line_strp:
        return need(sections.lineStr, '.debug_line_str').cstring(c.uN(enc.offsetSize));
      case DW_FORM.strp:
        return need(sections.str, '.debug_str').cstring(c.uN(enc.offsetSize));
      default: {
        const index = readIndex(c, form);
        if (index >= 0) return this.ctx.strx ? this.ctx.strx(index) : '';
        skipForm(c, form, enc);
        return '';
      }
    }
  }

  /** Row covering `addr` (the last row at or before it in its sequence), binutils-style. */
  find(addr: number): LineRow | null {
    const seqs = this.sequences;
    const lo = countAtOrBefore(seqs.length, (i) => seqs[i].start <= addr);
    // Sequences can overlap (e.g. discarded code); look back a little for one that really contains addr.
    for (let i = lo - 1; i >= 0 && i >= lo - 8; i--) {
      const s = seqs[i];
      if (addr >= s.start && addr < s.end) {
        const rows = this.rowAddr;
        const k = s.first + countAtOrBefore(s.count, (j) => rows[s.first + j] <= addr) - 1;
        if (k < s.first) return null;
        return {
          address: rows[k],
          file: this.rowFile[k],
          line: this.rowLine[k],
          column: this.rowColumn[k],
          discriminator: this.rowDisc[k],
        };
      }
    }
    return null;
  }

  private path(e: FileEntry): string {
    if (e.name === null)
      e.name =
        e.refForm === DW_FORM.line_strp
          ? need(this.sections.lineStr, '.debug_line_str').cstring(e.ref)
          : need(this.sections.str, '.debug_str').cstring(e.ref);
    return e.name;
  }

  /** File name of a file index, composed as binutils' concat_filename does. */
  fileName(index: number): string | null {
    const cached = this.nameCache.get(index);
    if (cached !== undefined) return cached;
    const v5 = this.version >= 5;
    let i = index;
    if (!v5) {
      if (i === 0) return null;
      i--;
    }
    const f = this.files[i];
    if (!f) return null;
    let name = this.path(f);
    if (!isAbsolute(name)) {
      let dirIdx = f.dir;
      if (!v5) dirIdx--;
      let subdir: string | null =
        dirIdx >= 0 && dirIdx < this.dirs.length ? this.path(this.dirs[dirIdx]) : null;
      let dir: string | null = !subdir || !isAbsolute(subdir) ? this.ctx.compDir : null;
      if (!dir) {
        dir = subdir;
        subdir = null;
      }
      if (dir) name = subdir ? `${dir}/${subdir}/${name}` : `${dir}/${name}`;
    }
    this.nameCache.set(index, name);
    return name;
  }
}

function isAbsolute(p: string): boolean {
  return p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p);
}
