/**
 * What the node reads from and sends to the chain, every RPC call behind `withRetry` (transient failures
 * are retried with backoff; reverts are not).
 */
import { keccak256, type BaseWallet, type Interface, type Provider } from "ethers";
import type { PriceFeed } from "../../typechain-types";
import { sleep, withRetry, type Logger, type RetryPolicy } from "../../sdk/service";
import type { SignedReport } from "../../sdk/signing";

/** Retry context shared by every call. */
export interface RpcContext {
  retry: RetryPolicy;
  logger: Logger;
}

export function rpc<T>(ctx: RpcContext, label: string, fn: () => Promise<T>): Promise<T> {
  return withRetry(fn, { policy: ctx.retry, logger: ctx.logger, label });
}

/** A feed's config as the round protocol needs it. */
export interface FeedConfig {
  configDigest: string;
  configCount: number;
  f: number;
  /** The latest accepted epoch-and-round (0 after a new config). */
  latestEpochAndRound: number;
  signers: string[];
  minAnswer: bigint;
  maxAnswer: bigint;
}

/** The feed's latest round. */
export interface LatestRound {
  roundId: bigint;
  answer: bigint;
  updatedAt: number;
}

/** Revert data of a failed call, wherever ethers or the node put it. */
function revertData(err: unknown): string | undefined {
  const seen = new Set<unknown>();
  let cur: unknown = err;
  while (cur !== null && typeof cur === "object" && !seen.has(cur)) {
    seen.add(cur);
    const e = cur as { data?: unknown; error?: unknown; info?: { error?: unknown }; cause?: unknown };
    if (typeof e.data === "string" && /^0x[0-9a-fA-F]{8}/.test(e.data)) return e.data;
    cur = e.error ?? e.info?.error ?? e.cause;
  }
  return undefined;
}

/** Name of the custom error in a contract call failure (decoded by ethers, or from the revert data). */
export function revertName(err: unknown, iface?: Interface): string | undefined {
  const revert = (err as { revert?: { name?: unknown } } | null)?.revert;
  if (typeof revert?.name === "string") return revert.name;
  const data = revertData(err);
  if (data === undefined || iface === undefined) return undefined;
  try {
    return iface.parseError(data)?.name;
  } catch {
    return undefined;
  }
}

/** Reads the config; the signer list and bounds only when the config count changed since `previous`. */
export async function readFeedConfig(
  ctx: RpcContext,
  feed: PriceFeed,
  previous: FeedConfig | undefined,
): Promise<FeedConfig> {
  const [digest, count, f, latest] = await rpc(ctx, "latestConfig", () => feed.latestConfig());
  const [minAnswer, maxAnswer] = await rpc(ctx, "bounds", () => feed.bounds());
  const configCount = Number(count);
  const signers =
    previous && previous.configCount === configCount
      ? previous.signers
      : await rpc(ctx, "signers", () => feed.signers());
  return {
    configDigest: digest,
    configCount,
    f: Number(f),
    latestEpochAndRound: Number(latest),
    signers: [...signers],
    minAnswer,
    maxAnswer,
  };
}

/** The latest round, or `undefined` before the first one. */
export async function readLatestRound(ctx: RpcContext, feed: PriceFeed): Promise<LatestRound | undefined> {
  try {
    const r = await rpc(ctx, "latestRoundData", () => feed.latestRoundData());
    return { roundId: r.roundId, answer: r.answer, updatedAt: Number(r.updatedAt) };
  } catch (err) {
    if (revertName(err, feed.interface) === "PriceFeed__NoDataPresent") return undefined;
    throw err;
  }
}

/**
 * Block timestamps for binning events (events carry block numbers only). Timestamps never decrease with the
 * block number, so {@link binTimes} fetches only the blocks where the bin changes (bisection): a handful
 * of calls per bin boundary instead of one per event block.
 */
export class BlockClock {
  private readonly cache = new Map<number, number>();

  constructor(
    private readonly ctx: RpcContext,
    private readonly provider: Provider,
  ) {}

  /** Timestamp of block `n` (cached). */
  async timestamp(n: number): Promise<number> {
    const hit = this.cache.get(n);
    if (hit !== undefined) return hit;
    const block = await rpc(this.ctx, "getBlock", () => this.provider.getBlock(n));
    if (!block) throw new Error(`block ${n} not found`);
    this.cache.set(n, block.timestamp);
    return block.timestamp;
  }

