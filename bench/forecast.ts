/**
 * Backtest of the demand forecaster on a real trace: rolling day-ahead forecasts over the last
 * `--eval-days` days, scored with sMAPE (%) and MASE (weekly seasonal naive scale) for the model and
 * the last-value, daily and weekly seasonal-naive baselines. Prints a markdown table to stdout,
 * progress to stderr, and writes an SVG plot of forecast vs actual.
 *
 *   npx ts-node bench/forecast.ts [--csv path] [--column cpu_usage] [--time-column timestamp]
 *     [--step-minutes 5] [--eval-days 7] [--validation-days 7] [--horizon 288]
 *     [--origin-every-minutes 60] [--plot docs/forecast/backtest.svg]
 *
 * Model choice (fixed, nothing tuned to a trace): seasonal periods are one day and one week of steps.
 * Candidates are MSTL+AutoETS, the same on log scale, and the mean of MSTL+AutoETS with the weekly
 * seasonal naive. The one with the lowest MASE on a validation backtest whose forecast targets all lie
 * in the `--validation-days` before the evaluation window is the reported model. With
 * `--validation-days 0`, or too little data for validation, MSTL+AutoETS is used.
 *
 * Data: Microsoft Azure Public Dataset v2 (CC-BY-4.0), see ../shared/data/traces/README.md.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import {
  ForecastInvalidArgumentError,
  LastValueForecaster,
  MeanCombination,
  MstlEtsForecaster,
  dailyNaive,
  loadAugursMstl,
  markdownTable,
  rollingBacktest,
  selectByBacktest,
  stitchForecasts,
  svgLinePlot,
  weeklyNaive,
  type BacktestOptions,
  type Forecaster,
} from "../oracle/forecast";

const REPO_ROOT = path.resolve(__dirname, "..");

interface Args {
  csv: string;
  column: string;
  timeColumn: string;
  stepMinutes: number;
  evalDays: number;
  validationDays: number;
  horizon: number;
  originEveryMinutes: number;
  plot: string;
}

function parseCli(argv: string[]): Args {
  const { values } = parseArgs({
    args: argv,
    options: {
      csv: {
        type: "string",
        default: path.resolve(REPO_ROOT, "../shared/data/traces/azure-v2-cpu-5min.csv"),
      },
      column: { type: "string", default: "cpu_usage" },
      "time-column": { type: "string", default: "timestamp" },
      "step-minutes": { type: "string", default: "5" },
      "eval-days": { type: "string", default: "7" },
      "validation-days": { type: "string", default: "7" },
      horizon: { type: "string" },
      "origin-every-minutes": { type: "string", default: "60" },
      plot: { type: "string", default: path.join(REPO_ROOT, "docs/forecast/backtest.svg") },
    },
    strict: true,
  });
  const num = (name: string, raw: string | undefined): number => {
    const v = Number(raw);
    if (raw === undefined || !Number.isFinite(v) || v < 0) {
      throw new ForecastInvalidArgumentError(`--${name}`, `expected a non-negative number, got "${raw}"`);
    }
    return v;
  };
  const stepMinutes = num("step-minutes", values["step-minutes"]);
  if (stepMinutes <= 0 || !Number.isInteger(1440 / stepMinutes)) {
    throw new ForecastInvalidArgumentError("--step-minutes", "must divide a day (1440 minutes) evenly");
  }
  return {
    csv: path.resolve(values.csv),
    column: values.column,
    timeColumn: values["time-column"],
    stepMinutes,
    evalDays: num("eval-days", values["eval-days"]),
    validationDays: num("validation-days", values["validation-days"]),
    horizon: values.horizon === undefined ? 1440 / stepMinutes : num("horizon", values.horizon),
    originEveryMinutes: num("origin-every-minutes", values["origin-every-minutes"]),
    plot: path.resolve(values.plot),
  };
}

/** Reads one numeric column and the time column (seconds, or anything `Date.parse` accepts). */
function readTrace(file: string, column: string, timeColumn: string): { times: number[]; values: number[] } {
  const lines = readFileSync(file, "utf8")
    .split(/\r?\n/)
    .filter((l) => l.trim() !== "");
  const header = lines[0].split(",").map((h) => h.trim());
  const vi = header.indexOf(column);
  const ti = header.indexOf(timeColumn);
  if (vi < 0)
    throw new ForecastInvalidArgumentError("--column", `"${column}" not in header [${header.join(", ")}]`);
  if (ti < 0) throw new ForecastInvalidArgumentError("--time-column", `"${timeColumn}" not in header`);
  const times: number[] = [];
  const values: number[] = [];
  lines.slice(1).forEach((line, i) => {
    const cells = line.split(",");
    const raw = cells[ti].trim();
    const t = /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : Date.parse(raw) / 1000;
    const v = Number(cells[vi]);
    if (!Number.isFinite(t) || !Number.isFinite(v)) {
      throw new ForecastInvalidArgumentError(
        file,
        `row ${i + 2}: unreadable time "${raw}" or value "${cells[vi]}"`,
      );
    }
    times.push(t);
    values.push(v);
  });
  return { times, values };
}

