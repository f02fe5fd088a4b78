// One diagnostic per distinct event, at its header line (identical repeats merge into the first: count,
// a link to each occurrence, `data.occurrences`). Severity comes from the catalogue (via the event); the
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
  rememberRepeatIdentities,
  repeatIdentity,
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

/** What the report adds about the culprit: why a `… in corrupted` title names none, the recursion a stack
 *  overflow shows, the likely owner of the lock a hung task waits for. */
function culpritFacts(ev: KernelEvent): string[] {
  const facts: string[] = [];
  // syzkaller's word for a report whose frames cannot be trusted to name the culprit.
  if (ev.guiltyFrame === null && ev.title.endsWith(' in corrupted'))
    facts.push(
      'no frame of the report names it (its call trace is missing, garbled or mixed with another stack)',
    );
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

/** What each event's diagnostic is made of: its message and what tells its repeats (engine repeatIdentity). */
export interface EventDiagnosticFacts {
  messages: string[];
  identities: string[];
}

/** Every event's diagnostic facts, in the analysis worker: composed where the analysis is, off the server's thread. */
export function diagnosticFacts(analysis: Analysis): EventDiagnosticFacts {
  return { messages: analysis.events.map(eventMessage), identities: analysis.events.map(repeatIdentity) };
}

/** The facts diagnosticFacts made of the same analysis on the worker, kept for its events here. */
export function rememberDiagnosticFacts(analysis: Analysis, facts: EventDiagnosticFacts): void {
  analysis.events.forEach((ev, i) => {
    if (facts.messages[i] !== undefined) messages.set(ev, facts.messages[i]);
  });
  rememberRepeatIdentities(analysis.events, facts.identities);
}

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
 * VS Code lists at most this many problems per file (its Problems panel cap). Repeats are always merged;
 * should the distinct events still be more, the most severe come first.
 */
export const PROBLEMS_CAP = 1000;
/** How many of a merged diagnostic's lines its message lists (every occurrence is linked). */
const LINES_IN_MESSAGE = 10;

/** `Diagnostic.data` of a diagnostic that stands for several identical events: each one's 0-based header line. */
export interface RepeatData {
  occurrences: number[];
}

export function toDiagnostics(doc: TextDocument, analysis: Analysis, settings: Settings): Diagnostic[] {
  if (!settings.diagnostics.enable) return [];
  const groups = new Map<string, { diagnostic: Diagnostic; events: KernelEvent[] }>();
  for (const ev of analysis.events) {
    if (!severityAtLeast(ev.severity, settings.diagnostics.minimumSeverity)) continue;
    const root = ev.consequenceOf !== null ? analysis.events[ev.consequenceOf] : undefined;
    const faded = !!root && settings.diagnostics.markConsequences;
    // A repeat merges only with events shown the same way (faded or not), so the tag is true of each.
    const key = `${faded ? 'c' : 'r'}\0${repeatIdentity(ev)}`;
    const g = groups.get(key);
    if (g) g.events.push(ev);
    else groups.set(key, { diagnostic: eventDiagnostic(doc, analysis, ev, settings), events: [ev] });
  }
  const out = [...groups.values()].map(({ diagnostic, events }) =>
    events.length === 1 ? diagnostic : withRepeats(doc, diagnostic, events),
  );
  if (out.length <= PROBLEMS_CAP) return out;
  return out.sort((a, b) => (a.severity ?? 4) - (b.severity ?? 4) || a.range.start.line - b.range.start.line);
}

function eventDiagnostic(
  doc: TextDocument,
  analysis: Analysis,
  ev: KernelEvent,
  settings: Settings,
): Diagnostic {
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
  return {
    range: spanRange(ev.headerSpan),
    severity: SEVERITY[ev.severity] ?? DiagnosticSeverity.Information,
    code: ev.kind,
    ...(doc_ ? { codeDescription: { href: doc_ } } : {}),
    source: DIAGNOSTIC_SOURCE,
    message,
    ...(tags.length ? { tags } : {}),
    ...(related.length ? { relatedInformation: related } : {}),
  };
}

/**
 * One diagnostic for identical events (engine repeatIdentity: same kind, title, culprit and crash-site
 * frames): the first one's, with the count in its message and a link to every occurrence, so the
 * Problems panel shows each distinct event once however often the log repeats it.
 */
function withRepeats(doc: TextDocument, first: Diagnostic, events: KernelEvent[]): Diagnostic {
  const lines = events.slice(0, LINES_IN_MESSAGE).map((e) => e.line + 1);
  const more = events.length > lines.length ? ', …' : '';
  const task = (e: KernelEvent) =>
    e.comm ? `, task ${e.comm}${e.pid !== null ? ` (pid ${e.pid})` : ''}` : '';
  const data: RepeatData = { occurrences: events.map((e) => e.line) };
  return {
    ...first,
    message: `${first.message} [${events.length} times in this log: line ${lines.join(', ')}${more}]`,
    relatedInformation: [
      ...(first.relatedInformation ?? []),
      ...events.map((e, i) => ({
        location: { uri: doc.uri, range: spanRange(e.headerSpan) },
        message: `occurrence ${i + 1} of ${events.length} (line ${e.line + 1}${task(e)})`,
      })),
    ],
    data,
  };
}
