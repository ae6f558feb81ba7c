/**
 * The matcher service: every round it reads open tasks and live signed offers from the chain and the offer
 * board, solves the score-weighted assignment with the core (`filters`, `score`, `solve`) and submits the
 * result through `TaskMarket.assignBatch`, which re-checks every pair and skips (never reverts on) pairs
 * that went stale in the meantime.
 *
 * One round (`tick`):
 * 1. settle batches sent earlier and not yet read (after a crash: before anything else) — see `batches.ts`;
 * 2. apply the market's events up to the confirmed head (open tasks, current load, history) — `chain.ts`;
 * 3. re-read every open task's status; drop those no longer `Open` or past their deadline;
 * 4. if a batch is still pending, stop here (nothing is sent twice); if the signer lacks MATCHER_ROLE,
 *    stop here too (governance grants it by proposal);
 * 5. read offers and provider facts, build the book, `match()` it (munkres, greedy above the work
 *    threshold), send the assignments in batches grouped by offer, read each receipt and log every
 *    `MatchSkipped` with its reason.
 * Every RPC call is retried on transient failures (`withRetry`); a round that still fails is logged and the
 * next one starts after the poll interval. Configuration and state-file errors are fatal (`done` rejects).
 */
import type { Provider, Signer } from "ethers";
import { connectContracts, type DeploymentExport } from "../../sdk/deployment";
import type { OfferBoard } from "../../sdk/offers";
import {
  isUserError,
  JsonStateFile,
  RPC_RETRY,
  sleep,
  StateFileError,
  type Logger,
  type RetryPolicy,
  type ServiceHandle,
} from "../../sdk/service";
import {
  planBatches,
  resolveInflight,
  sendBatch,
  type BatchHooks,
  type BatchReport,
  type PlannedMatch,
  type ResolvedBatch,
  type SkippedPair,
} from "./batches";
import {
  readBook,
  readMarketParams,
  refreshOpenTasks,
  rpc,
  syncEvents,
  type ChainContext,
  type OfferRejections,
  type SyncReport,
} from "./chain";
import { MatcherError, MatcherInvariantError } from "./errors";
import { match, type MatchOptions, type SolveMethod } from "./solve";
import { checkState, initialState, type MatcherState } from "./state";

/** Thrown for a configuration the service cannot run with (logged without a stack by `runService`). */
export class ConfigError extends MatcherError {}

export interface MatcherOptions {
  /** Holder of MATCHER_ROLE, connected to a Provider (a Hardhat signer in-process, or a Wallet over RPC). */
  readonly signer: Signer;
  readonly deployment: DeploymentExport;
  readonly board: OfferBoard;
  /** JSON state file (cursor, open tasks, load, history, in-flight batches). */
  readonly stateFile: string;
  readonly logger: Logger;
  /** Pause between rounds (default 5,000 ms). */
  readonly pollIntervalMs?: number;
  /** Confirmations before a batch receipt or an event is trusted (default 1). */
  readonly confirmations?: number;
  /** Pairs per `assignBatch` transaction (default 50). */
  readonly maxBatchSize?: number;
  /** Offers expiring and tasks closing within this many seconds of the head are left out (default 30). */
  readonly expiryMarginSec?: number;
  /** Score weights and solver choice (see `solve.ts`). */
  readonly match?: MatchOptions;
  /** RPC retry policy (default `RPC_RETRY`). */
  readonly retry?: RetryPolicy;
  /** Blocks per `eth_getLogs` query (default 2,000). */
  readonly logChunk?: number;
  /** Parallel read calls (default 8). */
  readonly readConcurrency?: number;
  /** Run rounds every `pollIntervalMs` (default true); false: rounds run only through `tick()`. */
  readonly autoStart?: boolean;
  /** Crash points for tests. */
  readonly hooks?: BatchHooks;
}

/** What one round saw and did. */
export interface TickReport {
  readonly block: number;
  readonly blockTime: number;
  readonly events: SyncReport;
  /** Earlier batches settled this round, and how many still wait. */
  readonly inflight: { readonly resolved: readonly ResolvedBatch[]; readonly pending: number };
  readonly openTasks: number;
  readonly droppedTasks: number;
  readonly offers: { readonly listed: number; readonly live: number; readonly rejected: OfferRejections };
  /** Why nothing was matched this round, when so. */
  readonly idle?: "inflight" | "no-role" | "empty";
  readonly solve?: {
    readonly method: SolveMethod;
    readonly ms: number;
    readonly feasiblePairs: number;
    readonly assignments: number;
    readonly totalScore: number;
    readonly stakeRepairs: number;
  };
  readonly batches: readonly BatchReport[];
  /** Tasks assigned by this round's batches. */
  readonly assigned: readonly bigint[];
  /** Pairs TaskMarket skipped in this round's batches. */
  readonly skipped: readonly SkippedPair[];
  /** Tasks left out because their pair alone made a batch revert (excluded until restart). */
  readonly leftOut: readonly bigint[];
}

