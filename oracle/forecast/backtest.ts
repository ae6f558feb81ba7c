/**
 * Rolling-origin backtest. At each forecast origin o (every `originStride` steps from `firstOrigin`
 * while a full horizon of actuals remains), each model forecasts `series[o .. o+horizon)` through a
 * {@link RefittingForecaster}: by default refitted at every origin on ALL observations before o
 * (`refitEvery = originStride`); with a longer `refitEvery` the latest fit is reused, as a deployed
 * oracle would between refits. Each origin is scored with sMAPE (percent) and MASE (scale: seasonal
 * naive with period `masePeriod`, in-sample over `series[0 .. o)`). A model's score is the mean over
 * origins.
 *
 * `combineByBacktest` learns the weights of a forecast combination on such a backtest (meant for a
 * validation window that ends before the evaluation window starts).
 */
import { WeightedCombination } from "./combination";
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
  /**
   * Refit every this many steps (a multiple of `originStride`); default `originStride`, i.e. a fresh
   * fit at every origin. Between refits the last fit forecasts from the current origin.
   */
  readonly refitEvery?: number;
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
  const refitEvery = options.refitEvery ?? originStride;
  assertInteger("refitEvery", refitEvery, originStride);
  if (refitEvery % originStride !== 0) {
    throw new ForecastInvalidArgumentError(
      "refitEvery",
      `${refitEvery} is not a multiple of ${originStride}`,
    );
  }
  const wrapped = models.map((m) => new RefittingForecaster(m, { refitEvery }, series.slice(0, origins[0])));
  const scores: OriginScore[][] = models.map(() => []);
  const seconds = models.map(() => 0);

  origins.forEach((origin, i) => {
    const actual = series.slice(origin, origin + horizon);
    const scale = seasonalNaiveScale(series.slice(0, origin), options.masePeriod);
    wrapped.forEach((w, j) => {
      const started = performance.now();
      if (i > 0) w.append(series.slice(origins[i - 1], origin)); // refits once refitEvery values arrived
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
 * The backtest result of the fixed-weight combination Σ_j w_j · model_j, computed exactly from the
 * members' results of one {@link rollingBacktest} (every member forecast each origin from the same
 * history, so no refitting is needed). `seconds` is the sum over members with a non-zero weight.
 */
export function combineResults(
  series: readonly number[],
  results: readonly BacktestResult[],
  weights: readonly number[],
  options: Pick<BacktestOptions, "horizon" | "masePeriod">,
  name: string,
): BacktestResult {
  if (results.length === 0 || weights.length !== results.length) {
    throw new ForecastInvalidArgumentError(
      "weights",
      `${weights.length} weights for ${results.length} results`,
    );
  }
  const origins = results[0].origins.map((o) => o.origin);
  for (const r of results) {
    if (r.origins.length !== origins.length || r.origins.some((o, i) => o.origin !== origins[i])) {
      throw new ForecastInvalidArgumentError("results", `${r.name} was backtested on other origins`);
    }
  }
  const scores: OriginScore[] = origins.map((origin, i) => {
    const forecast = new Array<number>(options.horizon).fill(0);
    results.forEach((r, j) => {
      if (weights[j] !== 0) r.origins[i].forecast.forEach((v, k) => (forecast[k] += weights[j] * v));
    });
    const actual = series.slice(origin, origin + options.horizon);
    return {
      origin,
      forecast,
      smape: smape(actual, forecast),
      mase: mae(actual, forecast) / seasonalNaiveScale(series.slice(0, origin), options.masePeriod),
    };
  });
  return {
    name,
    smape: mean(scores.map((s) => s.smape)),
    mase: mean(scores.map((s) => s.mase)),
    origins: scores,
    seconds: results.reduce((s, r, j) => s + (weights[j] !== 0 ? r.seconds : 0), 0),
  };
}

/**
 * Every weight vector of `members` non-negative multiples of `1/steps` that sum to 1, the vector
 * putting all weight on the first member first (so ties go to earlier members).
 */
export function simplexGrid(members: number, steps: number): number[][] {
  assertInteger("members", members, 1);
  assertInteger("steps", steps, 1);
  const out: number[][] = [];
  const rec = (prefix: number[], left: number): void => {
    if (prefix.length === members - 1) {
      out.push([...prefix, left].map((q) => q / steps));
      return;
    }
    for (let q = left; q >= 0; q--) rec([...prefix, q], left - q);
  };
  rec([], steps);
  return out;
}

export interface CombinationFit {
  /** Learned weights, one per member (multiples of 1/gridSteps, summing to 1). */
  readonly weights: readonly number[];
  /** Mean MASE of the weighted combination on the backtest it was learned on. */
  readonly mase: number;
}

/**
 * The weights on the simplex grid (step `1/gridSteps`) whose combination of the members' backtest
 * forecasts has the lowest mean MASE over the origins (ties: the earlier grid point, see
 * {@link simplexGrid}). A weight of 1 on one member is plain model selection.
 */
export function learnCombinationWeights(
  series: readonly number[],
  results: readonly BacktestResult[],
  options: Pick<BacktestOptions, "horizon" | "masePeriod">,
  gridSteps = 20,
): CombinationFit {
  const m = results.length;
  if (m === 0) throw new ForecastInvalidArgumentError("results", "must not be empty");
  const { horizon } = options;
  const n = results[0].origins.length;
  // Per origin: actuals, member forecasts (member-major), and 1 / (horizon · MASE scale).
  const actual = results[0].origins.map((o) => Float64Array.from(series.slice(o.origin, o.origin + horizon)));
  const forecasts = results[0].origins.map((_, i) => {
    const f = new Float64Array(m * horizon);
    results.forEach((r, j) => f.set(r.origins[i].forecast, j * horizon));
    return f;
  });
  const inverseScale = results[0].origins.map(
    (o) => 1 / (horizon * seasonalNaiveScale(series.slice(0, o.origin), options.masePeriod)),
  );
  let best: CombinationFit | undefined;
  for (const w of simplexGrid(m, gridSteps)) {
    let total = 0;
    for (let i = 0; i < n; i++) {
      const a = actual[i];
      const f = forecasts[i];
      let sum = 0;
      for (let k = 0; k < horizon; k++) {
        let p = 0;
        for (let j = 0; j < m; j++) p += w[j] * f[j * horizon + k];
        sum += Math.abs(a[k] - p);
      }
      total += sum * inverseScale[i];
    }
    const score = total / n;
    if (best === undefined || score < best.mase) best = { weights: w, mase: score };
  }
  if (best === undefined) throw new ForecastInvalidArgumentError("results", "no weights evaluated");
  return best;
}

export interface Combination extends CombinationFit {
  /** The combination of the given member instances with the learned weights. */
  readonly model: WeightedCombination;
  /** The members' backtest results the weights were learned on. */
  readonly results: readonly BacktestResult[];
  /** The combination's own backtest result on the same origins. */
  readonly combined: BacktestResult;
}

/**
 * Backtests every member, then learns combination weights on that backtest (lowest mean MASE on the
 * simplex grid) — meant for a validation window that ends before the evaluation window starts.
 */
export function combineByBacktest(
  series: readonly number[],
  members: readonly Forecaster[],
  options: BacktestOptions,
  gridSteps = 20,
  name?: string,
): Combination {
  if (members.length === 0) throw new ForecastInvalidArgumentError("members", "must not be empty");
  const results = rollingBacktest(series, members, options);
  const fit = learnCombinationWeights(series, results, options, gridSteps);
  const model = new WeightedCombination(members, fit.weights, name);
  return {
    ...fit,
    model,
    results,
    combined: combineResults(series, results, fit.weights, options, model.name),
  };
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