function assertRegular(times: readonly number[], stepSeconds: number): void {
  for (let i = 1; i < times.length; i++) {
    if (Math.abs(times[i] - times[i - 1] - stepSeconds) > 1e-6) {
      throw new ForecastInvalidArgumentError(
        "trace",
        `rows ${i + 1}→${i + 2}: time step ${times[i] - times[i - 1]} s, expected ${stepSeconds} s (no gap filling)`,
      );
    }
  }
}

function progress(label: string, total: number, started: number): BacktestOptions["onProgress"] {
  const every = Math.max(1, Math.round(total / 10));
  return (done, _total, origin) => {
    if (done % every === 0 || done === total) {
      const s = ((performance.now() - started) / 1000).toFixed(1);
      process.stderr.write(`[${label}] origin ${done}/${total} (index ${origin}), ${s} s\n`);
    }
  };
}

async function main(): Promise<void> {
  const started = performance.now();
  const args = parseCli(process.argv.slice(2));
  const stepsPerDay = 1440 / args.stepMinutes;
  const week = 7 * stepsPerDay;
  const stride = Math.round(args.originEveryMinutes / args.stepMinutes);
  if (stride < 1) throw new ForecastInvalidArgumentError("--origin-every-minutes", "shorter than one step");

  process.stderr.write(`reading ${args.csv} (column ${args.column})\n`);
  const { times, values } = readTrace(args.csv, args.column, args.timeColumn);
  assertRegular(times, args.stepMinutes * 60);
  const n = values.length;
  const evalStart = n - Math.round(args.evalDays * stepsPerDay);
  process.stderr.write(`${n} observations (${(n / stepsPerDay).toFixed(1)} days); loading augurs\n`);
  const augurs = await loadAugursMstl();

  const mstl = (): MstlEtsForecaster => new MstlEtsForecaster(augurs, { periods: [stepsPerDay, week] });
  const candidates: Forecaster[] = [
    mstl(),
    new MstlEtsForecaster(augurs, { periods: [stepsPerDay, week], logTransform: true }),
    new MeanCombination([mstl(), weeklyNaive(stepsPerDay)], "mean(mstl-ets, weekly-naive)"),
  ];

  // Selection on validation: targets in [evalStart - validationDays, evalStart), so no look-ahead.
  let model: Forecaster = candidates[0];
  let validationTable = "";
  const valFirst = evalStart - Math.round(args.validationDays * stepsPerDay);
  const valLast = evalStart - args.horizon;
  const need = Math.max(...candidates.map((c) => c.minHistory), week + 1);
  if (args.validationDays > 0 && valFirst >= need && valLast >= valFirst) {
    const t0 = performance.now();
    process.stderr.write(`validation: ${candidates.length} candidates, origins every ${stride} steps\n`);
    const selection = selectByBacktest(values, candidates, {
      horizon: args.horizon,
      firstOrigin: valFirst,
      lastOrigin: valLast,
      originStride: stride,
      masePeriod: week,
      onProgress: progress("validation", Math.floor((valLast - valFirst) / stride) + 1, t0),
    });
    model = selection.winner;
    validationTable = markdownTable(
      selection.results.map((r) => ({
        name: r.name,
        smape: r.smape,
        mase: r.mase,
        note: `${r.origins.length} origins${r.name === model.name ? "; **selected**" : ""}`,
      })),
    );
  } else {
    process.stderr.write(`validation skipped (needs ${need} observations before it); using ${model.name}\n`);
  }

  const baselines = [new LastValueForecaster(), dailyNaive(stepsPerDay), weeklyNaive(stepsPerDay)];
  const evalOptions: BacktestOptions = {
    horizon: args.horizon,
    firstOrigin: evalStart,
    originStride: stride,
    masePeriod: week,
  };
  const total = Math.floor((n - args.horizon - evalStart) / stride) + 1;
  const t1 = performance.now();
  process.stderr.write(`evaluation: ${model.name} + ${baselines.length} baselines, ${total} origins\n`);
  const results = rollingBacktest(values, [model, ...baselines], {
    ...evalOptions,
    onProgress: progress("evaluation", total, t1),
  });
  const seconds = (performance.now() - started) / 1000;

  const [res] = results;
  const met = res.mase < 0.95 && res.smape <= 1.75;
  const lines = [
    `## Demand forecast backtest: ${path.basename(args.csv)} / ${args.column}`,
    "",
    `Rolling ${args.horizon}-step (${((args.horizon * args.stepMinutes) / 60).toFixed(0)} h) forecasts; ` +
      `${res.origins.length} origins every ${args.originEveryMinutes} min over the last ${args.evalDays} days ` +
      `(forecast targets in steps ${evalStart}..${n - 1}); each fit on all data before its origin. ` +
      `sMAPE in percent (0–200); MASE scaled by the in-sample weekly (${week}-step) seasonal naive MAE.`,
    "",
  ];
  if (validationTable) {
    lines.push(
      `Validation (model selection by lowest MASE; targets in the ${args.validationDays} days before evaluation):`,
      "",
      validationTable,
      "",
    );
  }
  lines.push(
    "Evaluation:",
    "",
    markdownTable(
      results.map((r, j) => ({
        ...r,
        note: j === 0 ? `model, ${r.seconds.toFixed(1)} s fitting` : "baseline",
      })),
    ),
    "",
    `Target MASE < 0.95 and sMAPE ≤ 1.75: ${met ? "met" : "NOT met"} ` +
      `(MASE ${res.mase.toFixed(3)} ${res.mase < 0.95 ? "met" : "not met"}, ` +
      `sMAPE ${res.smape.toFixed(3)} ${res.smape <= 1.75 ? "met" : "not met"}). Run time ${seconds.toFixed(1)} s.`,
    "",
    "Data: Microsoft Azure Public Dataset v2 (CC-BY-4.0).",
  );
  process.stdout.write(lines.join("\n") + "\n");

  const weekly = results[results.length - 1];
  const dayOf = (i: number): string => `day ${Math.floor((times[evalStart] - times[0]) / 86400) + i}`;
  const svg = svgLinePlot(
    [
      { label: "actual", values: values.slice(evalStart), color: "#222", width: 1 },
      {
        label: `${res.name} (sMAPE ${res.smape.toFixed(2)}%)`,
        values: stitchForecasts(res, evalStart, n, args.horizon),
        color: "#1f77b4",
        width: 1.6,
      },
      {
        label: `weekly-naive (sMAPE ${weekly.smape.toFixed(2)}%)`,
        values: stitchForecasts(weekly, evalStart, n, args.horizon),
        color: "#ff7f0e",
      },
    ],
    {
      title: `Day-ahead forecast vs actual — ${path.basename(args.csv)} / ${args.column}`,
      subtitle: `one forecast a day shown, each fitted on all prior data; scores over all ${res.origins.length} origins. Data: Azure Public Dataset v2, CC-BY-4.0`,
      stepsPerTick: stepsPerDay,
      tickLabel: dayOf,
      yLabel: args.column,
    },
  );
  mkdirSync(path.dirname(args.plot), { recursive: true });
  writeFileSync(args.plot, svg);
  process.stderr.write(`plot written to ${args.plot}; total ${seconds.toFixed(1)} s\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `forecast bench failed: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}\n`,
  );
  process.exitCode = 1;
});
