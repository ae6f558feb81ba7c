export * from "./board";
