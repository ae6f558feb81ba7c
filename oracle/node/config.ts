/**
 * Process configuration of `npm run oracle` (oracle/node/main.ts): an optional JSON file named by
 * `ORACLE_CONFIG`, then environment variables on top. Keys never come from here — see `loadWallet`.
 *
 * | variable | meaning | default |
 * |---|---|---|
 * | `CLOUDAI_RPC_URL` | JSON-RPC endpoint | `http://127.0.0.1:8545` |
 * | `CLOUDAI_NETWORK` | deployment name (`deployments/exports/<name>.json`) | `localhost` |
 * | `CLOUDAI_DEPLOYMENT` | path of the export file (instead of the network's) | |
 * | `CLOUDAI_OFFERS` | offer board directory (as the CLI and agents) | `.cloudai/offers/<chainId>` |
 * | `ORACLE_CONFIG` | JSON config file (fields below) | |
 * | `ORACLE_LISTEN` | `host:port` this node serves its peers on | `127.0.0.1:7700` |
 * | `ORACLE_PEERS` | `address@url,…` of the other oracle nodes | |
 * | `ORACLE_FEEDS` | resource classes to serve, `CPU,GPU` | every feed |
 * | `ORACLE_POLL_MS` | milliseconds between ticks | 15000 |
 * | `ORACLE_STATE` | state file (demand history, log cursors) | `.cloudai/oracle/<network>-<address>.json` |
 * | `ORACLE_DEV_INDEX` | local chain only: use local oracle signer i (Hardhat account 10+i), listen on 7700+i, peers 7700–7703 | |
 *
 * Config file fields: `listen`, `peers` (object address → URL), `feeds`, `pollIntervalMs`, `intervalSec`,
 * `horizonIntervals`, `deviationBps`, `heartbeatSec`, `staleGraceSec`, `leaderTimeoutSec`,
 * `followerTransmitDelaySec`, `peerTimeoutMs`, `pricing` and `pricingByFeed` (prices as decimal strings of
 * CLAI wei).
 */
import fs from "node:fs";
import path from "node:path";
import { getAddress, isAddress } from "ethers";
import { OracleConfigError } from "./errors";
import type { OracleNodeOptions, PricingOptions } from "./options";

/** Everything `main.ts` needs besides the key. */
export interface OracleProcessConfig {
  rpcUrl: string;
  network: string;
  /** Explicit export file, or undefined for `deployments/exports/<network>.json`. */
  deploymentFile?: string;
  offersDir?: string;
  listen: { host: string; port: number };
  peers: Record<string, string>;
  stateFile?: string;
  /** Local oracle signer index (chain 31337 only). */
  devIndex?: number;
  node: Pick<
    OracleNodeOptions,
    | "feeds"
    | "pollIntervalMs"
    | "intervalSec"
    | "horizonIntervals"
    | "publish"
    | "staleGraceSec"
    | "leaderTimeoutSec"
    | "followerTransmitDelaySec"
    | "peerTimeoutMs"
    | "pricing"
    | "pricingByFeed"
  >;
}

/** First port of the local (ORACLE_DEV_INDEX) layout: node i listens on DEV_BASE_PORT + i. */
export const DEV_BASE_PORT = 7700;

type Json = Record<string, unknown>;

function parseListen(value: string, what: string): { host: string; port: number } {
  const m = /^(.+):(\d+)$/.exec(value.trim());
  const port = m ? Number(m[2]) : NaN;
  if (!m || !Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new OracleConfigError(`${what} must be host:port, got "${value}"`);
  }
  return { host: m[1], port };
}

function parsePeers(value: string): Record<string, string> {
  const peers: Record<string, string> = {};
  for (const item of value
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)) {
    const at = item.indexOf("@");
    const address = item.slice(0, at);
    const url = item.slice(at + 1);
    if (at < 0 || !isAddress(address) || !/^https?:\/\//.test(url)) {
      throw new OracleConfigError(`ORACLE_PEERS entries must be address@http(s)://host:port, got "${item}"`);
    }
    peers[getAddress(address)] = url;
  }
  return peers;
}

function int(file: Json, key: string): number | undefined {
  const v = file[key];
  if (v === undefined) return undefined;
  if (typeof v !== "number" || !Number.isSafeInteger(v))
    throw new OracleConfigError(`config ${key} must be an integer`);
  return v;
}

function pricing(value: unknown, what: string): Partial<PricingOptions> | undefined {
  if (value === undefined) return undefined;
  if (value === null || typeof value !== "object")
    throw new OracleConfigError(`config ${what} must be an object`);
  const out: Partial<PricingOptions> = {};
  for (const [k, v] of Object.entries(value as Json)) {
    if (k === "basePrice" || k === "minPrice" || k === "maxPrice") {
      if (typeof v !== "string" || !/^\d+$/.test(v)) {
        throw new OracleConfigError(`config ${what}.${k} must be a decimal string of CLAI wei`);
      }
      out[k] = BigInt(v);
    } else if (["targetUtilisation", "slopeLow", "slopeHigh", "maxUtilisation", "maxStepBps"].includes(k)) {
      if (typeof v !== "number") throw new OracleConfigError(`config ${what}.${k} must be a number`);
      (out as Record<string, number>)[k] = v;
    } else {
      throw new OracleConfigError(`unknown config field ${what}.${k}`);
    }
  }
  return out;
}

