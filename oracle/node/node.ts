/**
 * The oracle node: observes demand (TaskCreated events per class) and supply (Staking + open offers),
 * forecasts, runs the price controller, and takes part in the round protocol of every feed it signs for
 * (see oracle/README.md, "Round protocol"). `startOracleNode` returns a {@link ServiceHandle} that ticks on
 * a timer (or only when `tick()` is called, with `pollIntervalMs: 0`).
 */
import {
  Signature,
  dataSlice,
  getAddress,
  getBytes,
  toBeHex,
  zeroPadValue,
  type BaseWallet,
  type Provider,
} from "ethers";
import { TaskMarket__factory, type PriceFeed } from "../../typechain-types";
import { ResourceDemandForecasts, loadAugursMstl } from "../forecast";
import {
  checkControllerParams,
  ControllerParamsError,
  isStale,
  nextPrice,
  publishDecision,
  type ControllerOutput,
  type ControllerParams,
} from "../controller";
import { connectContracts, type CloudAIContracts } from "../../sdk/deployment";
import { JsonStateFile, type Logger, type ServiceHandle } from "../../sdk/service";
import {
  assembleReport,
  encodeReport,
  reportDigest,
  signReportDigest,
  type SignedReport,
} from "../../sdk/signing";
import {
  BlockClock,
  blockRanges,
  readFeedConfig,
  readLatestRound,
  rpc,
  transmitReport,
  type FeedConfig,
  type LatestRound,
  type RpcContext,
  type TransmitOutcome,
} from "./chain";
import {
  DemandSeries,
  FallbackForecaster,
  defaultDemandModel,
  horizonDemand,
  type DemandSeriesState,
} from "./demand";
import { OracleConfigError, OracleProtocolError } from "./errors";
import { resolveOptions, type OracleNodeOptions, type ResolvedOptions } from "./options";
import {
  checkObservations,
  fromWire,
  leaderIndex,
  leaderOf,
  open,
  recoverDigestSigner,
  recoverObserver,
  reportMedian,
  seal,
  signObservation,
  toWire,
  type Envelope,
  type OracleRequest,
  type OracleResponse,
  type SignedObservation,
} from "./protocol";
import { ProviderDirectory, readSupply } from "./supply";

/** What a node observed for a feed, with the inputs that produced it. */
export interface ObservationRecord {
  /** The observation (CLAI wei per unit). */
  value: bigint;
  /** Forecast units over the horizon. */
  demand: number;
  /** Units offered over the horizon. */
  supply: number;
  /** Providers counted in `supply`. */
  providers: number;
  controller: ControllerOutput;
  currentPrice?: bigint;
  /** The demand model used by the latest fit. */
  model?: string;
  /** Closed demand bins known. */
  historyLength: number;
  /** Units in the latest closed bin. */
  lastBinUnits?: number;
  headBlock: number;
  /** Unix seconds (chain time, or wall clock when the chain is behind). */
  at: number;
}

/** Result of a round this node led. */
export type RoundOutcome =
  | { kind: "not-due"; epochAndRound: number; median: bigint }
  | { kind: "insufficient-observations"; epochAndRound: number; got: number; need: number }
  | { kind: "insufficient-signatures"; epochAndRound: number; got: number; need: number }
  | { kind: "median-out-of-bounds"; epochAndRound: number; median: bigint }
  | ({
      epochAndRound: number;
      median: bigint;
      observations: number;
      /** Why the round was due: first round, deviation or heartbeat. */
      reason: string;
      report: SignedReport;
    } & TransmitOutcome);

/** One feed's part of a tick. */
export interface FeedTickReport {
  feed: string;
  observation?: ObservationRecord;
  /** The node's own observation calls for a report (deviation, heartbeat or no round yet). */
  due: boolean;
  /** The round this node considered and its leader (when due). */
  epochAndRound?: number;
  leader?: string;
  /** The round this node led, if it was the leader. */
  led?: RoundOutcome;
  /** A report signed in a round another node led, transmitted by this node because that leader did not. */
  followerTransmit?: TransmitOutcome;
  stale: boolean;
  /** Set when the tick failed for this feed (after retries). */
  error?: string;
}

export interface FeedStatus {
  feed: string;
  address: string;
  resourceClass: number;
  config: FeedConfig;
  latest?: LatestRound;
  /** Seconds since the latest round (undefined before the first). */
  ageSec?: number;
  stale: boolean;
  historyLength: number;
  lastObservation?: ObservationRecord;
  lastRound?: RoundOutcome;
  /** Epoch-and-round of a fully signed report held for transmission, if any. */
  pendingReport?: number;
}

