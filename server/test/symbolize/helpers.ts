// Shared helpers for the symbolizer tests: addr2line-style formatting, truth files, tool discovery.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import type { SourceFrame } from '../../src/engine/symbolize';

/** Formats frames exactly like `addr2line -f -i -p` (binutils repeats the discriminator on every level). */
export function formatAddr2line(frames: SourceFrame[]): string {
  if (frames.length === 0) return '?? at ??:?';
  const disc = frames[0].discriminator;
  return frames
    .map((f, i) => {
      const loc = `${f.file ?? '??'}:${f.line ? f.line + (disc ? ` (discriminator ${disc})` : '') : '?'}`;
      return `${i ? ' (inlined by) ' : ''}${f.function ?? '??'} at ${loc}`;
    })
    .join(' | ');
}

export interface TruthRow {
  logLine: number;
  kind: string;
  symbol: string;
  offset: number;
  size: number;
  object: string;
  section: string;
  address: string;
  atAddress: string;
  atPrevious: string;
  note: string;
}

export function readTruth(path: string): TruthRow[] {
  const lines = fs.readFileSync(path, 'utf8').split('\n').filter(Boolean);
  return lines.slice(1).map((l) => {
    const c = l.split('\t');
    return {
      logLine: Number(c[0]),
      kind: c[1],
      symbol: c[2],
      offset: parseInt(c[3], 16),
      size: parseInt(c[4], 16),
      object: c[5],
      section: c[6],
      address: c[7],
      atAddress: c[8],
      atPrevious: c[9],
      note: c[11] ?? '',
    };
  });
}

export function hasTool(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

export const CORPUS = new URL('../../../../shared/corpus/', import.meta.url).pathname;
