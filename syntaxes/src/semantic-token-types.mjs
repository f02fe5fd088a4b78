// The semantic token types that stand for the grammar's scopes: one per kind of scope the grammar gives
// (`meta.*` regions and the root excepted), named after it. The server colours the logs VS Code does not
// tokenize (above its large-file thresholds) with these types, and package.json maps each back to its
// scopes (semanticTokenScopes), so a theme colours them exactly as it colours the grammar's tokens.
// Shared by scripts/gen-grammar.mjs (package.json) and the server (its legend), which must agree.

/** Every `name` / `contentName` of a grammar, in order of first appearance. */
function scopeNames(grammar) {
  const names = [];
  const seen = new Set();
  const walk = (x) => {
    if (Array.isArray(x)) x.forEach(walk);
    else if (x && typeof x === 'object') {
      for (const k of ['name', 'contentName'])
        if (typeof x[k] === 'string' && !seen.has(x[k])) {
          seen.add(x[k]);
          names.push(x[k]);
        }
      Object.values(x).forEach(walk);
    }
  };
  walk(grammar.patterns);
  walk(grammar.repository);
  return names;
}

/**
 * What a scope name is coloured by: its first three parts (what themes select on: `entity.name.function`,
 * `constant.numeric.hex`, `invalid.illegal`) and the severity scope it carries (`token.error-token`).
 */
function themeScope(scopeName) {
  const [first, ...rest] = scopeName.split(' ');
  const head = first.replace(/\.kernel-log$/, '').split('.').slice(0, 3).join('.');
  return [`${head}.kernel-log`, ...rest].join(' ');
}

/** The token type of a scope name (`constant.numeric.hex.address.kernel-log` → `kl-constant-numeric-hex`). */
export function tokenTypeOf(scopeName) {
  return `kl-${themeScope(scopeName).split(' ')[0].replace(/\.kernel-log$/, '').replace(/\./g, '-')}`;
}

/** [token type, the scopes a theme colours it by] for the grammar's scope names that colour text. */
export function semanticTokenTypes(grammar) {
  const out = [];
  const seen = new Set();
  for (const name of scopeNames(grammar)) {
    if (/^(meta|source)\./.test(name) || !name.includes('.kernel-log')) continue;
    const type = tokenTypeOf(name);
    if (seen.has(type)) continue;
    seen.add(type);
    out.push([type, themeScope(name)]);
  }
  return out;
}
