/**
 * Pure parts of the market simulation (scripts/simulate-market.ts): reading the Azure LLM inference trace,
 * turning requests into task sizes, binning, statistics and the report table.
 *
 * Task size: 1 unit = 1,000 tokens processed, `units = max(1, ⌈(ContextTokens + GeneratedTokens) / 1000⌉)`.
 * (Prompt and generated tokens are weighted alike: simple and stated; decode costs more per token than
 * prefill, so this understates long generations.)
 */

/** One request of the trace, relative to the first request. */
export interface TraceRequest {
  /** Seconds since the first request. */
  offsetSec: number;
  contextTokens: number;
  generatedTokens: number;
  /** Task size in units (see the module notice). */
  units: number;
}

export const TOKENS_PER_UNIT = 1_000;

/** Units of a request with `context` prompt tokens and `generated` output tokens. */
export function taskUnits(context: number, generated: number): number {
  return Math.max(1, Math.ceil((context + generated) / TOKENS_PER_UNIT));
}

/** Thrown when the trace file is not the expected CSV. */
export class TraceFormatError extends Error {
  override name = "TraceFormatError";
}

/** Parses `YYYY-MM-DD HH:MM:SS[.fraction]` (UTC) to milliseconds. */
function parseTimestamp(text: string, line: number): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(\.\d+)?$/.exec(text.trim());
  if (!m) throw new TraceFormatError(`line ${line}: bad TIMESTAMP "${text}"`);
  const [, y, mo, d, h, mi, s, frac] = m;
  return Date.UTC(+y, +mo - 1, +d, +h, +mi, +s) + (frac ? Math.round(Number(frac) * 1000) : 0);
}

/** Reads the `TIMESTAMP,ContextTokens,GeneratedTokens` CSV; requests sorted by time, offsets from the first. */
export function parseLlmTrace(text: string): TraceRequest[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim().length > 0);
  const header = (lines[0] ?? "").split(",").map((h) => h.trim());
  const col = (name: string) => {
    const i = header.indexOf(name);
    if (i < 0) throw new TraceFormatError(`missing column ${name} (header: ${header.join(",")})`);
    return i;
  };
  const [ti, ci, gi] = [col("TIMESTAMP"), col("ContextTokens"), col("GeneratedTokens")];
  const rows = lines.slice(1).map((l, i) => {
    const f = l.split(",");
    const context = Number(f[ci]);
    const generated = Number(f[gi]);
    if (!Number.isInteger(context) || !Number.isInteger(generated) || context < 0 || generated < 0) {
      throw new TraceFormatError(`line ${i + 2}: token counts must be non-negative integers`);
    }
    return { t: parseTimestamp(f[ti], i + 2), context, generated };
  });
  if (rows.length === 0) throw new TraceFormatError("no requests");
  rows.sort((a, b) => a.t - b.t);
  const t0 = rows[0].t;
  return rows.map((r) => ({
    offsetSec: (r.t - t0) / 1000,
    contextTokens: r.context,
    generatedTokens: r.generated,
    units: taskUnits(r.context, r.generated),
  }));
}

/** Requests and units per `intervalSec` bin of the trace's (scaled) time, bins from 0 to the last request. */
export function binRequests(
  requests: readonly TraceRequest[],
  intervalSec: number,
  timeScale = 1,
): { requests: number; units: number }[] {
  const last = requests.reduce((m, r) => Math.max(m, r.offsetSec), 0);
  const bins = Array.from({ length: Math.floor((last * timeScale) / intervalSec) + 1 }, () => ({
    requests: 0,
    units: 0,
  }));
  for (const r of requests) {
    const b = bins[Math.floor((r.offsetSec * timeScale) / intervalSec)];
    b.requests++;
    b.units += r.units;
  }
  return bins;
}

/** Pearson correlation of two equally long series (NaN when either is constant). */
export function pearson(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length || a.length < 2) return Number.NaN;
  const mean = (x: readonly number[]) => x.reduce((s, v) => s + v, 0) / x.length;
  const [ma, mb] = [mean(a), mean(b)];
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < a.length; i++) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  }
  return saa === 0 || sbb === 0 ? Number.NaN : sab / Math.sqrt(saa * sbb);
}

/** Mean of the last `window` values (fewer at the start) at each position. */
export function trailingMean(values: readonly number[], window: number): number[] {
  return values.map((_, i) => {
    const tail = values.slice(Math.max(0, i + 1 - window), i + 1);
    return tail.reduce((s, v) => s + v, 0) / tail.length;
  });
}

/** One simulated interval, as reported. */
export interface SimRow {
  /** Interval index (minute of the trace at time scale 1). */
  interval: number;
  requests: number;
  /** Units of the tasks created in the interval. */
  units: number;
  /** The oracle's forecast, units per interval (horizon demand / horizon). */
  forecast: number;
  /** Units offered over the horizon. */
  supply: number;
  utilisation: number;
  /** The controller's curve price p*(u), CLAI per unit. */
  target: number;
  /** The feed's answer after the interval's round, CLAI per unit. */
  price: number;
  /** Whether a round was published at the end of the interval, and why. */
  published?: string;
}

const fmt = (v: number, digits: number) =>
  v.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** Markdown table of the simulated intervals. */
export function simulationTable(rows: readonly SimRow[]): string {
  const out = [
    "| min | requests | units | forecast (units/min) | supply (units/horizon) | utilisation | p*(u) (CLAI) | published price (CLAI) | round |",
    "|---:|---:|---:|---:|---:|---:|---:|---:|---|",
  ];
  for (const r of rows) {
    out.push(
      `| ${r.interval} | ${r.requests} | ${r.units} | ${fmt(r.forecast, 0)} | ${fmt(r.supply, 0)} | ${fmt(r.utilisation, 2)} | ${fmt(r.target, 3)} | ${fmt(r.price, 4)} | ${r.published ?? ""} |`,
    );
  }
  return out.join("\n");
}
