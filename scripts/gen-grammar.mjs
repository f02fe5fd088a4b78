// Regenerates syntaxes/kernel-log.tmLanguage.json from syntaxes/src/kernel-log.grammar.mjs, and package.json's
// semantic token types and their scopes from the grammar's scope names (syntaxes/src/semantic-token-types.mjs).
// `node scripts/gen-grammar.mjs --check` exits 1 if either committed file is stale (used by the tests).
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildGrammar } from '../syntaxes/src/kernel-log.grammar.mjs';
import { semanticTokenTypes } from '../syntaxes/src/semantic-token-types.mjs';

const grammarFile = fileURLToPath(new URL('../syntaxes/kernel-log.tmLanguage.json', import.meta.url));
const packageFile = fileURLToPath(new URL('../package.json', import.meta.url));
const grammar = buildGrammar();
const grammarText = JSON.stringify(grammar, null, 2) + '\n';

/** package.json with its semantic token contributions made from the grammar. */
function packageText() {
  const pkg = JSON.parse(readFileSync(packageFile, 'utf8'));
  const types = semanticTokenTypes(grammar);
  pkg.contributes.semanticTokenTypes = types.map(([id, scope]) => ({
    id,
    description: `Kernel log: ${scope.split(' ')[0].replace(/\.kernel-log$/, '')}`,
  }));
  pkg.contributes.semanticTokenScopes = [
    { language: 'kernel-log', scopes: Object.fromEntries(types.map(([id, scope]) => [id, [scope]])) },
  ];
  return JSON.stringify(pkg, null, 2) + '\n';
}

const outputs = [
  [grammarFile, grammarText, 'syntaxes/kernel-log.tmLanguage.json'],
  [packageFile, packageText(), "package.json's semanticTokenTypes/semanticTokenScopes"],
];
if (process.argv.includes('--check')) {
  for (const [file, text, what] of outputs) {
    let current = '';
    try {
      current = readFileSync(file, 'utf8');
    } catch {
      // missing file is stale too
    }
    if (current !== text) {
      console.error(`${what} is stale: run node scripts/gen-grammar.mjs`);
      process.exit(1);
    }
  }
  console.log('grammar and semantic token types up to date');
} else {
  for (const [file, text] of outputs) {
    writeFileSync(file, text);
    console.log(`wrote ${file} (${text.length} bytes)`);
  }
}
