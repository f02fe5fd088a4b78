// The pstore dumps kept on a machine, read from their files: pstore's own folder (/sys/fs/pstore:
// `dmesg-ramoops-N`, `dmesg-efi-…`) and systemd-pstore's archive (/var/lib/systemd/pstore/<id>/dmesg*).
// Shared by `oops-lens pstore` and the editor's *Open kernel log: pstore*; log/pstore.ts joins the parts.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { joinPstoreRecords, splitPstoreRecords, type JoinedDump, type PstoreRecord } from './log/pstore';
import { FILE_LIMITS, readTextFile } from './safeFile';

/** Where a machine keeps them, in the order they are read. */
export const PSTORE_FOLDERS = ['/sys/fs/pstore', '/var/lib/systemd/pstore'] as const;

/** How many dump files one folder may give (pstore keeps a handful; systemd-pstore one folder per boot). */
const MAX_FILES = 1000;
/** A dump file's size cap: a pstore record is a ramoops/EFI buffer (kilobytes to a few MB). */
const MAX_DUMP_BYTES = FILE_LIMITS.map;

export interface PstoreDumps {
  dumps: JoinedDump[];
  /** One line per input or file that could not be used, with the reason (`…: Permission denied`). */
  problems: string[];
  /** How many dump files were read. */
  files: number;
}

/** The dump files of a folder: `dmesg*` in it, and in its sub-folders one level down (systemd-pstore). */
function dumpFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (out.length >= MAX_FILES) break;
    const path = join(dir, name);
    if (name.startsWith('dmesg')) out.push(path);
    else if (statSync(path, { throwIfNoEntry: false })?.isDirectory())
      for (const inner of readdirSync(path).sort())
        if (inner.startsWith('dmesg') && out.length < MAX_FILES) out.push(join(path, inner));
  }
  return out;
}

const reasonOf = (e: unknown) => {
  const err = e as NodeJS.ErrnoException;
  if (err.code === 'EACCES' || err.code === 'EPERM') return 'Permission denied';
  if (err.code === 'ENOENT') return 'not found';
  return err.message ?? String(e);
};

/**
 * Every dump in `inputs` (files or folders), parts joined oldest first. With `skipMissing`, an input that
 * does not exist is no problem (the default folders: most machines lack one of them).
 */
export function readPstoreDumps(inputs: readonly string[], skipMissing = false): PstoreDumps {
  const records: PstoreRecord[] = [];
  const problems: string[] = [];
  let files = 0;
  for (const input of inputs) {
    let paths: string[];
    try {
      paths = statSync(input).isDirectory() ? dumpFiles(input) : [input];
    } catch (e) {
      if (!(skipMissing && (e as NodeJS.ErrnoException).code === 'ENOENT'))
        problems.push(`${input}: ${reasonOf(e)}`);
      continue;
    }
    for (const file of paths) {
      try {
        const found = splitPstoreRecords(readTextFile(file, MAX_DUMP_BYTES), file);
        files++;
        if (found.length === 0) problems.push(`${file}: no pstore record header (e.g. Oops#1 Part1)`);
        records.push(...found);
      } catch (e) {
        problems.push(e instanceof Error && e.name === 'FileRefused' ? e.message : `${file}: ${reasonOf(e)}`);
      }
    }
  }
  return { dumps: joinPstoreRecords(records), problems, files };
}

/** One line per dump: which parts were joined, and what was missing or repeated. */
export function describeDump(d: JoinedDump): string {
  const notes = [
    d.missing.length ? `part${d.missing.length > 1 ? 's' : ''} ${d.missing.join(', ')} missing` : '',
    d.duplicates.length ? `part ${d.duplicates.join(', ')} seen twice, first kept` : '',
  ].filter(Boolean);
  return `${d.dump}: parts ${d.parts.join(', ')} joined, oldest first${notes.length ? `; ${notes.join('; ')}` : ''}`;
}
