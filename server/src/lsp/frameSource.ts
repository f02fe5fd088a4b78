// The source side of a frame, for definition, inlay hints and the frame hover: which frame is at a
// position, where each inline level of it is in the user's tree, and a Markdown section with the chain
// and a few lines of source when the file is at hand.
import { pathToFileURL } from 'node:url';
import type { Position } from 'vscode-languageserver';
import { displaySourcePath, readTextFile, splitLines, type LogFrame } from '../engine';
import type { FaultAccess, FrameSymbolization, SourceFrame } from '../engine';
import type { DocSymbolization } from './symbolization';

/** Lines of context shown around the line in the hover. */
const CONTEXT_LINES = 2;
/** Larger source files are not read for the hover snippet. */
const MAX_SNIPPET_FILE = 8 << 20;

export interface MappedLevel {
  level: SourceFrame;
  /** Local file, null when the source is not at hand. */
  local: string | null;
  display: string;
  /** Shortest useful form: the local file relative to its source root, else `display`. */
  short: string;
}

/** A symbolization's frames by line, built once: a hover must not scan 100,000 frames. */
const framesByLine = new WeakMap<DocSymbolization, Map<number, LogFrame[]>>();

/** The frame whose token (function name, or address) is under `pos`. */
export function frameAt(sym: DocSymbolization, pos: Position): LogFrame | undefined {
  let byLine = framesByLine.get(sym);
  if (!byLine) {
    byLine = new Map();
    for (const f of sym.frames) {
      const list = byLine.get(f.frame.span.line);
      if (list) list.push(f);
      else byLine.set(f.frame.span.line, [f]);
    }
    framesByLine.set(sym, byLine);
  }
  return byLine
    .get(pos.line)
    ?.find((f) => pos.character >= f.frame.span.start && pos.character <= f.frame.span.end);
}

/** Each inline level, innermost first, with its local file when the source tree has it. */
export function mappedLevels(sym: DocSymbolization, r: FrameSymbolization): MappedLevel[] {
  return r.frames
    .filter((l) => l.file)
    .map((level) => {
      const local = sym.sources.resolve(level.file!);
      const display = displaySourcePath(level.file!);
      return { level, local, display, short: (local && sym.sources.relativePath(local)) ?? display };
    });
}

export function fileUri(p: string): string {
  return pathToFileURL(p).href;
}

/** Markdown for the frame hover: resolved symbol, the inline chain (linked when local), a source snippet. */
export function frameSourceMarkdown(sym: DocSymbolization, f: LogFrame): string | null {
  const r = sym.results.get(f.key);
  if (!r) return null;
  const out: string[] = [];
  if (r.access) out.push(accessMarkdown(r.access));
  if (r.resolved) out.push(`**Resolved:** \`${r.resolved}\`${r.how ? ` (${r.how})` : ''}`);
  if (!r.ok || r.frames.length === 0) {
    out.push(`**Source:** not found — ${r.error ?? 'no line information for this address'}`);
    return out.join('\n\n');
  }
  const levels = mappedLevels(sym, r);
  const rule = f.isIp ? 'at the faulting address' : 'at the return address − 1 (the call)';
  out.push(`**Source** (${rule}${levels.length > 1 ? ', innermost inline level first' : ''}):`);
  out.push(
    levels
      .map((m, i) => {
        const where = `${m.display}:${m.level.line}`;
        const link = m.local ? `[${where}](${fileUri(m.local)}#L${m.level.line})` : `\`${where}\``;
        return `${i === 0 ? '- ' : '- inlined in '}\`${m.level.function ?? '??'}\` ${link}`;
      })
      .join('\n'),
  );
  if (r.warning) out.push(`_${r.warning}_`);
  const check = sym.crossChecks.get(f.key);
  if (check)
    out.push(
      check.agrees
        ? `_Cross-check: ${check.tool} agrees._`
        : `**Cross-check: ${check.tool} differs:** ${check.frames.map((l) => `\`${l.function ?? '??'}\` ${l.file ? displaySourcePath(l.file) : '??'}:${l.line}`).join(' ‹ ') || 'no answer'}`,
    );
  const first = levels.find((m) => m.local);
  const snippet = first && snippetOf(first.local!, first.level.line);
  if (snippet) out.push(snippet);
  else if (levels.length > 0 && !first) out.push(`_${sym.sources.explainMiss(levels[0].level.file!)}_`);
  return out.join('\n\n');
}

/** The faulting access of a memory fault's RIP frame: the summary, the instruction, and what is uncertain. */
function accessMarkdown(a: FaultAccess): string {
  const lines = [`**Faulting access:** ${a.summary}`];
  if (a.instruction) lines.push(`\`${a.instruction}\` (${a.bytes}, from the ${a.bytesFrom})`);
  for (const n of a.notes) lines.push(`_${n}_`);
  return lines.join('\n\n');
}

function snippetOf(file: string, line: number): string | null {
  try {
    if (line < 1) return null;
    // Over the size limit, or a FIFO or device where a source file was expected: no snippet, no hang.
    const lines = splitLines(readTextFile(file, MAX_SNIPPET_FILE));
    if (line > lines.length) return null;
    const from = Math.max(1, line - CONTEXT_LINES);
    const to = Math.min(lines.length, line + CONTEXT_LINES);
    const width = String(to).length;
    const body = lines
      .slice(from - 1, to)
      .map((t, i) => `${from + i === line ? '>' : ' '}${String(from + i).padStart(width)}  ${t}`)
      .join('\n');
    const fence = body.includes('```') ? '~~~' : '```';
    return `${fence}c\n${body}\n${fence}`;
  } catch {
    return null;
  }
}
