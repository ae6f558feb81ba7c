/**
 * The main job (first README command): a CloudAI network on the in-process Hardhat chain running real
 * tasks end to end.
 *
 *   npm run demo
 *
 * 1. deploy everything (UUPS proxies, roles handed to the timelock, the dev ZK verifier registered by a
 *    governance proposal);
 * 2. three providers register and stake; four oracle nodes sign a CPU price report;
 * 3. tasks: an FHE-encrypted weighted sum proved with Groth16 and paid on-chain; an optimistic task
 *    budgeted at the feed's market price; one whose provider goes offline (failed → refund + slash +
 *    reputation cut); one disputed and resolved by a governance proposal (the arbiter);
 * 4. a summary of tasks, prices, payments, reputation and gas.
 *
 * Providers take tasks through the self-claim path after the match timeout (the matcher service and
 * provider agents replace these steps as they land). The first run builds the INSECURE dev Groth16 setup
 * (≈ 5 min on 2 cores, cached in .cache/zk afterwards).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import hre from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { ContractTransactionResponse } from "ethers";
import { buildDeploymentExport } from "./lib/export";
import { deployConfig, localOracleWallet } from "./lib/deploy-config";
import { passProposal } from "./lib/governance";
import { connectContracts, type CloudAIContracts } from "../sdk/deployment";
import { assembleReport, encodeReport, reportDigest, signReportDigest } from "../sdk/signing";
import { INSECURE_CI, createFheContext, disposeKeyPair, generateKeyPair } from "../sdk/fhe";
import { LocalDirStore } from "../sdk/storage";
import {
  createProgressLogger,
  ensureDevSetup,
  registryCircuitId,
  releaseZkWorkers,
  weightedSumConfig,
} from "../sdk/zk";
import { computeEncryptedJob, createEncryptedJob, decryptJobResult, toBytes32 } from "../sdk/jobs/encrypted";

const E18 = 10n ** 18n;
const OPTIMISTIC = 0;
const ZK = 1;
const STATUS = [
  "Open",
  "Assigned",
  "Submitted",
  "Disputed",
  "Completed",
  "Failed",
  "Expired",
  "Cancelled",
  "Annulled",
  "Rejected",
];
const fmt = (wei: bigint) =>
  `${Number(hre.ethers.formatEther(wei)).toLocaleString("en-US", { maximumFractionDigits: 4 })} CLAI`;

const gas: Record<string, bigint> = {};
async function measured(name: string, tx: Promise<ContractTransactionResponse>): Promise<void> {
  const receipt = await (await tx).wait();
  if (!receipt) throw new Error(`no receipt for ${name}`);
  gas[name] = receipt.gasUsed;
}

/** One task's money flows, measured around its whole lifecycle (tasks run one after another). */
interface TaskRow {
  label: string;
  id: bigint;
  provider: HardhatEthersSigner;
  requesterDelta: bigint;
  providerDelta: bigint;
  stakeDelta: bigint;
}

