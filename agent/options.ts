/**
 * Options of the provider agent and their validation. Everything with a sensible default is optional;
 * `resolvePolicy` fills the defaults and throws {@link ConfigError} for values that cannot work.
 */
import type { Signer } from "ethers";
import type { DeploymentExport } from "../sdk/deployment";
import type { FheContext } from "../sdk/fhe";
import type { OfferBoard } from "../sdk/offers";
import type { Logger, RetryPolicy } from "../sdk/service";
import type { BlobStore } from "../sdk/storage";
import type { ProverArtifacts, WeightedSumCircuitConfig } from "../sdk/zk";
import { ConfigError } from "./errors";

/** Job kinds the agent knows: ZK tasks run `weighted-sum`, OPTIMISTIC tasks run `word-count`. */
export type JobKind = "weighted-sum" | "word-count";
export const JOB_KINDS: readonly JobKind[] = ["weighted-sum", "word-count"];

/** How an offer's price per unit is set. */
export type OfferPrice =
  /** A fixed price (CLAI wei per unit). */
  | { kind: "fixed"; pricePerUnit: bigint }
  /**
   * The class's validated feed price (`TaskMarket.marketPrice`) times `1 + markupBps/10_000` (negative
   * markups undercut the feed), clamped to [min, max] when given. When the feed is stale or missing, the
   * current offer is kept until it expires and no new one is published.
   */
  | { kind: "feed"; markupBps: number; minPricePerUnit?: bigint; maxPricePerUnit?: bigint };

/** One resource class the agent serves. */
export interface ClassPolicy {
  /** Resource class id (< 64). */
  resourceClass: number;
  price: OfferPrice;
}

/** What the agent does and how eagerly. */
export interface AgentPolicy {
  /** Resource classes served (registered on-chain as the provider's bitmap, one offer each). */
  classes: ClassPolicy[];
  /** Bonded stake the agent tops up to (CLAI wei) from the wallet's balance. */
  targetStake: bigint;
  /** Stake through an EIP-2612 permit (one transaction, default) or approve + stake. */
  stakeWith: "permit" | "approve";
  /** Units each offer may fill across tasks. */
  offerCapacity: number;
  /** Seconds an offer is valid. */
  offerLifetimeSec: number;
  /** Publish the next offer this many seconds before the current one expires (default a quarter lifetime). */
  renewBeforeSec: number;
  /** Milliseconds between polls. */
  pollIntervalMs: number;
  /** Blocks of lag behind the head when reading events (reorg safety). */
  confirmations: number;
  /** Claim open tasks of the served classes after the match timeout when no matcher took them. */
  selfClaim: boolean;
  /** Job kinds accepted; tasks of other kinds are never claimed and are rejected when assigned. */
  jobKinds: JobKind[];
  /** Most tasks held at once (assigned, not yet submitted); self-claims stop there. */
  maxActiveTasks: number;
  /** Largest block range per `eth_getLogs` query. */
  maxBlockRange: number;
  /** How long to wait for a sent transaction's receipt within one tick before re-checking it later. */
  txTimeoutMs: number;
  /** Attempts at computing a task (unexpected errors), and at submitting it, before giving it up. */
  maxComputeAttempts: number;
  /** Interval of "still proving" progress lines. */
  progressEveryMs: number;
}

/** A prover for one registered weighted-sum circuit (tasks name it by `registryCircuitId(circuit.id)`). */
export interface ZkProver {
  circuit: WeightedSumCircuitConfig;
  fhe: FheContext;
  artifacts: ProverArtifacts;
}

export interface ProviderAgentOptions {
  /** The provider's signer, connected to a provider (an `hre.ethers` signer or a `Wallet` on an RPC URL). */
  signer: Signer;
  /** Where the contracts are (sdk/deployment). */
  deployment: DeploymentExport;
  /** Where task inputs are read and results written. */
  store: BlobStore;
  /** Where signed offers are published. */
  board: OfferBoard;
  /** The agent's private directory: state file, envelope key (0600), lock. One agent per directory. */
  stateDir: string;
  logger?: Logger;
  policy: Partial<AgentPolicy> & Pick<AgentPolicy, "classes" | "targetStake">;
  /** Provers of the ZK circuits this agent runs (required for `weighted-sum`). */
  zk?: ZkProver[];
  /** Off-chain description registered in Staking (default `cloudai-agent:<address>`). */
  metadataURI?: string;
  /** Run the poll loop (default true); false: only explicit `tick()` calls act (tests, demo). */
  loop?: boolean;
  /** Retry policy for transient RPC failures (default sdk/service `RPC_RETRY`). */
  retry?: RetryPolicy;
  /** First block to scan when the state is new (default: TaskMarket's deployment block). */
  fromBlock?: number;
}

