/**
 * Hourly and daily market statistics per resource class (Ponder: `bumpStats`). A {@link StatDelta}
 * says what an event adds; both periods containing `periodTime` get it, then the derived columns
 * (average price, utilisation) are recomputed from the sums.
 */
import { BigInt } from "@graphprotocol/graph-ts";
import { MarketStatDay, MarketStatHour } from "../../generated/schema";
import { DAY, HOUR, averagePrice, maxOf, minOf, periodStart, statId, utilisationBps } from "../lib/market";

/** What one event adds to a statistics row (zero by default). */
export class StatDelta {
  tasksCreated: i32 = 0;
  unitsRequested: BigInt = BigInt.zero();
  tasksAssigned: i32 = 0;
  unitsAssigned: BigInt = BigInt.zero();
  assignedValue: BigInt = BigInt.zero();
  /** An agreed price to fold into min/max (none when null). */
  price: BigInt | null = null;
  tasksCompleted: i32 = 0;
  volume: BigInt = BigInt.zero();
  fees: BigInt = BigInt.zero();
  tasksFailed: i32 = 0;
  tasksExpired: i32 = 0;
  tasksCancelled: i32 = 0;
  tasksRejected: i32 = 0;
  tasksAnnulled: i32 = 0;
  slashed: BigInt = BigInt.zero();
  unitsFilled: BigInt = BigInt.zero();
}

function init<T>(row: T, resourceClass: i32, start: i64): void {
  const zero = BigInt.zero();
  row.resourceClass = resourceClass;
  row.periodStart = BigInt.fromI64(start);
  row.tasksCreated = 0;
  row.unitsRequested = zero;
  row.tasksAssigned = 0;
  row.unitsAssigned = zero;
  row.assignedValue = zero;
  row.averagePrice = zero;
  row.tasksCompleted = 0;
  row.volume = zero;
  row.fees = zero;
  row.tasksFailed = 0;
  row.tasksExpired = 0;
  row.tasksCancelled = 0;
  row.tasksRejected = 0;
  row.tasksAnnulled = 0;
  row.slashed = zero;
  row.unitsFilled = zero;
  row.utilisationBps = 0;
  row.updatedAt = zero;
}

function apply<T>(row: T, d: StatDelta, updatedAt: BigInt): void {
  row.tasksCreated = row.tasksCreated + d.tasksCreated;
  row.unitsRequested = row.unitsRequested.plus(d.unitsRequested);
  row.tasksAssigned = row.tasksAssigned + d.tasksAssigned;
  row.unitsAssigned = row.unitsAssigned.plus(d.unitsAssigned);
  row.assignedValue = row.assignedValue.plus(d.assignedValue);
  const price = d.price;
  if (price !== null) {
    row.minPrice = minOf(row.minPrice, price);
    row.maxPrice = maxOf(row.maxPrice, price);
  }
  row.tasksCompleted = row.tasksCompleted + d.tasksCompleted;
  row.volume = row.volume.plus(d.volume);
  row.fees = row.fees.plus(d.fees);
  row.tasksFailed = row.tasksFailed + d.tasksFailed;
  row.tasksExpired = row.tasksExpired + d.tasksExpired;
  row.tasksCancelled = row.tasksCancelled + d.tasksCancelled;
  row.tasksRejected = row.tasksRejected + d.tasksRejected;
  row.tasksAnnulled = row.tasksAnnulled + d.tasksAnnulled;
  row.slashed = row.slashed.plus(d.slashed);
  row.unitsFilled = row.unitsFilled.plus(d.unitsFilled);
  row.averagePrice = averagePrice(row.assignedValue, row.unitsAssigned);
  row.utilisationBps = utilisationBps(row.unitsFilled, row.unitsRequested);
  row.updatedAt = updatedAt;
}

/** Adds `d` to the hour and the day of `resourceClass` containing `periodTime`. */
export function bumpStats(resourceClass: i32, periodTime: BigInt, updatedAt: BigInt, d: StatDelta): void {
  const ts = periodTime.toI64();

  const hourStart = periodStart(ts, HOUR);
  const hourId = statId(resourceClass, hourStart);
  let hour = MarketStatHour.load(hourId);
  if (hour == null) {
    hour = new MarketStatHour(hourId);
    init<MarketStatHour>(hour, resourceClass, hourStart);
  }
  apply<MarketStatHour>(hour, d, updatedAt);
  hour.save();

  const dayStart = periodStart(ts, DAY);
  const dayId = statId(resourceClass, dayStart);
  let day = MarketStatDay.load(dayId);
  if (day == null) {
    day = new MarketStatDay(dayId);
    init<MarketStatDay>(day, resourceClass, dayStart);
  }
  apply<MarketStatDay>(day, d, updatedAt);
  day.save();
}