export interface MatcherHandle extends ServiceHandle {
  /** Runs one round now (serialized with the poll loop). */
  tick(): Promise<TickReport>;
  /** The matcher's address. */
  readonly address: string;
}

const EMPTY_REJECTIONS: OfferRejections = {
  badSignature: 0,
  cancelled: 0,
  exhausted: 0,
  classNotSupported: 0,
};

function positiveInt(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new ConfigError(`${name} must be a positive integer`);
  return value;
}

/** Errors that end the service: configuration, state file, deployment, broken invariants. */
function isFatal(err: unknown): boolean {
  return isUserError(err) || err instanceof MatcherInvariantError;
}

/** Starts the matcher; resolves once the chain, the deployment and the state file were checked. */
export async function startMatcher(options: MatcherOptions): Promise<MatcherHandle> {
  const { signer, deployment, board, logger } = options;
  const pollIntervalMs = options.pollIntervalMs ?? 5_000;
  const confirmations = positiveInt("confirmations", options.confirmations ?? 1);
  const maxBatchSize = positiveInt("maxBatchSize", options.maxBatchSize ?? 50);
  const marginSec = options.expiryMarginSec ?? 30;
  if (!(pollIntervalMs >= 0) || !(marginSec >= 0))
    throw new ConfigError("pollIntervalMs and expiryMarginSec must be >= 0");
  const provider: Provider | null = signer.provider;
  if (provider === null) throw new ConfigError("the matcher's signer must be connected to a provider");

  const contracts = connectContracts(deployment, signer);
  const marketAddress = await contracts.market.getAddress();
  const ctx: ChainContext = {
    provider,
    market: contracts.market,
    staking: contracts.staking,
    reputation: contracts.reputation,
    chainId: deployment.chainId,
    marketAddress,
    logger,
    retry: options.retry ?? RPC_RETRY,
    logChunk: positiveInt("logChunk", options.logChunk ?? 2_000),
    readConcurrency: positiveInt("readConcurrency", options.readConcurrency ?? 8),
  };

  const chainId = Number((await rpc(ctx, "getNetwork", () => provider.getNetwork())).chainId);
  if (chainId !== deployment.chainId) {
    throw new ConfigError(
      `the RPC is chain ${chainId} but the deployment is for chain ${deployment.chainId}`,
    );
  }
  const address = await signer.getAddress();
  const file = new JsonStateFile<MatcherState>(options.stateFile, () =>
    initialState(chainId, marketAddress, deployment.contracts.TaskMarket?.startBlock ?? 0),
  );
  const state = file.read();
  checkState(state, chainId, marketAddress, options.stateFile);
  const persist = (): void => file.write(state);
  const matcherRole = await rpc(ctx, "MATCHER_ROLE", () => contracts.market.MATCHER_ROLE());
  const hasRole = (): Promise<boolean> =>
    rpc(ctx, "hasRole", () => contracts.market.hasRole(matcherRole, address));
  if (!(await hasRole())) {
    logger.warn("the matcher does not hold MATCHER_ROLE yet: it will only watch until governance grants it", {
      address,
    });
  }
  logger.info("matcher started", {
    address,
    market: marketAddress,
    chainId,
    cursor: state.cursor,
    inflight: state.inflight.length,
    openTasks: Object.keys(state.open).length,
  });

  const leftOut = new Set<string>();

  const round = async (): Promise<TickReport> => {
    const head = await rpc(ctx, "getBlock", () => provider.getBlock("latest"));
    if (head === null) throw new Error("no latest block");
    const blockTime = head.timestamp;
    if (state.cursor > head.number + 1) {
      throw new StateFileError(
        `${options.stateFile} has read events up to block ${state.cursor - 1} but the chain is at ${head.number}: ` +
          "was the chain reset? Move the state file away to start over.",
      );
    }
    const params = await readMarketParams(ctx);

    const inflight = await resolveInflight(ctx, state, address, confirmations, persist);
    for (const r of inflight.resolved) {
      if (r.report) logReport(logger, r.report, "earlier batch settled");
      else
        logger.warn("earlier batch settled without its receipt", {
          nonce: r.nonce,
          txHash: r.txHash,
          outcome: r.outcome,
        });
    }

    const events = await syncEvents(
      ctx,
      state,
      Math.max(head.number - (confirmations - 1), 0),
      params,
      persist,
    );
    const droppedTasks = await refreshOpenTasks(ctx, state, blockTime);
    persist();
    const base = {
      block: head.number,
      blockTime,
      events,
      inflight,
      droppedTasks,
      openTasks: Object.keys(state.open).length,
    };
    const idle = (why: TickReport["idle"], offers = { listed: 0, live: 0, rejected: EMPTY_REJECTIONS }) => {
      const report: TickReport = {
        ...base,
        offers,
        idle: why,
        batches: [],
        assigned: [],
        skipped: [],
        leftOut: [],
      };
      logger.debug("round", { ...summary(report) });
      return report;
    };
    if (inflight.pending > 0) {
      logger.info("waiting for an earlier batch", { pending: inflight.pending });
      return idle("inflight");
    }
    if (!(await hasRole())) {
      logger.warn("no MATCHER_ROLE: not matching", { address });
      return idle("no-role");
    }

    const chainBook = await readBook(ctx, state, board, params, blockTime, marginSec);
    const offers = {
      listed: chainBook.listed,
      live: chainBook.offers.length,
      rejected: chainBook.rejections,
    };
    const book = {
      ...chainBook.book,
      tasks: chainBook.book.tasks.filter((t) => !leftOut.has(t.id.toString())),
    };
    if (book.tasks.length === 0 || book.offers.length === 0) return idle("empty", offers);

    const t0 = performance.now();
    const result = match(book, { collectRejections: false, ...options.match });
    const ms = performance.now() - t0;
    const planned: PlannedMatch[] = result.assignments.map((a) => ({
      taskId: a.taskId,
      offer: chainBook.offers[a.offerIndex].signed,
      units: Number(book.tasks[a.taskIndex].units),
    }));

    const batches: BatchReport[] = [];
    const leftOutNow: bigint[] = [];
    for (const batch of planBatches(planned, maxBatchSize)) {
      const { reports, poisoned } = await sendBatch(ctx, state, batch, {
        signer,
        sender: address,
        receiptPollMs: Math.max(50, Math.min(pollIntervalMs, 1_000)),
        confirmations,
        hooks: options.hooks,
        persist,
      });
      for (const r of reports) logReport(logger, r, "batch mined");
      for (const p of poisoned) {
        leftOut.add(p.taskId.toString());
        leftOutNow.push(p.taskId);
        logger.error("pair reverts any batch it is in: left out until restart", {
          taskId: p.taskId,
          provider: p.offer.offer.provider,
          offerNonce: p.offer.offer.nonce,
        });
      }
      batches.push(...reports);
    }
    const report: TickReport = {
      ...base,
      offers,
      solve: {
        method: result.method,
        ms,
        feasiblePairs: result.filter.feasible.length,
        assignments: result.assignments.length,
        totalScore: result.totalScore,
        stakeRepairs: result.stakeRepairs,
      },
      batches,
      assigned: batches.flatMap((b) => b.assigned),
      skipped: batches.flatMap((b) => b.skipped),
      leftOut: leftOutNow,
    };
    logger.info("round", { ...summary(report) });
    return report;
  };

  // Rounds never overlap: the poll loop and tick() callers queue on one chain.
  let queue: Promise<unknown> = Promise.resolve();
  const tick = (): Promise<TickReport> => {
    const next = queue.then(round);
    queue = next.catch(() => undefined);
    return next;
  };

  let stopped = false;
  let wake: () => void = () => undefined;
  let resolveStopped: () => void = () => undefined;
  const stoppedSignal = new Promise<void>((resolve) => (resolveStopped = resolve));
  const loop = async (): Promise<void> => {
    while (!stopped) {
      try {
        await tick();
      } catch (err) {
        if (isFatal(err)) throw err;
        logger.error("round failed; retrying after the poll interval", {
          error: err instanceof Error ? err.message : String(err),
        });
      }
      if (stopped) break;
      await Promise.race([sleep(pollIntervalMs), new Promise<void>((resolve) => (wake = resolve))]);
    }
  };
  const done = options.autoStart === false ? stoppedSignal : loop();
  return {
    address,
    tick,
    done,
    async stop(): Promise<void> {
      stopped = true;
      wake();
      resolveStopped();
      await queue;
      await done.catch(() => undefined);
    },
  };
}

function summary(r: TickReport): Record<string, unknown> {
  return {
    block: r.block,
    openTasks: r.openTasks,
    offers: r.offers.live,
    offersRejected: r.offers.rejected,
    idle: r.idle,
    method: r.solve?.method,
    solveMs: r.solve === undefined ? undefined : Math.round(r.solve.ms),
    matched: r.solve?.assignments,
    assigned: r.assigned.length,
    skipped: r.skipped.length,
    batches: r.batches.length,
  };
}

function logReport(logger: Logger, r: BatchReport, msg: string): void {
  const fields = {
    txHash: r.txHash,
    nonce: r.nonce,
    status: r.status,
    assigned: r.assigned.length,
    skipped: r.skipped.length,
    gasUsed: r.gasUsed,
  };
  if (r.status === "reverted") logger.error(msg, fields);
  else logger.info(msg, fields);
  for (const s of r.skipped) logger.warn("pair skipped by TaskMarket", { ...s, txHash: r.txHash });
}
