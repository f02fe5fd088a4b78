// MAINTAINERS and .mailmap read from a kernel source tree (the `--source-root` / kernelOops.sourceRoot
// folders), kept per tree while the files are unchanged.
import { readdirSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';
import { readRegularFile, readTextFile } from '../safeFile';
import { maintainersOf, type MaintainersAnswer, type MaintainersDb } from './getMaintainer';
import { EMPTY_MAILMAP, parseMailmap } from './mailmap';
import { parseMaintainers } from './maintainersFile';

/** MAINTAINERS of 6.1 is ~750 KB; a MAINTAINERS folder's files together stay well below this. */
const MAX_MAINTAINERS_BYTES = 16 * 1024 * 1024;
/** A source file searched for `K:` keywords (6.1's largest, a generated register header, is under 16 MB). */
const MAX_KEYWORD_FILE_BYTES = 64 * 1024 * 1024;

const cache = new Map<string, { stamp: string; db: MaintainersDb }>();

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function stampOf(paths: string[]): string {
  return paths
    .map((p) => {
      try {
        const st = statSync(p);
        return `${p}:${st.size}:${st.mtimeMs}`;
      } catch {
        return `${p}:-`;
      }
    })
    .join('|');
}

/** The MAINTAINERS data of the tree at `root`, or null when it has none. Throws FileRefused on a bad file. */
export function loadMaintainers(root: string): MaintainersDb | null {
  const path = join(root, 'MAINTAINERS');
  // Newer trees may split MAINTAINERS into a folder of files (read_all_maintainer_files).
  const files = isDir(path)
    ? readdirSync(path)
        .filter((f) => !f.startsWith('.'))
        .map((f) => join(path, f))
    : [path];
  if (!isDir(path) && !statSafe(path)) return null;
  const mailmapPath = join(root, '.mailmap');
  const stamp = stampOf([...files, mailmapPath]);
  const hit = cache.get(root);
  if (hit && hit.stamp === stamp) return hit.db;
  const texts = files.map((f) => readTextFile(f, MAX_MAINTAINERS_BYTES));
  const file = parseMaintainers(texts, (value) => isDir(join(root, value)));
  const mailmap = statSafe(mailmapPath)
    ? parseMailmap(readTextFile(mailmapPath, MAX_MAINTAINERS_BYTES))
    : EMPTY_MAILMAP;
  const db = { file, mailmap };
  cache.set(root, { stamp, db });
  return db;
}

function statSafe(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/**
 * Maintainers of `file` (relative to a root, or absolute inside one) from the first of `roots` that has a
 * MAINTAINERS file; null when none has.
 */
export function findMaintainers(
  roots: readonly string[],
  file: string,
): (MaintainersAnswer & { root: string }) | null {
  for (const root of roots) {
    const db = loadMaintainers(root);
    if (!db) continue;
    let rel = isAbsolute(file) ? relative(root, file) : file;
    if (rel.startsWith('..')) continue;
    rel = rel.split(sep).join('/');
    // A folder is looked up with its trailing slash, as the script does.
    if (!rel.endsWith('/') && isDir(join(root, rel))) rel += '/';
    return { ...maintainersOf(db, rel, keywordText(join(root, rel))), root };
  }
  return null;
}

/**
 * The file's bytes as the script matches `K:` keywords against them (a character a byte), or null when it
 * is no regular file of the tree (the script reads none then) or too large to read here.
 */
function keywordText(path: string): string | null {
  if (!statSafe(path)) return null;
  try {
    return readRegularFile(path, MAX_KEYWORD_FILE_BYTES).toString('latin1');
  } catch {
    // Refused (FileRefused: too large, not regular) or unreadable: the answer without keywords.
    return null;
  }
}
