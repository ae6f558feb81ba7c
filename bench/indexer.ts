/**
 * Indexer benchmark (`npm run bench:indexer`): builds a local chain with ≥ 10,000 CloudAI events
 * (`bench/indexer-chain.ts`), then measures
 *  1. backfill: events indexed per second from the indexer's start to `/ready` (fresh PGlite database), and
 *     Ponder's own backfill duration (its "Started/Completed backfill" log lines) for reference;
 *  2. GraphQL latency (p50/p95/p99) with 50 concurrent clients on loopback running the queries a dashboard
 *     makes: latest tasks, provider leaderboard, hourly statistics per class, latest price rounds.
 * Targets: ≥ 500 events/s, p95 ≤ 50 ms. Prints the machine and every figure as measured.
 *
 *   npm run bench:indexer -- [--transfers 4000] [--tasks 600] [--clients 50] [--requests 4000]
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { JsonRpcProvider, Network } from "ethers";
import {
  type Child,
  REPO_ROOT,
  freePort,
  nodeDeployment,
  ponderCli,
  runHardhatScript,
  spawnNode,
  startHardhatNode,
} from "../scripts/lib/local-chain";
import { HARDHAT_CHAIN_ID } from "../sdk/devAccounts";

const TARGET_EVENTS_PER_S = 500;
const TARGET_P95_MS = 50;

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i === -1) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`--${name} needs a non-negative integer`);
  return v;
}

const log = (msg: string) => process.stderr.write(`${msg}\n`);

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const QUERIES: Record<string, string> = {
  "latest tasks": `{ tasks(orderBy: "createdAt", orderDirection: "desc", limit: 20) { items { id status requester provider resourceClass units pricePerUnit payment createdAt } } }`,
  "provider leaderboard": `{ providers(orderBy: "volume", orderDirection: "desc", limit: 20) { items { id reputation stake tasksCompleted tasksFailed volume earnings } } }`,
  "hourly stats per class": `{ cpu: marketStatHours(where: { resourceClass: 0 }, orderBy: "periodStart", orderDirection: "desc", limit: 24) { items { periodStart tasksCreated volume averagePrice utilisationBps } } gpu: marketStatHours(where: { resourceClass: 1 }, orderBy: "periodStart", orderDirection: "desc", limit: 24) { items { periodStart tasksCreated volume averagePrice utilisationBps } } }`,
  "price rounds": `{ priceRounds(orderBy: "updatedAt", orderDirection: "desc", limit: 50) { items { feedName roundId answer updatedAt } } }`,
};

async function main(): Promise<void> {
  const transfers = arg("transfers", 4_000);
  const tasks = arg("tasks", 600);
  const clients = arg("clients", 50);
  const requests = arg("requests", 4_000);
  const cpus = os.cpus();
  const machine = {
    nproc: cpus.length,
    cpu: cpus[0]?.model.trim() ?? "unknown",
    node: process.version,
    loadavg: os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" "),
  };
  log(`machine: ${machine.nproc} × ${machine.cpu}, Node ${machine.node}, load average ${machine.loadavg}`);

  const node = await startHardhatNode();
  let indexer: Child | undefined;
  const dbDir = fs.mkdtempSync(path.join(os.tmpdir(), "cloudai-bench-db-"));
  try {
    // 1. The chain.
    log(`building the chain on ${node.url}: ${tasks} market tasks, ${transfers} CLAI transfers…`);
    const built = performance.now();
    let last = "";
    await runHardhatScript(node, path.join(__dirname, "indexer-chain.ts"), {
      env: { BENCH_TRANSFERS: `${transfers}`, BENCH_TASKS: `${tasks}` },
      onOutput: (text) => {
        for (const line of text.split("\n")) {
          const m = /^progress (\S+) (\d+) (\d+)/.exec(line);
          if (!m) continue;
          const msg = `  ${m[1]} ${m[2]}/${m[3]} (${((performance.now() - built) / 1000).toFixed(0)} s)`;
          if (msg !== last) log(msg);
          last = msg;
        }
      },
    });
    const exp = nodeDeployment(node);
    const provider = new JsonRpcProvider(node.url, undefined, {
      staticNetwork: Network.from(HARDHAT_CHAIN_ID),
    });
    const head = await provider.getBlockNumber();
    const indexed = Object.entries(exp.contracts).filter(([n]) => !n.endsWith("Verifier"));
    const fromBlock = Math.min(...indexed.map(([, c]) => c.startBlock));
    const logs = await provider.getLogs({
      address: indexed.map(([, c]) => c.address),
      fromBlock,
      toBlock: head,
    });
    provider.destroy();
    const events = logs.length;
    log(
      `chain built in ${((performance.now() - built) / 1000).toFixed(1)} s: ${events} events in ${head} blocks`,
    );

    // 2. Backfill.
    const port = await freePort();
    const api = `http://127.0.0.1:${port}`;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      CLOUDAI_RPC_URL: node.url,
      CLOUDAI_DEPLOYMENT: node.exportFile,
      CLOUDAI_INDEXER_PGLITE_DIR: dbDir,
      PORT: `${port}`,
      PONDER_TELEMETRY_DISABLED: "true",
    };
    delete env.DATABASE_URL;
    delete env.DATABASE_PRIVATE_URL;
    let backfillMs: number | undefined;
    let pending = "";
    const started = performance.now();
    indexer = spawnNode("ponder", [ponderCli(), "start", "--schema", "bench", "--log-format", "json"], {
      cwd: path.join(REPO_ROOT, "indexer"),
      env,
      onOutput: (text) => {
        pending += text;
        const lines = pending.split("\n");
        pending = lines.pop() ?? "";
        for (const l of lines) {
          if (l.includes('"Completed backfill indexing across all chains"')) {
            backfillMs = (JSON.parse(l) as { duration: number }).duration;
          }
        }
      },
    });
    for (;;) {
      if (!indexer.running) throw new Error(`the indexer exited:\n${indexer.output()}`);
      const ok = await fetch(`${api}/ready`)
        .then((r) => r.status === 200)
        .catch(() => false);
      if (ok) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const readyMs = performance.now() - started;
    const count = (await (
      await fetch(`${api}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query: "{ rawEvents(limit: 1) { totalCount } }" }),
      })
    ).json()) as { data: { rawEvents: { totalCount: number } } };
    const indexedEvents = count.data.rawEvents.totalCount;
    if (indexedEvents !== events) {
      throw new Error(`indexed ${indexedEvents} events at /ready, the chain has ${events}`);
    }
    const rate = events / (readyMs / 1000);
    const backfillRate = backfillMs ? events / (backfillMs / 1000) : undefined;

    // 3. GraphQL latency under concurrency: as served (checkpoint-keyed response cache), then with the
    //    cache bypassed (`Cache-Control: no-cache`), i.e. every request executed against the database.
    const names = Object.keys(QUERIES);
    const latency = async (bypass: boolean) => {
      const headers: Record<string, string> = { "content-type": "application/json" };
      if (bypass) headers["cache-control"] = "no-cache";
      const run = async (name: string): Promise<number> => {
        const t0 = performance.now();
        const res = await fetch(`${api}/graphql`, {
          method: "POST",
          headers,
          body: JSON.stringify({ query: QUERIES[name] }),
        });
        const body = (await res.json()) as { errors?: unknown };
        const ms = performance.now() - t0;
        if (res.status !== 200 || body.errors) throw new Error(`${name} failed: ${JSON.stringify(body)}`);
        return ms;
      };
      for (const name of names) for (let i = 0; i < 5; i++) await run(name); // warm-up
      const samples: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
      let next = 0;
      const started = performance.now();
      await Promise.all(
        Array.from({ length: clients }, async () => {
          for (let i = next++; i < requests; i = next++) {
            const name = names[i % names.length]!;
            samples[name]!.push(await run(name));
          }
        }),
      );
      const seconds = (performance.now() - started) / 1000;
      const sorted = Object.fromEntries([
        ...names.map((n) => [n, [...samples[n]!].sort((a, b) => a - b)] as const),
        [
          "all",
          Object.values(samples)
            .flat()
            .sort((a, b) => a - b),
        ] as const,
      ]) as Record<string, number[]>;
      return { sorted, seconds };
    };
    const served = await latency(false);
    const uncached = await latency(true);

    // 4. Report.
    const fmt = (ms: number) => ms.toFixed(1);
    const table = (r: { sorted: Record<string, number[]>; seconds: number }, title: string) => [
      `${title}: ${clients} concurrent clients, ${r.sorted.all!.length} requests in ${r.seconds.toFixed(1)} s (${(r.sorted.all!.length / r.seconds).toFixed(0)} req/s)`,
      "",
      "| query | requests | p50 ms | p95 ms | p99 ms |",
      "|---|---:|---:|---:|---:|",
      ...[...names, "all"].map((name) => {
        const v = r.sorted[name]!;
        return `| ${name} | ${v.length} | ${fmt(percentile(v, 50))} | ${fmt(percentile(v, 95))} | ${fmt(percentile(v, 99))} |`;
      }),
      "",
    ];
    const p95 = percentile(served.sorted.all!, 95);
    const out = [
      `machine: nproc ${machine.nproc}, ${machine.cpu}, Node ${machine.node}, load average at start ${machine.loadavg}`,
      `chain: ${events} events (${head} blocks: ${tasks} market tasks, ${transfers} CLAI transfers, deployment and governance)`,
      "",
      "| backfill (fresh PGlite) | value |",
      "|---|---:|",
      `| events indexed | ${events} |`,
      `| indexer start → /ready | ${(readyMs / 1000).toFixed(2)} s |`,
      `| rate, start → /ready | ${rate.toFixed(0)} events/s (target ≥ ${TARGET_EVENTS_PER_S}: ${rate >= TARGET_EVENTS_PER_S ? "met" : "NOT met"}) |`,
      backfillRate
        ? `| Ponder's backfill phase alone | ${(backfillMs! / 1000).toFixed(2)} s, ${backfillRate.toFixed(0)} events/s |`
        : "| Ponder's backfill phase alone | not reported |",
      "",
      ...table(served, "GraphQL latency as served (checkpoint-keyed response cache)"),
      ...table(uncached, "GraphQL latency with the cache bypassed (Cache-Control: no-cache)"),
      `p95 as served ${fmt(p95)} ms (target ≤ ${TARGET_P95_MS} ms: ${p95 <= TARGET_P95_MS ? "met" : "NOT met"}); uncached p95 ${fmt(percentile(uncached.sorted.all!, 95))} ms`,
    ];
    console.log(out.join("\n"));
  } finally {
    await indexer?.stop();
    await node.stop();
    fs.rmSync(dbDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  log(err instanceof Error ? `${err.name}: ${err.message}` : String(err));
  process.exitCode = 1;
});
