/**
 * Stateful property suite: fast-check model-based runs (fc.commands + fc.asyncModelRun) against the
 * contracts on the in-process Hardhat network, reverting to one EVM snapshot between runs.
 *
 *   PROPERTY_RUNS=1000  npx hardhat test test/property/Market.property.test.ts   # CI (default 1000)
 *   PROPERTY_RUNS=10000 npx hardhat test test/property/Market.property.test.ts   # long run
 *   PROPERTY_SEED=<n> reproduces a run; PROPERTY_MAX_COMMANDS (default 20) bounds sequence length.
 *
 * Invariants, checked after every command through MarketInvariantLens (one eth_call): CLAI held by the
 * market and by staking equals the sum of their books; Σ stake = totalStaked; rewards claimable ≤ reserve;
 * locked ≤ stake and equal to the locks of the provider's active tasks; reputation ≤ 10_000. Commands also
 * check their own money edges: a rejection refunds the escrow and releases the lock without a slash; a lapsed
 * dispute refunds the escrow and pays the bond to the provider. After each
 * sequence every task is driven out through its permissionless exit after its deadline ("no funds without
 * an exit"): the market must end holding exactly its accrued fees and no stake may stay locked.
 */
import { expect } from "chai";
import fc from "fast-check";
import { ethers, network } from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { MarketInvariantLens } from "../../typechain-types";
import {
  CIRCUIT_OK,
  DAY,
  DUMMY_PROOF,
  E18,
  OPTIMISTIC,
  Status,
  ZK,
  deployMarketSystem,
  makeOffer,
  signOffer,
  type MarketSystem,
} from "../fixtures/market";

const RUNS = Number(process.env.PROPERTY_RUNS ?? 1000);
const MAX_COMMANDS = Number(process.env.PROPERTY_MAX_COMMANDS ?? 20);
const SEED = process.env.PROPERTY_SEED ? Number(process.env.PROPERTY_SEED) : undefined;

interface ModelTask {
  id: bigint;
  requester: HardhatEthersSigner;
  mode: number;
  status: bigint;
  provider?: HardhatEthersSigner;
  assignDeadline: number;
  completionDeadline: number;
  timer: number;
}

interface Model {
  now: number;
  tasks: ModelTask[];
  nonce: number;
}

interface Real {
  sys: MarketSystem;
  lens: MarketInvariantLens;
  providerAddrs: string[];
}

type Cmd = fc.AsyncCommand<Model, Real, false>;

async function latest(): Promise<number> {
  return Number((await ethers.provider.getBlock("latest"))!.timestamp);
}

async function syncTask(r: Real, t: ModelTask) {
  const onChain = await r.sys.market.getTask(t.id);
  expect(onChain.status, `task ${t.id} status`).to.equal(t.status);
  t.timer = Number(onChain.timer);
}

async function checkInvariants(r: Real) {
  const { market, staking, reputation, token } = r.sys;
  const code = await r.lens.check(market, staking, reputation, token, r.providerAddrs);
  expect(code, "invariant broken (see MarketInvariantLens)").to.equal(0n);
}

/** How many times each command ran (printed at the end, to show the suite exercises every edge). */
const executed = new Map<string, number>();

const pick = <T>(xs: T[], i: number) => xs[i % xs.length];

abstract class Base implements Cmd {
  abstract check(m: Readonly<Model>): boolean;
  abstract act(m: Model, r: Real): Promise<void>;
  abstract toString(): string;
  async run(m: Model, r: Real) {
    const name = this.constructor.name;
    executed.set(name, (executed.get(name) ?? 0) + 1);
    await this.act(m, r);
    m.now = await latest();
    await checkInvariants(r);
  }
}

abstract class TaskCmd extends Base {
  constructor(readonly idx: number) {
    super();
  }
  /** Whether task `t` is in a state where this command must succeed. */
  abstract ok(t: ModelTask, m: Readonly<Model>): boolean;
  /** The idx-th task (cyclically) among those the command applies to. */
  task(m: Readonly<Model>): ModelTask | undefined {
    const eligible = (m.tasks as ModelTask[]).filter((t) => this.ok(t, m));
    return eligible.length ? pick(eligible, this.idx) : undefined;
  }
  check(m: Readonly<Model>) {
    return this.task(m) !== undefined;
  }
}

