/**
 * Builds the indexer benchmark's chain (run by `bench/indexer.ts` with the Hardhat runtime bound to its own
 * `hardhat node`; importing this file runs nothing): deploys CloudAI, grants a matcher role by governance,
 * then packs many transactions per block — CLAI transfers, and market tasks through their whole lifecycle
 * (created, assigned by matcher batches or claimed, result posted, finalized) on both resource classes,
 * with price reports — and finally mines empty blocks so every event lies beyond Ponder's 30-block
 * finality window (all of it is backfill, none realtime).
 *
 * Env: `BENCH_TRANSFERS`, `BENCH_TASKS` (counts). Progress goes to stdout as `progress <phase> <done> <total>`.
 */
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import type { Signer } from "ethers";
import { signOffer, type Offer } from "../sdk/signing";
import { deployConfig } from "../scripts/lib/deploy-config";
import { passProposal } from "../scripts/lib/governance";
import {
  bulkTransfers,
  deployCloudAI,
  mineTogether,
  transmitReport,
  type PackedTx,
} from "../scripts/lib/load";

const E18 = 10n ** 18n;
/** Tasks per block-packed round (each round: create, assign, submit, finalize). */
const ROUND = 100;

const progress = (phase: string, done: number, total: number) =>
  console.log(`progress ${phase} ${done} ${total}`);

