import { expect } from "chai";
import { loadCore } from "../fixtures/core";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import hre, { deployments, ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { buildDeploymentExport } from "../../scripts/lib/export";
import { deployConfig } from "../../scripts/lib/deploy-config";
import { passProposal } from "../../scripts/lib/governance";
import { connectContracts, type CloudAIContracts } from "../../sdk/deployment";
import {
  INSECURE_CI,
  createFheContext,
  disposeKeyPair,
  generateKeyPair,
  type FheContext,
  type FheKeyPair,
} from "../../sdk/fhe";
import { LocalDirStore } from "../../sdk/storage";
import {
  createProgressLogger,
  ensureDevSetup,
  registryCircuitId,
  releaseZkWorkers,
  weightedSumConfig,
  type Groth16Setup,
  type WeightedSumCircuitConfig,
} from "../../sdk/zk";
import {
  JobCommitmentError,
  computeEncryptedJob,
  createEncryptedJob,
  decryptJobResult,
  toBytes32,
  type EncryptedJobResult,
} from "../../sdk/jobs/encrypted";

const E18 = 10n ** 18n;
const ZK = 1;
const Status = { Completed: 4n, Assigned: 1n } as const;

/**
 * The core novelty end to end on the deployed system: a requester encrypts two vectors (BFV, INSECURE_CI
 * preset), a provider evaluates the weighted sum on the ciphertexts and proves it with Groth16, the
 * market verifies the proof through the governance-registered verifier and pays, and the requester
 * decrypts Σ w_i·x_i. Also every way a proof must be refused.
 */
describe("integration: encrypted task proved with Groth16", function () {
  this.timeout(1_500_000);

  let ctx: FheContext;
  let cfg: WeightedSumCircuitConfig;
  let setup: Groth16Setup;
  let keys: FheKeyPair;
  let store: LocalDirStore;
  const t = () => ctx.params.plainModulus;
  const artifacts = () => ({ wasmPath: setup.circuit.wasmPath, zkeyPath: setup.zkeyPath });
  const xs = [
    Array.from({ length: 32 }, (_, i) => BigInt(i + 1)),
    Array.from({ length: 32 }, (_, i) => BigInt(7 * i)),
  ];
  const weights = [3n, 5n];

  before(async function () {
    ctx = await createFheContext(INSECURE_CI);
    cfg = weightedSumConfig(ctx.params, 2);
    setup = await ensureDevSetup(cfg, { log: createProgressLogger(`${cfg.id} setup`) });
    keys = generateKeyPair(ctx);
    store = new LocalDirStore(fs.mkdtempSync(path.join(os.tmpdir(), "cloudai-e2e-")));
  });

  after(async function () {
    disposeKeyPair(keys);
    await releaseZkWorkers();
  });

  interface World {
    c: CloudAIContracts;
    requester: HardhatEthersSigner;
    providers: HardhatEthersSigner[];
    circuitId: string;
  }

  async function world(): Promise<World> {
    await loadCore();
    const [deployer, requester, p1, p2] = await ethers.getSigners();
    const c = connectContracts(await buildDeploymentExport(hre), deployer);
    await c.token.transfer(requester.address, 10_000n * E18);
    await c.token.connect(requester).approve(await c.market.getAddress(), ethers.MaxUint256);
    for (const p of [p1, p2]) {
      await c.token.transfer(p.address, 10_000n * E18);
      await c.token.connect(p).approve(await c.staking.getAddress(), ethers.MaxUint256);
      await c.staking.connect(p).register(`local://${p.address}`, "0x01", 0b1n);
      await c.staking.connect(p).stake(1_000n * E18);
    }
    return { c, requester, providers: [p1, p2], circuitId: registryCircuitId(cfg.id) };
  }

  /** Creates a ZK task for `spec` and lets `provider` claim it after the match timeout. */
  async function zkTask(
    w: World,
    spec: bigint,
    inputCid: string,
    provider: HardhatEthersSigner,
    circuitId = w.circuitId,
  ) {
    const now = await time.latest();
    await w.c.market.connect(w.requester).createTask({
      resourceClass: 0,
      mode: ZK,
      minReputation: 0,
      units: 4,
      maxPricePerUnit: 2n * E18,
      assignDeadline: now + 600,
      completionDeadline: now + 1800,
      circuitId,
      inputCommitment: toBytes32(spec),
      inputCid,
    });
    const id = await w.c.market.taskCount();
    await time.increase(deployConfig("hardhat").market.matchTimeout + 1);
    await w.c.market.connect(provider).claimTask(id);
    expect((await w.c.market.getTask(id)).status).to.equal(Status.Assigned);
    return id;
  }

  /** The provider's side of a job: fetch, check, evaluate and prove for (taskId, provider). */
  async function prove(
    job: { manifestCid: string; specCommitment: bigint },
    taskId: bigint,
    provider: HardhatEthersSigner,
  ): Promise<EncryptedJobResult> {
    return computeEncryptedJob(store, ctx, cfg, artifacts(), {
      taskId,
      provider: provider.address,
      inputCid: job.manifestCid,
      specCommitment: job.specCommitment,
    });
  }

  async function submit(w: World, provider: HardhatEthersSigner, taskId: bigint, r: EncryptedJobResult) {
    return w.c.market
      .connect(provider)
      .submitProof(
        taskId,
        toBytes32(r.outputCommitment),
        r.outputCid,
        r.proof as unknown as bigint[] & { length: 8 },
      );
  }

  it("registers the dev verifier through governance in the deploy flow", async function () {
    const w = await world();
    const circ = await w.c.registry.circuit(w.circuitId);
    expect(circ.verifier).to.equal((await deployments.get("WeightedSumCiK2Verifier")).address);
    expect(circ.numPublicInputs).to.equal(3n);
    expect(circ.active).to.equal(true);
  });

  it("verifies the proof on-chain, pays the provider, and the requester decrypts the weighted sum", async function () {
    const w = await world();
    const [p1] = w.providers;
    const job = await createEncryptedJob(store, ctx, cfg, keys.publicKey, xs, weights);
    const id = await zkTask(w, job.specCommitment, job.manifestCid, p1);
    const before = await w.c.token.balanceOf(p1.address);
    const r = await prove(job, id, p1);
    const tx = await submit(w, p1, id, r);
    const receipt = await tx.wait();
    const task = await w.c.market.getTask(id);
    expect(task.status).to.equal(Status.Completed);
    expect(task.resultCommitment).to.equal(toBytes32(r.outputCommitment));
    const payment = 4n * 2n * E18;
    const fee = (payment * BigInt(deployConfig("hardhat").market.protocolFeeBps)) / 10_000n;
    expect((await w.c.token.balanceOf(p1.address)) - before).to.equal(payment - fee);
    const expected = xs[0].map((x0, i) => (weights[0] * x0 + weights[1] * xs[1][i]) % t());
    expect(await decryptJobResult(store, ctx, keys.secretKey, r.outputCid)).to.deep.equal(expected);
    console.log(
      `      submitProof gas ${receipt!.gasUsed} (real Groth16 verifier), prove ${r.timings.proveMs} ms`,
    );
  });

  it("refuses a proof made for another task, one from another provider, a malformed one and one for another circuit", async function () {
    const w = await world();
    const [p1, p2] = w.providers;
    const job = await createEncryptedJob(store, ctx, cfg, keys.publicKey, xs, weights);
    const taskA = await zkTask(w, job.specCommitment, job.manifestCid, p1);
    const taskB = await zkTask(w, job.specCommitment, job.manifestCid, p1);
    const taskC = await zkTask(w, job.specCommitment, job.manifestCid, p2);
    const forA = await prove(job, taskA, p1);
    // Replay for another task (same data, same provider).
    await expect(submit(w, p1, taskB, forA))
      .to.be.revertedWithCustomError(w.c.market, "TaskMarket__InvalidProof")
      .withArgs(taskB);
    // Stolen by another provider: p2 submits p1's proof for p1's data on its own task with the same spec.
    const forC = { ...forA };
    await expect(submit(w, p2, taskC, forC))
      .to.be.revertedWithCustomError(w.c.market, "TaskMarket__InvalidProof")
      .withArgs(taskC);
    // Malformed: a proof that is not a curve point.
    const junk = { ...forA, proof: forA.proof.map((x, i) => (i === 0 ? x + 1n : x)) };
    await expect(submit(w, p1, taskA, junk))
      .to.be.revertedWithCustomError(w.c.market, "TaskMarket__InvalidProof")
      .withArgs(taskA);
    // A tampered output commitment.
    await expect(submit(w, p1, taskA, { ...forA, outputCommitment: forA.outputCommitment + 1n }))
      .to.be.revertedWithCustomError(w.c.market, "TaskMarket__InvalidProof")
      .withArgs(taskA);
    // The right proof still passes afterwards.
    await submit(w, p1, taskA, forA);
    expect((await w.c.market.getTask(taskA)).status).to.equal(Status.Completed);

    // Wrong circuit: governance registers a second circuit id whose verifier rejects everything; a valid
    // proof of the weighted-sum circuit does not pass for a task naming it.
    const [deployer] = await ethers.getSigners();
    const rejecting = await (await ethers.getContractFactory("MockGroth16Verifier")).deploy(false);
    const otherId = registryCircuitId("other_circuit");
    await passProposal(w.c.governor, deployer, [deployer], {
      targets: [await w.c.registry.getAddress()],
      values: [0n],
      calldatas: [
        w.c.registry.interface.encodeFunctionData("registerCircuit", [
          otherId,
          await rejecting.getAddress(),
          3,
        ]),
      ],
      description: "register another circuit",
    });
    const taskD = await zkTask(w, job.specCommitment, job.manifestCid, p1, otherId);
    const forD = await prove(job, taskD, p1);
    await expect(submit(w, p1, taskD, forD))
      .to.be.revertedWithCustomError(w.c.market, "TaskMarket__InvalidProof")
      .withArgs(taskD);
  });

  it("makes the provider refuse a task whose data does not match its commitment, before any work", async function () {
    const job = await createEncryptedJob(store, ctx, cfg, keys.publicKey, xs, weights);
    const other = await createEncryptedJob(store, ctx, cfg, keys.publicKey, xs, [1n, 1n]);
    let error: unknown;
    try {
      await computeEncryptedJob(store, ctx, cfg, artifacts(), {
        taskId: 1n,
        provider: ethers.ZeroAddress,
        inputCid: job.manifestCid,
        specCommitment: other.specCommitment,
      });
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(JobCommitmentError);
  });
});
