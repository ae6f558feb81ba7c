/**
 * On-chain gas per match of `TaskMarket.assignBatch`, for `bench/matcher.ts` (which runs this file with
 * `npx hardhat run bench/matcher-gas.ts` and reads the JSON array printed as the last stdout line):
 *
 * - fixed batch shapes, measured by the market gas scenario's {@link assignBatchGasRows} (one offer per
 *   batch of 1/10/50 pairs; 10 distinct offers);
 * - whole rounds of the matcher service on the deployed system (`deploy/`, MATCHER_ROLE granted by a
 *   governance proposal): `n` one-unit CPU tasks, three providers' offers on a board, one `tick()` — batches of
 *   at most 50 pairs grouped by offer. `MATCHER_GAS_ROUNDS` lists the `n` (default 50,200).
 *
 * Progress on stderr.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import hre, { ethers, network } from "hardhat";
import { loadFixture, mine, time } from "@nomicfoundation/hardhat-network-helpers";
import { assignBatchGasRows } from "./gas/scenarios/market";
import { deployMarketSystem } from "../test/fixtures/market";
import { MATCHER_INDEX, matcherFixture } from "../test/fixtures/matcher";
import { buildDeploymentExport } from "../scripts/lib/export";
import { connectContracts } from "../sdk/deployment";
import { DirOfferBoard } from "../sdk/offers";
import { silentLogger } from "../sdk/service";
import { signOffer } from "../sdk/signing";
import { startMatcher } from "../oracle/matcher/service";

const E18 = 10n ** 18n;

/** One row; `perMatch` is a decimal string (JSON has no bigint). */
interface GasRow {
  op: string;
  perMatch: string;
  note: string;
}

async function batchShapes(): Promise<GasRow[]> {
  const sys = await deployMarketSystem();
  // Warm-up batch so the measured ones run in the steady state (counters and balances non-zero).
  await assignBatchGasRows(sys, 1_000_000, [1], 0);
  const { rows } = await assignBatchGasRows(sys, 1);
  return rows.map((r) => ({
    op: `fixed: ${r.op.replace(/ \(per match\)$/, "")}`,
    perMatch: r.gas.toString(),
    note: r.note ?? "",
  }));
}

async function matcherRound(n: number): Promise<GasRow> {
  await loadFixture(matcherFixture);
  await mine();
  const signers = await ethers.getSigners();
  const [deployer, requester, ...rest] = signers;
  const providers = rest.slice(0, 3);
  const exp = await buildDeploymentExport(hre);
  const c = connectContracts(exp, deployer);
  const market = await c.market.getAddress();
  const now = await time.latest();
  for (let i = 0; i < n; i++) {
    await c.market.connect(requester).createTask({
      resourceClass: 0,
      mode: 0,
      minReputation: 0,
      units: 1,
      maxPricePerUnit: E18,
      assignDeadline: now + 600,
      completionDeadline: now + 1_800,
      circuitId: ethers.ZeroHash,
      inputCommitment: ethers.id(`input ${i}`),
      inputCid: "bafyinput",
    });
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cloudai-bench-matcher-"));
  try {
    const board = new DirOfferBoard(path.join(dir, "offers"), exp.chainId, market);
    for (const [i, p] of providers.entries()) {
      const offer = {
        provider: p.address,
        resourceClass: 0,
        pricePerUnit: (E18 * BigInt(5 + i)) / 10n,
        capacity: n,
        expiry: now + 7_200,
        nonce: 1,
      };
      await board.publish({ offer, signature: await signOffer(p, exp.chainId, market, offer) });
    }
    const handle = await startMatcher({
      signer: signers[MATCHER_INDEX],
      deployment: exp,
      board,
      stateFile: path.join(dir, "state.json"),
      logger: silentLogger,
      autoStart: false,
      maxBatchSize: 50,
    });
    const report = await handle.tick();
    await handle.stop();
    const gas = report.batches.reduce((sum, b) => sum + b.gasUsed, 0n);
    const assigned = BigInt(report.assigned.length);
    if (assigned === 0n) throw new Error(`matcher round of ${n} tasks assigned nothing`);
    return {
      op: `matcher round: ${n} tasks, 3 offers`,
      perMatch: (gas / assigned).toString(),
      note: `${report.batches.length} tx, ${assigned} assigned, ${report.skipped.length} skipped, total ${gas}`,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  if (network.name !== "hardhat") throw new Error("run on the in-process hardhat network");
  const rounds = (process.env.MATCHER_GAS_ROUNDS ?? "50,200").split(",").map(Number);
  process.stderr.write("gas: fixed batch shapes (market gas scenario)…\n");
  const rows = await batchShapes();
  for (const n of rounds) {
    process.stderr.write(`gas: matcher round of ${n} tasks on the deployed system…\n`);
    rows.push(await matcherRound(n));
  }
  console.log(JSON.stringify(rows));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
