/**
 * Hard filters: which (task, offer) pairs may be matched at all.
 *
 * Each rule is a small exported predicate so the chain reader, the tests and the on-chain checks can
 * share one definition. `filterPairs` applies them in a fixed order and reports, for every rejected pair,
 * the first rule that failed.
 */
import { MatcherInputError } from "./errors";
import type { LockRule, MatchBook, Offer, OpenTask, ProviderState } from "./types";

/** Why a (task, offer) pair was rejected; the order below is the order in which rules are checked. */
export const REJECT_REASONS = [
  "unknownProvider",
  "offerSuperseded",
  "providerInactive",
  "offerExpired",
  "noFreeSlots",
  "taskExpired",
  "classMismatch",
  "selfDealing",
  "priceAboveMax",
  "reputationTooLow",
  "insufficientStake",
  "unitsExceedBudget",
] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

/** Basis-point denominator used for reputation and the lock rule. */
export const BPS = 10_000;

/** The offer is for the resource class the task asks for. */
export function isClassMatch(task: OpenTask, offer: Offer): boolean {
  return task.resourceClass === offer.resourceClass;
}

/** Slots of the offer not occupied by the provider's running tasks: `max(0, capacity - currentLoad)`. */
export function freeSlots(offer: Offer, provider: ProviderState): number {
  return Math.max(0, offer.capacity - provider.currentLoad);
}

/** The offer still has at least one free slot after the provider's current load. */
export function hasFreeSlots(offer: Offer, provider: ProviderState): boolean {
  return freeSlots(offer, provider) > 0;
}

/** Stake the market locks from the provider when `task` is assigned (see {@link LockRule}). */
export function lockFor(task: OpenTask, rule: LockRule): bigint {
  if (rule.bpsOfValue === 0) return rule.fixed;
  const num = task.units * task.maxPricePerUnit * BigInt(rule.bpsOfValue);
  const bps = BigInt(BPS);
  const share = (num + bps - 1n) / bps;
  if (rule.combine === "max") return share > rule.fixed ? share : rule.fixed;
  return rule.fixed + share;
}

/** The task's units fit the offer's remaining unit budget (always true for offers without one). */
export function fitsUnitBudget(task: OpenTask, offer: Offer): boolean {
  return offer.unitBudget === undefined || task.units <= offer.unitBudget;
}

/** The provider's free stake covers the lock of this one task. (The total over all of a provider's
 * assignments is enforced by the solver's slot limit and repair step.) */
export function stakeCoversLock(provider: ProviderState, lock: bigint): boolean {
  return provider.freeStake >= lock;
}

/** The provider's reputation is at least the task's minimum (both in basis points). */
export function meetsReputation(task: OpenTask, provider: ProviderState): boolean {
  return provider.reputation >= task.minReputation;
}

/** The offer's provider is not the task's requester (unknown requesters never match this rule). */
export function isArmsLength(task: OpenTask, offer: Offer): boolean {
  return task.requester === undefined || task.requester.toLowerCase() !== offer.provider.toLowerCase();
}

/** The offer's unit price does not exceed the task's maximum. */
export function priceWithinMax(task: OpenTask, offer: Offer): boolean {
  return offer.pricePerUnit <= task.maxPricePerUnit;
}

/** The offer is valid at `now` (valid while `now < expiry`). */
export function isOfferUnexpired(offer: Offer, now: number): boolean {
  return now < offer.expiry;
}

/** The provider is registered as active (not paused, not jailed, not exiting). */
export function isProviderActive(provider: ProviderState): boolean {
  return provider.active;
}

/** The task can still be assigned at `now` (`now <= assignDeadline`). */
export function isTaskOpen(task: OpenTask, now: number): boolean {
  return now <= task.assignDeadline;
}

/** A matchable pair, by index into the book's `tasks` and `offers`. */
export interface FeasiblePair {
  readonly taskIndex: number;
  readonly offerIndex: number;
}

/** A rejected pair and the first rule it failed. */
export interface Rejection extends FeasiblePair {
  readonly reason: RejectReason;
}

/** Offer-level facts derived while filtering. */
export interface OfferInfo {
  /** Provider state of the offer, when known. */
  readonly provider: ProviderState | undefined;
  /** The offer-level rule that disqualifies the whole offer, if any. */
  readonly rejectedFor: RejectReason | undefined;
  /**
   * Slots the solver may fill: `min(capacity - currentLoad, floor(freeStake / minLock),
   * floor(unitBudget / minUnits))`, where `minLock` and `minUnits` are the smallest lock and size among the
   * tasks feasible with this offer (no stake limit when that lock is 0, no unit limit without a budget).
   * With a uniform lock and no unit budget this is exact; otherwise it is an upper bound that the solver's
   * repair step tightens.
   */
  readonly usableSlots: number;
}

