/** The oracle's price controller: utilisation curve, per-update clamp, publish rule, supply (all pure). */
export * from "./errors";
export * from "./controller";
export * from "./publish";
export * from "./supply";
