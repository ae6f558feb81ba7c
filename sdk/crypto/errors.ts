/** Base class of every error thrown by the envelope-encryption module. */
export class EnvelopeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Machine-readable reason of an {@link EnvelopeFormatError}. */
export type EnvelopeFormatErrorCode =
  | "TRUNCATED"
  | "BAD_MAGIC"
  | "UNSUPPORTED_VERSION"
  | "UNSUPPORTED_SUITE"
  | "BAD_WRAPPED_KEY_LENGTH"
  | "BAD_CIPHERTEXT_LENGTH"
  | "TRAILING_BYTES";

/** Thrown when bytes are not a well-formed envelope (checked before any decryption is attempted). */
export class EnvelopeFormatError extends EnvelopeError {
  constructor(
    readonly code: EnvelopeFormatErrorCode,
    message: string,
  ) {
    super(`${code}: ${message}`);
  }
}

/** Machine-readable reason of an {@link EnvelopeDecryptionError}. */
export type EnvelopeDecryptionErrorCode =
  /** The envelope names another recipient key (known before any RSA operation when the key is extractable). */
  | "WRONG_RECIPIENT"
  /** RSA-OAEP unwrapping failed: wrong private key, or the header / wrapped key were modified. */
  | "KEY_UNWRAP_FAILED"
  /** AES-GCM authentication failed: ciphertext, tag, IV or header were modified. */
  | "AUTHENTICATION_FAILED";

/** Thrown when a well-formed envelope cannot be decrypted; no plaintext is ever returned in that case. */
export class EnvelopeDecryptionError extends EnvelopeError {
  constructor(
    readonly code: EnvelopeDecryptionErrorCode,
    message: string,
  ) {
    super(`${code}: ${message}`);
  }
}

/** Thrown when an RSA key is shorter than the minimum modulus (3072 bits). */
export class WeakKeyError extends EnvelopeError {
  constructor(
    readonly modulusBits: number,
    readonly minimumBits: number,
  ) {
    super(`RSA modulus of ${modulusBits} bits is below the required ${minimumBits} bits`);
  }
}

/**
 * Thrown when key material cannot be used: unparsable SPKI/PKCS#8/PEM, not an RSA-OAEP SHA-256 key, the
 * wrong key type (public vs private) or usages, or a modulus above the supported maximum.
 */
export class KeyFormatError extends EnvelopeError {}
