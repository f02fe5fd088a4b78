export { DEFAULT_SIGNATURE_FRAMES, frameSignature, repeatIdentity, Triage } from './triage';
export type { TriageBy, TriageGroup, TriageOccurrence } from './triage';
