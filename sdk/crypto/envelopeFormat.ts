import { EnvelopeFormatError } from "./errors";

/**
 * Serialized envelope, version 1 (all integers big-endian):
 *
 * | offset | bytes | field |
 * |---|---|---|
 * | 0 | 4 | magic `CAEV` (0x43 0x41 0x45 0x56) |
 * | 4 | 1 | format version = 1 |
 * | 5 | 1 | suite = 1: AES-256-GCM payload, key wrapped with RSA-OAEP/SHA-256 |
 * | 6 | 32 | recipient key fingerprint = SHA-256(SPKI DER of the recipient public key) |
 * | 38 | 2 | W = wrapped key length = RSA modulus bytes (384 … 2048) |
 * | 40 | W | wrapped key: RSA-OAEP(SHA-256, label = bytes 0…37) of the 32-byte AES key |
 * | 40+W | 12 | AES-GCM IV (random, 96 bits) |
 * | 52+W | 8 | C = ciphertext length including the 16-byte GCM tag (≥ 16) |
 * | 60+W | C | AES-256-GCM ciphertext ‖ tag |
 *
 * The envelope is exactly 60 + W + C bytes. Integrity: the header (bytes 0 … 59+W, i.e. everything
 * before the ciphertext) is the AES-GCM additional data, and its first 38 bytes (magic, version, suite,
 * fingerprint) are also the RSA-OAEP label, so changing any header byte makes decryption fail.
 */

export const ENVELOPE_MAGIC = Uint8Array.of(0x43, 0x41, 0x45, 0x56);
export const ENVELOPE_VERSION = 1;
/** Suite 1: RSA-OAEP (SHA-256) key wrapping, AES-256-GCM payload encryption. */
export const SUITE_RSA_OAEP_SHA256_AES_256_GCM = 1;
export const FINGERPRINT_LENGTH = 32;
export const IV_LENGTH = 12;
export const GCM_TAG_LENGTH = 16;
export const MIN_WRAPPED_KEY_LENGTH = 384; // 3072-bit modulus
export const MAX_WRAPPED_KEY_LENGTH = 2048; // 16384-bit modulus

/** Length of the fixed prefix (magic, version, suite, fingerprint) used as the RSA-OAEP label. */
export const LABEL_LENGTH = 4 + 1 + 1 + FINGERPRINT_LENGTH; // 38
const WRAPPED_LENGTH_OFFSET = LABEL_LENGTH; // 38
const WRAPPED_KEY_OFFSET = WRAPPED_LENGTH_OFFSET + 2; // 40

/** What an envelope declares about itself (readable without any key). */
export interface EnvelopeHeader {
  readonly version: number;
  readonly suite: number;
  /** SHA-256 of the recipient's SPKI public key. */
  readonly recipientFingerprint: Uint8Array;
  /** Length of the payload once decrypted. */
  readonly plaintextLength: number;
}

/** A parsed envelope: views into the serialized bytes. */
export interface ParsedEnvelope {
  readonly header: EnvelopeHeader;
  /** Bytes 0 … 37: the RSA-OAEP label. */
  readonly label: Uint8Array;
  /** Everything before the ciphertext: the AES-GCM additional data. */
  readonly aad: Uint8Array;
  readonly wrappedKey: Uint8Array;
  readonly iv: Uint8Array;
  /** Ciphertext followed by the 16-byte GCM tag. */
  readonly ciphertext: Uint8Array;
}

/** Size of the header (everything before the ciphertext) for a wrapped key of `wrappedKeyLength` bytes. */
export const headerLength = (wrappedKeyLength: number): number =>
  WRAPPED_KEY_OFFSET + wrappedKeyLength + 12 + 8;

