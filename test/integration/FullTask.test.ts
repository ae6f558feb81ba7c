import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import {
  CIRCUIT_OK,
  DAY,
  DUMMY_PROOF,
  E18,
  Status,
  ZK,
  deployMarketSystem,
  deployPriceFeed,
  makeOffer,
  signOffer,
  signReport,
  signalsHash,
  taskParams,
} from "../fixtures/market";

describe("Integration · a full task in each mode", function () {
  async function withFeed() {
    const sys = await deployMarketSystem();
    const { feed, wallets } = await deployPriceFeed(sys.admin, 4, 1);
    const r = await signReport(feed, wallets, [E18, (3n * E18) / 2n, 2n * E18], 1);
    await feed.transmit(r.configDigest, r.epochAndRound, r.report, r.rs, r.ss, r.rawVs);
    await sys.market.connect(sys.admin).setPriceFeed(0, await feed.getAddress());
    return sys;
  }

  it("OPTIMISTIC at market price: create → match → result → window → finalize → fees → rewards", async function () {
    const sys = await loadFixture(withFeed);
    const { market, staking, token, requester, matcher, providers, treasury } = sys;
    const before = await token.balanceOf(requester.address);
    await market.connect(requester).createTaskAtMarketPrice(await taskParams({ maxPricePerUnit: 2n * E18 }));
    const id = await market.taskCount();
    expect((await market.getTask(id)).maxPricePerUnit).to.equal((3n * E18) / 2n);
    const offer = await makeOffer(providers[1], { pricePerUnit: E18 });
    await market
      .connect(matcher)
      .assignBatch([{ taskId: id, offer, signature: await signOffer(market, providers[1], offer) }]);
    await market.connect(providers[1]).submitResult(id, ethers.id("out"), "bafyout");
    await time.increase(DAY + 1);
    await market.finalizeTask(id);
    expect((await market.getTask(id)).status).to.equal(Status.Completed);
    expect(before - (await token.balanceOf(requester.address))).to.equal(10n * E18);
    await market.distributeFees();
    expect(await token.balanceOf(treasury.address)).to.equal(E18 / 10n);
    // 0.1 CLAI to 3 equal stakers: each gets a third, rounded down at 1e-18 CLAI per staked CLAI; the
    // remainder (here 1 000 wei) is queued for the next distribution, never lost or over-paid.
    const pending = await staking.pendingRewards(providers[0].address);
    expect(pending)
      .to.be.lte(E18 / 30n)
      .and.to.be.closeTo(E18 / 30n, 1_000n);
    expect((await staking.totals())[3]).to.equal(1_000n);
    await staking.connect(providers[0]).claimRewards();
    expect(await token.balanceOf(await market.getAddress())).to.equal(0n);
  });

  it("ZK: create → claim after timeout → proof bound to task/provider → paid", async function () {
    const sys = await loadFixture(deployMarketSystem);
    const { market, verifierOk, requester, providers, token } = sys;
    await market.connect(requester).createTask(await taskParams({ mode: ZK, circuitId: CIRCUIT_OK }));
    const id = await market.taskCount();
    await time.increase(601);
    await market.connect(providers[2]).claimTask(id);
    const out = ethers.toBeHex(99n, 32);
    const t = await market.getTask(id);
    await verifierOk.setExpectedSignalsHash(signalsHash(t.inputCommitment, out, id, providers[2].address));
    const bal = await token.balanceOf(providers[2].address);
    await market.connect(providers[2]).submitProof(id, out, "bafyout", DUMMY_PROOF);
    expect((await market.getTask(id)).status).to.equal(Status.Completed);
    expect((await token.balanceOf(providers[2].address)) - bal).to.equal(
      20n * E18 - (20n * E18 * 200n) / 10_000n,
    );
  });

  it("OPTIMISTIC dispute lost by the provider: requester made whole plus half the slashed lock", async function () {
    const sys = await loadFixture(deployMarketSystem);
    const { market, token, requester, matcher, providers, admin } = sys;
    const before = await token.balanceOf(requester.address);
    await market.connect(requester).createTask(await taskParams());
    const id = await market.taskCount();
    const offer = await makeOffer(providers[0]);
    await market
      .connect(matcher)
      .assignBatch([{ taskId: id, offer, signature: await signOffer(market, providers[0], offer) }]);
    await market.connect(providers[0]).submitResult(id, ethers.id("bad"), "cid");
    await market.connect(requester).disputeTask(id);
    await market.connect(admin).resolveDispute(id, true);
    expect((await token.balanceOf(requester.address)) - before).to.equal(5n * E18);
  });
});
