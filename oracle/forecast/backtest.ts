/**
 * Rolling-origin backtest. At each forecast origin o (every `originStride` steps from `firstOrigin`
 * while a full horizon of actuals remains), each model is fitted on ALL observations before o —
 * through a {@link RefittingForecaster} with `refitEvery = originStride` — forecasts
 * `series[o .. o+horizon)`, and is scored with sMAPE (percent) and MASE (scale: seasonal naive with
 * period `masePeriod`, in-sample over `series[0 .. o)`). A model's score is the mean over origins.
 */
import { ForecastInvalidArgumentError } from "./errors";
import type { Forecaster } from "./forecaster";
import { mae, seasonalNaiveScale, smape } from "./metrics";
import { RefittingForecaster } from "./refitting";
import { assertFinite, assertInteger } from "./series";

export interface BacktestOptions {
  /** Steps forecast at each origin (288 = one day at 5-minute steps). */
  readonly horizon: number;
  /** Index of the first origin: the first forecast covers `series[firstOrigin ..]`. */
  readonly firstOrigin: number;
  /** Last allowed origin (inclusive); default and maximum `series.length - horizon`. */
  readonly lastOrigin?: number;
  /** Steps between consecutive origins. */
  readonly originStride: number;
  /** Season length of the MASE scale (weekly: 7 × steps per day). */
  readonly masePeriod: number;
  /** Called after each origin has been forecast by every model. */
  readonly onProgress?: (done: number, total: number, origin: number) => void;
}

export interface OriginScore {
  readonly origin: number;
  readonly smape: number;
  readonly mase: number;
  readonly forecast: readonly number[];
}

export interface BacktestResult {
  readonly name: string;
  /** Mean sMAPE over origins, percent. */
  readonly smape: number;
  /** Mean MASE over origins. */
  readonly mase: number;
  readonly origins: readonly OriginScore[];
  /** Wall-clock seconds spent fitting and predicting this model. */
  readonly seconds: number;
}

/** The origins a backtest with these options visits, in order. */
export function backtestOrigins(seriesLength: number, options: BacktestOptions): number[] {
  assertInteger("horizon", options.horizon, 1);
  assertInteger("originStride", options.originStride, 1);
  assertInteger("firstOrigin", options.firstOrigin, 1);
  const last = Math.min(options.lastOrigin ?? Number.POSITIVE_INFINITY, seriesLength - options.horizon);
  if (options.firstOrigin > last) {
    throw new ForecastInvalidArgumentError(
      "firstOrigin",
      `${options.firstOrigin} leaves no origin with a full horizon of ${options.horizon} (last allowed ${last})`,
    );
  }
  const origins: number[] = [];
  for (let o = options.firstOrigin; o <= last; o += options.originStride) origins.push(o);
  return origins;
}

/** Runs the rolling-origin backtest of every model (distinct instances) over `series`. */
export function rollingBacktest(
  series: readonly number[],
  models: readonly Forecaster[],
  options: BacktestOptions,
): BacktestResult[] {
  assertFinite("series", series);
  assertInteger("masePeriod", options.masePeriod, 1);
  const origins = backtestOrigins(series.length, options);
  const { horizon, originStride } = options;
  const wrapped = models.map(
    (m) => new RefittingForecaster(m, { refitEvery: originStride }, series.slice(0, origins[0])),
  );
  const scores: OriginScore[][] = models.map(() => []);
  const seconds = models.map(() => 0);

  origins.forEach((origin, i) => {
    const actual = series.slice(origin, origin + horizon);
    const scale = seasonalNaiveScale(series.slice(0, origin), options.masePeriod);
    wrapped.forEach((w, j) => {
      const started = performance.now();
      if (i > 0) w.append(series.slice(origins[i - 1], origin)); // refits: exactly originStride new values
      const forecast = w.forecast(horizon);
      seconds[j] += (performance.now() - started) / 1000;
      scores[j].push({
        origin,
        forecast,
        smape: smape(actual, forecast),
        mase: mae(actual, forecast) / scale,
      });
    });
    options.onProgress?.(i + 1, origins.length, origin);
  });

  return models.map((m, j) => ({
    name: m.name,
    smape: mean(scores[j].map((s) => s.smape)),
    mase: mean(scores[j].map((s) => s.mase)),
    origins: scores[j],
    seconds: seconds[j],
  }));
}

export interface Selection {
  readonly winner: Forecaster;
  readonly results: readonly BacktestResult[];
}

/**
 * Picks the candidate with the lowest mean MASE (ties: lower sMAPE, then earlier in the list) on a
 * rolling backtest — meant for a validation window that ends before the evaluation window starts.
 */
export function selectByBacktest(
  series: readonly number[],
  candidates: readonly Forecaster[],
  options: BacktestOptions,
): Selection {
  if (candidates.length === 0) throw new ForecastInvalidArgumentError("candidates", "must not be empty");
  const results = rollingBacktest(series, candidates, options);
  let best = 0;
  for (let j = 1; j < results.length; j++) {
    const a = results[j];
    const b = results[best];
    if (a.mase < b.mase || (a.mase === b.mase && a.smape < b.smape)) best = j;
  }
  return { winner: candidates[best], results };
}

/**
 * One continuous forecast path for plotting: origins are taken greedily, each at least `horizon`
 * after the previous; each contributes its forecast up to the next taken origin. Positions not
 * covered (gaps, or before the first origin) are `NaN`. Index 0 of the result is `from`.
 */
export function stitchForecasts(result: BacktestResult, from: number, to: number, horizon: number): number[] {
  const path = new Array<number>(to - from).fill(Number.NaN);
  let nextAllowed = Number.NEGATIVE_INFINITY;
  for (const s of result.origins) {
    if (s.origin < nextAllowed) continue;
    nextAllowed = s.origin + horizon;
    s.forecast.forEach((v, k) => {
      const t = s.origin + k - from;
      if (t >= 0 && t < path.length) path[t] = v;
    });
  }
  return path;
}

function mean(values: readonly number[]): number {
  return values.reduce((s, v) => s + v, 0) / values.length;
}
