import { webcrypto } from "node:crypto";
import { EnvelopeDecryptionError } from "./errors";
import {
  GCM_TAG_LENGTH,
  IV_LENGTH,
  LABEL_LENGTH,
  headerLength,
  parseEnvelope,
  writeHeader,
} from "./envelopeFormat";
import type { EnvelopeHeader } from "./envelopeFormat";
import { checkRecipientKey, exportPublicKeySpki, keyFingerprint, modulusBits, spkiFingerprint } from "./keys";
import type { CryptoKey } from "./keys";

const subtle = webcrypto.subtle;

/**
 * Envelope encryption: the payload is encrypted with AES-256-GCM under a fresh random key and 96-bit IV,
 * and that key is wrapped with the recipient's RSA-OAEP (SHA-256, ≥ 3072-bit) public key. See
 * `envelopeFormat.ts` for the byte layout and what the header binds. Only WebCrypto is used.
 */

/** Encrypts `plaintext` for the holder of `recipient` (an RSA-OAEP SHA-256 public key ≥ 3072 bits). */
export async function encryptEnvelope(plaintext: Uint8Array, recipient: CryptoKey): Promise<Uint8Array> {
  if (!(plaintext instanceof Uint8Array)) throw new TypeError("plaintext must be a Uint8Array");
  checkRecipientKey(recipient, "public");
  const fingerprint = await spkiFingerprint(await exportPublicKeySpki(recipient));
  const wrappedLength = Math.ceil(modulusBits(recipient) / 8);
  const ciphertextLength = plaintext.length + GCM_TAG_LENGTH;
  const iv = webcrypto.getRandomValues(new Uint8Array(IV_LENGTH));
  const contentKey = await subtle.generateKey({ name: "AES-GCM", length: 256 }, true, ["encrypt"]);

  // The label only covers the fixed prefix, which does not depend on the wrapped key, so write the header
  // once with a placeholder wrapped key of the right length and fill it in afterwards.
  const header = writeHeader(fingerprint, new Uint8Array(wrappedLength), iv, ciphertextLength);
  const wrappedKey = new Uint8Array(
    await subtle.wrapKey("raw", contentKey, recipient, {
      name: "RSA-OAEP",
      label: header.subarray(0, LABEL_LENGTH),
    }),
  );
  header.set(wrappedKey, LABEL_LENGTH + 2);
  const ciphertext = new Uint8Array(
    await subtle.encrypt(
      { name: "AES-GCM", iv, additionalData: header, tagLength: 128 },
      contentKey,
      plaintext,
    ),
  );
  const out = new Uint8Array(header.length + ciphertext.length);
  out.set(header, 0);
  out.set(ciphertext, header.length);
  return out;
}

/**
 * Decrypts an envelope with the recipient's private key. Throws `EnvelopeFormatError` for malformed
 * bytes, `WeakKeyError` / `KeyFormatError` for an unusable key, and `EnvelopeDecryptionError` when the key
 * is not the recipient's or anything was modified — never returns unauthenticated bytes.
 */
export async function decryptEnvelope(envelope: Uint8Array, privateKey: CryptoKey): Promise<Uint8Array> {
  const parsed = parseEnvelope(envelope);
  checkRecipientKey(privateKey, "private");
  const keyBytes = Math.ceil(modulusBits(privateKey) / 8);
  if (parsed.wrappedKey.length !== keyBytes) {
    throw new EnvelopeDecryptionError(
      "WRONG_RECIPIENT",
      `the envelope's key is wrapped for a ${parsed.wrappedKey.length * 8}-bit modulus, this key has ${keyBytes * 8}`,
    );
  }
  const fingerprint = await keyFingerprint(privateKey);
  if (fingerprint !== undefined && !equalBytes(fingerprint, parsed.header.recipientFingerprint)) {
    throw new EnvelopeDecryptionError(
      "WRONG_RECIPIENT",
      `the envelope is addressed to key ${fingerprintHex(parsed.header.recipientFingerprint)}, not to ${fingerprintHex(fingerprint)}`,
    );
  }
  let contentKey: CryptoKey;
  try {
    contentKey = await subtle.unwrapKey(
      "raw",
      parsed.wrappedKey,
      privateKey,
      { name: "RSA-OAEP", label: parsed.label },
      { name: "AES-GCM", length: 256 },
      false,
      ["decrypt"],
    );
  } catch {
    throw new EnvelopeDecryptionError(
      "KEY_UNWRAP_FAILED",
      "the content key cannot be unwrapped with this private key (wrong key, or a modified header or wrapped key)",
    );
  }
  try {
    return new Uint8Array(
      await subtle.decrypt(
        { name: "AES-GCM", iv: parsed.iv, additionalData: parsed.aad, tagLength: 128 },
        contentKey,
        parsed.ciphertext,
      ),
    );
  } catch {
    throw new EnvelopeDecryptionError(
      "AUTHENTICATION_FAILED",
      "AES-GCM authentication failed: the ciphertext, IV or header was modified",
    );
  }
}

/** Reads an envelope's header without decrypting (e.g. to pick the private key by fingerprint). */
export function inspectEnvelope(envelope: Uint8Array): EnvelopeHeader {
  return parseEnvelope(envelope).header;
}

/** Total size of an envelope for a payload of `plaintextLength` bytes and a `modulusBits`-bit recipient key. */
export function envelopeSize(plaintextLength: number, keyBits: number): number {
  return headerLength(Math.ceil(keyBits / 8)) + plaintextLength + GCM_TAG_LENGTH;
}

/** Lower-case hex of a fingerprint. */
export function fingerprintHex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("hex");
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
