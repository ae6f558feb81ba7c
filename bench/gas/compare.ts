/** Call name → gas used. */
export type GasSnapshot = Record<string, number>;

export interface GasRow {
  name: string;
  committed?: number;
  measured?: number;
  /** Relative change, measured / committed − 1. */
  change?: number;
  status: "ok" | "grew" | "shrank" | "new" | "missing";
}

export interface GasComparison {
  ok: boolean;
  rows: GasRow[];
}

/**
 * Compares a fresh measurement with the committed snapshot. Fails on growth above `toleranceBps` (basis
 * points, integer arithmetic so exactly 2.00 % passes) and on any call added or removed without updating
 * the snapshot; a shrink is reported but passes.
 */
export function compareSnapshots(
  committed: GasSnapshot,
  measured: GasSnapshot,
  toleranceBps: number,
): GasComparison {
  const names = [...new Set([...Object.keys(committed), ...Object.keys(measured)])].sort();
  const rows: GasRow[] = names.map((name) => {
    const c = committed[name];
    const m = measured[name];
    if (c === undefined) return { name, measured: m, status: "new" };
    if (m === undefined) return { name, committed: c, status: "missing" };
    const change = m / c - 1;
    const grew = (m - c) * 10_000 > c * toleranceBps;
    const status = grew ? "grew" : m < c ? "shrank" : "ok";
    return { name, committed: c, measured: m, change, status };
  });
  return { ok: rows.every((r) => r.status === "ok" || r.status === "shrank"), rows };
}

export function formatReport(result: GasComparison): string {
  const lines = ["| call | snapshot | measured | change | status |", "|---|---:|---:|---:|---|"];
  for (const r of result.rows) {
    const change = r.change === undefined ? "" : `${(r.change * 100).toFixed(2)} %`;
    lines.push(`| ${r.name} | ${r.committed ?? ""} | ${r.measured ?? ""} | ${change} | ${r.status} |`);
  }
  return lines.join("\n");
}