export interface OracleNodeHandle extends ServiceHandle {
  /** The node's signer address. */
  readonly address: string;
  /** One pass over every served feed (serialised with the timer's ticks). */
  tick(): Promise<FeedTickReport[]>;
  status(): FeedStatus[];
}

/** Persisted between restarts (see `stateFile`). */
interface OracleState {
  version: 1;
  chainId: number;
  market: string;
  providersCursor: number;
  providers: string[];
  feeds: Record<string, { cursor: number; series: DemandSeriesState; history: number[] }>;
}

/** Runs async sections one at a time. */
class Mutex {
  private tail: Promise<unknown> = Promise.resolve();
  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(fn, fn);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

/** Resolves with the first `n` fulfilled values (or all fulfilled ones once every promise settled). */
function firstN<T>(promises: readonly Promise<T>[], n: number): Promise<T[]> {
  return new Promise((resolve) => {
    const ok: T[] = [];
    let settled = 0;
    if (n <= 0 || promises.length === 0) return resolve(ok);
    for (const p of promises) {
      p.then(
        (v) => void ok.push(v),
        () => undefined,
      ).finally(() => {
        settled++;
        if (ok.length >= n || settled === promises.length) resolve(ok.slice(0, n));
      });
    }
  });
}

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** topic0 of `TaskCreated(uint256,address,uint8,uint256,(uint8,uint8,uint16,uint32,uint96,uint32,uint32,bytes32,bytes32,string))`. */
const TASK_CREATED_TOPIC = TaskMarket__factory.createInterface().getEvent("TaskCreated").topicHash;

/**
 * `params.units` of a TaskCreated log, read from its data without decoding the whole event (the oracle
 * reads every task of its class). The data is `abi.encode(uint256 maxPricePerUnit, TaskParams params)`;
 * TaskParams holds a string, so word 1 is the tuple's offset and `units` is the tuple's fourth word. The
 * layout is fixed by the event signature, which the topic filter pins.
 */
export function taskCreatedUnits(data: string): number {
  const tuple = Number(BigInt(dataSlice(data, 32, 64)));
  return Number(BigInt(dataSlice(data, tuple + 3 * 32, tuple + 4 * 32)));
}

/** Refusals that happen in normal operation (a lagging view, a round not worth publishing). */
const BENIGN_REFUSALS = new Set(["stale-round", "not-due", "config-mismatch", "round-too-far"]);

/** Everything the feed workers of one node share. */
interface NodeContext {
  opts: ResolvedOptions;
  rpc: RpcContext;
  wallet: BaseWallet;
  provider: Provider;
  address: string;
  contracts: CloudAIContracts;
  marketAddress: string;
  clock: BlockClock;
  providers: ProviderDirectory;
  providerLock: Mutex;
  txLock: Mutex;
  forecasts: ResourceDemandForecasts;
  ask(peer: string, envelope: Envelope): Promise<OracleResponse>;
  persist(): void;
}

class FeedWorker {
  readonly log: Logger;
  config!: FeedConfig;
  latest: LatestRound | undefined;
  head = { number: -1, timestamp: 0 };
  /** max(wall clock, head timestamp) at the latest sync, unix seconds. */
  now = 0;
  stale = false;
  lastObservation: ObservationRecord | undefined;
  lastRound: RoundOutcome | undefined;
  private readonly syncLock = new Mutex();
  /** Observations this node gave per epoch-and-round, for the current config. */
  private readonly given = new Map<number, bigint>();
  private pending: { signed: SignedReport; receivedAt: number; delaySec: number } | undefined;
  private due: { latestEpochAndRound: number; configDigest: string; since: number } | undefined;
  private staleLoggedAt: number | undefined;
  private observationCache: { key: string; record: ObservationRecord } | undefined;

  constructor(
    private readonly node: NodeContext,
    readonly name: string,
    readonly resourceClass: number,
    readonly feed: PriceFeed,
    readonly address: string,
    private series: DemandSeries,
    /** Last block scanned for TaskCreated events. */
    public cursor: number,
  ) {
    this.log = node.opts.logger.child({ feed: name });
  }

  get historyLength(): number {
    return this.node.forecasts.classes.includes(this.name)
      ? this.node.forecasts.forecaster(this.name).history.length
      : 0;
  }

  stateEntry(): OracleState["feeds"][string] {
    const history = this.node.forecasts.classes.includes(this.name)
      ? [...this.node.forecasts.forecaster(this.name).history]
      : [];
    return { cursor: this.cursor, series: this.series.toState(), history };
  }

