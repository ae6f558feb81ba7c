/**
 * What the matcher service persists between rounds and across restarts (one JSON file, written atomically
 * by `JsonStateFile`): the event cursor and what it learned from the market's events, and the batches it
 * sent whose outcome it has not read yet. Losing the file is safe (everything but the in-flight batches is
 * rebuilt from the chain); corrupting it is refused rather than silently reset.
 */
import { StateFileError } from "../../sdk/service";

/** A task seen in `TaskCreated` and not yet seen leaving `Open`. */
export interface TaskRecord {
  requester: string;
  resourceClass: number;
  units: number;
  /** Effective max price per unit (the feed price for market-price tasks). */
  maxPricePerUnit: bigint;
  minReputation: number;
  assignDeadline: number;
}

/** A task assigned and not yet settled: it occupies `units` of its provider's capacity (current load). */
export interface RunningRecord {
  provider: string;
  units: number;
}

/** A provider's track record read from the market's events. */
export interface HistoryRecord {
  /** Completions paying at least `minReputationPayment` (smaller ones could be farmed). */
  successes: number;
  /** Failures (missed deadline, failed proof, lost dispute). */
  failures: number;
}

/** One pair of a batch the service sent. */
export interface InflightPair {
  taskId: bigint;
  provider: string;
  offerNonce: number;
  units: number;
}

/**
 * A batch written down before it is broadcast. `txHash` is set right after broadcast; a record without one
 * is resolved by the sender's nonce (see `batches.ts`).
 */
export interface InflightBatch {
  nonce: number;
  txHash?: string;
  createdAt: string;
  pairs: InflightPair[];
}

export interface MatcherState {
  version: 1;
  chainId: number;
  /** TaskMarket address the state belongs to. */
  market: string;
  /** Next block whose market events are to be read. */
  cursor: number;
  /** Open tasks by id (decimal string). */
  open: Record<string, TaskRecord>;
  /** Assigned, unsettled tasks by id. */
  running: Record<string, RunningRecord>;
  /** Track record per provider (lower-case address). */
  history: Record<string, HistoryRecord>;
  inflight: InflightBatch[];
}

export function initialState(chainId: number, market: string, startBlock: number): MatcherState {
  return {
    version: 1,
    chainId,
    market: market.toLowerCase(),
    cursor: startBlock,
    open: {},
    running: {},
    history: {},
    inflight: [],
  };
}

/** Throws {@link StateFileError} when `state` belongs to another deployment or format version. */
export function checkState(state: MatcherState, chainId: number, market: string, file: string): void {
  if (state.version !== 1)
    throw new StateFileError(`${file}: unknown state version ${String(state.version)}`);
  if (state.chainId !== chainId || state.market !== market.toLowerCase()) {
    throw new StateFileError(
      `${file} belongs to TaskMarket ${state.market} on chain ${state.chainId}, not ${market} on ${chainId}`,
    );
  }
}
