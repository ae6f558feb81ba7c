/// <reference path="../types/circomlibjs.d.ts" />
import { buildPoseidon, type Poseidon } from "circomlibjs";
import type { RnsCoefficients } from "../fhe/plainLift";
import { ProverInputError } from "./errors";

/**
 * Poseidon commitments, bit-compatible with circuits/weighted_sum.circom (checked by
 * test/zk/commitment.test.ts against the compiled circuit):
 *
 * - sponge(tag, x[0..L)): h = tag; for each chunk of ≤ 16 elements, h = PoseidonEx(chunk, initialState = h)
 * - ciphertext: sponge(tagCiphertext, pack(coefficients)) — the same for inputs and outputs, so anybody
 *   holding a ciphertext blob can check it against an on-chain commitment
 * - inputs: sponge(2 + K·2^8, [ciphertext commitments]); weights: sponge(3 + K·2^8 + t·2^16, w mod t)
 * - spec: sponge(4, [inputs, weights]) — what a task stores; output: ciphertext commitment of the result
 * - taskBinding = taskId · 2^160 + provider
 */

/** Field modulus of BN254's scalar field (the circuit's native field). */
export const SNARK_SCALAR_FIELD =
  21888242871839275222246405745257275088548364400416034343698204186575808495617n;

/** What fixes the packing and commitment of a ciphertext (a {@link WeightedSumCircuitConfig} is one). */
export interface CiphertextLayout {
  readonly n: number;
  readonly primes: readonly bigint[];
  readonly slotBits: number;
  readonly slotsPerElement: number;
}

export function tagCiphertext(layout: CiphertextLayout): bigint {
  return (
    1n +
    (BigInt(layout.n) << 8n) +
    (BigInt(layout.primes.length) << 40n) +
    (BigInt(layout.slotsPerElement) << 48n) +
    (BigInt(layout.slotBits) << 56n)
  );
}
export const tagInputs = (k: number): bigint => 2n + (BigInt(k) << 8n);
export const tagWeights = (k: number, t: bigint): bigint => 3n + (BigInt(k) << 8n) + (t << 16n);
export const TAG_SPEC = 4n;

let poseidonPromise: Promise<Poseidon> | undefined;

/** Loads circomlibjs' Poseidon (WebAssembly) once per process. */
export function loadPoseidon(): Promise<Poseidon> {
  poseidonPromise ??= buildPoseidon();
  return poseidonPromise;
}

/** Poseidon chain over a fixed-length vector; see the module comment. */
export function poseidonSponge(poseidon: Poseidon, tag: bigint, elements: readonly bigint[]): bigint {
  if (elements.length === 0) throw new ProverInputError("cannot commit to an empty vector");
  let state = tag;
  for (let start = 0; start < elements.length; start += 16) {
    const chunk = elements.slice(start, start + 16);
    state = poseidon.F.toObject(poseidon(chunk, state, 1));
  }
  return state;
}

/** Flattens `[poly][prime][coeff]` in SEAL's order after checking the shape and ranges. */
export function flattenCoefficients(layout: CiphertextLayout, coeffs: RnsCoefficients): bigint[] {
  const flat: bigint[] = [];
  if (coeffs.length !== 2) throw new ProverInputError(`expected 2 polynomials, got ${coeffs.length}`);
  coeffs.forEach((poly, p) => {
    if (poly.length !== layout.primes.length) {
      throw new ProverInputError(`poly ${p}: ${poly.length} RNS rows, expected ${layout.primes.length}`);
    }
    poly.forEach((row, j) => {
      if (row.length !== layout.n) throw new ProverInputError(`row [${p}][${j}]: ${row.length} coefficients`);
      for (const c of row) {
        if (c < 0n || c >= layout.primes[j]) throw new ProverInputError(`coefficient ${c} not below q_${j}`);
        flat.push(c);
      }
    });
  });
  return flat;
}

/** Packs flat coefficients M per field element, S bits per slot (slot 0 least significant). */
export function packCoefficients(layout: CiphertextLayout, flat: readonly bigint[]): bigint[] {
  const m = layout.slotsPerElement;
  const s = BigInt(layout.slotBits);
  const packed: bigint[] = [];
  for (let start = 0; start < flat.length; start += m) {
    let acc = 0n;
    for (let l = Math.min(m, flat.length - start) - 1; l >= 0; l--) acc = (acc << s) + flat[start + l];
    packed.push(acc);
  }
  return packed;
}

/** Commitment of one ciphertext (input or output). */
export function ciphertextCommitment(
  poseidon: Poseidon,
  layout: CiphertextLayout,
  coeffs: RnsCoefficients,
): bigint {
  return poseidonSponge(
    poseidon,
    tagCiphertext(layout),
    packCoefficients(layout, flattenCoefficients(layout, coeffs)),
  );
}

/** Commitment of the ordered list of input ciphertexts, from their individual commitments. */
export function inputsCommitment(poseidon: Poseidon, ciphertextCommitments: readonly bigint[]): bigint {
  return poseidonSponge(poseidon, tagInputs(ciphertextCommitments.length), ciphertextCommitments);
}

/** Commitment of the weights (each already reduced to [0, t)). */
export function weightsCommitment(poseidon: Poseidon, weights: readonly bigint[], t: bigint): bigint {
  weights.forEach((w, i) => {
    if (w < 0n || w >= t) throw new ProverInputError(`weight ${i} = ${w} is not reduced to [0, ${t})`);
  });
  return poseidonSponge(poseidon, tagWeights(weights.length, t), weights);
}

/** The task's commitment to "these inputs, with these weights". */
export function specCommitment(poseidon: Poseidon, inputs: bigint, weights: bigint): bigint {
  return poseidonSponge(poseidon, TAG_SPEC, [inputs, weights]);
}

/** Largest task id that keeps taskBinding below the field modulus. */
export const MAX_TASK_ID = (1n << 93n) - 1n;

/** taskId · 2^160 + provider — computed the same way by the contract (cheap, no hashing on-chain). */
export function taskBinding(taskId: bigint, provider: string): bigint {
  if (taskId < 0n || taskId > MAX_TASK_ID)
    throw new ProverInputError(`task id ${taskId} is outside [0, 2^93)`);
  if (!/^0x[0-9a-fA-F]{40}$/.test(provider)) throw new ProverInputError(`"${provider}" is not an address`);
  return (taskId << 160n) + BigInt(provider);
}