  /** The controller's parameters: the node's pricing options within the feed's on-chain bounds. */
  controllerParams(): ControllerParams {
    const o = { ...this.node.opts.pricing, ...this.node.opts.pricingByFeed[this.name] };
    const { minAnswer, maxAnswer } = this.config;
    const minPrice = o.minPrice !== undefined && o.minPrice > minAnswer ? o.minPrice : minAnswer;
    const maxPrice = o.maxPrice !== undefined && o.maxPrice < maxAnswer ? o.maxPrice : maxAnswer;
    return checkControllerParams({
      basePrice: o.basePrice,
      targetUtilisation: o.targetUtilisation,
      slopeLow: o.slopeLow,
      slopeHigh: o.slopeHigh,
      maxUtilisation: o.maxUtilisation,
      maxStepBps: o.maxStepBps,
      minPrice,
      maxPrice,
    });
  }

  /** Brings the chain view up to the head: demand events, closed bins, config, latest round. */
  sync(): Promise<void> {
    return this.syncLock.run(async () => {
      const { opts, provider, clock } = this.node;
      const block = await rpc(this.node.rpc, "getBlock latest", () => provider.getBlock("latest"));
      if (!block) throw new Error("no latest block");
      const wall = Math.floor(Date.now() / 1000);
      this.now = Math.max(wall, block.timestamp);
      if (block.number === this.head.number) {
        // an idle chain: no new events, but bins still close by the wall clock
        this.closeBins(block.timestamp, wall);
        return;
      }
      if (block.number < this.cursor) {
        this.log.warn("chain head is behind the scanned blocks (chain reset?): rescanning demand", {
          head: block.number,
          cursor: this.cursor,
        });
        this.cursor = -1;
        this.series = new DemandSeries(opts.intervalSec, block.timestamp);
      }
      const filter = {
        address: this.node.marketAddress,
        topics: [TASK_CREATED_TOPIC, null, null, zeroPadValue(toBeHex(this.resourceClass), 32)],
      };
      for (const [from, to] of blockRanges(this.cursor + 1, block.number, opts.maxBlockRange)) {
        const logs = await rpc(this.node.rpc, "TaskCreated logs", () =>
          provider.getLogs({ ...filter, fromBlock: from, toBlock: to }),
        );
        const times = await clock.binTimes(
          logs.map((l) => l.blockNumber),
          opts.intervalSec,
        );
        for (const l of logs) this.series.add(times.get(l.blockNumber) as number, taskCreatedUnits(l.data));
        this.cursor = to;
      }
      clock.prune(this.cursor);
      this.closeBins(block.timestamp, wall);
      const previous = this.config;
      this.config = await readFeedConfig(this.node.rpc, this.feed, previous);
      if (previous && previous.configDigest !== this.config.configDigest) {
        this.log.info("feed config changed", {
          configCount: this.config.configCount,
          signers: this.config.signers.length,
          f: this.config.f,
        });
        this.given.clear();
        this.pending = undefined;
        this.due = undefined;
      }
      this.latest = await readLatestRound(this.node.rpc, this.feed);
      this.head = { number: block.number, timestamp: block.timestamp };
      for (const e of this.given.keys()) if (e <= this.config.latestEpochAndRound) this.given.delete(e);
    });
  }

  /**
   * Hands the bins that ended by the head's timestamp (or the wall clock minus the settle margin) to the
   * forecaster, and persists the state then (cursor and open bins are saved together, so a restart from
   * any saved state rescans exactly the events the saved bins lack).
   */
  private closeBins(headTimestamp: number, wall: number): void {
    const closed = this.series.close(Math.max(headTimestamp, wall - this.node.opts.settleSec));
    if (closed.length === 0) return;
    this.node.forecasts.observe(this.name, closed);
    this.node.persist();
  }

  /** This node's observation at the current head (cached per block). */
  async observation(): Promise<ObservationRecord> {
    await this.sync();
    const cached = this.observationCache;
    const key = `${this.head.number}/${this.config.configCount}/${this.series.nextBin}`;
    if (cached?.key === key) return cached.record;
    const { opts, forecasts } = this.node;
    await this.node.providerLock.run(() => this.node.providers.sync(this.head.number, opts.maxBlockRange));
    const params = this.controllerParams();
    const known = forecasts.classes.includes(this.name);
    const forecast = known ? forecasts.forecast(this.name, opts.horizonIntervals) : [];
    const demand = horizonDemand(forecast);
    const currentPrice = this.latest?.answer;
    const supply = await readSupply({
      ctx: this.node.rpc,
      staking: this.node.contracts.staking,
      market: this.node.contracts.market,
      providers: this.node.providers.providers,
      offers: opts.offers,
      resourceClass: this.resourceClass,
      price: currentPrice ?? params.basePrice,
      now: this.now,
    });
    const controller = nextPrice({ demand, supply: supply.units, currentPrice }, params);
    let value = controller.price;
    if (opts.observe) {
      value = opts.observe({
        feed: this.name,
        resourceClass: this.resourceClass,
        demand,
        supply: supply.units,
        currentPrice,
        controller,
      });
    }
    const model = known ? forecasts.forecaster(this.name).model : undefined;
    const history = known ? forecasts.forecaster(this.name).history : [];
    const record: ObservationRecord = {
      value,
      demand,
      supply: supply.units,
      providers: supply.providers,
      controller,
      currentPrice,
      model: model instanceof FallbackForecaster ? model.active : model?.name,
      historyLength: history.length,
      lastBinUnits: history.length > 0 ? history[history.length - 1] : undefined,
      headBlock: this.head.number,
      at: this.now,
    };
    this.observationCache = { key, record };
    this.lastObservation = record;
    return record;
  }

