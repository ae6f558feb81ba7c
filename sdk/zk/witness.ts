/// <reference path="../types/circomlibjs.d.ts" />
import type { Poseidon } from "circomlibjs";
import type { FheParams } from "../fhe/context";
import { parseCiphertext } from "../fhe/ciphertextFormat";
import { type RnsCoefficients, reduceWeights, weightedSumReference } from "../fhe/plainLift";
import type { WeightedSumCircuitConfig } from "./circuitConfig";
import {
  ciphertextCommitment,
  flattenCoefficients,
  inputsCommitment,
  packCoefficients,
  specCommitment,
  taskBinding,
  weightsCommitment,
} from "./commitment";
import { ProverInputError } from "./errors";

/** The three public signals, in circuit order. */
export interface WeightedSumStatement {
  readonly specCommitment: bigint;
  readonly outputCommitment: bigint;
  readonly taskBinding: bigint;
}

/** Public signals as decimal strings, in the order the verifier expects. */
export function statementToPublicSignals(s: WeightedSumStatement): string[] {
  return [s.specCommitment, s.outputCommitment, s.taskBinding].map((v) => v.toString());
}

/** The circuit's input signals (all values decimal strings). */
export interface WeightedSumCircuitInput {
  specCommitment: string;
  outputCommitment: string;
  taskBinding: string;
  inputs: string[][];
  weights: string[];
  out: string[];
  quot: string[];
  [signal: string]: string | string[] | string[][];
}

/** A proving job as a provider agent sees it. */
export interface WeightedSumJob {
  /** Serialized input ciphertexts (`saveArray(ComprModeType.none)`), in task order. */
  readonly inputs: readonly Uint8Array[];
  /** The task's weights (non-negative; reduced mod t). */
  readonly weights: readonly bigint[];
  /** The serialized result of `weightedSum(inputs, weights)`. */
  readonly output: Uint8Array;
  readonly taskId: bigint;
  /** The provider's address (0x + 40 hex). */
  readonly provider: string;
}

/** Parsed coefficients of a job, checked against the FHE parameters. */
export interface ParsedJob {
  readonly inputs: RnsCoefficients[];
  readonly output: RnsCoefficients;
  readonly weights: bigint[];
}

export function parseJob(params: FheParams, cfg: WeightedSumCircuitConfig, job: WeightedSumJob): ParsedJob {
  if (job.inputs.length !== cfg.k)
    throw new ProverInputError(`circuit ${cfg.id} takes ${cfg.k} inputs, got ${job.inputs.length}`);
  if (job.weights.length !== cfg.k)
    throw new ProverInputError(`expected ${cfg.k} weights, got ${job.weights.length}`);
  const shape = { n: params.n, primes: params.primes, parmsId: params.parmsId };
  return {
    inputs: job.inputs.map((b) => parseCiphertext(b, shape).coeffs),
    output: parseCiphertext(job.output, shape).coeffs,
    weights: reduceWeights(job.weights, params.plainModulus),
  };
}

/** Commitments of a job's inputs and weights (what the requester registers with the task). */
export function computeSpecCommitment(
  poseidon: Poseidon,
  cfg: WeightedSumCircuitConfig,
  inputs: readonly RnsCoefficients[],
  weights: readonly bigint[],
): { specCommitment: bigint; inputsCommitment: bigint; weightsCommitment: bigint; ciphertexts: bigint[] } {
  const ciphertexts = inputs.map((c) => ciphertextCommitment(poseidon, cfg, c));
  const inputsC = inputsCommitment(poseidon, ciphertexts);
  const weightsC = weightsCommitment(poseidon, weights, cfg.plainModulus);
  return {
    specCommitment: specCommitment(poseidon, inputsC, weightsC),
    inputsCommitment: inputsC,
    weightsCommitment: weightsC,
    ciphertexts,
  };
}

/**
 * Builds the full witness input for a job. Checks first — with the reference model — that the output
 * really is the weighted sum of the inputs, so a bad job fails here with a clear message instead of deep
 * inside witness generation.
 */
export function buildWitnessInput(
  params: FheParams,
  cfg: WeightedSumCircuitConfig,
  poseidon: Poseidon,
  job: WeightedSumJob,
): { input: WeightedSumCircuitInput; statement: WeightedSumStatement; parsed: ParsedJob } {
  const parsed = parseJob(params, cfg, job);
  const expected = weightedSumReference(params, parsed.inputs, parsed.weights);
  const flatOut = flattenCoefficients(cfg, parsed.output);
  const flatExpected = flattenCoefficients(cfg, expected);
  const bad = flatOut.findIndex((c, f) => c !== flatExpected[f]);
  if (bad >= 0) {
    throw new ProverInputError(
      `output coefficient ${bad} is ${flatOut[bad]}, but Σ w_i·in_i mod q gives ${flatExpected[bad]}`,
    );
  }
  const flatInputs = parsed.inputs.map((c) => flattenCoefficients(cfg, c));
  const rowsPerPrime = cfg.n;
  const quot = flatOut.map((o, f) => {
    const q = cfg.primes[Math.floor(f / rowsPerPrime) % cfg.primes.length];
    let acc = 0n;
    for (let i = 0; i < cfg.k; i++) acc += parsed.weights[i] * flatInputs[i][f];
    return (acc - o) / q;
  });
  const { specCommitment: spec } = computeSpecCommitment(poseidon, cfg, parsed.inputs, parsed.weights);
  const statement: WeightedSumStatement = {
    specCommitment: spec,
    outputCommitment: ciphertextCommitment(poseidon, cfg, parsed.output),
    taskBinding: taskBinding(job.taskId, job.provider),
  };
  const str = (v: bigint) => v.toString();
  return {
    input: {
      specCommitment: str(statement.specCommitment),
      outputCommitment: str(statement.outputCommitment),
      taskBinding: str(statement.taskBinding),
      inputs: flatInputs.map((flat) => packCoefficients(cfg, flat).map(str)),
      weights: parsed.weights.map(str),
      out: flatOut.map(str),
      quot: quot.map(str),
    },
    statement,
    parsed,
  };
}