async function main(): Promise<void> {
  const started = Date.now();
  const { deployments, ethers } = hre;
  const cfg = deployConfig("hardhat");
  const step = (n: number, msg: string) => console.log(`[${n}/7] ${msg}`);

  step(
    1,
    "deploying CloudAI on the in-process chain (the dev ZK verifier is registered by a governance proposal)…",
  );
  await deployments.fixture(["core"]);
  const [deployer, requester, p1, p2, p3] = await ethers.getSigners();
  const c: CloudAIContracts = connectContracts(await buildDeploymentExport(hre), deployer);
  const timelock = await c.timelock.getAddress();
  if (await c.token.hasRole(await c.token.MINTER_ROLE(), deployer.address))
    throw new Error("deployer kept a role");
  if (!(await c.market.hasRole(await c.market.ARBITER_ROLE(), timelock)))
    throw new Error("arbiter is not governance");
  console.log(`      TaskMarket ${await c.market.getAddress()}, governance (timelock) ${timelock}`);

  step(2, "three providers register and stake 1,000 CLAI each; a requester is funded…");
  await c.token.transfer(requester.address, 100_000n * E18);
  await c.token.connect(requester).approve(await c.market.getAddress(), ethers.MaxUint256);
  const providers = [p1, p2, p3];
  for (const [i, p] of providers.entries()) {
    await c.token.transfer(p.address, 5_000n * E18);
    await c.token.connect(p).approve(await c.staking.getAddress(), ethers.MaxUint256);
    await measured(`register`, c.staking.connect(p).register(`local://provider-${i + 1}`, "0x01", 0b11n));
    await measured(`stake`, c.staking.connect(p).stake(1_000n * E18));
  }

  step(3, "four oracle nodes observe the CPU price; f+1 = 2 sign the report, the feed takes the median…");
  const feed = c.feeds.CPU;
  const [digest] = await feed.latestConfig();
  const observations = [95n, 100n, 104n, 110n].map((x) => (x * E18) / 100n);
  const report = encodeReport(observations);
  const d = reportDigest(report, digest, 1);
  const sigs = [];
  for (let i = 0; i <= cfg.oracle.f; i++) sigs.push(await signReportDigest(localOracleWallet(i), d));
  const r = assembleReport(report, digest, 1, sigs);
  await measured(
    "PriceFeed.transmit",
    feed.transmit(r.configDigest, r.epochAndRound, r.report, r.rs, r.ss, r.rawVs),
  );
  const price = (await feed.latestRoundData()).answer;
  console.log(`      CPU price ${fmt(price)} per unit (round ${(await feed.latestRoundData()).roundId})`);

  const rows: TaskRow[] = [];
  /** Runs one task's lifecycle and records what it moved for the requester and the provider. */
  const runTask = async (label: string, provider: HardhatEthersSigner, lifecycle: () => Promise<bigint>) => {
    const balances = async () => [
      await c.token.balanceOf(requester.address),
      await c.token.balanceOf(provider.address),
      (await c.staking.providerInfo(provider.address)).stake,
    ];
    const before = await balances();
    const id = await lifecycle();
    const after = await balances();
    rows.push({
      label,
      id,
      provider,
      requesterDelta: after[0] - before[0],
      providerDelta: after[1] - before[1],
      stakeDelta: after[2] - before[2],
    });
  };
  const params = async (
    mode: number,
    units: number,
    maxPrice: bigint,
    circuitId = ethers.ZeroHash,
    inputCommitment = ethers.ZeroHash,
    inputCid = "",
  ) => {
    const now = await time.latest();
    return {
      resourceClass: 0,
      mode,
      minReputation: 0,
      units,
      maxPricePerUnit: maxPrice,
      assignDeadline: now + 600,
      completionDeadline: now + 1800,
      circuitId,
      inputCommitment,
      inputCid,
    };
  };
  const claimAfterTimeout = async (id: bigint, p: HardhatEthersSigner) => {
    await time.increase(cfg.market.matchTimeout + 1);
    await measured("claimTask", c.market.connect(p).claimTask(id));
  };

  step(
    4,
    "encrypted task: the requester encrypts two vectors (BFV), a provider computes on ciphertexts and proves it…",
  );
  const fhe = await createFheContext(INSECURE_CI);
  const circuit = weightedSumConfig(fhe.params, 2);
  const setup = await ensureDevSetup(circuit, { log: createProgressLogger(`${circuit.id} setup`) });
  const keys = generateKeyPair(fhe);
  const store = new LocalDirStore(fs.mkdtempSync(path.join(os.tmpdir(), "cloudai-demo-")));
  const xs = [
    Array.from({ length: 8 }, (_, i) => BigInt(10 + i)),
    Array.from({ length: 8 }, (_, i) => BigInt(i * i)),
  ];
  const weights = [3n, 2n];
  const job = await createEncryptedJob(store, fhe, circuit, keys.publicKey, xs, weights);
  const zkParams = await params(
    ZK,
    4,
    2n * E18,
    registryCircuitId(circuit.id),
    toBytes32(job.specCommitment),
    job.manifestCid,
  );
  let zkId = 0n;
  let result: Awaited<ReturnType<typeof computeEncryptedJob>> | undefined;
  await runTask("FHE weighted sum (ZK)", p1, async () => {
    await measured("createTask (ZK)", c.market.connect(requester).createTask(zkParams));
    zkId = await c.market.taskCount();
    await claimAfterTimeout(zkId, p1);
    result = await computeEncryptedJob(
      store,
      fhe,
      circuit,
      { wasmPath: setup.circuit.wasmPath, zkeyPath: setup.zkeyPath },
      {
        taskId: zkId,
        provider: p1.address,
        inputCid: job.manifestCid,
        specCommitment: job.specCommitment,
      },
    );
    await measured(
      "submitProof (real Groth16 verifier)",
      c.market
        .connect(p1)
        .submitProof(
          zkId,
          toBytes32(result.outputCommitment),
          result.outputCid,
          result.proof as unknown as [bigint, bigint, bigint, bigint, bigint, bigint, bigint, bigint],
        ),
    );
    return zkId;
  });
  if (!result) throw new Error("no ZK result");
  const decrypted = (await decryptJobResult(store, fhe, keys.secretKey, result.outputCid)).slice(0, 8);
  const expected = xs[0].map((x, i) => 3n * x + 2n * xs[1][i]);
  if (decrypted.some((v, i) => v !== expected[i])) throw new Error("decryption mismatch");
  console.log(
    `      proof ${result.timings.proveMs} ms; requester decrypts 3·x + 2·y = [${decrypted.join(", ")}]`,
  );
  disposeKeyPair(keys);

  step(
    5,
    "optimistic task at the feed's market price; result unchallenged → paid after the challenge window…",
  );
  await runTask("optimistic, market price", p2, async () => {
    const mp = await params(OPTIMISTIC, 10, 2n * E18);
    await measured("createTaskAtMarketPrice", c.market.connect(requester).createTaskAtMarketPrice(mp));
    const optId = await c.market.taskCount();
    await claimAfterTimeout(optId, p2);
    const resultHash = ethers.id("result-of-task");
    await measured("submitResult", c.market.connect(p2).submitResult(optId, resultHash, "local://result"));
    await time.increase(cfg.market.challengeWindow + 1);
    await measured("finalizeTask", c.market.finalizeTask(optId));
    return optId;
  });

  step(6, "provider 3 takes a task and goes offline: after the deadline anyone fails it → refund + slash…");
  await runTask("provider offline → failed", p3, async () => {
    await c.market.connect(requester).createTask(await params(OPTIMISTIC, 5, 2n * E18));
    const offId = await c.market.taskCount();
    await claimAfterTimeout(offId, p3);
    await time.increase(1800 + cfg.market.rejectWindow + 1);
    await measured("failTask (anyone, after deadline)", c.market.connect(deployer).failTask(offId));
    return offId;
  });

  step(7, "a disputed result: the requester disputes, governance (the arbiter) resolves it by proposal…");
  await runTask("disputed → provider at fault", p2, async () => {
    await c.market.connect(requester).createTask(await params(OPTIMISTIC, 3, 2n * E18));
    const dispId = await c.market.taskCount();
    await claimAfterTimeout(dispId, p2);
    await c.market.connect(p2).submitResult(dispId, ethers.id("wrong-result"), "local://wrong");
    await measured("disputeTask", c.market.connect(requester).disputeTask(dispId));
    await passProposal(c.governor, deployer, [deployer], {
      targets: [await c.market.getAddress()],
      values: [0n],
      calldatas: [c.market.interface.encodeFunctionData("resolveDispute", [dispId, true])],
      description: `Resolve dispute on task ${dispId}: provider at fault`,
    });
    return dispId;
  });
  await c.market.distributeFees();

  console.log("\n=== CloudAI demo summary ===");
  console.log(
    "| task | id | provider | units × price | status | requester Δ | provider wallet Δ | provider stake Δ |",
  );
  console.log("|---|---:|---|---:|---|---:|---:|---:|");
  for (const row of rows) {
    const t = await c.market.getTask(row.id);
    const who = `p${providers.indexOf(row.provider) + 1}`;
    const cells = [row.label, row.id, who, `${t.units} × ${fmt(t.pricePerUnit)}`, STATUS[Number(t.status)]];
    const money = [row.requesterDelta, row.providerDelta, row.stakeDelta].map(fmt);
    console.log(`| ${[...cells, ...money].join(" | ")} |`);
  }
  console.log(
    `protocol fees distributed; treasury (timelock) holds ${fmt(await c.token.balanceOf(timelock))}`,
  );
  console.log("\n| provider | reputation (bps) | stake | locked | rewards pending |");
  console.log("|---|---:|---:|---:|---:|");
  for (const [i, p] of providers.entries()) {
    const info = await c.staking.providerInfo(p.address);
    console.log(
      `| p${i + 1} | ${await c.reputation.scoreOf(p.address)} | ${fmt(info.stake)} | ${fmt(info.locked)} | ${fmt(await c.staking.pendingRewards(p.address))} |`,
    );
  }
  console.log(
    `\ngas: ${Object.entries(gas)
      .map(([k, v]) => `${k} ${v}`)
      .join(" | ")}`,
  );
  console.log(`run time ${((Date.now() - started) / 1000).toFixed(1)} s`);
  await releaseZkWorkers();
}

main().catch(async (err: unknown) => {
  console.error(err);
  await releaseZkWorkers();
  process.exitCode = 1;
});