  async tick(): Promise<FeedTickReport> {
    await this.sync();
    this.checkStale();
    const report: FeedTickReport = { feed: this.name, due: false, stale: this.stale };
    report.followerTransmit = await this.transmitPending();
    if (report.followerTransmit) {
      await this.sync();
      this.checkStale();
      report.stale = this.stale;
    }
    const obs = await this.observation();
    report.observation = obs;
    const decision = publishDecision(obs.value, this.latest, this.now, this.node.opts.publish);
    report.due = decision.publish;
    if (!decision.publish) {
      this.due = undefined;
      return report;
    }
    const { configDigest, latestEpochAndRound, signers } = this.config;
    if (
      !this.due ||
      this.due.latestEpochAndRound !== latestEpochAndRound ||
      this.due.configDigest !== configDigest
    ) {
      this.due = { latestEpochAndRound, configDigest, since: this.now };
    }
    // the leader of L+1 leads at once; each leaderTimeout without a new round hands over to the next one
    const attempt =
      Math.floor((this.now - this.due.since) / this.node.opts.leaderTimeoutSec) % signers.length;
    const e = latestEpochAndRound + 1 + attempt;
    report.epochAndRound = e;
    report.leader = leaderOf(configDigest, e, signers);
    if (getAddress(report.leader) === this.node.address) {
      report.led = await this.lead(e);
      this.lastRound = report.led;
      if (report.led.kind === "transmitted") {
        await this.sync();
        this.checkStale();
        report.stale = this.stale;
      }
    }
    return report;
  }

  private checkStale(): void {
    const { heartbeatSec } = this.node.opts.publish;
    const grace = this.node.opts.staleGraceSec;
    this.stale = isStale(this.latest, this.now, heartbeatSec, grace);
    if (this.stale) {
      if (this.staleLoggedAt === undefined || this.now - this.staleLoggedAt >= heartbeatSec) {
        this.log.warn("feed stale", {
          ageSec: this.latest ? this.now - this.latest.updatedAt : undefined,
          roundId: this.latest?.roundId,
          heartbeatSec,
          graceSec: grace,
          reason: this.latest ? "answer older than heartbeat + grace" : "no round yet",
        });
        this.staleLoggedAt = this.now;
      }
    } else if (this.staleLoggedAt !== undefined) {
      this.log.info("feed fresh again", { roundId: this.latest?.roundId });
      this.staleLoggedAt = undefined;
    }
  }

