/**
 * Test entry for test/subgraph/logic.test.ts: the pure mapping logic (`src/lib`) with JavaScript-friendly
 * signatures (decimal strings for BigInts), plus the value builders. Compiled with graph-cli's
 * AssemblyScript compiler and flags; no store, no graph-node.
 */
import { BigInt } from "@graphprotocol/graph-ts";
import { argsJson, jsonString } from "../src/lib/raw-json";
import {
  SKIP_REASON,
  TASK_STATUS,
  VERIFICATION_MODE,
  activeTaskDelta,
  averagePrice,
  isActiveStatus,
  maxOf,
  minOf,
  nameOf,
  periodStart,
  statId,
  utilisationBps,
  without,
} from "../src/lib/market";

export * from "./values";
export { argsJson, jsonString, isActiveStatus, activeTaskDelta, periodStart, statId };

export function taskStatusName(ordinal: i32): string {
  return nameOf(TASK_STATUS, ordinal);
}

export function skipReasonName(ordinal: i32): string {
  return nameOf(SKIP_REASON, ordinal);
}

export function verificationModeName(ordinal: i32): string {
  return nameOf(VERIFICATION_MODE, ordinal);
}

export function averagePriceOf(assignedValue: string, unitsAssigned: string): string {
  return averagePrice(BigInt.fromString(assignedValue), BigInt.fromString(unitsAssigned)).toString();
}

export function utilisationBpsOf(unitsFilled: string, unitsRequested: string): i32 {
  return utilisationBps(BigInt.fromString(unitsFilled), BigInt.fromString(unitsRequested));
}

/** min/max with an optional current value (`null` from JavaScript = no assignment yet). */
export function minOfStr(current: string | null, value: string): string {
  return minOf(current === null ? null : BigInt.fromString(current), BigInt.fromString(value)).toString();
}

export function maxOfStr(current: string | null, value: string): string {
  return maxOf(current === null ? null : BigInt.fromString(current), BigInt.fromString(value)).toString();
}

/** `without(list.split(","), item).join(",")`. */
export function withoutOf(csv: string, item: string): string {
  return without(csv.length == 0 ? new Array<string>() : csv.split(","), item).join(",");
}
