// Runs the engine off the language server's request path. The engine's analyzeText is synchronous, and
// a 1,000,000-line log takes seconds; run in the server's own thread it would stall every hover and
// every keystroke's reply meanwhile. So analyses run one at a time in a worker thread (worker.ts; a small
// log, analysed in milliseconds, on the server's thread rather than wait for a thread to start), and a
// job that has gone stale (the document changed or closed) is cancelled by stopping that worker. A long
// document is analysed in two overlapping parts at once, by two workers, and the two joined
// (joinAnalyses): the first diagnostics of a huge log come in about half the time.
import {
  analyzeTextWithState,
  frameRefsOfAnalysis,
  joinAnalyses,
  joinFrameRefs,
  LineCursor,
  logPieces,
  type LogText,
  type AnalysisState,
} from '../engine';
import { packFrames, unpackFrames, type PackedFrames } from './analysisWire';
import { diagnosticFacts, type EventDiagnosticFacts } from './diagnostics';
import { CancelledError, TextPieces, type Job, type JobKind, type LongText } from './worker';

/**
 * A full analysis, with what re-analysing the document's later versions incrementally needs, its frames to
 * symbolize and its diagnostics' messages: listed and composed in the worker, so that the server's thread
 * does not, between the analysis and the first diagnostics (a memory fault's message decodes its
 * instruction) or right after, when the first hovers come. The frames cross as numbers (frameRefsOfAnalysis):
 * copying the objects would cost the server's thread more than making them again when needed.
 */
export interface FullAnalysis {
  state: AnalysisState;
  frameRefs: Int32Array;
  /** Per event, what its diagnostic is made of (diagnostics.ts diagnosticFacts). */
  diagnostics: EventDiagnosticFacts;
  /** How many lines start before the request's `countLinesTo` offset, when it gave one. */
  linesBefore?: number;
}

export interface AnalysisRequest {
  text: LongText;
  /** An offset of `text` (a line start): the reply says how many lines start before it. */
  countLinesTo?: number;
}

export type AnalysisJob = Job<FullAnalysis>;

/** What the scheduler needs; a `JobWorker` of `ANALYSIS_JOBS` is one. */
export interface Analyzer {
  run(req: AnalysisRequest): AnalysisJob;
  /** Get ready for the first job (start the worker) so the first document is not kept waiting. */
  warmUp(): void;
  dispose(): void;
}

/** Analyses: the role marks the worker so the bundle's entry point serves analyses instead of LSP. The
 *  text is a field, not the request itself, so that it crosses to the worker in slices (worker.ts). */
export const ANALYSIS_JOBS: JobKind<AnalysisRequest, FullAnalysis> = {
  role: 'kernel-oops-lens/analysis',
  name: 'analysis',
  // The text and the analysis of a long log are garbage once the reply has gone, but an
  // idle thread never collects them: hundreds of MB for a 100 MB log, held until the next analysis.
  recycleAfter: (req) => req.text.length >= RECYCLE_AFTER_CHARS,
  // A log of one boot (a few thousand lines) is analysed in milliseconds: on this thread its first
  // diagnostics need not wait for a worker to load the bundle.
  runsInline: (req) => req.text.length <= INLINE_MAX_CHARS,
  // The slices of a document's chunks are whole lines: the engine reads them as they are, never joined.
  keepsPieces: ['text'],
  // The frames of the traces cross as columns (analysisWire.ts): two thirds of what a big log's analysis
  // clones to, they cost the server's thread about 30 % less to receive that way.
  resultWire: {
    pack: (r) => ({ r, frames: packFrames(r.state.analysis) }),
    unpack: (wire) => {
      const { r, frames } = wire as { r: FullAnalysis; frames: PackedFrames };
      unpackFrames(r.state.analysis, frames);
      return r;
    },
  },
  run: (req) => {
    const text: LogText = typeof req.text === 'string' ? req.text : req.text.pieces;
    const state = analyzeTextWithState(text);
    const { analysis } = state;
    const reply: FullAnalysis = {
      state,
      frameRefs: frameRefsOfAnalysis(analysis),
      diagnostics: diagnosticFacts(analysis),
    };
    if (req.countLinesTo !== undefined) reply.linesBefore = linesBefore(text, req.countLinesTo);
    return reply;
  },
};

function linesBefore(text: LogText, offset: number): number {
  const pieces = logPieces(text);
  let n = 0;
  for (let k = 0, base = 0; k < pieces.length && base < offset; base += pieces[k++].length) {
    const cursor = new LineCursor(pieces[k]);
    // (The empty line after a piece's last `\n` is the next piece's first.)
    while (cursor.next() && base + cursor.start < offset && !(cursor.last && k + 1 < pieces.length)) n++;
  }
  return n;
}

/** Up to this many UTF-16 units (~3,000 lines of dmesg) a document is analysed on the server's thread. */
export const INLINE_MAX_CHARS = 256 << 10;

