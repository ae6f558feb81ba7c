import { FheWeightError } from "./errors";
import type { FheParams } from "./context";

/** A polynomial tuple in RNS form: `[poly][prime][coefficient]`, each value in [0, q_prime). */
export type RnsCoefficients = bigint[][][];

/**
 * Reference model of how SEAL (4.1, BFV `multiply_plain`) turns a plaintext coefficient c ∈ [0, t)
 * into a multiplier modulo q_j:
 * - "fast plain lift" (every ciphertext prime q_j > t): c is used as is;
 * - otherwise values in the upper half, c ≥ (t + 1) / 2, are lifted to c + (q_j − t), i.e. read as
 *   the centered representative c − t.
 * The model is checked bit-exactly against SEAL for every preset in `test/zk/fhe.test.ts`.
 */
export function liftPlainCoefficient(c: bigint, t: bigint, q: bigint, fastPlainLift: boolean): bigint {
  if (c < 0n || c >= t) throw new FheWeightError(`plaintext coefficient ${c} is outside [0, ${t})`);
  if (fastPlainLift) return c;
  return c >= (t + 1n) / 2n ? c + (q - t) : c;
}

/**
 * Checks weights for {@link weightedSum}: non-negative integers, reduced mod t here, not all zero.
 * Returns the reduced weights w mod t, which is what SEAL's plaintext holds.
 */
export function reduceWeights(weights: readonly bigint[], t: bigint): bigint[] {
  if (weights.length === 0) throw new FheWeightError("at least one weight is required");
  const reduced = weights.map((w, i) => {
    if (typeof w !== "bigint") throw new FheWeightError(`weight ${i} is not a bigint`);
    if (w < 0n) throw new FheWeightError(`weight ${i} is negative (${w}); weights must be non-negative`);
    return w % t;
  });
  if (reduced.every((w) => w === 0n)) {
    throw new FheWeightError("all weights are 0 mod t; the result would be a transparent ciphertext");
  }
  return reduced;
}

/**
 * The per-prime multipliers w'_{i,j} SEAL applies for weight w_i: lift(w_i mod t) mod q_j.
 * Indexed `[input][prime]`.
 */
export function effectiveWeights(params: FheParams, weights: readonly bigint[]): bigint[][] {
  const t = params.plainModulus;
  return reduceWeights(weights, t).map((w) =>
    params.primes.map((q) => liftPlainCoefficient(w, t, q, params.fastPlainLift) % q),
  );
}

/**
 * Reference model of `out = Σ_i w_i · ct_i` on RNS coefficients:
 * out[p][j][k] = Σ_i w'_{i,j} · in_i[p][j][k] mod q_j.
 */
export function weightedSumReference(
  params: FheParams,
  inputs: readonly RnsCoefficients[],
  weights: readonly bigint[],
): RnsCoefficients {
  if (inputs.length !== weights.length) {
    throw new FheWeightError(`${inputs.length} inputs but ${weights.length} weights`);
  }
  const lifted = effectiveWeights(params, weights);
  const first = inputs[0];
  return first.map((poly, p) =>
    poly.map((row, j) => {
      const q = params.primes[j];
      return row.map((_, k) => {
        let acc = 0n;
        for (let i = 0; i < inputs.length; i++) acc += lifted[i][j] * inputs[i][p][j][k];
        return acc % q;
      });
    }),
  );
}