export interface FilterResult {
  /** Feasible pairs, grouped by task in task order, offers ascending within a task. */
  readonly feasible: readonly FeasiblePair[];
  /** Every rejected pair with its reason (empty when `collectRejections` is false). */
  readonly rejected: readonly Rejection[];
  /** Count of rejected pairs per reason (always filled). */
  readonly rejectedCount: Readonly<Record<RejectReason, number>>;
  /** Per offer index. */
  readonly offers: readonly OfferInfo[];
  /** Lock of each task under the book's lock rule, per task index. */
  readonly locks: readonly bigint[];
}

export interface FilterOptions {
  /** Keep one `Rejection` per rejected pair (default true). Off for large books to save memory. */
  readonly collectRejections?: boolean;
}

/** Throws {@link MatcherInputError} on values the filters cannot interpret. */
export function validateBook(book: MatchBook): void {
  book.tasks.forEach((t, i) => {
    if (t.units <= 0n) throw new MatcherInputError("task.units", i, "must be > 0");
    if (t.maxPricePerUnit < 0n) throw new MatcherInputError("task.maxPricePerUnit", i, "must be >= 0");
    if (!(t.minReputation >= 0 && t.minReputation <= BPS))
      throw new MatcherInputError("task.minReputation", i, "must be in 0..10000");
  });
  book.offers.forEach((o, i) => {
    if (!Number.isSafeInteger(o.capacity) || o.capacity < 0)
      throw new MatcherInputError("offer.capacity", i, "must be a non-negative integer");
    if (o.pricePerUnit < 0n) throw new MatcherInputError("offer.pricePerUnit", i, "must be >= 0");
    if (o.unitBudget !== undefined && o.unitBudget < 0n)
      throw new MatcherInputError("offer.unitBudget", i, "must be >= 0");
  });
  const seen = new Set<string>();
  book.providers.forEach((p, i) => {
    const key = p.address.toLowerCase();
    if (seen.has(key)) throw new MatcherInputError("provider.address", i, `duplicate ${p.address}`);
    seen.add(key);
    if (!(p.reputation >= 0 && p.reputation <= BPS))
      throw new MatcherInputError("provider.reputation", i, "must be in 0..10000");
    for (const f of ["successes", "failures", "currentLoad"] as const) {
      if (!Number.isSafeInteger(p[f]) || p[f] < 0)
        throw new MatcherInputError(`provider.${f}`, i, "must be a non-negative integer");
    }
    if (p.freeStake < 0n) throw new MatcherInputError("provider.freeStake", i, "must be >= 0");
  });
  if (book.lock.fixed < 0n || !(book.lock.bpsOfValue >= 0) || !Number.isInteger(book.lock.bpsOfValue))
    throw new MatcherInputError("lock", 0, "fixed must be >= 0 and bpsOfValue a non-negative integer");
  if (book.lock.combine !== undefined && book.lock.combine !== "sum" && book.lock.combine !== "max")
    throw new MatcherInputError("lock", 0, `unknown combine ${String(book.lock.combine)}`);
}

/** Offer-level rule that disqualifies an offer for every task, or undefined. */
function offerLevelReason(
  offer: Offer,
  index: number,
  provider: ProviderState | undefined,
  winner: ReadonlyMap<string, number>,
  now: number,
): RejectReason | undefined {
  if (provider === undefined) return "unknownProvider";
  if (winner.get(offerKey(offer)) !== index) return "offerSuperseded";
  if (!isProviderActive(provider)) return "providerInactive";
  if (!isOfferUnexpired(offer, now)) return "offerExpired";
  if (!hasFreeSlots(offer, provider) || offer.unitBudget === 0n) return "noFreeSlots";
  return undefined;
}

/** Pair-level rule the pair fails, or undefined when the pair is feasible. Offer must pass offer rules. */
export function pairReason(
  task: OpenTask,
  offer: Offer,
  provider: ProviderState,
  lock: bigint,
  now: number,
): RejectReason | undefined {
  if (!isTaskOpen(task, now)) return "taskExpired";
  if (!isClassMatch(task, offer)) return "classMismatch";
  if (!isArmsLength(task, offer)) return "selfDealing";
  if (!priceWithinMax(task, offer)) return "priceAboveMax";
  if (!meetsReputation(task, provider)) return "reputationTooLow";
  if (!stakeCoversLock(provider, lock)) return "insufficientStake";
  if (!fitsUnitBudget(task, offer)) return "unitsExceedBudget";
  return undefined;
}

/** Offers of one provider for one resource class supersede each other (see {@link filterPairs}). */
function offerKey(offer: Offer): string {
  return `${offer.provider.toLowerCase()}/${offer.resourceClass}`;
}

