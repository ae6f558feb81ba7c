/**
 * The provider agent: registers and stakes, keeps signed offers on the board, follows tasks assigned to
 * its provider from chain events, runs their jobs (Groth16-proved FHE weighted sums for ZK tasks, the
 * word-count job for OPTIMISTIC ones), submits, finalizes optimistic results after the challenge window,
 * and optionally claims open tasks nobody matched. See agent/README.md.
 *
 * One poll ("tick") = setup (registration, stake top-up) → scan events up to `head − confirmations` →
 * refresh offers → self-claim (optional) → advance every task. The chain is the authority: each task is
 * re-read before every action, transactions go through {@link TxSender} (nonce and hash recorded before
 * and after sending), and all progress is persisted in the state directory, so a restarted agent resumes
 * where the last one stopped without losing or double-submitting anything.
 */
import { getAddress, toBeHex, type Interface, type Provider, type TransactionReceipt } from "ethers";
import { connectContracts, type CloudAIContracts } from "../sdk/deployment";
import { TASK_STATUS } from "../sdk/market";
import { signPermit } from "../sdk/signing";
import {
  isTransientRpcError,
  sleep,
  silentLogger,
  withRetry,
  type Logger,
  type ServiceHandle,
} from "../sdk/service";
import { registryCircuitId } from "../sdk/zk";
import type { TaskMarket } from "../typechain-types";
import { ConfigError } from "./errors";
import { blockRanges, readMarketEvents } from "./events";
import { runJob, unsupportedReason, type JobContext } from "./jobs";
import { loadOrCreateEnvelopeKey } from "./keys";
import { OfferManager } from "./offers";
import {
  classBitmap,
  resolvePolicy,
  type AgentPolicy,
  type ProviderAgentOptions,
  type ZkProver,
} from "./options";
import { AgentStateStore, lockStateDir, type AgentState, type Candidate, type TaskRecord } from "./state";
import { TxSender, type TxOutcome, type TxSlot } from "./tx";

const S = { Open: 0, Assigned: 1, Submitted: 2, Disputed: 3, Completed: 4 } as const;

/** Phases after which the agent no longer looks at a task. */
const TERMINAL = new Set(["settled", "rejected"]);
/** Phases in which a task occupies the agent (counted against `maxActiveTasks`). */
const ACTIVE = new Set(["claiming", "assigned", "computing", "computed"]);
/** Terminal task records kept in the state file for `status` (older ones are pruned). */
const KEEP_SETTLED = 200;

export interface ProviderAgentHandle extends ServiceHandle {
  /** The provider address. */
  readonly address: string;
  readonly stateDir: string;
  /** SPKI DER of the envelope public key registered in Staking. */
  readonly encryptionPublicKey: Uint8Array;
  /** The resolved policy. */
  readonly policy: Readonly<AgentPolicy>;
  /** One full poll-and-act cycle (serialised with the loop's own ticks). */
  tick(): Promise<void>;
  /** A copy of the persisted state. */
  state(): AgentState;
}

