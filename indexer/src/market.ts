/**
 * TaskMarket: tasks and their state history, assignments, offers, results, disputes, fees, and the
 * hourly/daily market statistics.
 */
import { and, eq, lt } from "ponder";
import {
  assignment,
  dispute,
  matchSkip,
  offer,
  priceFeed,
  result,
  task,
  taskStatusChange,
} from "ponder:schema";
import { decodeFunctionData, type Abi } from "viem";
import { exported } from "./deployment";
import {
  ACTIVE_STATUSES,
  type Db,
  type LogEvent,
  SKIP_REASON,
  VERIFICATION_MODE,
  bumpStats,
  eventId,
  lower,
  maxOf,
  meta,
  minOf,
  on,
  snapshot,
  updateProtocol,
  ZERO_ADDRESS,
} from "./lib";
import { updateFeed } from "./feeds";
import { type ProviderRow, updateProvider } from "./staking";

type Hex = `0x${string}`;
type TaskRow = typeof task.$inferSelect;

const marketAbi = exported("TaskMarket").abi as Abi;
const marketAddress = lower(exported("TaskMarket").address);

async function getTask(db: Db, taskId: bigint): Promise<TaskRow> {
  const row = snapshot(await db.find(task, { id: taskId.toString() }));
  if (!row) throw new Error(`task ${taskId} has an event but no TaskCreated before it`);
  return row;
}

/**
 * Moves a task to `to`, records the transition, applies `changes`, and keeps the protocol's escrow and
 * active-task totals in step with the task's `escrow`.
 */
async function transition(
  db: Db,
  e: LogEvent,
  eventName: string,
  t: TaskRow,
  to: string,
  changes: Partial<Omit<TaskRow, "id" | "status">> = {},
): Promise<TaskRow> {
  const ts = e.block.timestamp;
  const terminal = !ACTIVE_STATUSES.has(to);
  const next: Partial<TaskRow> = {
    ...changes,
    status: to,
    updatedAt: ts,
    ...(terminal && t.settledAt === null ? { settledAt: ts } : {}),
  };
  await db.update(task, { id: t.id }).set(next);
  await db.insert(taskStatusChange).values({
    id: eventId(e),
    taskId: t.taskId,
    fromStatus: t.status,
    toStatus: to,
    event: eventName,
    ...meta(e),
    logIndex: e.log.logIndex,
  });
  const escrowDelta = (next.escrow ?? t.escrow) - t.escrow;
  const activeDelta = (ACTIVE_STATUSES.has(t.status) ? 1 : 0) - (terminal ? 0 : 1);
  if (escrowDelta !== 0n || activeDelta !== 0) {
    await updateProtocol(db, ts, (p) => ({
      escrowHeld: p.escrowHeld + escrowDelta,
      activeTaskCount: p.activeTaskCount - activeDelta,
    }));
  }
  return { ...t, ...next } as TaskRow;
}

/** Releases the stake a task locked (every terminal edge after assignment releases or slashes it). */
async function releaseLock(
  db: Db,
  t: TaskRow,
  ts: bigint,
  patch: (p: ProviderRow) => Partial<ProviderRow> = () => ({}),
): Promise<void> {
  if (!t.provider) return;
  await updateProvider(db, t.provider, ts, (p) => ({ ...patch(p), locked: p.locked - t.lockedStake }));
}

// ───────────────────────────── lifecycle ─────────────────────────────

on("TaskMarket:TaskCreated", async ({ event, context }) => {
  const { taskId, requester, resourceClass, maxPricePerUnit, params } = event.args;
  const db = context.db;
  const ts = event.block.timestamp;
  const units = BigInt(params.units);
  const escrow = units * maxPricePerUnit;
  const row: TaskRow = {
    id: taskId.toString(),
    taskId,
    requester,
    resourceClass,
    mode: VERIFICATION_MODE[params.mode] ?? String(params.mode),
    minReputation: params.minReputation,
    units,
    maxPricePerUnit,
    requestedMaxPricePerUnit: params.maxPricePerUnit,
    assignDeadline: BigInt(params.assignDeadline),
    completionDeadline: BigInt(params.completionDeadline),
    circuitId: params.circuitId,
    inputCommitment: params.inputCommitment,
    inputCid: params.inputCid,
    status: "Open",
    provider: null,
    pricePerUnit: null,
    lockedStake: 0n,
    claimed: null,
    offerNonce: null,
    resultCommitment: null,
    resultCid: null,
    challengeEnd: null,
    escrow,
    refunded: 0n,
    payment: null,
    fee: null,
    slashed: null,
    createdAt: ts,
    createdBlock: event.block.number,
    createdTx: event.transaction.hash,
    assignedAt: null,
    settledAt: null,
    updatedAt: ts,
  };
  await db.insert(task).values(row);
  await db.insert(taskStatusChange).values({
    id: eventId(event),
    taskId,
    fromStatus: null,
    toStatus: "Open",
    event: "TaskCreated",
    ...meta(event),
    logIndex: event.log.logIndex,
  });
  await updateProtocol(db, ts, (p) => ({
    taskCount: p.taskCount + 1,
    activeTaskCount: p.activeTaskCount + 1,
    escrowHeld: p.escrowHeld + escrow,
  }));
  await bumpStats(db, resourceClass, ts, ts, (s) => ({
    tasksCreated: s.tasksCreated + 1,
    unitsRequested: s.unitsRequested + units,
  }));
});

