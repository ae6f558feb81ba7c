/**
 * Sending `assignBatch` transactions so that no pair is ever sent twice, even across crashes.
 *
 * Write-ahead: before a batch is broadcast it is written to the state file with the sender's nonce; the
 * transaction hash is added right after broadcast. On every round, and first of all after a restart,
 * `resolveInflight` settles each record before anything new is sent:
 * - hash known, receipt with enough confirmations → the receipt's `TaskAssigned`/`MatchSkipped` events are
 *   reported and the record dropped;
 * - hash known, transaction still pending → wait (nothing new is sent this round);
 * - hash unknown or the transaction vanished → the nonce decides: if the account's mined nonce moved past
 *   it, a transaction with that nonce was mined (ours — no one else uses the key — or a replacement) and the
 *   chain's task states, which the next round reads, say what happened; if a pending transaction holds the
 *   nonce, wait; otherwise it was never broadcast (or dropped) and the record is discarded.
 * A record is therefore only discarded once its nonce is spent or provably free, and a task it carried is
 * only matched again after the chain shows it still `Open`; the contract's own `Open` check makes a second
 * assignment impossible anyway, so the worst a bug here could cost is gas.
 *
 * Pairs are ordered by offer so consecutive pairs share one EIP-712 digest and TaskMarket verifies each
 * offer's signature once per batch. A batch whose gas estimate reverts as a whole (which TaskMarket only
 * does for a lock it cannot store or a lock outliving the unbonding delay) is split in halves until the
 * offending pair is isolated and left out.
 */
import {
  BaseWallet,
  Transaction,
  type Signer,
  type TransactionReceipt,
  type TransactionRequest,
} from "ethers";
import { SKIP_REASON, enumName } from "../../sdk/market";
import type { SignedOffer } from "../../sdk/offers";
import { isTransientRpcError, sleep } from "../../sdk/service";
import { rpc, type ChainContext } from "./chain";
import type { InflightBatch, InflightPair, MatcherState } from "./state";

/** One (task, signed offer) pair chosen by the solver. */
export interface PlannedMatch {
  readonly taskId: bigint;
  readonly offer: SignedOffer;
  readonly units: number;
}

/** A pair TaskMarket skipped, with the contract's reason. */
export interface SkippedPair {
  readonly taskId: bigint;
  readonly provider: string;
  readonly reason: string;
}

/** Outcome of one batch transaction. */
export interface BatchReport {
  readonly txHash: string;
  readonly nonce: number;
  readonly pairs: number;
  readonly status: "mined" | "reverted";
  readonly assigned: readonly bigint[];
  readonly skipped: readonly SkippedPair[];
  readonly gasUsed: bigint;
}

/** A record settled by {@link resolveInflight}. */
export interface ResolvedBatch {
  readonly nonce: number;
  readonly txHash?: string;
  /** `receipt`: read from its receipt; `nonce-spent`: mined without a known receipt; `dropped`: never mined. */
  readonly outcome: "receipt" | "nonce-spent" | "dropped";
  readonly report?: BatchReport;
}

/** Crash points for tests: a hook that throws stops the round there, as a crash would. */
export interface BatchHooks {
  /** After the batch was written ahead, before it is broadcast. */
  beforeBroadcast?(batch: Readonly<InflightBatch>): void | Promise<void>;
  /** After broadcast, before the hash is written to the state file. */
  afterBroadcast?(txHash: string): void | Promise<void>;
  /** After the hash was written, before the receipt is awaited. */
  afterPersist?(txHash: string): void | Promise<void>;
}

/** Orders pairs by offer (provider, nonce), then task, and cuts them into batches of at most `maxSize`. */
export function planBatches(matches: readonly PlannedMatch[], maxSize: number): PlannedMatch[][] {
  const sorted = [...matches].sort((a, b) => {
    const pa = a.offer.offer.provider.toLowerCase();
    const pb = b.offer.offer.provider.toLowerCase();
    if (pa !== pb) return pa < pb ? -1 : 1;
    if (a.offer.offer.nonce !== b.offer.offer.nonce) return a.offer.offer.nonce - b.offer.offer.nonce;
    return a.taskId < b.taskId ? -1 : a.taskId > b.taskId ? 1 : 0;
  });
  const out: PlannedMatch[][] = [];
  for (let i = 0; i < sorted.length; i += maxSize) out.push(sorted.slice(i, i + maxSize));
  return out;
}

