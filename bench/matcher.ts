/**
 * Matcher benchmark: solve time and objective of munkres / greedy / `match` (auto) against the exact
 * optimum from the HiGHS LP of the same slot model (bipartite b-matching: totally unimodular, so the LP
 * optimum is the integer optimum), then the on-chain gas per match of `assignBatch` on the in-process
 * Hardhat chain: fixed batch shapes (the gas scenario's `assignBatchGasRows`) and whole rounds of the matcher
 * service (`startMatcher`), whose batches group pairs by offer.
 *
 * Books: "random" (synthetic) and "trace" (task sizes, and from them resource classes, taken from the
 * Azure LLM inference trace 2023, code service — Azure/AzurePublicDataset, CC-BY-4.0 — read from
 * ../shared/data/traces/ and never copied into the repository).
 *
 *   npm run bench:matcher -- [--seeds 3] [--highs-time-limit 120] [--munkres-max-cells 20000000]
 *                            [--sizes 100x100,1000x1000,10000x1000] [--repeat 3] [--round-sizes 50,200]
 *                            [--skip-gas]
 *
 * Prints markdown tables on stdout; progress on stderr.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import loadHighs from "highs";
import {
  buildProblem,
  DEFAULT_MAX_EXACT_WORK,
  filterPairs,
  match,
  scoreConfig,
  solveProblemGreedy,
  solveProblemMunkres,
  type MatchBook,
  type Offer,
  type OpenTask,
  type ProviderState,
  type ScoredProblem,
  type SizeWeighting,
} from "../oracle/matcher";
import { seededRandom } from "../test/helpers/random";

type Highs = Awaited<ReturnType<typeof loadHighs>>;

const TRACE = path.resolve(
  __dirname,
  "..",
  "..",
  "shared",
  "data",
  "traces",
  "azure-llm-inference-code-2023.csv",
);
const NOW = 1_700_000_000;
const BASE_PRICE = [100n, 250n, 600n];
const LOCK = 1_000n;

const rng = seededRandom;

function scaled(base: bigint, factor: number): bigint {
  return (base * BigInt(Math.round(factor * 1000))) / 1000n;
}

/** Providers with one offer each, `slots` free slots in total, classes drawn from `classShare`. */
function supply(slots: number, classShare: readonly number[], r: () => number): [Offer[], ProviderState[]] {
  const offers: Offer[] = [];
  const providers: ProviderState[] = [];
  let left = slots;
  while (left > 0) {
    const free = Math.min(left, 1 + Math.floor(r() * 9));
    left -= free;
    const load = Math.floor(r() * 3);
    let u = r();
    let cls = 0;
    while (cls < classShare.length - 1 && u >= classShare[cls]) u -= classShare[cls++];
    const address = `0x${(providers.length + 1).toString(16).padStart(40, "0")}`;
    const reputation = 3000 + Math.floor(r() * 7001);
    const n = Math.floor(r() * 200);
    const successes = Math.round(n * (0.5 + 0.5 * (reputation / 10_000)) * (0.9 + 0.1 * r()));
    providers.push({
      address,
      active: r() > 0.03,
      // 1..12 locks: some providers are limited by stake rather than slots.
      freeStake: LOCK * BigInt(1 + Math.floor(r() * 12)),
      reputation,
      successes,
      failures: n - successes,
      currentLoad: load,
    });
    offers.push({
      provider: address,
      resourceClass: cls,
      pricePerUnit: scaled(BASE_PRICE[cls], 0.6 + 0.8 * r()),
      capacity: free + load,
      expiry: r() < 0.03 ? NOW - 1 : NOW + 3600,
      nonce: 1n,
    });
  }
  return [offers, providers];
}

function task(id: number, cls: number, units: bigint, r: () => number): OpenTask {
  return {
    id: BigInt(id),
    resourceClass: cls,
    units,
    maxPricePerUnit: scaled(BASE_PRICE[cls], 0.8 + 0.8 * r()),
    minReputation: Math.floor(r() * 7000),
    assignDeadline: r() < 0.02 ? NOW - 1 : NOW + 600,
  };
}