/** Reads the config file (if any) and the environment. */
export function loadProcessConfig(env: NodeJS.ProcessEnv, cwd: string): OracleProcessConfig {
  let file: Json = {};
  if (env.ORACLE_CONFIG) {
    const p = path.resolve(cwd, env.ORACLE_CONFIG);
    try {
      file = JSON.parse(fs.readFileSync(p, "utf8")) as Json;
    } catch (err) {
      throw new OracleConfigError(`cannot read ORACLE_CONFIG ${p}: ${(err as Error).message}`);
    }
    if (file === null || typeof file !== "object" || Array.isArray(file)) {
      throw new OracleConfigError(`ORACLE_CONFIG ${p} must hold a JSON object`);
    }
  }
  let devIndex: number | undefined;
  if (env.ORACLE_DEV_INDEX !== undefined) {
    devIndex = Number(env.ORACLE_DEV_INDEX);
    if (!Number.isInteger(devIndex) || devIndex < 0 || devIndex > 3) {
      throw new OracleConfigError(`ORACLE_DEV_INDEX must be 0..3, got "${env.ORACLE_DEV_INDEX}"`);
    }
  }
  const listenText =
    env.ORACLE_LISTEN ??
    (typeof file.listen === "string" ? file.listen : `127.0.0.1:${DEV_BASE_PORT + (devIndex ?? 0)}`);
  let peers: Record<string, string> = {};
  if (file.peers !== undefined) {
    if (file.peers === null || typeof file.peers !== "object")
      throw new OracleConfigError("config peers must be an object");
    peers = parsePeers(
      Object.entries(file.peers as Json)
        .map(([a, u]) => `${a}@${String(u)}`)
        .join(","),
    );
  }
  if (env.ORACLE_PEERS !== undefined) peers = parsePeers(env.ORACLE_PEERS);
  const feedsText = env.ORACLE_FEEDS;
  let feeds: string[] | undefined;
  if (feedsText !== undefined)
    feeds = feedsText
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
  else if (Array.isArray(file.feeds) && file.feeds.every((f) => typeof f === "string"))
    feeds = file.feeds as string[];
  else if (file.feeds !== undefined) throw new OracleConfigError("config feeds must be an array of names");
  const pollText = env.ORACLE_POLL_MS;
  const pollIntervalMs = pollText !== undefined ? Number(pollText) : int(file, "pollIntervalMs");
  if (pollIntervalMs !== undefined && (!Number.isInteger(pollIntervalMs) || pollIntervalMs < 1)) {
    throw new OracleConfigError(`ORACLE_POLL_MS must be a positive integer, got "${pollText}"`);
  }
  const deviationBps = int(file, "deviationBps");
  const heartbeatSec = int(file, "heartbeatSec");
  let pricingByFeed: Record<string, Partial<PricingOptions>> | undefined;
  if (file.pricingByFeed !== undefined) {
    if (file.pricingByFeed === null || typeof file.pricingByFeed !== "object") {
      throw new OracleConfigError("config pricingByFeed must be an object");
    }
    pricingByFeed = {};
    for (const [name, p] of Object.entries(file.pricingByFeed as Json)) {
      pricingByFeed[name] = pricing(p, `pricingByFeed.${name}`) ?? {};
    }
  }
  const node: OracleProcessConfig["node"] = {
    feeds,
    pollIntervalMs,
    intervalSec: int(file, "intervalSec"),
    horizonIntervals: int(file, "horizonIntervals"),
    publish: {
      ...(deviationBps !== undefined ? { deviationBps } : {}),
      ...(heartbeatSec !== undefined ? { heartbeatSec } : {}),
    },
    staleGraceSec: int(file, "staleGraceSec"),
    leaderTimeoutSec: int(file, "leaderTimeoutSec"),
    followerTransmitDelaySec: int(file, "followerTransmitDelaySec"),
    peerTimeoutMs: int(file, "peerTimeoutMs"),
    pricing: pricing(file.pricing, "pricing"),
    pricingByFeed,
  };
  for (const key of Object.keys(node) as (keyof typeof node)[]) if (node[key] === undefined) delete node[key];
  return {
    rpcUrl: env.CLOUDAI_RPC_URL ?? "http://127.0.0.1:8545",
    network: env.CLOUDAI_NETWORK ?? "localhost",
    deploymentFile: env.CLOUDAI_DEPLOYMENT ? path.resolve(cwd, env.CLOUDAI_DEPLOYMENT) : undefined,
    offersDir: env.CLOUDAI_OFFERS ? path.resolve(cwd, env.CLOUDAI_OFFERS) : undefined,
    listen: parseListen(listenText, env.ORACLE_LISTEN !== undefined ? "ORACLE_LISTEN" : "config listen"),
    peers,
    stateFile: env.ORACLE_STATE ? path.resolve(cwd, env.ORACLE_STATE) : undefined,
    devIndex,
    node,
  };
}
