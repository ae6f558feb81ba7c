import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import hre, { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { BrowserProvider, Wallet, type Eip1193Provider } from "ethers";
import { DirOfferBoard } from "../../sdk/offers";
import { signOffer, type SignedReport } from "../../sdk/signing";
import {
  OracleConfigError,
  OracleTransportError,
  leaderIndex,
  seal,
  signObservation,
  startOracleNode,
  recoverDigestSigner,
  type FeedTickReport,
  type OracleRequest,
  type RoundOutcome,
} from "../../oracle/node";
import { reportDigest, encodeReport } from "../../sdk/signing";
import { expectRejection } from "../helpers/expect";
import { E18, LogSink, startOracleNet, testNodeOptions, type OracleNet } from "./helpers";

/** The round a tick led, from whichever node led it. */
function ledRound(reports: FeedTickReport[][], feed = "CPU"): RoundOutcome | undefined {
  return reports
    .flat()
    .filter((r) => r.feed === feed)
    .find((r) => r.led)?.led;
}

function transmitted(outcome: RoundOutcome | undefined): SignedReport {
  expect(
    outcome?.kind,
    JSON.stringify(outcome, (_k, v) => (typeof v === "bigint" ? `${v}` : v)),
  ).to.equal("transmitted");
  return (outcome as { report: SignedReport }).report;
}

async function send(net: OracleNet, feed: "CPU" | "GPU", r: SignedReport) {
  return net.c.feeds[feed]
    .connect(net.wallets[0])
    .transmit(r.configDigest, r.epochAndRound, r.report, r.rs, r.ss, r.rawVs);
}

/** Mutable per-node observations (CLAI), read by the nodes' `observe` override. */
function scripted(values: bigint[]) {
  const plan = { values };
  const overrides = [0, 1, 2, 3].map((i) => ({ observe: () => plan.values[i] }));
  return { plan, overrides };
}

describe("oracle/node", function () {
  let net: OracleNet | undefined;
  afterEach(async () => {
    await net?.stop();
    net = undefined;
  });

  describe("# rounds", function () {
    it("four nodes publish the controller's price: 2f+1 observations, f+1 signatures, one transmission", async function () {
      // node 0 runs the default demand model (MSTL stack): on a short history it uses the moving average
      net = await startOracleNet([{ demandModel: undefined }]);
      const reports = await net.tickAll();
      const led = ledRound(reports);
      const report = transmitted(led);
      expect(report.rs).to.have.length(2);
      expect((led as { observations: number }).observations).to.equal(4);
      const round = await net.c.feeds.CPU.latestRoundData();
      expect(round.answer).to.equal(E18); // no demand yet: the base price
      expect(reports[0][0].observation?.model).to.equal("moving-average(5)"); // the horizon's worth of bins
      // every node now sees the round and none publishes again
      const again = await net.tickAll();
      expect(again.flat().every((r) => !r.due && !r.led && !r.followerTransmit)).to.equal(true);
      expect((await net.c.feeds.CPU.latestConfig())[3]).to.equal(1n);
      for (const n of net.nodes) expect(n.status()[0].latest?.roundId).to.equal(1n);
    });

    it("follows demand from TaskCreated events against open-offer supply, clamped per update", async function () {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cloudai-oracle-offers-"));
      const [deployer, requester, provider] = await ethers.getSigners();
      let board: DirOfferBoard | undefined;
      net = await startOracleNet((exp) => {
        board = new DirOfferBoard(dir, exp.chainId, exp.contracts.TaskMarket.address);
        return [0, 1, 2, 3].map(() => ({ offers: board }));
      });
      if (!board) throw new Error("no board");
      const c = net.c;
      await c.token.connect(deployer).transfer(provider.address, 1_000n * E18);
      await c.token.connect(provider).approve(await c.staking.getAddress(), ethers.MaxUint256);
      await c.staking.connect(provider).register("local://p", "0x01", 0b1n);
      await c.staking.connect(provider).stake(1_000n * E18);
      const offer = {
        provider: provider.address,
        resourceClass: 0,
        pricePerUnit: E18,
        capacity: 500,
        expiry: (await time.latest()) + 86_400,
        nonce: 1,
      };
      await board.publish({
        offer,
        signature: await signOffer(provider, 31337, await c.market.getAddress(), offer),
      });

      transmitted(ledRound(await net.tickAll()));
      expect((await c.feeds.CPU.latestRoundData()).answer).to.equal(E18);
      const first = net.nodes[0].status()[0].lastObservation;
      expect(first?.supply).to.equal(500); // the offer binds: 1,000 CLAI of stake would back 2,000 units
      expect(first?.providers).to.equal(1);

      // 300 units of tasks in this minute: demand over the 5-bin horizon ≥ 500 = the supply → up one step
      await c.token.connect(deployer).transfer(requester.address, 10_000n * E18);
      await c.token.connect(requester).approve(await c.market.getAddress(), ethers.MaxUint256);
      for (let i = 0; i < 3; i++) {
        const now = await time.latest();
        await c.market.connect(requester).createTaskAtMarketPrice({
          resourceClass: 0,
          mode: 0,
          minReputation: 0,
          units: 100,
          maxPricePerUnit: 10n * E18,
          assignDeadline: now + 600,
          completionDeadline: now + 1_800,
          circuitId: ethers.ZeroHash,
          inputCommitment: ethers.ZeroHash,
          inputCid: "",
        });
      }
      await time.increase(61);
      transmitted(ledRound(await net.tickAll()));
      expect((await c.feeds.CPU.latestRoundData()).answer).to.equal((11n * E18) / 10n);
      const busy = net.nodes[0].status()[0].lastObservation;
      expect(busy?.demand).to.be.at.least(500);
      expect(busy?.controller.utilisation).to.be.at.least(1);
      expect(busy?.controller.limitedBy).to.equal("step-up");

      // three empty minutes: the moving average forgets the burst and the price returns to the base
      await time.increase(3 * 61);
      transmitted(ledRound(await net.tickAll()));
      expect((await c.feeds.CPU.latestRoundData()).answer).to.equal(E18);
      expect(net.nodes[0].status()[0].lastObservation?.demand).to.equal(0);
      fs.rmSync(dir, { recursive: true, force: true });
    });
  });

  describe("# faults (n = 4, f = 1)", function () {
    it("one lying node cannot move the median out of the honest range, as follower or as leader", async function () {
      const { plan, overrides } = scripted([]);
      net = await startOracleNet(overrides);
      const [digest] = await net.c.feeds.CPU.latestConfig();
      const liar = leaderIndex(digest, 2, 4); // a follower in round 1, the leader of round 2
      expect(leaderIndex(digest, 1, 4)).to.not.equal(liar);
      const honest = (base: bigint) => {
        const out: bigint[] = [];
        let k = 0n;
        for (let i = 0; i < 4; i++) out.push(i === liar ? 0n : (base + k++) * E18);
        return out;
      };
      plan.values = honest(100n);
      plan.values[liar] = 1_000_000n * E18; // far above every honest value (and the feed's max)
      transmitted(ledRound(await net.tickAll()));
      let answer = (await net.c.feeds.CPU.latestRoundData()).answer;
      expect(answer >= 100n * E18 && answer <= 102n * E18, `${answer}`).to.equal(true);

      plan.values = honest(50n);
      plan.values[liar] = 1n; // now far below, and the liar leads
      await time.increase(60); // one round per demand interval at most
      const reports = await net.tickAll();
      expect(reports[liar][0].led?.kind).to.equal("transmitted");
      answer = (await net.c.feeds.CPU.latestRoundData()).answer;
      expect(answer >= 50n * E18 && answer <= 52n * E18, `${answer}`).to.equal(true);
      expect((await net.c.feeds.CPU.latestConfig())[3]).to.equal(2n);
    });

    it("a follower that is down does not stop the round", async function () {
      net = await startOracleNet();
      const [digest] = await net.c.feeds.CPU.latestConfig();
      const down = (leaderIndex(digest, 1, 4) + 1) % 4;
      net.hub.setDown(net.wallets[down].address, true);
      const led = ledRound(await net.tickAll([down]));
      transmitted(led);
      expect((led as { observations: number }).observations).to.equal(3);
    });

    it("a leader that is down is replaced by the next one after the leader timeout", async function () {
      net = await startOracleNet();
      const [digest] = await net.c.feeds.CPU.latestConfig();
      const leader = leaderIndex(digest, 1, 4);
      net.hub.setDown(net.wallets[leader].address, true);
      const waiting = await net.tickAll([leader]);
      expect(
        waiting.flat().every((r) => r.due && r.leader === net!.wallets[leader].address && !r.led),
      ).to.equal(true);
      await expect(net.c.feeds.CPU.latestRoundData()).to.be.revertedWithCustomError(
        net.c.feeds.CPU,
        "PriceFeed__NoDataPresent",
      );
      await time.increase(30);
      const reports = await net.tickAll([leader]);
      const next = leaderIndex(digest, 2, 4);
      expect(reports[next][0].led?.kind).to.equal("transmitted");
      expect((await net.c.feeds.CPU.latestConfig())[3]).to.equal(2n);
    });

    it("when the leader cannot send its signed report, a follower transmits it after its delay", async function () {
      net = await startOracleNet();
      const [digest] = await net.c.feeds.CPU.latestConfig();
      const leader = leaderIndex(digest, 1, 4);
      await ethers.provider.send("hardhat_setBalance", [net.wallets[leader].address, "0x0"]);
      const reports = await net.tickAll();
      expect(reports[leader][0].led?.kind).to.equal("failed");
      expect(net.nodes[(leader + 1) % 4].status()[0].pendingReport).to.equal(1);
      await time.increase(10);
      const after = await net.tickAll();
      const first = (leader + 1) % 4; // the follower right after the leader goes first
      expect(after[first][0].followerTransmit?.kind).to.equal("transmitted");
      expect(after.flat().filter((r) => r.followerTransmit).length).to.equal(1);
      expect((await net.c.feeds.CPU.latestConfig())[3]).to.equal(1n);
    });

    it("with two nodes down there are too few observations: nothing is sent", async function () {
      net = await startOracleNet();
      const [digest] = await net.c.feeds.CPU.latestConfig();
      const leader = leaderIndex(digest, 1, 4);
      const down = [(leader + 1) % 4, (leader + 2) % 4];
      for (const d of down) net.hub.setDown(net.wallets[d].address, true);
      const reports = await net.tickAll(down);
      expect(reports[leader][0].led).to.deep.include({ kind: "insufficient-observations", got: 2, need: 3 });
      await expect(net.c.feeds.CPU.latestRoundData()).to.be.revertedWithCustomError(
        net.c.feeds.CPU,
        "PriceFeed__NoDataPresent",
      );
      expect(net.logs.find("round failed: too few observations")).to.have.length(1);
    });
  });

  describe("# the feed rejects what the nodes must never send", function () {
    it("a replayed report", async function () {
      net = await startOracleNet();
      const report = transmitted(ledRound(await net.tickAll()));
      await expect(send(net, "CPU", report))
        .to.be.revertedWithCustomError(net.c.feeds.CPU, "PriceFeed__StaleReport")
        .withArgs(1, 1);
    });

    it("a report for another feed, or signed under another config", async function () {
      const { plan, overrides } = scripted([E18, E18, E18, E18]);
      net = await startOracleNet(overrides, ["CPU", "GPU"]);
      const reports = await net.tickAll();
      const cpu = transmitted(ledRound(reports, "CPU"));
      transmitted(ledRound(reports, "GPU"));
      const { GPU } = net.c.feeds;
      await expect(send(net, "GPU", cpu)).to.be.revertedWithCustomError(
        GPU,
        "PriceFeed__ConfigDigestMismatch",
      );
      const [gpuDigest, , , gpuLatest] = await GPU.latestConfig();
      await expect(
        send(net, "GPU", { ...cpu, configDigest: gpuDigest, epochAndRound: Number(gpuLatest) + 1 }),
      ).to.be.revertedWithCustomError(GPU, "PriceFeed__UnauthorizedSigner");

      // governance re-sets the CPU signers: the epoch counter restarts, old signatures die with the digest
      const timelock = await net.c.timelock.getAddress();
      await ethers.provider.send("hardhat_impersonateAccount", [timelock]);
      await ethers.provider.send("hardhat_setBalance", [timelock, "0x8ac7230489e80000"]);
      const gov = await ethers.getSigner(timelock);
      await net.c.feeds.CPU.connect(gov).setConfig(
        net.wallets.map((w) => w.address),
        1,
      );
      await ethers.provider.send("hardhat_stopImpersonatingAccount", [timelock]);
      await expect(send(net, "CPU", cpu)).to.be.revertedWithCustomError(
        net.c.feeds.CPU,
        "PriceFeed__ConfigDigestMismatch",
      );
      // the nodes follow the new config
      plan.values = [2n * E18, 2n * E18, 2n * E18, 2n * E18];
      await time.increase(60);
      const next = transmitted(ledRound(await net.tickAll(), "CPU"));
      expect(next.epochAndRound).to.equal(1);
      expect(next.configDigest).to.equal((await net.c.feeds.CPU.latestConfig())[0]);
      expect((await net.c.feeds.CPU.latestRoundData()).roundId).to.equal(2n);
      expect(net.logs.find("feed config changed")).to.have.length(4);
    });

    it("too few (or duplicated) signatures", async function () {
      net = await startOracleNet();
      // a leader without gas: its fully signed report stays off-chain, in our hands
      const [digest] = await net.c.feeds.CPU.latestConfig();
      const leader = leaderIndex(digest, 1, 4);
      await ethers.provider.send("hardhat_setBalance", [net.wallets[leader].address, "0x0"]);
      const led = ledRound(await net.tickAll());
      expect(led?.kind).to.equal("failed");
      const fresh = (led as { report: SignedReport }).report;
      const { CPU } = net.c.feeds;
      await expect(send(net, "CPU", { ...fresh, rs: fresh.rs.slice(0, 1), ss: fresh.ss.slice(0, 1) }))
        .to.be.revertedWithCustomError(CPU, "PriceFeed__WrongNumberOfSignatures")
        .withArgs(1, 2);
      const vs = ethers.getBytes(fresh.rawVs);
      vs[1] = vs[0];
      const dup = {
        ...fresh,
        rs: [fresh.rs[0], fresh.rs[0]],
        ss: [fresh.ss[0], fresh.ss[0]],
        rawVs: ethers.hexlify(vs),
      };
      await expect(send(net, "CPU", dup)).to.be.revertedWithCustomError(CPU, "PriceFeed__DuplicateSigner");
      await send(net, "CPU", fresh); // the untampered report is accepted
      expect((await CPU.latestRoundData()).roundId).to.equal(1n);
    });
  });

  describe("# a node refuses requests that break the protocol", function () {
    it("checks leader, round window, feed and config, and the observation set before signing", async function () {
      net = await startOracleNet();
      const { CPU } = net.c.feeds;
      const feed = await CPU.getAddress();
      const [configDigest] = await CPU.latestConfig();
      const signers = net.wallets.map((w) => w.address);
      const target = 0;
      const leaderOfRound = (e: number) => leaderIndex(configDigest, e, 4);
      // find a round ≤ 4 whose leader is not the target
      const e = [1, 2, 3, 4].find((r) => leaderOfRound(r) !== target) as number;
      const leader = leaderOfRound(e);
      const ask = async (from: number, request: OracleRequest) =>
        net!.hub
          .endpoint(signers[from])
          .request(signers[target], await seal(net!.wallets[from], request), 2_000);
      const refusal = async (from: number, request: OracleRequest) =>
        (await expectRejection(ask(from, request), OracleTransportError)).message;

      const observe = { type: "observe" as const, feed, configDigest, epochAndRound: e };
      const notLeader = [0, 1, 2, 3].find((i) => i !== leader && i !== target) as number;
      expect(await refusal(notLeader, observe)).to.match(/not-leader/);
      expect(await refusal(leader, { ...observe, epochAndRound: 5 + 4 })).to.match(/round-too-far/);
      expect(await refusal(leader, { ...observe, configDigest: ethers.id("other") })).to.match(
        /config-mismatch/,
      );
      const gpu = await net.c.feeds.GPU.getAddress();
      expect(await refusal(leader, { ...observe, feed: gpu })).to.match(/unknown-feed/);

      // a valid observation request, then sign requests built around the target's observation
      const answer = JSON.parse(await ask(leader, observe)) as {
        observation: { value: { $bigint: string } };
      };
      const mine = BigInt(answer.observation.value.$bigint);
      const others = await Promise.all(
        [0, 1, 2, 3]
          .filter((i) => i !== target)
          .map((i) => signObservation(net!.wallets[i], configDigest, e, E18 + BigInt(i))),
      );
      const own = await signObservation(net.wallets[target], configDigest, e, mine);
      const sign = (observations: typeof others) => ({
        type: "sign" as const,
        feed,
        configDigest,
        epochAndRound: e,
        observations,
      });
      expect(await refusal(leader, sign(others))).to.match(/own-observation-missing/);
      expect(await refusal(leader, sign([own, others[0]]))).to.match(/observation-count/);
      expect(await refusal(leader, sign([own, others[0], { ...others[1], value: 999n * E18 }]))).to.match(
        /observation-signature/,
      );
      const ownWrongValue = await signObservation(net.wallets[target], configDigest, e, mine + 1n);
      expect(await refusal(leader, sign([ownWrongValue, others[0], others[1]]))).to.match(
        /own-observation-missing/,
      );
      const reply = JSON.parse(await ask(leader, sign([own, others[0], others[1]]))) as { signature: string };
      const values = [mine, others[0].value, others[1].value];
      const digest = reportDigest(encodeReport(values), configDigest, e);
      expect(recoverDigestSigner(digest, reply.signature)).to.equal(signers[target]);

      const final = {
        type: "final" as const,
        feed,
        configDigest,
        epochAndRound: e,
        report: encodeReport(values),
        rs: [ethers.ZeroHash, ethers.ZeroHash],
        ss: [ethers.ZeroHash, ethers.ZeroHash],
        rawVs: ethers.ZeroHash,
      };
      expect(await refusal(leader, final)).to.match(/bad-signature/);
    });
  });

  describe("# operation", function () {
    it("detects and reports a stale feed", async function () {
      net = await startOracleNet();
      transmitted(ledRound(await net.tickAll()));
      await net.tickAll(); // every node has seen the round
      expect(net.nodes.map((n) => n.status()[0].stale)).to.deep.equal([false, false, false, false]);
      for (const i of [1, 2, 3]) net.hub.setDown(net.wallets[i].address, true);
      await time.increase(600 + 120 + 1); // heartbeat + grace
      const [report] = await net.nodes[0].tick();
      expect(report.stale).to.equal(true);
      expect(net.nodes[0].status()[0].stale).to.equal(true);
      const lines = net.logs.find("feed stale", {
        service: "oracle-0",
        feed: "CPU",
        level: "warn",
        reason: "answer older than heartbeat + grace",
      });
      expect(lines).to.have.length(1);
      expect(lines[0].ageSec).to.be.greaterThan(720);
      // back up: the heartbeat round makes it fresh again
      for (const i of [1, 2, 3]) net.hub.setDown(net.wallets[i].address, false);
      await net.tickAll();
      await net.tickAll();
      expect(net.nodes[0].status()[0].stale).to.equal(false);
      // once after the first round (it had none at start), once after this recovery
      expect(net.logs.find("feed fresh again", { service: "oracle-0" })).to.have.length(2);
    });

    it("retries RPC calls that fail transiently, and stops with an error after too many failed ticks", async function () {
      net = await startOracleNet();
      let failNext = 0;
      let failAll = false;
      const flaky: Eip1193Provider = {
        request: async (args) => {
          // (eth_call failures reach ethers as CALL_EXCEPTION through an EIP-1193 provider; block and
          // log queries keep the transport error, as every call does over HTTP)
          if (failAll || (failNext > 0 && ["eth_getBlockByNumber", "eth_getLogs"].includes(args.method))) {
            failNext--;
            throw Object.assign(new Error("connection reset"), { code: "ECONNRESET" });
          }
          return hre.network.provider.request(args);
        },
      };
      const wallet = net.wallets[0].connect(new BrowserProvider(flaky));
      const logs = new LogSink();
      await net.nodes[0].stop();
      net.nodes[0] = await startOracleNode({
        ...testNodeOptions(),
        signer: wallet,
        deployment: net.exp,
        transport: net.hub.endpoint(wallet.address),
        feeds: ["CPU"],
        logger: logs.logger(),
        // ethers shares an identical request's result for 250 ms, so retries must wait longer than that
        retry: { attempts: 4, baseDelayMs: 400, maxDelayMs: 800 },
      });
      failNext = 2;
      const [report] = await net.nodes[0].tick();
      expect(report.error).to.equal(undefined);
      expect(logs.find("transient failure, retrying")).to.have.length.of.at.least(2);

      // a dead endpoint: every tick fails, and the service gives up (runService then exits 1)
      await net.nodes[0].stop();
      const dead = await startOracleNode({
        ...testNodeOptions(),
        signer: wallet,
        deployment: net.exp,
        transport: net.hub.endpoint(wallet.address),
        feeds: ["CPU"],
        logger: logs.logger(),
        retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 1 },
        pollIntervalMs: 5,
        maxConsecutiveFailures: 3,
      });
      net.nodes[0] = dead;
      failAll = true;
      const err = await expectRejection(dead.done, Error);
      expect(err.message).to.match(/3 consecutive ticks failed/);
      failAll = false;
    });

    it("refuses to start with a key that signs none of its feeds, or an unknown feed", async function () {
      net = await startOracleNet();
      const stranger = Wallet.createRandom().connect(ethers.provider);
      const common = { ...testNodeOptions(), deployment: net.exp, logger: new LogSink().logger() };
      const err = await expectRejection(
        startOracleNode({ ...common, signer: stranger, transport: net.hub.endpoint(stranger.address) }),
        OracleConfigError,
      );
      expect(err.message).to.match(/not a registered signer of any served feed/);
      expect(err.name).to.equal("ConfigError"); // runService prints it without a stack and exits 1
      await expectRejection(
        startOracleNode({
          ...common,
          signer: net.wallets[0],
          transport: net.hub.endpoint(net.wallets[0].address),
          feeds: ["TPU"],
        }),
        OracleConfigError,
      );
    });

    it("keeps its demand history and log cursor in a state file across restarts", async function () {
      const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "cloudai-oracle-state-")), "state.json");
      net = await startOracleNet([{ stateFile: file }]);
      await time.increase(5 * 60);
      await net.tickAll();
      const before = net.nodes[0].status()[0].historyLength;
      expect(before).to.be.at.least(5);
      await net.nodes[0].stop();
      net.nodes[0] = await startOracleNode({
        ...testNodeOptions(),
        signer: net.wallets[0],
        deployment: net.exp,
        transport: net.hub.endpoint(net.wallets[0].address),
        feeds: ["CPU"],
        logger: net.logs.logger(),
        stateFile: file,
      });
      expect(net.nodes[0].status()[0].historyLength).to.be.at.least(before); // nothing rescanned or lost
      const saved = JSON.parse(fs.readFileSync(file, "utf8")) as {
        feeds: Record<string, { cursor: number }>;
      };
      expect(Object.values(saved.feeds)[0].cursor).to.equal(await ethers.provider.getBlockNumber());
    });
  });
});
