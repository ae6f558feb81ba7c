/**
 * Options of an oracle node, their defaults and validation ({@link resolveOptions} throws
 * {@link OracleConfigError} for values that cannot work).
 */
import type { BaseWallet } from "ethers";
import type { ForecasterFactory } from "../forecast";
import {
  checkPublishPolicy,
  ControllerParamsError,
  type ControllerOutput,
  type PublishPolicy,
} from "../controller";
import type { DeploymentExport } from "../../sdk/deployment";
import type { OfferBoard } from "../../sdk/offers";
import { createLogger, RPC_RETRY, type Logger, type RetryPolicy } from "../../sdk/service";
import { OracleConfigError } from "./errors";
import type { OracleTransport } from "./transport";

const E18 = 10n ** 18n;

/** The controller's curve and clamp per feed; the bounds default to the feed's on-chain bounds. */
export interface PricingOptions {
  /** Price at zero utilisation (CLAI wei per unit). */
  basePrice: bigint;
  targetUtilisation: number;
  slopeLow: number;
  slopeHigh: number;
  maxUtilisation: number;
  /** Largest move per update (basis points of the current price). */
  maxStepBps: number;
  /** Lowest proposed price; default (and never below) the feed's `minAnswer`. */
  minPrice?: bigint;
  /** Highest proposed price; default (and never above) the feed's `maxAnswer`. */
  maxPrice?: bigint;
}

export const DEFAULT_PRICING: PricingOptions = {
  basePrice: E18,
  targetUtilisation: 0.8,
  slopeLow: 1,
  slopeHigh: 3,
  maxUtilisation: 2,
  maxStepBps: 1_000,
};

/** What a node knows when it makes an observation (passed to {@link OracleNodeOptions.observe}). */
export interface ObservationInput {
  feed: string;
  resourceClass: number;
  /** Forecast units over the horizon. */
  demand: number;
  /** Units offered over the horizon. */
  supply: number;
  currentPrice?: bigint;
  controller: ControllerOutput;
}

export interface OracleNodeOptions {
  /** The oracle's key, connected to a provider; its address must be a signer of the served feeds. */
  signer: BaseWallet;
  /** Where the contracts are (sdk/deployment). */
  deployment: DeploymentExport;
  /** How this node reaches its peers (in-memory or HTTP). */
  transport: OracleTransport;
  /** Resource-class names to serve, e.g. `["CPU", "GPU"]` (default: every feed in the deployment). */
  feeds?: string[];
  /** Offer board for open-offer capacity; without it supply is the stake-backed capacity alone. */
  offers?: OfferBoard;
  /** Controller parameters for every feed … */
  pricing?: Partial<PricingOptions>;
  /** … and per feed name, applied on top. */
  pricingByFeed?: Record<string, Partial<PricingOptions>>;
  /**
   * Deviation threshold, heartbeat and minimum interval between rounds (default 1 %, 30 min — below the
   * market's 1 h maxPriceAge — and 90 % of the demand interval).
   */
  publish?: Partial<PublishPolicy>;
  /** Demand bin length in seconds (default 300). */
  intervalSec?: number;
  /** Forecast horizon in bins (default 12: one hour at 5-minute bins). */
  horizonIntervals?: number;
  /** On an idle chain, a bin closes this long after its end by the wall clock (default 60 s). */
  settleSec?: number;
  /** A feed is reported stale when its answer is older than heartbeat + this (default 300 s). */
  staleGraceSec?: number;
  /** After a report has been due this long without a new round, the next leader takes over (default 60 s). */
  leaderTimeoutSec?: number;
  /** A follower holding a fully signed report transmits it this long × (its rank) after it arrived (default 15 s). */
  followerTransmitDelaySec?: number;
  /** Milliseconds to wait for a peer's answer (default 5,000). */
  peerTimeoutMs?: number;
  /** Milliseconds to wait for a transmission's receipt (default 60,000). */
  txTimeoutMs?: number;
  /** Milliseconds between ticks; 0 disables the timer (call `tick()` yourself). Default 15,000. */
  pollIntervalMs?: number;
  /** Consecutive failed ticks after which the node stops with an error (default 20). */
  maxConsecutiveFailures?: number;
  /** Largest block range per `eth_getLogs` (default 5,000). */
  maxBlockRange?: number;
  /** Backoff for RPC calls (default sdk/service RPC_RETRY). */
  retry?: RetryPolicy;
  logger?: Logger;
  /** Demand model factory (default {@link defaultDemandModel} at `intervalSec`). */
  demandModel?: ForecasterFactory;
  /** Refit the demand model after this many new bins (default 1). */
  refitEvery?: number;
  /** Bins of history kept (default four weeks). */
  maxHistory?: number;
  /**
   * Replaces the observation the controller proposes (default: the controller's price). Operators can add
   * a policy here; tests use it to simulate faulty nodes.
   */
  observe?: (input: ObservationInput) => bigint;
  /** JSON state file (demand bins and log cursors) so a restart does not rescan the chain. */
  stateFile?: string;
}

