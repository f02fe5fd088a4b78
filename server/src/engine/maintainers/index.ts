// get_maintainer.pl without Perl: MAINTAINERS parsing and the per-file answer.
export { maintainersOf, formatMaintainersLikeScript } from './getMaintainer';
export type {
  MaintainersAnswer,
  MaintainersDb,
  Person,
  MailingList,
  Subsystem,
  MaintainerRole,
} from './getMaintainer';
export { parseMaintainers } from './maintainersFile';
export { parseMailmap } from './mailmap';
export { loadMaintainers, findMaintainers } from './tree';
