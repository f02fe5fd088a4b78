import type { IGrammar, IToken, StateStack } from 'vscode-textmate';
export const repoRoot: string;
export const KERNEL_LOG_GRAMMAR: string;
export const INITIAL: StateStack;
export function loadGrammar(path?: string): Promise<IGrammar>;
export function splitLines(text: string): string[];
export function tokenizeLines(grammar: IGrammar, lines: string[]): IToken[][];
