/** The token type of a grammar scope name (`constant.numeric.hex.address.kernel-log` → `kl-constant-numeric-hex`). */
export function tokenTypeOf(scopeName: string): string;
/** [token type, the scopes a theme colours it by] for the grammar's scope names that colour text. */
export function semanticTokenTypes(grammar: unknown): [string, string][];