/** The offer a matcher batch used for `taskId`, decoded from the transaction (direct calls only). */
function matchedOffer(
  e: LogEvent & { transaction: { input: Hex; to: Hex | null } },
  taskId: bigint,
  who: Hex,
  pricePerUnit: bigint,
  resourceClass: number,
):
  | { nonce: bigint; resourceClass: number; pricePerUnit: bigint; capacity: bigint; expiry: bigint }
  | undefined {
  if (!e.transaction.to || lower(e.transaction.to) !== marketAddress) return undefined;
  try {
    const call = decodeFunctionData({ abi: marketAbi, data: e.transaction.input });
    if (call.functionName !== "assignBatch") return undefined;
    const [matches] = call.args as unknown as [
      {
        taskId: bigint;
        offer: {
          provider: Hex;
          resourceClass: number;
          pricePerUnit: bigint;
          capacity: number;
          expiry: bigint;
          nonce: bigint;
        };
      }[],
    ];
    // The pair that was assigned: same task, provider, price and class (a skipped pair can differ only in
    // nonce, capacity or expiry from it, in which case the first such pair is taken).
    const m = matches.find(
      (x) =>
        x.taskId === taskId &&
        lower(x.offer.provider) === lower(who) &&
        x.offer.pricePerUnit === pricePerUnit &&
        x.offer.resourceClass === resourceClass,
    );
    if (!m) return undefined;
    return {
      nonce: m.offer.nonce,
      resourceClass: m.offer.resourceClass,
      pricePerUnit: m.offer.pricePerUnit,
      capacity: BigInt(m.offer.capacity),
      expiry: m.offer.expiry,
    };
  } catch {
    return undefined; // not TaskMarket calldata (e.g. a call through a multisig): no offer details
  }
}

on("TaskMarket:TaskAssigned", async ({ event, context }) => {
  const { taskId, provider: who, pricePerUnit, lockedStake, refund, claimed } = event.args;
  const db = context.db;
  const ts = event.block.timestamp;
  const t = await getTask(db, taskId);
  const o = claimed ? undefined : matchedOffer(event, taskId, who, pricePerUnit, t.resourceClass);

  await transition(db, event, "TaskAssigned", t, "Assigned", {
    provider: who,
    pricePerUnit,
    lockedStake,
    claimed,
    offerNonce: o?.nonce ?? null,
    escrow: t.escrow - refund,
    refunded: t.refunded + refund,
    assignedAt: ts,
  });
  await db.insert(assignment).values({
    id: eventId(event),
    taskId,
    provider: who,
    resourceClass: t.resourceClass,
    units: t.units,
    pricePerUnit,
    lockedStake,
    refund,
    claimed,
    offerNonce: o?.nonce ?? null,
    ...meta(event),
  });
  await updateProvider(db, who, ts, (p) => ({
    locked: p.locked + lockedStake,
    tasksAssigned: p.tasksAssigned + 1,
  }));
  if (o) {
    const id = `${lower(who)}-${o.nonce}`;
    const seen = {
      resourceClass: o.resourceClass,
      pricePerUnit: o.pricePerUnit,
      capacity: o.capacity,
      expiry: o.expiry,
    };
    await db
      .insert(offer)
      .values({
        id,
        provider: who,
        nonce: o.nonce,
        ...seen,
        unitsFilled: t.units,
        tasksAssigned: 1,
        cancelled: false,
        cancelledAt: null,
        firstSeenAt: ts,
        updatedAt: ts,
      })
      .onConflictDoUpdate((row) => ({
        ...seen,
        unitsFilled: row.unitsFilled + t.units,
        tasksAssigned: row.tasksAssigned + 1,
        updatedAt: ts,
      }));
  }
  await bumpStats(db, t.resourceClass, ts, ts, (s) => ({
    tasksAssigned: s.tasksAssigned + 1,
    unitsAssigned: s.unitsAssigned + t.units,
    assignedValue: s.assignedValue + t.units * pricePerUnit,
    minPrice: minOf(s.minPrice, pricePerUnit),
    maxPrice: maxOf(s.maxPrice, pricePerUnit),
  }));
  // Utilisation follows the cohort of tasks created in the period.
  await bumpStats(db, t.resourceClass, t.createdAt, ts, (s) => ({ unitsFilled: s.unitsFilled + t.units }));
});