export async function buildBenchChain(
  hre: HardhatRuntimeEnvironment,
  opts: { transfers: number; tasks: number },
): Promise<void> {
  const { ethers } = hre;
  const { time } = await import("@nomicfoundation/hardhat-network-helpers");
  const cfg = deployConfig("localhost");
  progress("deploy", 0, 1);
  const c = await deployCloudAI(hre);
  progress("deploy", 1, 1);
  const signers = await ethers.getSigners();
  const [deployer, requester, matcher, ...rest] = signers;
  const providers = rest.slice(0, 4);
  const recipients = await Promise.all(rest.slice(4).map((s) => s.getAddress()));
  const marketAddr = await c.market.getAddress();
  const stakingAddr = await c.staking.getAddress();
  const { chainId } = await ethers.provider.getNetwork();

  // Governance grants the matcher role (the only way after the hand-over).
  await passProposal(c.governor, deployer!, [deployer!], {
    targets: [marketAddr],
    values: [0n],
    calldatas: [
      c.market.interface.encodeFunctionData("grantRole", [
        await c.market.MATCHER_ROLE(),
        await matcher!.getAddress(),
      ]),
    ],
    description: "bench: matcher",
  });

  // Funding, approvals, registration and stake, packed.
  const setup: PackedTx[] = [];
  const token = c.token.connect(deployer!);
  setup.push({
    from: deployer!,
    send: (n) => token.transfer(requester!.getAddress(), 10_000_000n * E18, { nonce: n }),
  });
  for (const p of providers) {
    setup.push({
      from: deployer!,
      send: async (n) => token.transfer(await p.getAddress(), 50_000n * E18, { nonce: n }),
    });
  }
  await mineTogether(hre, setup);
  const reg: PackedTx[] = [
    {
      from: requester!,
      send: (n) => c.token.connect(requester!).approve(marketAddr, ethers.MaxUint256, { nonce: n }),
    },
  ];
  for (const [i, p] of providers.entries()) {
    reg.push({
      from: p,
      send: (n) => c.token.connect(p).approve(stakingAddr, ethers.MaxUint256, { nonce: n }),
    });
    reg.push({
      from: p,
      send: (n) => c.staking.connect(p).register(`bench://p${i}`, "0x01", 0b11n, { nonce: n }),
    });
    reg.push({
      from: p,
      send: (n) => c.staking.connect(p).stake(40_000n * E18, { nonce: n, gasLimit: 300_000 }),
    });
  }
  await mineTogether(hre, reg);

  // Market tasks, ROUND per block and step.
  let epochAndRound = 0;
  const offers = new Map<Signer, { offer: Offer; signature: string }>();
  for (let done = 0; done < opts.tasks;) {
    const n = Math.min(ROUND, opts.tasks - done);
    const now = await time.latest();
    await transmitReport(
      c,
      "CPU",
      ++epochAndRound,
      [90n + BigInt(done % 20), 100n, 110n].map((x) => (x * E18) / 100n),
    );
    await transmitReport(
      c,
      "GPU",
      epochAndRound,
      [9n, 10n + BigInt(done % 5), 11n].map((x) => x * E18),
    );
    const first = (await c.market.taskCount()) + 1n;
    const create: PackedTx[] = [];
    for (let i = 0; i < n; i++) {
      const cls = (done + i) % 3 === 0 ? 1 : 0;
      create.push({
        from: requester!,
        send: (nonce) =>
          c.market.connect(requester!).createTask(
            {
              resourceClass: cls,
              mode: 0,
              minReputation: 0,
              units: 1 + ((done + i) % 10),
              maxPricePerUnit: (cls === 1 ? 20n : 2n) * E18,
              assignDeadline: now + 600,
              completionDeadline: now + 1_800,
              circuitId: ethers.ZeroHash,
              inputCommitment: ethers.toBeHex(BigInt(done + i + 1), 32),
              inputCid: `bench://input/${done + i}`,
            },
            { nonce, gasLimit: 400_000 },
          ),
      });
    }
    await mineTogether(hre, create);
    const ids = Array.from({ length: n }, (_, i) => first + BigInt(i));
    const providerOf = (i: number) => providers[i % providers.length]!;

    // Half through matcher batches (signed standing offers, one per provider and class), half claimed.
    const matched = ids.filter((_, i) => i % 2 === 0);
    const pairs = [];
    for (const id of matched) {
      const i = Number(id - first);
      const p = providerOf(i);
      const t = await c.market.getTask(id);
      const key = p;
      let entry = offers.get(key);
      if (!entry || entry.offer.resourceClass !== Number(t.resourceClass)) {
        const offer: Offer = {
          provider: await p.getAddress(),
          resourceClass: Number(t.resourceClass),
          pricePerUnit: (t.maxPricePerUnit * 9n) / 10n,
          capacity: 4_000_000_000,
          expiry: now + 30 * 86_400,
          nonce: 1 + Number(t.resourceClass),
        };
        entry = { offer, signature: await signOffer(p, chainId, marketAddr, offer) };
        offers.set(key, entry);
      }
      pairs.push({ taskId: id, offer: entry.offer, signature: entry.signature });
    }
    const assign: PackedTx[] = [];
    for (let k = 0; k < pairs.length; k += 25) {
      const chunk = pairs.slice(k, k + 25);
      assign.push({
        from: matcher!,
        send: (nonce) => c.market.connect(matcher!).assignBatch(chunk, { nonce, gasLimit: 6_000_000 }),
      });
    }
    await mineTogether(hre, assign);
    await time.increase(cfg.market.matchTimeout + 1);
    const claim: PackedTx[] = [];
    ids.forEach((id, i) => {
      if (i % 2 === 0) return;
      const p = providerOf(i);
      claim.push({
        from: p,
        send: (nonce) => c.market.connect(p).claimTask(id, { nonce, gasLimit: 400_000 }),
      });
    });
    await mineTogether(hre, claim);

    const submit: PackedTx[] = [];
    for (const [i, id] of ids.entries()) {
      const t = await c.market.getTask(id);
      const p = providers.find((s) => s.address === t.provider) ?? providerOf(i);
      submit.push({
        from: p,
        send: (nonce) =>
          c.market
            .connect(p)
            .submitResult(id, ethers.toBeHex(id, 32), `bench://result/${id}`, { nonce, gasLimit: 300_000 }),
      });
    }
    await mineTogether(hre, submit);
    await time.increase(cfg.market.challengeWindow + 1);
    const finalize: PackedTx[] = ids.map((id) => ({
      from: deployer!,
      send: (nonce) => c.market.finalizeTask(id, { nonce, gasLimit: 400_000 }),
    }));
    await mineTogether(hre, finalize);
    done += n;
    progress("tasks", done, opts.tasks);
  }
  await (await c.market.distributeFees()).wait();

  await bulkTransfers(hre, c, deployer!, recipients, opts.transfers, 200, (d) =>
    progress("transfers", d, opts.transfers),
  );
  // Everything beyond Ponder's finality window (30 blocks for chain 31337): the whole load is backfill.
  // (Not `hardhat_mine`: its blocks have a zero parent hash, which Ponder's realtime sync cannot link.)
  for (let i = 0; i < 40; i++) await hre.network.provider.send("evm_mine", []);
  progress("done", 1, 1);
}

if (require.main === module) {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const hre = require("hardhat") as HardhatRuntimeEnvironment;
  buildBenchChain(hre, {
    transfers: Number(process.env.BENCH_TRANSFERS ?? "4000"),
    tasks: Number(process.env.BENCH_TASKS ?? "600"),
  }).catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
