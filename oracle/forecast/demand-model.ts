/**
 * The demand model's candidate members, fixed in advance for any evenly spaced series with daily and
 * weekly cycles (nothing here is tuned to a particular trace):
 *  1. MSTL + AutoETS at the native step, periods one day and one week;
 *  2. the same on hourly means (temporal aggregation), when a day has a whole number of steps per hour
 *     and more than one;
 *  3. weekly seasonal naive ("same time last week");
 *  4. daily seasonal naive ("same time yesterday").
 * `combineByBacktest` learns their combination weights on a validation window; weight 1 on one member
 * is plain model selection.
 */
import type { AugursMstl } from "./augurs";
import { TemporalAggregationForecaster } from "./aggregation";
import { dailyNaive, weeklyNaive } from "./baselines";
import type { Forecaster } from "./forecaster";
import { MstlEtsForecaster } from "./mstl";
import { assertInteger } from "./series";

/** Fresh, unfitted instances of the candidate members for a series with `stepsPerDay` steps a day. */
export function demandModelMembers(augurs: AugursMstl, stepsPerDay: number): Forecaster[] {
  assertInteger("stepsPerDay", stepsPerDay, 2);
  const week = 7 * stepsPerDay;
  const members: Forecaster[] = [new MstlEtsForecaster(augurs, { periods: [stepsPerDay, week] })];
  const perHour = stepsPerDay / 24;
  if (Number.isInteger(perHour) && perHour > 1) {
    members.push(
      new TemporalAggregationForecaster(
        perHour,
        new MstlEtsForecaster(augurs, { periods: [24, 168] }),
        "hourly-mstl-ets(24,168)",
      ),
    );
  }
  members.push(weeklyNaive(stepsPerDay), dailyNaive(stepsPerDay));
  return members;
}
