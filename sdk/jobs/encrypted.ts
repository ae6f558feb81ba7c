/**
 * An encrypted weighted-sum job end to end, over content-addressed storage:
 *
 * - the requester encrypts K vectors under its BFV key, stores the ciphertexts and a manifest, and puts
 *   the spec commitment (Poseidon over the ciphertexts and the weights) in the task;
 * - the provider fetches the manifest and ciphertexts (integrity-checked by CID), re-computes the spec
 *   commitment and refuses to work if it differs from the task's, evaluates Σ w_i·ct_i homomorphically,
 *   proves it with Groth16 bound to (task id, provider), and stores the output ciphertext;
 * - the requester fetches the output and decrypts it.
 */
import type { PublicKey } from "node-seal/implementation/public-key";
import type { SecretKey } from "node-seal/implementation/secret-key";
import type { BlobStore } from "../storage";
import { decryptVector, encryptVector, parseCiphertext, weightedSum, type FheContext } from "../fhe";
import {
  computeSpecCommitment,
  flattenProof,
  loadPoseidon,
  proveWeightedSum,
  type ProverArtifacts,
  type WeightedSumCircuitConfig,
} from "../zk";

/** Stored as a JSON blob; its CID is the task's `inputCid`. */
export interface EncryptedJobManifest {
  version: 1;
  kind: "weighted-sum";
  /** Circuit id (e.g. `weighted_sum_ci_k2`): fixes the FHE parameters and the proof system. */
  circuit: string;
  /** CIDs of the serialized input ciphertexts, in order. */
  inputs: string[];
  /** Weights as decimal strings (non-negative, < t). */
  weights: string[];
}

/** Thrown when a job's data does not match what the task committed to. */
export class JobCommitmentError extends Error {
  override name = "JobCommitmentError";
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Field element → bytes32 hex, as the task stores commitments. */
export function toBytes32(x: bigint): string {
  return "0x" + x.toString(16).padStart(64, "0");
}

function layoutOf(ctx: FheContext) {
  return { n: ctx.params.n, primes: ctx.params.primes };
}

/** Requester: encrypt, store, and compute what goes into the task. */
export async function createEncryptedJob(
  store: BlobStore,
  ctx: FheContext,
  cfg: WeightedSumCircuitConfig,
  publicKey: PublicKey,
  vectors: readonly (readonly bigint[])[],
  weights: readonly bigint[],
): Promise<{ manifestCid: string; specCommitment: bigint; manifest: EncryptedJobManifest }> {
  if (vectors.length !== cfg.k || weights.length !== cfg.k) {
    throw new RangeError(`circuit ${cfg.id} takes exactly ${cfg.k} vectors and weights`);
  }
  const ciphertexts = vectors.map((v) => encryptVector(ctx, publicKey, v));
  const inputs: string[] = [];
  for (const ct of ciphertexts) inputs.push(await store.put(ct));
  const poseidon = await loadPoseidon();
  const { specCommitment } = computeSpecCommitment(
    poseidon,
    cfg,
    ciphertexts.map((b) => parseCiphertext(b, layoutOf(ctx)).coeffs),
    weights,
  );
  const manifest: EncryptedJobManifest = {
    version: 1,
    kind: "weighted-sum",
    circuit: cfg.id,
    inputs,
    weights: weights.map((w) => w.toString()),
  };
  const manifestCid = await store.put(encoder.encode(JSON.stringify(manifest)));
  return { manifestCid, specCommitment, manifest };
}

/** Reads and validates a manifest. */
export async function readManifest(store: BlobStore, cid: string): Promise<EncryptedJobManifest> {
  const m = JSON.parse(decoder.decode(await store.get(cid))) as Partial<EncryptedJobManifest>;
  if (m.version !== 1 || m.kind !== "weighted-sum" || !Array.isArray(m.inputs) || !Array.isArray(m.weights)) {
    throw new JobCommitmentError(`${cid} is not a weighted-sum job manifest`);
  }
  return m as EncryptedJobManifest;
}

/** What the provider submits with `submitProof`. */
export interface EncryptedJobResult {
  outputCid: string;
  outputCommitment: bigint;
  proof: bigint[];
  timings: { evaluateMs: number; witnessMs: number; proveMs: number };
}

/**
 * Provider: fetch, check against the task's spec commitment, evaluate, prove, store the output.
 * Throws {@link JobCommitmentError} before any work when the inputs are not what the task committed to.
 */
export async function computeEncryptedJob(
  store: BlobStore,
  ctx: FheContext,
  cfg: WeightedSumCircuitConfig,
  artifacts: ProverArtifacts,
  task: { taskId: bigint; provider: string; inputCid: string; specCommitment: bigint },
): Promise<EncryptedJobResult> {
  const manifest = await readManifest(store, task.inputCid);
  if (manifest.circuit !== cfg.id) {
    throw new JobCommitmentError(`job is for circuit ${manifest.circuit}, this prover runs ${cfg.id}`);
  }
  const inputs: Uint8Array[] = [];
  for (const cid of manifest.inputs) inputs.push(await store.get(cid));
  const weights = manifest.weights.map((w) => BigInt(w));
  const poseidon = await loadPoseidon();
  const { specCommitment } = computeSpecCommitment(
    poseidon,
    cfg,
    inputs.map((b) => parseCiphertext(b, layoutOf(ctx)).coeffs),
    weights,
  );
  if (specCommitment !== task.specCommitment) {
    throw new JobCommitmentError(
      `task ${task.taskId} commits to ${toBytes32(task.specCommitment)} but its data hashes to ${toBytes32(specCommitment)}`,
    );
  }
  const t0 = Date.now();
  const output = weightedSum(ctx, inputs, weights);
  const evaluateMs = Date.now() - t0;
  const proof = await proveWeightedSum(ctx.params, cfg, artifacts, {
    inputs,
    weights,
    output,
    taskId: task.taskId,
    provider: task.provider,
  });
  return {
    outputCid: await store.put(output),
    outputCommitment: proof.statement.outputCommitment,
    proof: flattenProof(proof.calldata),
    timings: { evaluateMs, ...proof.timings },
  };
}

/** Requester: fetch and decrypt the result. */
export async function decryptJobResult(
  store: BlobStore,
  ctx: FheContext,
  secretKey: SecretKey,
  outputCid: string,
): Promise<bigint[]> {
  return decryptVector(ctx, secretKey, await store.get(outputCid));
}
