/**
 * Where the indexer learns what to index: the deployment export `deployments/exports/<network>.json`
 * (chain id, and per contract its address, ABI and start block) written by `deploy/99_export.ts`. No
 * address or ABI is copied into the indexer; the ABI types come from the typechain bindings of the same
 * contracts (type-only imports, erased at run time), the ABI values from the export.
 *
 * Environment:
 * - `CLOUDAI_NETWORK`    network name of the export to read (default `localhost`);
 * - `CLOUDAI_DEPLOYMENT` path of an export file (overrides `CLOUDAI_NETWORK`; used by tests);
 * - `CLOUDAI_RPC_URL`    JSON-RPC endpoint(s), comma-separated (default `http://127.0.0.1:8545`).
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { DeploymentExport, ExportedContract } from "../../sdk/deployment";

/** Thrown when the export is missing or lacks what the indexer needs; the message says how to fix it. */
export class IndexerConfigError extends Error {
  override name = "IndexerConfigError";

  constructor(message: string) {
    super(message);
    // A configuration mistake, not a bug: Ponder logs the stack, so keep it to the message.
    this.stack = `${this.name}: ${message}`;
  }
}

/** The repository root (the indexer lives in `<root>/indexer`). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

export const network = process.env.CLOUDAI_NETWORK ?? "localhost";
/** JSON-RPC endpoints (`CLOUDAI_RPC_URL`, comma-separated for several providers). */
export const rpcUrls: string[] = (process.env.CLOUDAI_RPC_URL ?? "http://127.0.0.1:8545")
  .split(",")
  .map((u) => u.trim())
  .filter((u) => u.length > 0);
if (rpcUrls.length === 0) throw new IndexerConfigError("CLOUDAI_RPC_URL is empty");
/** The first endpoint (used for the start-up checks). */
export const rpcUrl = rpcUrls[0]!;
export const exportFile =
  process.env.CLOUDAI_DEPLOYMENT !== undefined && process.env.CLOUDAI_DEPLOYMENT !== ""
    ? path.resolve(process.env.CLOUDAI_DEPLOYMENT)
    : path.join(repoRoot, "deployments", "exports", `${network}.json`);

/** Contracts whose every event the indexer handles (price feeds are matched by the `PriceFeed_` prefix). */
export const INDEXED_CONTRACTS = [
  "CLAIToken",
  "CLAIGovernor",
  "CLAITimelock",
  "VerifierRegistry",
  "Reputation",
  "Staking",
  "TaskMarket",
] as const;
export type IndexedContract = (typeof INDEXED_CONTRACTS)[number] | "PriceFeed";

function readExport(file: string): DeploymentExport {
  if (!fs.existsSync(file)) {
    throw new IndexerConfigError(
      `no deployment export at ${file}: deploy first (npm run deploy:localhost), or set CLOUDAI_NETWORK / CLOUDAI_DEPLOYMENT`,
    );
  }
  const parsed = JSON.parse(fs.readFileSync(file, "utf8")) as Partial<DeploymentExport>;
  if (typeof parsed.chainId !== "number" || typeof parsed.contracts !== "object" || !parsed.contracts) {
    throw new IndexerConfigError(`${file} is not a CloudAI deployment export`);
  }
  return parsed as DeploymentExport;
}

export const deployment: DeploymentExport = readExport(exportFile);

/** One contract of the export; throws a clear error when it is missing. */
export function exported(name: string): ExportedContract {
  const c = deployment.contracts[name];
  if (!c) throw new IndexerConfigError(`${exportFile} has no ${name}: is the deployment complete?`);
  return c;
}

/** Price feeds of the export: `PriceFeed_<name>` → name (`CPU`, `GPU`, …), keyed by lowercase address. */
export const priceFeeds: { name: string; address: `0x${string}`; startBlock: number; abi: unknown[] }[] =
  Object.entries(deployment.contracts)
    .filter(([name]) => name.startsWith("PriceFeed_"))
    .map(([name, c]) => ({
      name: name.slice("PriceFeed_".length),
      address: c.address.toLowerCase() as `0x${string}`,
      startBlock: c.startBlock,
      abi: c.abi,
    }));
if (priceFeeds.length === 0) throw new IndexerConfigError(`${exportFile} has no PriceFeed_* contract`);

/** Deployment name of an indexed address (`TaskMarket`, `PriceFeed_CPU`, …), for raw event rows. */
export const contractNameByAddress: ReadonlyMap<string, string> = new Map(
  Object.entries(deployment.contracts).map(([name, c]) => [c.address.toLowerCase(), name]),
);

/** Feed name (`CPU`) by lowercase feed address. */
export const feedNameByAddress: ReadonlyMap<string, string> = new Map(
  priceFeeds.map((f) => [f.address, f.name]),
);
