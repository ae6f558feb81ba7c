/**
 * Staking (provider registry, stake, slashing, jailing, rewards) and Reputation.
 *
 * Locked stake has no event of its own: TaskMarket locks `lockedStake` when it emits `TaskAssigned` and
 * releases it with the task's terminal event, so `provider.locked` is maintained in `market.ts`.
 */
import { eq, notInArray, sql } from "ponder";
import { provider, reputationChange, rewardDistribution, stakeChange } from "ponder:schema";
import {
  type Db,
  type LogEvent,
  eventId,
  getProtocol,
  lower,
  meta,
  on,
  snapshot,
  updateProtocol,
} from "./lib";

type Hex = `0x${string}`;
export type ProviderRow = typeof provider.$inferSelect;

/** Applies `patch` to a registered provider; returns the row after the change (undefined if unknown). */
export async function updateProvider(
  db: Db,
  address: string,
  timestamp: bigint,
  patch: (p: ProviderRow) => Partial<Omit<ProviderRow, "id" | "address">>,
): Promise<ProviderRow | undefined> {
  const id = lower(address);
  const row = snapshot(await db.find(provider, { id }));
  if (!row) return undefined;
  const changes = { ...patch(row), updatedAt: timestamp };
  await db.update(provider, { id }).set(changes);
  return { ...row, ...changes };
}

async function recordStakeChange(
  db: Db,
  e: LogEvent,
  who: Hex,
  kind: string,
  amount: bigint,
  stakeAfter: bigint,
  extra: { until?: bigint; requester?: Hex; toRequester?: bigint; toRewards?: bigint } = {},
) {
  await db.insert(stakeChange).values({
    id: eventId(e),
    provider: who,
    kind,
    amount,
    until: extra.until ?? null,
    requester: extra.requester ?? null,
    toRequester: extra.toRequester ?? null,
    toRewards: extra.toRewards ?? null,
    stakeAfter,
    ...meta(e),
  });
}

on("Staking:ProviderRegistered", async ({ event, context }) => {
  const { provider: who, metadataURI, encryptionPublicKey, resourceClasses } = event.args;
  const db = context.db;
  // A score reset by governance before registration is the provider's score; otherwise the initial score.
  const [last] = await db.sql
    .select({ newScore: reputationChange.newScore })
    .from(reputationChange)
    .where(eq(reputationChange.provider, lower(who) as Hex))
    .orderBy(sql`${reputationChange.blockNumber} desc, ${reputationChange.id} desc`)
    .limit(1);
  const reputation = last?.newScore ?? (await getProtocol(db)).reputationInitialScore;
  const ts = event.block.timestamp;
  await db.insert(provider).values({
    id: lower(who),
    address: who,
    metadataURI,
    encryptionPublicKey,
    resourceClasses,
    stake: 0n,
    locked: 0n,
    unbonding: 0n,
    unbondReadyAt: 0n,
    faults: 0,
    jailedUntil: 0n,
    reputation,
    minOfferNonce: 0n,
    totalSlashed: 0n,
    rewardsClaimed: 0n,
    tasksAssigned: 0,
    tasksCompleted: 0,
    tasksFailed: 0,
    tasksRejected: 0,
    tasksAnnulled: 0,
    volume: 0n,
    earnings: 0n,
    registeredAt: ts,
    registeredBlock: event.block.number,
    updatedAt: ts,
  });
  await updateProtocol(db, ts, (p) => ({ providerCount: p.providerCount + 1 }));
});

on("Staking:ProviderUpdated", async ({ event, context }) => {
  const { provider: who, metadataURI, encryptionPublicKey, resourceClasses } = event.args;
  await updateProvider(context.db, who, event.block.timestamp, () => ({
    metadataURI,
    encryptionPublicKey,
    resourceClasses,
  }));
});

on("Staking:Staked", async ({ event, context }) => {
  const { provider: who, amount } = event.args;
  const ts = event.block.timestamp;
  const p = await updateProvider(context.db, who, ts, (r) => ({ stake: r.stake + amount }));
  await recordStakeChange(context.db, event, who, "Staked", amount, p?.stake ?? 0n);
  await updateProtocol(context.db, ts, (r) => ({ totalStaked: r.totalStaked + amount }));
});

on("Staking:Unbonded", async ({ event, context }) => {
  const { provider: who, amount, readyAt } = event.args;
  const ts = event.block.timestamp;
  const p = await updateProvider(context.db, who, ts, (r) => ({
    stake: r.stake - amount,
    unbonding: r.unbonding + amount,
    unbondReadyAt: readyAt,
  }));
  await recordStakeChange(context.db, event, who, "Unbonded", amount, p?.stake ?? 0n, { until: readyAt });
  await updateProtocol(context.db, ts, (r) => ({
    totalStaked: r.totalStaked - amount,
    totalUnbonding: r.totalUnbonding + amount,
  }));
});

