/**
 * Sending transactions so that a crash or an RPC failure at any point never leads to a double submission:
 *
 * 1. gas is estimated first (a call that would revert now is not sent: `wouldRevert`);
 * 2. the account nonce is fixed and recorded as a {@link PendingTx} *before* sending, the hash right after;
 * 3. the receipt is awaited for a bounded time; when it does not come (or the agent stops, or the send
 *    failed transiently, leaving it unknown whether the node got it), the pending entry stays;
 * 4. {@link TxSender.settle} later resolves the entry by hash (receipt) and by nonce: once the account's
 *    mined nonce passes it, it is settled whatever happened; while the node's pending nonce covers it, it
 *    is still in flight; otherwise it never reached a block and is dropped.
 *
 * Callers re-read the task from the chain after every settled transaction before deciding anything.
 */
import {
  isCallException,
  type Interface,
  type Provider,
  type Signer,
  type TransactionReceipt,
  type TransactionRequest,
} from "ethers";
import { isTransientRpcError, sleep, withRetry, type Logger, type RetryPolicy } from "../sdk/service";
import type { PendingTx, SentTx, TxAction } from "./state";

/** Where one pending transaction is stored (a task record, or the setup slot). */
export interface TxSlot {
  get(): PendingTx | undefined;
  set(p: PendingTx | undefined): void;
  /** Called with every receipt seen for the slot. */
  mined?(tx: SentTx): void;
}

export type TxOutcome =
  | { kind: "mined"; receipt: TransactionReceipt; ok: boolean }
  | { kind: "pending" }
  | { kind: "wouldRevert"; reason: string };

export interface TxSenderOptions {
  retry?: RetryPolicy;
  logger: Logger;
  /** Persists the state (called whenever a slot changes). */
  save(): void;
  /** True once the agent is stopping: receipt waits end early. */
  stopping(): boolean;
  txTimeoutMs: number;
  receiptPollMs: number;
  /** Interfaces used to decode revert reasons in logs. */
  interfaces: Interface[];
  /** Block number reads are pinned to (the agent's newest known block). */
  readBlock(): number;
  /** Called with the block of every receipt seen. */
  observedBlock?(blockNumber: number): void;
}

/** Best-effort human description of a revert (custom error name and arguments). */
export function describeRevert(err: unknown, interfaces: Interface[]): string {
  const data = findRevertData(err);
  if (data) {
    for (const iface of interfaces) {
      try {
        const parsed = iface.parseError(data);
        if (parsed) return `${parsed.name}(${parsed.args.map((a: unknown) => String(a)).join(", ")})`;
      } catch {
        // not this interface's error
      }
    }
  }
  return err instanceof Error ? err.message.split("\n")[0] : String(err);
}

function findRevertData(err: unknown): string | undefined {
  const seen = new Set<unknown>();
  let cur: unknown = err;
  while (cur !== null && typeof cur === "object" && !seen.has(cur)) {
    seen.add(cur);
    const e = cur as { data?: unknown; error?: unknown; cause?: unknown; info?: unknown };
    if (typeof e.data === "string" && e.data.startsWith("0x") && e.data.length >= 10) return e.data;
    if (typeof e.data === "object" && e.data !== null) {
      const inner = (e.data as { data?: unknown }).data;
      if (typeof inner === "string" && inner.startsWith("0x")) return inner;
    }
    cur = e.error ?? e.cause ?? (e.info as { error?: unknown } | undefined)?.error;
  }
  return undefined;
}

/** True when the node refused a transaction because its nonce was taken (a race with another sender). */
export function isNonceRace(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown };
  if (e?.code === "NONCE_EXPIRED" || e?.code === "REPLACEMENT_UNDERPRICED") return true;
  return (
    typeof e?.message === "string" && /nonce (too low|has already been used)|already known/i.test(e.message)
  );
}

/** True for errors meaning "this call reverts" (as opposed to transport failures). */
export function isRevert(err: unknown): boolean {
  if (isCallException(err)) return true;
  if (isTransientRpcError(err)) return false;
  const msg = err instanceof Error ? err.message : String(err);
  return /revert|custom error/i.test(msg) || findRevertData(err) !== undefined;
}

export class TxSender {
  /** Highest nonce this process sent (or saw pending). */
  private nonceFloor = -1;

  constructor(
    private readonly signer: Signer,
    private readonly provider: Provider,
    private readonly address: string,
    private readonly opts: TxSenderOptions,
  ) {}

  private rpc<T>(label: string, fn: () => Promise<T>): Promise<T> {
    return withRetry(fn, { policy: this.opts.retry, logger: this.opts.logger, label });
  }

