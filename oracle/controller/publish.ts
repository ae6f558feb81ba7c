/**
 * When a new price is worth a transaction: on deviation from the published answer, on heartbeat (the
 * published answer is getting old), or when nothing was published yet — but never sooner than
 * `minIntervalSec` after the previous round, so the controller's per-update step is also a per-interval
 * rate limit (without it, each published step would make the next observation deviate again and the
 * clamp would bind nothing); and when a feed counts as stale.
 */
import { ControllerParamsError } from "./errors";

export interface PublishPolicy {
  /** Publish when |proposed − published| ≥ published · deviationBps / 10,000 (e.g. 100 = 1 %). */
  readonly deviationBps: number;
  /** Publish when the published answer is at least this old (seconds); keep it below the market's maxPriceAge. */
  readonly heartbeatSec: number;
  /** Never publish sooner than this after the previous round (seconds, default 0; < heartbeatSec). */
  readonly minIntervalSec?: number;
}

/** The feed's latest round as the controller needs it. */
export interface PublishedRound {
  /** CLAI wei per unit. */
  readonly answer: bigint;
  /** Unix seconds of the round. */
  readonly updatedAt: number;
}

export type PublishReason = "first" | "deviation" | "heartbeat";

export interface PublishDecision {
  readonly publish: boolean;
  /** Why it should be published (absent when it should not). */
  readonly reason?: PublishReason;
  /** |proposed − published| in basis points of the published answer (0 before the first round). */
  readonly deviationBps: number;
  /** Age of the published answer at `now` (seconds; 0 before the first round). */
  readonly ageSec: number;
}

/** Throws {@link ControllerParamsError} unless the policy is usable; returns it. */
export function checkPublishPolicy(policy: PublishPolicy): PublishPolicy {
  const { deviationBps: d, heartbeatSec: h, minIntervalSec: m = 0 } = policy;
  if (!Number.isInteger(d) || d < 1 || d > 10_000)
    throw new ControllerParamsError("deviationBps", `must be an integer in [1, 10000], got ${d}`);
  if (!Number.isInteger(h) || h < 1)
    throw new ControllerParamsError("heartbeatSec", `must be a positive integer, got ${h}`);
  if (!Number.isInteger(m) || m < 0 || m >= h)
    throw new ControllerParamsError("minIntervalSec", `must be an integer in [0, heartbeatSec), got ${m}`);
  return policy;
}

/** Whether `proposed` should be published at unix time `now`, given the latest published round. */
export function publishDecision(
  proposed: bigint,
  latest: PublishedRound | undefined,
  now: number,
  policy: PublishPolicy,
): PublishDecision {
  if (latest === undefined) return { publish: true, reason: "first", deviationBps: 0, ageSec: 0 };
  const diff = proposed > latest.answer ? proposed - latest.answer : latest.answer - proposed;
  const deviationBps =
    latest.answer > 0n ? Number((diff * 10_000n) / latest.answer) : Number.POSITIVE_INFINITY;
  const ageSec = Math.max(0, now - latest.updatedAt);
  if (ageSec < (policy.minIntervalSec ?? 0)) return { publish: false, deviationBps, ageSec };
  if (diff * 10_000n >= BigInt(policy.deviationBps) * latest.answer)
    return { publish: true, reason: "deviation", deviationBps, ageSec };
  if (ageSec >= policy.heartbeatSec) return { publish: true, reason: "heartbeat", deviationBps, ageSec };
  return { publish: false, deviationBps, ageSec };
}

/**
 * A feed is stale when its latest answer is older than the heartbeat plus a grace period (the time a
 * round may take), or when it has no answer at all.
 */
export function isStale(
  latest: PublishedRound | undefined,
  now: number,
  heartbeatSec: number,
  graceSec: number,
): boolean {
  return latest === undefined || now - latest.updatedAt > heartbeatSec + graceSec;
}
