export {
  DEFAULT_SIGNATURE_FRAMES,
  frameSignature,
  rememberRepeatIdentities,
  repeatIdentity,
  readTriageLog,
  Triage,
  triageEvents,
  triageSignature,
} from './triage';
export type { TriageBy, TriageEvent, TriageGroup, TriageOccurrence } from './triage';
