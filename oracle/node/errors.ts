/**
 * Typed errors of the oracle node. `OracleConfigError` is named "ConfigError" so that `runService`
 * treats it as a user error (message only, exit code 1).
 */

/** Thrown at startup for a configuration that cannot work (bad option, key not a feed signer, ...). */
export class OracleConfigError extends Error {
  override name = "ConfigError";
}

/** Thrown by the transport when a peer cannot be reached, times out or answers with an error. */
export class OracleTransportError extends Error {
  override name = "OracleTransportError";
  constructor(
    readonly peer: string,
    message: string,
  ) {
    super(`peer ${peer}: ${message}`);
  }
}

/** Returned to (and thrown at) a peer whose request this node refuses; `reason` is machine-readable. */
export class OracleProtocolError extends Error {
  override name = "OracleProtocolError";
  constructor(
    readonly reason: string,
    detail: string,
  ) {
    super(`${reason}: ${detail}`);
  }
}
