/** Base class of every error thrown by the blob-storage layer. */
export class StorageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Machine-readable reason of an {@link InvalidCidError}. */
export type InvalidCidReason = "UNPARSABLE" | "NOT_V1" | "NOT_RAW_CODEC" | "NOT_SHA2_256";

/**
 * Thrown when a string is not a CID this layer accepts: a CIDv1 with the raw codec (0x55) and a
 * sha2-256 multihash.
 */
export class InvalidCidError extends StorageError {
  constructor(
    readonly input: string,
    readonly reason: InvalidCidReason,
    detail: string,
  ) {
    super(`${reason}: ${JSON.stringify(input.length > 100 ? `${input.slice(0, 100)}…` : input)} ${detail}`);
  }
}

/** Thrown when bytes do not hash to the CID they are supposed to have (on read, or on commitment checks). */
export class IntegrityError extends StorageError {
  constructor(
    readonly expectedCid: string,
    readonly actualCid: string,
    where: string,
  ) {
    super(`${where}: expected content ${expectedCid} but the bytes hash to ${actualCid}`);
  }
}

/** Thrown by `get` when the store does not hold the blob. */
export class BlobNotFoundError extends StorageError {
  constructor(
    readonly cid: string,
    where: string,
  ) {
    super(`${where}: no blob ${cid}`);
  }
}

/** Thrown by `put` when a blob is larger than the backend accepts. */
export class BlobTooLargeError extends StorageError {
  constructor(
    readonly size: number,
    readonly limit: number,
    hint: string,
  ) {
    super(`blob of ${size} bytes exceeds the ${limit}-byte limit; ${hint}`);
  }
}

/**
 * Thrown when a Kubo RPC call fails: a 4xx answer (never retried), an unexpected answer (bad JSON, a CID
 * different from the locally computed one), or a transient failure that outlasted every retry
 * (`transient` is then true and `attempts` says how many were made).
 */
export class KuboApiError extends StorageError {
  constructor(
    readonly endpoint: string,
    readonly status: number | undefined,
    readonly transient: boolean,
    readonly attempts: number,
    message: string,
  ) {
    super(
      `Kubo ${endpoint}${status === undefined ? "" : ` (HTTP ${status})`}` +
        `${attempts > 1 ? ` after ${attempts} attempts` : ""}: ${message}`,
    );
  }
}

/** Thrown when a storage configuration string (e.g. `CLOUDAI_STORAGE`) cannot be understood. */
export class StorageConfigError extends StorageError {}
