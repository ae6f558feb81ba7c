/** Base class of every error the matcher throws, so callers can catch matcher failures as one kind. */
export class MatcherError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Thrown when a book holds a value the matcher cannot interpret (negative capacity, bad reputation…). */
export class MatcherInputError extends MatcherError {
  constructor(
    readonly field: string,
    readonly index: number,
    readonly detail: string,
  ) {
    super(`invalid ${field} at index ${index}: ${detail}`);
  }
}

/** Thrown when score weights or solver options are invalid. */
export class MatcherConfigError extends MatcherError {
  constructor(
    readonly option: string,
    readonly detail: string,
  ) {
    super(`invalid matcher option ${option}: ${detail}`);
  }
}

/** Thrown when a solver produced an assignment that breaks an invariant (a bug, never expected). */
export class MatcherInvariantError extends MatcherError {}
