/**
 * Shared set-up of the agent tests: the deployed system (loadCore), funded requester and providers, a
 * blob store and an offer board in a temporary directory, and agents started on them.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import hre, { ethers, network } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import {
  JsonRpcProvider,
  Network,
  type Interface,
  type JsonRpcPayload,
  type JsonRpcResult,
  type Signer,
} from "ethers";
import { loadCore } from "../fixtures/core";
import { buildDeploymentExport } from "../../scripts/lib/export";
import { deployConfig } from "../../scripts/lib/deploy-config";
import { connectContracts, type CloudAIContracts, type DeploymentExport } from "../../sdk/deployment";
import { DirOfferBoard } from "../../sdk/offers";
import { createLogger, type Logger } from "../../sdk/service";
import { LocalDirStore } from "../../sdk/storage";
import { createWordCountJob } from "../../sdk/jobs/wordCount";
import { startProviderAgent, type ProviderAgentHandle, type ProviderAgentOptions } from "../../agent";

export const E18 = 10n ** 18n;
export const OPTIMISTIC = 0;
export const ZK = 1;
export const CFG = deployConfig("hardhat");
export const Status = {
  Open: 0n,
  Assigned: 1n,
  Submitted: 2n,
  Disputed: 3n,
  Completed: 4n,
  Failed: 5n,
  Rejected: 9n,
} as const;
/** Retries fast enough for tests. */
export const FAST_RETRY = { attempts: 6, baseDelayMs: 5, maxDelayMs: 20 };

export interface AgentWorld {
  exp: DeploymentExport;
  c: CloudAIContracts;
  deployer: HardhatEthersSigner;
  requester: HardhatEthersSigner;
  providers: HardhatEthersSigner[];
  other: HardhatEthersSigner;
  root: string;
  store: LocalDirStore;
  board: DirOfferBoard;
  marketAddress: string;
}

/** The deployed system with a funded requester and three funded (unregistered) providers. */
export async function agentWorld(): Promise<AgentWorld> {
  await loadCore();
  const [deployer, requester, p1, p2, p3, other] = await ethers.getSigners();
  const exp = await buildDeploymentExport(hre);
  const c = connectContracts(exp, deployer);
  const marketAddress = await c.market.getAddress();
  await c.token.transfer(requester.address, 100_000n * E18);
  await c.token.connect(requester).approve(marketAddress, ethers.MaxUint256);
  for (const p of [p1, p2, p3]) await c.token.transfer(p.address, 5_000n * E18);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "cloudai-agent-"));
  return {
    exp,
    c,
    deployer,
    requester,
    providers: [p1, p2, p3],
    other,
    root,
    store: new LocalDirStore(path.join(root, "blobs")),
    board: new DirOfferBoard(path.join(root, "offers"), exp.chainId, marketAddress),
    marketAddress,
  };
}

/** A logger that keeps every line (parsed) for assertions. */
export function memoryLogger(service = "agent"): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger(service, {
    level: "debug",
    write: (l) => {
      lines.push(JSON.parse(l) as Record<string, unknown>);
      if (process.env.AGENT_TEST_LOGS) console.log(l);
    },
  });
  return { logger, lines };
}

export type AgentOverrides = Partial<Omit<ProviderAgentOptions, "policy">> & {
  policy?: Partial<ProviderAgentOptions["policy"]>;
};

/** Starts an agent for `signer` (loop off unless overridden) with a test policy: CPU at 1 CLAI/unit. */
export async function startAgent(
  w: AgentWorld,
  signer: Signer,
  stateDir: string,
  overrides: AgentOverrides = {},
): Promise<ProviderAgentHandle> {
  const { policy, ...rest } = overrides;
  return startProviderAgent({
    signer,
    deployment: w.exp,
    store: w.store,
    board: w.board,
    stateDir,
    loop: false,
    retry: FAST_RETRY,
    ...rest,
    policy: {
      classes: [{ resourceClass: 0, price: { kind: "fixed", pricePerUnit: E18 } }],
      targetStake: 1_000n * E18,
      pollIntervalMs: 50,
      confirmations: 0,
      selfClaim: true,
      txTimeoutMs: 60_000,
      ...policy,
    },
  });
}

