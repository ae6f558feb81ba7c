/**
 * Chain side of the matcher service: reads what the pure core (`filters`, `score`, `solve`) needs and
 * turns it into a {@link MatchBook}.
 *
 * - Tasks: `TaskCreated` events from a persisted cursor; every round each known open task is re-read with
 *   `getTask` and dropped unless it is still `Open` and assignable.
 * - Current load and history: `TaskAssigned` adds the task's units to its provider's load until a
 *   settlement event (`TaskCompleted`, `TaskFailed`, `TaskRejected`, `DisputeLapsed`) removes them;
 *   `TaskCompleted` paying at least `minReputationPayment` counts a success, `TaskFailed` a failure.
 * - Providers: `Staking.providerInfo` (registered, jailed, stake, locked, classes) and `Reputation.scoreOf`.
 * - Offers: the board's signed offers whose signature recovers to the provider (checked again here: a board
 *   is untrusted), not cancelled on chain (`offerFilled`, `minOfferNonce`), with units left, for a class the
 *   provider supports.
 *
 * Mapping onto the core model (units are TaskMarket's work units):
 * - an offer's `unitBudget` is `capacity − offerFilled` (units it may still fill);
 * - the provider's `currentLoad` is the units of its running tasks and the offer's slot `capacity` is
 *   `currentLoad + unitBudget`, so the score's spare-capacity term is `unitBudget / (load + unitBudget)` and
 *   free slots never limit more than the unit budget does (every task is at least one unit);
 * - the lock rule is TaskMarket's `max(minLockedStake, units·price·lockBps/10⁴)` evaluated at the task's
 *   max price, an upper bound of the lock taken at the agreed price;
 * - `now` is the latest block's time plus a safety margin, so offers and tasks about to expire before the
 *   batch lands are left out.
 */
import type { Provider } from "ethers";
import { MaxUint256 } from "ethers";
import type { Reputation, Staking, TaskMarket } from "../../typechain-types";
import { isOfferSignedByProvider, type OfferBoard, type SignedOffer } from "../../sdk/offers";
import { withRetry, type Logger, type RetryPolicy } from "../../sdk/service";
import { lockFor } from "./filters";
import type { HistoryRecord, MatcherState } from "./state";
import type { LockRule, MatchBook, Offer, OpenTask, ProviderState } from "./types";

/** Largest lock TaskMarket stores (`uint88`); a pair needing more would revert the whole batch. */
const MAX_LOCK = (1n << 88n) - 1n;

/** Status `Open` of ITaskMarket.Status. */
const OPEN = 0n;

/** Events the service follows, in the order they are applied within a block. */
const TRACKED_EVENTS = [
  "TaskCreated",
  "TaskAssigned",
  "TaskCancelled",
  "TaskExpired",
  "TaskCompleted",
  "TaskFailed",
  "TaskRejected",
  "DisputeLapsed",
] as const;

/** Everything the reader talks to. */
export interface ChainContext {
  readonly provider: Provider;
  readonly market: TaskMarket;
  readonly staking: Staking;
  readonly reputation: Reputation;
  readonly chainId: number;
  readonly marketAddress: string;
  readonly logger: Logger;
  readonly retry: RetryPolicy;
  /** Blocks per `eth_getLogs` query. */
  readonly logChunk: number;
  /** Parallel read calls. */
  readonly readConcurrency: number;
}

/** Runs an RPC read with the service's retry policy. */
export function rpc<T>(ctx: ChainContext, label: string, fn: () => Promise<T>): Promise<T> {
  return withRetry(fn, { policy: ctx.retry, logger: ctx.logger, label });
}

/** `fn` over `items` with at most `limit` calls in flight; results in input order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}

/** Market and staking parameters the filters need, read once per round. */
export interface MarketParams {
  readonly lock: LockRule;
  readonly minStake: bigint;
  readonly minReputationPayment: bigint;
}

export async function readMarketParams(ctx: ChainContext): Promise<MarketParams> {
  const cfg = await rpc(ctx, "market config", () => ctx.market.config());
  const params = await rpc(ctx, "staking parameters", () => ctx.staking.parameters());
  return {
    lock: { fixed: cfg.minLockedStake, bpsOfValue: Number(cfg.lockBps), combine: "max" },
    minStake: params.minStake,
    minReputationPayment: cfg.minReputationPayment,
  };
}

function historyOf(state: MatcherState, provider: string): HistoryRecord {
  const key = provider.toLowerCase();
  let h = state.history[key];
  if (h === undefined) {
    h = { successes: 0, failures: 0 };
    state.history[key] = h;
  }
  return h;
}

