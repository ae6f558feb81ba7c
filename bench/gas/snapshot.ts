/**
 * Gas snapshot of every user-facing call, compared against the committed `gas-snapshot.json`.
 *
 *   npm run gas:check     # fails if any call costs > 2 % more than the snapshot, or the set of calls changed
 *   npm run gas:snapshot  # rewrites the snapshot (commit it with the change that moved the figures)
 *
 * Runs on the in-process Hardhat chain, so the figures are deterministic for a given compiler setting.
 */
import fs from "node:fs";
import path from "node:path";
import hre from "hardhat";
import { governanceScenario } from "./scenarios/governance";
import { marketGasRows } from "./scenarios/market";
import type { GasRecorder } from "./recorder";
import { compareSnapshots, formatReport, type GasSnapshot } from "./compare";

const SNAPSHOT_FILE = path.join(hre.config.paths.root, "gas-snapshot.json");
/** 2 %, in basis points. */
const TOLERANCE_BPS = 200;

async function main(): Promise<void> {
  const measured: GasSnapshot = {};
  const record: GasRecorder = async (name, tx) => {
    const receipt = await (await tx).wait();
    if (!receipt) throw new Error(`no receipt for ${name}`);
    if (name in measured) throw new Error(`gas entry recorded twice: ${name}`);
    measured[name] = Number(receipt.gasUsed);
  };
  await governanceScenario(record);
  for (const row of await marketGasRows()) {
    const name = `market: ${row.op}`;
    if (name in measured) throw new Error(`gas entry recorded twice: ${name}`);
    measured[name] = Number(row.gas);
  }

  const sorted = Object.fromEntries(Object.entries(measured).sort(([a], [b]) => a.localeCompare(b)));
  if (process.env.GAS_SNAPSHOT_UPDATE === "1") {
    fs.writeFileSync(SNAPSHOT_FILE, JSON.stringify(sorted, null, 2) + "\n");
    console.log(
      `wrote ${Object.keys(sorted).length} entries to ${path.relative(process.cwd(), SNAPSHOT_FILE)}`,
    );
    return;
  }
  if (!fs.existsSync(SNAPSHOT_FILE)) throw new Error("gas-snapshot.json missing: run `npm run gas:snapshot`");
  const committed = JSON.parse(fs.readFileSync(SNAPSHOT_FILE, "utf8")) as GasSnapshot;
  const result = compareSnapshots(committed, sorted, TOLERANCE_BPS);
  console.log(formatReport(result));
  if (!result.ok) {
    console.error(
      "gas check failed: update the snapshot with `npm run gas:snapshot` if the change is intended",
    );
    process.exitCode = 1;
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
