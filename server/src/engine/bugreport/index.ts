// A bug report for one event: title, release, taint, guilty file, maintainers, the trimmed report lines.
export { buildBugReport, defaultReportEvent } from './bugReport';
export type { BugReport, BugReportOptions, BugReportPerson } from './bugReport';
