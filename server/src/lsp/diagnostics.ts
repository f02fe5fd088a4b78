// One diagnostic per event, at its header line. Severity comes from the catalogue (via the event); the
// message is the title plus the culprit (guilty frame and task); `code` is the event kind and links to
// the kernel documentation for that kind; related information points at the fault line, the guilty
// frame and, for a follow-on event, the earlier crash it follows from.
//
// Follow-on events (a second oops after the first, the panic an oops ends in) keep their own severity —
// they are real failures — but carry DiagnosticTag.Unnecessary so editors fade their header and the eye
// lands on the root cause first, and their message names that root cause. DiagnosticTag.Deprecated
// (strike-through) would say "obsolete", which is wrong; fading is the editors' way of saying "secondary".
import {
  DiagnosticSeverity,
  DiagnosticTag,
  type Diagnostic,
  type DiagnosticRelatedInformation,
} from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import {
  blockerOf,
  entryByKind,
  faultAccess,
  frameText,
  recursionOf,
  type Analysis,
  type KernelEvent,
  type Severity,
} from '../engine';
import { linesRange, spanRange } from './ranges';
import { severityAtLeast, type Settings } from './settings';

export const DIAGNOSTIC_SOURCE = 'kernel-oops-lens';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
};

/** Who is to blame, for the message: the guilty frame, what else the report says about it (`extras`), and the
 *  task that was running. */
export function culprit(ev: KernelEvent, extras: readonly string[] = []): string | null {
  const parts: string[] = [];
  if (ev.guiltyFrame) parts.push(frameText(ev.guiltyFrame));
  parts.push(...extras);
  if (ev.comm) parts.push(`task ${ev.comm}${ev.pid !== null ? ` (pid ${ev.pid})` : ''}`);
  return parts.length ? parts.join(', ') : null;
}

/** What the report adds about the culprit: the recursion a stack overflow shows, the likely owner of the lock a
 *  hung task waits for. */
function culpritFacts(ev: KernelEvent): string[] {
  const facts: string[] = [];
  const recursion = ev.kind === 'stack-guard' ? recursionOf(ev.traces) : null;
  if (recursion)
    facts.push(`recursion: ${recursion.function} ${recursion.count} times in a row in the trace`);
  const blocker = ev.kind === 'hung-task' ? blockerOf(ev) : null;
  if (blocker)
    facts.push(
      `blocked on a ${blocker.lock} likely owned by task ${blocker.comm}:${blocker.pid}` +
        (blocker.function ? ` (in ${blocker.function})` : ''),
    );
  return facts;
}

/**
 * Per event: the faulting access decodes instructions, and an edit re-publishes every event's diagnostic;
 * events an edit does not touch are the same objects in the next analysis (incremental.ts).
 */
const messages = new WeakMap<KernelEvent, string>();

function eventMessage(ev: KernelEvent): string {
  let message = messages.get(ev);
  if (message === undefined) {
    message = composeMessage(ev);
    messages.set(ev, message);
  }
  return message;
}

/** The title (with the faulting access of a memory fault first), then the culprit. */
function composeMessage(ev: KernelEvent): string {
  const who = culprit(ev, culpritFacts(ev));
  const access = faultAccess(ev);
  if (access) return `${ev.title} — ${access.summary}${who ? `\nculprit: ${who}` : ''}`;
  return who ? `${ev.title} — culprit: ${who}` : ev.title;
}

/**
 * VS Code lists at most this many problems per file (its Problems panel cap); past it, repeated events
 * are merged so that no distinct event is hidden.
 */
export const PROBLEMS_CAP = 1000;
/** A merged diagnostic links at most this many of its repeats. */
const MAX_REPEAT_LINKS = 50;