on("TaskMarket:MatchSkipped", async ({ event, context }) => {
  const { taskId, provider: who, reason } = event.args;
  await context.db.insert(matchSkip).values({
    id: eventId(event),
    taskId,
    provider: who,
    reason: SKIP_REASON[reason] ?? String(reason),
    reasonCode: reason,
    ...meta(event),
  });
});

on("TaskMarket:ResultSubmitted", async ({ event, context }) => {
  const { taskId, provider: who, resultCommitment, resultCid, challengeEnd } = event.args;
  const db = context.db;
  const t = await getTask(db, taskId);
  await db.insert(result).values({
    id: eventId(event),
    taskId,
    provider: who,
    kind: "Result",
    commitment: resultCommitment,
    resultCid,
    challengeEnd,
    ...meta(event),
  });
  await transition(db, event, "ResultSubmitted", t, "Submitted", {
    resultCommitment,
    resultCid,
    challengeEnd,
  });
});

on("TaskMarket:ProofAccepted", async ({ event, context }) => {
  const { taskId, provider: who, outputCommitment, resultCid } = event.args;
  const db = context.db;
  await db.insert(result).values({
    id: eventId(event),
    taskId,
    provider: who,
    kind: "Proof",
    commitment: outputCommitment,
    resultCid,
    challengeEnd: null,
    ...meta(event),
  });
  // The status moves with the TaskCompleted that follows in the same call.
  await db
    .update(task, { id: taskId.toString() })
    .set({ resultCommitment: outputCommitment, resultCid, updatedAt: event.block.timestamp });
});

on("TaskMarket:TaskCompleted", async ({ event, context }) => {
  const { taskId, payment, fee } = event.args;
  const db = context.db;
  const ts = event.block.timestamp;
  const t = await getTask(db, taskId);
  await transition(db, event, "TaskCompleted", t, "Completed", { payment, fee, escrow: 0n });
  await releaseLock(db, t, ts, (p) => ({
    tasksCompleted: p.tasksCompleted + 1,
    volume: p.volume + payment,
    earnings: p.earnings + payment - fee,
  }));
  await updateProtocol(db, ts, (p) => ({
    totalVolume: p.totalVolume + payment,
    totalFees: p.totalFees + fee,
    accruedFees: p.accruedFees + fee,
  }));
  await bumpStats(db, t.resourceClass, ts, ts, (s) => ({
    tasksCompleted: s.tasksCompleted + 1,
    volume: s.volume + payment,
    fees: s.fees + fee,
  }));
});

on("TaskMarket:TaskFailed", async ({ event, context }) => {
  const { taskId, slashed } = event.args;
  const db = context.db;
  const ts = event.block.timestamp;
  const t = await getTask(db, taskId);
  // The requester gets the escrow back, plus its dispute bond when governance found the provider at fault.
  await transition(db, event, "TaskFailed", t, "Failed", {
    slashed,
    escrow: 0n,
    refunded: t.refunded + t.escrow,
  });
  await releaseLock(db, t, ts, (p) => ({ tasksFailed: p.tasksFailed + 1 }));
  await bumpStats(db, t.resourceClass, ts, ts, (s) => ({
    tasksFailed: s.tasksFailed + 1,
    slashed: s.slashed + slashed,
  }));
});

on("TaskMarket:TaskExpired", async ({ event, context }) => {
  const { taskId, refund } = event.args;
  const t = await getTask(context.db, taskId);
  await transition(context.db, event, "TaskExpired", t, "Expired", {
    escrow: 0n,
    refunded: t.refunded + refund,
  });
  const ts = event.block.timestamp;
  await bumpStats(context.db, t.resourceClass, ts, ts, (s) => ({ tasksExpired: s.tasksExpired + 1 }));
});

on("TaskMarket:TaskCancelled", async ({ event, context }) => {
  const { taskId, refund } = event.args;
  const t = await getTask(context.db, taskId);
  await transition(context.db, event, "TaskCancelled", t, "Cancelled", {
    escrow: 0n,
    refunded: t.refunded + refund,
  });
  const ts = event.block.timestamp;
  await bumpStats(context.db, t.resourceClass, ts, ts, (s) => ({ tasksCancelled: s.tasksCancelled + 1 }));
});

on("TaskMarket:TaskRejected", async ({ event, context }) => {
  const { taskId, refund } = event.args;
  const db = context.db;
  const ts = event.block.timestamp;
  const t = await getTask(db, taskId);
  await transition(db, event, "TaskRejected", t, "Rejected", { escrow: 0n, refunded: t.refunded + refund });
  await releaseLock(db, t, ts, (p) => ({ tasksRejected: p.tasksRejected + 1 }));
  await bumpStats(db, t.resourceClass, ts, ts, (s) => ({ tasksRejected: s.tasksRejected + 1 }));
});