/**
 * The young generation of an analysis worker's heap, in MB. A worker's may grow to 48 MB by default (each
 * reached 32 MB analysing a 1,000,000-line log), and the server's peak comes just before both workers reply:
 * 16 MB brought bench:lsp's peak from 478-496 MB (6.0-6.3× the 79 MB log) to 435-468 MB (5.5-5.9×), with
 * didOpen → diagnostics no slower beyond the noise of three runs each (5.0-5.7 s on this 2-core machine).
 */
export const ANALYSIS_YOUNG_GENERATION_MB = 16;

/** An analysis worker is replaced after analysing this many UTF-16 units or more (ANALYSIS_JOBS.recycleAfter). */
export const RECYCLE_AFTER_CHARS = 4 << 20;

/** From this many UTF-16 units on, a document is analysed in two parts at once. */
export const TWO_PART_MIN_CHARS = 8 << 20;
/** How far the first part reaches into the second: enough for their passes to meet at a line where no report is open. */
const OVERLAP_CHARS = 2 << 20;

/**
 * Two analysis workers: a short document goes to the first; a long one is cut in two parts that overlap,
 * one for each, joined where they agree — or, should they not (a report open through all of the overlap),
 * analysed whole in the first.
 */
export class TwoPartAnalyzer implements Analyzer {
  constructor(
    private readonly first: Analyzer,
    private readonly second: Analyzer,
    private readonly minChars = TWO_PART_MIN_CHARS,
    private readonly overlapChars = OVERLAP_CHARS,
  ) {}

  run(req: AnalysisRequest): AnalysisJob {
    const parts = req.text.length < this.minChars ? null : twoParts(req.text, this.overlapChars);
    if (!parts) return this.first.run(req);
    const head = this.first.run({ text: parts.head, countLinesTo: parts.tailStart });
    const tail = this.second.run({ text: parts.tail });
    let whole: AnalysisJob | null = null;
    let cancelled = false;
    const result = Promise.all([head.result, tail.result]).then(([h, t]) => {
      const joined = joinParts(h, t);
      if (joined) return joined;
      if (cancelled) throw new CancelledError('analysis');
      whole = this.first.run(req);
      return whole.result;
    });
    return {
      result,
      get started() {
        return head.started;
      },
      sent: Promise.all([head.sent, tail.sent]).then(() => {}),
      cancel: () => {
        cancelled = true;
        head.cancel();
        tail.cancel();
        whole?.cancel();
      },
    };
  }

  warmUp(): void {
    this.first.warmUp();
    this.second.warmUp();
  }

  dispose(): void {
    this.first.dispose();
    this.second.dispose();
  }
}

/**
 * The head and the tail of a text, overlapping by about `overlap` units and about as long: the tail starts
 * at a line start (`tailStart`), the head ends at a line end. A document's chunks end with line breaks, so
 * its text is cut between chunks (the head then ends with a line break: one empty line more, past the
 * lines a join may keep). Null for a text too short.
 */
function twoParts(
  text: LongText,
  overlap: number,
): { head: LongText; tail: LongText; tailStart: number } | null {
  if (typeof text !== 'string') {
    const { pieces } = text;
    const from = (text.length - overlap) / 2;
    let k1 = 0;
    let at = 0;
    while (k1 < pieces.length && at < from) at += pieces[k1++].length;
    let k2 = k1;
    let end = at;
    while (k2 < pieces.length && end < at + overlap) end += pieces[k2++].length;
    // (A piece that does not end a line would make the tail start inside one: analyse whole then.)
    if (k1 === 0 || k2 >= pieces.length || !pieces[k1 - 1].endsWith('\n')) return null;
    return {
      head: new TextPieces(pieces.slice(0, k2)),
      tail: new TextPieces(pieces.slice(k1)),
      tailStart: at,
    };
  }
  const nl = text.indexOf('\n', Math.floor((text.length - overlap) / 2));
  if (nl < 0) return null;
  const tailStart = nl + 1;
  const brk = text.indexOf('\n', tailStart + overlap);
  if (brk < 0) return null;
  const headEnd = text.charCodeAt(brk - 1) === 13 ? brk - 1 : brk;
  return { head: text.slice(0, headEnd), tail: text.slice(tailStart), tailStart };
}

function joinParts(head: FullAnalysis, tail: FullAnalysis): FullAnalysis | null {
  if (head.linesBefore === undefined) return null;
  const j = joinAnalyses(head.state, tail.state, head.linesBefore);
  if (!j) return null;
  return {
    state: j.state,
    frameRefs: joinFrameRefs(head.frameRefs, j.headEvents, tail.frameRefs, j.tailFirst),
    diagnostics: {
      messages: [
        ...head.diagnostics.messages.slice(0, j.headEvents),
        ...tail.diagnostics.messages.slice(j.tailFirst),
      ],
      identities: [
        ...head.diagnostics.identities.slice(0, j.headEvents),
        ...tail.diagnostics.identities.slice(j.tailFirst),
      ],
    },
  };
}
