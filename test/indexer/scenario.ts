/**
 * The indexer end-to-end scenario: deploys CloudAI to the node named by the Hardhat network (the e2e test
 * runs it against its own `hardhat node` with `scripts/lib/isolated.hardhat.config.ts`) and drives every
 * contract through every event it can emit in operation — token transfers, approvals, mints and
 * delegations; provider registration, updates, stake, unbonding, withdrawal, slashing, jailing,
 * unjailing and rewards; tasks that complete (optimistic and ZK), fail, expire, are cancelled, rejected,
 * disputed (resolved by governance, and lapsed) and annulled; matcher batches with skipped pairs; offer
 * cancellations; fee distribution; price reports on both feeds; governance proposals (executed, cancelled,
 * voted with and without params) that also reset a reputation and retire a circuit — then a burst of bulk
 * CLAI transfers packed many to a block, so the indexer has a real backfill to do.
 *
 * Run as a script (`node -r hardhat/register test/indexer/scenario.ts`, see `runHardhatScript`); importing
 * it (as mocha does with every file under test/) runs nothing. Writes a summary JSON to
 * `CLOUDAI_SCENARIO_OUT` when set.
 */
import fs from "node:fs";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import type { Signer } from "ethers";
import { signOffer, type Offer } from "../../sdk/signing";
import { deployConfig } from "../../scripts/lib/deploy-config";
import { bulkTransfers, deployCloudAI, transmitReport as report } from "../../scripts/lib/load";
import {
  VoteType,
  descriptionHash,
  passProposal,
  propose,
  toVoteEnd,
  toVoting,
  type Proposal,
} from "../../scripts/lib/governance";

const E18 = 10n ** 18n;
const OPTIMISTIC = 0;
const ZK = 1;
const CPU = 0;
const GPU = 1;

/** What the scenario did, for the test's bookkeeping. */
export interface ScenarioSummary {
  tasks: number;
  bulkTransfers: number;
  lastBlock: number;
}

