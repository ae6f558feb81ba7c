/**
 * Equal-weight forecast combination: the mean of its members' forecasts. Averaging a model with a
 * robust baseline is a standard hedge against either one's failure mode (M-competition results).
 */
import { ForecastInvalidArgumentError } from "./errors";
import type { Forecaster } from "./forecaster";

export class MeanCombination implements Forecaster {
  readonly name: string;
  readonly minHistory: number;

  /** @param members distinct forecaster instances (each is fitted on the same history) */
  constructor(
    readonly members: readonly Forecaster[],
    name?: string,
  ) {
    if (members.length === 0) throw new ForecastInvalidArgumentError("members", "must not be empty");
    if (new Set(members).size !== members.length) {
      throw new ForecastInvalidArgumentError("members", "the same instance appears twice");
    }
    this.minHistory = Math.max(...members.map((m) => m.minHistory));
    this.name = name ?? `mean(${members.map((m) => m.name).join(", ")})`;
  }

  fit(history: readonly number[]): void {
    for (const m of this.members) m.fit(history);
  }

  predict(horizon: number): number[] {
    const forecasts = this.members.map((m) => m.predict(horizon));
    return forecasts[0].map((_, k) => forecasts.reduce((s, f) => s + f[k], 0) / forecasts.length);
  }
}
