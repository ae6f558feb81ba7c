/**
 * Market simulation: replays the task arrivals of a real LLM inference trace against CloudAI on the
 * in-process chain, with four oracle nodes running, and shows the published price following demand.
 *
 *   npm run simulate:market                                   # the Azure LLM code trace (≈ 1 h, 8,818 requests)
 *   CLOUDAI_TRACE=<csv> npm run simulate:market               # another trace, same columns
 *   npx ts-node scripts/simulate-market.ts --trace <csv> [--minutes N] [--out docs/oracle]
 *
 * Model (all stated in docs/oracle.md):
 * - every request of `../shared/data/traces/azure-llm-inference-code-2023.csv` becomes one GPU task created
 *   at the feed's market price (`createTaskAtMarketPrice`), at its own second of the trace: chain time
 *   follows trace time one to one, and the replay runs as fast as the chain executes (time compressed:
 *   the compression factor is printed); size `units = ⌈(prompt + generated tokens) / 1000⌉`;
 * - three providers stake and publish open offers; their total capacity is sized so that the trace's mean
 *   demand over the oracle's horizon is the controller's target utilisation (80 %);
 * - four oracle nodes (in-process, in-memory transport; the deployment's signers, f = 1) bin demand per
 *   minute, forecast the next 5 minutes, run the controller and publish a round whenever the median moves
 *   ≥ 1 % (at most once a minute) or after 10 minutes;
 * - tasks are not assigned (the matcher is not part of this run): supply stays constant, so the price moves
 *   with demand alone.
 * Writes `<out>/market-simulation.md` (table) and `<out>/market-simulation.svg` (plot); prints the table.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import hre from "hardhat";
import type { HardhatNetworkConfig } from "hardhat/types";
import { buildDeploymentExport } from "./lib/export";
import { localOracleWallet } from "./lib/deploy-config";
import {
  binRequests,
  parseLlmTrace,
  pearson,
  simulationTable,
  trailingMean,
  type SimRow,
  type TraceRequest,
} from "./lib/market-sim";
import { connectContracts } from "../sdk/deployment";
import { DirOfferBoard } from "../sdk/offers";
import { createLogger } from "../sdk/service";
import { signOffer } from "../sdk/signing";
import { svgLinePlot, svgStack } from "../oracle/forecast";
import {
  InMemoryTransportHub,
  startOracleNode,
  type OracleNodeHandle,
  type RoundOutcome,
} from "../oracle/node";
import { DEFAULT_PRICING } from "../oracle/node";

const E18 = 10n ** 18n;
const INTERVAL_SEC = 60;
const HORIZON = 5;
const TARGET_UTILISATION = DEFAULT_PRICING.targetUtilisation;
const GPU = 1;
const PROVIDERS = 3;
const STAKE = 50_000n * E18;
const DEFAULT_TRACE = path.resolve(
  __dirname,
  "..",
  "..",
  "shared",
  "data",
  "traces",
  "azure-llm-inference-code-2023.csv",
);

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const toClai = (wei: bigint) => Number(wei) / 1e18;

async function main(): Promise<void> {
  const started = Date.now();
  // many tasks share a second of the trace: let blocks share a timestamp (a Hardhat network option, set
  // before the in-process chain starts)
  (hre.network.config as HardhatNetworkConfig).allowBlocksWithSameTimestamp = true;
  const { ethers, deployments } = hre;

  const tracePath = path.resolve(arg("trace") ?? process.env.CLOUDAI_TRACE ?? DEFAULT_TRACE);
  const outDir = path.resolve(
    arg("out") ?? process.env.CLOUDAI_SIM_OUT ?? path.join(__dirname, "..", "docs", "oracle"),
  );
  const minutesArg = arg("minutes") ?? process.env.CLOUDAI_SIM_MINUTES;
  let requests: TraceRequest[] = parseLlmTrace(fs.readFileSync(tracePath, "utf8"));
  if (minutesArg !== undefined) requests = requests.filter((r) => r.offsetSec < Number(minutesArg) * 60);
  const bins = binRequests(requests, INTERVAL_SEC);
  const totalUnits = bins.reduce((s, b) => s + b.units, 0);
  const meanUnits = totalUnits / bins.length;
  const capacity = Math.ceil((meanUnits * HORIZON) / TARGET_UTILISATION / PROVIDERS);
  const log = (msg: string) => process.stderr.write(`[simulate-market] ${msg}\n`);
  log(
    `${requests.length} requests, ${totalUnits} units over ${bins.length} one-minute intervals (${path.basename(tracePath)})`,
  );

  // the whole protocol with its final roles (tag "handover"), without the dev ZK circuit's governance
  // proposal: the simulated tasks are optimistic, and a vote in same-second blocks would find no past votes
  log("deploying CloudAI on the in-process chain…");
  await deployments.fixture(["handover"]);
  const exp = await buildDeploymentExport(hre);
  const [deployer, requester, ...rest] = await ethers.getSigners();
  const c = connectContracts(exp, deployer);
  const market = await c.market.getAddress();

  log(
    `${PROVIDERS} providers stake ${ethers.formatEther(STAKE)} CLAI each and offer ${capacity} GPU units each…`,
  );
  const boardDir = fs.mkdtempSync(path.join(os.tmpdir(), "cloudai-sim-offers-"));
  const board = new DirOfferBoard(boardDir, exp.chainId, market);
  const latest = async () => (await ethers.provider.getBlock("latest"))!.timestamp;
  for (const [i, p] of rest.slice(0, PROVIDERS).entries()) {
    await c.token.transfer(p.address, STAKE);
    await c.token.connect(p).approve(await c.staking.getAddress(), ethers.MaxUint256);
    await c.staking.connect(p).register(`sim://provider-${i}`, "0x01", 1n << BigInt(GPU));
    await c.staking.connect(p).stake(STAKE);
    const offer = {
      provider: p.address,
      resourceClass: GPU,
      pricePerUnit: E18,
      capacity,
      expiry: (await latest()) + 30 * 86_400,
      nonce: 1,
    };
    await board.publish({ offer, signature: await signOffer(p, exp.chainId, market, offer) });
  }
  await c.token.transfer(requester.address, 50_000_000n * E18);
  await c.token.connect(requester).approve(market, ethers.MaxUint256);

  log("starting four oracle nodes (in-process, in-memory transport)…");
  const hub = new InMemoryTransportHub();
  const nodes: OracleNodeHandle[] = [];
  for (let i = 0; i < 4; i++) {
    const wallet = localOracleWallet(i).connect(ethers.provider);
    nodes.push(
      await startOracleNode({
        signer: wallet,
        deployment: exp,
        transport: hub.endpoint(wallet.address),
        feeds: ["GPU"],
        offers: board,
        intervalSec: INTERVAL_SEC,
        horizonIntervals: HORIZON,
        publish: { deviationBps: 100, heartbeatSec: 600 },
        pollIntervalMs: 0,
        logger: createLogger(`oracle-${i}`, { level: "warn" }),
      }),
    );
  }
  const feed = c.feeds.GPU;
  const setTime = (t: number) => ethers.provider.send("evm_setNextBlockTimestamp", [t]);
  const tickAll = async (): Promise<RoundOutcome | undefined> => {
    let led: RoundOutcome | undefined;
    for (const n of nodes) for (const r of await n.tick()) led = r.led ?? led;
    return led;
  };

  // chain time T0 (an interval boundary, ahead of the wall clock) is the trace's first second
  const T0 =
    Math.ceil((Math.max(await latest(), Math.floor(Date.now() / 1000)) + 2 * INTERVAL_SEC) / INTERVAL_SEC) *
    INTERVAL_SEC;
  await setTime(T0 - INTERVAL_SEC / 2);
  await ethers.provider.send("evm_mine", []);
  const first = await tickAll();
  if (first?.kind !== "transmitted") throw new Error(`the first round was not published: ${first?.kind}`);
  log(`first round: ${toClai((await feed.latestRoundData()).answer)} CLAI per GPU unit`);

  const template = {
    resourceClass: GPU,
    mode: 0,
    minReputation: 0,
    maxPricePerUnit: 1_000n * E18,
    circuitId: ethers.ZeroHash,
    inputCommitment: ethers.ZeroHash,
    inputCid: "",
  };
  const m = c.market.connect(requester);
  const gasLimit =
    ((await m.createTaskAtMarketPrice.estimateGas({
      ...template,
      units: 1,
      assignDeadline: T0 + 600,
      completionDeadline: T0 + 1_800,
    })) *
      15n) /
    10n;
  const sameSecond = await latest();
  await setTime(sameSecond);
  await ethers.provider.send("evm_mine", []);
  if ((await latest()) !== sameSecond) throw new Error("the chain refused blocks with equal timestamps");
  /** Creates one market-price task at chain time `t` (raw eth_sendTransaction: ~8,800 of them). */
  let lastTime = sameSecond;
  const createTask = async (t: number, units: number) => {
    await setTime(t); // every block: untimed blocks would follow the wall clock and drift ahead
    lastTime = t;
    const data = c.market.interface.encodeFunctionData("createTaskAtMarketPrice", [
      { ...template, units, assignDeadline: t + 600, completionDeadline: t + 1_800 },
    ]);
    await ethers.provider.send("eth_sendTransaction", [
      { from: requester.address, to: market, data, gas: ethers.toQuantity(gasLimit) },
    ]);
  };

  const rows: SimRow[] = [];
  const transmitGas: bigint[] = [];
  let next = 0;
  let tasks = 0;
  const replayStart = Date.now();
  for (let k = 0; k < bins.length; k++) {
    const end = T0 + (k + 1) * INTERVAL_SEC;
    while (next < requests.length && T0 + requests[next].offsetSec < end) {
      const r = requests[next++];
      await createTask(Math.max(lastTime, T0 + Math.floor(r.offsetSec)), r.units);
      tasks++;
    }
    await setTime(end);
    await ethers.provider.send("evm_mine", []);
    await setTime(end); // the round's transmission too, whatever the wall clock did meanwhile
    lastTime = end;
    const led = await tickAll();
    lastTime = Math.max(end, await latest());
    if (led?.kind === "transmitted") transmitGas.push(led.gasUsed);
    const obs = nodes[0].status()[0].lastObservation;
    const round = await feed.latestRoundData();
    rows.push({
      interval: k,
      requests: bins[k].requests,
      units: bins[k].units,
      forecast: (obs?.demand ?? 0) / HORIZON,
      supply: obs?.supply ?? 0,
      utilisation: obs?.controller.utilisation ?? 0,
      target: toClai(obs?.controller.targetPrice ?? 0n),
      price: toClai(round.answer),
      published: led?.kind === "transmitted" ? `${round.roundId} (${led.reason})` : undefined,
    });
    if ((k + 1) % 5 === 0 || k === bins.length - 1) {
      const s = ((Date.now() - replayStart) / 1000).toFixed(0);
      log(
        `${k + 1}/${bins.length} intervals · ${tasks} tasks · price ${toClai(round.answer).toFixed(3)} CLAI · ${s} s`,
      );
    }
  }
  const replaySec = (Date.now() - replayStart) / 1000;
  await Promise.all(nodes.map((n) => n.stop()));
  fs.rmSync(boardDir, { recursive: true, force: true });

  // ---- report ----
  const price = rows.map((r) => r.price);
  const published = rows.filter((r) => r.published);
  const traceSpan = bins.length * INTERVAL_SEC;
  const stats = {
    requests: requests.length,
    tasks,
    units: totalUnits,
    intervals: rows.length,
    rounds: published.length,
    deviationRounds: published.filter((r) => r.published?.includes("deviation")).length,
    heartbeatRounds: published.filter((r) => r.published?.includes("heartbeat")).length,
    capacityPerProvider: capacity,
    priceMin: Math.min(...price),
    priceMax: Math.max(...price),
    corrForecast: pearson(
      rows.map((r) => r.forecast),
      price,
    ),
    corrUnits: pearson(
      rows.map((r) => r.units),
      price,
    ),
    corrUnitsLag: pearson(
      rows.slice(0, -1).map((r) => r.units),
      price.slice(1),
    ),
    corrTrailing: pearson(
      trailingMean(
        rows.map((r) => r.units),
        10,
      ),
      price,
    ),
    meanUtilisation: rows.reduce((s, r) => s + r.utilisation, 0) / rows.length,
    transmitGas: transmitGas.length
      ? Number(transmitGas.reduce((a, b) => a + b, 0n)) / transmitGas.length
      : 0,
    replaySec,
    compression: traceSpan / replaySec,
    totalSec: (Date.now() - started) / 1000,
  };
  const table = simulationTable(rows);
  const summary = [
    `- trace: \`${path.basename(tracePath)}\`, ${stats.requests.toLocaleString("en-US")} requests → ${stats.tasks.toLocaleString("en-US")} GPU tasks, ${stats.units.toLocaleString("en-US")} units, ${stats.intervals} one-minute intervals`,
    `- supply: ${PROVIDERS} providers × ${capacity.toLocaleString("en-US")} units offered (mean demand over the 5-minute horizon = ${TARGET_UTILISATION * 100} % of it); mean utilisation seen by the oracle ${stats.meanUtilisation.toFixed(2)}`,
    `- rounds published: ${stats.rounds} of ${stats.intervals} intervals (${stats.deviationRounds} on ≥ 1 % deviation, ${stats.heartbeatRounds} on the 10-minute heartbeat), ${Math.round(stats.transmitGas).toLocaleString("en-US")} gas per transmission on average`,
    `- published price: ${stats.priceMin.toFixed(3)}–${stats.priceMax.toFixed(3)} CLAI per unit (base 1 CLAI, at most ±10 % per round)`,
    `- correlation of the published price with the oracle's demand forecast: ${stats.corrForecast.toFixed(2)}; with the units created in the same minute: ${stats.corrUnits.toFixed(2)}, in the previous minute: ${stats.corrUnitsLag.toFixed(2)}; with the 10-minute trailing mean of units: ${stats.corrTrailing.toFixed(2)}`,
    `- replay: ${stats.replaySec.toFixed(0)} s wall time for ${(traceSpan / 60).toFixed(0)} min of trace (time compressed ${stats.compression.toFixed(0)}×); whole run ${stats.totalSec.toFixed(0)} s`,
  ].join("\n");
  console.log(summary + "\n\n" + table);

  fs.mkdirSync(outDir, { recursive: true });
  const ticks = { stepsPerTick: 10, tickLabel: (i: number) => `${i * 10} min` };
  const svg = svgStack([
    svgLinePlot(
      [
        { label: "units created per minute", values: rows.map((r) => r.units), color: "#999", width: 1 },
        {
          label: "10-minute trailing mean",
          values: trailingMean(
            rows.map((r) => r.units),
            10,
          ),
          color: "#ff7f0e",
          width: 2,
        },
        {
          label: "oracle forecast (units per minute, next 5 min)",
          values: rows.map((r) => r.forecast),
          color: "#1f77b4",
          width: 2,
        },
      ],
      {
        title: "GPU demand: Azure LLM inference trace (code), replayed as CloudAI tasks",
        yLabel: "units (1k tokens)",
        height: 300,
        ...ticks,
      },
    ),
    svgLinePlot(
      [{ label: "published GPU price (PriceFeed median)", values: price, color: "#d62728", width: 2 }],
      {
        title: "Published price",
        subtitle: "utilisation curve p*(u), at most ±10 % per round, one round per minute at most",
        yLabel: "CLAI per unit",
        height: 260,
        ...ticks,
      },
    ),
    svgLinePlot(
      [
        {
          label: "utilisation u = forecast demand / offered supply (5-min horizon)",
          values: rows.map((r) => r.utilisation),
          color: "#2ca02c",
          width: 2,
        },
        { label: "target u*", values: rows.map(() => TARGET_UTILISATION), color: "#555", width: 1 },
      ],
      { title: "Utilisation seen by the oracle", yLabel: "u", height: 260, ...ticks },
    ),
  ]);
  fs.writeFileSync(path.join(outDir, "market-simulation.svg"), svg);
  const md = [
    "# Market simulation (generated by `npm run simulate:market`)",
    "",
    `Run ${new Date().toISOString().slice(0, 10)}; see docs/oracle.md for the model. Data: Azure LLM inference trace 2023`,
    "(code), Microsoft Azure Public Dataset, CC-BY-4.0.",
    "",
    summary,
    "",
    "![market simulation](market-simulation.svg)",
    "",
    table,
    "",
  ].join("\n");
  fs.writeFileSync(path.join(outDir, "market-simulation.md"), md);
  log(
    `wrote ${path.relative(process.cwd(), path.join(outDir, "market-simulation.md"))} and market-simulation.svg`,
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