export async function runScenario(
  hre: HardhatRuntimeEnvironment,
  opts: { bulkTransfers: number },
): Promise<ScenarioSummary> {
  const { ethers } = hre;
  const { time } = await import("@nomicfoundation/hardhat-network-helpers");
  const cfg = deployConfig("localhost");
  const c = await deployCloudAI(hre);
  const signers = await ethers.getSigners();
  if (signers.length < 20) throw new Error("the scenario needs the node's 20 unlocked accounts");
  const [deployer, requester, requester2, p1, p2, p3, matcher, holder] = signers;
  const addr = (s: Signer) => s.getAddress();
  const marketAddr = await c.market.getAddress();
  const { chainId } = await ethers.provider.getNetwork();
  const wait = async (tx: Promise<{ wait(): Promise<unknown> }>) => (await tx).wait();

  // ── token: transfers, approvals, delegation ──
  for (const who of [requester, requester2, holder])
    await wait(c.token.transfer(await addr(who), 200_000n * E18));
  for (const p of [p1, p2, p3]) await wait(c.token.transfer(await addr(p), 20_000n * E18));
  for (const r of [requester, requester2])
    await wait(c.token.connect(r).approve(marketAddr, ethers.MaxUint256));
  await wait(c.token.connect(requester).delegate(await addr(requester)));
  await wait(c.token.connect(holder).delegate(await addr(holder)));
  await wait(c.token.connect(holder).delegate(await addr(deployer)));

  // ── providers ──
  const stakingAddr = await c.staking.getAddress();
  for (const [i, p] of [p1, p2, p3].entries()) {
    await wait(c.token.connect(p).approve(stakingAddr, ethers.MaxUint256));
    await wait(c.staking.connect(p).register(`local://provider-${i + 1}`, "0x0102", 0b11n));
    await wait(c.staking.connect(p).stake(2_000n * E18));
  }
  await wait(c.staking.connect(p1).updateProvider("local://provider-1/v2", "0x010203", 0b11n));
  await wait(c.staking.connect(p3).stake(500n * E18));

  // ── prices ──
  await report(
    c,
    "CPU",
    1,
    [95n, 100n, 104n, 110n].map((x) => (x * E18) / 100n),
  );
  await report(
    c,
    "GPU",
    1,
    [9n, 10n, 11n].map((x) => x * E18),
  );

  // ── governance 1: matcher role, a mint, a mock ZK circuit; one vote with params ──
  const Mock = await ethers.getContractFactory("MockGroth16Verifier", deployer);
  const mock = await Mock.deploy(true);
  await mock.waitForDeployment();
  const circuitId = ethers.id("cloudai.e2e.mock-circuit");
  const gov1: Proposal = {
    targets: [
      marketAddr,
      await c.token.getAddress(),
      await c.registry.getAddress(),
      await c.token.getAddress(),
    ],
    values: [0n, 0n, 0n, 0n],
    calldatas: [
      c.market.interface.encodeFunctionData("grantRole", [
        await c.market.MATCHER_ROLE(),
        await addr(matcher),
      ]),
      c.token.interface.encodeFunctionData("mint", [await addr(holder), 1_000n * E18]),
      c.registry.interface.encodeFunctionData("registerCircuit", [circuitId, await mock.getAddress(), 3]),
      c.token.interface.encodeFunctionData("grantRole", [await c.token.MINTER_ROLE(), await addr(holder)]),
    ],
    description: "e2e: matcher, mint, mock circuit, a minter",
  };
  const id1 = await propose(c.governor, deployer, gov1);
  await toVoting(c.governor, id1);
  await wait(c.governor.connect(deployer).castVote(id1, VoteType.For));
  await wait(
    c.governor.connect(requester).castVoteWithReasonAndParams(id1, VoteType.Abstain, "e2e", "0x1234"),
  );
  await toVoteEnd(c.governor, id1);
  await wait(c.governor.queue(gov1.targets, gov1.values, gov1.calldatas, descriptionHash(gov1)));
  await time.increaseTo((await c.governor.proposalEta(id1)) + 1n);
  await wait(c.governor.execute(gov1.targets, gov1.values, gov1.calldatas, descriptionHash(gov1)));
  // A proposal its proposer cancels while pending.
  const gov0: Proposal = { ...gov1, description: "e2e: cancelled" };
  await propose(c.governor, deployer, gov0);
  await wait(c.governor.cancel(gov0.targets, gov0.values, gov0.calldatas, descriptionHash(gov0)));

  // ── tasks ──
  let tasks = 0;
  const create = async (
    who: Signer,
    o: {
      mode?: number;
      units?: number;
      maxPrice?: bigint;
      cls?: number;
      circuit?: string;
      atMarket?: boolean;
    } = {},
  ): Promise<bigint> => {
    const now = await time.latest();
    const params = {
      resourceClass: o.cls ?? CPU,
      mode: o.mode ?? OPTIMISTIC,
      minReputation: 0,
      units: o.units ?? 10,
      maxPricePerUnit: o.maxPrice ?? 2n * E18,
      assignDeadline: now + 600,
      completionDeadline: now + 1_800,
      circuitId: o.circuit ?? ethers.ZeroHash,
      inputCommitment: o.mode === ZK ? ethers.toBeHex(4242n, 32) : ethers.id(`input-${tasks}`),
      inputCid: `local://input-${tasks}`,
    };
    await wait(
      o.atMarket
        ? c.market.connect(who).createTaskAtMarketPrice(params)
        : c.market.connect(who).createTask(params),
    );
    tasks++;
    return c.market.taskCount();
  };
  const afterMatchTimeout = () => time.increase(cfg.market.matchTimeout + 1);
  const offer = async (p: Signer, nonce: number, price: bigint, cls = CPU): Promise<Offer> => ({
    provider: await addr(p),
    resourceClass: cls,
    pricePerUnit: price,
    capacity: 1_000,
    expiry: (await time.latest()) + 86_400,
    nonce,
  });

  // T1: matcher batch (second pair skipped: task no longer open), result submitted.
  const t1 = await create(requester);
  const o1 = await offer(p1, 1, 15n * 10n ** 17n);
  const o2 = await offer(p2, 1, 14n * 10n ** 17n);
  await wait(
    c.market.connect(matcher).assignBatch([
      { taskId: t1, offer: o1, signature: await signOffer(p1, chainId, marketAddr, o1) },
      { taskId: t1, offer: o2, signature: await signOffer(p2, chainId, marketAddr, o2) },
    ]),
  );
  await wait(c.market.connect(p1).submitResult(t1, ethers.id("r1"), "local://r1"));
  // T12 (GPU): a CPU offer is skipped (class mismatch), then p1's GPU offer is taken.
  const t12 = await create(requester2, { cls: GPU, units: 4, maxPrice: 20n * E18 });
  const o3 = await offer(p1, 2, 12n * E18, GPU);
  await wait(
    c.market.connect(matcher).assignBatch([
      { taskId: t12, offer: o1, signature: await signOffer(p1, chainId, marketAddr, o1) },
      { taskId: t12, offer: o3, signature: await signOffer(p1, chainId, marketAddr, o3) },
    ]),
  );
  await wait(c.market.connect(p1).submitResult(t12, ethers.id("r12"), "local://r12"));
  // T7–T9: p3 takes three tasks and misses them: three slashes, jailed at the third.
  for (let i = 0; i < 3; i++) {
    const t = await create(requester2, { units: 2 });
    await afterMatchTimeout();
    await wait(c.market.connect(p3).claimTask(t));
    await time.increase(1_800 + cfg.market.rejectWindow + 1);
    await wait(c.market.connect(deployer).failTask(t));
  }
  // T1 and T12 are past their challenge window.
  await wait(c.market.finalizeTask(t1));
  await wait(c.market.connect(requester2).finalizeTask(t12));

  // T2: market-price task claimed after the match timeout, result disputed (resolved by governance 2).
  await report(
    c,
    "CPU",
    2,
    [98n, 101n, 103n].map((x) => (x * E18) / 100n),
  );
  const t2 = await create(requester, { atMarket: true, maxPrice: 3n * E18 });
  // T3 cancelled; T4 left to expire; T5 claimed then rejected; T6 ZK, proved; T11 ZK, annulled later.
  const t3 = await create(requester2);
  const t4 = await create(requester2, { units: 3 });
  const t5 = await create(requester);
  const t6 = await create(requester, { mode: ZK, units: 2, circuit: circuitId });
  const t11 = await create(requester2, { mode: ZK, units: 2, circuit: circuitId });
  await wait(c.market.connect(requester2).cancelTask(t3));
  await afterMatchTimeout();
  await wait(c.market.connect(p2).claimTask(t2));
  await wait(c.market.connect(p1).claimTask(t5));
  await wait(c.market.connect(p2).claimTask(t6));
  await wait(c.market.connect(p2).claimTask(t11));
  await wait(c.market.connect(p1).rejectTask(t5));
  const proof: [bigint, bigint, bigint, bigint, bigint, bigint, bigint, bigint] = [
    1n,
    2n,
    3n,
    4n,
    5n,
    6n,
    7n,
    8n,
  ];
  await wait(c.market.connect(p2).submitProof(t6, ethers.toBeHex(777n, 32), "local://out6", proof));
  await wait(c.market.connect(p2).submitResult(t2, ethers.id("wrong"), "local://r2"));
  await wait(c.market.connect(requester).disputeTask(t2));
  // T10: claimed by p1, disputed, left to lapse.
  const t10 = await create(requester, { units: 5 });
  await afterMatchTimeout();
  await wait(c.market.connect(p1).claimTask(t10));
  await wait(c.market.connect(p1).submitResult(t10, ethers.id("r10"), "local://r10"));
  await wait(c.market.connect(requester).disputeTask(t10));
  // T4 passes its assignment deadline.
  await time.increase(cfg.market.challengeWindow + 1);
  await wait(c.market.expireTask(t4));
  // Offers: one cancelled, all of p2's below nonce 5 cancelled.
  await wait(c.market.connect(p1).cancelOffer(7));
  await wait(c.market.connect(p2).cancelOffersBelow(5));

  // ── governance 2: resolve T2's dispute (provider at fault), unjail p3, reset its score, retire the circuit ──
  const gov2: Proposal = {
    targets: [
      marketAddr,
      stakingAddr,
      await c.reputation.getAddress(),
      await c.registry.getAddress(),
      await c.token.getAddress(),
    ],
    values: [0n, 0n, 0n, 0n, 0n],
    calldatas: [
      c.market.interface.encodeFunctionData("resolveDispute", [t2, true]),
      c.staking.interface.encodeFunctionData("unjail", [await addr(p3)]),
      c.reputation.interface.encodeFunctionData("reset", [await addr(p3), 6_000]),
      c.registry.interface.encodeFunctionData("setCircuitActive", [circuitId, false]),
      c.token.interface.encodeFunctionData("revokeRole", [await c.token.MINTER_ROLE(), await addr(holder)]),
    ],
    description: "e2e: resolve, unjail, reset, retire circuit, revoke the minter",
  };
  await passProposal(c.governor, deployer, [deployer], gov2);
  // T11's circuit is retired: failing it annuls it (nobody at fault). T10's dispute lapses.
  await wait(c.market.connect(deployer).failTask(t11));
  await time.increase(cfg.market.arbitrationWindow + 1);
  await wait(c.market.lapseDispute(t10));

  // ── fees, rewards, unbonding ──
  await wait(c.market.distributeFees());
  await wait(c.staking.connect(p1).claimRewards());
  await wait(c.staking.connect(p2).unbond(100n * E18));
  await time.increase(cfg.staking.unbondingDelay + 1);
  await wait(c.staking.connect(p2).withdraw());
  await report(
    c,
    "GPU",
    2,
    [10n, 12n, 13n].map((x) => x * E18),
  );

  // ── bulk transfers, many to a block ──
  const recipients = signers.slice(8, 20);
  const recipientAddrs = await Promise.all(recipients.map(addr));
  await bulkTransfers(hre, c, deployer, recipientAddrs, opts.bulkTransfers, 150);
  // Empty blocks past Ponder's 30-block finality window: the whole scenario is backfill. (Not
  // `hardhat_mine`: its blocks have a zero parent hash, which Ponder's realtime sync cannot link.)
  for (let i = 0; i < 35; i++) await hre.network.provider.send("evm_mine", []);

  return { tasks, bulkTransfers: opts.bulkTransfers, lastBlock: await ethers.provider.getBlockNumber() };
}

if (require.main === module) {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const hre = require("hardhat") as HardhatRuntimeEnvironment;
  runScenario(hre, { bulkTransfers: Number(process.env.CLOUDAI_SCENARIO_BULK ?? "0") })
    .then((summary) => {
      if (process.env.CLOUDAI_SCENARIO_OUT)
        fs.writeFileSync(process.env.CLOUDAI_SCENARIO_OUT, JSON.stringify(summary));
    })
    .catch((err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    });
}