class CreateTask extends Base {
  constructor(
    readonly who: number,
    readonly units: number,
    readonly price: bigint,
    readonly zk: boolean,
  ) {
    super();
  }
  check() {
    return true;
  }
  async act(m: Model, r: Real) {
    const requester = pick([r.sys.requester, r.sys.requester2], this.who);
    const now = await latest();
    const params = {
      resourceClass: 0,
      mode: this.zk ? ZK : OPTIMISTIC,
      minReputation: 0,
      units: this.units,
      maxPricePerUnit: this.price,
      assignDeadline: now + 3_600,
      completionDeadline: now + 2 * DAY,
      circuitId: this.zk ? CIRCUIT_OK : ethers.ZeroHash,
      inputCommitment: ethers.toBeHex(42n, 32),
      inputCid: "cid",
    };
    await r.sys.market.connect(requester).createTask(params);
    const t: ModelTask = {
      id: await r.sys.market.taskCount(),
      requester,
      mode: params.mode,
      status: Status.Open,
      assignDeadline: params.assignDeadline,
      completionDeadline: params.completionDeadline,
      timer: 0,
    };
    m.tasks.push(t);
    await syncTask(r, t);
  }
  toString() {
    return `create(${this.who},${this.units},${this.price},${this.zk ? "zk" : "opt"})`;
  }
}

class Assign extends TaskCmd {
  constructor(
    idx: number,
    readonly p: number,
    readonly priceBps: number,
  ) {
    super(idx);
  }
  ok(t: ModelTask, m: Readonly<Model>) {
    return t.status === Status.Open && m.now + 1 <= t.assignDeadline;
  }
  async act(m: Model, r: Real) {
    const t = this.task(m)!;
    const provider = pick(r.sys.providers, this.p);
    const onChain = await r.sys.market.getTask(t.id);
    const price = (onChain.maxPricePerUnit * BigInt(this.priceBps)) / 10_000n;
    const offer = await makeOffer(provider, { pricePerUnit: price, nonce: ++m.nonce, capacity: 1_000_000 });
    const signature = await signOffer(r.sys.market, provider, offer);
    const rc = await (
      await r.sys.market.connect(r.sys.matcher).assignBatch([{ taskId: t.id, offer, signature }])
    ).wait();
    const skipped = rc!.logs
      .map((l) => r.sys.market.interface.parseLog(l))
      .find((e) => e?.name === "MatchSkipped");
    if (skipped) {
      // Only eligibility reasons that depend on on-chain stake/jail/reputation may skip here.
      expect([10n, 12n, 14n, 15n]).to.include(skipped.args.reason as bigint);
    } else {
      t.status = Status.Assigned;
      t.provider = provider;
    }
    await syncTask(r, t);
  }
  toString() {
    return `assign(${this.idx},${this.p},${this.priceBps})`;
  }
}

class Claim extends TaskCmd {
  constructor(
    idx: number,
    readonly p: number,
  ) {
    super(idx);
  }
  ok(t: ModelTask, m: Readonly<Model>) {
    return t.status === Status.Open && m.now + 1 >= t.timer && m.now + 1 <= t.assignDeadline;
  }
  async act(m: Model, r: Real) {
    const t = this.task(m)!;
    const provider = pick(r.sys.providers, this.p);
    try {
      await r.sys.market.connect(provider).claimTask(t.id);
      t.status = Status.Assigned;
      t.provider = provider;
    } catch (e) {
      expect(String(e)).to.contain("TaskMarket__ProviderIneligible");
    }
    await syncTask(r, t);
  }
  toString() {
    return `claim(${this.idx},${this.p})`;
  }
}

class Submit extends TaskCmd {
  ok(t: ModelTask, m: Readonly<Model>) {
    return t.status === Status.Assigned && m.now + 1 <= t.completionDeadline;
  }
  async act(m: Model, r: Real) {
    const t = this.task(m)!;
    if (t.mode === ZK) {
      await r.sys.market.connect(t.provider!).submitProof(t.id, ethers.toBeHex(7n, 32), "out", DUMMY_PROOF);
      t.status = Status.Completed;
    } else {
      await r.sys.market.connect(t.provider!).submitResult(t.id, ethers.id("out"), "out");
      t.status = Status.Submitted;
    }
    await syncTask(r, t);
  }
  toString() {
    return `submit(${this.idx})`;
  }
}