  /** Leads round `e`: collect observations, check the publish rule on the median, collect f+1 signatures, transmit. */
  private async lead(e: number): Promise<RoundOutcome> {
    const { wallet, address: me, opts } = this.node;
    const { configDigest, signers, f, minAnswer, maxAnswer } = this.config;
    const own = await this.observation();
    const mine = await signObservation(wallet, configDigest, e, own.value);
    this.given.set(e, own.value);
    const peers = signers.map((s) => getAddress(s)).filter((s) => s !== me);
    const observeEnvelope = await seal(wallet, {
      type: "observe",
      feed: this.address,
      configDigest,
      epochAndRound: e,
    });
    const answers = await Promise.allSettled(peers.map((p) => this.node.ask(p, observeEnvelope)));
    const observations: SignedObservation[] = [mine];
    answers.forEach((a, i) => {
      if (a.status === "rejected") {
        this.log.info("peer gave no observation", {
          peer: peers[i],
          epochAndRound: e,
          error: message(a.reason),
        });
        return;
      }
      const r = a.value;
      if (r.type !== "observation" || recoverObserver(r.observation, configDigest, e) !== peers[i]) {
        this.log.warn("peer sent an invalid observation", { peer: peers[i], epochAndRound: e });
        return;
      }
      observations.push({ ...r.observation, observer: peers[i] });
    });
    const need = 2 * f + 1;
    if (observations.length < need) {
      this.log.warn("round failed: too few observations", {
        epochAndRound: e,
        got: observations.length,
        need,
      });
      return { kind: "insufficient-observations", epochAndRound: e, got: observations.length, need };
    }
    const { values } = checkObservations(observations, configDigest, e, signers, f);
    const median = reportMedian(values);
    const decision = publishDecision(median, this.latest, this.now, opts.publish);
    if (!decision.publish) return { kind: "not-due", epochAndRound: e, median };
    const reason = decision.reason ?? "deviation";
    if (median < minAnswer || median > maxAnswer) {
      this.log.error("round failed: median outside the feed's bounds", { epochAndRound: e, median });
      return { kind: "median-out-of-bounds", epochAndRound: e, median };
    }
    const report = encodeReport(values);
    const digest = reportDigest(report, configDigest, e);
    const signatures: Signature[] = [await signReportDigest(wallet, digest)];
    const signEnvelope = await seal(wallet, {
      type: "sign",
      feed: this.address,
      configDigest,
      epochAndRound: e,
      observations,
    });
    const contributors = observations.map((o) => getAddress(o.observer)).filter((a) => a !== me);
    const asked = contributors.map(async (p) => {
      const r = await this.node.ask(p, signEnvelope);
      if (r.type !== "signature" || recoverDigestSigner(digest, r.signature) !== p) {
        throw new OracleProtocolError("bad-signature", `${p} returned an invalid report signature`);
      }
      return Signature.from(r.signature);
    });
    asked.forEach((p, i) =>
      p.catch((err: unknown) =>
        this.log.info("peer did not sign", { peer: contributors[i], epochAndRound: e, error: message(err) }),
      ),
    );
    signatures.push(...(await firstN(asked, f)));
    if (signatures.length < f + 1) {
      this.log.warn("round failed: too few signatures", {
        epochAndRound: e,
        got: signatures.length,
        need: f + 1,
      });
      return { kind: "insufficient-signatures", epochAndRound: e, got: signatures.length, need: f + 1 };
    }
    const signed = assembleReport(report, configDigest, e, signatures);
    // every other signer holds the signed report, so one of them transmits it if this node cannot
    const finalEnvelope = await seal(wallet, { type: "final", feed: this.address, ...signed });
    await Promise.allSettled(peers.map((p) => this.node.ask(p, finalEnvelope)));
    const outcome = await this.transmit(signed);
    const fields = { epochAndRound: e, median, observations: observations.length, reason, ...outcome };
    if (outcome.kind === "transmitted") this.log.info("report transmitted", fields);
    else this.log.warn("report not transmitted", fields);
    return {
      epochAndRound: e,
      median,
      observations: observations.length,
      reason,
      report: signed,
      ...outcome,
    };
  }

  /** Transmits through the node's transaction queue; a failure to send is an outcome, not an exception. */
  private async transmit(signed: SignedReport): Promise<TransmitOutcome> {
    const { txLock, opts, wallet } = this.node;
    try {
      return await txLock.run(() =>
        transmitReport(this.node.rpc, wallet, this.feed, signed, opts.txTimeoutMs),
      );
    } catch (err) {
      this.log.error("transmission failed", { epochAndRound: signed.epochAndRound, error: message(err) });
      return { kind: "failed", error: message(err) };
    }
  }

  /** Transmits a report another leader had signed when that leader failed to (after this node's delay). */
  private async transmitPending(): Promise<TransmitOutcome | undefined> {
    const p = this.pending;
    if (!p) return undefined;
    const { configDigest, latestEpochAndRound, signers } = this.config;
    if (p.signed.configDigest !== configDigest || p.signed.epochAndRound <= latestEpochAndRound) {
      this.pending = undefined;
      return undefined;
    }
    const age = this.now - p.receivedAt;
    const ttl =
      this.node.opts.followerTransmitDelaySec * (signers.length + 1) + this.node.opts.leaderTimeoutSec;
    if (age > ttl) {
      this.log.warn("dropping a signed report nobody transmitted in time", {
        epochAndRound: p.signed.epochAndRound,
        ageSec: age,
      });
      this.pending = undefined;
      return undefined;
    }
    if (age < p.delaySec) return undefined;
    this.pending = undefined;
    const outcome = await this.transmit(p.signed);
    this.log.info("leader did not transmit its signed report: transmitted it", {
      epochAndRound: p.signed.epochAndRound,
      ...outcome,
    });
    return outcome;
  }

