/**
 * Loads the MSTL bindings of `@bsull/augurs` (Rust compiled to WebAssembly) under Node 20 CommonJS.
 *
 * The package is ESM-only (`"type": "module"`), and its default initialiser `fetch`es the `.wasm`
 * next to `import.meta.url`, which Node cannot do for `file:` URLs. So we
 *  1. import the ESM entry with a native dynamic `import()` — kept out of TypeScript's reach in a
 *     `Function`, because under `"module": "commonjs"` tsc/ts-node would rewrite it to `require()`,
 *     which cannot load ESM on Node 20 without flags; and
 *  2. instantiate the WebAssembly synchronously with `initSync({ module: bytes })` from the file.
 * The result is cached: call {@link loadAugursMstl} as often as needed.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type * as AugursMstlModule from "@bsull/augurs/mstl";
import { ForecastModelError } from "./errors";

/** The typed `@bsull/augurs/mstl` module (classes `MSTL`, functions `initSync`, ...). */
export type AugursMstl = typeof AugursMstlModule;

const nativeImport = new Function("specifier", "return import(specifier)") as (
  specifier: string,
) => Promise<unknown>;

let mstlModule: Promise<AugursMstl> | undefined;

async function load(): Promise<AugursMstl> {
  const entry = require.resolve("@bsull/augurs/mstl");
  const mod = (await nativeImport(pathToFileURL(entry).href)) as AugursMstl;
  mod.initSync({ module: readFileSync(path.join(path.dirname(entry), "mstl_bg.wasm")) });
  return mod;
}

/** Imports and instantiates augurs' MSTL once per process; later calls return the same module. */
export function loadAugursMstl(): Promise<AugursMstl> {
  mstlModule ??= load().catch((error: unknown) => {
    mstlModule = undefined; // let a later call retry
    throw new ForecastModelError("augurs", "loading @bsull/augurs/mstl", errorMessage(error));
  });
  return mstlModule;
}

/** augurs throws plain strings from WebAssembly; turn anything thrown into a message. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
