export * from "./errors";
export * from "./presets";
export * from "./context";
export * from "./keys";
export * from "./evaluate";
export * from "./plainLift";
export * from "./ciphertextFormat";