  /** Serves a peer's request (see the round protocol). */
  async handle(from: string, request: OracleRequest): Promise<OracleResponse> {
    await this.sync();
    const e = request.epochAndRound;
    const { configDigest, latestEpochAndRound, signers, f, minAnswer, maxAnswer } = this.config;
    if (request.configDigest !== configDigest) {
      throw new OracleProtocolError(
        "config-mismatch",
        `digest ${request.configDigest} is not the feed's current one`,
      );
    }
    if (e <= latestEpochAndRound) {
      throw new OracleProtocolError("stale-round", `round ${e} ≤ the feed's latest ${latestEpochAndRound}`);
    }
    if (e > latestEpochAndRound + signers.length) {
      throw new OracleProtocolError(
        "round-too-far",
        `round ${e} > latest ${latestEpochAndRound} + ${signers.length}`,
      );
    }
    const leader = getAddress(leaderOf(configDigest, e, signers));
    if (from !== leader)
      throw new OracleProtocolError("not-leader", `${from} is not the leader of round ${e}`);

    if (request.type === "observe") {
      const obs = await this.observation();
      const signed = await signObservation(this.node.wallet, configDigest, e, obs.value);
      this.given.set(e, obs.value);
      return { type: "observation", observation: signed };
    }

    if (request.type === "sign") {
      const { values } = checkObservations(request.observations, configDigest, e, signers, f);
      const mine = request.observations.find((o) => getAddress(o.observer) === this.node.address);
      const gave = this.given.get(e);
      if (gave === undefined || mine === undefined || mine.value !== gave) {
        throw new OracleProtocolError(
          "own-observation-missing",
          `the report for round ${e} lacks this node's observation`,
        );
      }
      const median = reportMedian(values);
      if (median < minAnswer || median > maxAnswer) {
        throw new OracleProtocolError("median-out-of-bounds", `median ${median}`);
      }
      // the leader's clock may run up to a leader timeout ahead of ours on the heartbeat
      const decision = publishDecision(
        median,
        this.latest,
        this.now + this.node.opts.leaderTimeoutSec,
        this.node.opts.publish,
      );
      if (!decision.publish) {
        throw new OracleProtocolError(
          "not-due",
          `median ${median} deviates ${decision.deviationBps} bps, age ${decision.ageSec} s`,
        );
      }
      const signature = await signReportDigest(
        this.node.wallet,
        reportDigest(encodeReport(values), configDigest, e),
      );
      return { type: "signature", signature: signature.serialized };
    }

    // final: a fully signed report; hold it and transmit it if the leader does not
    const digest = reportDigest(request.report, configDigest, e);
    const vs = getBytes(request.rawVs);
    const seen = new Set<string>();
    const registered = signers.map((s) => getAddress(s));
    request.rs.forEach((r, i) => {
      let who: string | undefined;
      try {
        who = recoverDigestSigner(digest, Signature.from({ r, s: request.ss[i], v: vs[i] + 27 }).serialized);
      } catch {
        who = undefined;
      }
      if (who === undefined || !registered.includes(who) || seen.has(who)) {
        throw new OracleProtocolError("bad-signature", `signature ${i} of the final report`);
      }
      seen.add(who);
    });
    if (seen.size !== f + 1)
      throw new OracleProtocolError("bad-signature", `${seen.size} signatures, need ${f + 1}`);
    // followers wait in turn after the leader: the one right after it first
    const n = signers.length;
    const position = (registered.indexOf(this.node.address) - leaderIndex(configDigest, e, n) + n) % n;
    const { report, rs, ss, rawVs } = request;
    this.pending = {
      signed: { configDigest, epochAndRound: e, report, rs, ss, rawVs },
      receivedAt: this.now,
      delaySec: this.node.opts.followerTransmitDelaySec * Math.max(1, position),
    };
    return { type: "ack" };
  }

