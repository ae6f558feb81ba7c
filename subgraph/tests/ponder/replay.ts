/**
 * Replays logs through the Ponder indexer's own handler files (indexer/src/*.ts) and prints every table.
 * Run by test/subgraph/mappings.test.ts:
 *
 *   CLOUDAI_DEPLOYMENT=<export.json> vite-node -c <vite.config.mjs> \
 *     subgraph/tests/ponder/replay.ts -- <logs.json> <out.json>
 *
 * with a vite config aliasing `ponder:schema` to indexer/ponder.schema.ts and `ponder:registry` to
 * ./registry.ts (the test writes it, outside subgraph/).
 * Each log is decoded with Ponder's decoder and handed to the handler Ponder would call, with
 * `context.db` backed by PGlite (store.ts).
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import * as schema from "ponder:schema";
import { handlers } from "./registry";
import { createStore } from "./store";
import { decodeEventLog } from "../../../node_modules/ponder/dist/esm/utils/decodeEventLog.js";

/** One log of the scenario (see test/subgraph/replay/scenario.ts). */
interface ReplayLog {
  contract: string;
  address: string;
  topics: string[];
  data: string;
  blockNumber: string;
  timestamp: string;
  txHash: string;
  txTo: string | null;
  txInput: string;
  logIndex: number;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..", "..", "..");

async function main(logsFile: string, outFile: string): Promise<void> {
  const exp = JSON.parse(fs.readFileSync(process.env.CLOUDAI_DEPLOYMENT as string, "utf8")) as {
    contracts: Record<string, { abi: { type: string; name?: string; inputs?: unknown[] }[] }>;
  };
  const srcDir = path.join(root, "indexer", "src");
  for (const f of fs
    .readdirSync(srcDir)
    .filter((f) => f.endsWith(".ts"))
    .sort()) {
    await import(pathToFileURL(path.join(srcDir, f)).href);
  }
  const store = await createStore(schema as Record<string, unknown>);
  const { toEventSelector } = await import("viem");
  const logs = JSON.parse(fs.readFileSync(logsFile, "utf8")) as ReplayLog[];
  let handled = 0;
  for (const log of logs) {
    const abi = exp.contracts[log.contract].abi;
    const abiItem = abi.find((i) => i.type === "event" && toEventSelector(i as never) === log.topics[0]) as
      { name: string } | undefined;
    if (!abiItem) throw new Error(`no ${log.contract} event for topic ${log.topics[0]}`);
    const key = log.contract.startsWith("PriceFeed_") ? "PriceFeed" : log.contract;
    const name = `${key}:${abiItem.name}`;
    const fn = handlers.get(name) ?? [...handlers].find(([k]) => k.startsWith(`${name}(`))?.[1];
    if (!fn) throw new Error(`the indexer registers no handler for ${name}`);
    const event = {
      name: abiItem.name,
      args: decodeEventLog({ abiItem, topics: log.topics, data: log.data }),
      log: { address: log.address, logIndex: log.logIndex, topics: log.topics, data: log.data },
      block: { number: BigInt(log.blockNumber), timestamp: BigInt(log.timestamp) },
      transaction: { hash: log.txHash, to: log.txTo, input: log.txInput },
    };
    await fn({ event, context: { db: store.db } });
    handled++;
  }
  const tables = await store.dump();
  fs.writeFileSync(
    outFile,
    JSON.stringify({ handled, handlers: [...handlers.keys()].sort(), tables }, (_k, v: unknown) =>
      typeof v === "bigint" ? v.toString() : v,
    ),
  );
}

const [logsFile, outFile] = process.argv.slice(2).filter((a) => a !== "--");
main(logsFile, outFile).then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
