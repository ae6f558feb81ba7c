/**
 * Errors of the provider agent. `ConfigError` is a user mistake (bad option, state dir of another agent,
 * wrong chain): `runService` logs its message without a stack trace and exits non-zero.
 */

/** Thrown for a configuration mistake the operator must fix (the message says how). */
export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Thrown when a second agent tries to use a state directory another running agent holds. */
export class StateDirLockedError extends ConfigError {
  constructor(
    readonly dir: string,
    readonly pid: number,
  ) {
    super(
      `state directory ${dir} is in use by another agent (pid ${pid}); stop it or use another --state-dir`,
    );
  }
}
