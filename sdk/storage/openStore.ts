import path from "node:path";
import type { BlobStore } from "./blobStore";
import { StorageConfigError } from "./errors";
import { KUBO_DEFAULT_URL, KuboStore, type KuboStoreOptions } from "./kuboStore";
import { LocalDirStore } from "./localDirStore";

/** Environment variable selecting the storage backend: `local:<dir>` or `kubo:<url>`. */
export const STORAGE_ENV = "CLOUDAI_STORAGE";

/** Default blob directory, relative to the working directory. */
export const DEFAULT_LOCAL_DIR = path.join(".cloudai", "blobs");

/** A parsed storage configuration. */
export type StorageConfig =
  { readonly backend: "local"; readonly dir: string } | { readonly backend: "kubo"; readonly url: string };

export interface OpenStoreOptions {
  /** Explicit configuration: a spec string (`local:<dir>`, `kubo:<url>`) or a parsed one. Wins over env. */
  readonly config?: string | StorageConfig;
  /** Environment to read {@link STORAGE_ENV} from (default `process.env`). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Directory relative local paths are resolved against (default `process.cwd()`). */
  readonly cwd?: string;
  /** Further options for a Kubo backend (retry policy, timeout, big blocks, headers). */
  readonly kubo?: Omit<KuboStoreOptions, "url">;
}

/**
 * Parses a storage spec: `local:<dir>` (relative dirs resolve against `cwd`; `local:` alone is the
 * default dir) or `kubo:<url>` (`kubo:` alone is {@link KUBO_DEFAULT_URL}). Throws `StorageConfigError`.
 */
export function parseStorageSpec(spec: string, cwd: string = process.cwd()): StorageConfig {
  const trimmed = spec.trim();
  const colon = trimmed.indexOf(":");
  const scheme = colon < 0 ? trimmed : trimmed.slice(0, colon);
  const rest = colon < 0 ? "" : trimmed.slice(colon + 1).trim();
  switch (scheme) {
    case "local":
      return { backend: "local", dir: path.resolve(cwd, rest === "" ? DEFAULT_LOCAL_DIR : rest) };
    case "kubo": {
      const url = rest === "" ? KUBO_DEFAULT_URL : rest;
      if (!/^https?:\/\//i.test(url)) {
        throw new StorageConfigError(
          `storage spec ${JSON.stringify(spec)}: Kubo URL must start with http(s)://`,
        );
      }
      return { backend: "kubo", url };
    }
    default:
      throw new StorageConfigError(
        `storage spec ${JSON.stringify(spec)} is not "local:<dir>" or "kubo:<url>" (from ${STORAGE_ENV} or config)`,
      );
  }
}

/** Resolves the configuration: explicit `config`, else {@link STORAGE_ENV}, else the default local dir. */
export function resolveStorageConfig(options: OpenStoreOptions = {}): StorageConfig {
  const cwd = options.cwd ?? process.cwd();
  const { config } = options;
  if (typeof config === "object") return config;
  if (typeof config === "string") return parseStorageSpec(config, cwd);
  const fromEnv = (options.env ?? process.env)[STORAGE_ENV];
  if (fromEnv !== undefined && fromEnv.trim() !== "") return parseStorageSpec(fromEnv, cwd);
  return { backend: "local", dir: path.resolve(cwd, DEFAULT_LOCAL_DIR) };
}

/** Opens the configured blob store (see {@link resolveStorageConfig}). Nothing is created until the first put. */
export function openStore(options: OpenStoreOptions = {}): BlobStore {
  const config = resolveStorageConfig(options);
  switch (config.backend) {
    case "local":
      return new LocalDirStore(config.dir);
    case "kubo":
      return new KuboStore({ ...options.kubo, url: config.url });
  }
}
