export * from "./errors";
export * from "./cid";
export * from "./commitment";
export type { BlobStore } from "./blobStore";
export { DEFAULT_RETRY, type RetryPolicy } from "./retry";
export * from "./localDirStore";
export * from "./kuboStore";
export * from "./openStore";
