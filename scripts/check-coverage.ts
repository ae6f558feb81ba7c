/**
 * Enforces the line-coverage floor on contracts/ from solidity-coverage's json-summary.
 *   ts-node scripts/check-coverage.ts [floorPercent=95]
 */
import fs from "node:fs";
import path from "node:path";

interface Metric {
  total: number;
  covered: number;
  pct: number;
}
type Summary = Record<string, { lines: Metric }>;

const floor = Number(process.argv[2] ?? "95");
const file = path.join(process.cwd(), "coverage", "coverage-summary.json");
if (!fs.existsSync(file)) {
  console.error(`${file} not found: run \`npm run coverage\` first`);
  process.exit(1);
}
const summary = JSON.parse(fs.readFileSync(file, "utf8")) as Summary;
const rows = Object.entries(summary)
  .filter(([k]) => k !== "total")
  .map(([k, v]) => ({ file: path.relative(process.cwd(), k), ...v.lines }));
for (const r of rows.sort((a, b) => a.pct - b.pct)) {
  console.log(`${r.pct.toFixed(2).padStart(7)} %  ${r.covered}/${r.total}  ${r.file}`);
}
const total = summary.total.lines;
console.log(`lines: ${total.pct.toFixed(2)} % (${total.covered}/${total.total}), floor ${floor} %`);
if (total.pct < floor) {
  console.error(`line coverage ${total.pct} % is below the floor of ${floor} %`);
  process.exit(1);
}
