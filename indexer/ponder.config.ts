/**
 * CloudAI indexer configuration. Everything chain-specific comes from the deployment export (see
 * `src/deployment.ts`); the database is PGlite (embedded, default) or Postgres when `DATABASE_URL` is set.
 *
 * Local chains (Hardhat/Anvil, chain id 31337 or 1337) reset: the same contracts reappear at the same
 * addresses on a fresh chain. Two settings keep such a chain from being served stale data:
 * - `disableCache: true` — Ponder clears its RPC cache for the chain on start (Ponder's documented
 *   setting for local chains, see https://ponder.sh/docs/guides/foundry);
 * - the default PGlite directory is keyed by the hash of the deployment's first block, so a restart on the
 *   same chain resumes (crash recovery) while a redeployed chain gets a fresh database.
 * Ponder has no finality setting per chain in 0.16: unknown chain ids (31337 included) are treated as final
 * after 30 blocks, so the newest 30 blocks go through realtime sync, which a local node serves instantly.
 */
import path from "node:path";
import { createConfig } from "ponder";
import type { CLAIGovernor__factory } from "../typechain-types/factories/contracts/governance/CLAIGovernor__factory";
import type { CLAITimelock__factory } from "../typechain-types/factories/contracts/governance/CLAITimelock__factory";
import type { CLAIToken__factory } from "../typechain-types/factories/contracts/token/CLAIToken__factory";
import type { PriceFeed__factory } from "../typechain-types/factories/contracts/feeds/PriceFeed__factory";
import type { Reputation__factory } from "../typechain-types/factories/contracts/market/Reputation__factory";
import type { Staking__factory } from "../typechain-types/factories/contracts/market/Staking__factory";
import type { TaskMarket__factory } from "../typechain-types/factories/contracts/market/TaskMarket__factory";
import type { VerifierRegistry__factory } from "../typechain-types/factories/contracts/verifier/VerifierRegistry__factory";
import type { IERC1967__factory } from "../typechain-types/factories/@openzeppelin/contracts/interfaces/IERC1967__factory";
import {
  IndexerConfigError,
  deployment,
  exportFile,
  exported,
  network,
  priceFeeds,
  rpcUrl,
  rpcUrls,
} from "./src/deployment";

/** ERC-1967 events the hardhat-deploy proxy ABI adds to the implementation's (which has `Upgraded`). */
type ProxyEvents = Extract<
  (typeof IERC1967__factory.abi)[number],
  { name: "AdminChanged" | "BeaconUpgraded" }
>;
/** An exported proxy ABI: the implementation's ABI plus the proxy's ERC-1967 events. */
type ProxyAbi<A extends readonly unknown[]> = readonly [...A, ...ProxyEvents[]];

/** The export's ABI for `name`, typed as the typechain ABI of the same contract. */
function abiOf<A extends readonly unknown[]>(name: string): ProxyAbi<A> {
  return exported(name).abi as unknown as ProxyAbi<A>;
}

const LOCAL_CHAIN_IDS = new Set([31337, 1337]);
/**
 * Ponder 0.16 sends one eth_getLogs per (contract, event) handler and block range — its request merging
 * skips filters whose indexed topics are unset (fixed upstream after 0.16, ponder-sh/ponder#2366) — and
 * rate-limits each RPC endpoint starting at 20 requests/s. With ~110 handlers that throttles the backfill
 * of a local node, which answers far faster; listing the local endpoint several times gives Ponder several
 * rate buckets. Public networks: list several providers in CLOUDAI_RPC_URL (comma-separated) instead.
 */
const LOCAL_RPC_FANOUT = Number(process.env.CLOUDAI_RPC_FANOUT ?? "8");
const isLocalChain = LOCAL_CHAIN_IDS.has(deployment.chainId);

/** One JSON-RPC call with a timeout, for the start-up checks below. */
async function rpc<T>(method: string, params: unknown[]): Promise<T> {
  let res: Response;
  try {
    res = await fetch(rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
      signal: AbortSignal.timeout(10_000),
    });
  } catch (err) {
    throw new IndexerConfigError(
      `cannot reach the JSON-RPC endpoint ${rpcUrl} (${(err as Error).message}); start a node (npm run node) or set CLOUDAI_RPC_URL`,
    );
  }
  const body = (await res.json()) as { result?: T; error?: { message: string } };
  if (body.error || body.result === undefined) {
    throw new IndexerConfigError(`${method} failed on ${rpcUrl}: ${body.error?.message ?? "no result"}`);
  }
  return body.result;
}

