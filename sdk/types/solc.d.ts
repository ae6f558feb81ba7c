// Minimal typings for the npm `solc` (solc-js) package.
declare module "solc" {
  export function compile(input: string, options?: unknown): string;
  export function version(): string;
}