/** What one event sync changed. */
export interface SyncReport {
  fromBlock: number;
  toBlock: number;
  created: number;
  assigned: number;
  settled: number;
}

/**
 * Applies the market's events in `[state.cursor, head]` to `state`, calling `persist` after every chunk
 * (so a crash repeats at most one chunk, and applying an event twice is harmless: every update is keyed by
 * task id, except history counts, which are only written together with the cursor).
 */
export async function syncEvents(
  ctx: ChainContext,
  state: MatcherState,
  head: number,
  params: MarketParams,
  persist: () => void,
): Promise<SyncReport> {
  const report: SyncReport = { fromBlock: state.cursor, toBlock: head, created: 0, assigned: 0, settled: 0 };
  const iface = ctx.market.interface;
  const topics = TRACKED_EVENTS.map((name) => iface.getEvent(name).topicHash);
  for (let from = state.cursor; from <= head;) {
    const to = Math.min(head, from + ctx.logChunk - 1);
    const logs = await rpc(ctx, "getLogs", () =>
      ctx.provider.getLogs({ address: ctx.marketAddress, fromBlock: from, toBlock: to, topics: [topics] }),
    );
    for (const log of logs) {
      const ev = iface.parseLog(log);
      if (ev === null) continue;
      const a = ev.args;
      const id = (a.taskId as bigint).toString();
      switch (ev.name) {
        case "TaskCreated": {
          const p = a.params as { units: bigint; minReputation: bigint; assignDeadline: bigint };
          state.open[id] = {
            requester: (a.requester as string).toLowerCase(),
            resourceClass: Number(a.resourceClass),
            units: Number(p.units),
            maxPricePerUnit: a.maxPricePerUnit as bigint,
            minReputation: Number(p.minReputation),
            assignDeadline: Number(p.assignDeadline),
          };
          report.created++;
          break;
        }
        case "TaskAssigned": {
          const units = state.open[id]?.units;
          delete state.open[id];
          const provider = (a.provider as string).toLowerCase();
          // Units of a task created before the cursor's start are read from the chain.
          const u = units ?? Number((await rpc(ctx, "getTask", () => ctx.market.getTask(id))).units);
          state.running[id] = { provider, units: u };
          report.assigned++;
          break;
        }
        case "TaskCancelled":
        case "TaskExpired":
          delete state.open[id];
          break;
        case "TaskCompleted":
          if ((a.payment as bigint) >= params.minReputationPayment) historyOf(state, a.provider).successes++;
          delete state.running[id];
          report.settled++;
          break;
        case "TaskFailed":
          historyOf(state, a.provider).failures++;
          delete state.running[id];
          report.settled++;
          break;
        case "TaskRejected":
        case "DisputeLapsed":
          delete state.running[id];
          report.settled++;
          break;
      }
    }
    state.cursor = to + 1;
    persist();
    from = to + 1;
  }
  return report;
}

/**
 * Re-reads every known open task and drops those no longer `Open` (assigned, cancelled, expired — whatever
 * the events have not shown yet) or past their assignment deadline at `now`. Returns how many were dropped.
 */
export async function refreshOpenTasks(ctx: ChainContext, state: MatcherState, now: number): Promise<number> {
  const ids = Object.keys(state.open);
  const stillOpen = await mapLimit(ids, ctx.readConcurrency, async (id) => {
    if (state.open[id].assignDeadline < now) return false;
    const t = await rpc(ctx, "getTask", () => ctx.market.getTask(id));
    return t.status === OPEN && t.requester !== "0x0000000000000000000000000000000000000000";
  });
  let dropped = 0;
  ids.forEach((id, i) => {
    if (!stillOpen[i]) {
      delete state.open[id];
      dropped++;
    }
  });
  return dropped;
}

/** Why board offers were left out before matching (expired ones are left to the core filters). */
export interface OfferRejections {
  badSignature: number;
  cancelled: number;
  exhausted: number;
  classNotSupported: number;
}

/** A board offer that passed the chain checks, with the units it may still fill. */
export interface LiveOffer {
  readonly signed: SignedOffer;
  readonly remaining: number;
}

/** On-chain facts of one provider. */
interface ProviderFacts {
  registered: boolean;
  jailedUntil: number;
  stake: bigint;
  locked: bigint;
  classes: bigint;
  reputation: number;
  minNonce: bigint;
}

