// Loads TextMate grammars into vscode-textmate with the oniguruma WASM, the way VS Code does.
// Shared by the grammar tests and scripts/bench-grammar.mjs.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

// require(), not import: both packages are UMD bundles, and this module is loaded both as ESM (bench)
// and transpiled to CommonJS by tsx (tests), where a default import of them would be undefined.
const require = createRequire(import.meta.url);
const vsctm = require('vscode-textmate');
const onig = require('vscode-oniguruma');
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const KERNEL_LOG_GRAMMAR = fileURLToPath(
  new URL('../../syntaxes/kernel-log.tmLanguage.json', import.meta.url),
);

let onigReady;
function onigLib() {
  onigReady ??= onig
    .loadWASM(readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm')).buffer)
    .then(() => ({
      createOnigScanner: (patterns) => new onig.OnigScanner(patterns),
      createOnigString: (s) => new onig.OnigString(s),
    }));
  return onigReady;
}

/** Loads one grammar file (JSON) and returns the vscode-textmate IGrammar for its scopeName. */
export async function loadGrammar(path = KERNEL_LOG_GRAMMAR) {
  const raw = JSON.parse(readFileSync(path, 'utf8'));
  const registry = new vsctm.Registry({
    onigLib: onigLib(),
    loadGrammar: async (scopeName) =>
      scopeName === raw.scopeName ? vsctm.parseRawGrammar(JSON.stringify(raw), path) : null,
  });
  const grammar = await registry.loadGrammar(raw.scopeName);
  if (!grammar) throw new Error(`could not load grammar ${path}`);
  return grammar;
}

/** Splits text into lines exactly like VS Code's text model: \r\n, \r and \n all end a line. */
export function splitLines(text) {
  return text.split(/\r\n|\r|\n/);
}

/** Tokenizes lines in order, carrying the rule stack like the editor does. */
export function tokenizeLines(grammar, lines) {
  let stack = vsctm.INITIAL;
  const out = [];
  for (const line of lines) {
    const r = grammar.tokenizeLine(line, stack);
    out.push(r.tokens);
    stack = r.ruleStack;
  }
  return out;
}

export const INITIAL = vsctm.INITIAL;