on("TaskMarket:TaskDisputed", async ({ event, context }) => {
  const { taskId, requester, bond, resolveDeadline } = event.args;
  const db = context.db;
  const t = await getTask(db, taskId);
  await db.insert(dispute).values({
    id: taskId.toString(),
    taskId,
    requester,
    provider: t.provider ?? requester,
    bond,
    resolveDeadline,
    status: "Open",
    providerFault: null,
    openedAt: event.block.timestamp,
    openedTx: event.transaction.hash,
    resolvedAt: null,
    resolvedTx: null,
  });
  await transition(db, event, "TaskDisputed", t, "Disputed", { escrow: t.escrow + bond });
});

on("TaskMarket:DisputeResolved", async ({ event, context }) => {
  const { taskId, providerFault } = event.args;
  // The task's status moves with the TaskFailed / TaskCompleted that follows in the same call.
  await context.db.update(dispute, { id: taskId.toString() }).set({
    status: providerFault ? "ProviderFault" : "ProviderCleared",
    providerFault,
    resolvedAt: event.block.timestamp,
    resolvedTx: event.transaction.hash,
  });
});

on("TaskMarket:DisputeLapsed", async ({ event, context }) => {
  // Emitted when a dispute lapses, and when a ZK task is annulled because its circuit was retired.
  const { taskId, refund } = event.args;
  const db = context.db;
  const ts = event.block.timestamp;
  const t = await getTask(db, taskId);
  if (t.status === "Disputed") {
    await db.update(dispute, { id: taskId.toString() }).set({
      status: "Lapsed",
      resolvedAt: ts,
      resolvedTx: event.transaction.hash,
    });
  }
  await transition(db, event, "DisputeLapsed", t, "Annulled", { escrow: 0n, refunded: t.refunded + refund });
  await releaseLock(db, t, ts, (p) => ({ tasksAnnulled: p.tasksAnnulled + 1 }));
  await bumpStats(db, t.resourceClass, ts, ts, (s) => ({ tasksAnnulled: s.tasksAnnulled + 1 }));
});

// ───────────────────────────── offers ─────────────────────────────

on("TaskMarket:OfferCancelled", async ({ event, context }) => {
  const { provider: who, nonce } = event.args;
  const ts = event.block.timestamp;
  await context.db
    .insert(offer)
    .values({
      id: `${lower(who)}-${nonce}`,
      provider: who,
      nonce,
      resourceClass: null,
      pricePerUnit: null,
      capacity: null,
      expiry: null,
      unitsFilled: 0n,
      tasksAssigned: 0,
      cancelled: true,
      cancelledAt: ts,
      firstSeenAt: ts,
      updatedAt: ts,
    })
    .onConflictDoUpdate((row) => ({ cancelled: true, cancelledAt: row.cancelledAt ?? ts, updatedAt: ts }));
});

on("TaskMarket:OffersCancelledBelow", async ({ event, context }) => {
  const { provider: who, minNonce } = event.args;
  const db = context.db;
  const ts = event.block.timestamp;
  await updateProvider(db, who, ts, () => ({ minOfferNonce: minNonce }));
  // Read with SQL, write through the store (a raw SQL write would drop Ponder's in-memory cache).
  const below = await db.sql
    .select({ id: offer.id })
    .from(offer)
    .where(and(eq(offer.provider, lower(who) as Hex), lt(offer.nonce, minNonce), eq(offer.cancelled, false)));
  for (const { id } of below) {
    await db.update(offer, { id }).set({ cancelled: true, cancelledAt: ts, updatedAt: ts });
  }
});

// ───────────────────────────── fees and configuration ─────────────────────────────

on("TaskMarket:FeesDistributed", async ({ event, context }) => {
  const { toTreasury, toStakers } = event.args;
  await updateProtocol(context.db, event.block.timestamp, (p) => ({
    accruedFees: p.accruedFees - toTreasury - toStakers,
    feesToTreasury: p.feesToTreasury + toTreasury,
    feesToStakers: p.feesToStakers + toStakers,
  }));
});

on("TaskMarket:PriceFeedSet", async ({ event, context }) => {
  const { resourceClass, feed } = event.args;
  const db = context.db;
  // A class has one feed: the previous one (if any) stops serving it.
  const previous = await db.sql
    .select({ id: priceFeed.id })
    .from(priceFeed)
    .where(eq(priceFeed.resourceClass, resourceClass));
  for (const { id } of previous) await db.update(priceFeed, { id }).set({ resourceClass: null });
  if (feed !== ZERO_ADDRESS) await updateFeed(db, feed, () => ({ resourceClass }));
});

on("TaskMarket:ConfigSet");