/** Starts a provider agent (see the module doc). Rejects with {@link ConfigError} for configuration mistakes. */
export async function startProviderAgent(options: ProviderAgentOptions): Promise<ProviderAgentHandle> {
  const policy = resolvePolicy(options.policy);
  const logger = options.logger ?? silentLogger;
  const provider = options.signer.provider;
  if (!provider) throw new ConfigError("the agent's signer must be connected to a provider");
  const rpc = <T>(label: string, fn: () => Promise<T>) =>
    withRetry(fn, { policy: options.retry, logger, label });
  const address = getAddress(await options.signer.getAddress());
  const network = await rpc("getNetwork", () => provider.getNetwork());
  if (Number(network.chainId) !== options.deployment.chainId) {
    throw new ConfigError(
      `the RPC endpoint is chain ${network.chainId} but the deployment export is for chain ${options.deployment.chainId}`,
    );
  }
  const contracts = connectContracts(options.deployment, options.signer);
  const marketAddress = getAddress(options.deployment.contracts.TaskMarket.address);
  if ((await rpc("getCode", () => provider.getCode(marketAddress))) === "0x") {
    throw new ConfigError(
      `no TaskMarket at ${marketAddress} on chain ${network.chainId}: is the export current?`,
    );
  }
  const provers = new Map<string, ZkProver>();
  for (const p of options.zk ?? []) provers.set(registryCircuitId(p.circuit.id).toLowerCase(), p);

  const release = lockStateDir(options.stateDir);
  try {
    const startBlock = options.fromBlock ?? options.deployment.contracts.TaskMarket.startBlock ?? 0;
    const store = new AgentStateStore(options.stateDir, {
      chainId: options.deployment.chainId,
      market: marketAddress,
      provider: address,
      cursor: Math.max(0, startBlock - 1),
    });
    const key = await loadOrCreateEnvelopeKey(options.stateDir);
    const agent = new ProviderAgent(
      options,
      policy,
      logger,
      provider,
      address,
      contracts,
      marketAddress,
      provers,
      key.publicKeySpki,
      store,
      release,
    );
    if (key.created) logger.info("generated envelope key", { file: key.file });
    if (policy.jobKinds.includes("weighted-sum") && provers.size === 0) {
      logger.warn("weighted-sum accepted but no ZK prover configured: ZK tasks will be rejected");
    }
    logger.info("agent started", {
      provider: address,
      chainId: options.deployment.chainId,
      classes: policy.classes.map((c) => c.resourceClass),
      jobKinds: policy.jobKinds,
      selfClaim: policy.selfClaim,
      cursor: store.state.cursor,
      openTasks: Object.values(store.state.tasks).filter((t) => !TERMINAL.has(t.phase)).length,
    });
    return agent.start(options.loop ?? true);
  } catch (err) {
    release();
    throw err;
  }
}

class ProviderAgent {
  private stopping = false;
  private stopped = false;
  private running: Promise<void> = Promise.resolve();
  private wake: (() => void) | undefined;
  private metadataChecked = false;
  private readBlock = 0;
  private readonly warned = new Set<string>();
  private readonly tx: TxSender;
  private readonly offers: OfferManager;
  private readonly market: TaskMarket;
  private readonly jobs: JobContext;
  private readonly setupSlot: TxSlot;

  constructor(
    private readonly options: ProviderAgentOptions,
    private readonly policy: AgentPolicy,
    private readonly logger: Logger,
    private readonly provider: Provider,
    private readonly address: string,
    private readonly c: CloudAIContracts,
    private readonly marketAddress: string,
    provers: Map<string, ZkProver>,
    private readonly publicKeySpki: Uint8Array,
    private readonly store: AgentStateStore,
    private readonly releaseLock: () => void,
  ) {
    this.market = c.market;
    this.tx = new TxSender(options.signer, provider, address, {
      retry: options.retry,
      logger,
      save: () => store.save(),
      stopping: () => this.stopping,
      txTimeoutMs: policy.txTimeoutMs,
      receiptPollMs: Math.min(policy.pollIntervalMs, 1_000),
      interfaces: [c.market.interface, c.staking.interface, c.token.interface],
      readBlock: () => this.readBlock,
      observedBlock: (n) => {
        if (n > this.readBlock) this.readBlock = n;
      },
    });
    this.offers = new OfferManager({
      signer: options.signer,
      address,
      chainId: options.deployment.chainId,
      market: c.market,
      marketAddress,
      board: options.board,
      store,
      policy,
      logger,
      rpc: (label, fn) => this.rpc(label, fn),
      at: () => this.at(),
    });
    this.jobs = {
      store: options.store,
      provider: address,
      jobKinds: policy.jobKinds,
      provers,
      logger,
      progressEveryMs: policy.progressEveryMs,
    };
    this.setupSlot = {
      get: () => store.state.setupTx,
      set: (p) => {
        store.state.setupTx = p;
      },
    };
  }

  private get state(): AgentState {
    return this.store.state;
  }

  private rpc<T>(label: string, fn: () => Promise<T>): Promise<T> {
    return withRetry(fn, { policy: this.options.retry, logger: this.logger, label });
  }