  /**
   * Sends `request` (to + data) for `action` through `slot`, which must be empty. See the module doc for
   * the outcomes; a non-transient send failure is rethrown after clearing the slot. A nonce race (another
   * transaction of the same key took the nonce) is retried with the next nonce.
   */
  async send(slot: TxSlot, action: TxAction, request: TransactionRequest, log: Logger): Promise<TxOutcome> {
    if (slot.get()) throw new Error(`a ${slot.get()!.action} transaction is still pending`);
    const req: TransactionRequest = { ...request, from: this.address };
    for (let attempt = 1; ; attempt++) {
      let gas: bigint;
      try {
        gas = await this.rpc(`estimateGas ${action}`, () => this.signer.estimateGas(req));
      } catch (err) {
        if (isRevert(err)) return { kind: "wouldRevert", reason: describeRevert(err, this.opts.interfaces) };
        throw err;
      }
      // The node's pending count may come from a provider's short-lived cache: never go below a nonce
      // this process already used.
      const chainNonce = await this.rpc("getNonce", () => this.signer.getNonce("pending"));
      const nonce = Math.max(chainNonce, this.nonceFloor + 1);
      const pending: PendingTx = { action, nonce, sentAt: Date.now() };
      slot.set(pending);
      this.opts.save();
      let hash: string;
      try {
        const resp = await this.signer.sendTransaction({ ...req, nonce, gasLimit: (gas * 12n) / 10n });
        hash = resp.hash;
        this.nonceFloor = Math.max(this.nonceFloor, nonce);
      } catch (err) {
        if (isTransientRpcError(err)) {
          log.warn("sending failed transiently; will re-check by nonce", {
            action,
            nonce,
            error: String(err),
          });
          return { kind: "pending" };
        }
        slot.set(undefined);
        this.opts.save();
        if (isNonceRace(err) && attempt < 3) {
          this.nonceFloor = Math.max(this.nonceFloor, nonce);
          log.warn("nonce already used (another transaction of this key?); retrying", { action, nonce });
          continue;
        }
        if (isRevert(err)) return { kind: "wouldRevert", reason: describeRevert(err, this.opts.interfaces) };
        throw err;
      }
      slot.set({ ...pending, hash });
      this.opts.save();
      log.info("transaction sent", { action, hash, nonce });
      const receipt = await this.waitReceipt(hash);
      if (!receipt) {
        log.info("transaction not mined yet; will re-check by hash", { action, hash });
        return { kind: "pending" };
      }
      return this.finish(slot, action, receipt, log);
    }
  }

  private finish(slot: TxSlot, action: TxAction, receipt: TransactionReceipt, log: Logger): TxOutcome {
    const ok = receipt.status === 1;
    this.opts.observedBlock?.(receipt.blockNumber);
    slot.set(undefined);
    slot.mined?.({ action, hash: receipt.hash, block: receipt.blockNumber, ok });
    this.opts.save();
    if (ok) log.info("transaction mined", { action, hash: receipt.hash, block: receipt.blockNumber });
    else log.warn("transaction reverted", { action, hash: receipt.hash, block: receipt.blockNumber });
    return { kind: "mined", receipt, ok };
  }

  private async waitReceipt(hash: string): Promise<TransactionReceipt | null> {
    const until = Date.now() + this.opts.txTimeoutMs;
    for (;;) {
      const receipt = await this.rpc("getTransactionReceipt", () =>
        this.provider.getTransactionReceipt(hash),
      );
      if (receipt) return receipt;
      if (Date.now() >= until || this.opts.stopping()) return null;
      await sleep(this.opts.receiptPollMs);
    }
  }

  private stillPending(p: PendingTx, log: Logger): { kind: "pending" } {
    this.nonceFloor = Math.max(this.nonceFloor, p.nonce);
    const ageMs = Date.now() - p.sentAt;
    if (ageMs > this.opts.txTimeoutMs) {
      log.warn("transaction still pending", { action: p.action, hash: p.hash, nonce: p.nonce, ageMs });
    }
    return { kind: "pending" };
  }

  /**
   * Resolves a slot's pending transaction: `pending` while it may still be mined, otherwise the slot is
   * cleared (with the receipt when one was found) and the caller re-reads the chain.
   */
  async settle(
    slot: TxSlot,
    log: Logger,
  ): Promise<{ kind: "pending" } | { kind: "settled"; receipt?: TransactionReceipt }> {
    const p = slot.get();
    if (!p) return { kind: "settled" };
    if (p.hash) {
      const receipt = await this.rpc("getTransactionReceipt", () =>
        this.provider.getTransactionReceipt(p.hash!),
      );
      if (receipt) {
        this.finish(slot, p.action, receipt, log);
        return { kind: "settled", receipt };
      }
    }
    if (p.hash && (await this.rpc("getTransaction", () => this.provider.getTransaction(p.hash!)))) {
      return this.stillPending(p, log); // known to the node, not mined yet
    }
    const mined = await this.rpc("getTransactionCount", () =>
      this.provider.getTransactionCount(this.address, this.opts.readBlock()),
    );
    if (mined > p.nonce) {
      // The nonce was used by a transaction we have no receipt for (sent without a recorded hash, or
      // replaced): its effect, if any, is on chain.
      log.info("pending transaction's nonce is spent; re-reading the chain", {
        action: p.action,
        nonce: p.nonce,
      });
      slot.set(undefined);
      this.opts.save();
      return { kind: "settled" };
    }
    if (!p.hash) {
      const inFlight = await this.rpc("getTransactionCount", () =>
        this.provider.getTransactionCount(this.address, "pending"),
      );
      if (inFlight > p.nonce) return this.stillPending(p, log);
    }
    log.warn("pending transaction was never mined (dropped); re-reading the chain", {
      action: p.action,
      hash: p.hash,
      nonce: p.nonce,
    });
    if (this.nonceFloor >= p.nonce) this.nonceFloor = p.nonce - 1; // its nonce is free again
    slot.set(undefined);
    this.opts.save();
    return { kind: "settled" };
  }
}
