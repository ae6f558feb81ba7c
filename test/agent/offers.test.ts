import { expect } from "chai";
import path from "node:path";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { localOracleWallet } from "../../scripts/lib/deploy-config";
import { isOfferSignedByProvider } from "../../sdk/offers";
import { assembleReport, encodeReport, reportDigest, signOffer, signReportDigest } from "../../sdk/signing";
import { CFG, E18, agentWorld, startAgent, type AgentWorld } from "./helpers";

/** Publishes a CPU feed round whose median is `price` (f+1 local oracle signatures). */
async function publishCpuPrice(w: AgentWorld, price: bigint, epochAndRound: number): Promise<void> {
  const feed = w.c.feeds.CPU;
  const [digest] = await feed.latestConfig();
  const report = encodeReport([price, price, price]);
  const d = reportDigest(report, digest, epochAndRound);
  const sigs = [];
  for (let i = 0; i <= CFG.oracle.f; i++) sigs.push(await signReportDigest(localOracleWallet(i), d));
  const r = assembleReport(report, digest, epochAndRound, sigs);
  await feed.transmit(r.configDigest, r.epochAndRound, r.report, r.rs, r.ss, r.rawVs);
}

describe("agent: offers on the board", function () {
  this.timeout(300_000);

  async function mine(w: AgentWorld, provider: string) {
    return (await w.board.list()).filter((s) => s.offer.provider === provider);
  }

  it("renews an offer before it expires with a fresh nonce and withdraws the old one", async function () {
    const w = await agentWorld();
    const [p] = w.providers;
    const agent = await startAgent(w, p, path.join(w.root, "a"), { policy: { offerLifetimeSec: 600 } });
    await agent.tick();
    const [first] = await mine(w, p.address);
    expect(first.offer.nonce).to.equal(0);
    const t0 = await time.latest();
    expect(first.offer.expiry).to.be.within(t0 + 590, t0 + 600);
    await time.increase(300); // 300 s left > renewBefore (150 s): kept
    await agent.tick();
    expect((await mine(w, p.address)).map((s) => s.offer.nonce)).to.deep.equal([0]);
    await time.increase(200); // ~100 s left: renewed
    await agent.tick();
    const now = await time.latest();
    const current = await mine(w, p.address);
    expect(current.map((s) => s.offer.nonce)).to.deep.equal([1]);
    expect(current[0].offer.expiry).to.be.within(now + 590, now + 600);
    expect(isOfferSignedByProvider(w.exp.chainId, w.marketAddress, current[0])).to.equal(true);
    expect(agent.state().offers["0"]).to.include({ nonce: 1, capacity: 100 });
    await agent.stop();
  });

  it("never reuses a nonce: across restarts, and past nonces cancelled on chain", async function () {
    const w = await agentWorld();
    const [p] = w.providers;
    const dir = path.join(w.root, "a");
    const first = await startAgent(w, p, dir, { policy: { offerLifetimeSec: 600 } });
    await first.tick();
    await first.stop();
    // Restarted agent: its renewal continues the sequence.
    const second = await startAgent(w, p, dir, { policy: { offerLifetimeSec: 600 } });
    await time.increase(500);
    await second.tick();
    expect((await mine(w, p.address)).map((s) => s.offer.nonce)).to.deep.equal([1]);
    // The provider cancels its current offer on chain: the agent replaces it.
    await w.c.market.connect(p).cancelOffer(1);
    await second.tick();
    expect((await mine(w, p.address)).map((s) => s.offer.nonce)).to.deep.equal([2]);
    // Everything below 10 cancelled on chain: the next offer starts at 10.
    await w.c.market.connect(p).cancelOffersBelow(10);
    await second.tick();
    expect((await mine(w, p.address)).map((s) => s.offer.nonce)).to.deep.equal([10]);
    expect(second.state().nextNonce).to.equal(11);
    await second.stop();
  });

  it("derives the price from the class's feed times the markup, follows the feed, and keeps its offer while the feed is stale", async function () {
    const w = await agentWorld();
    const [p] = w.providers;
    await publishCpuPrice(w, 2n * E18, 1);
    const agent = await startAgent(w, p, path.join(w.root, "a"), {
      policy: {
        classes: [{ resourceClass: 0, price: { kind: "feed", markupBps: 1_000 } }],
        offerLifetimeSec: 4 * 3600,
      },
    });
    await agent.tick();
    let offers = await mine(w, p.address);
    expect(offers.map((s) => [s.offer.nonce, s.offer.pricePerUnit])).to.deep.equal([[0, (22n * E18) / 10n]]);
    await publishCpuPrice(w, 3n * E18, 2);
    await agent.tick();
    offers = await mine(w, p.address);
    expect(offers.map((s) => [s.offer.nonce, s.offer.pricePerUnit])).to.deep.equal([[1, (33n * E18) / 10n]]);
    await time.increase(CFG.market.maxPriceAge + 1); // stale feed: no new offer, the current one stays
    await agent.tick();
    offers = await mine(w, p.address);
    expect(offers.map((s) => s.offer.nonce)).to.deep.equal([1]);
    await agent.stop();
  });

  it("republishes its current offer when it disappeared from the board, and removes stray ones of its own", async function () {
    const w = await agentWorld();
    const [p] = w.providers;
    const agent = await startAgent(w, p, path.join(w.root, "a"));
    await agent.tick();
    const [offer] = await mine(w, p.address);
    await w.board.withdraw(p.address, 0);
    const stray = { ...offer.offer, nonce: 99 };
    await w.board.publish({
      offer: stray,
      signature: await signOffer(p, w.exp.chainId, w.marketAddress, stray),
    });
    await agent.tick();
    expect(await mine(w, p.address)).to.deep.equal([offer]);
    await agent.stop();
  });
});