  private warnOnce(key: string, msg: string, fields?: Record<string, unknown>): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.logger.warn(msg, fields);
  }

  start(loop: boolean): ProviderAgentHandle {
    let resolveStopped!: () => void;
    const stoppedSignal = new Promise<void>((r) => (resolveStopped = r));
    const run = async (): Promise<void> => {
      if (!loop) return stoppedSignal;
      while (!this.stopping) {
        try {
          await this.tick();
        } catch (err) {
          if (!isTransientRpcError(err)) throw err;
          this.logger.warn("poll failed: RPC unavailable; retrying at the next poll", { error: String(err) });
        }
        await this.pause(this.policy.pollIntervalMs);
      }
    };
    const done = run()
      .catch((err: unknown) => {
        this.logger.error("fatal error; agent stopped", {
          error: err instanceof Error ? err.message : String(err),
        });
        throw err;
      })
      .finally(() => {
        this.stopping = true;
        this.stopped = true;
        this.releaseLock();
      });
    done.catch(() => undefined); // delivered to whoever awaits `done`; logged above
    return {
      address: this.address,
      stateDir: this.options.stateDir,
      encryptionPublicKey: this.publicKeySpki,
      policy: this.policy,
      done,
      tick: () => this.tick(),
      state: () => structuredClone(this.state),
      stop: async () => {
        this.stopping = true;
        this.wake?.();
        await this.running;
        resolveStopped();
        await done.catch(() => undefined);
      },
    };
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }

  /** Serialises ticks (the loop's and explicit ones). */
  tick(): Promise<void> {
    if (this.stopped || this.stopping) return Promise.reject(new Error("the agent is stopped"));
    const next = this.running.then(() => this.tickOnce());
    this.running = next.catch(() => undefined);
    return next;
  }

  /**
   * Reads pin an explicit block: the latest one, but never below the newest block of a receipt this agent
   * saw. Providers cache identical requests briefly (ethers: 250 ms), so a plain "latest" read right after
   * a transaction could return the state from before it; a block number also keeps one step's reads consistent.
   */
  private at(): { blockTag: number } {
    return { blockTag: this.readBlock };
  }

  private async chainNow(): Promise<{ head: number; now: number }> {
    const latest = await this.rpc("getBlock", () => this.provider.getBlock("latest"));
    if (!latest) throw new Error("the node returned no latest block");
    if (latest.number >= this.readBlock) {
      this.readBlock = latest.number;
      return { head: latest.number, now: latest.timestamp };
    }
    const block = await this.rpc("getBlock", () => this.provider.getBlock(this.readBlock));
    if (!block) throw new Error(`the node returned no block ${this.readBlock}`);
    return { head: block.number, now: block.timestamp };
  }

  private async tickOnce(): Promise<void> {
    const { head, now } = await this.chainNow();
    await this.setup(now);
    if (this.stopping) return;
    await this.scan(head);
    if (this.stopping) return;
    const prices = await this.offers.refresh(now);
    if (this.stopping) return;
    if (this.policy.selfClaim) await this.claimOpen(now, prices);
    for (const id of Object.keys(this.state.tasks).sort((a, b) => Number(BigInt(a) - BigInt(b)))) {
      if (this.stopping) return;
      const rec = this.state.tasks[id];
      if (rec && !TERMINAL.has(rec.phase)) await this.processTask(rec);
    }
    this.prune();
  }

  // ───────────────────────────── registration and stake ─────────────────────────────

  private async sendSetup(
    action: "register" | "update" | "approve" | "stake",
    to: string,
    data: string,
  ): Promise<boolean> {
    const out = await this.tx.send(this.setupSlot, action, { to, data }, this.logger);
    if (out.kind === "wouldRevert") throw new Error(`${action} would revert: ${out.reason}`);
    if (out.kind === "pending") return false;
    if (!out.ok) throw new Error(`${action} transaction ${out.receipt.hash} reverted`);
    return true;
  }

  private async setup(now: number): Promise<void> {
    if (this.state.setupTx) {
      const s = await this.tx.settle(this.setupSlot, this.logger);
      if (s.kind === "pending") return;
    }
    const { staking, token } = this.c;
    const stakingAddress = await staking.getAddress();
    const bitmap = classBitmap(this.policy);
    const key = toBeHexBytes(this.publicKeySpki);
    let info = await this.rpc("providerInfo", () => staking.providerInfo(this.address, this.at()));
    if (!info.registered) {
      const uri = this.options.metadataURI ?? `cloudai-agent:${this.address}`;
      this.logger.info("registering in Staking", { metadataURI: uri, resourceClasses: bitmap });
      const data = staking.interface.encodeFunctionData("register", [uri, key, bitmap]);
      if (!(await this.sendSetup("register", stakingAddress, data))) return;
      this.metadataChecked = true;
      info = await this.rpc("providerInfo", () => staking.providerInfo(this.address, this.at()));
    } else if (!this.metadataChecked) {
      const [uri, registeredKey] = await this.rpc("providerMetadata", () =>
        staking.providerMetadata(this.address, this.at()),
      );
      const newUri = this.options.metadataURI ?? uri;
      if (
        registeredKey.toLowerCase() !== key.toLowerCase() ||
        info.resourceClasses !== bitmap ||
        newUri !== uri
      ) {
        this.logger.info("updating the provider record (key, classes or metadata changed)", {
          resourceClasses: bitmap,
        });
        const data = staking.interface.encodeFunctionData("updateProvider", [newUri, key, bitmap]);
        if (!(await this.sendSetup("update", stakingAddress, data))) return;
      }
      this.metadataChecked = true;
    }
    if (info.stake >= this.policy.targetStake) return;
    const balance = await this.rpc("balanceOf", () => token.balanceOf(this.address, this.at()));
    const want = this.policy.targetStake - info.stake;
    const amount = balance < want ? balance : want;
    if (amount === 0n) {
      this.warnOnce("no-balance", "stake below target and no CLAI to top it up", {
        stake: info.stake,
        target: this.policy.targetStake,
      });
      return;
    }
    this.logger.info("staking", {
      amount,
      stake: info.stake,
      target: this.policy.targetStake,
      via: this.policy.stakeWith,
    });
    if (this.policy.stakeWith === "permit") {
      const tokenAddress = await token.getAddress();
      const nonce = await this.rpc("nonces", () => token.nonces(this.address, this.at()));
      const deadline = BigInt(now + 3_600);
      const sig = await signPermit(this.options.signer, this.options.deployment.chainId, tokenAddress, {
        spender: stakingAddress,
        value: amount,
        nonce,
        deadline,
      });
      const data = staking.interface.encodeFunctionData("stakeWithPermit", [
        amount,
        deadline,
        sig.v,
        sig.r,
        sig.s,
      ]);
      if (!(await this.sendSetup("stake", stakingAddress, data))) return;
    } else {
      const allowance = await this.rpc("allowance", () =>
        token.allowance(this.address, stakingAddress, this.at()),
      );
      if (allowance < amount) {
        const data = token.interface.encodeFunctionData("approve", [stakingAddress, amount]);
        if (!(await this.sendSetup("approve", await token.getAddress(), data))) return;
      }
      if (
        !(await this.sendSetup(
          "stake",
          stakingAddress,
          staking.interface.encodeFunctionData("stake", [amount]),
        ))
      ) {
        return;
      }
    }
    const params = await this.rpc("parameters", () => staking.parameters(this.at()));
    const staked = info.stake + amount;
    if (staked < params.minStake) {
      this.warnOnce("min-stake", "stake is below Staking's minimum: the market will not assign tasks", {
        stake: staked,
        minStake: params.minStake,
      });
    }
  }

  // ───────────────────────────── events ─────────────────────────────

  private served(resourceClass: number): boolean {
    return this.policy.classes.some((c) => c.resourceClass === resourceClass);
  }

  private async scan(head: number): Promise<void> {
    const safe = head - this.policy.confirmations;
    if (safe <= this.state.cursor) return;
    for (const [from, to] of blockRanges(this.state.cursor + 1, safe, this.policy.maxBlockRange)) {
      const ev = await this.rpc("getLogs", () =>
        readMarketEvents(this.provider, this.market, this.marketAddress, from, to),
      );
      for (const c of ev.created) if (this.served(c.resourceClass)) this.state.candidates[c.taskId] = c;
      for (const a of ev.assigned) {
        const cand = this.state.candidates[a.taskId];
        delete this.state.candidates[a.taskId];
        if (getAddress(a.provider) !== this.address) continue;
        let rec = this.state.tasks[a.taskId];
        if (!rec) {
          rec = newRecord(cand ?? (await this.findCreated(a.taskId, a.block)), "assigned");
          this.state.tasks[a.taskId] = rec;
        }
        if (rec.phase === "claiming") rec.phase = "assigned";
        rec.assignedBlock ??= a.block;
        this.logger.info("task assigned", {
          taskId: a.taskId,
          mode: rec.mode,
          pricePerUnit: a.pricePerUnit,
          via: a.claimed ? "claim" : "matcher",
        });
      }
      this.state.cursor = to;
      this.store.save();
    }
  }

  /** The TaskCreated data of a task created outside the scanned range (searched backwards from `before`). */
  private async findCreated(taskId: string, before: number): Promise<Candidate> {
    const topic = this.market.interface.getEvent("TaskCreated").topicHash;
    const start = this.options.deployment.contracts.TaskMarket.startBlock ?? 0;
    for (let to = before; to >= start; to -= this.policy.maxBlockRange) {
      const from = Math.max(start, to - this.policy.maxBlockRange + 1);
      const logs = await this.rpc("getLogs", () =>
        this.provider.getLogs({
          address: this.marketAddress,
          topics: [topic, toBeHex(BigInt(taskId), 32)],
          fromBlock: from,
          toBlock: to,
        }),
      );
      if (logs.length > 0) {
        const ev = await readMarketEvents(
          this.provider,
          this.market,
          this.marketAddress,
          logs[0].blockNumber,
          logs[0].blockNumber,
        );
        const found = ev.created.find((c) => c.taskId === taskId);
        if (found) return found;
      }
    }
    throw new Error(`TaskCreated of task ${taskId} not found since block ${start}`);
  }

  // ───────────────────────────── self-claim ─────────────────────────────

  private async claimOpen(now: number, prices: Map<number, bigint>): Promise<void> {
    let active = Object.values(this.state.tasks).filter((t) => ACTIVE.has(t.phase)).length;
    let reputation: bigint | undefined;
    const ids = Object.keys(this.state.candidates).sort((a, b) => Number(BigInt(a) - BigInt(b)));
    for (const id of ids) {
      if (this.stopping || active >= this.policy.maxActiveTasks) return;
      const cand = this.state.candidates[id];
      if (now > cand.assignDeadline) {
        delete this.state.candidates[id];
        this.store.save();
        continue;
      }
      if (this.state.tasks[id] || unsupportedReason(cand, this.jobs)) continue;
      const price = prices.get(cand.resourceClass);
      if (price === undefined || cand.maxPricePerUnit < price) continue;
      reputation ??= await this.rpc("scoreOf", () => this.c.reputation.scoreOf(this.address, this.at()));
      if (reputation < BigInt(cand.minReputation)) continue;
      const t = await this.rpc("getTask", () => this.market.getTask(id, this.at()));
      if (Number(t.status) !== S.Open) {
        delete this.state.candidates[id];
        this.store.save();
        continue;
      }
      if (now < Number(t.timer)) continue; // the matcher still has it exclusively
      const rec = newRecord(cand, "claiming");
      this.state.tasks[id] = rec;
      this.store.save();
      const log = this.logger.child({ taskId: id });
      const out = await this.send(rec, "claim", "claimTask", [id], log);
      if (out.kind === "mined" && out.ok) {
        rec.phase = "assigned";
        rec.assignedBlock = out.receipt.blockNumber;
        delete this.state.candidates[id];
        active++;
        log.info("claimed task", { pricePerUnit: cand.maxPricePerUnit, units: cand.units });
      } else if (out.kind !== "pending") {
        delete this.state.tasks[id];
        if (out.kind === "wouldRevert") log.debug("claim not possible", { reason: out.reason });
      }
      this.store.save();
    }
  }

  // ───────────────────────────── tasks ─────────────────────────────

  private slot(rec: TaskRecord): TxSlot {
    return {
      get: () => rec.pendingTx,
      set: (p) => {
        rec.pendingTx = p;
      },
      mined: (tx) => rec.txs.push(tx),
    };
  }

  private send(
    rec: TaskRecord,
    action: "claim" | "submit" | "reject" | "finalize",
    fn: "claimTask" | "submitProof" | "submitResult" | "rejectTask" | "finalizeTask",
    args: unknown[],
    log: Logger,
  ): Promise<TxOutcome> {
    const data = (this.market.interface as Interface).encodeFunctionData(fn, args);
    return this.tx.send(this.slot(rec), action, { to: this.marketAddress, data }, log);
  }

  private async processTask(rec: TaskRecord): Promise<void> {
    const log = this.logger.child({ taskId: rec.taskId });
    try {
      await this.advance(rec, log);
    } catch (err) {
      if (!isTransientRpcError(err)) throw err;
      log.warn("RPC unavailable while handling the task; retrying at the next poll", { error: String(err) });
    }
  }

  private async advance(rec: TaskRecord, log: Logger): Promise<void> {
    if (rec.pendingTx) {
      const s = await this.tx.settle(this.slot(rec), log);
      if (s.kind === "pending") return;
    }
    let t = await this.rpc("getTask", () => this.market.getTask(rec.taskId, this.at()));
    let { now } = await this.chainNow();
    if (getAddress(t.provider) !== this.address) {
      // A claim that did not land (someone else was faster, or it was never mined).
      log.info("task is not ours; dropping it", { status: TASK_STATUS[Number(t.status)] });
      delete this.state.tasks[rec.taskId];
      this.store.save();
      return;
    }
    const status = Number(t.status);
    if (status === S.Assigned) {
      if (rec.phase === "claiming") rec.phase = "assigned";
      if (rec.phase === "abandoned") return;
      if (!rec.result) {
        if (now > Number(t.completionDeadline))
          return this.abandon(rec, log, "completion deadline passed without a result");
        rec.phase = "computing";
        this.store.save();
        const outcome = await runJob(rec, this.jobs);
        if (outcome.kind === "done") {
          rec.result = outcome.result;
          rec.phase = "computed";
          rec.lastError = undefined;
          this.store.save();
        } else {
          rec.phase = "assigned";
          rec.lastError = outcome.reason;
          if (outcome.kind === "error") rec.computeAttempts++;
          this.store.save();
          const rejectNow =
            outcome.kind === "reject" ||
            (outcome.kind === "error" && rec.computeAttempts >= this.policy.maxComputeAttempts) ||
            (outcome.kind === "retry" && (await this.chainNow()).now + this.margin() >= Number(t.timer));
          log.warn("job did not complete", {
            outcome: outcome.kind,
            reason: outcome.reason,
            rejecting: rejectNow,
          });
          if (rejectNow) await this.reject(rec, log);
          return;
        }
        if (this.stopping) return; // the result is persisted: a restarted agent submits it
        t = await this.rpc("getTask", () => this.market.getTask(rec.taskId, this.at()));
        ({ now } = await this.chainNow());
        if (Number(t.status) !== S.Assigned || getAddress(t.provider) !== this.address) return;
      }
      if (now > Number(t.completionDeadline))
        return this.abandon(rec, log, "completion deadline passed before submission");
      const r = rec.result;
      const out =
        rec.mode === "ZK"
          ? await this.send(
              rec,
              "submit",
              "submitProof",
              [rec.taskId, r.commitment, r.cid, r.proof ?? []],
              log,
            )
          : await this.send(rec, "submit", "submitResult", [rec.taskId, r.commitment, r.cid], log);
      if (out.kind === "wouldRevert") {
        rec.lastError = out.reason;
        rec.submitFailures = (rec.submitFailures ?? 0) + 1;
        this.store.save();
        const giveUp = rec.submitFailures >= this.policy.maxComputeAttempts;
        log.error("submission would revert", { reason: out.reason, attempts: rec.submitFailures, giveUp });
        if (giveUp) await this.reject(rec, log);
        return;
      }
      if (out.kind === "mined" && out.ok) {
        rec.phase = "submitted";
        this.store.save();
        log.info(rec.mode === "ZK" ? "proof accepted" : "result submitted", { resultCid: r.cid });
        if (rec.mode === "ZK") await this.settle(rec, "Completed", log, out.receipt);
      }
      return;
    }
    if (status === S.Submitted) {
      if (rec.phase !== "submitted") {
        rec.phase = "submitted";
        this.store.save();
      }
      if (now <= Number(t.timer)) return;
      const out = await this.send(rec, "finalize", "finalizeTask", [rec.taskId], log);
      if (out.kind === "mined" && out.ok) await this.settle(rec, "Completed", log, out.receipt);
      else if (out.kind === "wouldRevert") log.debug("finalize not possible yet", { reason: out.reason });
      return;
    }
    if (status === S.Disputed) {
      if (rec.phase !== "disputed") {
        rec.phase = "disputed";
        this.store.save();
        log.warn("result disputed by the requester; governance arbitrates");
      }
      return;
    }
    if (status === S.Open) return; // not reachable for our provider address; kept for completeness
    await this.settle(rec, TASK_STATUS[status] ?? String(status), log);
  }

  /** Seconds before a window closes at which the agent stops waiting and acts. */
  private margin(): number {
    return Math.max(30, Math.ceil((2 * this.policy.pollIntervalMs) / 1000));
  }

  private abandon(rec: TaskRecord, log: Logger, reason: string): void {
    rec.phase = "abandoned";
    rec.lastError = reason;
    this.store.save();
    log.error("task abandoned (it will be failed after its deadline)", { reason });
  }

  private async reject(rec: TaskRecord, log: Logger): Promise<void> {
    const out = await this.send(rec, "reject", "rejectTask", [rec.taskId], log);
    if (out.kind === "mined" && out.ok) {
      rec.phase = "rejected";
      rec.outcome = "Rejected";
      this.store.save();
      log.warn("task rejected", { reason: rec.lastError });
    } else if (out.kind === "wouldRevert") {
      this.abandon(rec, log, `cannot reject (${out.reason}) after: ${rec.lastError ?? "unknown error"}`);
    }
  }

  private async settle(
    rec: TaskRecord,
    outcome: string,
    log: Logger,
    receipt?: TransactionReceipt,
  ): Promise<void> {
    if (outcome === "Completed") {
      const paid = receipt ? this.paidIn(receipt.logs, rec.taskId) : await this.findPayment(rec);
      if (paid !== undefined) rec.paid = paid;
    }
    rec.phase = "settled";
    rec.outcome = outcome;
    this.store.save();
    log.info("task settled", { outcome, paid: rec.paid });
  }

  private paidIn(
    logs: readonly { topics: readonly string[]; data: string }[],
    taskId: string,
  ): bigint | undefined {
    for (const l of logs) {
      let parsed;
      try {
        parsed = this.market.interface.parseLog({ topics: [...l.topics], data: l.data });
      } catch {
        continue;
      }
      if (parsed?.name === "TaskCompleted" && (parsed.args.taskId as bigint).toString() === taskId) {
        return (parsed.args.payment as bigint) - (parsed.args.fee as bigint);
      }
    }
    return undefined;
  }

  private async findPayment(rec: TaskRecord): Promise<bigint | undefined> {
    const topic = this.market.interface.getEvent("TaskCompleted").topicHash;
    const { head } = await this.chainNow();
    const from = rec.assignedBlock ?? rec.createdBlock;
    for (const [a, b] of blockRanges(from, head, this.policy.maxBlockRange)) {
      const logs = await this.rpc("getLogs", () =>
        this.provider.getLogs({
          address: this.marketAddress,
          topics: [topic, toBeHex(BigInt(rec.taskId), 32)],
          fromBlock: a,
          toBlock: b,
        }),
      );
      const paid = this.paidIn(logs, rec.taskId);
      if (paid !== undefined) return paid;
    }
    return undefined;
  }

  private prune(): void {
    const done = Object.values(this.state.tasks).filter((t) => TERMINAL.has(t.phase));
    if (done.length <= KEEP_SETTLED) return;
    done
      .sort((a, b) => Number(BigInt(a.taskId) - BigInt(b.taskId)))
      .slice(0, done.length - KEEP_SETTLED)
      .forEach((t) => delete this.state.tasks[t.taskId]);
    this.store.save();
  }
}

function toBeHexBytes(bytes: Uint8Array): string {
  return "0x" + Buffer.from(bytes).toString("hex");
}

function newRecord(c: Candidate, phase: TaskRecord["phase"]): TaskRecord {
  return {
    taskId: c.taskId,
    resourceClass: c.resourceClass,
    mode: c.mode,
    circuitId: c.circuitId,
    inputCommitment: c.inputCommitment,
    inputCid: c.inputCid,
    units: c.units,
    createdBlock: c.createdBlock,
    phase,
    txs: [],
    computeAttempts: 0,
  };
}
