/// <reference path="../types/snarkjs.d.ts" />
import { groth16, wtns, type Groth16Proof, type VerificationKey } from "snarkjs";
import type { FheParams } from "../fhe/context";
import type { WeightedSumCircuitConfig } from "./circuitConfig";
import { loadPoseidon } from "./commitment";
import { WitnessError, ProverInputError } from "./errors";
import {
  type WeightedSumCircuitInput,
  type WeightedSumJob,
  type WeightedSumStatement,
  buildWitnessInput,
  statementToPublicSignals,
} from "./witness";

export type { WeightedSumJob, WeightedSumStatement, WeightedSumCircuitInput } from "./witness";

/** Files a prover needs: the circuit's witness-generator wasm and the final zkey. */
export interface ProverArtifacts {
  readonly wasmPath: string;
  readonly zkeyPath: string;
}

/** Arguments of the snarkjs verifier's `verifyProof(uint[2] a, uint[2][2] b, uint[2] c, uint[3] pub)`. */
export interface SolidityCalldata {
  readonly a: [bigint, bigint];
  readonly b: [[bigint, bigint], [bigint, bigint]];
  readonly c: [bigint, bigint];
  readonly pub: bigint[];
}

export interface WeightedSumProof {
  readonly statement: WeightedSumStatement;
  readonly publicSignals: string[];
  readonly proof: Groth16Proof;
  readonly calldata: SolidityCalldata;
  readonly witnessInput: WeightedSumCircuitInput;
  readonly timings: { witnessMs: number; proveMs: number };
}

/** Converts a snarkjs proof to the verifier contract's argument layout (G2 coordinates swapped). */
export async function toSolidityCalldata(
  proof: Groth16Proof,
  publicSignals: readonly string[],
): Promise<SolidityCalldata> {
  const raw = await groth16.exportSolidityCallData(proof, publicSignals);
  const [a, b, c, pub] = JSON.parse(`[${raw}]`) as [string[], string[][], string[], string[]];
  const big = (x: string) => BigInt(x);
  return {
    a: [big(a[0]), big(a[1])],
    b: [
      [big(b[0][0]), big(b[0][1])],
      [big(b[1][0]), big(b[1][1])],
    ],
    c: [big(c[0]), big(c[1])],
    pub: pub.map(big),
  };
}

/**
 * The proof as eight words `[a0, a1, b00, b01, b10, b11, c0, c1]` (the verifier's argument order), for
 * contracts that forward a proof as `uint256[8]` (e.g. a verifier registry).
 */
export function flattenProof(calldata: SolidityCalldata): bigint[] {
  return [...calldata.a, ...calldata.b[0], ...calldata.b[1], ...calldata.c];
}

/** Computes the witness of an input (in memory), mapping constraint failures to {@link WitnessError}. */
export async function calculateWitness(
  wasmPath: string,
  input: WeightedSumCircuitInput,
): Promise<Uint8Array> {
  const out: { type: "mem"; data?: Uint8Array } = { type: "mem" };
  try {
    await wtns.calculate(input, wasmPath, out);
  } catch (err) {
    throw new WitnessError(
      `the inputs do not satisfy the circuit: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  if (!out.data) throw new WitnessError("witness generation produced no data");
  return out.data;
}

/**
 * Provider entry point: from serialized ciphertexts, weights, task id and provider address to a Groth16
 * proof, its public signals and the verifier contract's calldata.
 */
export async function proveWeightedSum(
  params: FheParams,
  cfg: WeightedSumCircuitConfig,
  artifacts: ProverArtifacts,
  job: WeightedSumJob,
): Promise<WeightedSumProof> {
  const poseidon = await loadPoseidon();
  const { input, statement } = buildWitnessInput(params, cfg, poseidon, job);
  return proveFromInput(artifacts, input, statement);
}

/** Proves an already-built witness input (exposed for tests and tooling). */
export async function proveFromInput(
  artifacts: ProverArtifacts,
  input: WeightedSumCircuitInput,
  statement: WeightedSumStatement,
): Promise<WeightedSumProof> {
  const t0 = Date.now();
  const witness = await calculateWitness(artifacts.wasmPath, input);
  const t1 = Date.now();
  const { proof, publicSignals } = await groth16.prove(artifacts.zkeyPath, { type: "mem", data: witness });
  const t2 = Date.now();
  const expected = statementToPublicSignals(statement);
  if (publicSignals.length !== expected.length || publicSignals.some((s, i) => s !== expected[i])) {
    throw new ProverInputError(
      `public signals ${publicSignals.join(",")} differ from the statement ${expected.join(",")}`,
    );
  }
  return {
    statement,
    publicSignals,
    proof,
    calldata: await toSolidityCalldata(proof, publicSignals),
    witnessInput: input,
    timings: { witnessMs: t1 - t0, proveMs: t2 - t1 },
  };
}

/**
 * Verifies a proof against the statement the *verifier* expects (its own spec commitment, the claimed
 * output commitment and its own task binding) — never against signals supplied by the prover.
 */
export async function verifyWeightedSum(
  vkey: VerificationKey,
  statement: WeightedSumStatement,
  proof: Groth16Proof,
): Promise<boolean> {
  return groth16.verify(vkey, statementToPublicSignals(statement), proof);
}
