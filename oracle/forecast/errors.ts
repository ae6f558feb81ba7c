/**
 * Typed errors of the demand forecaster. Every error carries the values that explain it, so callers
 * can branch on the class and log the fields without parsing messages.
 */

/** Base class of every error thrown by `oracle/forecast`. */
export class ForecastError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Thrown when a history is shorter than a model needs (e.g. two full weekly cycles for MSTL). */
export class ForecastInsufficientHistoryError extends ForecastError {
  constructor(
    readonly model: string,
    readonly required: number,
    readonly actual: number,
  ) {
    super(`${model}: needs at least ${required} observations, got ${actual}`);
  }
}

/** Thrown when a series holds a value that is not a finite number (NaN, ±Infinity). */
export class ForecastInvalidValueError extends ForecastError {
  constructor(
    readonly what: string,
    readonly index: number,
    readonly value: number,
  ) {
    super(`${what}: value at index ${index} is not finite (${value})`);
  }
}

/** Thrown when an argument is out of its domain (non-positive horizon, mismatched lengths, ...). */
export class ForecastInvalidArgumentError extends ForecastError {
  constructor(
    readonly argument: string,
    readonly reason: string,
  ) {
    super(`invalid ${argument}: ${reason}`);
  }
}

/** Thrown when `predict` is called on a model that has not been fitted. */
export class ForecastNotFittedError extends ForecastError {
  constructor(readonly model: string) {
    super(`${model}: predict called before fit`);
  }
}

/** Thrown when the underlying model library (augurs, WebAssembly) fails; `detail` holds its message. */
export class ForecastModelError extends ForecastError {
  constructor(
    readonly model: string,
    readonly operation: string,
    readonly detail: string,
  ) {
    super(`${model}: ${operation} failed: ${detail}`);
  }
}
