// Shared by the faulting-access tests: the real qemu crashes of buggy.ko (x86_64 and arm64) and the modules.
import assert from 'node:assert/strict';
import {
  analyzeText,
  evidenceFromFile,
  faultAccess,
  openDebugFile,
  type FaultAccess,
  type KernelEvent,
} from '../../src/engine';
import { qemuLog } from '../engine/fixtures';
import { CORPUS } from '../symbolize/helpers';

export const KO = `${CORPUS}qemu/module/buggy.ko`;
export const KO_ARM64 = `${CORPUS}qemu-arm64/module/buggy.ko`;

export type CorpusArch = 'x86_64' | 'arm64';

/** The module of a corpus architecture. */
export const moduleOf = (arch: CorpusArch) => (arch === 'arm64' ? KO_ARM64 : KO);

/** The event of a qemu scenario that has a register dump (the crash). */
export function faultEvent(scenario: string, arch: CorpusArch = 'x86_64'): KernelEvent {
  const e = analyzeText(qemuLog(arch, scenario)).events.find((x) => x.ip && x.registers.length);
  assert.ok(e, `${arch} ${scenario}: no event with a register dump`);
  return e;
}

/** The event's access, explained with its buggy.ko. */
export function withModule(e: KernelEvent): FaultAccess {
  const a = faultAccess(
    e,
    evidenceFromFile(openDebugFile(moduleOf(e.arch === 'arm64' ? 'arm64' : 'x86_64')), e.ip!),
  );
  assert.ok(a);
  return a;
}
