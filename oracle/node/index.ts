/** The oracle node: observation pipeline, round protocol, transports. */
export * from "./errors";
export * from "./protocol";
export * from "./transport";
export * from "./demand";
export * from "./options";
export { readSupply, ProviderDirectory, type SupplySnapshot } from "./supply";
export { BlockClock, type TransmitOutcome, type FeedConfig, type LatestRound } from "./chain";
export * from "./node";
