export * from "./errors";
export * from "./options";
export * from "./state";
export * from "./agent";
export * from "./config";
export { runJob, jobKindOf, unsupportedReason, type JobOutcome } from "./jobs";
export { loadOrCreateEnvelopeKey, ENVELOPE_KEY_FILE, type EnvelopeKey } from "./keys";
