/**
 * The main job (first README command): a whole CloudAI network on the in-process Hardhat chain running real
 * tasks end to end, with the same services operators run as processes.
 *
 *   npm run demo
 *
 * 1. deploy everything (UUPS proxies, roles handed to the timelock, the dev ZK verifier registered by a
 *    governance proposal); governance grants MATCHER_ROLE to the matcher's key;
 * 2. four oracle nodes (f = 1) forecast demand, run the price controller and publish CPU and GPU prices
 *    through the signed-report protocol;
 * 3. three provider agents register, stake and publish EIP-712 offers priced off the feeds;
 * 4. a requester submits tasks; the matcher assigns them in batches; the agents compute and submit:
 *    an FHE-encrypted weighted sum proved with Groth16, an optimistic word count budgeted at the market
 *    price, a disputed result that governance (the arbiter) resolves after re-running the deterministic job,
 *    and a task whose provider goes offline (failed → refund + slash + reputation cut);
 * 5. a summary of tasks, prices, payments, reputation and gas.
 *
 * The first run builds the INSECURE dev Groth16 setup (≈ 4.5 min on 2 cores, cached in .cache/zk).
 * Services run with their poll loops off and are stepped by `drive()`, so the run is deterministic and the
 * chain's clock can be advanced through the challenge window and deadlines.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import hre from "hardhat";
import { mine, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { ContractTransactionReceipt } from "ethers";
import { buildDeploymentExport } from "./lib/export";
import { deployConfig, localOracleWallet } from "./lib/deploy-config";
import { passProposal } from "./lib/governance";
import { connectContracts, type CloudAIContracts, type DeploymentExport } from "../sdk/deployment";
import { INSECURE_CI, createFheContext, disposeKeyPair, generateKeyPair } from "../sdk/fhe";
import { LocalDirStore } from "../sdk/storage";
import { DirOfferBoard } from "../sdk/offers";
import { createLogger, type Logger } from "../sdk/service";
import { TASK_STATUS } from "../sdk/market";
import {
  createProgressLogger,
  ensureDevSetup,
  registryCircuitId,
  releaseZkWorkers,
  weightedSumConfig,
} from "../sdk/zk";
import { createEncryptedJob, decryptJobResult, toBytes32 } from "../sdk/jobs/encrypted";
import { countWords, createWordCountJob, encodeWordCountResult, blobCommitment } from "../sdk/jobs/wordCount";
import { startProviderAgent, type ProviderAgentHandle, type ZkProver } from "../agent";
import { startMatcher, type MatcherHandle } from "../oracle/matcher/service";
import { InMemoryTransportHub, startOracleNode, type OracleNodeHandle } from "../oracle/node";

const E18 = 10n ** 18n;
const OPTIMISTIC = 0;
const ZK = 1;
const CPU = 0;
const GPU = 1;
const fmt = (wei: bigint) =>
  `${Number(hre.ethers.formatEther(wei)).toLocaleString("en-US", { maximumFractionDigits: 4 })} CLAI`;

/** Gas by operation, summed over every receipt the demo itself sent or found in the services' blocks. */
const gas = new Map<string, { total: bigint; count: number }>();
function recordGas(name: string, receipt: ContractTransactionReceipt | null): void {
  if (!receipt) throw new Error(`no receipt for ${name}`);
  const g = gas.get(name) ?? { total: 0n, count: 0 };
  gas.set(name, { total: g.total + receipt.gasUsed, count: g.count + 1 });
}

/** Lines from the services go to a log file (JSON lines); the console keeps the narrative readable. */
function fileLogger(file: string): (service: string) => Logger {
  const out = fs.createWriteStream(file, { flags: "a" });
  return (service) => createLogger(service, { write: (line) => out.write(line + "\n") });
}