class Finalize extends TaskCmd {
  ok(t: ModelTask, m: Readonly<Model>) {
    return t.status === Status.Submitted && m.now + 1 > t.timer;
  }
  async act(m: Model, r: Real) {
    const t = this.task(m)!;
    await r.sys.market.connect(r.sys.outsider).finalizeTask(t.id);
    t.status = Status.Completed;
    await syncTask(r, t);
  }
  toString() {
    return `finalize(${this.idx})`;
  }
}

class Dispute extends TaskCmd {
  ok(t: ModelTask, m: Readonly<Model>) {
    return t.status === Status.Submitted && m.now + 1 <= t.timer;
  }
  async act(m: Model, r: Real) {
    const t = this.task(m)!;
    await r.sys.market.connect(t.requester).disputeTask(t.id);
    t.status = Status.Disputed;
    await syncTask(r, t);
  }
  toString() {
    return `dispute(${this.idx})`;
  }
}

class Reject extends TaskCmd {
  ok(t: ModelTask, m: Readonly<Model>) {
    return t.status === Status.Assigned && m.now + 1 <= t.timer;
  }
  async act(m: Model, r: Real) {
    const t = this.task(m)!;
    const { market, staking, token } = r.sys;
    const onChain = await market.getTask(t.id);
    const escrow = onChain.units * onChain.pricePerUnit;
    const before = await staking.providerInfo(t.provider!.address);
    const requesterBefore = await token.balanceOf(t.requester.address);
    await market.connect(t.provider!).rejectTask(t.id);
    t.status = Status.Rejected;
    const after = await staking.providerInfo(t.provider!.address);
    expect(after.stake, "reject must not slash").to.equal(before.stake);
    expect(before.locked - after.locked, "reject releases the task's lock").to.equal(onChain.lockedStake);
    expect((await token.balanceOf(t.requester.address)) - requesterBefore, "reject refunds").to.equal(escrow);
    await syncTask(r, t);
  }
  toString() {
    return `reject(${this.idx})`;
  }
}

class Resolve extends TaskCmd {
  constructor(
    idx: number,
    readonly fault: boolean,
  ) {
    super(idx);
  }
  ok(t: ModelTask, m: Readonly<Model>) {
    return t.status === Status.Disputed && m.now + 1 <= t.timer;
  }
  async act(m: Model, r: Real) {
    const t = this.task(m)!;
    await r.sys.market.connect(r.sys.admin).resolveDispute(t.id, this.fault);
    t.status = this.fault ? Status.Failed : Status.Completed;
    await syncTask(r, t);
  }
  toString() {
    return `resolve(${this.idx},${this.fault})`;
  }
}

/** Lapses a disputed task and checks the H1 rule: escrow back to the requester, bond to the provider, no slash. */
async function lapseChecked(r: Real, t: ModelTask) {
  const { market, staking, token } = r.sys;
  const onChain = await market.getTask(t.id);
  const escrow = onChain.units * onChain.pricePerUnit;
  const bond = (await market.heldFor(t.id)) - escrow;
  expect(bond, "bond held while disputed").to.equal(r.sys.marketConfig.disputeBond);
  const stakeBefore = (await staking.providerInfo(onChain.provider)).stake;
  const providerBefore = await token.balanceOf(onChain.provider);
  const requesterBefore = await token.balanceOf(t.requester.address);
  await market.connect(r.sys.outsider).lapseDispute(t.id);
  t.status = Status.Annulled;
  expect((await token.balanceOf(onChain.provider)) - providerBefore, "lapse: bond to provider").to.equal(
    bond,
  );
  expect((await token.balanceOf(t.requester.address)) - requesterBefore, "lapse: escrow back").to.equal(
    escrow,
  );
  expect((await staking.providerInfo(onChain.provider)).stake, "lapse must not slash").to.equal(stakeBefore);
}

class Lapse extends TaskCmd {
  ok(t: ModelTask, m: Readonly<Model>) {
    return t.status === Status.Disputed && m.now + 1 > t.timer;
  }
  async act(m: Model, r: Real) {
    const t = this.task(m)!;
    await lapseChecked(r, t);
    await syncTask(r, t);
  }
  toString() {
    return `lapse(${this.idx})`;
  }
}

class Fail extends TaskCmd {
  constructor(
    idx: number,
    readonly byProvider: boolean,
  ) {
    super(idx);
  }
  ok(t: ModelTask, m: Readonly<Model>) {
    // Others must wait for the completion deadline and the provider's reject window (`timer`).
    return (
      t.status === Status.Assigned && (this.byProvider || m.now + 1 > Math.max(t.completionDeadline, t.timer))
    );
  }
  async act(m: Model, r: Real) {
    const t = this.task(m)!;
    await r.sys.market.connect(this.byProvider ? t.provider! : r.sys.outsider).failTask(t.id);
    t.status = Status.Failed;
    await syncTask(r, t);
  }
  toString() {
    return `fail(${this.idx},${this.byProvider ? "provider" : "anyone"})`;
  }
}

