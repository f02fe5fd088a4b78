// Comparing our AT&T text with objdump's: spellings that differ between binutils releases (and iced) without
// differing in meaning are normalised; the operands must be the same text.

/** Mnemonic spellings that differ between binutils and iced without differing in meaning. */
export function normalizeMnemonic(m: string): string {
  if (m === '(bad)') return '(bad)';
  return m
    .replace(/^(rex\.?\w*|data16|addr32|cs|ds|notrack|bnd)$/, '')
    .replace(/^(call|ret|jmp|push|pop)q$/, '$1');
}

/** `callq  *0x60(%rax)` (binutils before 2.37) and `call *0x60(%rax)` (later) -> `call *0x60(%rax)`. */
export function normalizeInstruction(text: string): string {
  const [mnemonic, ...operands] = text.trim().split(/\s+/);
  return [normalizeMnemonic(mnemonic), operands.join(' ')].filter((s) => s).join(' ');
}