/**
 * Applies every hard filter to every (task, offer) pair.
 *
 * One offer per provider and resource class is used: the one with the highest nonce (first in book order
 * on a tie); the others are rejected as `offerSuperseded`. With one class per provider this keeps its load
 * and stake attached to exactly one slot group, which is what makes the slot expansion an exact model; a
 * provider offering several classes shares its stake between their groups, which the solver's budget
 * repair enforces.
 */
export function filterPairs(book: MatchBook, options: FilterOptions = {}): FilterResult {
  validateBook(book);
  const collect = options.collectRejections ?? true;
  const byAddress = new Map<string, ProviderState>();
  for (const p of book.providers) byAddress.set(p.address.toLowerCase(), p);

  const winner = new Map<string, number>();
  book.offers.forEach((o, i) => {
    const key = offerKey(o);
    const cur = winner.get(key);
    if (cur === undefined || o.nonce > book.offers[cur].nonce) winner.set(key, i);
  });

  const locks = book.tasks.map((t) => lockFor(t, book.lock));
  const rejectedCount = Object.fromEntries(REJECT_REASONS.map((r) => [r, 0])) as Record<RejectReason, number>;
  const rejected: Rejection[] = [];
  const feasible: FeasiblePair[] = [];
  const providers = book.offers.map((o) => byAddress.get(o.provider.toLowerCase()));
  const offerReasons = book.offers.map((o, i) => offerLevelReason(o, i, providers[i], winner, book.now));
  const minLock: (bigint | undefined)[] = book.offers.map(() => undefined);
  const minUnits: (bigint | undefined)[] = book.offers.map(() => undefined);

  const record = (t: number, o: number, reason: RejectReason): void => {
    rejectedCount[reason]++;
    if (collect) rejected.push({ taskIndex: t, offerIndex: o, reason });
  };
  const accept = (t: number, o: number): void => {
    feasible.push({ taskIndex: t, offerIndex: o });
    const m = minLock[o];
    if (m === undefined || locks[t] < m) minLock[o] = locks[t];
    const u = minUnits[o];
    if (u === undefined || book.tasks[t].units < u) minUnits[o] = book.tasks[t].units;
  };

  if (!collect) {
    // Fast path for large books: offer-level and class rejections are counted in bulk, and only offers of
    // the task's class are checked pair by pair. Same result as the loop below, without per-pair records.
    const validByClass = new Map<number, number[]>();
    let valid = 0;
    offerReasons.forEach((reason, o) => {
      if (reason !== undefined) {
        rejectedCount[reason] += book.tasks.length;
        return;
      }
      valid++;
      const cls = book.offers[o].resourceClass;
      const list = validByClass.get(cls) ?? [];
      list.push(o);
      validByClass.set(cls, list);
    });
    for (let t = 0; t < book.tasks.length; t++) {
      const task = book.tasks[t];
      if (!isTaskOpen(task, book.now)) {
        rejectedCount.taskExpired += valid;
        continue;
      }
      const sameClass = validByClass.get(task.resourceClass) ?? [];
      rejectedCount.classMismatch += valid - sameClass.length;
      for (const o of sameClass) {
        const reason = pairReason(task, book.offers[o], providers[o] as ProviderState, locks[t], book.now);
        if (reason === undefined) accept(t, o);
        else rejectedCount[reason]++;
      }
    }
  }

  for (let t = 0; collect && t < book.tasks.length; t++) {
    const task = book.tasks[t];
    for (let o = 0; o < book.offers.length; o++) {
      const provider = providers[o];
      const reason =
        offerReasons[o] ?? pairReason(task, book.offers[o], provider as ProviderState, locks[t], book.now);
      if (reason === undefined) accept(t, o);
      else record(t, o, reason);
    }
  }

  const offers: OfferInfo[] = book.offers.map((offer, o) => {
    const provider = providers[o];
    const rejectedFor = offerReasons[o];
    if (provider === undefined || rejectedFor !== undefined) return { provider, rejectedFor, usableSlots: 0 };
    let slots = freeSlots(offer, provider);
    const m = minLock[o];
    if (m !== undefined && m > 0n) {
      const byStake = provider.freeStake / m;
      if (byStake < BigInt(slots)) slots = Number(byStake);
    }
    const u = minUnits[o];
    if (u !== undefined && offer.unitBudget !== undefined) {
      const byUnits = offer.unitBudget / u;
      if (byUnits < BigInt(slots)) slots = Number(byUnits);
    }
    return { provider, rejectedFor, usableSlots: m === undefined ? 0 : slots };
  });

  return { feasible, rejected, rejectedCount, offers, locks };
}
