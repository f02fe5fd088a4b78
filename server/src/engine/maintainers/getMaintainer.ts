// Who to send a patch or a bug report about one file to: scripts/get_maintainer.pl's answer for
// `get_maintainer.pl --no-git --no-git-fallback -f FILE`, without Perl (`--no-keywords` when the file's
// content is not given). Sections match by
// `F:` (globs; a trailing `/` or a directory matches everything below), unless an `X:` excludes the file,
// or by an `N:` regex on the path; the most specific pattern first (more path components), ties in
// MAINTAINERS order (the script leaves ties to Perl's hash order). `M:` people get the section's `S:`
// status as role, `R:` people are reviewers, `L:` lists are open or moderated (subscribers-only lists are
// left out, as the script does by default). Duplicates are merged and `.mailmap` applied as the script does.
// Then, as the script does for a file it can read, the sections with a `K:` regex the file's content matches,
// in the order of their `K:` lines' indexes sorted as strings (its sort_and_uniq), after all the others.
import { formatEmail, parseEmail, splitAddresses } from './email';
import { mailmapEmail, type Mailmap } from './mailmap';
import {
  firstSection,
  isTyped,
  sectionEnd,
  sectionStart,
  type MaintainersFile,
  type MaintainersLine,
} from './maintainersFile';

export type MaintainerRole = 'maintainer' | 'reviewer';

export interface Person {
  /** As the script prints it: `Name <address>`, the name quoted when needed. */
  formatted: string;
  name: string;
  email: string;
  role: MaintainerRole;
  /** The role as the script's --rolestats prints it: `maintainer:NETWORKING [GENERAL]`, `reviewer:…`. */
  roleText: string;
}

export interface MailingList {
  email: string;
  /** `open list:NETWORKING [GENERAL]`, `moderated list:…`, or `open list` for THE REST. */
  roleText: string;
  moderated: boolean;
}

export interface Subsystem {
  name: string;
  /** `S:` (Maintained, Supported, Odd Fixes, Orphan, Obsolete…), or null. */
  status: string | null;
}

export interface MaintainersAnswer {
  /** The path looked up, relative to the tree's top. */
  file: string;
  /** Matching sections, most specific first. */
  subsystems: Subsystem[];
  people: Person[];
  lists: MailingList[];
}

export interface MaintainersDb {
  file: MaintainersFile;
  mailmap: Mailmap;
}

/** The script drops the chief penguin from every answer (he is on THE REST). */
const PENGUIN_CHIEFS = [formatEmail('Linus Torvalds', 'torvalds@linux-foundation.org')];
/** --rolestats prints section names cut to 50 bytes. */
const SECTION_MAXLEN = 50;

const lineText = (l: MaintainersLine) => (isTyped(l) ? `${l.type}:${l.value}` : l);
const slashes = (s: string) => s.split('/').length - 1;

function filePatternMatches(file: string, value: string, pattern: RegExp | null | undefined): boolean {
  if (!pattern || !pattern.test(file)) return false;
  // A pattern without a trailing slash names files at its own depth only (`drivers/*.c` not `drivers/a/b.c`).
  return value.endsWith('/') || slashes(file) === slashes(value);
}

function subsystemName(db: MaintainersDb, index: number): string {
  const name = lineText(db.file.lines[sectionStart(db.file, index)]);
  const bytes = Buffer.from(name, 'utf8');
  if (bytes.length <= SECTION_MAXLEN) return name;
  return `${bytes
    .subarray(0, SECTION_MAXLEN - 3)
    .toString('utf8')
    .trimEnd()}...`;
}

function sectionStatus(db: MaintainersDb, start: number, end: number): string | null {
  let status: string | null = null;
  for (let i = start + 1; i < end; i++) {
    const l = db.file.lines[i];
    if (isTyped(l) && l.type === 'S') status = l.value;
  }
  return status;
}

const ROLE_OF_STATUS: Record<string, string> = {
  supported: 'supporter',
  maintained: 'maintainer',
  'odd fixes': 'odd fixer',
  orphan: 'orphan minder',
  obsolete: 'obsolete minder',
  'buried alive in reporters': 'chief penguin',
};

/** Sections (by the index of their first typed line) that match `file`, with the depth of the match. */
function matchingSections(db: MaintainersDb, file: string): Map<number, number> {
  const lines = db.file.lines;
  const hits = new Map<number, number>();
  for (let tvi = firstSection(db.file); tvi < lines.length;) {
    const start = sectionStart(db.file, tvi);
    const end = sectionEnd(db.file, tvi);
    let excluded = false;
    for (let i = start; i < end && !excluded; i++) {
      const l = lines[i];
      if (isTyped(l) && l.type === 'X') excluded = filePatternMatches(file, l.value, l.pattern);
    }
    if (!excluded)
      for (let i = start; i < end; i++) {
        const l = lines[i];
        if (!isTyped(l)) continue;
        if (l.type === 'F' && filePatternMatches(file, l.value, l.pattern)) {
          // The later matching `F:` of a section sets its depth, as in the script.
          let depth = slashes(l.value) + (l.value.endsWith('/') ? 0 : 1);
          if (l.value.startsWith('.*')) depth = -1;
          hits.set(tvi, depth);
        } else if (l.type === 'N' && l.pattern?.test(file)) hits.set(tvi, 0);
      }
    tvi = end + 1;
  }
  return hits;
}