class Expire extends TaskCmd {
  ok(t: ModelTask, m: Readonly<Model>) {
    return t.status === Status.Open && m.now + 1 > t.assignDeadline;
  }
  async act(m: Model, r: Real) {
    const t = this.task(m)!;
    await r.sys.market.connect(r.sys.outsider).expireTask(t.id);
    t.status = Status.Expired;
    await syncTask(r, t);
  }
  toString() {
    return `expire(${this.idx})`;
  }
}

class Cancel extends TaskCmd {
  ok(t: ModelTask, m: Readonly<Model>) {
    return t.status === Status.Open;
  }
  async act(m: Model, r: Real) {
    const t = this.task(m)!;
    await r.sys.market.connect(t.requester).cancelTask(t.id);
    t.status = Status.Cancelled;
    await syncTask(r, t);
  }
  toString() {
    return `cancel(${this.idx})`;
  }
}

class Stake extends Base {
  constructor(
    readonly p: number,
    readonly amount: bigint,
  ) {
    super();
  }
  check() {
    return true;
  }
  async act(_m: Model, r: Real) {
    await r.sys.staking.connect(pick(r.sys.providers, this.p)).stake(this.amount);
  }
  toString() {
    return `stake(${this.p},${this.amount})`;
  }
}

class Unbond extends Base {
  constructor(
    readonly p: number,
    readonly bps: number,
  ) {
    super();
  }
  check() {
    return true;
  }
  async act(_m: Model, r: Real) {
    const provider = pick(r.sys.providers, this.p);
    const free = await r.sys.staking.freeStake(provider.address);
    const amount = (free * BigInt(this.bps)) / 10_000n;
    if (amount > 0n) await r.sys.staking.connect(provider).unbond(amount);
  }
  toString() {
    return `unbond(${this.p},${this.bps})`;
  }
}

class Withdraw extends Base {
  constructor(readonly p: number) {
    super();
  }
  check() {
    return true;
  }
  async act(m: Model, r: Real) {
    const provider = pick(r.sys.providers, this.p);
    const info = await r.sys.staking.providerInfo(provider.address);
    if (info.unbonding > 0n && BigInt(m.now + 1) >= info.unbondReadyAt) {
      await r.sys.staking.connect(provider).withdraw();
    }
  }
  toString() {
    return `withdraw(${this.p})`;
  }
}

class ClaimRewards extends Base {
  constructor(readonly p: number) {
    super();
  }
  check() {
    return true;
  }
  async act(_m: Model, r: Real) {
    const provider = pick(r.sys.providers, this.p);
    if ((await r.sys.staking.pendingRewards(provider.address)) > 0n)
      await r.sys.staking.connect(provider).claimRewards();
  }
  toString() {
    return `claimRewards(${this.p})`;
  }
}

class DistributeFees extends Base {
  check() {
    return true;
  }
  async act(_m: Model, r: Real) {
    if ((await r.sys.market.accruedFees()) > 0n) await r.sys.market.distributeFees();
  }
  toString() {
    return "distributeFees";
  }
}

class Warp extends Base {
  constructor(readonly seconds: number) {
    super();
  }
  check() {
    return true;
  }
  async act() {
    await network.provider.send("evm_increaseTime", [this.seconds]);
    await network.provider.send("evm_mine", []);
  }
  toString() {
    return `warp(${this.seconds})`;
  }
}

/** Drives every task out through its permissionless exit, then checks nothing stays in escrow or locked. */
async function drainAndCheck(m: Model, r: Real) {
  await network.provider.send("evm_increaseTime", [40 * DAY]);
  await network.provider.send("evm_mine", []);
  const { market, outsider } = { market: r.sys.market, outsider: r.sys.outsider };
  for (const t of m.tasks) {
    const s = (await market.getTask(t.id)).status;
    if (s === Status.Open) await market.connect(outsider).expireTask(t.id);
    else if (s === Status.Assigned) await market.connect(outsider).failTask(t.id);
    else if (s === Status.Submitted) await market.connect(outsider).finalizeTask(t.id);
    else if (s === Status.Disputed) await lapseChecked(r, t);
  }
  await checkInvariants(r);
  const { token, staking } = r.sys;
  expect(await token.balanceOf(await market.getAddress())).to.equal(await market.accruedFees());
  for (const a of r.providerAddrs) expect((await staking.providerInfo(a)).locked).to.equal(0n);
}

