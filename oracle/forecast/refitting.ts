/**
 * Refit-on-schedule wrapper: holds a series' history, appends observations as they arrive, refits
 * the model every `refitEvery` observations (or when asked), and forecasts from the latest fit.
 *
 * Between refits the model is stale by `stepsSinceFit` observations. `forecast(h)` stays aligned
 * with "now" by asking the stale model for `h + stepsSinceFit` steps and dropping the first
 * `stepsSinceFit` (which cover observations already seen).
 */
import { ForecastInsufficientHistoryError } from "./errors";
import type { Forecaster } from "./forecaster";
import { assertFinite, assertInteger } from "./series";

export interface RefitOptions {
  /** Refit after this many new observations (≥ 1). */
  readonly refitEvery: number;
  /** Keep only the most recent `maxHistory` observations (default: keep everything). */
  readonly maxHistory?: number;
}

export class RefittingForecaster {
  readonly refitEvery: number;
  readonly maxHistory: number;
  private values: number[];
  /** Observations appended over the wrapper's lifetime (not reduced by `maxHistory` trimming). */
  private observed: number;
  private fittedAt: number | undefined;
  private fits = 0;

  /**
   * @param model the forecaster to refit; owned by this wrapper from now on
   * @param initialHistory observations known up front (oldest first); nothing is fitted yet
   */
  constructor(
    readonly model: Forecaster,
    options: RefitOptions,
    initialHistory: readonly number[] = [],
  ) {
    assertInteger("refitEvery", options.refitEvery, 1);
    if (options.maxHistory !== undefined) assertInteger("maxHistory", options.maxHistory, model.minHistory);
    assertFinite("initialHistory", initialHistory);
    this.refitEvery = options.refitEvery;
    this.maxHistory = options.maxHistory ?? Number.POSITIVE_INFINITY;
    this.values = initialHistory.slice(Math.max(0, initialHistory.length - this.maxHistory));
    this.observed = initialHistory.length;
  }

  /** The retained history, oldest first. */
  get history(): readonly number[] {
    return this.values;
  }

  /** How many times the model has been fitted. */
  get fitCount(): number {
    return this.fits;
  }

  /** Observations appended since the last fit, or `undefined` before the first fit. */
  get stepsSinceFit(): number | undefined {
    return this.fittedAt === undefined ? undefined : this.observed - this.fittedAt;
  }

  /**
   * Appends observations (all or none: a non-finite value rejects the whole batch) and refits when
   * at least `refitEvery` observations have arrived since the last fit. Before the first fit nothing
   * is refitted here; the first `forecast` (or `refit`) fits.
   * @returns whether a refit happened
   */
  append(observations: readonly number[]): boolean {
    assertFinite("observations", observations);
    for (const v of observations) this.values.push(v);
    this.observed += observations.length;
    const excess = this.values.length - this.maxHistory;
    if (excess > 0) this.values.splice(0, excess);
    const since = this.stepsSinceFit;
    if (since !== undefined && since >= this.refitEvery) {
      this.refit();
      return true;
    }
    return false;
  }

  /** Fits the model on the retained history now, whatever the schedule. */
  refit(): void {
    if (this.values.length < this.model.minHistory) {
      throw new ForecastInsufficientHistoryError(this.model.name, this.model.minHistory, this.values.length);
    }
    this.model.fit(this.values);
    this.fittedAt = this.observed;
    this.fits++;
  }

  /** Forecasts the `horizon` values after the last appended observation (fits first if never fitted). */
  forecast(horizon: number): number[] {
    assertInteger("horizon", horizon, 1);
    if (this.fittedAt === undefined) this.refit();
    const lag = this.observed - (this.fittedAt ?? this.observed);
    return lag === 0 ? this.model.predict(horizon) : this.model.predict(horizon + lag).slice(lag);
  }
}
