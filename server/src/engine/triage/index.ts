export { DEFAULT_SIGNATURE_FRAMES, frameSignature, Triage } from './triage';
export type { TriageBy, TriageGroup, TriageOccurrence } from './triage';
