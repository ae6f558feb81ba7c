/**
 * Backtest of the demand forecaster on a real trace: rolling day-ahead forecasts over the last
 * `--eval-days` days, scored with sMAPE (%) and MASE (weekly seasonal naive scale) for the model and
 * the last-value, daily and weekly seasonal-naive baselines. Prints a markdown table to stdout,
 * progress to stderr, and writes an SVG plot of forecast vs actual.
 *
 *   npx ts-node bench/forecast.ts [--csv path] [--column cpu_usage] [--time-column timestamp]
 *     [--step-minutes 5] [--eval-days 7] [--validation-days 7] [--horizon 288]
 *     [--origin-every-minutes 60] [--refit-every-minutes <origin-every>] [--plot docs/forecast/backtest.svg]
 *
 * The model (nothing tuned to a trace): a weighted combination of the members fixed in
 * `demandModelMembers` — MSTL+AutoETS at the native step, MSTL+AutoETS on hourly means, weekly and
 * daily seasonal naive; periods one day and one week. The weights (multiples of 0.05 summing to 1) are
 * those with the lowest mean MASE on a validation backtest whose forecast targets all lie in the
 * `--validation-days` before the evaluation window; the evaluation window is never looked at. With
 * `--validation-days 0`, or too little data for validation, MSTL+AutoETS alone is used.
 *
 * Data: Microsoft Azure Public Dataset v2 (CC-BY-4.0), see ../shared/data/traces/README.md.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import {
  ForecastInvalidArgumentError,
  LastValueForecaster,
  WeightedCombination,
  combineByBacktest,
  combineResults,
  demandModelMembers,
  loadAugursMstl,
  markdownTable,
  rollingBacktest,
  stitchForecasts,
  svgLinePlot,
  type BacktestOptions,
  type BacktestResult,
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
  refitEveryMinutes: number;
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
      "refit-every-minutes": { type: "string" },
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
    refitEveryMinutes: num(
      "refit-every-minutes",
      values["refit-every-minutes"] ?? values["origin-every-minutes"],
    ),
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
  const refitEvery = Math.round(args.refitEveryMinutes / args.stepMinutes);
  if (stride < 1) throw new ForecastInvalidArgumentError("--origin-every-minutes", "shorter than one step");
  if (refitEvery < stride || refitEvery % stride !== 0) {
    throw new ForecastInvalidArgumentError(
      "--refit-every-minutes",
      "must be a multiple of --origin-every-minutes",
    );
  }

  process.stderr.write(`reading ${args.csv} (column ${args.column})\n`);
  const { times, values } = readTrace(args.csv, args.column, args.timeColumn);
  assertRegular(times, args.stepMinutes * 60);
  const n = values.length;
  const evalStart = n - Math.round(args.evalDays * stepsPerDay);
  process.stderr.write(`${n} observations (${(n / stepsPerDay).toFixed(1)} days); loading augurs\n`);
  const augurs = await loadAugursMstl();
  const members = (): ReturnType<typeof demandModelMembers> => demandModelMembers(augurs, stepsPerDay);
  const memberNames = members().map((m) => m.name);
  const options = (firstOrigin: number, lastOrigin?: number): BacktestOptions => ({
    horizon: args.horizon,
    firstOrigin,
    lastOrigin,
    originStride: stride,
    refitEvery,
    masePeriod: week,
  });

  // Combination weights learned on validation: targets in [evalStart − validationDays, evalStart).
  let weights: number[] = memberNames.map((_, j) => (j === 0 ? 1 : 0));
  let validationTable = "";
  const valFirst = evalStart - Math.round(args.validationDays * stepsPerDay);
  const valLast = evalStart - args.horizon;
  const need = Math.max(...members().map((c) => c.minHistory), week + 1);
  if (args.validationDays > 0 && valFirst >= need && valLast >= valFirst) {
    const t0 = performance.now();
    const count = Math.floor((valLast - valFirst) / stride) + 1;
    process.stderr.write(
      `validation: ${memberNames.length} members, ${count} origins every ${stride} steps\n`,
    );
    const fit = combineByBacktest(values, members(), {
      ...options(valFirst, valLast),
      onProgress: progress("validation", count, t0),
    });
    weights = [...fit.weights];
    validationTable = markdownTable([
      ...fit.results.map((r, j) => ({
        name: r.name,
        smape: r.smape,
        mase: r.mase,
        note: `member, weight ${weights[j].toFixed(2)}`,
      })),
      {
        name: "combination",
        smape: fit.combined.smape,
        mase: fit.combined.mase,
        note: `${fit.combined.origins.length} origins; weights learned here`,
      },
    ]);
  } else {
    process.stderr.write(
      `validation skipped (needs ${need} observations before it); using ${memberNames[0]}\n`,
    );
  }
  const model = new WeightedCombination(members(), weights);
  process.stderr.write(`model: ${model.name}\n`);

  // Evaluation: every member and the last-value baseline are backtested; the combination's forecasts
  // are the weighted sums of its members' (all fitted on the same history at each origin).
  const total = Math.floor((n - args.horizon - evalStart) / stride) + 1;
  const t1 = performance.now();
  process.stderr.write(`evaluation: ${memberNames.length} members + last-value, ${total} origins\n`);
  const evalMembers = members();
  const results = rollingBacktest(values, [...evalMembers, new LastValueForecaster()], {
    ...options(evalStart),
    onProgress: progress("evaluation", total, t1),
  });
  const memberResults = results.slice(0, evalMembers.length);
  const res = combineResults(values, memberResults, weights, options(evalStart), model.name);
  const byName = (name: string): BacktestResult => {
    const r = results.find((x) => x.name === name);
    if (r === undefined) throw new ForecastInvalidArgumentError("model", `no result for ${name}`);
    return r;
  };
  const weekly = byName("weekly-naive");
  const seconds = (performance.now() - started) / 1000;

  const met = res.mase < 0.95 && res.smape <= 1.75;
  const refitNote =
    refitEvery === stride
      ? "each fit on all data before its origin"
      : `refitted every ${args.refitEveryMinutes} min on all data before the refit, the last fit forecasting from each origin`;
  const lines = [
    `## Demand forecast backtest: ${path.basename(args.csv)} / ${args.column}`,
    "",
    `Rolling ${args.horizon}-step (${((args.horizon * args.stepMinutes) / 60).toFixed(0)} h) forecasts; ` +
      `${res.origins.length} origins every ${args.originEveryMinutes} min over the last ${args.evalDays} days ` +
      `(forecast targets in steps ${evalStart}..${n - 1}); ${refitNote}. ` +
      `sMAPE in percent (0–200); MASE scaled by the in-sample weekly (${week}-step) seasonal naive MAE; ` +
      `each score is the mean over origins of the score over the whole horizon.`,
    "",
  ];
  if (validationTable) {
    lines.push(
      `Validation (combination weights, multiples of 0.05, with the lowest mean MASE; targets in the ` +
        `${args.validationDays} days before evaluation):`,
      "",
      validationTable,
      "",
    );
  }
  lines.push(
    "Evaluation:",
    "",
    markdownTable([
      { ...res, note: `model, ${res.seconds.toFixed(1)} s fitting` },
      ...memberResults
        .map((r, j) => ({ ...r, note: `member (weight ${weights[j].toFixed(2)}), alone` }))
        .filter((r) => !["weekly-naive", "daily-naive"].includes(r.name)),
      ...["last-value", "daily-naive", "weekly-naive"].map((name) => ({ ...byName(name), note: "baseline" })),
    ]),
    "",
    `Target MASE < 0.95 and sMAPE ≤ 1.75: ${met ? "met" : "NOT met"} ` +
      `(MASE ${res.mase.toFixed(3)} ${res.mase < 0.95 ? "met" : "not met"}, ` +
      `sMAPE ${res.smape.toFixed(3)} ${res.smape <= 1.75 ? "met" : "not met"}). Run time ${seconds.toFixed(1)} s.`,
    "",
    "Data: Microsoft Azure Public Dataset v2 (CC-BY-4.0).",
  );
  process.stdout.write(lines.join("\n") + "\n");

  const shortModel = memberNames
    .flatMap((name, j) =>
      weights[j] > 0 ? [`${Number(weights[j].toFixed(3))}·${name.replace(/\(.*\)$/, "")}`] : [],
    )
    .join(" + ");
  const dayOf = (i: number): string => `day ${Math.floor((times[evalStart] - times[0]) / 86400) + i}`;
  const svg = svgLinePlot(
    [
      { label: "actual", values: values.slice(evalStart), color: "#222", width: 1 },
      {
        label: `model: combination (sMAPE ${res.smape.toFixed(2)}%)`,
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
      subtitle: `one forecast a day shown; scores over all ${res.origins.length} origins; model = ${shortModel}. Data: Azure Public Dataset v2, CC-BY-4.0`,
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