export function randomBook(nTasks: number, slots: number, seed: number): MatchBook {
  const r = rng(seed);
  const tasks = Array.from({ length: nTasks }, (_, i) =>
    task(i, Math.floor(r() * 3), BigInt(1 + Math.floor(r() * 100)), r),
  );
  const [offers, providers] = supply(slots, [1 / 3, 1 / 3, 1 / 3], r);
  return { tasks, offers, providers, lock: { fixed: LOCK, bpsOfValue: 0 }, now: NOW };
}

interface TraceRow {
  readonly tokens: number;
}
let traceCache: TraceRow[] | undefined;
function traceRows(): TraceRow[] {
  if (traceCache) return traceCache;
  const lines = fs.readFileSync(TRACE, "utf8").trim().split("\n").slice(1);
  traceCache = lines.map((l) => {
    const [, ctx, gen] = l.split(",");
    return { tokens: Number(ctx) + Number(gen) };
  });
  return traceCache;
}

/** Resource class by request size: < 1,500 tokens small, < 6,000 medium, else large. */
function traceClass(tokens: number): number {
  return tokens < 1500 ? 0 : tokens < 6000 ? 1 : 2;
}

export function traceBook(nTasks: number, slots: number, seed: number): MatchBook {
  const r = rng(seed);
  const rows = traceRows();
  const start = Math.floor(r() * rows.length);
  const tasks: OpenTask[] = [];
  const count = [0, 0, 0];
  for (let i = 0; i < nTasks; i++) {
    const { tokens } = rows[(start + i) % rows.length];
    const cls = traceClass(tokens);
    count[cls]++;
    // Billing unit: 1,000 tokens (context + generated).
    tasks.push(task(i, cls, BigInt(Math.max(1, Math.ceil(tokens / 1000))), r));
  }
  const share = count.map((c) => c / nTasks);
  const [offers, providers] = supply(slots, share, r);
  return { tasks, offers, providers, lock: { fixed: LOCK, bpsOfValue: 0 }, now: NOW };
}

interface LpResult {
  readonly status: string;
  readonly objective: number;
  /** Valid upper bound on the optimum (equal to objective when optimal). */
  readonly bound: number;
  readonly ms: number;
}

/**
 * Max Σ w·x s.t. Σ_o x[t,o] ≤ 1 per task, Σ_t x[t,o] ≤ slots(o) per offer, 0 ≤ x ≤ 1, over feasible
 * pairs only (sparse). When HiGHS stops early, a valid upper bound is rebuilt from the offer-row duals v ≥ 0:
 * Σ_o slots(o)·v_o + Σ_t max(0, max_o (w_to − v_o)) (weak duality).
 */
function solveLp(highs: Highs, p: ScoredProblem, timeLimit: number): LpResult {
  const n = p.pairScore.length;
  const numRows = p.numTasks + p.numOffers;
  const starts = new Int32Array(n + 1);
  const indices = new Int32Array(2 * n);
  const values = new Float64Array(2 * n).fill(1);
  for (let j = 0; j < n; j++) {
    starts[j + 1] = 2 * (j + 1);
    indices[2 * j] = p.pairTask[j];
    indices[2 * j + 1] = p.numTasks + p.pairOffer[j];
  }
  const rowUpper = new Float64Array(numRows);
  rowUpper.fill(1, 0, p.numTasks);
  for (let o = 0; o < p.numOffers; o++) rowUpper[p.numTasks + o] = p.slots[o];
  const t0 = performance.now();
  return highs.withModel(
    {
      numCols: n,
      numRows,
      sense: highs.constants.objectiveSense.maximize,
      colCost: p.pairScore,
      colLower: new Float64Array(n),
      colUpper: new Float64Array(n).fill(1),
      rowLower: new Float64Array(numRows).fill(-highs.infinity),
      rowUpper,
      matrix: { format: "csc", numRows, numCols: n, starts, indices, values },
    },
    (model) => {
      model.options.set({ output_flag: false, time_limit: timeLimit });
      model.run();
      const ms = performance.now() - t0;
      const status = model.getModelStatus();
      const optimal = status === highs.constants.modelStatus.optimal;
      const sol = model.getSolution();
      let objective = 0;
      for (let j = 0; j < n; j++) objective += p.pairScore[j] * sol.colValue[j];
      let bound = Number.POSITIVE_INFINITY;
      for (const sign of [1, -1]) {
        const v = new Float64Array(p.numOffers);
        if (sol.rowDual && sol.rowDual.length === numRows)
          for (let o = 0; o < p.numOffers; o++) v[o] = Math.max(0, sign * sol.rowDual[p.numTasks + o]);
        const u = new Float64Array(p.numTasks);
        for (let j = 0; j < n; j++)
          u[p.pairTask[j]] = Math.max(u[p.pairTask[j]], p.pairScore[j] - v[p.pairOffer[j]]);
        let b = 0;
        for (let o = 0; o < p.numOffers; o++) b += p.slots[o] * v[o];
        for (let t = 0; t < p.numTasks; t++) b += u[t];
        bound = Math.min(bound, b);
      }
      return {
        status: optimal ? "optimal" : `status ${status}`,
        objective,
        bound: optimal ? objective : bound,
        ms,
      };
    },
  );
}

