// Tiny helpers that let the grammar be written as readable parts instead of one long, doubly escaped
// JSON string per rule. A capture is `cap(scope, ...parts)`; plain strings are regex text that must not
// open capturing groups themselves, so capture numbers are always computed, never counted by hand.

export const SUFFIX = 'kernel-log';

/**
 * Appends the language suffix to the first scope of a (possibly space-separated) scope list, so rules
 * can write `invalid.illegal.panic token.error-token` and get `invalid.illegal.panic.kernel-log
 * token.error-token` (the second scope is a theme hook and must keep its exact name).
 */
export function scope(name) {
  if (!name) return undefined;
  const [first, ...rest] = name.split(' ');
  return [`${first}.${SUFFIX}`, ...rest].join(' ');
}

/** A capturing group: `scopeName` may be null (group used only for nesting), parts are strings or caps. */
export function cap(scopeName, ...parts) {
  return { kind: 'cap', scopeName, parts };
}

/** A capturing group whose text is tokenized again with `patterns` (vscode-textmate capture patterns). */
export function capPatterns(scopeName, patterns, ...parts) {
  return { kind: 'cap', scopeName, parts, patterns };
}

const OPENS_CAPTURE = /(?<!\\)\((?!\?)/;

function assertNoBareGroup(text) {
  // A `(` not preceded by a backslash and not followed by `?` would open a numbered group and shift
  // every capture number after it; character classes are the only legal place for a bare `(`.
  const withoutClasses = text.replace(/\[(?:\\.|[^\]\\])*\]/g, '');
  if (OPENS_CAPTURE.test(withoutClasses)) {
    throw new Error(`regex part opens a capturing group; use cap() or (?:…): ${text}`);
  }
}

/** Compiles parts into `{ regex, captures }` with captures numbered in regex order. */
export function compile(parts) {
  let n = 0;
  const captures = {};
  function emit(p) {
    if (typeof p === 'string') {
      assertNoBareGroup(p);
      return p;
    }
    const index = ++n;
    const inner = p.parts.map(emit).join('');
    const entry = {};
    if (p.scopeName) entry.name = scope(p.scopeName);
    if (p.patterns) entry.patterns = p.patterns;
    if (Object.keys(entry).length) captures[String(index)] = entry;
    return `(${inner})`;
  }
  const regex = parts.map(emit).join('');
  // In ONIG_SYNTAX_ONIGURUMA `x{n,m}+` means `(?:x{n,m})+`, a nested quantifier that backtracks
  // catastrophically; bounded repeats must be written `(?>x{n,m})` instead.
  // A raw control character means an escape was lost on the way (e.g. "\b" typed as a backspace).
  if (/[\x00-\x1f]/.test(regex)) throw new Error(`control character in regex: ${JSON.stringify(regex)}`);
  if (/(?<!\\)\{\d+,?\d*\}\+/.test(regex)) throw new Error(`'{n,m}+' is not possessive in oniguruma: ${regex}`);
  return { regex, captures };
}

/** A single-regex rule. */
export function match(name, ...parts) {
  const { regex, captures } = compile(parts);
  const rule = { match: regex };
  if (name) rule.name = scope(name);
  if (Object.keys(captures).length) rule.captures = captures;
  return rule;
}

/**
 * A begin/end rule. `end` defaults to the end of the line: every construct of a kernel log lives on one
 * line, so no state ever leaks into the next line (a torn or interleaved line cannot colour the rest of
 * the file).
 */
export function region({ name, contentName, begin, end = ['$'], patterns }) {
  const b = compile(begin);
  const e = compile(end);
  const rule = { begin: b.regex };
  if (name) rule.name = scope(name);
  if (contentName) rule.contentName = scope(contentName);
  if (Object.keys(b.captures).length) rule.beginCaptures = b.captures;
  rule.end = e.regex;
  if (Object.keys(e.captures).length) rule.endCaptures = e.captures;
  rule.patterns = patterns ?? [];
  return rule;
}

export const include = (name) => ({ include: name.startsWith('#') || name.startsWith('$') ? name : `#${name}` });

/** `(?:a|b|c)` from a list of already-escaped alternatives. */
export const anyOf = (alts) => `(?:${alts.join('|')})`;
