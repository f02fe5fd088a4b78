// MAINTAINERS as get_maintainer.pl holds it: one flat list of entries (read_maintainer_file), where a
// `X: value` line is a typed entry and any other non-blank, non-comment line a section name. Sections are
// found by walking that list exactly as the script does (find_starting_index / find_ending_index), so odd
// layouts (two name lines in a row, a header before the first section) group the same way.

export interface TypedEntry {
  type: string;
  value: string;
  /**
   * For `F:`/`X:`: the pattern as a regex source (`.` → `\.`, `*` → `.*`, `?` → `.`, directories end in `/`);
   * for `N:` the path regex, for `K:` the content regex (Perl's `/x`, read as Perl reads it).
   */
  pattern?: RegExp | null;
}

/** A section name line, or a typed line. */
export type MaintainersLine = string | TypedEntry;

export interface MaintainersFile {
  lines: MaintainersLine[];
}

const TYPED = /^([A-Z]):\s*(.*)/;

/**
 * Parses MAINTAINERS text. `isDirectory(value)` answers the script's `-d $value` on the converted pattern,
 * relative to the tree's top (a pattern naming a directory without a trailing slash gets one).
 */
export function parseMaintainers(
  texts: readonly string[],
  isDirectory: (p: string) => boolean,
): MaintainersFile {
  const lines: MaintainersLine[] = [];
  for (const text of texts)
    for (const line of text.split('\n')) {
      const m = TYPED.exec(line);
      if (m) {
        const type = m[1];
        let value = m[2];
        if (type === 'F' || type === 'X') {
          value = value.replace(/\./g, '\\.').replace(/\*/g, '.*').replace(/\?/g, '.');
          if (isDirectory(value)) value = value.replace(/([^/])$/, '$1/');
          lines.push({ type, value, pattern: compile(`^${value}`) });
        } else if (type === 'N') lines.push({ type, value, pattern: compile(extendedToPlain(value)) });
        else if (type === 'K') lines.push({ type, value, pattern: perlContentRegex(extendedToPlain(value)) });
        else lines.push({ type, value });
      } else if (!/^\s*$/.test(line) && !/^\s*#/.test(line)) lines.push(line);
    }
  return { lines };
}

/** A pattern Perl would reject never matches here (the script would die on it). */
function compile(source: string, flags = ''): RegExp | null {
  try {
    return new RegExp(source, flags);
  } catch {
    return null;
  }
}

const PERL_SPACE = '\\t\\n\\x0B\\f\\r ';

/**
 * A `K:` regex as Perl runs it on a file's bytes (the caller reads the file as Latin-1, a character a byte):
 * a leading `(?i)` is the `i` flag, a `(?i:…)` group matches either case of its letters (JavaScript before
 * V8 12.5 has no inline modifiers), `.` is anything but `\n` (`\r` too), `\s` Perl's ASCII space set, and
 * `$` also matches before a final `\n`.
 */
export function perlContentRegex(source: string): RegExp | null {
  let flags = '';
  if (source.startsWith('(?i)')) {
    flags = 'i';
    source = source.slice(4);
  }
  let out = '';
  let inClass = false;
  /** Depth of `(?i:` groups still open, and the paren depth each opened at. */
  const caseless: number[] = [];
  let depth = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') {
      const e = source.slice(i, i + 2);
      out += e === '\\s' ? (inClass ? PERL_SPACE : `[${PERL_SPACE}]`) : e;
      i++;
    } else if (inClass) {
      out += caseless.length > 0 && /[A-Za-z]/.test(c) ? c.toLowerCase() + c.toUpperCase() : c;
      if (c === ']') inClass = false;
    } else if (c === '[') {
      inClass = true;
      out += c;
    } else if (source.startsWith('(?i:', i)) {
      depth++;
      caseless.push(depth);
      out += '(?:';
      i += 3;
    } else if (c === '(') {
      depth++;
      out += c;
    } else if (c === ')') {
      if (caseless[caseless.length - 1] === depth) caseless.pop();
      depth--;
      out += c;
    } else if (c === '.') out += '[^\\n]';
    else if (c === '$') out += '(?=\\n?$)';
    else if (caseless.length > 0 && /[A-Za-z]/.test(c)) out += `[${c.toLowerCase()}${c.toUpperCase()}]`;
    else out += c;
  }
  return compile(out, flags);
}

/** Perl's `/x`: unescaped white space outside character classes and `#` comments are not part of the regex. */
function extendedToPlain(source: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') {
      out += source.slice(i, i + 2);
      i++;
    } else if (inClass) {
      out += c;
      if (c === ']') inClass = false;
    } else if (c === '[') {
      inClass = true;
      out += c;
    } else if (c === '#') break;
    else if (!/\s/.test(c)) out += c;
  }
  return out;
}

export const isTyped = (l: MaintainersLine | undefined): l is TypedEntry => typeof l === 'object';

export function firstSection(f: MaintainersFile): number {
  let i = 0;
  while (i < f.lines.length && !isTyped(f.lines[i])) i++;
  return i;
}

export function sectionStart(f: MaintainersFile, index: number): number {
  while (index > 0 && isTyped(f.lines[index])) index--;
  return index;
}

export function sectionEnd(f: MaintainersFile, index: number): number {
  while (index < f.lines.length && isTyped(f.lines[index])) index++;
  return index;
}