describe("TaskMarket · stateful properties", function () {
  this.timeout(0);

  it(`keeps the books, exits and bounds over ${RUNS} random sequences`, async function () {
    const sys = await deployMarketSystem();
    const lens = (await (
      await ethers.getContractFactory("MarketInvariantLens")
    ).deploy()) as unknown as MarketInvariantLens;
    const real: Real = { sys, lens, providerAddrs: sys.providers.map((p) => p.address) };
    let snapshot: string = await network.provider.send("evm_snapshot", []);

    const idx = fc.nat({ max: 7 });
    const who = fc.nat({ max: 2 });
    const create = fc
      .tuple(
        fc.nat({ max: 1 }),
        fc.integer({ min: 1, max: 100 }),
        fc.bigInt({ min: 1n, max: 5n * E18 }),
        fc.boolean(),
      )
      .map(([w, u, p, zk]) => new CreateTask(w, u, p, zk));
    const w = <T>(weight: number, arbitrary: fc.Arbitrary<T>) => ({ weight, arbitrary });
    // Weighted so that sequences reach deep task states (submitted, disputed, resolved) often.
    const command: fc.Arbitrary<Cmd> = fc.oneof(
      w(2, create),
      w(
        6,
        fc.tuple(idx, who, fc.integer({ min: 1, max: 10_000 })).map(([i, p, b]) => new Assign(i, p, b)),
      ),
      w(
        2,
        fc.tuple(idx, who).map(([i, p]) => new Claim(i, p)),
      ),
      w(
        5,
        idx.map((i) => new Submit(i)),
      ),
      w(
        3,
        idx.map((i) => new Finalize(i)),
      ),
      w(
        3,
        idx.map((i) => new Dispute(i)),
      ),
      w(
        3,
        fc.tuple(idx, fc.boolean()).map(([i, f]) => new Resolve(i, f)),
      ),
      w(
        2,
        idx.map((i) => new Lapse(i)),
      ),
      w(
        2,
        fc.tuple(idx, fc.boolean()).map(([i, b]) => new Fail(i, b)),
      ),
      w(
        2,
        idx.map((i) => new Reject(i)),
      ),
      w(
        2,
        idx.map((i) => new Expire(i)),
      ),
      w(
        1,
        idx.map((i) => new Cancel(i)),
      ),
      w(
        1,
        fc.tuple(who, fc.bigInt({ min: 1n, max: 500n * E18 })).map(([p, a]) => new Stake(p, a)),
      ),
      w(
        1,
        fc.tuple(who, fc.integer({ min: 1, max: 10_000 })).map(([p, b]) => new Unbond(p, b)),
      ),
      w(
        1,
        who.map((p) => new Withdraw(p)),
      ),
      w(
        1,
        who.map((p) => new ClaimRewards(p)),
      ),
      w(1, fc.constant(new DistributeFees())),
      w(
        3,
        fc.constantFrom(60, 700, 700, 1_800, 3_601, DAY + 1, 2 * DAY + 1, 8 * DAY).map((s) => new Warp(s)),
      ),
    );
    // fc.commands keeps sequences short; an explicit length range makes every run exercise the lifecycle.
    const sequence = fc.array(command, { minLength: Math.min(10, MAX_COMMANDS), maxLength: MAX_COMMANDS });

    const started = Date.now();
    await fc.assert(
      fc.asyncProperty(
        fc.array(create, { minLength: 1, maxLength: 3 }),
        sequence,
        async (seedTasks, cmds) => {
          await network.provider.send("evm_revert", [snapshot]);
          snapshot = await network.provider.send("evm_snapshot", []);
          const model: Model = { now: await latest(), tasks: [], nonce: 0 };
          for (const c of seedTasks) await c.run(model, real);
          await fc.asyncModelRun(() => ({ model, real }), cmds);
          await drainAndCheck(model, real);
        },
      ),
      { numRuns: RUNS, seed: SEED, verbose: 1 },
    );
    console.log(`      executed: ${[...executed].map(([k, v]) => `${k}=${v}`).join(" ")}`);
    console.log(
      `      ${RUNS} sequences (≤ ${MAX_COMMANDS} commands) in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  });
});