const startBlocks = Object.values(deployment.contracts).map((c) => c.startBlock);
const firstBlock = Math.min(...startBlocks);

// Refuse to index a chain the export was not made for.
const rpcChainId = Number(await rpc<string>("eth_chainId", []));
if (rpcChainId !== deployment.chainId) {
  throw new IndexerConfigError(
    `${rpcUrl} serves chain ${rpcChainId} but ${exportFile} was deployed on chain ${deployment.chainId}`,
  );
}

/** PGlite directory: explicit, or per network and chain (and, on local chains, per deployment). */
async function pgliteDirectory(): Promise<string> {
  if (process.env.CLOUDAI_INDEXER_PGLITE_DIR) return path.resolve(process.env.CLOUDAI_INDEXER_PGLITE_DIR);
  let key = `${network}-${deployment.chainId}`;
  if (isLocalChain) {
    const block = await rpc<{ hash: string } | null>("eth_getBlockByNumber", [
      `0x${firstBlock.toString(16)}`,
      false,
    ]);
    if (!block) {
      throw new IndexerConfigError(
        `block ${firstBlock} of ${exportFile} does not exist on ${rpcUrl}: the node was reset, deploy again`,
      );
    }
    key += `-${block.hash.slice(2, 14)}`;
  }
  return path.join(".ponder", "pglite", key);
}

const contract = <A extends readonly unknown[]>(name: string) => {
  const c = exported(name);
  return {
    chain: "cloudai" as const,
    abi: abiOf<A>(name),
    address: c.address as `0x${string}`,
    startBlock: c.startBlock,
  };
};

export default createConfig({
  database: process.env.DATABASE_URL
    ? { kind: "postgres", connectionString: process.env.DATABASE_URL }
    : { kind: "pglite", directory: await pgliteDirectory() },
  chains: {
    cloudai: {
      id: deployment.chainId,
      rpc: isLocalChain
        ? Array.from({ length: LOCAL_RPC_FANOUT }, () => rpcUrl)
        : rpcUrls.length > 1
          ? rpcUrls
          : rpcUrl,
      disableCache: isLocalChain,
      // A local node mines on demand; poll fast so realtime indexing follows closely.
      pollingInterval: isLocalChain ? 250 : 1_000,
      // Ponder otherwise starts from a small eth_getLogs range and grows it from provider errors, which on
      // a local node means many tiny requests (one per contract per couple of blocks); a local node has no
      // range limit. Public RPCs: set CLOUDAI_GETLOGS_RANGE to the provider's limit, or leave it adaptive.
      ethGetLogsBlockRange: process.env.CLOUDAI_GETLOGS_RANGE
        ? Number(process.env.CLOUDAI_GETLOGS_RANGE)
        : isLocalChain
          ? 100_000
          : undefined,
    },
  },
  contracts: {
    CLAIToken: contract<typeof CLAIToken__factory.abi>("CLAIToken"),
    CLAIGovernor: contract<typeof CLAIGovernor__factory.abi>("CLAIGovernor"),
    CLAITimelock: contract<typeof CLAITimelock__factory.abi>("CLAITimelock"),
    VerifierRegistry: contract<typeof VerifierRegistry__factory.abi>("VerifierRegistry"),
    Reputation: contract<typeof Reputation__factory.abi>("Reputation"),
    Staking: contract<typeof Staking__factory.abi>("Staking"),
    TaskMarket: contract<typeof TaskMarket__factory.abi>("TaskMarket"),
    // Every resource class's feed through one entry: same implementation ABI, several proxies.
    PriceFeed: {
      chain: "cloudai",
      abi: priceFeeds[0]!.abi as unknown as ProxyAbi<typeof PriceFeed__factory.abi>,
      address: priceFeeds.map((f) => f.address),
      startBlock: Math.min(...priceFeeds.map((f) => f.startBlock)),
    },
  },
});
