/**
 * Plain, chain-independent input and output model of the matcher.
 *
 * A chain reader (market contract + provider registry) fills these structures; the matcher itself never
 * touches the chain. Amounts are token base units as `bigint`; times are unix seconds as `number`.
 */

/** An EVM address as a `0x`-prefixed hex string. Compared case-insensitively by the matcher. */
export type Address = string;

/** A task waiting in the market for a provider. */
export interface OpenTask {
  /** Market task id. */
  readonly id: bigint;
  /** Resource class the task needs (e.g. 0 = small GPU, 1 = large GPU); must equal the offer's class. */
  readonly resourceClass: number;
  /** Work size in the market's billing units (e.g. thousands of tokens). Must be > 0. */
  readonly units: bigint;
  /** The highest price per unit the requester accepts (escrowed as `units * maxPricePerUnit`). */
  readonly maxPricePerUnit: bigint;
  /** Minimum provider reputation in basis points (0..10000). */
  readonly minReputation: number;
  /** Unix time after which the task can no longer be assigned. */
  readonly assignDeadline: number;
  /** The requester, when known: its own offers are never matched to the task (no self-dealing). */
  readonly requester?: Address;
}

/** A provider's signed standing offer for one resource class. */
export interface Offer {
  readonly provider: Address;
  readonly resourceClass: number;
  readonly pricePerUnit: bigint;
  /** Number of tasks the provider runs concurrently under this offer (slots), including current load. */
  readonly capacity: number;
  /** Unix time at which the offer stops being valid (valid while `now < expiry`). */
  readonly expiry: number;
  /** Provider-scoped nonce; a higher nonce from the same provider supersedes lower ones. */
  readonly nonce: bigint;
  /** EIP-712 signature; verified by the chain reader / oracle node, not by the pure matcher. */
  readonly signature?: string;
  /**
   * Work units the offer may still fill, for offers whose capacity is counted in units rather than tasks
   * (TaskMarket's signed offers: `capacity − offerFilled`). The units of the tasks placed on the offer must
   * sum to at most this. Absent: no unit limit, only slots.
   */
  readonly unitBudget?: bigint;
}

/** On-chain state of a provider, as read from the registry. */
export interface ProviderState {
  readonly address: Address;
  readonly active: boolean;
  /** Stake not yet locked by running tasks. */
  readonly freeStake: bigint;
  /** Reputation in basis points, 0..10000. */
  readonly reputation: number;
  /** Completed tasks that were accepted. */
  readonly successes: number;
  /** Tasks that failed, timed out or were slashed. */
  readonly failures: number;
  /** Tasks currently running on this provider (occupying slots of its offer). */
  readonly currentLoad: number;
}

/**
 * How much of a provider's free stake the market locks when a task is assigned:
 * `lock(task) = fixed + ceil(units * maxPricePerUnit * bpsOfValue / 10000)`, or with `combine: "max"`
 * `max(fixed, ceil(units * maxPricePerUnit * bpsOfValue / 10000))` (TaskMarket's rule, whose lock uses the
 * agreed price ≤ `maxPricePerUnit`, so this is an upper bound of the lock actually taken).
 *
 * With `bpsOfValue = 0` the lock is the same for every task (the market's `stakePerTaskRequired`) and the
 * stake limit becomes a plain slot limit, so the solver is exactly optimal. With `bpsOfValue > 0` the
 * per-provider stake budget is a knapsack constraint; the solver then enforces it by a repair step
 * (see `solve.ts`).
 */
export interface LockRule {
  readonly fixed: bigint;
  readonly bpsOfValue: number;
  /** How `fixed` and the value share combine (default `sum`). */
  readonly combine?: "sum" | "max";
}

/** Everything the matcher needs for one round. */
export interface MatchBook {
  readonly tasks: readonly OpenTask[];
  readonly offers: readonly Offer[];
  readonly providers: readonly ProviderState[];
  readonly lock: LockRule;
  /** Unix time of the matching round. */
  readonly now: number;
}

/** One task placed on one slot of one offer. */
export interface Assignment {
  /** Index into `MatchBook.tasks`. */
  readonly taskIndex: number;
  readonly taskId: bigint;
  /** Index into `MatchBook.offers`. */
  readonly offerIndex: number;
  readonly provider: Address;
  /** Slot number within the offer's free slots (0-based). */
  readonly slot: number;
  /** Score of the pair (see `score.ts`). */
  readonly score: number;
}
