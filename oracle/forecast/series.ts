import {
  ForecastInsufficientHistoryError,
  ForecastInvalidArgumentError,
  ForecastInvalidValueError,
} from "./errors";

/** Throws {@link ForecastInvalidValueError} at the first value that is not a finite number. */
export function assertFinite(what: string, values: ArrayLike<number>): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) throw new ForecastInvalidValueError(what, i, values[i]);
  }
}

/** Throws {@link ForecastInvalidArgumentError} unless `value` is an integer ≥ `min`. */
export function assertInteger(argument: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) {
    throw new ForecastInvalidArgumentError(argument, `must be an integer >= ${min}, got ${value}`);
  }
}

/** Throws {@link ForecastInsufficientHistoryError} when `history` has fewer than `required` values. */
export function assertLength(model: string, history: ArrayLike<number>, required: number): void {
  if (history.length < required) throw new ForecastInsufficientHistoryError(model, required, history.length);
}
