/**
 * Supply for the controller: the units providers can take over the pricing horizon. A provider counts
 * with the smaller of what it offers and what its free stake can back:
 *
 *   capacity_p = min(offered_p, ⌊freeStake_p · 10,000 / (lockBps · price)⌋)
 *
 * because TaskMarket locks `lockBps` of each task's payment (units · price) from the provider's stake,
 * so free stake F backs at most F / (lockBps/10,000 · price) units at that price (the per-task
 * `minLockedStake` floor is ignored: it matters only for tiny tasks). Ineligible providers (not
 * registered, jailed, not serving the class, below the minimum stake) count 0.
 */

/** One provider's view for one resource class. */
export interface ProviderSupply {
  /** Units still offered (open, unexpired, uncancelled offers), or `undefined` when offers are not tracked. */
  readonly offeredUnits?: number;
  /** Bonded stake minus locked stake (CLAI wei). */
  readonly freeStake: bigint;
  /** Registered, not jailed, serves the class, stake ≥ minimum. */
  readonly eligible: boolean;
}

/** Units `p` can take at `price` when the market locks `lockBps` of each payment (see the module notice). */
export function providerCapacity(p: ProviderSupply, price: bigint, lockBps: number): number {
  if (!p.eligible || price <= 0n) return 0;
  const stakeBacked =
    lockBps <= 0 ? Number.POSITIVE_INFINITY : Number((p.freeStake * 10_000n) / (BigInt(lockBps) * price));
  const offered = p.offeredUnits ?? Number.POSITIVE_INFINITY;
  const units = Math.min(offered, stakeBacked);
  return Number.isFinite(units) ? Math.max(0, units) : 0;
}

/** Σ {@link providerCapacity} over providers. */
export function totalCapacity(providers: readonly ProviderSupply[], price: bigint, lockBps: number): number {
  return providers.reduce((sum, p) => sum + providerCapacity(p, price, lockBps), 0);
}
