// The *Kernel Crashes* view's requests (CRASH_GROUPS_REQUEST, CRASH_GROUP_EVENTS_REQUEST): the events of
// many logs grouped by signature with the engine's triage. An open log gives its current analysis; a log
// on disk is read and analysed in a worker of its own (TRIAGE_JOBS: a folder of logs must not hold the
// analyses of open documents back), and what triage keeps of it (`TriageEvent`s, no text) is cached while
// its size and modification time stay the same. A cancelled request stops the worker's job.
import { stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { CancellationToken } from 'vscode-languageserver';
import type {
  CrashEventLocation,
  CrashGroupEventsParams,
  CrashGroupsParams,
  CrashGroupsResult,
} from '../../../protocol';
import {
  analyzeText,
  readTriageLog,
  Triage,
  triageEvents,
  triageSignature,
  type Analysis,
  type TriageEvent,
} from '../engine';
import { JobWorker, type JobKind } from './worker';

type FileTriage = { events: TriageEvent[] } | { problem: string };

/** In the worker: each file read (safeFile, binary files refused) and analysed; what triage keeps of it. */
export const TRIAGE_JOBS: JobKind<{ files: string[] }, FileTriage[]> = {
  role: 'kernel-oops-lens/triage',
  name: 'triage',
  run: ({ files }) =>
    files.map((file) => {
      const read = readTriageLog(file);
      return 'text' in read ? { events: triageEvents(analyzeText(read.text)) } : read;
    }),
};

interface Cached {
  size: number;
  mtimeMs: number;
  result: FileTriage;
}

/** One log as the view groups it: its URI, its age (for newest first) and its events or why not. */
interface Log {
  uri: string;
  mtimeMs: number;
  result: FileTriage;
}

export interface CrashTreeSources {
  /** The current analysis of an open document (waiting for it), or undefined when it is not open. */
  openAnalysis(uri: string, token: CancellationToken): Promise<Analysis | null | undefined>;
}

/** How many files one worker job reads: the cache fills as they come, a cancel loses at most this many. */
const FILES_PER_JOB = 64;

export class CrashTreeService {
  private worker: JobWorker<{ files: string[] }, FileTriage[]> | null = null;
  private readonly files = new Map<string, Cached>();
  private readonly opened = new WeakMap<Analysis, TriageEvent[]>();

  constructor(
    private readonly workerScript: string,
    private readonly sources: CrashTreeSources,
    private readonly log: (m: string) => void,
  ) {}

  async groups(p: CrashGroupsParams, token: CancellationToken): Promise<CrashGroupsResult | null> {
    const logs = await this.logs(p.uris, token);
    if (!logs) return null;
    const t = new Triage(p.by ?? 'title');
    const skipped: string[] = [];
    let events = 0;
    for (const l of logs) {
      if ('problem' in l.result) skipped.push(`${displayName(l.uri)}: ${l.result.problem}`);
      else {
        t.addEvents(l.uri, l.result.events);
        events += l.result.events.length;
      }
    }
    const groups = t.result().map((g) => ({
      signature: g.signature,
      title: g.title,
      culprit: g.culprit,
      kind: g.kind,
      severity: g.severity,
      count: g.count,
      logs: g.logs,
      releases: g.releases,
    }));
    return { logs: t.logs, events, consequences: t.consequences, skipped, groups };
  }

  /** The events of one group, log by log (oldest log first), each in document order. */
  async groupEvents(
    p: CrashGroupEventsParams,
    token: CancellationToken,
  ): Promise<CrashEventLocation[] | null> {
    const logs = await this.logs(p.uris, token);
    if (!logs) return null;
    const out: CrashEventLocation[] = [];
    for (const l of logs) {
      if ('problem' in l.result) continue;
      for (const e of l.result.events)
        if (!e.consequence && triageSignature(e, p.by ?? 'title') === p.signature)
          out.push({ uri: l.uri, line: e.line, character: e.character, title: e.title, culprit: e.culprit });
    }
    return out;
  }

  dispose(): void {
    this.worker?.dispose();
  }

  /** Every log's events, oldest first; null when cancelled. */
  private async logs(uris: string[], token: CancellationToken): Promise<Log[] | null> {
    const out: Log[] = [];
    const toRead: { uri: string; file: string; size: number; mtimeMs: number }[] = [];
    for (const uri of new Set(uris)) {
      if (token.isCancellationRequested) return null;
      const analysis = await this.sources.openAnalysis(uri, token);
      if (analysis) {
        // An open log is the newest: it is what is being looked at.
        out.push({ uri, mtimeMs: Infinity, result: { events: this.openEvents(analysis) } });
        continue;
      }
      if (analysis === null) continue;
      if (!uri.startsWith('file:')) {
        out.push({ uri, mtimeMs: 0, result: { problem: 'not open, and not a file' } });
        continue;
      }
      const file = fileURLToPath(uri);
      const st = await stat(file).catch((e: Error) => e);
      if (st instanceof Error) {
        out.push({ uri, mtimeMs: 0, result: { problem: st.message } });
        continue;
      }
      const hit = this.files.get(file);
      if (hit && hit.size === st.size && hit.mtimeMs === st.mtimeMs)
        out.push({ uri, mtimeMs: st.mtimeMs, result: hit.result });
      else toRead.push({ uri, file, size: st.size, mtimeMs: st.mtimeMs });
    }
    for (let i = 0; i < toRead.length; i += FILES_PER_JOB) {
      const batch = toRead.slice(i, i + FILES_PER_JOB);
      const results = await this.read(
        batch.map((b) => b.file),
        token,
      );
      if (!results) return null;
      batch.forEach((b, k) => {
        this.files.set(b.file, { size: b.size, mtimeMs: b.mtimeMs, result: results[k] });
        out.push({ uri: b.uri, mtimeMs: b.mtimeMs, result: results[k] });
      });
    }
    return out.sort((a, b) => a.mtimeMs - b.mtimeMs || a.uri.localeCompare(b.uri));
  }

  private openEvents(analysis: Analysis): TriageEvent[] {
    let events = this.opened.get(analysis);
    if (!events) {
      events = triageEvents(analysis);
      this.opened.set(analysis, events);
    }
    return events;
  }

  private async read(files: string[], token: CancellationToken): Promise<FileTriage[] | null> {
    this.worker ??= new JobWorker(this.workerScript, TRIAGE_JOBS, { log: this.log });
    const job = this.worker.run({ files });
    const stop = token.onCancellationRequested(() => job.cancel());
    try {
      return await job.result;
    } catch (e) {
      if (token.isCancellationRequested) return null;
      throw e;
    } finally {
      stop.dispose();
    }
  }
}

function displayName(uri: string): string {
  return uri.startsWith('file:') ? fileURLToPath(uri) : uri;
}
