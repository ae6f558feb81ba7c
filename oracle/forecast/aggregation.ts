/**
 * Temporal aggregation (Kourentzes et al., "Improving forecasting by estimating time series structural
 * components across multiple frequencies", IJF 2014; Athanasopoulos et al., "Forecasting with temporal
 * hierarchies", EJOR 2017): fit a model on non-overlapping means of `factor` consecutive steps (e.g.
 * hourly means of a 5-minute series) and spread each aggregate forecast back over its `factor` steps.
 *
 * Buckets are aligned to the END of the history, so the last bucket holds the latest observations and
 * forecast bucket j covers steps `j·factor .. j·factor + factor − 1` after it; the oldest
 * `history.length mod factor` observations are dropped. The coarser series has less noise per step, so
 * the inner model's level and trend react less to the last few observations — useful on its own and,
 * above all, as a second, partly independent member of a combination with the full-resolution model.
 */
import { ForecastNotFittedError } from "./errors";
import type { Forecaster } from "./forecaster";
import { assertFinite, assertInteger, assertLength } from "./series";

export class TemporalAggregationForecaster implements Forecaster {
  readonly name: string;
  readonly minHistory: number;
  private fitted = false;

  /**
   * @param factor steps per bucket (≥ 1; 12 turns 5-minute steps into hours)
   * @param inner model of the aggregated series; its periods must be in buckets (e.g. 24 and 168)
   * @param name report name; defaults to `agg<factor>(<inner name>)`
   */
  constructor(
    readonly factor: number,
    readonly inner: Forecaster,
    name?: string,
  ) {
    assertInteger("factor", factor, 1);
    this.minHistory = factor * inner.minHistory;
    this.name = name ?? `agg${factor}(${inner.name})`;
  }

  fit(history: readonly number[]): void {
    assertLength(this.name, history, this.minHistory);
    assertFinite(this.name, history);
    this.inner.fit(aggregateMeans(history, this.factor));
    this.fitted = true;
  }

  predict(horizon: number): number[] {
    assertInteger("horizon", horizon, 1);
    if (!this.fitted) throw new ForecastNotFittedError(this.name);
    const buckets = this.inner.predict(Math.ceil(horizon / this.factor));
    return Array.from({ length: horizon }, (_, k) => buckets[Math.floor(k / this.factor)]);
  }
}

/** Means of consecutive `factor`-step buckets, aligned to the end (leading remainder dropped). */
export function aggregateMeans(values: readonly number[], factor: number): number[] {
  assertInteger("factor", factor, 1);
  const out: number[] = [];
  for (let start = values.length % factor; start + factor <= values.length; start += factor) {
    let sum = 0;
    for (let j = 0; j < factor; j++) sum += values[start + j];
    out.push(sum / factor);
  }
  return out;
}
