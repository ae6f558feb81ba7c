import path from "node:path";

/** Repository root (this file lives in sdk/zk/). */
export const REPO_ROOT = path.resolve(__dirname, "..", "..");
/** Circuit sources. */
export const CIRCUITS_DIR = path.join(REPO_ROOT, "circuits");
/** Checked-in main components. */
export const MAIN_COMPONENTS_DIR = path.join(CIRCUITS_DIR, "main");
/** Git-ignored scratch space for rendered main components that are not checked in. */
export const CIRCUITS_BUILD_DIR = path.join(CIRCUITS_DIR, "build");
/** Where generated Solidity verifiers are exported. */
export const GENERATED_VERIFIERS_DIR = path.join(REPO_ROOT, "contracts", "verifiers", "generated");

/** Git-ignored cache of compiled circuits and setups; override with CLOUDAI_ZK_CACHE. */
export function zkCacheDir(): string {
  return process.env.CLOUDAI_ZK_CACHE ?? path.join(REPO_ROOT, ".cache", "zk");
}

/** `weighted_sum_ci_k2` → `WeightedSumCiK2Verifier`. */
export function verifierContractName(circuitId: string): string {
  return (
    circuitId
      .split(/[_-]/)
      .filter(Boolean)
      .map((p) => p[0].toUpperCase() + p.slice(1))
      .join("") + "Verifier"
  );
}
