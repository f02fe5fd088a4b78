// Triage across logs: every event of many logs grouped by signature, as syzbot's dashboard, abrt/FAF and
// kerneloops.org sort crashes — by the title (syzkaller's convention), or by the first non-generic frames
// of the crash stack (`--by frames`: the same crash site under different titles, or different sites under
// one title). One accumulator, fed one log at a time, so a folder of 100,000 logs keeps only the groups.
import type { Analysis, Frame, KernelEvent, Severity } from '../model';
import { frameText } from '../model';
import { looksBinary } from '../log/binary';
import { FILE_LIMITS, readRegularFile } from '../safeFile';
import { makeSkipper } from '../title/guilty';

export type TriageBy = 'title' | 'frames';

/** How many non-generic frames make a `frames` signature. */
export const DEFAULT_SIGNATURE_FRAMES = 3;

export interface TriageOccurrence {
  file: string;
  /** 0-based header line. */
  line: number;
}

export interface TriageGroup {
  signature: string;
  count: number;
  /** The title and culprit of the group's first occurrence. */
  title: string;
  culprit: string | null;
  /** Where the culprit is in the source (`file:line`), when debug files decoded it; else null. */
  culpritSource: string | null;
  kind: string;
  severity: Severity;
  first: TriageOccurrence;
  last: TriageOccurrence;
  /** Distinct kernel releases the group's events print, sorted. */
  releases: string[];
  /** How many logs hold it. */
  logs: number;
}

const isGenericFrame = makeSkipper();

/**
 * The crash stack's first `n` named, reliable, non-generic frames as `func [mod]`, offsets dropped (so that
 * builds group together). They start at the crash site — the faulting IP when it names a non-generic
 * function — else at the frame the title blames (a hung task's, a stall's); an event with neither (an OOM
 * kill) has no crash site: null.
 */
export function frameSignature(ev: KernelEvent, n = DEFAULT_SIGNATURE_FRAMES): string | null {
  const stack = ev.traces[0]?.frames ?? [];
  let frames: Frame[];
  if (ev.ip?.function && !isGenericFrame(ev.ip.function)) frames = [ev.ip, ...stack];
  else if (ev.guiltyFrame) {
    const g = ev.guiltyFrame;
    const at = stack.findIndex((f) => f.span.line === g.span.line && f.span.start === g.span.start);
    frames = at >= 0 ? stack.slice(at) : [g];
  } else return null;
  return namesOf(frames, n);
}

/** The first `n` named, reliable frames, the first kept even when generic, the rest not; null without any. */
function namesOf(frames: Frame[], n: number): string | null {
  const names: string[] = [];
  for (const f of frames) {
    if (!f.function || !f.reliable || (names.length && isGenericFrame(f.function))) continue;
    const name = f.module ? `${f.function} [${f.module}]` : f.function;
    if (names[names.length - 1] !== name) names.push(name);
    if (names.length === n) break;
  }
  return names.length ? names.join(' < ') : null;
}

/**
 * Which events of one log are the same crash printed again (a WARNING hit 900 times, a soft lockup every
 * 20 s, the same oops of every task that touches the object): the same kind and title, the same culprit
 * frame (offset included: one build) and the same crash-site frames. The task, pid, CPU, time and register
 * values may differ. Cached per event: an edit elsewhere leaves events the same objects.
 */
export function repeatIdentity(ev: KernelEvent): string {
  let id = identities.get(ev);
  if (id === undefined) {
    const culprit = ev.guiltyFrame ? frameText(ev.guiltyFrame) : '';
    // Without a crash site (a panic, a stall), the stack's first non-generic frames tell them apart.
    const where = frameSignature(ev) ?? stackSignature(ev) ?? '';
    id = `${ev.kind}\0${ev.title}\0${culprit}\0${where}`;
    identities.set(ev, id);
  }
  return id;
}
const identities = new WeakMap<KernelEvent, string>();

/** Keeps `ids` (repeatIdentity of the same events, computed on another thread) for `events`. */
export function rememberRepeatIdentities(events: readonly KernelEvent[], ids: readonly string[]): void {
  events.forEach((ev, i) => {
    if (ids[i] !== undefined) identities.set(ev, ids[i]);
  });
}

function stackSignature(ev: KernelEvent): string | null {
  const stack = (ev.traces[0]?.frames ?? []).filter((f) => f.function && !isGenericFrame(f.function));
  return namesOf(stack, DEFAULT_SIGNATURE_FRAMES);
}

/**
 * What triage keeps of one event: enough to group it and to go to it. A log's list is small (no text, no
 * frames), so an editor can cache it per file and group again without analysing again.
 */
