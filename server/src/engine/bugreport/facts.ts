// What a bug report states, and the header facts both its renderings (plain text, Markdown) write the same way.
import type { KernelEvent } from '../model';

export interface BugReportPerson {
  name: string;
  email: string;
}

export interface BugReport {
  /** Index of the event in the analysis. */
  event: number;
  title: string;
  release: string | null;
  hardware: string | null;
  /** Taint letters set, each with what it means. */
  taint: { letter: string; meaning: string }[];
  guiltyFile: string | null;
  /** MAINTAINERS sections of the guilty file, most specific first. */
  subsystems: string[];
  maintainers: BugReportPerson[];
  reviewers: BugReportPerson[];
  lists: string[];
  /** The source root whose MAINTAINERS answered, or null. */
  maintainersFrom: string | null;
  /** What a memory fault's faulting instruction accessed (the decoded log's, else the log's Code: bytes'), or null. */
  faultAccess: string | null;
  /** Whether decoding rewrote one of the event's lines (debug files answered for a frame). */
  decoded: boolean;
  /** The event's lines without timestamps and printk prefixes, decoded when `decoded`. */
  lines: string[];
  /** The report as plain text. */
  text: string;
  /** The report as Markdown (GitHub, GitLab, Bugzilla's Markdown comments): the same facts, the lines fenced. */
  markdown: string;
}

/** The report before it is written out. */
export type ReportFacts = Omit<BugReport, 'text' | 'markdown'>;

/** What `Tainted:` says of a kernel that printed a taint field with no letter set. */
export const NOT_TAINTED = 'no (only GPL-compatible modules)';

/** `Name <address>`, or the address alone. */
export const addressOf = (p: BugReportPerson) => (p.name ? `${p.name} <${p.email}>` : p.email);

/** The header lines' values that are more than one field: kernel, task, To and Cc. */
export function headerFacts(r: ReportFacts, e: KernelEvent) {
  return {
    kernel: [r.release, e.build].filter(Boolean).join(' '),
    task: e.comm
      ? `${e.comm}${e.pid !== null ? ` (pid ${e.pid})` : ''}${e.cpu !== null ? ` on CPU ${e.cpu}` : ''}`
      : null,
    /** The maintainers. */
    to: r.maintainers.map(addressOf),
    /** The reviewers, then the lists. */
    cc: [...r.reviewers.map(addressOf), ...r.lists],
  };
}