on("Staking:Withdrawn", async ({ event, context }) => {
  const { provider: who, amount } = event.args;
  const ts = event.block.timestamp;
  const p = await updateProvider(context.db, who, ts, (r) => ({ unbonding: r.unbonding - amount }));
  await recordStakeChange(context.db, event, who, "Withdrawn", amount, p?.stake ?? 0n);
  await updateProtocol(context.db, ts, (r) => ({ totalUnbonding: r.totalUnbonding - amount }));
});

on("Staking:Jailed", async ({ event, context }) => {
  const { provider: who, until } = event.args;
  // Staking emits Jailed inside `slash`, right before Slashed, after resetting the fault counter: -1 here
  // becomes 0 when the Slashed handler counts the fault.
  const p = await updateProvider(context.db, who, event.block.timestamp, () => ({
    jailedUntil: until,
    faults: -1,
  }));
  await recordStakeChange(context.db, event, who, "Jailed", 0n, p?.stake ?? 0n, { until });
});

on("Staking:Unjailed", async ({ event, context }) => {
  const who = event.args.provider;
  const p = await updateProvider(context.db, who, event.block.timestamp, () => ({
    jailedUntil: 0n,
    faults: 0,
  }));
  await recordStakeChange(context.db, event, who, "Unjailed", 0n, p?.stake ?? 0n);
});

on("Staking:Slashed", async ({ event, context }) => {
  const { provider: who, amount, requester, toRequester, toRewards } = event.args;
  const ts = event.block.timestamp;
  const p = await updateProvider(context.db, who, ts, (r) => ({
    stake: r.stake - amount,
    faults: r.faults + 1,
    totalSlashed: r.totalSlashed + amount,
  }));
  await recordStakeChange(context.db, event, who, "Slashed", amount, p?.stake ?? 0n, {
    requester,
    toRequester,
    toRewards,
  });
  await updateProtocol(context.db, ts, (r) => ({
    totalStaked: r.totalStaked - amount,
    totalSlashed: r.totalSlashed + amount,
  }));
});

on("Staking:RewardsDistributed", async ({ event, context }) => {
  const { amount, accRewardPerShare } = event.args;
  await context.db
    .insert(rewardDistribution)
    .values({ id: eventId(event), amount, accRewardPerShare, ...meta(event) });
  await updateProtocol(context.db, event.block.timestamp, (r) => ({
    rewardsDistributed: r.rewardsDistributed + amount,
  }));
});

on("Staking:RewardsClaimed", async ({ event, context }) => {
  const { provider: who, amount } = event.args;
  const ts = event.block.timestamp;
  const p = await updateProvider(context.db, who, ts, (r) => ({ rewardsClaimed: r.rewardsClaimed + amount }));
  await recordStakeChange(context.db, event, who, "RewardsClaimed", amount, p?.stake ?? 0n);
  await updateProtocol(context.db, ts, (r) => ({ rewardsClaimed: r.rewardsClaimed + amount }));
});

on("Staking:ParametersSet");

// ───────────────────────────── reputation ─────────────────────────────

on("Reputation:ReputationUpdated", async ({ event, context }) => {
  const { provider: who, oldScore, newScore, success } = event.args;
  await context.db.insert(reputationChange).values({
    id: eventId(event),
    provider: who,
    kind: success ? "Success" : "Fault",
    success,
    oldScore: Number(oldScore),
    newScore: Number(newScore),
    ...meta(event),
  });
  await updateProvider(context.db, who, event.block.timestamp, () => ({ reputation: Number(newScore) }));
});

on("Reputation:ReputationReset", async ({ event, context }) => {
  const { provider: who, newScore } = event.args;
  await context.db.insert(reputationChange).values({
    id: eventId(event),
    provider: who,
    kind: "Reset",
    success: null,
    oldScore: null,
    newScore: Number(newScore),
    ...meta(event),
  });
  await updateProvider(context.db, who, event.block.timestamp, () => ({ reputation: Number(newScore) }));
});

on("Reputation:ParametersSet", async ({ event, context }) => {
  const initialScore = Number(event.args.initialScore);
  const db = context.db;
  const ts = event.block.timestamp;
  await updateProtocol(db, ts, () => ({ reputationInitialScore: initialScore }));
  // Providers whose score was never written score the (new) initial score. Read with SQL, write through the
  // store: a raw SQL write would make Ponder drop its whole in-memory cache.
  const written = db.sql.selectDistinct({ p: reputationChange.provider }).from(reputationChange);
  const stale = await db.sql
    .select({ id: provider.id })
    .from(provider)
    .where(notInArray(provider.address, written));
  for (const { id } of stale) await updateProvider(db, id, ts, () => ({ reputation: initialScore }));
});
