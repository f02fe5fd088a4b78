// Shared by the faulting-access tests: the real qemu crashes of buggy.ko and the module itself.
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

/** The event of a qemu x86_64 scenario that has a register dump (the crash). */
export function faultEvent(scenario: string): KernelEvent {
  const e = analyzeText(qemuLog('x86_64', scenario)).events.find((x) => x.ip && x.registers.length);
  assert.ok(e, `${scenario}: no event with a register dump`);
  return e;
}

/** The event's access, explained with buggy.ko. */
export function withModule(e: KernelEvent): FaultAccess {
  const a = faultAccess(e, evidenceFromFile(openDebugFile(KO), e.ip!));
  assert.ok(a);
  return a;
}

export const KO_ARM64 = `${CORPUS}qemu-arm64/module/buggy.ko`;
