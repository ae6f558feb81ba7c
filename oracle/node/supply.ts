/**
 * Reads supply for the controller: the registered providers (from Staking's `ProviderRegistered` events),
 * their stake and eligibility, and their open offers on the offer board (remaining capacity read from
 * TaskMarket). One call per provider and per offer: fine for hundreds of providers; an indexer query
 * replaces it at larger scale.
 */
import { MaxUint256, getAddress } from "ethers";
import type { Staking, TaskMarket } from "../../typechain-types";
import type { OfferBoard } from "../../sdk/offers";
import { totalCapacity, type ProviderSupply } from "../controller";
import { blockRanges, rpc, type RpcContext } from "./chain";

/** Providers seen in `ProviderRegistered` events, scanned incrementally. */
export class ProviderDirectory {
  private readonly known = new Set<string>();

  constructor(
    private readonly ctx: RpcContext,
    private readonly staking: Staking,
    /** Last block scanned. */
    public cursor: number,
    initial: readonly string[] = [],
  ) {
    for (const p of initial) this.known.add(getAddress(p));
  }

  get providers(): string[] {
    return [...this.known];
  }

  /** Scans up to `head` for new registrations. */
  async sync(head: number, maxBlockRange: number): Promise<void> {
    if (head <= this.cursor) return;
    for (const [from, to] of blockRanges(this.cursor + 1, head, maxBlockRange)) {
      const logs = await rpc(this.ctx, "ProviderRegistered logs", () =>
        this.staking.queryFilter(this.staking.filters.ProviderRegistered(), from, to),
      );
      for (const l of logs) this.known.add(getAddress(l.args.provider));
      this.cursor = to;
    }
  }
}

export interface SupplySnapshot {
  /** Units offered over the horizon (the controller's `supply`). */
  units: number;
  /** Providers that counted (eligible, and with a live offer when offers are tracked). */
  providers: number;
  /** Open offers of the class that counted. */
  offers: number;
}

export interface SupplyQuery {
  ctx: RpcContext;
  staking: Staking;
  market: TaskMarket;
  providers: readonly string[];
  offers?: OfferBoard;
  resourceClass: number;
  /** Price at which stake-backed capacity is computed (the current price). */
  price: bigint;
  /** Unix seconds (offer expiry, jail). */
  now: number;
}

/** The class's supply (see oracle/controller/supply.ts for the formula). */
export async function readSupply(q: SupplyQuery): Promise<SupplySnapshot> {
  const [cfg, params] = await Promise.all([
    rpc(q.ctx, "market config", () => q.market.config()),
    rpc(q.ctx, "staking parameters", () => q.staking.parameters()),
  ]);
  const offered = new Map<string, number>();
  let offerCount = 0;
  if (q.offers) {
    const live = (await q.offers.list()).filter(
      (s) => s.offer.resourceClass === q.resourceClass && s.offer.expiry > q.now,
    );
    for (const { offer } of live) {
      const provider = getAddress(offer.provider);
      const [filled, minNonce] = await Promise.all([
        rpc(q.ctx, "offerFilled", () => q.market.offerFilled(provider, offer.nonce)),
        rpc(q.ctx, "minOfferNonce", () => q.market.minOfferNonce(provider)),
      ]);
      if (filled === MaxUint256 || BigInt(offer.nonce) < minNonce) continue; // cancelled
      const remaining = Math.max(0, offer.capacity - Number(filled));
      // a provider's overlapping offers (renewals) are alternatives, not additive
      offered.set(provider, Math.max(offered.get(provider) ?? 0, remaining));
      offerCount++;
    }
  }
  const bit = 1n << BigInt(q.resourceClass);
  const rows: ProviderSupply[] = await Promise.all(
    q.providers.map(async (provider) => {
      const [info, freeStake] = await Promise.all([
        rpc(q.ctx, "providerInfo", () => q.staking.providerInfo(provider)),
        rpc(q.ctx, "freeStake", () => q.staking.freeStake(provider)),
      ]);
      const eligible =
        info.registered &&
        Number(info.jailedUntil) <= q.now &&
        (info.resourceClasses & bit) !== 0n &&
        info.stake >= params.minStake;
      return { eligible, freeStake, offeredUnits: q.offers ? (offered.get(provider) ?? 0) : undefined };
    }),
  );
  const counted = rows.filter((r) => r.eligible && (r.offeredUnits === undefined || r.offeredUnits > 0));
  return {
    units: totalCapacity(rows, q.price, Number(cfg.lockBps)),
    providers: counted.length,
    offers: offerCount,
  };
}
