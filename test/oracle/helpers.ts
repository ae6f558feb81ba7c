/**
 * Shared set-up of the oracle tests: the deployed core system, four oracle nodes (Hardhat accounts 10–13,
 * the deployment's local signers) on an in-memory transport, and a log collector.
 */
import hre, { ethers } from "hardhat";
import type { HDNodeWallet } from "ethers";
import { loadCore } from "../fixtures/core";
import { buildDeploymentExport } from "../../scripts/lib/export";
import { localOracleWallet } from "../../scripts/lib/deploy-config";
import { connectContracts, type CloudAIContracts, type DeploymentExport } from "../../sdk/deployment";
import { createLogger, type Logger } from "../../sdk/service";
import {
  InMemoryTransportHub,
  MovingAverageForecaster,
  startOracleNode,
  type OracleNodeHandle,
  type OracleNodeOptions,
} from "../../oracle/node";

export const E18 = 10n ** 18n;
export const FAST_RETRY = { attempts: 4, baseDelayMs: 1, maxDelayMs: 5 };

/** JSON log lines kept in memory. */
export class LogSink {
  readonly lines: Record<string, unknown>[] = [];
  logger(service = "oracle"): Logger {
    return createLogger(service, { level: "debug", write: (l) => this.lines.push(JSON.parse(l)) });
  }
  find(msg: string, fields: Record<string, unknown> = {}): Record<string, unknown>[] {
    return this.lines.filter((l) => l.msg === msg && Object.entries(fields).every(([k, v]) => l[k] === v));
  }
}

export interface OracleNet {
  exp: DeploymentExport;
  c: CloudAIContracts;
  hub: InMemoryTransportHub;
  wallets: HDNodeWallet[];
  nodes: OracleNodeHandle[];
  logs: LogSink;
  /** Ticks every node that is up, in signer order; returns the reports by node index. */
  tickAll(except?: number[]): Promise<Awaited<ReturnType<OracleNodeHandle["tick"]>>[]>;
  stop(): Promise<void>;
}

/** Options every test node shares: manual ticks, one-minute bins, a moving-average demand model. */
export function testNodeOptions(): Partial<OracleNodeOptions> {
  return {
    pollIntervalMs: 0,
    intervalSec: 60,
    horizonIntervals: 5,
    settleSec: 0,
    leaderTimeoutSec: 30,
    followerTransmitDelaySec: 10,
    peerTimeoutMs: 2_000,
    txTimeoutMs: 10_000,
    retry: FAST_RETRY,
    demandModel: () => new MovingAverageForecaster(3),
    publish: { deviationBps: 100, heartbeatSec: 600 },
    staleGraceSec: 120,
  };
}

/**
 * Restores the deployed system and starts four oracle nodes; `overrides[i]` (or `overrides(exp)[i]`, for
 * options that need the deployment) applies to node i.
 */
export async function startOracleNet(
  overrides: Partial<OracleNodeOptions>[] | ((exp: DeploymentExport) => Partial<OracleNodeOptions>[]) = [],
  feeds: string[] = ["CPU"],
): Promise<OracleNet> {
  await loadCore();
  const exp = await buildDeploymentExport(hre);
  const perNode = typeof overrides === "function" ? overrides(exp) : overrides;
  const c = connectContracts(exp, ethers.provider);
  const hub = new InMemoryTransportHub();
  const logs = new LogSink();
  const wallets = [0, 1, 2, 3].map((i) => localOracleWallet(i).connect(ethers.provider));
  const nodes: OracleNodeHandle[] = [];
  for (const [i, wallet] of wallets.entries()) {
    nodes.push(
      await startOracleNode({
        signer: wallet,
        deployment: exp,
        transport: hub.endpoint(wallet.address),
        feeds,
        logger: logs.logger(`oracle-${i}`),
        ...testNodeOptions(),
        ...perNode[i],
      }),
    );
  }
  return {
    exp,
    c,
    hub,
    wallets,
    nodes,
    logs,
    tickAll: async (except = []) => {
      const out = [];
      for (const [i, n] of nodes.entries()) out.push(except.includes(i) ? [] : await n.tick());
      return out;
    },
    stop: async () => {
      await Promise.all(nodes.map((n) => n.stop()));
    },
  };
}
