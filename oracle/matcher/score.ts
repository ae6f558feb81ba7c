/**
 * Score of a feasible (task, offer) pair; the solver maximizes the sum of scores.
 *
 * For task `t` (units `U`, max price `P`, lock `L`) and an offer at price `p` from provider `v` with `S`
 * successes, `F` failures, reputation `R` (bps), free stake `K`, current load `ℓ` and offer capacity `C`:
 *
 * ```text
 * savings   = (P - p) / P                                  ∈ [0, 1]   (0 when P = 0)
 * success   = (S + 1 + k·R/10000) / (S + F + 2 + k)        ∈ (0, 1)
 *             — the posterior mean of a Beta(1 + k·r, 1 + k·(1 - r)) prior (r = R/10000, i.e. reputation
 *               counted as k pseudo-observations on top of the uniform Beta(1,1)) updated with S, F.
 *               With k = 0 it is the plain Laplace estimate (S + 1)/(S + F + 2).
 * stake     = min(1, K / (σ · max(L, 1)))                  ∈ [0, 1]
 *             — how many locks of this size the provider's free stake could still absorb if slashed,
 *               saturating at σ ("stake at risk" backing the task).
 * spare     = 1 - ℓ / C                                    ∈ [0, 1]   (prefers lightly loaded providers)
 * size      = 1 | 1 + log2(U) | U                          (sizeWeighting: flat | log | linear)
 *
 * score = size · (w_price·savings + w_success·success + w_stake·stake + w_load·spare)
 * ```
 *
 * Every component is non-decreasing in what a requester wants (cheaper, more reliable, better backed, less
 * loaded), so with positive weights a cheaper offer or a more reputable provider scores strictly higher,
 * everything else equal. Scores are non-negative.
 */
import { MatcherConfigError } from "./errors";
import type { Offer, OpenTask, ProviderState } from "./types";
import { BPS } from "./filters";

export type SizeWeighting = "flat" | "log" | "linear";

export interface ScoreConfig {
  readonly wPrice: number;
  readonly wSuccess: number;
  readonly wStake: number;
  readonly wLoad: number;
  /** k: weight of reputation as pseudo-observations in the success estimate. */
  readonly reputationPriorStrength: number;
  /** σ: number of locks of free stake at which the stake component saturates. */
  readonly stakeSaturation: number;
  readonly sizeWeighting: SizeWeighting;
}

export const DEFAULT_SCORE_CONFIG: ScoreConfig = {
  wPrice: 0.4,
  wSuccess: 0.4,
  wStake: 0.1,
  wLoad: 0.1,
  reputationPriorStrength: 10,
  stakeSaturation: 10,
  sizeWeighting: "flat",
};

/** Individual components of a pair's score, each in [0, 1] except `size`. */
export interface ScoreComponents {
  readonly savings: number;
  readonly success: number;
  readonly stake: number;
  readonly spare: number;
  readonly size: number;
}

/** Merges overrides into the defaults and validates them; throws {@link MatcherConfigError}. */
export function scoreConfig(overrides: Partial<ScoreConfig> = {}): ScoreConfig {
  const c: ScoreConfig = { ...DEFAULT_SCORE_CONFIG, ...overrides };
  for (const k of ["wPrice", "wSuccess", "wStake", "wLoad", "reputationPriorStrength"] as const) {
    if (!(Number.isFinite(c[k]) && c[k] >= 0)) throw new MatcherConfigError(k, "must be finite and >= 0");
  }
  if (!(Number.isFinite(c.stakeSaturation) && c.stakeSaturation > 0))
    throw new MatcherConfigError("stakeSaturation", "must be finite and > 0");
  if (c.wPrice + c.wSuccess + c.wStake + c.wLoad <= 0)
    throw new MatcherConfigError("weights", "at least one weight must be > 0");
  if (!["flat", "log", "linear"].includes(c.sizeWeighting))
    throw new MatcherConfigError("sizeWeighting", `unknown value ${String(c.sizeWeighting)}`);
  return c;
}

/** Ratio of two non-negative bigints as a float (each side rounded to a double: relative error ~1e-16). */
function ratio(num: bigint, den: bigint): number {
  return den === 0n ? 0 : Number(num) / Number(den);
}

/** Beta-posterior mean success probability with reputation as prior (see module doc). */
export function successProbability(provider: ProviderState, priorStrength: number): number {
  const r = provider.reputation / BPS;
  const n = provider.successes + provider.failures;
  return (provider.successes + 1 + priorStrength * r) / (n + 2 + priorStrength);
}

export function scoreComponents(
  task: OpenTask,
  offer: Offer,
  provider: ProviderState,
  lock: bigint,
  config: ScoreConfig,
): ScoreComponents {
  const savings =
    task.maxPricePerUnit > 0n && offer.pricePerUnit <= task.maxPricePerUnit
      ? ratio(task.maxPricePerUnit - offer.pricePerUnit, task.maxPricePerUnit)
      : 0;
  const success = successProbability(provider, config.reputationPriorStrength);
  const lockUnits = lock > 0n ? lock : 1n;
  const stake = Math.min(1, ratio(provider.freeStake, lockUnits) / config.stakeSaturation);
  const spare = offer.capacity > 0 ? Math.max(0, 1 - provider.currentLoad / offer.capacity) : 0;
  const units = Number(task.units);
  const size =
    config.sizeWeighting === "flat" ? 1 : config.sizeWeighting === "log" ? 1 + Math.log2(units) : units;
  return { savings, success, stake, spare, size };
}

/** Score of one feasible pair (formula in the module doc). */
export function scorePair(
  task: OpenTask,
  offer: Offer,
  provider: ProviderState,
  lock: bigint,
  config: ScoreConfig = DEFAULT_SCORE_CONFIG,
): number {
  const c = scoreComponents(task, offer, provider, lock, config);
  return (
    c.size *
    (config.wPrice * c.savings +
      config.wSuccess * c.success +
      config.wStake * c.stake +
      config.wLoad * c.spare)
  );
}
