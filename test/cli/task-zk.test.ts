import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import hre from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { loadCore } from "../fixtures/core";
import { cliHarness, type CliHarness } from "./harness";
import { buildDeploymentExport } from "../../scripts/lib/export";
import { deployConfig } from "../../scripts/lib/deploy-config";
import { connectContracts } from "../../sdk/deployment";
import { hardhatTestWallet } from "../../sdk/devAccounts";
import { INSECURE_CI, createFheContext } from "../../sdk/fhe";
import { openStore } from "../../sdk/storage";
import {
  createProgressLogger,
  ensureDevSetup,
  registryCircuitId,
  releaseZkWorkers,
  weightedSumConfig,
} from "../../sdk/zk";
import { computeEncryptedJob, toBytes32 } from "../../sdk/jobs/encrypted";

const E18 = 10n ** 18n;

/**
 * A ZK task through the CLI: `task create --mode zk` encrypts under a fresh BFV key kept in
 * `.cloudai/keys/<input CID>/`, a provider proves the weighted sum (as the agent would), and `task result`
 * checks the blob against the proven output commitment and decrypts Σ wᵢ·xᵢ. Uses the cached INSECURE dev
 * setup (built on first use, like the integration test).
 */
describe("clai task · zk", function () {
  this.timeout(1_500_000);
  let cli: CliHarness;

  before(async function () {
    const fhe = await createFheContext(INSECURE_CI);
    await ensureDevSetup(weightedSumConfig(fhe.params, 2), {
      log: createProgressLogger("weighted_sum_ci_k2 setup"),
    });
    await loadCore();
    cli = await cliHarness();
  });

  after(async function () {
    cli.cleanup();
    await releaseZkWorkers();
  });

  it("creates an encrypted task, and decrypts the proven result", async function () {
    const [deployer] = await hre.ethers.getSigners();
    const c = connectContracts(await buildDeploymentExport(hre), deployer!);
    const requester = hardhatTestWallet(1);
    const provider = hardhatTestWallet(2).connect(hre.ethers.provider);
    await c.token.transfer(requester.address, 100n * E18);
    await c.token.transfer(provider.address, 1_000n * E18);
    await c.token.connect(provider).approve(c.staking.target, hre.ethers.MaxUint256);
    await c.staking.connect(provider).register("local://p", "0x01", 0b1n);
    await c.staking.connect(provider).stake(500n * E18);

    const r = await cli.run([
      "task",
      "create",
      "--mode",
      "zk",
      "--vector",
      "1,2,3,4",
      "--vector",
      "10,20,30,40",
      "--weights",
      "3,2",
      "--max-price",
      "2",
      "--account",
      "1",
      "--json",
    ]);
    expect(r.code, r.stderr).to.equal(0);
    const created = r.json<{
      taskId: string;
      mode: string;
      circuit: string;
      inputCid: string;
      inputCommitment: string;
      keyDir: string;
    }>();
    expect(created).to.include({ mode: "ZK", circuit: "weighted_sum_ci_k2" });
    expect(created.keyDir).to.equal(path.join(cli.cwd, ".cloudai", "keys", created.inputCid));
    expect(fs.statSync(path.join(created.keyDir, "secret.key")).mode & 0o777).to.equal(0o600);
    const id = BigInt(created.taskId);
    const task = await c.market.getTask(id);
    expect(task.circuitId).to.equal(registryCircuitId("weighted_sum_ci_k2"));
    expect(task.inputCommitment).to.equal(created.inputCommitment);

    // the provider's side (what the agent does): claim, evaluate on ciphertexts, prove, submit
    await time.increase(deployConfig("hardhat").market.matchTimeout + 1);
    await c.market.connect(provider).claimTask(id);
    const fhe = await createFheContext(INSECURE_CI);
    const cfg = weightedSumConfig(fhe.params, 2);
    const setup = await ensureDevSetup(cfg);
    const store = openStore({ cwd: cli.cwd, env: {} });
    const out = await computeEncryptedJob(
      store,
      fhe,
      cfg,
      { wasmPath: setup.circuit.wasmPath, zkeyPath: setup.zkeyPath },
      {
        taskId: id,
        provider: provider.address,
        inputCid: created.inputCid,
        specCommitment: BigInt(created.inputCommitment),
      },
    );
    await c.market
      .connect(provider)
      .submitProof(
        id,
        toBytes32(out.outputCommitment),
        out.outputCid,
        out.proof as unknown as [bigint, bigint, bigint, bigint, bigint, bigint, bigint, bigint],
      );

    const res = await cli.run(["task", "result", created.taskId, "--json"]);
    expect(res.code, res.stderr).to.equal(0);
    expect(res.json()).to.deep.include({
      status: "Completed",
      mode: "ZK",
      resultCid: out.outputCid,
      commitmentMatches: true,
      values: ["23", "46", "69", "92"],
    });
    const human = await cli.run(["task", "result", created.taskId]);
    expect(human.stdout).to.contain("decrypted Σ wᵢ·xᵢ = [23, 46, 69, 92]");

    // without the key (another working directory) the CLI says so instead of failing obscurely
    fs.rmSync(created.keyDir, { recursive: true });
    const noKey = await cli.run(["task", "result", created.taskId]);
    expect(noKey.code).to.equal(1);
    expect(noKey.stderr).to.match(/^error: no FHE secret key for task \d+ at /);
  });
});
