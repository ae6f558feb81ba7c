/**
 * Demand per resource class: units of created tasks binned into fixed intervals of chain time, and the
 * forecaster stack the node fits on them.
 *
 * Binning: a task created in a block with timestamp t belongs to bin ⌊t / intervalSec⌋. A bin is closed
 * (handed to the forecaster) once the chain head's timestamp — or the wall clock minus a settle margin,
 * on an idle chain — has passed its end. An event whose bin is already closed (a block timestamped late)
 * is counted in the oldest open bin rather than lost.
 *
 * Forecasting: MSTL + AutoETS (oracle/forecast) with daily and weekly seasonality once two weeks of history
 * exist, daily-only MSTL once two days exist, and before that the mean of the last horizon's worth of bins
 * (a new market has no seasonality to learn yet). {@link FallbackForecaster} picks the richest model the history supports.
 */
import {
  ForecastError,
  MstlEtsForecaster,
  type AugursMstl,
  type Forecaster,
  type ForecasterFactory,
} from "../forecast";

/** Serialisable state of a {@link DemandSeries}. */
export interface DemandSeriesState {
  intervalSec: number;
  /** Index of the oldest open bin. */
  nextBin: number;
  /** Open bins with units, `[bin, units]`. */
  open: [number, number][];
}

export class DemandSeries {
  private readonly openBins = new Map<number, number>();
  private next: number;

  /**
   * @param intervalSec bin length in seconds
   * @param startSec the series starts at the bin holding this time (e.g. the market's deployment)
   */
  constructor(
    readonly intervalSec: number,
    startSec: number,
  ) {
    if (!Number.isInteger(intervalSec) || intervalSec < 1)
      throw new RangeError(`bad intervalSec ${intervalSec}`);
    this.next = Math.floor(startSec / intervalSec);
  }

  static fromState(state: DemandSeriesState): DemandSeries {
    const s = new DemandSeries(state.intervalSec, state.nextBin * state.intervalSec);
    for (const [bin, units] of state.open) s.openBins.set(bin, units);
    return s;
  }

  toState(): DemandSeriesState {
    return { intervalSec: this.intervalSec, nextBin: this.next, open: [...this.openBins.entries()] };
  }

  /** Index of the oldest open bin. */
  get nextBin(): number {
    return this.next;
  }

  /** Start (unix seconds) of the oldest open bin. */
  get openSince(): number {
    return this.next * this.intervalSec;
  }

  /** Adds `units` created at `timestampSec`. */
  add(timestampSec: number, units: number): void {
    const bin = Math.max(this.next, Math.floor(timestampSec / this.intervalSec));
    this.openBins.set(bin, (this.openBins.get(bin) ?? 0) + units);
  }

  /** Closes every bin that ended at or before `untilSec` and returns their totals, oldest first. */
  close(untilSec: number): number[] {
    const out: number[] = [];
    while ((this.next + 1) * this.intervalSec <= untilSec) {
      out.push(this.openBins.get(this.next) ?? 0);
      this.openBins.delete(this.next);
      this.next++;
    }
    return out;
  }
}

/** Forecasts the mean of the last `window` observations (all of them when fewer). */
export class MovingAverageForecaster implements Forecaster {
  readonly name: string;
  readonly minHistory = 1;
  private mean: number | undefined;

  constructor(readonly window: number) {
    if (!Number.isInteger(window) || window < 1) throw new RangeError(`bad window ${window}`);
    this.name = `moving-average(${window})`;
  }

  fit(history: readonly number[]): void {
    if (history.length === 0) throw new RangeError("moving average needs at least one observation");
    const tail = history.slice(-this.window);
    this.mean = tail.reduce((a, b) => a + b, 0) / tail.length;
  }

  predict(horizon: number): number[] {
    if (this.mean === undefined) throw new RangeError("moving average: predict before fit");
    return new Array<number>(horizon).fill(this.mean);
  }
}

/**
 * Uses `primary` when the history is long enough for it and it fits without error, `fallback` otherwise.
 * `active` names the model used by the latest fit; `lastError` keeps the primary's latest failure.
 */
export class FallbackForecaster implements Forecaster {
  readonly name: string;
  readonly minHistory: number;
  private current: Forecaster | undefined;
  private error: ForecastError | undefined;
  private history: readonly number[] = [];

  constructor(
    readonly primary: Forecaster,
    readonly fallback: Forecaster,
  ) {
    this.name = `${primary.name} | ${fallback.name}`;
    this.minHistory = Math.min(primary.minHistory, fallback.minHistory);
  }

  get active(): string | undefined {
    return this.current instanceof FallbackForecaster ? this.current.active : this.current?.name;
  }

  get lastError(): ForecastError | undefined {
    return this.error;
  }

  fit(history: readonly number[]): void {
    this.history = history.slice();
    if (history.length >= this.primary.minHistory) {
      try {
        this.primary.fit(history);
        this.current = this.primary;
        this.error = undefined;
        return;
      } catch (err) {
        if (!(err instanceof ForecastError)) throw err;
        this.error = err;
      }
    }
    this.fallback.fit(history);
    this.current = this.fallback;
  }

  /** Predicts with the active model; when the primary fails here (e.g. a non-finite forecast), falls back. */
  predict(horizon: number): number[] {
    if (this.current === undefined) throw new RangeError(`${this.name}: predict before fit`);
    if (this.current !== this.primary) return this.current.predict(horizon);
    try {
      return this.primary.predict(horizon);
    } catch (err) {
      if (!(err instanceof ForecastError)) throw err;
      this.error = err;
      this.fallback.fit(this.history);
      this.current = this.fallback;
      return this.fallback.predict(horizon);
    }
  }
}

/**
 * The node's default demand model at `intervalSec` steps: MSTL+AutoETS (daily + weekly) → MSTL+AutoETS
 * (daily) → moving average of `averageWindow` intervals (the node passes its horizon), whichever the
 * history supports.
 */
export function defaultDemandModel(
  augurs: AugursMstl,
  intervalSec: number,
  averageWindow: number,
): ForecasterFactory {
  const day = Math.round(86_400 / intervalSec);
  return () => {
    const average = new MovingAverageForecaster(averageWindow);
    if (day < 2) return average;
    const daily = new MstlEtsForecaster(augurs, { periods: [day] });
    const weekly = new MstlEtsForecaster(augurs, { periods: [day, 7 * day] });
    return new FallbackForecaster(weekly, new FallbackForecaster(daily, average));
  };
}

/** Demand over the horizon: the sum of the non-negative parts of the forecast. */
export function horizonDemand(forecast: readonly number[]): number {
  return forecast.reduce((sum, v) => sum + (Number.isFinite(v) && v > 0 ? v : 0), 0);
}