export function toDiagnostics(doc: TextDocument, analysis: Analysis, settings: Settings): Diagnostic[] {
  if (!settings.diagnostics.enable) return [];
  const out: { ev: KernelEvent; diagnostic: Diagnostic }[] = [];
  analysis.events.forEach((ev) => {
    if (!severityAtLeast(ev.severity, settings.diagnostics.minimumSeverity)) return;
    const related: DiagnosticRelatedInformation[] = [];
    const at = (range: Diagnostic['range'], message: string) =>
      related.push({ location: { uri: doc.uri, range }, message });
    if (ev.faultLine !== null) {
      at(
        linesRange(doc, ev.faultLine, ev.faultLine),
        ev.faultAddress ? `fault address 0x${ev.faultAddress}` : 'fault',
      );
    }
    if (ev.ip) at(spanRange(ev.ip.span), `faulting instruction: ${frameText(ev.ip)}`);
    if (ev.guiltyFrame) at(spanRange(ev.guiltyFrame.span), `guilty frame: ${frameText(ev.guiltyFrame)}`);

    let message = eventMessage(ev);
    const tags: DiagnosticTag[] = [];
    const root = ev.consequenceOf !== null ? analysis.events[ev.consequenceOf] : undefined;
    const before = ev.afterCrash !== null ? analysis.events[ev.afterCrash] : undefined;
    if (root && settings.diagnostics.markConsequences) {
      message += ` (consequence of the earlier "${root.title}" at line ${root.line + 1})`;
      tags.push(DiagnosticTag.Unnecessary);
      at(spanRange(root.headerSpan), `earlier crash: ${root.title}`);
    } else if (before && settings.diagnostics.markConsequences) {
      // Not faded: nothing shows it follows from the earlier crash, it may be a bug of its own.
      const what = before.oopsNumber !== null ? 'oops' : 'crash';
      const taint = ev.tainted?.includes('D') ? ', kernel tainted D' : '';
      message += ` (after an earlier ${what}${taint}: "${before.title}" at line ${before.line + 1})`;
      at(spanRange(before.headerSpan), `earlier crash: ${before.title}`);
    }
    const doc_ = entryByKind(ev.kind)?.doc;
    out.push({
      ev,
      diagnostic: {
        range: spanRange(ev.headerSpan),
        severity: SEVERITY[ev.severity] ?? DiagnosticSeverity.Information,
        code: ev.kind,
        ...(doc_ ? { codeDescription: { href: doc_ } } : {}),
        source: DIAGNOSTIC_SOURCE,
        message,
        ...(tags.length ? { tags } : {}),
        ...(related.length ? { relatedInformation: related } : {}),
      },
    });
  });
  return out.length <= PROBLEMS_CAP ? out.map((d) => d.diagnostic) : mergeRepeats(doc, out);
}

/**
 * More events than the Problems panel lists: events with the same kind and title (a WARNING printed 900
 * times, a soft lockup every 20 s) become one diagnostic at the first, which counts and links the
 * others. Most severe first, should the distinct ones still be too many.
 */
function mergeRepeats(doc: TextDocument, list: { ev: KernelEvent; diagnostic: Diagnostic }[]): Diagnostic[] {
  const groups = new Map<string, { first: Diagnostic; repeats: KernelEvent[] }>();
  for (const { ev, diagnostic } of list) {
    const key = `${ev.kind}\0${ev.title}`;
    const g = groups.get(key);
    if (g) g.repeats.push(ev);
    else groups.set(key, { first: diagnostic, repeats: [] });
  }
  const merged = [...groups.values()].map(({ first, repeats }) => {
    if (repeats.length === 0) return first;
    const shown = repeats.slice(0, MAX_REPEAT_LINKS);
    const lines = shown.map((r) => r.line + 1).join(', ');
    const more = repeats.length > shown.length ? ', …' : '';
    return {
      ...first,
      message: `${first.message} [and ${repeats.length} more time${repeats.length === 1 ? '' : 's'} in this log: line ${lines}${more}]`,
      relatedInformation: [
        ...(first.relatedInformation ?? []),
        ...shown.map((r) => ({
          location: { uri: doc.uri, range: spanRange(r.headerSpan) },
          message: `the same event again (line ${r.line + 1})`,
        })),
      ],
    };
  });
  return merged.sort(
    (a, b) => (a.severity ?? 4) - (b.severity ?? 4) || a.range.start.line - b.range.start.line,
  );
}
