// The hand x86-64 decoder (access/x86Decode.ts) against iced-x86, instruction by instruction over whole code
// sections: every instruction the hand decoder reads must give iced-x86's length, text, control flow, branch
// target, memory operands (base, index, scale, displacement, access, size, segment), written registers,
// register copy, pointer load, lea and indirect target. Instructions it leaves to iced-x86 are counted.
import assert from 'node:assert/strict';
import { ElfFile } from '../../src/engine/symbolize/elf/elfFile';
import { loadIced } from '../../src/engine/explain/disasm';
import { icedInstruction } from '../../src/engine/access/instruction';
import { decodeX86 } from '../../src/engine/access/x86Decode';

const SHF_EXECINSTR = 4;

export interface Differential {
  instructions: number;
  /** Read by the hand decoder (the rest go to iced-x86). */
  covered: number;
  /** Instructions the two read differently (the first `maxMismatches` are in `mismatches`). */
  differ: number;
  mismatches: string[];
}

/**
 * Compares the two decoders on every executable section of the ELF file at `file` (every `stride`th
 * instruction; iced-x86 still walks them all to find the boundaries).
 */
export function compareWithIced(file: string, stride = 1, maxMismatches = 20): Differential {
  const ice = loadIced();
  assert.ok(ice, 'iced-x86 is installed');
  const elf = ElfFile.open(file);
  const out: Differential = { instructions: 0, covered: 0, differ: 0, mismatches: [] };
  let n = 0;
  for (const s of elf.sections) {
    if (!(s.flags & SHF_EXECINSTR) || s.size === 0 || s.type !== 1) continue;
    const code = Uint8Array.from(elf.readSectionRange(s, 0, s.size));
    const decoder = new ice.Decoder(64, code, ice.DecoderOptions.None);
    const ins = new ice.Instruction();
    const factory = new ice.InstructionInfoFactory();
    try {
      decoder.ip = 0n;
      while (decoder.canDecode) {
        decoder.decodeOut(ins);
        const at = Number(ins.ip);
        if (ins.isInvalid || n++ % stride !== 0) continue;
        out.instructions++;
        const hand = decodeX86(code.subarray(at), at);
        if (!hand) continue;
        out.covered++;
        const want = icedInstruction(ice, ins, factory);
        const a = JSON.stringify(hand, bigints);
        const b = JSON.stringify(want, bigints);
        if (a !== b) out.differ++;
        if (a !== b && out.mismatches.length < maxMismatches) {
          const hexBytes = [...code.subarray(at, at + ins.length)]
            .map((x) => x.toString(16).padStart(2, '0'))
            .join('');
          out.mismatches.push(`${s.name}+0x${at.toString(16)} ${hexBytes}\n  hand ${a}\n  iced ${b}`);
        }
      }
    } finally {
      factory.free();
      ins.free();
      decoder.free();
    }
  }
  return out;
}

const bigints = (_: string, v: unknown) => (typeof v === 'bigint' ? v.toString() : v);
