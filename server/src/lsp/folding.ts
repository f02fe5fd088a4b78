// Folding: each report, and inside it each call trace, the register dump, the module list and the OOM
// task table. Single-line parts are left out (nothing to fold).
import { FoldingRangeKind, type FoldingRange } from 'vscode-languageserver';
import type { Analysis } from '../engine';

export function toFoldingRanges(analysis: Analysis): FoldingRange[] {
  const out: FoldingRange[] = [];
  const add = (start: number, end: number) => {
    if (end > start) out.push({ startLine: start, endLine: end, kind: FoldingRangeKind.Region });
  };
  for (const ev of analysis.events) {
    add(ev.line, ev.endLine);
    if (ev.registerLines) add(ev.registerLines.line, ev.registerLines.endLine);
    for (const t of ev.traces) add(t.line, t.endLine);
    if (ev.modules) add(ev.modules.line, ev.modules.endLine);
    if (ev.oom?.taskTable) add(ev.oom.taskTable.line, ev.oom.taskTable.endLine);
  }
  return out;
}