export interface TriageEvent {
  /** The frame signature (`frameSignature`), or null without a crash site. */
  frames: string | null;
  title: string;
  culprit: string | null;
  kind: string;
  severity: Severity;
  /** 0-based header line and UTF-16 column. */
  line: number;
  character: number;
  release: string | null;
  /** It follows from an earlier crash of its log (its panic, a re-fault). */
  consequence: boolean;
  /** The culprit's `file:line`, when the caller decoded the log. */
  culpritSource?: string | null;
}

/**
 * The events of one analysis as triage keeps them (`frames` signatures of `n` frames); `sourceOf`: the
 * culprit frame's `file:line` when the caller decoded the log.
 */
export function triageEvents(
  analysis: Analysis,
  n = DEFAULT_SIGNATURE_FRAMES,
  sourceOf?: (ev: KernelEvent) => string | null,
): TriageEvent[] {
  return analysis.events.map((ev) => ({
    frames: frameSignature(ev, n),
    title: ev.title,
    culprit: ev.guiltyFrame ? frameText(ev.guiltyFrame) : null,
    kind: ev.kind,
    severity: ev.severity,
    line: ev.headerSpan.line,
    character: ev.headerSpan.start,
    release: ev.release,
    consequence: ev.consequenceOf !== null,
    ...(sourceOf ? { culpritSource: sourceOf(ev) } : {}),
  }));
}

/** The group an event falls in: its title, or its frame signature (the title when it has none). */
export function triageSignature(ev: TriageEvent, by: TriageBy): string {
  // Without a crash site (an OOM kill, a stall without a stack) the title is all there is.
  return by === 'frames' ? (ev.frames ?? ev.title) : ev.title;
}

interface Accumulated extends TriageGroup {
  releaseSet: Set<string>;
  lastLogIndex: number;
  /** Order of the log of its last occurrence, for newest first. */
  newest: number;
}

export class Triage {
  private readonly groups = new Map<string, Accumulated>();
  private logIndex = 0;
  /** Events left out because they follow from an earlier crash of their log (its panic, a re-fault). */
  consequences = 0;
  logs = 0;

  constructor(
    private readonly by: TriageBy = 'title',
    private readonly frames = DEFAULT_SIGNATURE_FRAMES,
    private readonly withConsequences = false,
  ) {}

  /** Adds one log's events; logs are added oldest first. */
  add(file: string, analysis: Analysis, sourceOf?: (ev: KernelEvent) => string | null): void {
    this.addEvents(file, triageEvents(analysis, this.frames, sourceOf));
  }

  /** Adds one log's events as `triageEvents` lists them (e.g. from a cache); logs oldest first. */
  addEvents(file: string, events: readonly TriageEvent[]): void {
    const index = this.logIndex++;
    this.logs++;
    for (const ev of events) {
      if (ev.consequence && !this.withConsequences) {
        this.consequences++;
        continue;
      }
      const signature = triageSignature(ev, this.by);
      const at = { file, line: ev.line };
      let g = this.groups.get(signature);
      if (!g) {
        g = {
          signature,
          count: 0,
          title: ev.title,
          culprit: ev.culprit,
          culpritSource: ev.culpritSource ?? null,
          kind: ev.kind,
          severity: ev.severity,
          first: at,
          last: at,
          releases: [],
          logs: 0,
          releaseSet: new Set(),
          lastLogIndex: -1,
          newest: index,
        };
        this.groups.set(signature, g);
      }
      g.count++;
      g.culpritSource ??= ev.culpritSource ?? null;
      g.last = at;
      g.newest = index;
      if (ev.release) g.releaseSet.add(ev.release);
      if (g.lastLogIndex !== index) {
        g.lastLogIndex = index;
        g.logs++;
      }
    }
  }

  /** The groups, newest last occurrence first, then the most frequent. */
  result(): TriageGroup[] {
    return [...this.groups.values()]
      .sort((a, b) => b.newest - a.newest || b.count - a.count || a.signature.localeCompare(b.signature))
      .map(({ releaseSet, lastLogIndex: _i, newest: _n, ...g }) => ({
        ...g,
        releases: [...releaseSet].sort(),
      }));
  }
}

/** A log file's text for triage, or why it is not read (unreadable, too large, binary: not a log). */
export function readTriageLog(file: string): { text: string } | { problem: string } {
  let data: Buffer;
  try {
    data = readRegularFile(file, FILE_LIMITS.log);
  } catch (e) {
    return { problem: (e as Error).message };
  }
  if (looksBinary(data)) return { problem: 'binary, not a log' };
  return { text: data.toString('utf8') };
}