function toCall(batch: readonly PlannedMatch[]) {
  return batch.map((m) => ({ taskId: m.taskId, offer: m.offer.offer, signature: m.offer.signature }));
}

/** Reads a batch receipt's `TaskAssigned` (matcher assignments) and `MatchSkipped` events. */
export function readReceipt(ctx: ChainContext, receipt: TransactionReceipt, nonce: number): BatchReport {
  const assigned: bigint[] = [];
  const skipped: SkippedPair[] = [];
  const market = ctx.marketAddress.toLowerCase();
  for (const log of receipt.logs) {
    if (log.address.toLowerCase() !== market) continue;
    const ev = ctx.market.interface.parseLog(log);
    if (ev?.name === "TaskAssigned" && ev.args.claimed === false) assigned.push(ev.args.taskId as bigint);
    if (ev?.name === "MatchSkipped") {
      skipped.push({
        taskId: ev.args.taskId as bigint,
        provider: (ev.args.provider as string).toLowerCase(),
        reason: enumName(SKIP_REASON, ev.args.reason as bigint),
      });
    }
  }
  return {
    txHash: receipt.hash,
    nonce,
    pairs: assigned.length + skipped.length,
    status: receipt.status === 1 ? "mined" : "reverted",
    assigned,
    skipped,
    gasUsed: receipt.gasUsed,
  };
}

/** Settles the in-flight records it can (see the module doc); returns them and how many still wait. */
export async function resolveInflight(
  ctx: ChainContext,
  state: MatcherState,
  sender: string,
  confirmations: number,
  persist: () => void,
): Promise<{ resolved: ResolvedBatch[]; pending: number }> {
  const resolved: ResolvedBatch[] = [];
  const keep: InflightBatch[] = [];
  for (const rec of state.inflight) {
    const hash = rec.txHash;
    if (hash !== undefined) {
      const receipt = await rpc(ctx, "getTransactionReceipt", () => ctx.provider.getTransactionReceipt(hash));
      if (receipt !== null) {
        if ((await rpc(ctx, "confirmations", () => receipt.confirmations())) >= confirmations) {
          resolved.push({
            nonce: rec.nonce,
            txHash: hash,
            outcome: "receipt",
            report: readReceipt(ctx, receipt, rec.nonce),
          });
        } else {
          keep.push(rec);
        }
        continue;
      }
      if ((await rpc(ctx, "getTransaction", () => ctx.provider.getTransaction(hash))) !== null) {
        keep.push(rec);
        continue;
      }
    }
    const mined = await rpc(ctx, "nonce", () => ctx.provider.getTransactionCount(sender, "latest"));
    if (mined > rec.nonce) {
      resolved.push({ nonce: rec.nonce, txHash: hash, outcome: "nonce-spent" });
      continue;
    }
    const pending = await rpc(ctx, "pending nonce", () =>
      ctx.provider.getTransactionCount(sender, "pending"),
    );
    if (pending > rec.nonce) keep.push(rec);
    else resolved.push({ nonce: rec.nonce, txHash: hash, outcome: "dropped" });
  }
  if (resolved.length > 0) {
    state.inflight = keep;
    persist();
  }
  return { resolved, pending: keep.length };
}

/** True when a gas estimate failed because the call reverts (ethers' `CALL_EXCEPTION`, or a node's message). */
function isRevert(err: unknown): boolean {
  if (isTransientRpcError(err) || err === null || typeof err !== "object") return false;
  const e = err as { code?: unknown; message?: unknown };
  return e.code === "CALL_EXCEPTION" || (typeof e.message === "string" && /revert/i.test(e.message));
}

/** Options of {@link sendBatch}. */
export interface SendOptions {
  /** The matcher's signer (connected to `ctx.provider`) and its address. */
  readonly signer: Signer;
  readonly sender: string;
  /** Pause between receipt polls. */
  readonly receiptPollMs: number;
  readonly confirmations: number;
  readonly hooks?: BatchHooks;
  readonly persist: () => void;
}

/**
 * Sends one planned batch (splitting it if its estimate reverts as a whole), waits for each receipt and
 * returns the reports plus the pairs left out because they alone reverted a batch.
 */