  /**
   * For each of `blocks`, a timestamp in the same `intervalSec` bin as the block's own (the exact one for
   * every block fetched, the bin's representative for blocks between two fetched blocks of one bin).
   */
  async binTimes(blocks: readonly number[], intervalSec: number): Promise<Map<number, number>> {
    const sorted = [...new Set(blocks)].sort((a, b) => a - b);
    const out = new Map<number, number>();
    if (sorted.length === 0) return out;
    const bin = (t: number) => Math.floor(t / intervalSec);
    const fill = async (i: number, j: number, ti: number, tj: number): Promise<void> => {
      out.set(sorted[i], ti);
      out.set(sorted[j], tj);
      if (bin(ti) === bin(tj)) {
        for (let k = i + 1; k < j; k++) out.set(sorted[k], ti);
        return;
      }
      if (j - i <= 1) return;
      const m = (i + j) >> 1;
      const tm = await this.timestamp(sorted[m]);
      await fill(i, m, ti, tm);
      await fill(m, j, tm, tj);
    };
    const last = sorted.length - 1;
    await fill(0, last, await this.timestamp(sorted[0]), await this.timestamp(sorted[last]));
    return out;
  }

  /** Forgets blocks below `block` (they will not be asked for again). */
  prune(block: number): void {
    for (const b of this.cache.keys()) if (b < block) this.cache.delete(b);
  }
}

/** Splits [from, to] into ranges of at most `size` blocks. */
export function blockRanges(from: number, to: number, size: number): [number, number][] {
  const out: [number, number][] = [];
  for (let a = from; a <= to; a += size) out.push([a, Math.min(to, a + size - 1)]);
  return out;
}

export type TransmitOutcome =
  | { kind: "transmitted"; txHash: string; gasUsed: bigint; roundId?: bigint }
  /** The feed already holds this round or a later one (nothing sent). */
  | { kind: "superseded"; latestEpochAndRound: number }
  /** The feed's config changed since the report was signed (nothing sent). */
  | { kind: "config-changed" }
  /** The feed would reject it (nothing sent), e.g. `PriceFeed__StaleReport`. */
  | { kind: "rejected"; reason: string }
  /** Sent, but mined as a failed transaction. */
  | { kind: "reverted"; txHash: string }
  /** Sent, no receipt within the timeout (the next tick sees whether it landed). */
  | { kind: "pending"; txHash: string }
  /** Could not be sent (e.g. no funds for gas, RPC down after retries). */
  | { kind: "failed"; error: string };

/**
 * Transmits a signed report, never replaying one: the feed's latest epoch-and-round and digest are read
 * first, the call is simulated (estimateGas), then the signed transaction is broadcast — retried as the same
 * raw transaction (same nonce), so a retry after a lost response cannot send twice.
 */
export async function transmitReport(
  ctx: RpcContext,
  wallet: BaseWallet,
  feed: PriceFeed,
  signed: SignedReport,
  txTimeoutMs: number,
): Promise<TransmitOutcome> {
  const provider = wallet.provider as Provider;
  const [digest, , , latest] = await rpc(ctx, "latestConfig", () => feed.latestConfig());
  if (digest !== signed.configDigest) return { kind: "config-changed" };
  if (Number(latest) >= signed.epochAndRound)
    return { kind: "superseded", latestEpochAndRound: Number(latest) };
  const args = [
    signed.configDigest,
    signed.epochAndRound,
    signed.report,
    signed.rs,
    signed.ss,
    signed.rawVs,
  ] as const;
  let gas: bigint;
  try {
    gas = await rpc(ctx, "estimateGas transmit", () => feed.transmit.estimateGas(...args));
  } catch (err) {
    const reason = revertName(err, feed.interface);
    if (reason !== undefined) return { kind: "rejected", reason };
    throw err;
  }
  const request = await feed.transmit.populateTransaction(...args);
  const populated = await rpc(ctx, "populate transmit", () =>
    wallet.populateTransaction({ ...request, gasLimit: (gas * 12n) / 10n }),
  );
  const raw = await wallet.signTransaction(populated);
  const txHash = keccak256(raw);
  let attempt = 0;
  await rpc(ctx, "broadcast transmit", async () => {
    try {
      await provider.broadcastTransaction(raw);
    } catch (err) {
      // a retry of a broadcast that did reach the node: the transaction is known, which is what we want
      if (attempt > 0 && /already known|nonce too low|nonce has already been used/i.test(String(err))) return;
      throw err;
    } finally {
      attempt++;
    }
  });
  const deadline = Date.now() + txTimeoutMs;
  for (;;) {
    const receipt = await rpc(ctx, "getTransactionReceipt", () => provider.getTransactionReceipt(txHash));
    if (receipt) {
      if (receipt.status !== 1) return { kind: "reverted", txHash };
      const roundLog = receipt.logs
        .map((l) => {
          try {
            return feed.interface.parseLog(l);
          } catch {
            return null;
          }
        })
        .find((l) => l?.name === "NewTransmission");
      return {
        kind: "transmitted",
        txHash,
        gasUsed: receipt.gasUsed,
        roundId: roundLog ? (roundLog.args[0] as bigint) : undefined,
      };
    }
    if (Date.now() >= deadline) return { kind: "pending", txHash };
    await sleep(250);
  }
}
