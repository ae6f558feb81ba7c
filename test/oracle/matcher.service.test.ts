import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import hre, { ethers, network } from "hardhat";
import { mine, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import {
  JsonRpcApiProvider,
  Network,
  ZeroHash,
  type JsonRpcError,
  type JsonRpcPayload,
  type JsonRpcResult,
  type Signer,
} from "ethers";
import { MATCHER_INDEX, matcherFixture } from "../fixtures/matcher";
import { loadDeployedFixture } from "../fixtures/core";
import { expectRejection } from "../helpers/expect";
import { buildDeploymentExport } from "../../scripts/lib/export";
import { connectContracts, type CloudAIContracts, type DeploymentExport } from "../../sdk/deployment";
import { hardhatTestWallet } from "../../sdk/devAccounts";
import { DirOfferBoard, type OfferBoard, type SignedOffer } from "../../sdk/offers";
import { silentLogger, StateFileError } from "../../sdk/service";
import { signOffer, type Offer } from "../../sdk/signing";
import { solveGreedy, type MatchBook } from "../../oracle/matcher";
import type { BatchHooks } from "../../oracle/matcher/batches";
import { initialState } from "../../oracle/matcher/state";
import { startMatcher, type MatcherHandle, type MatcherOptions } from "../../oracle/matcher/service";

const E18 = 10n ** 18n;
const CPU = 0;
const OPTIMISTIC = 0;
const FAST_RETRY = { attempts: 5, baseDelayMs: 1, maxDelayMs: 4 };

/** An offer board that lists whatever was put on it, unchecked (an untrusted remote board). */
class RawBoard implements OfferBoard {
  readonly entries: SignedOffer[] = [];
  async publish(signed: SignedOffer): Promise<void> {
    this.entries.push(signed);
  }
  async list(): Promise<SignedOffer[]> {
    return [...this.entries];
  }
  async withdraw(): Promise<void> {}
}

/**
 * A JSON-RPC provider over the in-process chain whose transport fails the first `perMethod` requests of every
 * method (eth_call, eth_getLogs, eth_estimateGas, eth_sendRawTransaction, …) with a connection reset.
 */
class FlakyProvider extends JsonRpcApiProvider {
  injected = 0;
  private readonly failed = new Map<string, number>();
  constructor(private readonly perMethod: number) {
    // cacheTimeout -1: ethers would otherwise hand a retry the same rejected request for 250 ms.
    super(Network.from(31337), {
      staticNetwork: Network.from(31337),
      batchMaxCount: 1,
      pollingInterval: 20,
      cacheTimeout: -1,
    });
  }
  override async _send(
    payload: JsonRpcPayload | JsonRpcPayload[],
  ): Promise<(JsonRpcResult | JsonRpcError)[]> {
    const out: (JsonRpcResult | JsonRpcError)[] = [];
    for (const p of Array.isArray(payload) ? payload : [payload]) {
      const n = this.failed.get(p.method) ?? 0;
      if (n < this.perMethod) {
        this.failed.set(p.method, n + 1);
        this.injected++;
        throw Object.assign(new Error(`connection reset (${p.method})`), { code: "ECONNRESET" });
      }
      try {
        out.push({ id: p.id, result: await network.provider.send(p.method, p.params as unknown[]) });
      } catch (err) {
        const e = err as { code?: number; message: string; data?: unknown };
        out.push({ id: p.id, error: { code: e.code ?? -32603, message: e.message, data: e.data } });
      }
    }
    return out;
  }
  /** Methods that failed at least once. */
  methods(): string[] {
    return [...this.failed.keys()].sort();
  }
}

describe("oracle/matcher service", function () {
  this.timeout(600_000);
  let exp: DeploymentExport;
  let c: CloudAIContracts;
  let marketAddress: string;
  let requester: HardhatEthersSigner;
  let p1: HardhatEthersSigner;
  let p2: HardhatEthersSigner;
  let p3: HardhatEthersSigner;
  let matcher: HardhatEthersSigner;
  let dir: string;
  let board: DirOfferBoard;
  let nonce = 0;
  const handles: MatcherHandle[] = [];

  beforeEach(async function () {
    await loadDeployedFixture(matcherFixture);
    await mine();
    const signers = await ethers.getSigners();
    [, requester, p1, p2, p3] = signers;
    matcher = signers[MATCHER_INDEX];
    exp = await buildDeploymentExport(hre);
    c = connectContracts(exp, signers[0]);
    marketAddress = await c.market.getAddress();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "cloudai-matcher-"));
    board = new DirOfferBoard(path.join(dir, "offers"), 31337, marketAddress);
  });

  afterEach(async function () {
    for (const h of handles.splice(0)) await h.stop();
    await network.provider.send("evm_setAutomine", [true]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const start = async (o: Partial<MatcherOptions> = {}): Promise<MatcherHandle> => {
    const h = await startMatcher({
      signer: matcher,
      deployment: exp,
      board,
      stateFile: path.join(dir, "state.json"),
      logger: silentLogger,
      autoStart: false,
      retry: FAST_RETRY,
      ...o,
    });
    handles.push(h);
    return h;
  };

  /** Creates an OPTIMISTIC CPU task of `units` at `maxPrice` (CLAI per unit); returns its id. */
  const createTask = async (units: number, maxPrice: bigint, minReputation = 0): Promise<bigint> => {
    const now = await time.latest();
    await c.market.connect(requester).createTask({
      resourceClass: CPU,
      mode: OPTIMISTIC,
      minReputation,
      units,
      maxPricePerUnit: maxPrice,
      assignDeadline: now + 600,
      completionDeadline: now + 1_800,
      circuitId: ZeroHash,
      inputCommitment: ethers.id("input"),
      inputCid: "bafyinput",
    });
    return c.market.taskCount();
  };

  /** Signs an offer by `p` (`capacity` units at `price`) and returns it without publishing. */
  const makeOffer = async (p: Signer, price: bigint, capacity: number, o: Partial<Offer> = {}) => {
    const offer: Offer = {
      provider: await p.getAddress(),
      resourceClass: CPU,
      pricePerUnit: price,
      capacity,
      expiry: (await time.latest()) + 3_600,
      nonce: ++nonce,
      ...o,
    };
    return { offer, signature: await signOffer(p, 31337, marketAddress, offer) };
  };
  const publish = async (p: Signer, price: bigint, capacity: number, o: Partial<Offer> = {}) => {
    const signed = await makeOffer(p, price, capacity, o);
    await board.publish(signed);
    return signed;
  };

  const providerOf = async (taskId: bigint): Promise<string> => (await c.market.getTask(taskId)).provider;
  const assignedEvents = async (taskId: bigint) =>
    c.market.queryFilter(c.market.filters.TaskAssigned(taskId));
  const skippedEvents = () => c.market.queryFilter(c.market.filters.MatchSkipped());

  describe("# matching", function () {
    it("assigns the optimal pairs, not the greedy ones", async function () {
      // X can use A (cheap) or B; Y can only use A (B is above Y's max). A fits one task. Greedy gives A to
      // X (its best pair) and leaves Y out; the optimum is X→B, Y→A.
      const x = await createTask(10, 2n * E18);
      const y = await createTask(10, (12n * E18) / 10n);
      await publish(p1, E18, 10); // A
      await publish(p2, (15n * E18) / 10n, 10); // B
      const h = await start();
      const report = await h.tick();
      expect(report.solve?.method).to.equal("munkres");
      expect(report.assigned.map(String).sort()).to.deep.equal([x, y].map(String).sort());
      expect(report.skipped).to.deep.equal([]);
      expect(await providerOf(x)).to.equal(p2.address);
      expect(await providerOf(y)).to.equal(p1.address);
      expect((await c.market.getTask(y)).pricePerUnit).to.equal(E18);

      // The same book solved greedily keeps only one pair: the service's result is not greedy's.
      const book: MatchBook = {
        tasks: [
          {
            id: x,
            resourceClass: 0,
            units: 10n,
            maxPricePerUnit: 2n * E18,
            minReputation: 0,
            assignDeadline: 2e9,
          },
          {
            id: y,
            resourceClass: 0,
            units: 10n,
            maxPricePerUnit: (12n * E18) / 10n,
            minReputation: 0,
            assignDeadline: 2e9,
          },
        ],
        offers: [
          {
            provider: p1.address,
            resourceClass: 0,
            pricePerUnit: E18,
            capacity: 10,
            expiry: 2e9,
            nonce: 1n,
            unitBudget: 10n,
          },
          {
            provider: p2.address,
            resourceClass: 0,
            pricePerUnit: (15n * E18) / 10n,
            capacity: 10,
            expiry: 2e9,
            nonce: 1n,
            unitBudget: 10n,
          },
        ],
        providers: [p1, p2].map((p) => ({
          address: p.address,
          active: true,
          freeStake: 1_000n * E18,
          reputation: 5_000,
          successes: 0,
          failures: 0,
          currentLoad: 0,
        })),
        lock: { fixed: 10n * E18, bpsOfValue: 5_000, combine: "max" },
        now: 1,
      };
      expect(solveGreedy(book).assignments).to.have.length(1);
    });

    it("tracks capacity already filled: an exhausted offer is never sent again", async function () {
      const a = await createTask(10, 2n * E18);
      await publish(p1, E18, 15);
      const h = await start();
      expect((await h.tick()).assigned).to.deep.equal([a]);
      const b = await createTask(10, 2n * E18); // 10 units > the 5 left
      const second = await h.tick();
      expect(second.batches).to.deep.equal([]);
      expect((await c.market.getTask(b)).status).to.equal(0n);
      const c3 = await createTask(5, 2n * E18); // fits the 5 left
      expect((await h.tick()).assigned).to.deep.equal([c3]);
      expect(await skippedEvents()).to.have.length(0);
    });

    it("never submits expired offers, offers with bad signatures or cancelled offers", async function () {
      const raw = new RawBoard();
      const ids = [
        await createTask(10, 2n * E18),
        await createTask(10, 2n * E18),
        await createTask(10, 2n * E18),
      ];
      await raw.publish(await makeOffer(p1, E18, 10)); // valid: one task
      await raw.publish(await makeOffer(p2, E18 / 2n, 100, { expiry: (await time.latest()) + 5 })); // expires within the margin
      const forged = await makeOffer(p3, E18 / 2n, 100);
      await raw.publish({
        offer: forged.offer,
        signature: (await makeOffer(requester, E18 / 2n, 100)).signature,
      });
      const cancelled = await makeOffer(p3, E18 / 2n, 100, { nonce: 1_000 });
      await raw.publish(cancelled);
      await c.market.connect(p3).cancelOffer(1_000);
      const report = await (await start({ board: raw })).tick();
      expect(report.offers).to.deep.include({ listed: 4, live: 2 });
      expect(report.offers.rejected).to.deep.include({ badSignature: 1, cancelled: 1 });
      expect(report.assigned).to.have.length(1);
      expect(await providerOf(report.assigned[0])).to.equal(p1.address);
      expect(await skippedEvents()).to.have.length(0);
      const open = await Promise.all(ids.map(async (id) => (await c.market.getTask(id)).status));
      expect(open.filter((s) => s === 0n)).to.have.length(2);
    });
  });

  describe("# robustness", function () {
    it("assigns the rest of a batch whose pairs were invalidated before it landed", async function () {
      const ids: bigint[] = [];
      for (let i = 0; i < 4; i++) ids.push(await createTask(10, 2n * E18));
      await publish(p1, E18, 20); // two tasks
      const o2 = await publish(p2, E18, 10);
      await publish(p3, E18, 10);
      await time.increase(61); // past the match timeout: providers may claim tasks themselves
      let claimed = 0n;
      const hooks: BatchHooks = {
        async beforeBroadcast(batch) {
          expect(batch.pairs).to.have.length(4);
          const mine1 = batch.pairs.find((p) => p.provider === p1.address.toLowerCase());
          claimed = (mine1 as { taskId: bigint }).taskId;
          await c.market.connect(p1).claimTask(claimed); // self-claim race
          await c.market.connect(p2).cancelOffer(o2.offer.nonce); // offer cancelled on chain
          const info = await c.staking.providerInfo(p3.address);
          await c.staking.connect(p3).unbond(info.stake - info.locked); // stake withdrawn
        },
      };
      const report = await (await start({ hooks })).tick();
      expect(report.batches).to.have.length(1);
      expect(report.skipped.map((s) => s.reason).sort()).to.deep.equal([
        "BelowMinStake",
        "OfferCancelled",
        "TaskNotOpen",
      ]);
      expect(report.skipped.find((s) => s.reason === "TaskNotOpen")?.taskId).to.equal(claimed);
      expect(report.assigned).to.have.length(1);
      const kept = report.assigned[0];
      expect(kept).to.not.equal(claimed);
      expect(await providerOf(kept)).to.equal(p1.address);
      expect((await c.market.getTask(claimed)).provider).to.equal(p1.address);
    });

    for (const crash of ["afterBroadcast", "afterPersist"] as const) {
      it(`restarts with an in-flight batch (crash ${crash}) without assigning anything twice`, async function () {
        const ids = [await createTask(10, 2n * E18), await createTask(10, 2n * E18)];
        await publish(p1, E18, 10);
        await publish(p2, E18, 10);
        await network.provider.send("evm_setAutomine", [false]);
        const first = await start({
          hooks: {
            [crash]: () => {
              throw new Error("crash");
            },
          },
        });
        await expectRejection(first.tick(), Error);
        await first.stop();
        handles.splice(handles.indexOf(first), 1);
        const sentBefore = await ethers.provider.getTransactionCount(matcher.address, "pending");

        const second = await start();
        const waiting = await second.tick();
        expect(waiting.idle).to.equal("inflight");
        expect(await ethers.provider.getTransactionCount(matcher.address, "pending")).to.equal(sentBefore);

        await network.provider.send("evm_mine");
        await network.provider.send("evm_setAutomine", [true]);
        const settled = await second.tick();
        expect(settled.inflight.resolved).to.have.length(1);
        const outcome = settled.inflight.resolved[0].outcome;
        expect(outcome).to.equal(crash === "afterPersist" ? "receipt" : "nonce-spent");
        if (outcome === "receipt") {
          expect(settled.inflight.resolved[0].report?.assigned.map(String).sort()).to.deep.equal(
            ids.map(String),
          );
        }
        expect(settled.batches).to.deep.equal([]);
        expect(await second.tick()).to.deep.include({ batches: [] });
        for (const id of ids) expect(await assignedEvents(id)).to.have.length(1);
        expect(await skippedEvents()).to.have.length(0);
        expect(await ethers.provider.getTransactionCount(matcher.address)).to.equal(sentBefore);
      });
    }

    it("restarts after a crash between signing and broadcast (local key) and sends the batch once", async function () {
      const ids = [await createTask(10, 2n * E18), await createTask(10, 2n * E18)];
      await publish(p1, E18, 10);
      await publish(p2, E18, 10);
      const rpc = new FlakyProvider(0);
      const wallet = hardhatTestWallet(MATCHER_INDEX, rpc);
      const sent = await ethers.provider.getTransactionCount(matcher.address);
      const first = await start({
        signer: wallet,
        hooks: {
          afterPersist: () => {
            throw new Error("crash");
          },
        },
      });
      await expectRejection(first.tick(), Error);
      await first.stop();
      handles.splice(handles.indexOf(first), 1);
      const written = JSON.parse(fs.readFileSync(path.join(dir, "state.json"), "utf8")) as {
        inflight: { txHash?: string }[];
      };
      expect(written.inflight).to.have.length(1);
      expect(written.inflight[0].txHash).to.match(/^0x[0-9a-f]{64}$/); // hash known before broadcast
      expect(await ethers.provider.getTransactionCount(matcher.address, "pending")).to.equal(sent);

      const report = await (await start({ signer: wallet })).tick();
      rpc.destroy();
      expect(report.inflight.resolved.map((r) => r.outcome)).to.deep.equal(["dropped"]);
      expect(report.assigned.map(String).sort()).to.deep.equal(ids.map(String));
      for (const id of ids) expect(await assignedEvents(id)).to.have.length(1);
      expect(await ethers.provider.getTransactionCount(matcher.address)).to.equal(sent + 1);
    });

    it("refuses a state file of another deployment, or one ahead of the chain (a reset chain)", async function () {
      const file = path.join(dir, "state.json");
      fs.writeFileSync(file, JSON.stringify({ ...initialState(31337, ethers.ZeroAddress, 0) }));
      const foreign = await expectRejection(start(), StateFileError);
      expect(foreign.message).to.match(/belongs to TaskMarket/);
      fs.writeFileSync(file, JSON.stringify(initialState(31337, marketAddress, 10_000_000)));
      const h = await start();
      expect((await expectRejection(h.tick(), StateFileError)).message).to.match(/was the chain reset/);
    });

    it("retries transient RPC failures of every call and gives up with a single attempt", async function () {
      const ids = [await createTask(10, 2n * E18), await createTask(10, 2n * E18)];
      await publish(p1, E18, 10);
      await publish(p2, E18, 10);

      const noRetry = new FlakyProvider(1);
      const failed = await start({
        signer: hardhatTestWallet(MATCHER_INDEX, noRetry),
        retry: { attempts: 1, baseDelayMs: 0, maxDelayMs: 0 },
      }).catch((err: unknown) => err);
      noRetry.destroy();
      expect(failed).to.be.instanceOf(Error);
      expect((failed as Error).message).to.match(/connection reset/);

      const flaky = new FlakyProvider(2);
      // Every method fails twice; a call made of several requests may need a few rounds of them.
      const h = await start({
        signer: hardhatTestWallet(MATCHER_INDEX, flaky),
        retry: { attempts: 12, baseDelayMs: 1, maxDelayMs: 4 },
      });
      const report = await h.tick();
      flaky.destroy();
      expect(flaky.methods()).to.include.members([
        "eth_call",
        "eth_getLogs",
        "eth_estimateGas",
        "eth_sendRawTransaction",
        "eth_getTransactionCount",
      ]);
      expect(report.assigned.map(String).sort()).to.deep.equal(ids.map(String));
      for (const id of ids) expect(await assignedEvents(id)).to.have.length(1);
    });
  });
});
