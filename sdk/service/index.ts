export * from "./logger";
export * from "./retry";
export * from "./state";
export * from "./wallet";
export * from "./run";
export * from "./rpc";
