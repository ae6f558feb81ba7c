/**
 * Market gas scenario: every user-facing call of TaskMarket, Staking and PriceFeed, measured on the
 * in-process chain in the steady state a live market is in (token balances, counters and fee slots already
 * non-zero), so fresh-slot costs that only the very first call pays are excluded unless noted.
 * Used by `npm run bench:gas` (table with targets) and by the gas snapshot check.
 */
import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { ContractTransactionResponse } from "ethers";
import {
  CIRCUIT_OK,
  DAY,
  DUMMY_PROOF,
  E18,
  ZK,
  deployMarketSystem,
  type MarketSystem,
  deployPriceFeed,
  makeOffer,
  signOffer,
  signPermit,
  signReport,
  taskParams,
} from "../../../test/fixtures/market";

/** One measured operation; `target` is the gas target where it set one. */
export interface MarketGasRow {
  op: string;
  gas: bigint;
  target?: bigint;
  note?: string;
}

async function gasOf(tx: Promise<ContractTransactionResponse>): Promise<bigint> {
  const rc = await (await tx).wait();
  if (!rc) throw new Error("transaction without receipt");
  return rc.gasUsed;
}

/**
 * Gas per match of `assignBatch`: batches of `sizes` pairs sharing one offer (its signature is verified once),
 * then one batch of `distinct` pairs with a distinct offer each (one `ecrecover` and offer-fill slot per
 * pair). Each pair is a fresh one-unit task of `sys.requester`. Offer nonces start at `firstNonce`. Used by
 * the market gas rows and the matcher benchmark.
 */
export async function assignBatchGasRows(
  sys: MarketSystem,
  firstNonce: number,
  sizes: readonly number[] = [1, 10, 50],
  distinct = 10,
): Promise<{ rows: MarketGasRow[]; nextNonce: number }> {
  const { market, requester, matcher, providers } = sys;
  const rows: MarketGasRow[] = [];
  let nonce = firstNonce;
  for (const size of sizes) {
    const ids: bigint[] = [];
    for (let i = 0; i < size; i++) {
      await market.connect(requester).createTask(await taskParams({ units: 1 }));
      ids.push(await market.taskCount());
    }
    const p = providers[size % 3];
    const offer = await makeOffer(p, { nonce: nonce++, capacity: 1_000 });
    const signature = await signOffer(market, p, offer);
    const g = await gasOf(
      market.connect(matcher).assignBatch(ids.map((taskId) => ({ taskId, offer, signature }))),
    );
    rows.push({
      op: `assignBatch ×${size} (per match)`,
      gas: g / BigInt(size),
      target: 90_000n,
      note: `total ${g}`,
    });
  }
  if (distinct > 0) {
    const matches = [];
    for (let i = 0; i < distinct; i++) {
      await market.connect(requester).createTask(await taskParams({ units: 1 }));
      const taskId = await market.taskCount();
      const p = providers[i % 3];
      const offer = await makeOffer(p, { nonce: nonce++, capacity: 1_000 });
      matches.push({ taskId, offer, signature: await signOffer(market, p, offer) });
    }
    const g = await gasOf(market.connect(matcher).assignBatch(matches));
    rows.push({
      op: `assignBatch ×${distinct}, distinct offers (per match)`,
      gas: g / BigInt(distinct),
      target: 90_000n,
      note: `total ${g}`,
    });
  }
  return { rows, nextNonce: nonce };
}

