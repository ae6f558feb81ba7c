import { webcrypto } from "node:crypto";
import { KeyFormatError, WeakKeyError } from "./errors";
import { derToPem, pemToDer } from "./pem";

/** A WebCrypto key (Node's `webcrypto.CryptoKey`). */
export type CryptoKey = webcrypto.CryptoKey;
/** A WebCrypto key pair. */
export type CryptoKeyPair = webcrypto.CryptoKeyPair;

const subtle = webcrypto.subtle;

/** Smallest accepted RSA modulus, in bits. */
export const MIN_RSA_MODULUS_BITS = 3072;
/** Largest accepted RSA modulus, in bits (bounds the work a hostile registry entry can cause). */
export const MAX_RSA_MODULUS_BITS = 16384;

const RSA_OAEP_SHA256: webcrypto.RsaHashedImportParams = { name: "RSA-OAEP", hash: "SHA-256" };
const PUBLIC_USAGES: webcrypto.KeyUsage[] = ["wrapKey", "encrypt"];
const PRIVATE_USAGES: webcrypto.KeyUsage[] = ["unwrapKey", "decrypt"];

/**
 * Generates an RSA-OAEP (SHA-256, e = 65537) key pair for receiving envelopes. Both keys are extractable
 * so the public key can be published (SPKI) and the private key saved (PKCS#8).
 */
export async function generateEnvelopeKeyPair(
  modulusBits: number = MIN_RSA_MODULUS_BITS,
): Promise<CryptoKeyPair> {
  checkModulus(modulusBits);
  return subtle.generateKey(
    { ...RSA_OAEP_SHA256, modulusLength: modulusBits, publicExponent: new Uint8Array([1, 0, 1]) },
    true,
    [...PUBLIC_USAGES, ...PRIVATE_USAGES],
  );
}

/** Modulus size of an RSA key in bits. */
export function modulusBits(key: CryptoKey): number {
  return (key.algorithm as webcrypto.RsaHashedKeyAlgorithm).modulusLength;
}

/**
 * Checks that `key` is an RSA-OAEP SHA-256 key of the given type, with the usage the envelope needs and
 * a modulus of at least {@link MIN_RSA_MODULUS_BITS}. Throws `KeyFormatError` or `WeakKeyError`.
 */
export function checkRecipientKey(key: CryptoKey, type: "public" | "private"): void {
  const alg = key.algorithm as Partial<webcrypto.RsaHashedKeyAlgorithm>;
  if (alg.name !== "RSA-OAEP" || alg.hash?.name !== "SHA-256") {
    throw new KeyFormatError(`expected an RSA-OAEP SHA-256 key, got ${alg.name}/${alg.hash?.name ?? "-"}`);
  }
  if (key.type !== type) throw new KeyFormatError(`expected a ${type} key, got a ${key.type} key`);
  const usage: webcrypto.KeyUsage = type === "public" ? "wrapKey" : "unwrapKey";
  if (!key.usages.includes(usage)) throw new KeyFormatError(`the ${type} key lacks the "${usage}" usage`);
  checkModulus(modulusBits(key));
}

function checkModulus(bits: number): void {
  if (!Number.isInteger(bits)) throw new KeyFormatError(`RSA modulus size ${bits} is not an integer`);
  if (bits < MIN_RSA_MODULUS_BITS) throw new WeakKeyError(bits, MIN_RSA_MODULUS_BITS);
  if (bits > MAX_RSA_MODULUS_BITS) {
    throw new KeyFormatError(`RSA modulus of ${bits} bits exceeds the supported ${MAX_RSA_MODULUS_BITS}`);
  }
}

/** Exports a public key as SPKI DER — the bytes stored in a provider's on-chain registry entry. */
export async function exportPublicKeySpki(publicKey: CryptoKey): Promise<Uint8Array> {
  checkRecipientKey(publicKey, "public");
  return new Uint8Array(await subtle.exportKey("spki", publicKey));
}

/** Imports an SPKI DER public key, requiring RSA with a modulus ≥ 3072 bits (`WeakKeyError` otherwise). */
export async function importPublicKeySpki(spki: Uint8Array): Promise<CryptoKey> {
  let key: CryptoKey;
  try {
    key = await subtle.importKey("spki", spki, RSA_OAEP_SHA256, true, PUBLIC_USAGES);
  } catch (err) {
    throw new KeyFormatError(`not an RSA SubjectPublicKeyInfo: ${(err as Error).message}`);
  }
  checkRecipientKey(key, "public");
  return key;
}

/** Exports a public key as a PEM `PUBLIC KEY` block (SPKI). */
export async function exportPublicKeyPem(publicKey: CryptoKey): Promise<string> {
  return derToPem(await exportPublicKeySpki(publicKey), "PUBLIC KEY");
}

/** Imports a PEM `PUBLIC KEY` block (SPKI). */
export async function importPublicKeyPem(pem: string): Promise<CryptoKey> {
  return importPublicKeySpki(pemToDer(pem, "PUBLIC KEY"));
}

/** Exports a private key as unencrypted PKCS#8 DER (protect the file it is written to). */
export async function exportPrivateKeyPkcs8(privateKey: CryptoKey): Promise<Uint8Array> {
  checkRecipientKey(privateKey, "private");
  if (!privateKey.extractable) throw new KeyFormatError("the private key is not extractable");
  return new Uint8Array(await subtle.exportKey("pkcs8", privateKey));
}

/**
 * Imports a PKCS#8 DER private key. It is extractable by default so that its fingerprint can be
 * derived (which lets `decryptEnvelope` report a wrong recipient before any RSA operation).
 */
export async function importPrivateKeyPkcs8(pkcs8: Uint8Array, extractable = true): Promise<CryptoKey> {
  let key: CryptoKey;
  try {
    key = await subtle.importKey("pkcs8", pkcs8, RSA_OAEP_SHA256, extractable, PRIVATE_USAGES);
  } catch (err) {
    throw new KeyFormatError(`not an RSA PKCS#8 private key: ${(err as Error).message}`);
  }
  checkRecipientKey(key, "private");
  return key;
}

/** Exports a private key as a PEM `PRIVATE KEY` block (unencrypted PKCS#8). */
export async function exportPrivateKeyPem(privateKey: CryptoKey): Promise<string> {
  return derToPem(await exportPrivateKeyPkcs8(privateKey), "PRIVATE KEY");
}

/** Imports a PEM `PRIVATE KEY` block (unencrypted PKCS#8). */
export async function importPrivateKeyPem(pem: string, extractable = true): Promise<CryptoKey> {
  return importPrivateKeyPkcs8(pemToDer(pem, "PRIVATE KEY"), extractable);
}

/** SHA-256 of SPKI DER bytes: the 32-byte key fingerprint envelopes are addressed to. */
export async function spkiFingerprint(spki: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await subtle.digest("SHA-256", spki));
}

/**
 * Fingerprint (SHA-256 of the SPKI DER) of a recipient key. For a private key it is computed from its
 * public part, which requires the key to be extractable; returns `undefined` when it is not.
 */
export async function keyFingerprint(key: CryptoKey): Promise<Uint8Array | undefined> {
  if (key.type === "public") return spkiFingerprint(await exportPublicKeySpki(key));
  if (!key.extractable) return undefined;
  const jwk = await subtle.exportKey("jwk", key);
  const publicKey = await subtle.importKey(
    "jwk",
    { kty: "RSA", n: jwk.n, e: jwk.e, ext: true },
    RSA_OAEP_SHA256,
    true,
    PUBLIC_USAGES,
  );
  return spkiFingerprint(new Uint8Array(await subtle.exportKey("spki", publicKey)));
}
