/**
 * Backtest reporting: a markdown table of scores and a dependency-free SVG line plot.
 */
import { ForecastInvalidArgumentError } from "./errors";

export interface ScoreRow {
  readonly name: string;
  readonly smape: number;
  readonly mase: number;
  /** Free-text remark, e.g. "selected on validation". */
  readonly note?: string;
}

/** Markdown table `| model | sMAPE (%) | MASE | note |`, scores to 3 decimals. */
export function markdownTable(rows: readonly ScoreRow[]): string {
  const lines = ["| model | sMAPE (%) | MASE (weekly naive) | note |", "|---|---:|---:|---|"];
  for (const r of rows)
    lines.push(`| ${r.name} | ${r.smape.toFixed(3)} | ${r.mase.toFixed(3)} | ${r.note ?? ""} |`);
  return lines.join("\n");
}

export interface PlotSeries {
  readonly label: string;
  /** One value per x position; `NaN` leaves a gap. */
  readonly values: readonly number[];
  readonly color: string;
  readonly width?: number;
}

export interface PlotOptions {
  readonly title: string;
  readonly subtitle?: string;
  /** Steps per x tick (e.g. 288 for one tick per day at 5-minute steps). */
  readonly stepsPerTick: number;
  /** Tick label for tick number i (default: i). */
  readonly tickLabel?: (i: number) => string;
  readonly yLabel?: string;
  readonly width?: number;
  readonly height?: number;
}

/** Renders line series sharing one x axis (position index) as a standalone SVG document. */
export function svgLinePlot(series: readonly PlotSeries[], options: PlotOptions): string {
  if (series.length === 0) throw new ForecastInvalidArgumentError("series", "must not be empty");
  const width = options.width ?? 1200;
  const height = options.height ?? 460;
  const m = { left: 80, right: 20, top: 56, bottom: 70 };
  const n = Math.max(...series.map((s) => s.values.length));
  const finite = series.flatMap((s) => s.values.filter(Number.isFinite));
  if (n < 2 || finite.length === 0) throw new ForecastInvalidArgumentError("series", "nothing to plot");
  let lo = Math.min(...finite);
  let hi = Math.max(...finite);
  if (lo === hi) [lo, hi] = [lo - 1, hi + 1];
  const pad = (hi - lo) * 0.05;
  [lo, hi] = [lo - pad, hi + pad];
  const x = (i: number): number => m.left + (i / (n - 1)) * (width - m.left - m.right);
  const y = (v: number): number => m.top + ((hi - v) / (hi - lo)) * (height - m.top - m.bottom);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${m.left}" y="22" font-size="16" font-weight="bold">${escape(options.title)}</text>`,
  ];
  if (options.subtitle) out.push(`<text x="${m.left}" y="40" fill="#555">${escape(options.subtitle)}</text>`);
  for (const v of niceTicks(lo, hi, 6)) {
    const yy = y(v).toFixed(1);
    out.push(
      `<line x1="${m.left}" x2="${width - m.right}" y1="${yy}" y2="${yy}" stroke="#e5e5e5"/>`,
      `<text x="${m.left - 6}" y="${yy}" text-anchor="end" dominant-baseline="middle">${formatNumber(v)}</text>`,
    );
  }
  for (let i = 0, t = 0; t < n; i++, t += options.stepsPerTick) {
    const xx = x(t).toFixed(1);
    const label = options.tickLabel ? options.tickLabel(i) : String(i);
    out.push(
      `<line x1="${xx}" x2="${xx}" y1="${m.top}" y2="${height - m.bottom}" stroke="#e5e5e5"/>`,
      `<text x="${xx}" y="${height - m.bottom + 16}" text-anchor="middle">${escape(label)}</text>`,
    );
  }
  if (options.yLabel) {
    out.push(
      `<text transform="translate(16 ${(height - m.bottom + m.top) / 2}) rotate(-90)" text-anchor="middle">${escape(options.yLabel)}</text>`,
    );
  }
  for (const s of series) {
    let d = "";
    let pen = false;
    s.values.forEach((v, i) => {
      if (!Number.isFinite(v)) {
        pen = false;
        return;
      }
      d += `${pen ? "L" : "M"}${x(i).toFixed(1)} ${y(v).toFixed(1)}`;
      pen = true;
    });
    out.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="${s.width ?? 1.2}"/>`);
  }
  let lx = m.left;
  for (const s of series) {
    const ly = height - 22;
    out.push(
      `<line x1="${lx}" x2="${lx + 24}" y1="${ly}" y2="${ly}" stroke="${s.color}" stroke-width="3"/>`,
      `<text x="${lx + 30}" y="${ly}" dominant-baseline="middle">${escape(s.label)}</text>`,
    );
    lx += 30 + 7 * s.label.length + 24; // ~7 px per character at font-size 12
  }
  out.push(
    `<rect x="${m.left}" y="${m.top}" width="${width - m.left - m.right}" height="${height - m.top - m.bottom}" fill="none" stroke="#999"/>`,
  );
  out.push("</svg>", "");
  return out.join("\n");
}

function niceTicks(lo: number, hi: number, count: number): number[] {
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((f) => f * mag).find((s) => s >= raw) ?? 10 * mag;
  const ticks: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi; v += step) ticks.push(v);
  return ticks;
}

function formatNumber(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e6) return `${(v / 1e6).toFixed(2)}M`;
  if (a >= 1e3) return `${(v / 1e3).toFixed(1)}k`;
  return Number(v.toPrecision(4)).toString();
}

function escape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/**
 * Stacks standalone plots (documents from {@link svgLinePlot}) vertically into one SVG document, e.g. panels
 * with different y scales over a shared x axis. Each plot keeps its own size; the result is as wide as the
 * widest plot.
 */
export function svgStack(plots: readonly string[]): string {
  if (plots.length === 0) throw new ForecastInvalidArgumentError("plots", "must not be empty");
  let width = 0;
  let height = 0;
  const parts: string[] = [];
  for (const plot of plots) {
    const root = /<svg\b[^>]*>/.exec(plot);
    const w = root ? /\swidth="(\d+(?:\.\d+)?)"/.exec(root[0]) : null;
    const h = root ? /\sheight="(\d+(?:\.\d+)?)"/.exec(root[0]) : null;
    if (!root || !w || !h)
      throw new ForecastInvalidArgumentError("plots", "each plot must be an <svg> with width and height");
    parts.push(plot.trim().replace(/^<svg\b/, `<svg x="0" y="${height}"`));
    width = Math.max(width, Number(w[1]));
    height += Number(h[1]);
  }
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    ...parts,
    "</svg>",
    "",
  ].join("\n");
}