async function main(): Promise<void> {
  const started = Date.now();
  const { deployments, ethers } = hre;
  const cfg = deployConfig("hardhat");
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "cloudai-demo-"));
  const logFile = path.join(work, "services.log");
  const logger = fileLogger(logFile);
  const step = (n: number, msg: string) => console.log(`[${n}/6] ${msg}`);

  step(1, "deploying CloudAI on the in-process chain (dev ZK verifier registered by governance)…");
  await deployments.fixture(["core"]);
  const [deployer, requester, p1, p2, p3, matcherKey] = await ethers.getSigners();
  const exp: DeploymentExport = await buildDeploymentExport(hre);
  const c: CloudAIContracts = connectContracts(exp, deployer);
  const market = await c.market.getAddress();
  const timelock = await c.timelock.getAddress();
  if (!(await c.market.hasRole(await c.market.ARBITER_ROLE(), timelock)))
    throw new Error("arbiter is not governance");
  await passProposal(c.governor, deployer, [deployer], {
    targets: [market],
    values: [0n],
    calldatas: [
      c.market.interface.encodeFunctionData("grantRole", [await c.market.MATCHER_ROLE(), matcherKey.address]),
    ],
    description: `Grant MATCHER_ROLE to the matcher service ${matcherKey.address}`,
  });
  console.log(
    `      TaskMarket ${market}; governance (timelock) ${timelock} granted MATCHER_ROLE to ${matcherKey.address}`,
  );
  console.log(`      service logs (JSON lines): ${logFile}`);

  step(2, "four oracle nodes forecast demand and publish CPU/GPU prices (f + 1 = 2 signatures per report)…");
  const hub = new InMemoryTransportHub();
  const store = new LocalDirStore(path.join(work, "blobs"));
  const board = new DirOfferBoard(path.join(work, "offers"), exp.chainId, market);
  const oracles: OracleNodeHandle[] = [];
  for (let i = 0; i < 4; i++) {
    const signer = localOracleWallet(i).connect(ethers.provider);
    oracles.push(
      await startOracleNode({
        signer,
        deployment: exp,
        transport: hub.endpoint(signer.address),
        offers: board,
        pollIntervalMs: 0,
        logger: logger(`oracle-${i}`),
        stateFile: path.join(work, `oracle-${i}.json`),
      }),
    );
  }
  const tickOracles = async () => {
    for (const o of oracles) await o.tick();
  };
  await tickOracles();
  const price = async (name: string) => (await c.feeds[name].latestRoundData()).answer;
  console.log(`      CPU ${fmt(await price("CPU"))} / unit, GPU ${fmt(await price("GPU"))} / unit`);

  step(3, "three provider agents register, stake 1,000 CLAI and publish offers priced off the feeds…");
  const fhe = await createFheContext(INSECURE_CI);
  const circuit = weightedSumConfig(fhe.params, 2);
  const setup = await ensureDevSetup(circuit, { log: createProgressLogger(`${circuit.id} setup`) });
  const zk: ZkProver[] = [
    { circuit, fhe, artifacts: { wasmPath: setup.circuit.wasmPath, zkeyPath: setup.zkeyPath } },
  ];
  const providers = [p1, p2, p3];
  /** Offer markups over the feed price per provider and class [CPU, GPU]: p1 is cheapest on CPU, p3 on GPU. */
  const markupBps = [
    [-300, 200],
    [0, 0],
    [200, -300],
  ];
  for (const p of providers) await c.token.transfer(p.address, 2_000n * E18);
  const agents = new Map<string, ProviderAgentHandle>();
  const startAgent = async (p: HardhatEthersSigner, i: number) =>
    startProviderAgent({
      signer: p,
      deployment: exp,
      store,
      board,
      stateDir: path.join(work, `agent-p${i + 1}`),
      logger: logger(`agent-p${i + 1}`),
      zk,
      loop: false,
      policy: {
        classes: [CPU, GPU].map((resourceClass) => ({
          resourceClass,
          price: { kind: "feed", markupBps: markupBps[i][resourceClass] },
        })),
        targetStake: 1_000n * E18,
        offerCapacity: 8,
        pollIntervalMs: 1_000,
      },
    });
  for (const [i, p] of providers.entries()) {
    const agent = await startAgent(p, i);
    agents.set(p.address, agent);
    await agent.tick();
  }
  const offers = await board.list();
  console.log(
    `      ${offers.length} offers on the board: ${offers
      .map(
        (o) =>
          `p${providers.findIndex((p) => p.address === o.offer.provider) + 1}/${o.offer.resourceClass === CPU ? "CPU" : "GPU"} ${fmt(o.offer.pricePerUnit)}`,
      )
      .join(", ")}`,
  );

  const matcher: MatcherHandle = await startMatcher({
    signer: matcherKey,
    deployment: exp,
    board,
    stateFile: path.join(work, "matcher.json"),
    logger: logger("matcher"),
    autoStart: false,
  });

  /** One network step: matcher round, every live agent, a block. */
  const stepNetwork = async () => {
    await matcher.tick();
    for (const agent of agents.values()) await agent.tick();
    await mine();
  };
  /** Steps the network until `done()` (at most `max` steps), optionally advancing the clock each step. */
  const drive = async (what: string, done: () => Promise<boolean>, advanceSec = 0, max = 40) => {
    for (let i = 0; i < max; i++) {
      if (await done()) return;
      if (advanceSec > 0) await time.increase(advanceSec);
      await stepNetwork();
    }
    throw new Error(`the network did not reach "${what}" in ${max} steps (see ${logFile})`);
  };
  const status = async (id: bigint) => TASK_STATUS[Number((await c.market.getTask(id)).status)];
  const statusIs =
    (id: bigint, ...names: string[]) =>
    async () =>
      names.includes(await status(id));

  step(4, "the requester submits tasks; the matcher assigns them, the agents compute, prove and submit…");
  await c.token.transfer(requester.address, 10_000n * E18);
  await c.token.connect(requester).approve(market, ethers.MaxUint256);
  const deadlines = async (completionSec = 1800) => {
    const now = await time.latest();
    return { assignDeadline: now + 600, completionDeadline: now + completionSec };
  };
  const balances = async () =>
    new Map(
      await Promise.all(
        [requester, ...providers].map(async (s) => [s.address, await c.token.balanceOf(s.address)] as const),
      ),
    );
  const stakeOf = async (a: string) => (await c.staking.providerInfo(a)).stake;
  interface Row {
    label: string;
    id: bigint;
    requesterDelta: bigint;
    providerDelta: bigint;
    stakeDelta: bigint;
  }
  const rows: Row[] = [];
  const createTask = async (
    label: string,
    atMarket: boolean,
    params: Parameters<CloudAIContracts["market"]["createTask"]>[0],
  ) => {
    const tx = atMarket
      ? c.market.connect(requester).createTaskAtMarketPrice(params)
      : c.market.connect(requester).createTask(params);
    recordGas(label, await (await tx).wait());
    return c.market.taskCount();
  };
  /** Creates a task, runs `body` on it and records what moved for the requester and its provider. */
  const tracked = async (
    label: string,
    create: () => Promise<bigint>,
    body: (id: bigint) => Promise<void>,
  ) => {
    const before = await balances();
    const stakesBefore = new Map(
      await Promise.all(providers.map(async (p) => [p.address, await stakeOf(p.address)] as const)),
    );
    const id = await create();
    await body(id);
    const after = await balances();
    const t = await c.market.getTask(id);
    rows.push({
      label,
      id,
      requesterDelta: after.get(requester.address)! - before.get(requester.address)!,
      providerDelta: after.get(t.provider)! - before.get(t.provider)!,
      stakeDelta: (await stakeOf(t.provider)) - stakesBefore.get(t.provider)!,
    });
    return id;
  };

  // (a) FHE weighted sum proved with Groth16.
  const keys = generateKeyPair(fhe);
  const xs = [
    Array.from({ length: 8 }, (_, i) => BigInt(10 + i)),
    Array.from({ length: 8 }, (_, i) => BigInt(i * i)),
  ];
  const job = await createEncryptedJob(store, fhe, circuit, keys.publicKey, xs, [3n, 2n]);
  const zkId = await tracked(
    "FHE weighted sum (ZK)",
    async () =>
      createTask("createTask (ZK)", false, {
        resourceClass: CPU,
        mode: ZK,
        minReputation: 0,
        units: 4,
        maxPricePerUnit: 2n * E18,
        ...(await deadlines()),
        circuitId: registryCircuitId(circuit.id),
        inputCommitment: toBytes32(job.specCommitment),
        inputCid: job.manifestCid,
      }),
    (id) => drive("ZK task completed", statusIs(id, "Completed")),
  );
  const zkTask = await c.market.getTask(zkId);
  const proofEvent = (await c.market.queryFilter(c.market.filters.ProofAccepted(zkId)))[0];
  const decrypted = (await decryptJobResult(store, fhe, keys.secretKey, proofEvent.args.resultCid)).slice(
    0,
    8,
  );
  const expected = xs[0].map((x, i) => 3n * x + 2n * xs[1][i]);
  if (decrypted.some((v, i) => v !== expected[i])) throw new Error("decryption mismatch");
  recordGas(
    "submitProof (real Groth16 verifier)",
    (await proofEvent.getTransactionReceipt()) as ContractTransactionReceipt,
  );
  console.log(
    `      task ${zkId}: proved by ${who(zkTask.provider)}; requester decrypts 3·x + 2·y = [${decrypted.join(", ")}]`,
  );
  disposeKeyPair(keys);

  // (b) optimistic word count at the feed's market price.
  const text = "the quick brown fox jumps over the lazy dog the fox".repeat(20);
  const wc = await createWordCountJob(store, text);
  const wcParams = async (units: number, resourceClass = CPU, completionSec = 1800) => ({
    resourceClass,
    mode: OPTIMISTIC,
    minReputation: 0,
    units,
    maxPricePerUnit: 5n * E18,
    ...(await deadlines(completionSec)),
    circuitId: ethers.ZeroHash,
    inputCommitment: wc.inputCommitment,
    inputCid: wc.manifestCid,
  });
  const optId = await tracked(
    "word count, market price",
    async () => createTask("createTaskAtMarketPrice", true, await wcParams(6)),
    async (id) => {
      await drive("result submitted", statusIs(id, "Submitted"));
      await drive(
        "finalized after the challenge window",
        statusIs(id, "Completed"),
        cfg.market.challengeWindow,
      );
    },
  );
  console.log(
    `      task ${optId}: ${who((await c.market.getTask(optId)).provider)} paid after the challenge window`,
  );

  // (c) disputed: governance re-runs the deterministic job and rules.
  let verdict = "";
  const dispId = await tracked(
    "disputed → provider upheld",
    async () => createTask("createTask (optimistic)", false, await wcParams(3)),
    async (dispId) => {
      await drive("result submitted", statusIs(dispId, "Submitted"));
      recordGas("disputeTask", await (await c.market.connect(requester).disputeTask(dispId)).wait());
      const submitted = (await c.market.queryFilter(c.market.filters.ResultSubmitted(dispId)))[0];
      const recomputed = blobCommitment(
        encodeWordCountResult(countWords(new TextEncoder().encode(text), wc.manifest.input, wc.manifest.top)),
      );
      const fault = recomputed.toLowerCase() !== submitted.args.resultCommitment.toLowerCase();
      verdict = fault
        ? "result differs from a re-run → provider at fault"
        : "re-run matches the result → provider upheld";
      await passProposal(c.governor, deployer, [deployer], {
        targets: [market],
        values: [0n],
        calldatas: [c.market.interface.encodeFunctionData("resolveDispute", [dispId, fault])],
        description: `Resolve dispute on task ${dispId}: ${verdict}`,
      });
    },
  );
  console.log(
    `      task ${dispId}: ${who((await c.market.getTask(dispId)).provider)}'s result disputed; ${verdict}; resolved by a governance proposal`,
  );

  // (d) the assigned provider goes offline.
  // Governance took hours of chain time: the oracles publish fresh prices and the agents renew their offers.
  await tickOracles();
  for (const agent of agents.values()) await agent.tick();
  let offline = "";
  const offId = await tracked(
    "provider offline → failed",
    async () => createTask("createTask (optimistic)", false, await wcParams(5, GPU, 900)),
    async (offId) => {
      for (let i = 0; i < 10 && (await status(offId)) === "Open"; i++) {
        await matcher.tick();
        await mine();
      }
      const t = await c.market.getTask(offId);
      if (TASK_STATUS[Number(t.status)] !== "Assigned") throw new Error(`task ${offId} was not assigned`);
      offline = who(t.provider);
      const agent = agents.get(t.provider)!;
      await agent.stop();
      agents.delete(t.provider);
      await time.increase(900 + cfg.market.rejectWindow + 1);
      recordGas(
        "failTask (anyone, after deadline)",
        await (await c.market.connect(deployer).failTask(offId)).wait(),
      );
    },
  );
  console.log(`      task ${offId}: ${offline} went offline after assignment → failed after the deadline`);
  recordGas("distributeFees", await (await c.market.distributeFees()).wait());

  step(5, "stopping services…");
  for (const a of agents.values()) await a.stop();
  await matcher.stop();
  for (const o of oracles) await o.stop();

  step(6, "summary");
  console.log("\n=== CloudAI demo summary ===");
  console.log(
    "| task | id | provider | units × price | status | requester Δ | provider wallet Δ | provider stake Δ |",
  );
  console.log("|---|---:|---|---:|---|---:|---:|---:|");
  for (const row of rows) {
    const t = await c.market.getTask(row.id);
    const cells = [
      row.label,
      row.id,
      who(t.provider),
      `${t.units} × ${fmt(t.pricePerUnit)}`,
      TASK_STATUS[Number(t.status)],
    ];
    console.log(
      `| ${[...cells, ...[row.requesterDelta, row.providerDelta, row.stakeDelta].map(fmt)].join(" | ")} |`,
    );
  }
  console.log(
    `\nprices: CPU ${fmt(await price("CPU"))}, GPU ${fmt(await price("GPU"))} per unit (oracle rounds ${(await c.feeds.CPU.latestRoundData()).roundId} / ${(await c.feeds.GPU.latestRoundData()).roundId})`,
  );
  console.log(
    `protocol fees distributed; treasury (timelock) holds ${fmt(await c.token.balanceOf(timelock))}`,
  );
  console.log("\n| provider | reputation (bps) | stake | locked | rewards pending |");
  console.log("|---|---:|---:|---:|---:|");
  for (const p of providers) {
    const info = await c.staking.providerInfo(p.address);
    console.log(
      `| ${who(p.address)} | ${await c.reputation.scoreOf(p.address)} | ${fmt(info.stake)} | ${fmt(info.locked)} | ${fmt(await c.staking.pendingRewards(p.address))} |`,
    );
  }
  const matched = (await c.market.queryFilter(c.market.filters.TaskAssigned())).filter(
    (e) => !e.args.claimed,
  );
  const batches = [...new Set(matched.map((e) => e.transactionHash))];
  let batchGas = 0n;
  for (const h of batches) batchGas += (await ethers.provider.getTransactionReceipt(h))!.gasUsed;
  console.log(
    `\nmatcher: ${matched.length} tasks assigned in ${batches.length} assignBatch transactions, ${batches.length ? batchGas / BigInt(batches.length) : 0n} gas each on average`,
  );
  console.log(`gas: ${[...gas].map(([k, v]) => `${k} ${v.total / BigInt(v.count)}`).join(" | ")}`);
  console.log(`run time ${((Date.now() - started) / 1000).toFixed(1)} s`);
  await releaseZkWorkers();

  function who(address: string): string {
    const i = providers.findIndex((p) => p.address === address);
    return i >= 0 ? `p${i + 1}` : address;
  }
}

main().catch(async (err: unknown) => {
  console.error(err);
  await releaseZkWorkers();
  process.exitCode = 1;
});
