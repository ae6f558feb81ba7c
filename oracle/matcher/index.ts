/** Chain-independent core of the task-to-provider matcher: filters, score, assignment. */
export * from "./types";
export * from "./errors";
export * from "./filters";
export * from "./score";
export * from "./solve";