export type ResolvedOptions = Required<
  Omit<OracleNodeOptions, "feeds" | "offers" | "pricingByFeed" | "demandModel" | "observe" | "stateFile">
> &
  Pick<OracleNodeOptions, "feeds" | "offers" | "demandModel" | "observe" | "stateFile"> & {
    pricingByFeed: Record<string, Partial<PricingOptions>>;
    publish: PublishPolicy;
    pricing: PricingOptions;
  };

/** Fills defaults and validates; throws {@link OracleConfigError} naming the bad option. */
export function resolveOptions(options: OracleNodeOptions): ResolvedOptions {
  if (!options.signer?.provider) throw new OracleConfigError("signer must be connected to a provider");
  const intervalSec = options.intervalSec ?? 300;
  const r: ResolvedOptions = {
    signer: options.signer,
    deployment: options.deployment,
    transport: options.transport,
    feeds: options.feeds,
    offers: options.offers,
    pricing: { ...DEFAULT_PRICING, ...options.pricing },
    pricingByFeed: options.pricingByFeed ?? {},
    // about one round per demand interval (10 % slack for round latency), so one step per interval
    publish: {
      deviationBps: 100,
      heartbeatSec: 1_800,
      minIntervalSec: Math.floor(0.9 * intervalSec),
      ...options.publish,
    },
    intervalSec,
    horizonIntervals: options.horizonIntervals ?? 12,
    settleSec: options.settleSec ?? 60,
    staleGraceSec: options.staleGraceSec ?? 300,
    leaderTimeoutSec: options.leaderTimeoutSec ?? 60,
    followerTransmitDelaySec: options.followerTransmitDelaySec ?? 15,
    peerTimeoutMs: options.peerTimeoutMs ?? 5_000,
    txTimeoutMs: options.txTimeoutMs ?? 60_000,
    pollIntervalMs: options.pollIntervalMs ?? 15_000,
    maxConsecutiveFailures: options.maxConsecutiveFailures ?? 20,
    maxBlockRange: options.maxBlockRange ?? 5_000,
    retry: options.retry ?? RPC_RETRY,
    logger: options.logger ?? createLogger("oracle"),
    demandModel: options.demandModel,
    refitEvery: options.refitEvery ?? 1,
    maxHistory: options.maxHistory ?? Math.ceil((28 * 86_400) / intervalSec),
    observe: options.observe,
    stateFile: options.stateFile,
  };
  const int = (name: string, v: number, min: number) => {
    if (!Number.isSafeInteger(v) || v < min)
      throw new OracleConfigError(`${name} must be an integer ≥ ${min}, got ${v}`);
  };
  int("intervalSec", r.intervalSec, 1);
  int("horizonIntervals", r.horizonIntervals, 1);
  int("settleSec", r.settleSec, 0);
  int("staleGraceSec", r.staleGraceSec, 0);
  int("leaderTimeoutSec", r.leaderTimeoutSec, 1);
  int("followerTransmitDelaySec", r.followerTransmitDelaySec, 0);
  int("peerTimeoutMs", r.peerTimeoutMs, 1);
  int("txTimeoutMs", r.txTimeoutMs, 1);
  int("pollIntervalMs", r.pollIntervalMs, 0);
  int("maxConsecutiveFailures", r.maxConsecutiveFailures, 1);
  int("maxBlockRange", r.maxBlockRange, 1);
  int("refitEvery", r.refitEvery, 1);
  int("maxHistory", r.maxHistory, 1);
  try {
    checkPublishPolicy(r.publish);
  } catch (err) {
    if (err instanceof ControllerParamsError) throw new OracleConfigError(err.message);
    throw err;
  }
  return r;
}
