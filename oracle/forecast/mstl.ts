/**
 * MSTL + AutoETS forecaster from `@bsull/augurs`: the series is decomposed by MSTL (repeated STL,
 * one seasonal component per period, e.g. daily 288 and weekly 2016 at 5-minute steps); the seasonal
 * components are forecast by repeating their last cycle and the seasonally adjusted remainder
 * (trend + noise) by an automatically selected ETS model (AutoETS, chosen by AICc).
 */
import type { MSTL } from "@bsull/augurs/mstl";
import { errorMessage, loadAugursMstl, type AugursMstl } from "./augurs";
import { ForecastInvalidArgumentError, ForecastModelError, ForecastNotFittedError } from "./errors";
import type { Forecaster } from "./forecaster";
import { assertFinite, assertInteger, assertLength } from "./series";

export interface MstlOptions {
  /** Seasonal periods in steps, e.g. `[288, 2016]` for daily and weekly cycles at 5-minute steps. */
  readonly periods: readonly number[];
  /**
   * Fit on log(y) and forecast exp(·) — multiplicative seasonality; needs strictly positive data.
   * Default `false`.
   */
  readonly logTransform?: boolean;
  /** Report name; defaults to `mstl-ets(<periods>)`, with a `log-` prefix when log-transformed. */
  readonly name?: string;
}

export class MstlEtsForecaster implements Forecaster {
  readonly name: string;
  /** STL needs at least two full cycles of the longest period. */
  readonly minHistory: number;
  readonly periods: readonly number[];
  readonly logTransform: boolean;
  private model: MSTL | undefined;

  /** Loads augurs (once per process) and returns a forecaster; `fit`/`predict` are then synchronous. */
  static async create(options: MstlOptions): Promise<MstlEtsForecaster> {
    return new MstlEtsForecaster(await loadAugursMstl(), options);
  }

  /** @param augurs the module returned by {@link loadAugursMstl} */
  constructor(
    private readonly augurs: AugursMstl,
    options: MstlOptions,
  ) {
    if (options.periods.length === 0) throw new ForecastInvalidArgumentError("periods", "must not be empty");
    for (const p of options.periods) assertInteger("period", p, 2);
    this.periods = [...options.periods];
    this.logTransform = options.logTransform ?? false;
    this.minHistory = 2 * Math.max(...this.periods);
    this.name = options.name ?? `${this.logTransform ? "log-" : ""}mstl-ets(${this.periods.join(",")})`;
  }

  fit(history: readonly number[]): void {
    assertLength(this.name, history, this.minHistory);
    assertFinite(this.name, history);
    let y: Float64Array = Float64Array.from(history);
    if (this.logTransform) {
      const i = y.findIndex((v) => v <= 0);
      if (i >= 0) {
        throw new ForecastInvalidArgumentError(
          "history",
          `log transform needs values > 0; index ${i} is ${y[i]}`,
        );
      }
      y = y.map(Math.log);
    }
    this.dispose();
    const model = this.augurs.MSTL.ets(Uint32Array.from(this.periods));
    try {
      model.fit(y);
    } catch (error) {
      model.free();
      throw new ForecastModelError(this.name, "fit", errorMessage(error));
    }
    this.model = model;
  }

  predict(horizon: number): number[] {
    assertInteger("horizon", horizon, 1);
    if (this.model === undefined) throw new ForecastNotFittedError(this.name);
    let point: number[];
    try {
      point = this.model.predict(horizon).point;
    } catch (error) {
      throw new ForecastModelError(this.name, "predict", errorMessage(error));
    }
    const out = this.logTransform ? point.map(Math.exp) : point;
    const bad = out.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw new ForecastModelError(this.name, "predict", `non-finite forecast at step ${bad}`);
    return out;
  }

  /** Frees the WebAssembly memory of the fitted model (also done on every refit). */
  dispose(): void {
    this.model?.free();
    this.model = undefined;
  }
}