/** Creates a task (default: optimistic, CPU, 4 units at ≤ 2 CLAI) and returns its id. */
export async function createTask(
  w: AgentWorld,
  p: {
    mode?: number;
    units?: number;
    maxPrice?: bigint;
    circuitId?: string;
    inputCommitment: string;
    inputCid: string;
  },
): Promise<bigint> {
  const now = await time.latest();
  await w.c.market.connect(w.requester).createTask({
    resourceClass: 0,
    mode: p.mode ?? OPTIMISTIC,
    minReputation: 0,
    units: p.units ?? 4,
    maxPricePerUnit: p.maxPrice ?? 2n * E18,
    assignDeadline: now + 600,
    completionDeadline: now + 1800,
    circuitId: p.circuitId ?? ethers.ZeroHash,
    inputCommitment: p.inputCommitment,
    inputCid: p.inputCid,
  });
  return w.c.market.taskCount();
}

/** A word-count task over `text`; returns its id and the manifest. */
export async function wordCountTask(w: AgentWorld, text: string, units = 4) {
  const job = await createWordCountJob(w.store, text);
  const id = await createTask(w, { units, inputCommitment: job.inputCommitment, inputCid: job.manifestCid });
  return { id, job };
}

/** Moves past the match timeout so providers may claim. */
export async function passMatchTimeout(): Promise<void> {
  await time.increase(CFG.market.matchTimeout + 1);
}

/** Every mined transaction from `from` to the market whose calldata starts with `fn`'s selector. */
export async function marketCalls(
  w: AgentWorld,
  from: string,
  fn: string,
  taskId?: bigint,
): Promise<string[]> {
  const fragment = (w.c.market.interface as Interface).getFunction(fn);
  if (!fragment) throw new Error(`no market function ${fn}`);
  const head = await ethers.provider.getBlockNumber();
  const start = w.exp.contracts.TaskMarket.startBlock;
  const hashes: string[] = [];
  for (let n = start; n <= head; n++) {
    const block = await ethers.provider.getBlock(n, true);
    for (const tx of block?.prefetchedTransactions ?? []) {
      if (tx.from.toLowerCase() !== from.toLowerCase()) continue;
      if (tx.to?.toLowerCase() !== w.marketAddress.toLowerCase() || !tx.data.startsWith(fragment.selector))
        continue;
      if (taskId !== undefined && w.c.market.interface.decodeFunctionData(fragment, tx.data)[0] !== taskId)
        continue;
      hashes.push(tx.hash);
    }
  }
  return hashes;
}

/** Polls `cond` every 20 ms until it holds (or fails after `timeoutMs`). */
export async function until(cond: () => boolean | Promise<boolean>, timeoutMs = 120_000, what = "condition") {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * A JSON-RPC provider over the in-process Hardhat network whose transport fails the next `failNext`
 * requests (optionally only those of `methods`) like an unreachable HTTP endpoint, or every request with
 * `permanent`. Node errors (reverts) come back as JSON-RPC error responses, as over HTTP.
 */
export class FlakyProvider extends JsonRpcProvider {
  failNext = 0;
  failures = 0;
  methods?: Set<string>;
  permanent?: Error;

  /** `cacheTimeout`: ethers' cache of identical requests (default off here; ethers' own default is 250 ms). */
  constructor(cacheTimeout = -1) {
    super("http://hardhat.invalid", undefined, {
      staticNetwork: Network.from(31337),
      batchMaxCount: 1,
      cacheTimeout,
    });
  }

  override async _send(payload: JsonRpcPayload | JsonRpcPayload[]): Promise<JsonRpcResult[]> {
    const out: JsonRpcResult[] = [];
    for (const p of Array.isArray(payload) ? payload : [payload]) {
      if (this.permanent) throw this.permanent;
      if (this.failNext > 0 && (!this.methods || this.methods.has(p.method))) {
        this.failNext--;
        this.failures++;
        throw Object.assign(new Error("request to http://hardhat.invalid failed, reason: socket hang up"), {
          code: "ECONNRESET",
        });
      }
      try {
        const result: unknown = await network.provider.request({
          method: p.method,
          params: p.params as unknown[],
        });
        out.push({ id: p.id, result });
      } catch (e) {
        const err = e as { code?: number; message?: string; data?: unknown };
        out.push({
          id: p.id,
          error: { code: err.code ?? -32603, message: err.message ?? String(e), data: err.data },
        } as unknown as JsonRpcResult);
      }
    }
    return out;
  }
}
