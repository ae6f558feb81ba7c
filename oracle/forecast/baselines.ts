/**
 * Baseline forecasters every model is reported against: last value, and seasonal naive with a
 * daily or weekly period ("same time yesterday" / "same time last week").
 */
import { ForecastNotFittedError } from "./errors";
import type { Forecaster } from "./forecaster";
import { assertFinite, assertInteger, assertLength } from "./series";

/** Repeats the last observed value over the whole horizon. */
export class LastValueForecaster implements Forecaster {
  readonly name = "last-value";
  readonly minHistory = 1;
  private last: number | undefined;

  fit(history: readonly number[]): void {
    assertLength(this.name, history, this.minHistory);
    assertFinite(this.name, history);
    this.last = history[history.length - 1];
  }

  predict(horizon: number): number[] {
    assertInteger("horizon", horizon, 1);
    const last = this.last;
    if (last === undefined) throw new ForecastNotFittedError(this.name);
    return new Array<number>(horizon).fill(last);
  }
}

/** Forecasts y_{T+k} = y_{T+k−m·⌈k/m⌉}: the last observed full season, repeated. */
export class SeasonalNaiveForecaster implements Forecaster {
  readonly name: string;
  readonly minHistory: number;
  private season: number[] | undefined;

  /**
   * @param period season length in steps (288 = one day at 5-minute steps, 2016 = one week)
   * @param label optional report name; defaults to `seasonal-naive(<period>)`
   */
  constructor(
    readonly period: number,
    label?: string,
  ) {
    assertInteger("period", period, 1);
    this.minHistory = period;
    this.name = label ?? `seasonal-naive(${period})`;
  }

  fit(history: readonly number[]): void {
    assertLength(this.name, history, this.minHistory);
    assertFinite(this.name, history);
    this.season = history.slice(history.length - this.period);
  }

  predict(horizon: number): number[] {
    assertInteger("horizon", horizon, 1);
    const season = this.season;
    if (season === undefined) throw new ForecastNotFittedError(this.name);
    return Array.from({ length: horizon }, (_, k) => season[k % this.period]);
  }
}

/** "Same time yesterday": seasonal naive with a period of one day. */
export function dailyNaive(stepsPerDay: number): SeasonalNaiveForecaster {
  return new SeasonalNaiveForecaster(stepsPerDay, "daily-naive");
}

/** "Same time last week": seasonal naive with a period of one week. */
export function weeklyNaive(stepsPerDay: number): SeasonalNaiveForecaster {
  assertInteger("stepsPerDay", stepsPerDay, 1);
  return new SeasonalNaiveForecaster(7 * stepsPerDay, "weekly-naive");
}
