/**
 * Helpers shared by the handlers: event identity and metadata, the raw event log, and upserts of the
 * aggregate rows (protocol totals, market statistics, accounts).
 */
import { ponder, type Context, type EventNames, type IndexingFunctionArgs } from "ponder:registry";
import { account, marketStatDay, marketStatHour, protocol, rawEvent } from "ponder:schema";
import { contractNameByAddress } from "./deployment";

export type Db = Context["db"];
type Hex = `0x${string}`;

/** What every log event carries (block, transaction, log). */
export interface LogEvent {
  args?: unknown;
  block: { number: bigint; timestamp: bigint };
  transaction: { hash: Hex };
  log: { address: Hex; logIndex: number };
}

/** Solidity `ITaskMarket.Status` names, by ordinal. */
export const TASK_STATUS = [
  "Open",
  "Assigned",
  "Submitted",
  "Disputed",
  "Completed",
  "Failed",
  "Expired",
  "Cancelled",
  "Annulled",
  "Rejected",
] as const;
export type TaskStatus = (typeof TASK_STATUS)[number];

/** Statuses that still hold funds. */
export const ACTIVE_STATUSES: ReadonlySet<string> = new Set(["Open", "Assigned", "Submitted", "Disputed"]);

/** Solidity `ITaskMarket.SkipReason` names, by ordinal. */
export const SKIP_REASON = [
  "None",
  "TaskNotOpen",
  "AssignmentClosed",
  "OfferExpired",
  "ResourceClassMismatch",
  "PriceAboveMax",
  "SelfDealing",
  "OfferCancelled",
  "CapacityExceeded",
  "InvalidSignature",
  "ReputationTooLow",
  "NotRegistered",
  "Jailed",
  "ClassNotSupported",
  "BelowMinStake",
  "InsufficientFreeStake",
] as const;

export const VERIFICATION_MODE = ["OPTIMISTIC", "ZK"] as const;

export const ZERO_ADDRESS = "0x0000000000000000000000000000000000000000";
export const HOUR = 3_600n;
export const DAY = 86_400n;

/** Id of an event row: `<txHash>-<logIndex>` (the same in the subgraph). */
export const eventId = (e: LogEvent): string => `${e.transaction.hash}-${e.log.logIndex}`;

/** Block number, timestamp and transaction hash of an event. */
export const meta = (e: LogEvent) => ({
  blockNumber: e.block.number,
  timestamp: e.block.timestamp,
  txHash: e.transaction.hash,
});

/** Lowercase address, used in ids. */
export const lower = (a: string): string => a.toLowerCase();

const jsonReplacer = (_key: string, value: unknown) => (typeof value === "bigint" ? value.toString() : value);

/** Appends the event to `rawEvent` (every event of every contract goes through here). */
export async function recordRaw(db: Db, e: LogEvent, eventName: string): Promise<void> {
  const address = lower(e.log.address);
  await db.insert(rawEvent).values({
    id: eventId(e),
    contract: contractNameByAddress.get(address) ?? address,
    address: e.log.address,
    event: eventName,
    args: JSON.stringify(e.args ?? {}, jsonReplacer),
    blockNumber: e.block.number,
    timestamp: e.block.timestamp,
    txHash: e.transaction.hash,
    logIndex: e.log.logIndex,
  });
}

/**
 * Registers a handler that records the raw event and then runs `fn` (if any). Every `ponder.on` of the
 * indexer goes through this, so no event reaches a table without also reaching `rawEvent`.
 */