export async function sendBatch(
  ctx: ChainContext,
  state: MatcherState,
  batch: readonly PlannedMatch[],
  options: SendOptions,
): Promise<{ reports: BatchReport[]; poisoned: PlannedMatch[] }> {
  const market = ctx.market;
  let gas: bigint;
  try {
    gas = await rpc(ctx, "estimateGas", () => market.assignBatch.estimateGas(toCall(batch)));
  } catch (err) {
    if (!isRevert(err)) throw err;
    if (batch.length === 1) return { reports: [], poisoned: [batch[0]] };
    const mid = Math.ceil(batch.length / 2);
    const a = await sendBatch(ctx, state, batch.slice(0, mid), options);
    const b = await sendBatch(ctx, state, batch.slice(mid), options);
    return { reports: [...a.reports, ...b.reports], poisoned: [...a.poisoned, ...b.poisoned] };
  }

  const nonce = await rpc(ctx, "pending nonce", () =>
    ctx.provider.getTransactionCount(options.sender, "pending"),
  );
  const pairs: InflightPair[] = batch.map((m) => ({
    taskId: m.taskId,
    provider: m.offer.offer.provider.toLowerCase(),
    offerNonce: m.offer.offer.nonce,
    units: m.units,
  }));
  const rec: InflightBatch = { nonce, createdAt: new Date().toISOString(), pairs };
  state.inflight.push(rec);
  options.persist();
  await options.hooks?.beforeBroadcast?.(rec);

  const request = await market.assignBatch.populateTransaction(toCall(batch), {
    nonce,
    gasLimit: (gas * 12n) / 10n + 50_000n,
  });
  const hash = await broadcast(ctx, options, rec, request);
  ctx.logger.info("batch sent", { txHash: hash, nonce, pairs: batch.length });
  const receipt = await waitForReceipt(ctx, hash, options);
  const report = readReceipt(ctx, receipt, nonce);
  state.inflight = state.inflight.filter((r) => r !== rec);
  options.persist();
  return { reports: [report], poisoned: [] };
}

/**
 * Broadcasts `request` (nonce fixed) and records its hash in `rec`. A local key (`BaseWallet`) signs first,
 * so the hash is written before the transaction leaves the process and every later failure is resolved by
 * that hash; a JSON-RPC signer (e.g. Hardhat's) only learns the hash from the node, so a crash between
 * broadcast and write leaves a record that is resolved by nonce. Either way a retried broadcast cannot make
 * a second transaction: the nonce is fixed.
 */
async function broadcast(
  ctx: ChainContext,
  options: SendOptions,
  rec: InflightBatch,
  request: TransactionRequest,
): Promise<string> {
  const { signer, hooks } = options;
  if (signer instanceof BaseWallet) {
    const populated = await rpc(ctx, "populate", () => signer.populateTransaction(request));
    const raw = await signer.signTransaction(populated);
    const hash = Transaction.from(raw).hash as string;
    rec.txHash = hash;
    options.persist();
    await hooks?.afterPersist?.(hash);
    try {
      await rpc(ctx, "broadcast", () => ctx.provider.broadcastTransaction(raw));
    } catch (err) {
      // A broadcast that reached the node but whose answer was lost is retried into "already known" or
      // "nonce too low": the transaction is there if the node knows its hash.
      if ((await rpc(ctx, "getTransaction", () => ctx.provider.getTransaction(hash))) === null) throw err;
    }
    return hash;
  }
  const tx = await rpc(ctx, "assignBatch", () => signer.sendTransaction(request));
  await hooks?.afterBroadcast?.(tx.hash);
  rec.txHash = tx.hash;
  options.persist();
  await hooks?.afterPersist?.(tx.hash);
  return tx.hash;
}

/** Polls for the receipt of `hash` until it has `options.confirmations` confirmations. */
async function waitForReceipt(
  ctx: ChainContext,
  hash: string,
  options: SendOptions,
): Promise<TransactionReceipt> {
  for (;;) {
    const receipt = await rpc(ctx, "getTransactionReceipt", () => ctx.provider.getTransactionReceipt(hash));
    if (
      receipt !== null &&
      (await rpc(ctx, "confirmations", () => receipt.confirmations())) >= options.confirmations
    )
      return receipt;
    await sleep(options.receiptPollMs);
  }
}