/** Writes the header for the given fields; the ciphertext is appended by the caller. */
export function writeHeader(
  fingerprint: Uint8Array,
  wrappedKey: Uint8Array,
  iv: Uint8Array,
  ciphertextLength: number,
): Uint8Array {
  if (fingerprint.length !== FINGERPRINT_LENGTH) throw new RangeError("fingerprint must be 32 bytes");
  if (iv.length !== IV_LENGTH) throw new RangeError("IV must be 12 bytes");
  if (wrappedKey.length < MIN_WRAPPED_KEY_LENGTH || wrappedKey.length > MAX_WRAPPED_KEY_LENGTH) {
    throw new RangeError(`wrapped key of ${wrappedKey.length} bytes is outside the supported range`);
  }
  const out = new Uint8Array(headerLength(wrappedKey.length));
  const view = new DataView(out.buffer);
  out.set(ENVELOPE_MAGIC, 0);
  out[4] = ENVELOPE_VERSION;
  out[5] = SUITE_RSA_OAEP_SHA256_AES_256_GCM;
  out.set(fingerprint, 6);
  view.setUint16(WRAPPED_LENGTH_OFFSET, wrappedKey.length);
  out.set(wrappedKey, WRAPPED_KEY_OFFSET);
  out.set(iv, WRAPPED_KEY_OFFSET + wrappedKey.length);
  view.setBigUint64(WRAPPED_KEY_OFFSET + wrappedKey.length + IV_LENGTH, BigInt(ciphertextLength));
  return out;
}

function fail(code: EnvelopeFormatError["code"], message: string): never {
  throw new EnvelopeFormatError(code, message);
}

/** Parses and validates the structure of an envelope. Throws `EnvelopeFormatError`; decrypts nothing. */
export function parseEnvelope(bytes: Uint8Array): ParsedEnvelope {
  if (!(bytes instanceof Uint8Array)) throw new TypeError("an envelope must be a Uint8Array");
  if (bytes.length < 6) fail("TRUNCATED", `${bytes.length} bytes cannot hold the envelope magic and version`);
  if (!ENVELOPE_MAGIC.every((b, i) => bytes[i] === b))
    fail("BAD_MAGIC", "the bytes do not start with 'CAEV'");
  if (bytes[4] !== ENVELOPE_VERSION) {
    fail("UNSUPPORTED_VERSION", `envelope version ${bytes[4]}, this library reads ${ENVELOPE_VERSION}`);
  }
  if (bytes[5] !== SUITE_RSA_OAEP_SHA256_AES_256_GCM) fail("UNSUPPORTED_SUITE", `cipher suite ${bytes[5]}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < WRAPPED_KEY_OFFSET) fail("TRUNCATED", `${bytes.length} bytes end inside the header`);
  const wrappedLength = view.getUint16(WRAPPED_LENGTH_OFFSET);
  if (wrappedLength < MIN_WRAPPED_KEY_LENGTH || wrappedLength > MAX_WRAPPED_KEY_LENGTH) {
    fail(
      "BAD_WRAPPED_KEY_LENGTH",
      `wrapped key of ${wrappedLength} bytes; expected ${MIN_WRAPPED_KEY_LENGTH}…${MAX_WRAPPED_KEY_LENGTH}`,
    );
  }
  const aadLength = headerLength(wrappedLength);
  if (bytes.length < aadLength)
    fail("TRUNCATED", `${bytes.length} bytes end inside the ${aadLength}-byte header`);
  const ivOffset = WRAPPED_KEY_OFFSET + wrappedLength;
  const declared = view.getBigUint64(ivOffset + IV_LENGTH);
  if (declared < BigInt(GCM_TAG_LENGTH)) {
    fail("BAD_CIPHERTEXT_LENGTH", `declared ciphertext of ${declared} bytes is shorter than the GCM tag`);
  }
  const present = BigInt(bytes.length - aadLength);
  if (present < declared) fail("TRUNCATED", `ciphertext has ${present} of its ${declared} declared bytes`);
  if (present > declared) fail("TRAILING_BYTES", `${present - declared} bytes follow the ciphertext`);
  return {
    header: {
      version: bytes[4],
      suite: bytes[5],
      recipientFingerprint: bytes.slice(6, 6 + FINGERPRINT_LENGTH),
      plaintextLength: Number(declared) - GCM_TAG_LENGTH,
    },
    label: bytes.subarray(0, LABEL_LENGTH),
    aad: bytes.subarray(0, aadLength),
    wrappedKey: bytes.subarray(WRAPPED_KEY_OFFSET, ivOffset),
    iv: bytes.subarray(ivOffset, ivOffset + IV_LENGTH),
    ciphertext: bytes.subarray(aadLength),
  };
}
