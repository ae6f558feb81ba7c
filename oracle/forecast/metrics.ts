/**
 * Forecast accuracy metrics.
 *
 * sMAPE (symmetric mean absolute percentage error), in PERCENT, range [0, 200]:
 *
 *     sMAPE = 100/n · Σ_t 2·|y_t − ŷ_t| / (|y_t| + |ŷ_t|)      (a term with y_t = ŷ_t = 0 counts as 0)
 *
 * This is the M3/M4-competition definition. Percent is the only reading under which a target such as
 * "sMAPE ≤ 1.75" is meaningful for the Azure CPU trace: its values are aggregate CPU usage around
 * 6·10⁶, so a fractional 1.75 would be an error of 175 %.
 *
 * MASE (mean absolute scaled error), unitless:
 *
 *     MASE = MAE(forecast) / MAE_in-sample(seasonal naive with period m)
 *     MAE_in-sample = 1/(T−m) · Σ_{t=m}^{T−1} |y_t − y_{t−m}|     over the training history y_0..y_{T−1}
 *
 * With m = one week of steps (2016 at 5 minutes) a MASE below 1 means the forecast beats, on the
 * horizon, the in-sample error of "same time last week".
 */
import { ForecastInvalidArgumentError } from "./errors";
import { assertFinite, assertInteger } from "./series";

function assertSameLength(actual: ArrayLike<number>, forecast: ArrayLike<number>): void {
  if (actual.length !== forecast.length) {
    throw new ForecastInvalidArgumentError(
      "forecast",
      `length ${forecast.length} differs from actual length ${actual.length}`,
    );
  }
  if (actual.length === 0) throw new ForecastInvalidArgumentError("actual", "must not be empty");
  assertFinite("actual", actual);
  assertFinite("forecast", forecast);
}

/** Symmetric MAPE in percent (see the module comment for the exact definition). */
export function smape(actual: ArrayLike<number>, forecast: ArrayLike<number>): number {
  assertSameLength(actual, forecast);
  let sum = 0;
  for (let i = 0; i < actual.length; i++) {
    const denominator = Math.abs(actual[i]) + Math.abs(forecast[i]);
    if (denominator > 0) sum += (2 * Math.abs(actual[i] - forecast[i])) / denominator;
  }
  return (100 * sum) / actual.length;
}

/** Mean absolute error. */
export function mae(actual: ArrayLike<number>, forecast: ArrayLike<number>): number {
  assertSameLength(actual, forecast);
  let sum = 0;
  for (let i = 0; i < actual.length; i++) sum += Math.abs(actual[i] - forecast[i]);
  return sum / actual.length;
}

/**
 * In-sample MAE of the seasonal naive method with period `period` over `history` — the MASE scale.
 * Throws when the history is not longer than one period or when the scale is zero (a perfectly
 * periodic history, for which MASE is undefined).
 */
export function seasonalNaiveScale(history: ArrayLike<number>, period: number): number {
  assertInteger("period", period, 1);
  if (history.length <= period) {
    throw new ForecastInvalidArgumentError(
      "history",
      `MASE scale with period ${period} needs more than ${period} observations, got ${history.length}`,
    );
  }
  assertFinite("history", history);
  let sum = 0;
  for (let t = period; t < history.length; t++) sum += Math.abs(history[t] - history[t - period]);
  const scale = sum / (history.length - period);
  if (scale === 0) {
    throw new ForecastInvalidArgumentError(
      "history",
      `seasonal naive in-sample error is zero; MASE undefined`,
    );
  }
  return scale;
}

/** MASE of `forecast` against `actual`, scaled by the seasonal naive in-sample MAE over `history`. */
export function mase(
  actual: ArrayLike<number>,
  forecast: ArrayLike<number>,
  history: ArrayLike<number>,
  period: number,
): number {
  return mae(actual, forecast) / seasonalNaiveScale(history, period);
}
