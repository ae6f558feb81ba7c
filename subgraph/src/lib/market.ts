/**
 * Pure market logic shared by the mappings, the same rules as the Ponder indexer's `indexer/src/lib.ts`
 * and `market.ts`: Solidity enum names, active/terminal statuses, statistic buckets and derived columns.
 * No store access here (only graph-ts BigInt arithmetic), so test/subgraph/logic.test.ts runs it as wasm.
 */
import { BigInt } from "@graphprotocol/graph-ts";

/** `ITaskMarket.Status` names by ordinal. */
export const TASK_STATUS: Array<string> = [
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
];

/** `ITaskMarket.SkipReason` names by ordinal. */
export const SKIP_REASON: Array<string> = [
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
];

/** `ITaskMarket.VerificationMode` names by ordinal. */
export const VERIFICATION_MODE: Array<string> = ["OPTIMISTIC", "ZK"];

export const HOUR: i64 = 3600;
export const DAY: i64 = 86400;

/** `names[ordinal]`, or the ordinal in decimal when out of range (Ponder: `NAMES[i] ?? String(i)`). */
export function nameOf(names: Array<string>, ordinal: i32): string {
  return ordinal >= 0 && ordinal < names.length ? names[ordinal] : ordinal.toString();
}

/** Statuses that still hold funds (Open, Assigned, Submitted, Disputed); every other status is terminal. */
export function isActiveStatus(status: string): bool {
  return status == "Open" || status == "Assigned" || status == "Submitted" || status == "Disputed";
}

/** Change of the protocol's active-task count when a task moves `from` → `to`. */
export function activeTaskDelta(from: string, to: string): i32 {
  return (isActiveStatus(to) ? 1 : 0) - (isActiveStatus(from) ? 1 : 0);
}

/** Start of the period of `size` seconds containing `timestamp` (unix seconds ≥ 0). */
export function periodStart(timestamp: i64, size: i64): i64 {
  return timestamp - (timestamp % size);
}

/** Id of a market statistics row: `<resourceClass>-<periodStart>`. */
export function statId(resourceClass: i32, start: i64): string {
  return resourceClass.toString() + "-" + start.toString();
}

/** Volume-weighted average price per unit: `assignedValue / unitsAssigned`, rounded down; 0 without units. */
export function averagePrice(assignedValue: BigInt, unitsAssigned: BigInt): BigInt {
  return unitsAssigned.isZero() ? BigInt.zero() : assignedValue.div(unitsAssigned);
}

/** `unitsFilled × 10 000 / unitsRequested`, rounded down; 0 when nothing was requested. */
export function utilisationBps(unitsFilled: BigInt, unitsRequested: BigInt): i32 {
  if (unitsRequested.isZero()) return 0;
  return unitsFilled.times(BigInt.fromI32(10000)).div(unitsRequested).toI32();
}

/** The smaller of an optional current minimum and `value`. */
export function minOf(current: BigInt | null, value: BigInt): BigInt {
  if (current === null) return value;
  return value.lt(current) ? value : current;
}

/** The larger of an optional current maximum and `value`. */
export function maxOf(current: BigInt | null, value: BigInt): BigInt {
  if (current === null) return value;
  return value.gt(current) ? value : current;
}

/** Offer id: `<lowercase provider>-<nonce>`. */
export function offerId(providerHex: string, nonce: string): string {
  return providerHex + "-" + nonce;
}

/** Event row id: `<txHash>-<logIndex>` (log index within the block). */
export function eventRowId(txHashHex: string, logIndex: string): string {
  return txHashHex + "-" + logIndex;
}

/** `list` without the first occurrence of `item` (unchanged when absent). */
export function without(list: Array<string>, item: string): Array<string> {
  const out = new Array<string>();
  let removed = false;
  for (let i = 0; i < list.length; i++) {
    if (!removed && list[i] == item) removed = true;
    else out.push(list[i]);
  }
  return out;
}

/** Selector of `assignBatch((uint256,(address,uint8,uint96,uint32,uint64,uint64),bytes)[])`. */
export const ASSIGN_BATCH_SELECTOR = "0x197838f3";
