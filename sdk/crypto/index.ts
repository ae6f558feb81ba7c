export * from "./errors";
export * from "./keys";
export * from "./pem";
export * from "./envelopeFormat";
export * from "./envelope";