/**
 * The `K:` lines whose regex matches `content`, by index, sorted as the script sorts them (as strings: Perl's
 * default sort), each once.
 */
function keywordSections(db: MaintainersDb, content: string): number[] {
  const found: number[] = [];
  db.file.lines.forEach((l, i) => {
    if (isTyped(l) && l.type === 'K' && l.pattern?.test(content)) found.push(i);
  });
  return found.map(String).sort().map(Number);
}

/**
 * get_maintainer.pl's answer for one file path relative to the tree's top. `content`: the file's text, a
 * character a byte (Latin-1), for the `K:` keywords; without it the answer is `--no-keywords`'.
 */
export function maintainersOf(db: MaintainersDb, path: string, content?: string | null): MaintainersAnswer {
  const file = path.replace(/^\.\//, '');
  const hits = matchingSections(db, file);
  const order = [...hits.keys()].sort((a, b) => hits.get(b)! - hits.get(a)! || a - b);
  if (content != null && file !== 'MAINTAINERS') order.push(...keywordSections(db, content));

  const people: { formatted: string; role: MaintainerRole; roleText: string }[] = [];
  const usedNames = new Set<string>();
  const usedAddresses = new Set<string>();
  const lists: MailingList[] = [];
  const usedLists = new Set<string>();
  const subsystems: Subsystem[] = [];

  const pushPerson = (value: string, role: MaintainerRole, roleText: string) => {
    for (const one of splitAddresses(value)) {
      const [name, address] = parseEmail(one);
      if (address === '') continue;
      if (usedNames.has(name.toLowerCase()) && name !== '') continue;
      if (usedAddresses.has(address.toLowerCase())) continue;
      people.push({ formatted: formatEmail(name, address), role, roleText });
      if (name !== '') usedNames.add(name.toLowerCase());
      usedAddresses.add(address.toLowerCase());
    }
  };

  for (const tvi of order) {
    const start = sectionStart(db.file, tvi);
    const end = sectionEnd(db.file, tvi);
    const status = sectionStatus(db, start, end);
    const name = lineText(db.file.lines[start]);
    // A section matched by path and by keyword adds nobody new the second time; it is listed once.
    if (!subsystems.some((s) => s.name === name)) subsystems.push({ name, status });
    for (let i = start + 1; i < end; i++) {
      const l = db.file.lines[i];
      if (!isTyped(l)) continue;
      const section = subsystemName(db, i);
      if (l.type === 'L') {
        const m = /(\S+)\s+(.*)$/.exec(l.value);
        const address = m ? m[1] : l.value;
        const extra = m ? m[2] : '';
        if (/subscribers-only/.test(extra) || usedLists.has(address.toLowerCase())) continue;
        usedLists.add(address.toLowerCase());
        const moderated = /moderated/.test(extra);
        const listRole = section === 'THE REST' ? '' : `:${section}`;
        lists.push({
          email: address,
          moderated,
          roleText: `${moderated ? 'moderated' : 'open'} list${listRole}`,
        });
      } else if (l.type === 'M') {
        const s = (status ?? 'unknown').toLowerCase();
        pushPerson(l.value, 'maintainer', `${ROLE_OF_STATUS[s] ?? s}:${section}`);
      } else if (l.type === 'R') pushPerson(l.value, 'reviewer', `reviewer:${section}`);
    }
  }

  // deduplicate_email: the mailmap, then one spelling per name or address (the first seen).
  const byName = new Map<string, [string, string]>();
  const byAddress = new Map<string, [string, string]>();
  const dedupe = (formatted: string): string => {
    const [n0, a0] = parseEmail(mailmapEmail(db.mailmap, formatted));
    let pair: [string, string] = [n0, a0];
    const known = (n0 !== '' && byName.get(n0.toLowerCase())) || byAddress.get(a0.toLowerCase());
    if (known) pair = known;
    else {
      byName.set(n0.toLowerCase(), pair);
      byAddress.set(a0.toLowerCase(), pair);
    }
    return mailmapEmail(db.mailmap, formatEmail(pair[0], pair[1]));
  };
  for (const p of people) p.formatted = dedupe(p.formatted);
  for (const l of lists) l.email = dedupe(l.email);

  const seen = new Set<string>();
  const out: Person[] = [];
  for (const p of people) {
    if (PENGUIN_CHIEFS.some((chief) => new RegExp(chief).test(p.formatted))) continue;
    if (seen.has(p.formatted)) continue;
    seen.add(p.formatted);
    const [name, email] = parseEmail(p.formatted);
    out.push({ ...p, name: name.replace(/^"|"$/g, '').replace(/\\"/g, '"'), email });
  }
  const outLists = lists.filter((l) => !seen.has(l.email) && (seen.add(l.email), true));
  return { file, subsystems, people: out, lists: outLists };
}

/** The answer as the script prints it (one `address (role)` per line, people first, then lists). */
export function formatMaintainersLikeScript(a: MaintainersAnswer): string[] {
  return [
    ...a.people.map((p) => `${p.formatted} (${p.roleText})`),
    ...a.lists.map((l) => `${l.email} (${l.roleText})`),
  ];
}