  status(): FeedStatus {
    return {
      feed: this.name,
      address: this.address,
      resourceClass: this.resourceClass,
      config: this.config,
      latest: this.latest,
      ageSec: this.latest ? this.now - this.latest.updatedAt : undefined,
      stale: this.stale,
      historyLength: this.historyLength,
      lastObservation: this.lastObservation,
      lastRound: this.lastRound,
      pendingReport: this.pending?.signed.epochAndRound,
    };
  }
}

/** Finds the resource class of each feed address from `TaskMarket.priceFeed(id)`, ids 0..63. */
async function resourceClassesOf(
  ctx: RpcContext,
  contracts: CloudAIContracts,
  feeds: Map<string, string>,
): Promise<Map<string, number>> {
  const byAddress = new Map<string, number>();
  const ids = Array.from({ length: 64 }, (_, i) => i);
  const addresses = await Promise.all(
    ids.map((i) => rpc(ctx, "priceFeed", () => contracts.market.priceFeed(i))),
  );
  addresses.forEach((a, i) => {
    if (!byAddress.has(getAddress(a))) byAddress.set(getAddress(a), i);
  });
  const out = new Map<string, number>();
  for (const [name, address] of feeds) {
    const id = byAddress.get(address);
    if (id === undefined)
      throw new OracleConfigError(`feed ${name} (${address}) is not registered in TaskMarket`);
    out.set(name, id);
  }
  return out;
}

/**
 * Starts an oracle node: connects to the deployment, checks that its key signs at least one served feed,
 * loads the demand model, serves peers through `transport`, and ticks every `pollIntervalMs`.
 * @throws OracleConfigError for a configuration that cannot work (wrong chain, unknown feed, not a signer)
 */
export async function startOracleNode(options: OracleNodeOptions): Promise<OracleNodeHandle> {
  const opts = resolveOptions(options);
  const wallet = opts.signer;
  const provider = wallet.provider as Provider;
  const address = getAddress(wallet.address);
  const logger = opts.logger.child({ oracle: address });
  const ctx: RpcContext = { retry: opts.retry, logger };
  opts.logger = logger;

  const network = await rpc(ctx, "getNetwork", () => provider.getNetwork());
  if (Number(network.chainId) !== opts.deployment.chainId) {
    throw new OracleConfigError(
      `the RPC endpoint serves chain ${network.chainId}, the deployment is for chain ${opts.deployment.chainId}`,
    );
  }
  const contracts = connectContracts(opts.deployment, wallet);
  const names = opts.feeds ?? Object.keys(contracts.feeds);
  const feedAddresses = new Map<string, string>();
  for (const name of names) {
    const feed = contracts.feeds[name];
    if (!feed)
      throw new OracleConfigError(
        `no feed ${name} in the deployment (have: ${Object.keys(contracts.feeds).join(", ")})`,
      );
    feedAddresses.set(name, getAddress(await feed.getAddress()));
  }
  const classes = await resourceClassesOf(ctx, contracts, feedAddresses);

  const marketConfig = await rpc(ctx, "market config", () => contracts.market.config());
  if (opts.publish.heartbeatSec >= Number(marketConfig.maxPriceAge)) {
    logger.warn(
      "heartbeat is not below the market's maxPriceAge: market-price tasks will fail between rounds",
      {
        heartbeatSec: opts.publish.heartbeatSec,
        maxPriceAge: Number(marketConfig.maxPriceAge),
      },
    );
  }

  const demandModel =
    opts.demandModel ?? defaultDemandModel(await loadAugursMstl(), opts.intervalSec, opts.horizonIntervals);
  const forecasts = new ResourceDemandForecasts(demandModel, {
    refitEvery: opts.refitEvery,
    maxHistory: opts.maxHistory,
  });

  const marketAddress = getAddress(await contracts.market.getAddress());
  const stateFile = opts.stateFile
    ? new JsonStateFile<OracleState | undefined>(opts.stateFile, () => undefined)
    : undefined;
  let state = stateFile?.read();
  if (
    state &&
    (state.version !== 1 || state.chainId !== opts.deployment.chainId || state.market !== marketAddress)
  ) {
    logger.warn("state file is for another deployment: starting afresh", { file: opts.stateFile });
    state = undefined;
  }
  const marketStart = opts.deployment.contracts.TaskMarket?.startBlock ?? 0;
  const stakingStart = opts.deployment.contracts.Staking?.startBlock ?? 0;
  const startBlock = await rpc(ctx, "getBlock", () => provider.getBlock(marketStart));
  const startSec = startBlock?.timestamp ?? Math.floor(Date.now() / 1000);

  const workers: FeedWorker[] = [];
  let persistEnabled = false;
  const node: NodeContext = {
    opts,
    rpc: ctx,
    wallet,
    provider,
    address,
    contracts,
    marketAddress,
    clock: new BlockClock(ctx, provider),
    providers: new ProviderDirectory(
      ctx,
      contracts.staking,
      state?.providersCursor ?? stakingStart - 1,
      state?.providers ?? [],
    ),
    providerLock: new Mutex(),
    txLock: new Mutex(),
    forecasts,
    ask: async (peer, envelope) =>
      fromWire<OracleResponse>(await opts.transport.request(peer, envelope, opts.peerTimeoutMs)),
    persist: () => {
      if (!stateFile || !persistEnabled) return;
      const feeds: OracleState["feeds"] = {};
      for (const w of workers) feeds[w.address] = w.stateEntry();
      stateFile.write({
        version: 1,
        chainId: opts.deployment.chainId,
        market: marketAddress,
        providersCursor: node.providers.cursor,
        providers: node.providers.providers,
        feeds,
      });
    },
  };

  for (const [name, feedAddress] of feedAddresses) {
    const feed = contracts.feeds[name];
    const config = await readFeedConfig(ctx, feed, undefined);
    if (!config.signers.map((s) => getAddress(s)).includes(address)) {
      logger.warn("not a signer of this feed: not serving it", { feed: name, signers: config.signers });
      continue;
    }
    const saved = state?.feeds[feedAddress];
    const series = saved
      ? DemandSeries.fromState(saved.series)
      : new DemandSeries(opts.intervalSec, startSec);
    if (saved && saved.series.intervalSec !== opts.intervalSec) {
      throw new OracleConfigError(
        `state file bins are ${saved.series.intervalSec} s, intervalSec is ${opts.intervalSec}`,
      );
    }
    if (saved && saved.history.length > 0) forecasts.observe(name, saved.history);
    const worker = new FeedWorker(
      node,
      name,
      classes.get(name) as number,
      feed,
      feedAddress,
      series,
      saved?.cursor ?? marketStart - 1,
    );
    workers.push(worker);
  }
  if (workers.length === 0) {
    throw new OracleConfigError(
      `${address} is not a registered signer of any served feed (${names.join(", ")})`,
    );
  }
  for (const w of workers) {
    await w.sync();
    try {
      w.controllerParams();
    } catch (err) {
      if (err instanceof ControllerParamsError)
        throw new OracleConfigError(`pricing for ${w.name}: ${err.message}`);
      throw err;
    }
  }
  persistEnabled = true;
  node.persist();

  const handler = async (envelope: Envelope): Promise<string> => {
    try {
      const { from, request } = open(envelope);
      const worker = workers.find((w) => w.address === getAddress(request.feed));
      if (!worker)
        throw new OracleProtocolError("unknown-feed", `this node does not serve feed ${request.feed}`);
      return toWire(await worker.handle(from, request));
    } catch (err) {
      const reason = err instanceof OracleProtocolError ? err.reason : "error";
      const fields = { from: envelope?.from, error: message(err) };
      if (BENIGN_REFUSALS.has(reason)) logger.debug("refused a peer request", fields);
      else logger.warn("refused a peer request", fields);
      throw err;
    }
  };
  await opts.transport.listen(handler);

  const tickLock = new Mutex();
  let consecutiveFailures = 0;
  let stopping = false;
  let wake: (() => void) | undefined;
  let resolveDone!: () => void;
  let rejectDone!: (err: Error) => void;
  const done = new Promise<void>((resolve, reject) => {
    resolveDone = resolve;
    rejectDone = reject;
  });
  done.catch(() => undefined); // callers may not listen; the rejection is still observable through `done`

  const tick = (): Promise<FeedTickReport[]> =>
    tickLock.run(async () => {
      const reports: FeedTickReport[] = [];
      let failed = 0;
      for (const w of workers) {
        try {
          reports.push(await w.tick());
        } catch (err) {
          failed++;
          w.log.error("tick failed", { error: message(err) });
          reports.push({ feed: w.name, due: false, stale: w.stale, error: message(err) });
        }
      }
      consecutiveFailures = failed === workers.length ? consecutiveFailures + 1 : 0;
      return reports;
    });

  const loop = async (): Promise<void> => {
    while (!stopping) {
      await tick();
      if (consecutiveFailures >= opts.maxConsecutiveFailures) {
        throw new Error(`${consecutiveFailures} consecutive ticks failed: giving up`);
      }
      if (stopping) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, opts.pollIntervalMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = undefined;
    }
  };
  const running =
    opts.pollIntervalMs > 0
      ? loop().catch(async (err: unknown) => {
          stopping = true;
          await opts.transport.close().catch(() => undefined);
          rejectDone(err instanceof Error ? err : new Error(String(err)));
        })
      : Promise.resolve();

  logger.info("oracle node started", {
    feeds: workers.map((w) => w.name),
    intervalSec: opts.intervalSec,
    horizonIntervals: opts.horizonIntervals,
    deviationBps: opts.publish.deviationBps,
    heartbeatSec: opts.publish.heartbeatSec,
    pollIntervalMs: opts.pollIntervalMs,
  });

  let stopped: Promise<void> | undefined;
  return {
    address,
    done,
    tick,
    status: () => workers.map((w) => w.status()),
    stop: () => {
      stopped ??= (async () => {
        stopping = true;
        wake?.();
        await running;
        await tickLock.run(async () => undefined);
        await opts.transport.close();
        node.persist();
        resolveDone();
      })();
      return stopped;
    },
  };
}