/** Runs the scenario on a freshly deployed market and returns one row per operation. */
export async function marketGasRows(): Promise<MarketGasRow[]> {
  const rows: MarketGasRow[] = [];
  const sys = await deployMarketSystem();
  const { market, staking, token, requester, matcher, providers, outsider, admin } = sys;

  // warm-up: one full task so counters, fee slot and balances are non-zero
  await market.connect(requester).createTask(await taskParams());
  const warm = await market.taskCount();
  const o0 = await makeOffer(providers[0], { nonce: 999 });
  await market
    .connect(matcher)
    .assignBatch([{ taskId: warm, offer: o0, signature: await signOffer(market, providers[0], o0) }]);
  await market.connect(providers[0]).submitResult(warm, ethers.id("r"), "cid");
  await time.increase(DAY + 1);
  await market.finalizeTask(warm);

  // createTask (plain, optimistic) and ZK
  rows.push({
    op: "createTask (OPTIMISTIC)",
    gas: await gasOf(market.connect(requester).createTask(await taskParams())),
    target: 150_000n,
  });
  rows.push({
    op: "createTask (ZK)",
    gas: await gasOf(
      market.connect(requester).createTask(await taskParams({ mode: ZK, circuitId: CIRCUIT_OK })),
    ),
    target: 150_000n,
    note: "+ registry lookup + circuit id slot",
  });
  // createTaskWithPermit (no prior allowance)
  await token.connect(outsider).approve(await market.getAddress(), 0);
  const params = await taskParams();
  const deadline = BigInt((await time.latest()) + 3600);
  const sig = await signPermit(token, outsider, await market.getAddress(), 20n * E18, deadline);
  rows.push({
    op: "createTaskWithPermit",
    gas: await gasOf(market.connect(outsider).createTaskWithPermit(params, deadline, sig.v, sig.r, sig.s)),
    target: 150_000n,
    note: "permit itself ≈ 30k+",
  });

  // assign per match in batches of 1, 10, 50 (one offer per batch) and of 10 distinct offers
  let nonce = 1;
  const assign = await assignBatchGasRows(sys, nonce);
  rows.push(...assign.rows);
  nonce = assign.nextNonce;

  // claim
  await market.connect(requester).createTask(await taskParams());
  const claimId = await market.taskCount();
  await time.increase(601);
  rows.push({
    op: "claimTask",
    gas: await gasOf(market.connect(providers[1]).claimTask(claimId)),
    target: 90_000n,
  });

  // optimistic: submit, complete (finalize), dispute, resolve, lapse
  const assignOne = async (p = providers[0], overrides = {}) => {
    await market.connect(requester).createTask(await taskParams(overrides));
    const id = await market.taskCount();
    const offer = await makeOffer(p, { nonce: nonce++ });
    await market
      .connect(matcher)
      .assignBatch([{ taskId: id, offer, signature: await signOffer(market, p, offer) }]);
    return id;
  };
  const a = await assignOne();
  rows.push({
    op: "submitResult (OPTIMISTIC)",
    gas: await gasOf(market.connect(providers[0]).submitResult(a, ethers.id("r"), "bafyresult")),
  });
  const b = await assignOne();
  await market.connect(providers[0]).submitResult(b, ethers.id("r"), "cid");
  const c = await assignOne();
  await market.connect(providers[0]).submitResult(c, ethers.id("r"), "cid");
  const d = await assignOne();
  await market.connect(providers[0]).submitResult(d, ethers.id("r"), "cid");
  rows.push({ op: "disputeTask", gas: await gasOf(market.connect(requester).disputeTask(b)) });
  rows.push({ op: "disputeTask (2nd)", gas: await gasOf(market.connect(requester).disputeTask(d)) });
  rows.push({
    op: "resolveDispute (provider at fault → slash)",
    gas: await gasOf(market.connect(admin).resolveDispute(b, true)),
  });
  await time.increase(DAY + 1);
  rows.push({
    op: "finalizeTask (complete, OPTIMISTIC)",
    gas: await gasOf(market.connect(outsider).finalizeTask(a)),
    target: 80_000n,
  });
  rows.push({
    op: "resolveDispute (no fault → pay)",
    gas: await gasOf(market.connect(admin).resolveDispute(d, false)),
  });
  // a dispute the arbiter left alone: escrow back to the requester, bond to the provider, no slash
  const e = await assignOne();
  await market.connect(providers[0]).submitResult(e, ethers.id("r"), "cid");
  await market.connect(requester).disputeTask(e);
  await time.increase(7 * DAY + 1);
  rows.push({
    op: "lapseDispute (bond → provider)",
    gas: await gasOf(market.connect(outsider).lapseDispute(e)),
  });

  // ZK completion (mock verifier: excludes the ~210k + 7k/signal of a real Groth16 verifier)
  const z = await assignOne(providers[0], { mode: ZK, circuitId: CIRCUIT_OK });
  rows.push({
    op: "submitProof (ZK, mock verifier)",
    gas: await gasOf(market.connect(providers[0]).submitProof(z, ethers.toBeHex(5n, 32), "out", DUMMY_PROOF)),
    note: "add the real verifier's cost",
  });

  // fail, expire, cancel
  const f = await assignOne();
  rows.push({ op: "failTask (provider, slash)", gas: await gasOf(market.connect(providers[0]).failTask(f)) });
  const rj = await assignOne();
  rows.push({
    op: "rejectTask (provider, within the reject window)",
    gas: await gasOf(market.connect(providers[0]).rejectTask(rj)),
  });
  await market.connect(requester).createTask(await taskParams());
  const cx = await market.taskCount();
  rows.push({ op: "cancelTask", gas: await gasOf(market.connect(requester).cancelTask(cx)) });
  await market.connect(requester).createTask(await taskParams());
  const ex = await market.taskCount();
  await time.increase(3_601);
  rows.push({ op: "expireTask", gas: await gasOf(market.connect(outsider).expireTask(ex)), target: 80_000n });
  rows.push({ op: "distributeFees", gas: await gasOf(market.connect(outsider).distributeFees()) });

  // staking
  rows.push({ op: "stake", gas: await gasOf(staking.connect(providers[2]).stake(10n * E18)) });
  rows.push({ op: "unbond", gas: await gasOf(staking.connect(providers[2]).unbond(10n * E18)) });
  await time.increase(30 * DAY + 1);
  rows.push({ op: "withdraw", gas: await gasOf(staking.connect(providers[2]).withdraw()) });
  rows.push({ op: "claimRewards", gas: await gasOf(staking.connect(providers[2]).claimRewards()) });

  // price feed reports
  for (const [n, fTol] of [
    [4, 1],
    [7, 2],
  ] as const) {
    const { feed, wallets } = await deployPriceFeed(admin, n, fTol);
    const obs = Array.from({ length: 2 * fTol + 1 }, (_, i) => BigInt(i + 10) * E18);
    const r1 = await signReport(feed, wallets, obs, 1);
    await feed.transmit(r1.configDigest, r1.epochAndRound, r1.report, r1.rs, r1.ss, r1.rawVs);
    const r2 = await signReport(feed, wallets, obs, 2);
    rows.push({
      op: `PriceFeed.transmit (${n} signers, ${fTol + 1} sigs, ${obs.length} obs)`,
      gas: await gasOf(feed.transmit(r2.configDigest, r2.epochAndRound, r2.report, r2.rs, r2.ss, r2.rawVs)),
      target: n === 4 ? 150_000n : undefined,
    });
  }

  return rows;
}
