/**
 * Forecast combinations. Averaging a model with a robust baseline, or with a second model whose errors
 * are partly independent of its own, is a standard hedge against either one's failure mode
 * (M-competition results). `MeanCombination` uses equal weights; `WeightedCombination` uses fixed
 * weights, e.g. learned on a validation window by `combineByBacktest` (see `backtest.ts`).
 */
import { ForecastInvalidArgumentError } from "./errors";
import type { Forecaster } from "./forecaster";

function assertDistinct(members: readonly Forecaster[]): void {
  if (members.length === 0) throw new ForecastInvalidArgumentError("members", "must not be empty");
  if (new Set(members).size !== members.length) {
    throw new ForecastInvalidArgumentError("members", "the same instance appears twice");
  }
}

export class MeanCombination implements Forecaster {
  readonly name: string;
  readonly minHistory: number;

  /** @param members distinct forecaster instances (each is fitted on the same history) */
  constructor(
    readonly members: readonly Forecaster[],
    name?: string,
  ) {
    assertDistinct(members);
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

/**
 * Σ_j w_j · forecast_j with fixed non-negative weights summing to 1. Members with weight 0 are
 * neither fitted nor asked to predict (and do not count towards `minHistory`).
 */
export class WeightedCombination implements Forecaster {
  readonly name: string;
  readonly minHistory: number;
  readonly weights: readonly number[];
  private readonly active: readonly number[];

  /**
   * @param members distinct forecaster instances (each is fitted on the same history)
   * @param weights one per member, each ≥ 0, summing to 1 (within 1e-9)
   * @param name report name; defaults to `combination(0.45·a, 0.55·b)` over the non-zero weights
   */
  constructor(
    readonly members: readonly Forecaster[],
    weights: readonly number[],
    name?: string,
  ) {
    assertDistinct(members);
    if (weights.length !== members.length) {
      throw new ForecastInvalidArgumentError(
        "weights",
        `${weights.length} weights for ${members.length} members`,
      );
    }
    const bad = weights.findIndex((w) => !Number.isFinite(w) || w < 0);
    if (bad >= 0) throw new ForecastInvalidArgumentError("weights", `weight ${bad} is ${weights[bad]}`);
    const total = weights.reduce((s, w) => s + w, 0);
    if (Math.abs(total - 1) > 1e-9)
      throw new ForecastInvalidArgumentError("weights", `sum to ${total}, not 1`);
    this.weights = [...weights];
    this.active = weights.flatMap((w, j) => (w > 0 ? [j] : []));
    this.minHistory = Math.max(...this.active.map((j) => members[j].minHistory));
    this.name =
      name ??
      `combination(${this.active.map((j) => `${formatWeight(weights[j])}·${members[j].name}`).join(", ")})`;
  }

  fit(history: readonly number[]): void {
    for (const j of this.active) this.members[j].fit(history);
  }

  predict(horizon: number): number[] {
    const out = new Array<number>(horizon).fill(0);
    for (const j of this.active) {
      const w = this.weights[j];
      this.members[j].predict(horizon).forEach((v, k) => (out[k] += w * v));
    }
    return out;
  }
}

function formatWeight(w: number): string {
  return Number(w.toFixed(3)).toString();
}
