import type { CipherText } from "node-seal/implementation/cipher-text";
import type { PlainText } from "node-seal/implementation/plain-text";
import type { PublicKey } from "node-seal/implementation/public-key";
import type { SecretKey } from "node-seal/implementation/secret-key";
import type { FheContext } from "./context";
import { CiphertextFormatError, FheEncodingError, FheError, FheWeightError } from "./errors";
import { describe } from "./keys";
import { reduceWeights } from "./plainLift";

/**
 * Batch-encodes `values` (at most N integers in [0, t); missing slots are 0) and encrypts them under
 * `publicKey`. Returns the ciphertext serialized with `ComprModeType.none` (the format the prover parses).
 */
export function encryptVector(
  ctx: FheContext,
  publicKey: PublicKey,
  values: readonly (bigint | number)[],
): Uint8Array {
  const { n, plainModulus: t } = ctx.params;
  if (values.length > n) throw new FheEncodingError(`${values.length} values do not fit in ${n} slots`);
  const slots = new BigUint64Array(n);
  values.forEach((v, i) => {
    const b = BigInt(v);
    if (b < 0n || b >= t) throw new FheEncodingError(`value ${i} = ${b} is outside [0, ${t})`);
    slots[i] = b;
  });
  const encoder = ctx.seal.BatchEncoder(ctx.context);
  const encryptor = ctx.seal.Encryptor(ctx.context, publicKey);
  const plain = encoder.encode(slots) as PlainText;
  try {
    const ct = encryptor.encrypt(plain) as CipherText;
    try {
      return ct.saveArray(ctx.seal.ComprModeType.none);
    } finally {
      ct.delete();
    }
  } finally {
    plain.delete();
    encryptor.delete();
    encoder.delete();
  }
}

/** Loads a serialized ciphertext into SEAL, mapping SEAL's validation errors to a typed error. */
export function loadCiphertext(ctx: FheContext, bytes: Uint8Array): CipherText {
  const ct = ctx.seal.CipherText();
  try {
    ct.loadArray(ctx.context, bytes);
  } catch (err) {
    ct.delete();
    throw new CiphertextFormatError("BAD_HEADER", `SEAL refused the ciphertext: ${describe(err)}`);
  }
  return ct;
}

/**
 * Homomorphic weighted sum `Σ_i w_i · ct_i` (multiplyPlain by the constant plaintext w_i mod t, then
 * add). Weights must be non-negative bigints, not all ≡ 0 (mod t); terms whose weight is ≡ 0 are
 * skipped (SEAL refuses to produce a transparent ciphertext). The result's coefficients satisfy
 * exactly {@link weightedSumReference}. Returns the result serialized with `ComprModeType.none`.
 */
export function weightedSum(
  ctx: FheContext,
  ciphertexts: readonly Uint8Array[],
  weights: readonly bigint[],
): Uint8Array {
  if (ciphertexts.length !== weights.length) {
    throw new FheWeightError(`${ciphertexts.length} ciphertexts but ${weights.length} weights`);
  }
  const reduced = reduceWeights(weights, ctx.params.plainModulus);
  const { seal, context } = ctx;
  const encoder = seal.BatchEncoder(context);
  const evaluator = seal.Evaluator(context);
  let acc: CipherText | undefined;
  try {
    reduced.forEach((w, i) => {
      if (w === 0n) return;
      const input = loadCiphertext(ctx, ciphertexts[i]);
      const plain = encoder.encode(new BigUint64Array(ctx.params.n).fill(w)) as PlainText;
      try {
        // A constant slot vector encodes to the constant polynomial w: SEAL's monomial path.
        if (plain.nonzeroCoeffCount !== 1) throw new FheError("constant weight did not encode to a constant");
        const term = evaluator.multiplyPlain(input, plain) as CipherText;
        if (acc === undefined) {
          acc = term;
        } else {
          evaluator.add(acc, term, acc);
          term.delete();
        }
      } finally {
        plain.delete();
        input.delete();
      }
    });
    if (acc === undefined) throw new FheWeightError("no non-zero weight");
    return acc.saveArray(seal.ComprModeType.none);
  } finally {
    acc?.delete();
    evaluator.delete();
    encoder.delete();
  }
}

/** Decrypts and batch-decodes a serialized ciphertext into N unsigned values in [0, t). */
export function decryptVector(ctx: FheContext, secretKey: SecretKey, bytes: Uint8Array): bigint[] {
  const ct = loadCiphertext(ctx, bytes);
  const decryptor = ctx.seal.Decryptor(ctx.context, secretKey);
  const encoder = ctx.seal.BatchEncoder(ctx.context);
  try {
    const plain = decryptor.decrypt(ct) as PlainText;
    try {
      return Array.from(encoder.decodeBigInt(plain, false));
    } finally {
      plain.delete();
    }
  } finally {
    encoder.delete();
    decryptor.delete();
    ct.delete();
  }
}

/** Remaining invariant noise budget in bits (0 means decryption is no longer reliable). */
export function noiseBudget(ctx: FheContext, secretKey: SecretKey, bytes: Uint8Array): number {
  const ct = loadCiphertext(ctx, bytes);
  const decryptor = ctx.seal.Decryptor(ctx.context, secretKey);
  try {
    return decryptor.invariantNoiseBudget(ct);
  } finally {
    decryptor.delete();
    ct.delete();
  }
}