export function on<N extends EventNames>(
  name: N,
  fn?: (args: IndexingFunctionArgs<N>) => Promise<void>,
): void {
  const eventName = name.slice(name.indexOf(":") + 1).replace(/\(.*$/, "");
  ponder.on(name, (async (args: IndexingFunctionArgs<N>) => {
    await recordRaw(args.context.db, args.event as unknown as LogEvent, eventName);
    if (fn) await fn(args);
  }) as Parameters<typeof ponder.on<N>>[1]);
}

/**
 * A plain copy of a row read with `db.find`. Ponder returns a copy-on-write proxy over its cached row, and
 * `db.update` replaces that row's fields in place: a value read from the proxy after an update of the same
 * row is the new one. Handlers that compare before and after (or read a row after updating it) snapshot it.
 */
export function snapshot<T extends object>(row: T | null | undefined): T | undefined {
  return row ? { ...row } : undefined;
}

// ───────────────────────────── protocol totals ─────────────────────────────

export type ProtocolRow = typeof protocol.$inferSelect;
const PROTOCOL_ID = "global";

function emptyProtocol(): ProtocolRow {
  return {
    id: PROTOCOL_ID,
    claiTotalSupply: 0n,
    claiHolders: 0,
    providerCount: 0,
    taskCount: 0,
    activeTaskCount: 0,
    escrowHeld: 0n,
    totalVolume: 0n,
    totalFees: 0n,
    accruedFees: 0n,
    feesToTreasury: 0n,
    feesToStakers: 0n,
    totalStaked: 0n,
    totalUnbonding: 0n,
    totalSlashed: 0n,
    rewardsDistributed: 0n,
    rewardsClaimed: 0n,
    proposalCount: 0,
    reputationInitialScore: 0,
    updatedAt: 0n,
  };
}

/** The protocol row (created with zeros on first use). */
export async function getProtocol(db: Db): Promise<ProtocolRow> {
  return snapshot(await db.find(protocol, { id: PROTOCOL_ID })) ?? emptyProtocol();
}

/** Applies `patch` (computed from the current row) to the protocol row. */
export async function updateProtocol(
  db: Db,
  timestamp: bigint,
  patch: (row: ProtocolRow) => Partial<Omit<ProtocolRow, "id">>,
): Promise<void> {
  const existing = snapshot(await db.find(protocol, { id: PROTOCOL_ID }));
  const row = existing ?? emptyProtocol();
  const next = { ...patch(row), updatedAt: timestamp };
  if (existing) await db.update(protocol, { id: PROTOCOL_ID }).set(next);
  else await db.insert(protocol).values({ ...row, ...next });
}

// ───────────────────────────── market statistics ─────────────────────────────

export type StatRow = typeof marketStatHour.$inferSelect;
type StatPatch = (row: StatRow) => Partial<Omit<StatRow, "id" | "resourceClass" | "periodStart">>;

function emptyStat(id: string, resourceClass: number, periodStart: bigint): StatRow {
  return {
    id,
    resourceClass,
    periodStart,
    tasksCreated: 0,
    unitsRequested: 0n,
    tasksAssigned: 0,
    unitsAssigned: 0n,
    assignedValue: 0n,
    averagePrice: 0n,
    minPrice: null,
    maxPrice: null,
    tasksCompleted: 0,
    volume: 0n,
    fees: 0n,
    tasksFailed: 0,
    tasksExpired: 0,
    tasksCancelled: 0,
    tasksRejected: 0,
    tasksAnnulled: 0,
    slashed: 0n,
    unitsFilled: 0n,
    utilisationBps: 0,
    updatedAt: 0n,
  };
}

/** Recomputes the derived columns (average price, utilisation) after a patch. */
function derive(row: StatRow): StatRow {
  return {
    ...row,
    averagePrice: row.unitsAssigned === 0n ? 0n : row.assignedValue / row.unitsAssigned,
    utilisationBps: row.unitsRequested === 0n ? 0 : Number((row.unitsFilled * 10_000n) / row.unitsRequested),
  };
}

/**
 * Applies `patch` to the hourly and daily statistics of `resourceClass` for the period containing
 * `periodTime` (the event's block time, or a task's creation time for the cohort columns).
 */
export async function bumpStats(
  db: Db,
  resourceClass: number,
  periodTime: bigint,
  updatedAt: bigint,
  patch: StatPatch,
): Promise<void> {
  for (const [table, size] of [
    [marketStatHour, HOUR],
    [marketStatDay, DAY],
  ] as const) {
    const periodStart = periodTime - (periodTime % size);
    const id = `${resourceClass}-${periodStart}`;
    const existing = snapshot(await db.find(table, { id }));
    const row = existing ?? emptyStat(id, resourceClass, periodStart);
    const next = derive({ ...row, ...patch(row), updatedAt });
    if (existing) {
      const { id: _id, resourceClass: _rc, periodStart: _ps, ...changes } = next;
      await db.update(table, { id }).set(changes);
    } else {
      await db.insert(table).values(next);
    }
  }
}

/** min/max of an optional bigint and a value. */
export const minOf = (a: bigint | null, b: bigint): bigint => (a === null || b < a ? b : a);
export const maxOf = (a: bigint | null, b: bigint): bigint => (a === null || b > a ? b : a);

// ───────────────────────────── accounts ─────────────────────────────

export type AccountRow = typeof account.$inferSelect;

/** Applies `patch` to a CLAI account (created with a zero balance on first use). */
export async function updateAccount(
  db: Db,
  address: Hex,
  patch: (row: AccountRow) => Partial<Omit<AccountRow, "id" | "address">>,
): Promise<{ before: AccountRow; after: AccountRow }> {
  const id = lower(address);
  const existing = snapshot(await db.find(account, { id }));
  const before: AccountRow = existing ?? {
    id,
    address,
    balance: 0n,
    delegate: null,
    votes: 0n,
    transferCount: 0,
  };
  const changes = patch(before);
  const after = { ...before, ...changes };
  if (existing) await db.update(account, { id }).set(changes);
  else await db.insert(account).values(after);
  return { before, after };
}