function objectiveOf(p: ScoredProblem, chosen: readonly number[]): number {
  let s = 0;
  for (const c of chosen) s += p.pairScore[c];
  return s;
}

/** Runs `f` `n` times; returns its (last) value and the wall times, sorted ascending. */
function timed<T>(f: () => T, n: number): [T, number[]] {
  const times: number[] = [];
  let v: T | undefined;
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    v = f();
    times.push(performance.now() - t0);
  }
  return [v as T, times.sort((a, b) => a - b)];
}

/** "median (min)" of sorted times; just the time for a single run. */
function fmtTimes(times: readonly number[]): string {
  const median = times[Math.floor((times.length - 1) / 2)];
  return times.length === 1 ? fmtMs(median) : `${fmtMs(median)} (min ${fmtMs(times[0])})`;
}

/** One gas row: gas per assigned match (from `bench/matcher-gas.ts`). */
interface GasRow {
  readonly op: string;
  readonly perMatch: string;
  readonly note: string;
}

/**
 * Runs `bench/matcher-gas.ts` under `hardhat run` (the in-process chain, with the plugins loaded) and reads
 * its JSON rows; its progress goes to our stderr.
 */
function measureGas(roundSizes: readonly number[]): GasRow[] {
  const res = spawnSync("npx", ["hardhat", "run", "bench/matcher-gas.ts"], {
    cwd: path.resolve(__dirname, ".."),
    env: { ...process.env, MATCHER_GAS_ROUNDS: roundSizes.join(",") },
    stdio: ["ignore", "pipe", "inherit"],
    encoding: "utf8",
  });
  if (res.status !== 0) throw new Error(`bench/matcher-gas.ts failed (exit ${res.status})`);
  const last = res.stdout.trim().split("\n").pop() ?? "";
  return JSON.parse(last) as GasRow[];
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const fmtMs = (ms: number): string => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`);
const gap = (opt: number, v: number): string => `${((100 * (opt - v)) / opt).toFixed(3)} %`;

async function main(): Promise<void> {
  const seeds = Number(arg("seeds", "3"));
  const timeLimit = Number(arg("highs-time-limit", "120"));
  const munkresMaxCells = Number(arg("munkres-max-cells", "20000000"));
  const sizes = arg("sizes", "100x100,1000x1000,10000x1000")
    .split(",")
    .map((s) => s.split("x").map(Number) as [number, number]);
  const roundSizes = arg("round-sizes", "50,200").split(",").map(Number);
  const skipGas = process.argv.includes("--skip-gas");
  const repeat = Number(arg("repeat", "3"));
  const loadAtStart = os.loadavg();
  const highs = await loadHighs();
  const started = performance.now();

  // Warm-up so the first timed row does not pay JIT compilation.
  match(randomBook(300, 300, 999));

  const header =
    "| book | tasks × slots | seed | feasible pairs / after pruning | matrix cells (work) | `match` method | `match` time (filter+score+solve) | munkres solve | greedy solve | HiGHS LP | LP optimum | munkres gap | greedy gap | `match` gap |";
  const lines = [header, `|${"---|".repeat(14)}`];
  for (const kind of ["random", "trace"] as const) {
    for (const [nTasks, nSlots] of sizes) {
      const nSeeds = nTasks * nSlots > 2_000_000 ? 1 : seeds;
      for (let seed = 1; seed <= nSeeds; seed++) {
        process.stderr.write(`${kind} ${nTasks}x${nSlots} seed ${seed}: `);
        const book = kind === "random" ? randomBook(nTasks, nSlots, seed) : traceBook(nTasks, nSlots, seed);
        const sizeWeighting: SizeWeighting = kind === "trace" ? "log" : "flat";
        const [result, autoMs] = timed(
          () => match(book, { collectRejections: false, score: { sizeWeighting } }),
          repeat,
        );
        process.stderr.write(`match ${result.method} ${fmtTimes(autoMs)}; `);
        // `problem` is what `match` solves (exactly pruned); the reference optimum and plain greedy use every
        // feasible pair, so the pruning is checked too.
        const filter = filterPairs(book, { collectRejections: false });
        const problem = buildProblem(book, filter, scoreConfig({ sizeWeighting }));
        const full = buildProblem(book, filter, scoreConfig({ sizeWeighting }), { prune: false });
        let munkresObj: number | undefined;
        let munkresMs: number[] | undefined;
        if (problem.cells <= munkresMaxCells) {
          const [chosen, ms] = timed(() => solveProblemMunkres(problem), repeat);
          munkresObj = objectiveOf(problem, chosen);
          munkresMs = ms;
          process.stderr.write(`munkres ${fmtTimes(ms)}; `);
        }
        const [greedy, greedyMs] = timed(() => solveProblemGreedy(full), repeat);
        const greedyObj = objectiveOf(full, greedy);
        process.stderr.write(`greedy ${fmtTimes(greedyMs)}; `);
        const lp = solveLp(highs, full, timeLimit);
        process.stderr.write(`HiGHS ${lp.status} ${fmtMs(lp.ms)}\n`);
        const ref = lp.bound;
        const optLabel =
          lp.status === "optimal" ? ref.toFixed(3) : `≤ ${ref.toFixed(3)} (bound, ${lp.status})`;
        lines.push(
          `| ${kind} | ${nTasks} × ${nSlots} | ${seed} | ${full.pairScore.length} / ${problem.pairScore.length} | ${problem.cells} (${problem.work.toExponential(1)}) | ${result.method} | ${fmtTimes(autoMs)} | ${munkresMs === undefined ? "skipped" : fmtTimes(munkresMs)} | ${fmtTimes(greedyMs)} | ${fmtMs(lp.ms)} | ${optLabel} | ${munkresObj === undefined ? "—" : gap(ref, munkresObj)} | ${gap(ref, greedyObj)} | ${gap(ref, result.totalScore)} |`,
        );
      }
    }
  }
  const cmd = `npm run bench:matcher -- ${process.argv.slice(2).join(" ")}`.trim();
  const cpus = os.cpus();
  console.log(
    `Command: \`${cmd}\` (default munkres/greedy threshold: Hungarian work ${DEFAULT_MAX_EXACT_WORK.toExponential(1)}; solver times: median of ${repeat} runs, with the fastest)`,
  );
  console.log(
    `Machine: ${cpus.length} CPUs (${cpus[0]?.model ?? "unknown"}), node ${process.version}, load average at start ${loadAtStart.map((l) => l.toFixed(2)).join(" / ")}\n`,
  );
  console.log(lines.join("\n"));
  console.log(
    `\nGap = (optimum − objective) / optimum; the optimum is the HiGHS LP optimum of the same slot model over every feasible pair (munkres and \`match\` solve the pruned pairs; greedy uses every pair).`,
  );
  console.log(`Trace data: Azure LLM inference trace 2023 (code), Azure/AzurePublicDataset, CC-BY-4.0.`);

  if (!skipGas) {
    process.stderr.write("gas: assignBatch on the in-process chain (bench/matcher-gas.ts)…\n");
    const rows = measureGas(roundSizes);
    console.log(
      `\nOn-chain gas per match (\`assignBatch\`, in-process Hardhat chain; each figure includes its share of the 21k transaction base):\n`,
    );
    console.log("| batch | gas per match | note |");
    console.log("|---|---:|---|");
    for (const r of rows) console.log(`| ${r.op} | ${r.perMatch} | ${r.note} |`);
  }
  console.log(
    `\nTotal run time ${fmtMs(performance.now() - started)}; load average at end ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" / ")}.`,
  );
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
