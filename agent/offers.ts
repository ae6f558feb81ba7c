/**
 * Keeps one signed offer per served resource class on the offer board. A new offer (fresh nonce) replaces
 * the current one when it is about to expire, its price changed (feed-derived prices follow the feed), it
 * is filled to capacity, or it was cancelled on chain. Nonces are reserved in the state file before the
 * offer is signed, so a crash can waste a nonce but never reuse one. Replaced offers are withdrawn from
 * the board but not cancelled on chain: they stay fillable until they expire, so keep lifetimes short.
 */
import { getAddress } from "ethers";
import { signOffer, type Offer } from "../sdk/signing";
import type { OfferBoard } from "../sdk/offers";
import type { Logger } from "../sdk/service";
import type { TaskMarket } from "../typechain-types";
import type { AgentPolicy, ClassPolicy } from "./options";
import type { AgentStateStore, OfferRecord } from "./state";
import type { Signer } from "ethers";

const BPS = 10_000n;
const UINT96_MAX = (1n << 96n) - 1n;

export interface OfferManagerDeps {
  signer: Signer;
  address: string;
  chainId: number;
  market: TaskMarket;
  marketAddress: string;
  board: OfferBoard;
  store: AgentStateStore;
  policy: AgentPolicy;
  logger: Logger;
  rpc<T>(label: string, fn: () => Promise<T>): Promise<T>;
  /** Block the reads are pinned to (see the agent's `at`). */
  at(): { blockTag: number };
}

/** The price an offer of `cls` should carry now, or undefined when the feed cannot be used. */
export async function offerPrice(
  deps: Pick<OfferManagerDeps, "market" | "rpc" | "logger" | "at">,
  cls: ClassPolicy,
) {
  if (cls.price.kind === "fixed") return cls.price.pricePerUnit;
  let feed: bigint;
  try {
    feed = await deps.rpc("marketPrice", () => deps.market.marketPrice(cls.resourceClass, deps.at()));
  } catch (err) {
    deps.logger.warn("feed price unavailable; keeping the current offer", {
      resourceClass: cls.resourceClass,
      error: err instanceof Error ? err.message.split("\n")[0] : String(err),
    });
    return undefined;
  }
  let price = (feed * (BPS + BigInt(cls.price.markupBps))) / BPS;
  if (cls.price.minPricePerUnit !== undefined && price < cls.price.minPricePerUnit)
    price = cls.price.minPricePerUnit;
  if (cls.price.maxPricePerUnit !== undefined && price > cls.price.maxPricePerUnit)
    price = cls.price.maxPricePerUnit;
  if (price < 1n) price = 1n;
  return price > UINT96_MAX ? UINT96_MAX : price;
}

export class OfferManager {
  constructor(private readonly d: OfferManagerDeps) {}

  /**
   * Makes sure every served class has a valid offer on the board, renewing as needed. `now` is the chain
   * time. Returns the price per class used this round (classes without a usable price are absent).
   */
  async refresh(now: number): Promise<Map<number, bigint>> {
    const { d } = this;
    const state = d.store.state;
    const prices = new Map<number, bigint>();
    const minNonce = Number(await d.rpc("minOfferNonce", () => d.market.minOfferNonce(d.address, d.at())));
    if (state.nextNonce < minNonce) {
      state.nextNonce = minNonce;
      d.store.save();
    }
    const mine = (await d.board.list()).filter((s) => getAddress(s.offer.provider) === getAddress(d.address));
    const onBoard = new Set(mine.map((s) => s.offer.nonce));
    for (const cls of d.policy.classes) {
      const key = String(cls.resourceClass);
      const price = await offerPrice(d, cls);
      const cur = state.offers[key];
      if (price === undefined) {
        if (cur && cur.expiry > now) {
          prices.set(cls.resourceClass, cur.pricePerUnit);
          if (!onBoard.has(cur.nonce)) await this.publish(cur);
        } else if (cur) {
          delete state.offers[key]; // expired and not renewable now: withdrawn below
          d.store.save();
        }
        continue;
      }
      prices.set(cls.resourceClass, price);
      const reason = await this.renewReason(cur, price, now, minNonce);
      if (reason) {
        await this.replace(cls.resourceClass, cur, price, now, reason);
      } else if (cur && !onBoard.has(cur.nonce)) {
        d.logger.info("offer missing from the board; republishing", { nonce: cur.nonce });
        await this.publish(cur);
      }
    }
    // Leftovers (e.g. from a crash between publishing and recording): only current offers stay listed.
    const current = new Set(Object.values(state.offers).map((o) => o.nonce));
    for (const s of mine) if (!current.has(s.offer.nonce)) await d.board.withdraw(d.address, s.offer.nonce);
    return prices;
  }

  private async renewReason(
    cur: OfferRecord | undefined,
    price: bigint,
    now: number,
    minNonce: number,
  ): Promise<string | undefined> {
    if (!cur) return "none";
    if (cur.expiry - now <= this.d.policy.renewBeforeSec) return "expiring";
    if (cur.pricePerUnit !== price) return "price";
    if (cur.nonce < minNonce) return "cancelled";
    const filled = await this.d.rpc("offerFilled", () =>
      this.d.market.offerFilled(this.d.address, cur.nonce, this.d.at()),
    );
    if (filled >= BigInt(cur.capacity)) return "filled";
    return undefined;
  }

  private async replace(
    resourceClass: number,
    old: OfferRecord | undefined,
    pricePerUnit: bigint,
    now: number,
    reason: string,
  ): Promise<void> {
    const { d } = this;
    const state = d.store.state;
    const nonce = state.nextNonce;
    state.nextNonce = nonce + 1; // reserved before signing: never reused, even after a crash
    d.store.save();
    const rec: OfferRecord = {
      resourceClass,
      nonce,
      pricePerUnit,
      capacity: d.policy.offerCapacity,
      expiry: now + d.policy.offerLifetimeSec,
    };
    await this.publish(rec);
    state.offers[String(resourceClass)] = rec;
    d.store.save();
    if (old) await d.board.withdraw(d.address, old.nonce);
    d.logger.info("offer published", {
      resourceClass,
      nonce,
      pricePerUnit,
      capacity: rec.capacity,
      expiry: rec.expiry,
      reason,
      replaced: old?.nonce,
    });
  }

  private async publish(rec: OfferRecord): Promise<void> {
    const offer: Offer = {
      provider: this.d.address,
      resourceClass: rec.resourceClass,
      pricePerUnit: rec.pricePerUnit,
      capacity: rec.capacity,
      expiry: rec.expiry,
      nonce: rec.nonce,
    };
    const signature = await signOffer(this.d.signer, this.d.chainId, this.d.marketAddress, offer);
    await this.d.board.publish({ offer, signature });
  }
}
