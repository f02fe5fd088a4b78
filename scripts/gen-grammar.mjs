// Regenerates syntaxes/kernel-log.tmLanguage.json from syntaxes/src/kernel-log.grammar.mjs.
// `node scripts/gen-grammar.mjs --check` exits 1 if the committed JSON is stale (used by the tests).
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildGrammar } from '../syntaxes/src/kernel-log.grammar.mjs';

const out = fileURLToPath(new URL('../syntaxes/kernel-log.tmLanguage.json', import.meta.url));
const text = JSON.stringify(buildGrammar(), null, 2) + '\n';

if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(out, 'utf8');
  } catch {
    // missing file is stale too
  }
  if (current !== text) {
    console.error('syntaxes/kernel-log.tmLanguage.json is stale: run node scripts/gen-grammar.mjs');
    process.exit(1);
  }
  console.log('grammar up to date');
} else {
  writeFileSync(out, text);
  console.log(`wrote ${out} (${text.length} bytes)`);
}
