// The frames of an analysis that the symbolizer can look up, each with a key (its token's position) so
// that editor features and the CLI find the answer for the frame under the cursor / on the line.
import type { Analysis, Arch, Frame, KernelEvent } from '../model';
import type { FrameToSymbolize } from '../symbolize';
import { accessEventOf, isMemoryFault, type AccessEvent } from '../access/faultAccess';
import { isKernelRelease } from './locate';

export interface LogFrame {
  /** `line:start` of the frame's token (Frame.span). */
  key: string;
  frame: Frame;
  event: number;
  /** The faulting IP line (RIP, pc): looked up as is; call-trace entries are return addresses. */
  isIp: boolean;
  query: FrameToSymbolize;
  /** vmlinux's build id as its event's CPU line prints it (KernelEvent.kernelBuildId). */
  kernelBuildId: string | null;
  /** The IP frame of a memory fault: the event's facts, so that symbolization also explains the faulting access. */
  fault?: AccessEvent;
}

export function frameKey(f: Frame): string {
  return `${f.span.line}:${f.span.start}`;
}

/** Every distinct frame of every event: IP lines and trace entries, in document order of events. */
export function framesOfAnalysis(analysis: Analysis): LogFrame[] {
  return framesFromRefs(analysis, frameRefsOfAnalysis(analysis));
}

// A frame reference is three numbers: the event, the frame's slot in it (IP, WARN location, link register,
// then the traces' entries in order) and flags.
const IP_SLOT = 0;
const LOCATION_SLOT = 1;
const LR_SLOT = 2;
const FIRST_TRACE_SLOT = 3;
const IS_IP = 1;
const CARRIES_FAULT = 2;

/**
 * framesOfAnalysis as numbers, three per frame: they cross from the analysis worker to the server's
 * thread as one block (41,000 frame objects would take longer to copy than the events they point into),
 * and framesFromRefs makes the frames again over that thread's copy of the events.
 */
export function frameRefsOfAnalysis(analysis: Analysis): Int32Array {
  const out: number[] = [];
  const seen = new Set<string>();
  const add = (f: Frame, event: number, slot: number, isIp: boolean, fault: boolean) => {
    const key = frameKey(f);
    if (seen.has(key) || (!f.function && !f.address)) return;
    seen.add(key);
    out.push(event, slot, (isIp ? IS_IP : 0) | (fault ? CARRIES_FAULT : 0));
  };
  analysis.events.forEach((e, i) => {
    const fault = isMemoryFault(e) ? accessEventOf(e) : undefined;
    if (e.ip) add(e.ip, i, IP_SLOT, true, !!fault);
    // A WARNING's `at func+off/size` is the address of the WARN itself, looked up as is, like the IP.
    if (e.location) add(e.location, i, LOCATION_SLOT, true, false);
    // The link register holds a return address: looked up at address − 1 like a call-trace entry.
    // An arm64 call through a bad pointer (`pc : 0x0`): lr is the caller and carries the fault.
    if (e.lr) add(e.lr, i, LR_SLOT, false, !e.ip && fault?.caller === e.lr);
    // A call through a bad pointer without an IP frame (`RIP: 0010:0x0`): its caller carries the fault.
    let slot = FIRST_TRACE_SLOT;
    for (const t of e.traces)
      for (const f of t.frames) add(f, i, slot++, isFaultingEntry(e, f), !e.ip && fault?.caller === f);
  });
  return Int32Array.from(out);
}

/**
 * The frame references of two analyses joined into one list of events (incremental.ts joinAnalyses): the
 * head's first `headEvents` events, then the tail's from `tailFirst` on.
 */
export function joinFrameRefs(
  head: Int32Array,
  headEvents: number,
  tail: Int32Array,
  tailFirst: number,
): Int32Array {
  const out: number[] = [];
  for (let k = 0; k + 2 < head.length && head[k] < headEvents; k += 3)
    out.push(head[k], head[k + 1], head[k + 2]);
  for (let k = 0; k + 2 < tail.length; k += 3)
    if (tail[k] >= tailFirst) out.push(tail[k] - tailFirst + headEvents, tail[k + 1], tail[k + 2]);
  return Int32Array.from(out);
}

/** The frames `refs` (frameRefsOfAnalysis of the same analysis, maybe on another thread) name. */
export function framesFromRefs(analysis: Analysis, refs: Int32Array): LogFrame[] {
  const out: LogFrame[] = [];
  let event = -1;
  let e: KernelEvent | undefined;
  let entries: Frame[] = [];
  let fault: AccessEvent | undefined;
  for (let k = 0; k + 2 < refs.length; k += 3) {
    if (refs[k] !== event) {
      event = refs[k];
      e = analysis.events[event];
      entries = e ? e.traces.flatMap((t) => t.frames) : [];
      fault = e && isMemoryFault(e) ? accessEventOf(e) : undefined;
    }
    const slot = refs[k + 1];
    const f =
      slot === IP_SLOT
        ? e?.ip
        : slot === LOCATION_SLOT
          ? e?.location
          : slot === LR_SLOT
            ? e?.lr
            : entries[slot - FIRST_TRACE_SLOT];
    if (!e || !f) continue;
    const isIp = (refs[k + 2] & IS_IP) !== 0;
    const logFrame: LogFrame = {
      key: frameKey(f),
      frame: f,
      event,
      isIp,
      query: toQuery(f, !isIp),
      kernelBuildId: e.kernelBuildId,
    };
    if (refs[k + 2] & CARRIES_FAULT && fault) logFrame.fault = fault;
    out.push(logFrame);
  }
  return out;
}

/** arm64 (and some other arches) repeat the faulting pc as the first trace entry: not a return address. */
function isFaultingEntry(e: KernelEvent, f: Frame): boolean {
  const ip = e.ip;
  if (!ip || !ip.function || !f.function) return false;
  return ip.function === f.function && ip.offset === f.offset && ip.module === f.module;
}

function toQuery(f: Frame, isReturnAddress: boolean): FrameToSymbolize {
  return {
    function: f.function,
    offset: f.offset,
    size: f.size,
    module: f.module,
    address: f.address,
    isReturnAddress,
  };
}

/**
 * The release (`6.1.0-56-amd64`) the log prints, from its first event that has one that is a kernel release
 * (it becomes part of paths: text such as `x/../../etc` is never returned).
 */
export function releaseOf(analysis: Analysis): string | null {
  return analysis.events.find((e) => e.release && isKernelRelease(e.release))?.release ?? null;
}

/** The architecture of the log's kernel when its events agree on one, else null. */
export function archOf(analysis: Analysis): Arch | null {
  const arches = new Set(analysis.events.map((e) => e.arch).filter((a) => a !== 'unknown'));
  return arches.size === 1 ? [...arches][0] : null;
}