/** Everything one round matches on. */
export interface ChainBook {
  readonly book: MatchBook;
  /** The live offer behind each `book.offers` entry. */
  readonly offers: readonly LiveOffer[];
  readonly rejections: OfferRejections;
  /** Offers listed on the board. */
  readonly listed: number;
  /** Tasks left out because their lock could not be stored (would revert a batch). */
  readonly oversized: number;
}

/** Reads offers and provider facts and builds the round's book from `state`'s open tasks. */
export async function readBook(
  ctx: ChainContext,
  state: MatcherState,
  board: OfferBoard,
  params: MarketParams,
  blockTime: number,
  marginSec: number,
): Promise<ChainBook> {
  const listed = await rpc(ctx, "offer board", () => board.list());
  const rejections: OfferRejections = { badSignature: 0, cancelled: 0, exhausted: 0, classNotSupported: 0 };
  const signed = listed.filter((s) => {
    const ok = isOfferSignedByProvider(ctx.chainId, ctx.marketAddress, s);
    if (!ok) rejections.badSignature++;
    return ok;
  });

  const addresses = [...new Set(signed.map((s) => s.offer.provider.toLowerCase()))];
  const facts = new Map<string, ProviderFacts>();
  const factList = await mapLimit(addresses, ctx.readConcurrency, async (addr): Promise<ProviderFacts> => {
    const info = await rpc(ctx, "providerInfo", () => ctx.staking.providerInfo(addr));
    const score = await rpc(ctx, "scoreOf", () => ctx.reputation.scoreOf(addr));
    const minNonce = await rpc(ctx, "minOfferNonce", () => ctx.market.minOfferNonce(addr));
    return {
      registered: info.registered,
      jailedUntil: Number(info.jailedUntil),
      stake: info.stake,
      locked: info.locked,
      classes: info.resourceClasses,
      reputation: Number(score),
      minNonce,
    };
  });
  addresses.forEach((a, i) => facts.set(a, factList[i]));

  const filled = await mapLimit(signed, ctx.readConcurrency, (s) =>
    rpc(ctx, "offerFilled", () => ctx.market.offerFilled(s.offer.provider, s.offer.nonce)),
  );
  const live: LiveOffer[] = [];
  signed.forEach((s, i) => {
    const f = facts.get(s.offer.provider.toLowerCase()) as ProviderFacts;
    if (filled[i] === MaxUint256 || BigInt(s.offer.nonce) < f.minNonce) {
      rejections.cancelled++;
    } else if (filled[i] >= BigInt(s.offer.capacity)) {
      rejections.exhausted++;
    } else if (((f.classes >> BigInt(s.offer.resourceClass)) & 1n) === 0n) {
      rejections.classNotSupported++;
    } else {
      live.push({ signed: s, remaining: s.offer.capacity - Number(filled[i]) });
    }
  });

  const load = new Map<string, number>();
  for (const r of Object.values(state.running)) load.set(r.provider, (load.get(r.provider) ?? 0) + r.units);

  const providers: ProviderState[] = [...facts.entries()].map(([address, f]) => {
    const h = state.history[address] ?? { successes: 0, failures: 0 };
    return {
      address,
      active: f.registered && f.jailedUntil <= blockTime && f.stake >= params.minStake,
      freeStake: f.stake - f.locked,
      reputation: f.reputation,
      successes: h.successes,
      failures: h.failures,
      currentLoad: load.get(address) ?? 0,
    };
  });
  const offers: Offer[] = live.map(({ signed: s, remaining }) => {
    const currentLoad = load.get(s.offer.provider.toLowerCase()) ?? 0;
    return {
      provider: s.offer.provider.toLowerCase(),
      resourceClass: s.offer.resourceClass,
      pricePerUnit: s.offer.pricePerUnit,
      capacity: currentLoad + remaining,
      expiry: s.offer.expiry,
      nonce: BigInt(s.offer.nonce),
      signature: s.signature,
      unitBudget: BigInt(remaining),
    };
  });

  let oversized = 0;
  const tasks: OpenTask[] = [];
  for (const [id, r] of Object.entries(state.open)) {
    const task: OpenTask = {
      id: BigInt(id),
      resourceClass: r.resourceClass,
      units: BigInt(r.units),
      maxPricePerUnit: r.maxPricePerUnit,
      minReputation: r.minReputation,
      assignDeadline: r.assignDeadline,
      requester: r.requester,
    };
    if (lockFor(task, params.lock) > MAX_LOCK) oversized++;
    else tasks.push(task);
  }
  tasks.sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));

  return {
    book: { tasks, offers, providers, lock: params.lock, now: blockTime + marginSec },
    offers: live,
    rejections,
    listed: listed.length,
    oversized,
  };
}
