import { expect } from "chai";
import os from "node:os";
import path from "node:path";
import hre from "hardhat";
import {
  INSECURE_CI,
  createFheContext,
  decryptVector,
  disposeKeyPair,
  encryptVector,
  generateKeyPair,
  parseCiphertext,
  serializeCiphertext,
  weightedSum,
  type FheContext,
  type FheKeyPair,
} from "../../sdk/fhe";
import {
  ProverInputError,
  WitnessError,
  buildWitnessInput,
  ciphertextCommitment,
  compileVerifier,
  computeSpecCommitment,
  createProgressLogger,
  ensureDevSetup,
  exportSolidityVerifier,
  flattenProof,
  loadPoseidon,
  proveFromInput,
  proveWeightedSum,
  releaseZkWorkers,
  taskBinding,
  verifierContractName,
  verifyWeightedSum,
  weightedSumConfig,
  type Groth16Setup,
  type WeightedSumCircuitConfig,
  type WeightedSumJob,
  type WeightedSumProof,
  type WeightedSumStatement,
} from "../../sdk/zk";

const PROVIDER = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const OTHER_PROVIDER = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";

describe("sdk/zk prover — Groth16 over real SEAL ciphertexts (INSECURE_CI, K=2)", function () {
  // The first run builds the cached INSECURE dev setup (≈ 4–5 min on 2 cores); later runs reuse it.
  this.timeout(1_200_000);

  let ctx: FheContext;
  let cfg: WeightedSumCircuitConfig;
  let setup: Groth16Setup;
  let keys: FheKeyPair;
  let xs: bigint[][];
  let job: WeightedSumJob;
  let result: WeightedSumProof;
  /** What the contract knows independently of the prover: the task's spec and the assigned provider. */
  let taskStatement: Omit<WeightedSumStatement, "outputCommitment">;

  before(async function () {
    ctx = await createFheContext(INSECURE_CI);
    cfg = weightedSumConfig(ctx.params, 2);
    setup = await ensureDevSetup(cfg, { log: createProgressLogger(`${cfg.id} setup`) });
    expect(setup.label).to.equal("INSECURE-DEV");

    // Requester: encrypt two vectors, publish ciphertexts and the spec commitment with the task.
    keys = generateKeyPair(ctx);
    const t = ctx.params.plainModulus;
    xs = [
      Array.from({ length: 32 }, (_, i) => BigInt(i + 1)),
      Array.from({ length: 32 }, (_, i) => (BigInt(i) * 1000n) % t),
    ];
    const inputs = xs.map((x) => encryptVector(ctx, keys.publicKey, x));
    const weights = [3n, t - 2n];
    const poseidon = await loadPoseidon();
    const shape = { n: ctx.params.n, primes: ctx.params.primes };
    const spec = computeSpecCommitment(
      poseidon,
      cfg,
      inputs.map((b) => parseCiphertext(b, shape).coeffs),
      weights,
    );
    taskStatement = { specCommitment: spec.specCommitment, taskBinding: taskBinding(7n, PROVIDER) };

    // Provider: evaluate homomorphically, then prove.
    const output = weightedSum(ctx, inputs, weights);
    job = { inputs, weights, output, taskId: 7n, provider: PROVIDER };
    result = await proveWeightedSum(
      ctx.params,
      cfg,
      { wasmPath: setup.circuit.wasmPath, zkeyPath: setup.zkeyPath },
      job,
    );
  });

  after(async function () {
    disposeKeyPair(keys);
    await releaseZkWorkers();
  });

  it("proves a weighted sum that verifies and decrypts to Σ w_i·x_i mod t", async function () {
    const statement = { ...taskStatement, outputCommitment: result.statement.outputCommitment };
    expect(await verifyWeightedSum(setup.vkey, statement, result.proof)).to.equal(true);
    const t = ctx.params.plainModulus;
    const expected = xs[0].map((x0, s) => (3n * x0 + (t - 2n) * xs[1][s]) % t);
    expect(decryptVector(ctx, keys.secretKey, job.output)).to.deep.equal(expected);
    console.log(`      witness ${result.timings.witnessMs} ms, prove ${result.timings.proveMs} ms`);
  });

  it("binds the output: its commitment is the ciphertext commitment of the output blob", async function () {
    const poseidon = await loadPoseidon();
    const coeffs = parseCiphertext(job.output, { n: ctx.params.n, primes: ctx.params.primes }).coeffs;
    expect(result.statement.outputCommitment).to.equal(ciphertextCommitment(poseidon, cfg, coeffs));
    expect(result.publicSignals).to.have.length(3);
  });

  it("fails verification for a tampered output commitment", async function () {
    const statement = { ...result.statement, outputCommitment: result.statement.outputCommitment + 1n };
    expect(await verifyWeightedSum(setup.vkey, statement, result.proof)).to.equal(false);
  });

  it("fails verification against the spec of other weights (changed weights)", async function () {
    const poseidon = await loadPoseidon();
    const shape = { n: ctx.params.n, primes: ctx.params.primes };
    const other = computeSpecCommitment(
      poseidon,
      cfg,
      job.inputs.map((b) => parseCiphertext(b, shape).coeffs),
      [3n, 5n],
    );
    const statement = { ...result.statement, specCommitment: other.specCommitment };
    expect(await verifyWeightedSum(setup.vkey, statement, result.proof)).to.equal(false);
  });

  it("fails verification against the spec of swapped inputs", async function () {
    const poseidon = await loadPoseidon();
    const shape = { n: ctx.params.n, primes: ctx.params.primes };
    const swapped = [job.inputs[1], job.inputs[0]].map((b) => parseCiphertext(b, shape).coeffs);
    const statement = {
      ...result.statement,
      specCommitment: computeSpecCommitment(poseidon, cfg, swapped, job.weights).specCommitment,
    };
    expect(await verifyWeightedSum(setup.vkey, statement, result.proof)).to.equal(false);
  });

  it("cannot be replayed by another provider or for another task (task binding)", async function () {
    for (const binding of [taskBinding(7n, OTHER_PROVIDER), taskBinding(8n, PROVIDER)]) {
      const statement = { ...result.statement, taskBinding: binding };
      expect(await verifyWeightedSum(setup.vkey, statement, result.proof)).to.equal(false);
    }
  });

  it("fails verification for a tampered proof", async function () {
    const proof = { ...result.proof, pi_a: [result.proof.pi_c[0], result.proof.pi_c[1], "1"] };
    expect(await verifyWeightedSum(setup.vkey, result.statement, proof)).to.equal(false);
  });

  it("refuses (ProverInputError) an output that is not the weighted sum of the inputs", async function () {
    const shape = { n: ctx.params.n, primes: ctx.params.primes };
    const parsed = parseCiphertext(job.output, shape);
    const coeffs = parsed.coeffs.map((p) => p.map((r) => [...r]));
    coeffs[1][0][3] = (coeffs[1][0][3] + 1n) % ctx.params.primes[0];
    const forged = serializeCiphertext(parsed, coeffs);
    const artifacts = { wasmPath: setup.circuit.wasmPath, zkeyPath: setup.zkeyPath };
    let caught: unknown;
    try {
      await proveWeightedSum(ctx.params, cfg, artifacts, { ...job, output: forged });
    } catch (err) {
      caught = err;
    }
    expect(caught).to.be.instanceOf(ProverInputError);
    expect((caught as Error).message).to.match(/output coefficient \d+ is/);
  });

  it("reports WitnessError when a forced witness breaks a constraint", async function () {
    const poseidon = await loadPoseidon();
    const { input, statement } = buildWitnessInput(ctx.params, cfg, poseidon, job);
    input.quot[0] = (BigInt(input.quot[0]) + 1n).toString();
    let caught: unknown;
    try {
      await proveFromInput({ wasmPath: setup.circuit.wasmPath, zkeyPath: setup.zkeyPath }, input, statement);
    } catch (err) {
      caught = err;
    }
    expect(caught).to.be.instanceOf(WitnessError);
  });

  it("produces calldata the generated Solidity verifier accepts on the Hardhat network (gas measured)", async function () {
    const dir = path.join(os.tmpdir(), `cloudai-verifier-${process.pid}`);
    const file = await exportSolidityVerifier(setup, { command: "test/zk/prover.test.ts", outDir: dir });
    const name = verifierContractName(cfg.id);
    const compiled = await compileVerifier(file, name);
    const [signer] = await hre.ethers.getSigners();
    const factory = new hre.ethers.ContractFactory(compiled.abi as never[], compiled.bytecode, signer);
    const verifier = await factory.deploy();
    await verifier.waitForDeployment();
    const { a, b, c, pub } = result.calldata;
    const verifyProof = verifier.getFunction("verifyProof");
    expect(await verifyProof(a, b, c, pub)).to.equal(true);
    const words = flattenProof(result.calldata);
    expect(words).to.have.length(8);
    expect(words.slice(2, 6)).to.deep.equal([b[0][0], b[0][1], b[1][0], b[1][1]]);
    const gas = await verifyProof.estimateGas(a, b, c, pub);
    console.log(`      verifyProof: ${gas} gas (transaction estimate, incl. 21000 base and calldata)`);
    expect(gas < 300_000n).to.equal(true);
    expect(await verifyProof(a, b, c, [pub[0], pub[1], taskBinding(7n, OTHER_PROVIDER)])).to.equal(false);
    expect(await verifyProof(a, b, c, [pub[0], pub[1] + 1n, pub[2]])).to.equal(false);
  });
});
