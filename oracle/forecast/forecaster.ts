/**
 * A point forecaster over an evenly spaced series. `fit` takes the whole history (oldest first);
 * `predict(h)` returns the h values that follow the last fitted observation.
 *
 * Implementations validate their input and throw the typed errors of `./errors`:
 * {@link ForecastInsufficientHistoryError} when `history.length < minHistory`,
 * {@link ForecastInvalidValueError} on a non-finite value, {@link ForecastNotFittedError} when
 * `predict` precedes `fit`.
 */
export interface Forecaster {
  /** Short, stable name used in reports, e.g. `"seasonal-naive(2016)"`. */
  readonly name: string;
  /** The fewest observations `fit` accepts. */
  readonly minHistory: number;
  fit(history: readonly number[]): void;
  predict(horizon: number): number[];
}

/** Creates a fresh, unfitted forecaster; used where one model per series is needed. */
export type ForecasterFactory = () => Forecaster;