export const POLICY_DEFAULTS: Omit<AgentPolicy, "classes" | "targetStake" | "renewBeforeSec"> = {
  stakeWith: "permit",
  offerCapacity: 100,
  offerLifetimeSec: 3_600,
  pollIntervalMs: 5_000,
  confirmations: 1,
  selfClaim: false,
  jobKinds: [...JOB_KINDS],
  maxActiveTasks: 4,
  maxBlockRange: 2_000,
  txTimeoutMs: 300_000,
  maxComputeAttempts: 3,
  progressEveryMs: 10_000,
};

const UINT96_MAX = (1n << 96n) - 1n;
const UINT32_MAX = 2 ** 32 - 1;

function positiveInt(name: string, value: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new ConfigError(`${name} must be an integer in [1, ${max}], got ${value}`);
  }
  return value;
}

/** Fills defaults and validates; throws {@link ConfigError}. */
export function resolvePolicy(policy: ProviderAgentOptions["policy"]): AgentPolicy {
  const merged = { ...POLICY_DEFAULTS, ...policy };
  if (!Array.isArray(merged.classes) || merged.classes.length === 0) {
    throw new ConfigError("the agent must serve at least one resource class");
  }
  const seen = new Set<number>();
  for (const c of merged.classes) {
    if (!Number.isInteger(c.resourceClass) || c.resourceClass < 0 || c.resourceClass > 63) {
      throw new ConfigError(`resource class ${c.resourceClass} is not an integer in [0, 63]`);
    }
    if (seen.has(c.resourceClass)) throw new ConfigError(`resource class ${c.resourceClass} is listed twice`);
    seen.add(c.resourceClass);
    if (c.price.kind === "fixed") {
      if (c.price.pricePerUnit <= 0n || c.price.pricePerUnit > UINT96_MAX) {
        throw new ConfigError(`class ${c.resourceClass}: fixed price must be in (0, 2^96)`);
      }
    } else if (c.price.kind === "feed") {
      if (
        !Number.isInteger(c.price.markupBps) ||
        c.price.markupBps <= -10_000 ||
        c.price.markupBps > 1_000_000
      ) {
        throw new ConfigError(`class ${c.resourceClass}: markupBps must be an integer in (-10000, 1000000]`);
      }
      const { minPricePerUnit: lo, maxPricePerUnit: hi } = c.price;
      if ((lo !== undefined && lo <= 0n) || (hi !== undefined && (hi <= 0n || hi > UINT96_MAX))) {
        throw new ConfigError(`class ${c.resourceClass}: price bounds must be in (0, 2^96)`);
      }
      if (lo !== undefined && hi !== undefined && lo > hi) {
        throw new ConfigError(`class ${c.resourceClass}: minPricePerUnit exceeds maxPricePerUnit`);
      }
    } else {
      throw new ConfigError(`class ${(c as ClassPolicy).resourceClass}: unknown price kind`);
    }
  }
  if (typeof merged.targetStake !== "bigint" || merged.targetStake < 0n) {
    throw new ConfigError("targetStake must be a non-negative amount of CLAI wei");
  }
  if (merged.stakeWith !== "permit" && merged.stakeWith !== "approve") {
    throw new ConfigError(`stakeWith must be "permit" or "approve"`);
  }
  positiveInt("offerCapacity", merged.offerCapacity, UINT32_MAX);
  positiveInt("offerLifetimeSec", merged.offerLifetimeSec);
  const renewBeforeSec = policy.renewBeforeSec ?? Math.floor(merged.offerLifetimeSec / 4);
  if (!Number.isInteger(renewBeforeSec) || renewBeforeSec < 0 || renewBeforeSec >= merged.offerLifetimeSec) {
    throw new ConfigError(
      `renewBeforeSec must be an integer in [0, offerLifetimeSec), got ${renewBeforeSec}`,
    );
  }
  positiveInt("pollIntervalMs", merged.pollIntervalMs);
  if (!Number.isInteger(merged.confirmations) || merged.confirmations < 0) {
    throw new ConfigError(`confirmations must be a non-negative integer, got ${merged.confirmations}`);
  }
  for (const k of merged.jobKinds) {
    if (!JOB_KINDS.includes(k))
      throw new ConfigError(`unknown job kind ${JSON.stringify(k)} (known: ${JOB_KINDS.join(", ")})`);
  }
  positiveInt("maxActiveTasks", merged.maxActiveTasks);
  positiveInt("maxBlockRange", merged.maxBlockRange);
  positiveInt("txTimeoutMs", merged.txTimeoutMs);
  positiveInt("maxComputeAttempts", merged.maxComputeAttempts);
  positiveInt("progressEveryMs", merged.progressEveryMs);
  return { ...merged, renewBeforeSec, selfClaim: Boolean(merged.selfClaim) };
}

/** The bitmap of served classes, as Staking stores it. */
export function classBitmap(policy: { classes: readonly Pick<ClassPolicy, "resourceClass">[] }): bigint {
  return policy.classes.reduce((acc, c) => acc | (1n << BigInt(c.resourceClass)), 0n);
}
