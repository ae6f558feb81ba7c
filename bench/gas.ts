/**
 * Gas benchmark of the market's user-facing calls; prints a markdown table against the issue's targets.
 *   npm run bench:gas        (= npx hardhat run bench/gas.ts, in-process chain)
 * The same figures are part of the committed gas snapshot (`npm run gas:check`).
 */
import { network } from "hardhat";
import { marketGasRows } from "./gas/scenarios/market";

async function main(): Promise<void> {
  if (network.name !== "hardhat") throw new Error("run on the in-process hardhat network");
  console.error("measuring market gas on the in-process chain…");
  const rows = await marketGasRows();
  console.log("command: npm run bench:gas\n");
  console.log("| operation | gas | target | met |");
  console.log("|---|---:|---:|:---:|");
  for (const r of rows) {
    const met = r.target === undefined ? "" : r.gas <= r.target ? "yes" : "**no**";
    const target = r.target ? r.target.toLocaleString("en-US") : "";
    console.log(
      `| ${r.op}${r.note ? ` (${r.note})` : ""} | ${r.gas.toLocaleString("en-US")} | ${target} | ${met} |`,
    );
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
