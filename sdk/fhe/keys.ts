import type { PublicKey } from "node-seal/implementation/public-key";
import type { SecretKey } from "node-seal/implementation/secret-key";
import type { FheContext } from "./context";
import { FheError } from "./errors";

/** A BFV key pair. Call {@link disposeKeyPair} when done: SEAL objects live in WebAssembly memory. */
export interface FheKeyPair {
  readonly publicKey: PublicKey;
  readonly secretKey: SecretKey;
}

/** Generates a fresh key pair for the context's parameters. */
export function generateKeyPair(ctx: FheContext): FheKeyPair {
  const keygen = ctx.seal.KeyGenerator(ctx.context);
  try {
    return { publicKey: keygen.createPublicKey(), secretKey: keygen.secretKey() };
  } finally {
    keygen.delete();
  }
}

export function disposeKeyPair(keys: FheKeyPair): void {
  keys.publicKey.delete();
  keys.secretKey.delete();
}

/** Serializes a public key (zstd-compressed SEAL format). */
export function serializePublicKey(ctx: FheContext, key: PublicKey): Uint8Array {
  return key.saveArray(ctx.seal.ComprModeType.zstd);
}

/** Serializes a secret key (zstd-compressed SEAL format). Keep the result secret. */
export function serializeSecretKey(ctx: FheContext, key: SecretKey): Uint8Array {
  return key.saveArray(ctx.seal.ComprModeType.zstd);
}

/** Loads a public key; throws {@link FheError} when the bytes are not a key for these parameters. */
export function deserializePublicKey(ctx: FheContext, bytes: Uint8Array): PublicKey {
  const key = ctx.seal.PublicKey();
  try {
    key.loadArray(ctx.context, bytes);
    return key;
  } catch (err) {
    key.delete();
    throw new FheError(`invalid public key for ${ctx.preset.name}: ${describe(err)}`);
  }
}

/** Loads a secret key; throws {@link FheError} when the bytes are not a key for these parameters. */
export function deserializeSecretKey(ctx: FheContext, bytes: Uint8Array): SecretKey {
  const key = ctx.seal.SecretKey();
  try {
    key.loadArray(ctx.context, bytes);
    return key;
  } catch (err) {
    key.delete();
    throw new FheError(`invalid secret key for ${ctx.preset.name}: ${describe(err)}`);
  }
}

export function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
