// The faulting access explained down to the C expression (issue 13): instruction.ts (step 1, decoding),
// values.ts (step 2, registers and effective address), variable.ts (step 3, DWARF variables at the PC),
// expression.ts (step 4, the member at the displacement), faultAccess.ts (the steps together).
export { faultAccess, isMemoryFault, operandText, accessEventOf, badCallTarget } from './faultAccess';
export type { FaultAccess, AccessEvidence, AccessEvent } from './faultAccess';
export { evidenceFromCall, evidenceFromFile, ipInFile } from './evidence';
export { callBefore } from './badCall';
export type { CallSite } from './badCall';
export type { IpInFile } from './evidence';
export { decodeAccess } from './instruction';
export type { AccessKind, DecodedAccess, MemoryOperand } from './instruction';
export { accessValues, registerValue } from './values';
export type { AccessValues, RegisterValue } from './values';
export type { VariableAtPc } from './variable';
export type { MemberPath } from './expression';
