/** Base class of every error thrown by the FHE library. */
export class FheError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Thrown when a parameter preset is unknown, inconsistent, or rejected by SEAL. */
export class FheParameterError extends FheError {}

/** Thrown when weights are outside what the weighted-sum evaluator (and its proof) supports. */
export class FheWeightError extends FheError {}

/** Thrown when a plaintext vector cannot be batch-encoded (wrong length, value outside [0, t)). */
export class FheEncodingError extends FheError {}

/** Machine-readable reason of a {@link CiphertextFormatError}. */
export type CiphertextFormatErrorCode =
  | "TRUNCATED"
  | "BAD_MAGIC"
  | "BAD_HEADER"
  | "UNSUPPORTED_VERSION"
  | "COMPRESSED"
  | "SIZE_MISMATCH"
  | "TRAILING_BYTES"
  | "NTT_FORM"
  | "WRONG_POLY_COUNT"
  | "WRONG_DEGREE"
  | "WRONG_RNS_COUNT"
  | "WRONG_PARMS_ID"
  | "WRONG_DATA_LENGTH"
  | "COEFF_OUT_OF_RANGE"
  | "BAD_SHAPE";

/** Thrown when a serialized SEAL ciphertext is malformed or does not match the expected parameters. */
export class CiphertextFormatError extends FheError {
  constructor(
    readonly code: CiphertextFormatErrorCode,
    message: string,
  ) {
    super(`${code}: ${message}`);
  }
}
