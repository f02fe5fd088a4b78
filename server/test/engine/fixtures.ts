// Shared helpers for the engine tests: our hand-written fixtures (test-fixtures/engine/), the real qemu
// logs beside the repository (test-fixtures/corpus/qemu*/logs) and line lookups that count `\r\n`, `\r` and
// `\n` as line breaks, the way LSP positions do.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeText, type KernelEvent } from '../../src/engine';
import { readTruth as readTruthFile, type TruthRow } from '../symbolize/helpers';

export type { TruthRow };

export const FIXTURES = join(__dirname, '../../../test-fixtures/engine');
export const QEMU_LOGS = join(__dirname, '../../../test-fixtures/corpus/qemu/logs');
export const QEMU_ARM64_LOGS = join(__dirname, '../../../test-fixtures/corpus/qemu-arm64/logs');
export const QEMU_HARDENING_LOGS = join(__dirname, '../../../test-fixtures/corpus/qemu-hardening/logs');

export function fixture(name: string): string {
  return readFileSync(join(FIXTURES, name), 'utf8');
}

/** A real qemu capture from the repository's corpus (throws if it is missing: the corpus ships with the repo). */
export function qemuLog(arch: 'x86_64' | 'arm64', scenario: string): string {
  return readFileSync(
    join(arch === 'x86_64' ? QEMU_LOGS : QEMU_ARM64_LOGS, `${scenario}.console.log`),
    'utf8',
  );
}

/** Every `.log` of a folder, by name. */
export function logsIn(dir: string): { name: string; text: string }[] {
  return readdirSync(dir)
    .filter((n) => n.endsWith('.log'))
    .sort()
    .map((n) => ({ name: n, text: readFileSync(join(dir, n), 'utf8') }));
}

/** 0-based index of the first line (at or after `from`) that contains `needle`; throws if none. */
export function lineOf(text: string, needle: string, from = 0): number {
  const lines = text.split(/\r\n|\r|\n/);
  for (let i = from; i < lines.length; i++) if (lines[i].includes(needle)) return i;
  throw new Error(`no line contains ${JSON.stringify(needle)}`);
}

/** 0-based index of the last line that contains `needle`. */
export function lastLineOf(text: string, needle: string): number {
  const lines = text.split(/\r\n|\r|\n/);
  for (let i = lines.length - 1; i >= 0; i--) if (lines[i].includes(needle)) return i;
  throw new Error(`no line contains ${JSON.stringify(needle)}`);
}

/** The events that are not informational (what a user sees as errors and warnings). */
export function problems(text: string): KernelEvent[] {
  return analyzeText(text).events.filter((e) => e.severity !== 'information');
}

/** Compact description of events for assertion messages. */
export function summarize(events: readonly KernelEvent[]): string {
  return (
    events.map((e) => `${e.kind}@${e.line}-${e.endLine} ${JSON.stringify(e.title)}`).join('; ') ||
    '(no events)'
  );
}

/** The rows of a qemu corpus's `decoded/<scenario>.truth.tsv` (see test-fixtures/corpus/qemu/README.md), `dir`
 *  being its `logs/`; null when the scenario has none. */
export function readTruth(dir: string, scenario: string): TruthRow[] | null {
  const file = join(dir, '..', 'decoded', `${scenario}.truth.tsv`);
  return existsSync(file) ? readTruthFile(file) : null;
}

/** Maps a 1-based `\n`-counted line to a 0-based LSP line: every lone CR before it adds a line. */
export function lspLine(text: string, logLine: number): number {
  let line = 0;
  let newlines = 0;
  for (let i = 0; i < text.length && newlines < logLine - 1; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      newlines++;
      line++;
    } else if (c === 13 && text.charCodeAt(i + 1) !== 10) {
      line++;
    }
  }
  return line;
}
