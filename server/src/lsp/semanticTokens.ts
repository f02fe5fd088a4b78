// Colours for the logs VS Code leaves uncoloured. Above 20 MB or 300,000 lines VS Code turns its TextMate
// tokenization off (editor.largeFileOptimizations), so a 300,000-line serial capture — the log that most needs
// reading aids — shows as plain text. Semantic tokens stay on: for such a document the server tokenizes the
// lines asked for (the viewport) with the same grammar (vscode-textmate, oniguruma's WebAssembly; nothing of
// a line carries over to the next, so each line is tokenized alone) and gives each token the type that stands
// for its scope (syntaxes/src/semantic-token-types.mjs). package.json maps each type back to that scope, so a
// theme colours the tokens as it colours the grammar's. Smaller documents get none: the grammar colours them.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  SemanticTokensBuilder,
  type Range,
  type SemanticTokens,
  type SemanticTokensLegend,
} from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import * as onig from 'vscode-oniguruma';
import * as vsctm from 'vscode-textmate';
import { semanticTokenTypes, tokenTypeOf } from '../../../syntaxes/src/semantic-token-types.mjs';

/** VS Code's large-file thresholds (TextModel, VS Code 1.100): above either it does not tokenize. */
export const VSCODE_TOKENIZATION_LIMITS = { chars: 20 * 1024 * 1024, lines: 300_000 };
/** At most this many lines are tokenized per request (a viewport is a few hundred). */
const MAX_LINES = 5000;
/** Longer lines are tokenized up to here (VS Code's editor.maxTokenizationLineLength is 20,000). */
const MAX_LINE_CHARS = 20_000;

/** The grammar and the onig WebAssembly: beside the bundle (dist/) or, from the sources, in the repository. */
function resource(...candidates: string[]): string {
  return candidates.find((c) => existsSync(c)) ?? candidates[0];
}
const GRAMMAR_FILE = resource(
  path.join(__dirname, '../syntaxes/kernel-log.tmLanguage.json'),
  path.join(__dirname, '../../../syntaxes/kernel-log.tmLanguage.json'),
);

let legendTypes: string[] | null = null;
/** The token types, in the order of package.json's semanticTokenTypes (their indexes are the legend's). */
export function semanticTokensLegend(): SemanticTokensLegend {
  legendTypes ??= semanticTokenTypes(JSON.parse(readFileSync(GRAMMAR_FILE, 'utf8'))).map(([t]) => t);
  return { tokenTypes: legendTypes, tokenModifiers: [] };
}

let grammar: Promise<vsctm.IGrammar | null> | null = null;
function loadGrammar(): Promise<vsctm.IGrammar | null> {
  grammar ??= (async () => {
    const wasm = readFileSync(
      resource(
        path.join(__dirname, 'onig.wasm'),
        path.join(__dirname, '../../../node_modules/vscode-oniguruma/release/onig.wasm'),
      ),
    );
    await onig.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
    const raw = readFileSync(GRAMMAR_FILE, 'utf8');
    const registry = new vsctm.Registry({
      onigLib: Promise.resolve({
        createOnigScanner: (patterns: string[]) => new onig.OnigScanner(patterns),
        createOnigString: (s: string) => new onig.OnigString(s),
      }),
      loadGrammar: async () => vsctm.parseRawGrammar(raw, GRAMMAR_FILE),
    });
    return registry.loadGrammar('source.kernel-log');
  })();
  return grammar;
}

/** Is the document one VS Code does not tokenize? */
export function beyondTokenization(doc: TextDocument): boolean {
  const lines = doc.lineCount;
  if (lines > VSCODE_TOKENIZATION_LIMITS.lines) return true;
  return doc.offsetAt({ line: lines, character: 0 }) > VSCODE_TOKENIZATION_LIMITS.chars;
}

/** The semantic tokens of `range` of a document VS Code does not tokenize; none for the others. */
export async function provideSemanticTokens(doc: TextDocument, range: Range): Promise<SemanticTokens> {
  const builder = new SemanticTokensBuilder();
  if (!beyondTokenization(doc)) return builder.build();
  const g = await loadGrammar();
  if (!g) return builder.build();
  const index = new Map(semanticTokensLegend().tokenTypes.map((t, i) => [t, i]));
  // A range that ends at a line's start does not include that line.
  const end =
    range.end.character === 0 && range.end.line > range.start.line ? range.end.line - 1 : range.end.line;
  const last = Math.min(end, range.start.line + MAX_LINES - 1, doc.lineCount - 1);
  for (let line = range.start.line; line <= last; line++) {
    const text = doc
      .getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } })
      .replace(/\r?\n$|\r$/, '')
      .slice(0, MAX_LINE_CHARS);
    if (text.length === 0) continue;
    for (const t of g.tokenizeLine(text, vsctm.INITIAL).tokens) {
      const scope = innermost(t.scopes);
      const type = scope ? index.get(tokenTypeOf(scope)) : undefined;
      const end = Math.min(t.endIndex, text.length);
      if (type !== undefined && end > t.startIndex)
        builder.push(line, t.startIndex, end - t.startIndex, type, 0);
    }
  }
  return builder.build();
}

/** The innermost scope that colours a token (regions, `meta.*`, and the root do not). */
function innermost(scopes: string[]): string | undefined {
  for (let i = scopes.length - 1; i >= 0; i--)
    if (!/^(meta|source)\./.test(scopes[i]) && scopes[i].includes('.kernel-log')) return scopes[i];
  return undefined;
}
