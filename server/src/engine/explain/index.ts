// Public surface of the explainer: hovers computed from the value under the cursor.
export { explainAt } from './hover';
export type { HoverContext, HoverResult } from './hover';
export { findEventAt, findFrameAt } from './locate';
export { classifyValue } from './classify';
export type { ValueClass } from './classify';
export { initDisassemblers, parseCodeBytes, disassemble, formatDisassembly } from './disasm';
export type { Disassembly, DisasmLine, ParsedCode, CodeAnchor } from './disasm';
export { clearCodeCache } from './report';
