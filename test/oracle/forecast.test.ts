import { expect } from "chai";
import {
  ForecastError,
  ForecastInsufficientHistoryError,
  ForecastInvalidArgumentError,
  ForecastInvalidValueError,
  ForecastNotFittedError,
  LastValueForecaster,
  MeanCombination,
  MstlEtsForecaster,
  RefittingForecaster,
  ResourceDemandForecasts,
  SeasonalNaiveForecaster,
  TemporalAggregationForecaster,
  WeightedCombination,
  aggregateMeans,
  backtestOrigins,
  combineByBacktest,
  combineResults,
  dailyNaive,
  demandModelMembers,
  learnCombinationWeights,
  loadAugursMstl,
  mae,
  markdownTable,
  mase,
  rollingBacktest,
  seasonalNaiveScale,
  selectByBacktest,
  simplexGrid,
  smape,
  stitchForecasts,
  svgLinePlot,
  weeklyNaive,
  type AugursMstl,
  type Forecaster,
} from "../../oracle/forecast";
import { seededRandom } from "../helpers/random";

const rng = seededRandom;

/**
 * Hourly demand (24 steps a day, 168 a week): level 100, slow trend, a daily sine, a weekend dip,
 * and Gaussian noise (σ = 2) from a seeded generator.
 */
function syntheticDemand(weeks: number, seed: number): number[] {
  const uniform = rng(seed);
  const gauss = (): number => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
  return Array.from({ length: weeks * 168 }, (_, t) => {
    const hour = t % 24;
    const day = Math.floor(t / 24) % 7;
    const daily = 20 * Math.sin((2 * Math.PI * (hour - 6)) / 24);
    const weekend = day >= 5 ? -25 + 0.5 * daily : 0;
    return 100 + 0.01 * t + daily + weekend + 2 * gauss();
  });
}

/** A fake model that records its fits and forecasts "last fitted value + k" for step k. */
class CountingForecaster implements Forecaster {
  readonly name = "counting";
  readonly minHistory = 3;
  readonly fittedLengths: number[] = [];
  private last: number | undefined;

  fit(history: readonly number[]): void {
    this.fittedLengths.push(history.length);
    this.last = history[history.length - 1];
  }

  predict(horizon: number): number[] {
    const last = this.last;
    if (last === undefined) throw new ForecastNotFittedError(this.name);
    return Array.from({ length: horizon }, (_, k) => last + k + 1);
  }
}

/** Forecasts "last fitted value + offset + slope·k" for step k = 1, 2, ... */
class OffsetForecaster implements Forecaster {
  readonly minHistory = 1;
  readonly name: string;
  fits = 0;
  private last: number | undefined;

  constructor(
    readonly offset: number,
    readonly slope = 0,
  ) {
    this.name = slope === 0 ? `offset(${offset})` : `slope(${slope})`;
  }

  fit(history: readonly number[]): void {
    this.fits++;
    this.last = history[history.length - 1];
  }

  predict(horizon: number): number[] {
    const last = this.last;
    if (last === undefined) throw new ForecastNotFittedError(this.name);
    return Array.from({ length: horizon }, (_, k) => last + this.offset + this.slope * (k + 1));
  }
}

describe("oracle/forecast", function () {
  describe("# metrics", function () {
    it("computes sMAPE in percent on a hand-worked example", function () {
      // (2·10/210 + 2·20/380) / 2 · 100 = (0.0952381 + 0.1052632) / 2 · 100
      expect(smape([100, 200], [110, 180])).to.be.closeTo(10.025063, 1e-6);
    });

    it("scores sMAPE 0 for a perfect forecast, counts 0/0 as 0 and caps at 200", function () {
      expect(smape([3, 4], [3, 4])).to.equal(0);
      expect(smape([0, 1], [0, 1])).to.equal(0);
      expect(smape([0], [5])).to.equal(200);
    });

    it("computes MAE, the seasonal naive scale and MASE by hand", function () {
      expect(mae([1, 2, 3], [2, 2, 5])).to.equal(1);
      // period 2 over [1,2,3,4,6]: |3−1| + |4−2| + |6−3| = 7, over 3 terms
      expect(seasonalNaiveScale([1, 2, 3, 4, 6], 2)).to.be.closeTo(7 / 3, 1e-12);
      // MAE([5,7] vs [4,9]) = 1.5; 1.5 / (7/3) = 0.642857…
      expect(mase([5, 7], [4, 9], [1, 2, 3, 4, 6], 2)).to.be.closeTo(1.5 / (7 / 3), 1e-12);
    });

    it("gives MASE 1 to the weekly naive when the future repeats the in-sample error", function () {
      const history = [1, 2, 3, 2, 3, 4]; // period 3: every in-sample error is 1
      expect(mase([4, 5, 6], [3, 4, 5], history, 3)).to.equal(1);
    });

    it("rejects mismatched lengths, empty input, NaN and an undefined MASE scale with typed errors", function () {
      expect(() => smape([1, 2], [1])).to.throw(ForecastInvalidArgumentError);
      expect(() => mae([], [])).to.throw(ForecastInvalidArgumentError);
      expect(() => smape([1, Number.NaN], [1, 2]))
        .to.throw(ForecastInvalidValueError)
        .with.property("index", 1);
      expect(() => seasonalNaiveScale([1, 2], 2)).to.throw(ForecastInvalidArgumentError);
      expect(() => seasonalNaiveScale([1, 2, 1, 2], 2)).to.throw(ForecastInvalidArgumentError, /zero/);
    });
  });

  describe("# baselines", function () {
    it("last-value repeats the last observation", function () {
      const f = new LastValueForecaster();
      f.fit([1, 2, 3]);
      expect(f.predict(2)).to.deep.equal([3, 3]);
    });

    it("seasonal naive repeats the last full season", function () {
      const f = new SeasonalNaiveForecaster(3);
      f.fit([1, 2, 3, 4, 5, 6, 7]);
      expect(f.predict(5)).to.deep.equal([5, 6, 7, 5, 6]);
      expect(f.name).to.equal("seasonal-naive(3)");
    });

    it("daily and weekly naive use one day and one week of steps", function () {
      expect(dailyNaive(288).period).to.equal(288);
      expect(weeklyNaive(288).period).to.equal(2016);
      expect(weeklyNaive(24).name).to.equal("weekly-naive");
    });

    it("throw typed errors for short history, NaN, bad horizon and predict before fit", function () {
      const f = new SeasonalNaiveForecaster(4);
      expect(() => f.predict(1)).to.throw(ForecastNotFittedError);
      expect(() => f.fit([1, 2, 3]))
        .to.throw(ForecastInsufficientHistoryError)
        .that.includes({ required: 4, actual: 3 });
      expect(() => f.fit([1, 2, Number.NaN, 4])).to.throw(ForecastInvalidValueError);
      f.fit([1, 2, 3, 4]);
      expect(() => f.predict(0)).to.throw(ForecastInvalidArgumentError);
      expect(() => new LastValueForecaster().fit([])).to.throw(ForecastInsufficientHistoryError);
      expect(new ForecastNotFittedError("x")).to.be.instanceOf(ForecastError);
    });
  });

  describe("# temporal aggregation", function () {
    it("averages buckets aligned to the end of the history", function () {
      expect(aggregateMeans([1, 2, 3, 4, 5, 6, 7], 3)).to.deep.equal([3, 6]); // [1] dropped
      expect(aggregateMeans([1, 2], 1)).to.deep.equal([1, 2]);
      expect(aggregateMeans([1, 2], 3)).to.deep.equal([]);
    });

    it("fits the inner model on bucket means and spreads each bucket forecast over its steps", function () {
      const inner = new CountingForecaster(); // forecasts last bucket + k for bucket k
      const f = new TemporalAggregationForecaster(2, inner);
      expect(f.name).to.equal("agg2(counting)");
      expect(f.minHistory).to.equal(6);
      f.fit([9, 1, 3, 5, 7, 9, 11]); // buckets [1,3] [5,7] [9,11] → 2, 6, 10
      expect(inner.fittedLengths).to.deep.equal([3]);
      expect(f.predict(5)).to.deep.equal([11, 11, 12, 12, 13]);
    });

    it("throws typed errors for short history, NaN, bad factor and predict before fit", function () {
      const f = new TemporalAggregationForecaster(2, new CountingForecaster(), "hourly");
      expect(f.name).to.equal("hourly");
      expect(() => f.predict(1)).to.throw(ForecastNotFittedError);
      expect(() => f.fit([1, 2, 3, 4, 5]))
        .to.throw(ForecastInsufficientHistoryError)
        .that.includes({ required: 6, actual: 5 });
      expect(() => f.fit([1, 2, 3, Number.NaN, 5, 6])).to.throw(ForecastInvalidValueError);
      expect(() => new TemporalAggregationForecaster(0, new CountingForecaster())).to.throw(
        ForecastInvalidArgumentError,
      );
    });
  });

  describe("# WeightedCombination", function () {
    it("forecasts the weighted sum and never fits a member of weight 0", function () {
      const [a, b, c] = [new OffsetForecaster(0), new OffsetForecaster(10), new OffsetForecaster(100)];
      const combo = new WeightedCombination([a, b, c], [0.75, 0.25, 0]);
      expect(combo.name).to.equal("combination(0.75·offset(0), 0.25·offset(10))");
      combo.fit([1, 2, 4]);
      expect(combo.predict(2)).to.deep.equal([6.5, 6.5]); // 0.75·4 + 0.25·14
      expect([a.fits, b.fits, c.fits]).to.deep.equal([1, 1, 0]);
    });

    it("rejects weights that are negative, mismatched or do not sum to 1", function () {
      const members = (): Forecaster[] => [new OffsetForecaster(0), new OffsetForecaster(1)];
      expect(() => new WeightedCombination(members(), [1])).to.throw(ForecastInvalidArgumentError);
      expect(() => new WeightedCombination(members(), [1.5, -0.5])).to.throw(ForecastInvalidArgumentError);
      expect(() => new WeightedCombination(members(), [0.5, 0.4])).to.throw(
        ForecastInvalidArgumentError,
        /sum/,
      );
      const a = new OffsetForecaster(0);
      expect(() => new WeightedCombination([a, a], [0.5, 0.5])).to.throw(ForecastInvalidArgumentError);
    });
  });

  describe("# RefittingForecaster", function () {
    it("fits on first forecast, then refits every refitEvery observations", function () {
      const model = new CountingForecaster();
      const w = new RefittingForecaster(model, { refitEvery: 5 }, [0, 1, 2, 3]);
      expect(w.fitCount).to.equal(0);
      expect(w.stepsSinceFit).to.equal(undefined);
      expect(w.forecast(2)).to.deep.equal([4, 5]);
      expect(model.fittedLengths).to.deep.equal([4]);

      expect(w.append([4, 5, 6, 7])).to.equal(false); // 4 < 5 new observations
      expect(w.stepsSinceFit).to.equal(4);
      expect(w.append([8])).to.equal(true); // 5th: refit on all 9
      expect(model.fittedLengths).to.deep.equal([4, 9]);
      expect(w.stepsSinceFit).to.equal(0);
      expect(w.append([9, 10, 11, 12, 13, 14, 15])).to.equal(true); // a batch past the threshold: one refit
      expect(model.fittedLengths).to.deep.equal([4, 9, 16]);
    });

    it("keeps a stale fit aligned with the latest observation", function () {
      const model = new CountingForecaster();
      const w = new RefittingForecaster(model, { refitEvery: 100 }, [0, 1, 2, 3]);
      w.refit(); // fitted through value 3: model would forecast 4, 5, 6, ...
      w.append([4, 5, 6]);
      expect(w.fitCount).to.equal(1);
      expect(w.forecast(2)).to.deep.equal([7, 8]); // the next two steps after "now", not after the fit
    });

    it("refits on request and trims to maxHistory", function () {
      const model = new CountingForecaster();
      const w = new RefittingForecaster(model, { refitEvery: 2, maxHistory: 4 }, [1, 2, 3, 4, 5, 6]);
      expect(w.history).to.deep.equal([3, 4, 5, 6]);
      w.refit();
      w.append([7, 8]);
      expect(w.history).to.deep.equal([5, 6, 7, 8]);
      expect(model.fittedLengths).to.deep.equal([4, 4]);
      w.refit();
      expect(w.fitCount).to.equal(3);
    });

    it("rejects a batch holding NaN as a whole, and too short a history, with typed errors", function () {
      const w = new RefittingForecaster(new CountingForecaster(), { refitEvery: 1 }, [1, 2]);
      expect(() => w.forecast(1))
        .to.throw(ForecastInsufficientHistoryError)
        .that.includes({ required: 3, actual: 2 });
      expect(() => w.append([3, Number.NaN])).to.throw(ForecastInvalidValueError);
      expect(w.history).to.deep.equal([1, 2]);
      expect(() => new RefittingForecaster(new CountingForecaster(), { refitEvery: 0 })).to.throw(
        ForecastInvalidArgumentError,
      );
      expect(
        () =>
          new RefittingForecaster(new CountingForecaster(), { refitEvery: 1 }, [Number.POSITIVE_INFINITY]),
      ).to.throw(ForecastInvalidValueError);
    });
  });

  describe("# ResourceDemandForecasts", function () {
    it("keeps one independent forecaster per resource class", function () {
      const set = new ResourceDemandForecasts<"cpu" | "gpu">(() => new LastValueForecaster(), {
        refitEvery: 1,
      });
      set.observe("cpu", [1, 2, 3]);
      set.observe("gpu", [10]);
      set.observe("cpu", [4]);
      expect(set.classes).to.deep.equal(["cpu", "gpu"]);
      expect(set.forecast("cpu", 2)).to.deep.equal([4, 4]);
      expect(set.forecast("gpu", 1)).to.deep.equal([10]);
    });

    it("throws for a class never observed", function () {
      const set = new ResourceDemandForecasts(() => new LastValueForecaster(), { refitEvery: 1 });
      expect(() => set.forecast("tpu", 1)).to.throw(ForecastInvalidArgumentError, /tpu/);
    });
  });

  describe("# backtest", function () {
    it("lists origins every stride while a full horizon remains", function () {
      expect(
        backtestOrigins(20, { horizon: 5, firstOrigin: 6, originStride: 4, masePeriod: 2 }),
      ).to.deep.equal([6, 10, 14]);
      expect(() =>
        backtestOrigins(10, { horizon: 5, firstOrigin: 6, originStride: 1, masePeriod: 2 }),
      ).to.throw(ForecastInvalidArgumentError);
    });

    it("fits each origin on all data before it and scores the horizon after it", function () {
      const series = Array.from({ length: 30 }, (_, t) => 10 + (t % 3) + 0.1 * t);
      const [r] = rollingBacktest(series, [new LastValueForecaster()], {
        horizon: 4,
        firstOrigin: 20,
        originStride: 3,
        masePeriod: 3,
      });
      expect(r.origins.map((o) => o.origin)).to.deep.equal([20, 23, 26]);
      for (const o of r.origins) {
        const actual = series.slice(o.origin, o.origin + 4);
        const forecast = new Array<number>(4).fill(series[o.origin - 1]);
        expect(o.forecast).to.deep.equal(forecast);
        expect(o.smape).to.be.closeTo(smape(actual, forecast), 1e-12);
        expect(o.mase).to.be.closeTo(mase(actual, forecast, series.slice(0, o.origin), 3), 1e-12);
      }
      expect(r.smape).to.be.closeTo(
        (r.origins[0].smape + r.origins[1].smape + r.origins[2].smape) / 3,
        1e-12,
      );
    });

    it("selects the candidate with the lowest validation MASE", function () {
      const series = Array.from({ length: 60 }, (_, t) => [5, 9, 2, 7][t % 4] + 0.01 * t);
      const { winner, results } = selectByBacktest(
        series,
        [new LastValueForecaster(), new SeasonalNaiveForecaster(4)],
        { horizon: 4, firstOrigin: 40, originStride: 4, masePeriod: 4 },
      );
      expect(winner.name).to.equal("seasonal-naive(4)");
      expect(results).to.have.length(2);
    });

    it("reuses the last fit between refits when refitEvery exceeds the origin stride", function () {
      const series = Array.from({ length: 40 }, (_, t) => t);
      const model = new CountingForecaster(); // forecasts last fitted value + k
      const [r] = rollingBacktest(series, [model], {
        horizon: 2,
        firstOrigin: 20,
        originStride: 2,
        refitEvery: 6,
        masePeriod: 2,
      });
      // fits at origins 20, 26, 32, 38; origin 22 uses the fit through 19, shifted by 2 steps
      expect(model.fittedLengths).to.deep.equal([20, 26, 32, 38]);
      expect(r.origins[1]).to.include({ origin: 22 });
      expect(r.origins[1].forecast).to.deep.equal([22, 23]);
      expect(() =>
        rollingBacktest(series, [new CountingForecaster()], {
          horizon: 2,
          firstOrigin: 20,
          originStride: 4,
          refitEvery: 6,
          masePeriod: 2,
        }),
      ).to.throw(ForecastInvalidArgumentError, /multiple/);
    });

    it("enumerates the simplex grid, all weight on the first member first", function () {
      const grid = simplexGrid(3, 2);
      expect(grid).to.have.length(6); // C(4, 2)
      expect(grid[0]).to.deep.equal([1, 0, 0]);
      expect(grid).to.deep.include([0.5, 0, 0.5]);
      for (const w of grid) expect(w.reduce((s, v) => s + v, 0)).to.be.closeTo(1, 1e-12);
      expect(simplexGrid(1, 20)).to.deep.equal([[1]]);
    });

    it("learns the weights that make the combination exact, and combines results exactly", function () {
      const series = Array.from({ length: 60 }, (_, t) => 10 + t);
      const options = { horizon: 4, firstOrigin: 40, originStride: 2, masePeriod: 2 };
      // ½·(last + 2k) + ½·last = last + k: the truth on a line; no mix with seasonal naive is exact
      const fit = combineByBacktest(
        series,
        [new OffsetForecaster(0, 2), new OffsetForecaster(0), new SeasonalNaiveForecaster(2)],
        options,
      );
      expect(fit.weights).to.deep.equal([0.5, 0.5, 0]);
      expect(fit.mase).to.be.closeTo(0, 1e-12);
      expect(fit.combined.mase).to.be.closeTo(0, 1e-12);
      for (const r of fit.results) expect(r.mase).to.be.above(0.5);
      const [direct] = rollingBacktest(series, [fit.model], options);
      direct.origins.forEach((o, i) => {
        fit.combined.origins[i].forecast.forEach((v, k) => expect(o.forecast[k]).to.be.closeTo(v, 1e-9));
      });
      expect(direct.smape).to.be.closeTo(fit.combined.smape, 1e-9);
      expect(() => combineResults(series, fit.results, [1], options, "x")).to.throw(
        ForecastInvalidArgumentError,
      );
      expect(learnCombinationWeights(series, fit.results.slice(0, 1), options).weights).to.deep.equal([1]);
    });

    it("stitches non-overlapping forecasts into one path", function () {
      const series = Array.from({ length: 20 }, (_, t) => t);
      const [r] = rollingBacktest(series, [new LastValueForecaster()], {
        horizon: 4,
        firstOrigin: 10,
        originStride: 2,
        masePeriod: 2,
      });
      expect(stitchForecasts(r, 10, 20, 4)).to.deep.equal([
        9,
        9,
        9,
        9,
        13,
        13,
        13,
        13,
        Number.NaN,
        Number.NaN,
      ]);
    });
  });

  describe("# report", function () {
    it("formats a markdown table and a standalone SVG", function () {
      const table = markdownTable([{ name: "m", smape: 1.23456, mase: 0.5, note: "x" }]);
      expect(table.split("\n")[2]).to.equal("| m | 1.235 | 0.500 | x |");
      const svg = svgLinePlot([{ label: "a<b", values: [1, 2, Number.NaN, 4], color: "#000" }], {
        title: "t",
        stepsPerTick: 2,
      });
      expect(svg).to.match(/^<svg /);
      expect(svg).to.include("a&lt;b");
      expect(svg).to.match(/M[\d.]+ [\d.]+L[\d.]+ [\d.]+M/); // the NaN breaks the line
    });
  });

  describe("# MstlEtsForecaster (augurs WebAssembly)", function () {
    let augurs: AugursMstl;

    before(async function () {
      augurs = await loadAugursMstl();
    });

    it("loads augurs once per process", async function () {
      expect(await loadAugursMstl()).to.equal(augurs);
      const f = await MstlEtsForecaster.create({ periods: [24, 168] });
      expect(f.name).to.equal("mstl-ets(24,168)");
      expect(f.minHistory).to.equal(336);
    });

    it("beats last-value, daily and weekly naive on a seeded daily+weekly series with noise", function () {
      this.timeout(60_000);
      const series = syntheticDemand(6, 42);
      const models: Forecaster[] = [
        new MstlEtsForecaster(augurs, { periods: [24, 168] }),
        new LastValueForecaster(),
        dailyNaive(24),
        weeklyNaive(24),
      ];
      const results = rollingBacktest(series, models, {
        horizon: 24,
        firstOrigin: series.length - 168,
        originStride: 12,
        masePeriod: 168,
      });
      const [model, ...baselines] = results;
      expect(model.origins).to.have.length(13);
      for (const b of baselines) {
        expect(model.mase, `MASE vs ${b.name}`).to.be.below(b.mase);
        expect(model.smape, `sMAPE vs ${b.name}`).to.be.below(b.smape);
      }
      expect(model.mase).to.be.below(0.9);
    });

    it("builds the demand model's members and learns their weights on validation", function () {
      this.timeout(120_000);
      expect(demandModelMembers(augurs, 288).map((m) => m.name)).to.deep.equal([
        "mstl-ets(288,2016)",
        "hourly-mstl-ets(24,168)",
        "weekly-naive",
        "daily-naive",
      ]);
      const members = demandModelMembers(augurs, 24); // hourly data: no hourly aggregate
      expect(members.map((m) => m.name)).to.deep.equal(["mstl-ets(24,168)", "weekly-naive", "daily-naive"]);
      const series = syntheticDemand(5, 11);
      const fit = combineByBacktest(series, members, {
        horizon: 24,
        firstOrigin: series.length - 96,
        lastOrigin: series.length - 24,
        originStride: 12,
        masePeriod: 168,
      });
      expect(fit.weights.reduce((s, w) => s + w, 0)).to.be.closeTo(1, 1e-9);
      for (const r of fit.results) expect(fit.combined.mase).to.be.at.most(r.mase + 1e-12);
      expect(fit.weights[0]).to.be.above(0.5); // MSTL dominates on a clean daily+weekly series
    });

    it("forecasts hourly means of a 5-minute-like series with MSTL", function () {
      this.timeout(60_000);
      // 2-step buckets of a 48-steps-a-day series: the inner model sees 24 steps a day
      const hourly = syntheticDemand(3, 5);
      const fine = hourly.flatMap((v) => [v - 0.5, v + 0.5]);
      const f = new TemporalAggregationForecaster(2, new MstlEtsForecaster(augurs, { periods: [24, 168] }));
      f.fit(fine);
      const p = f.predict(48);
      expect(p).to.have.length(48);
      for (let k = 0; k < 48; k += 2) expect(p[k]).to.equal(p[k + 1]);
      p.forEach((v) => expect(v).to.be.within(40, 160));
    });

    it("forecasts on log scale and combines with a baseline", function () {
      const series = syntheticDemand(3, 7);
      const log = new MstlEtsForecaster(augurs, { periods: [24, 168], logTransform: true });
      log.fit(series);
      const f = log.predict(24);
      expect(f).to.have.length(24);
      f.forEach((v) => expect(v).to.be.within(40, 160));
      const combo = new MeanCombination([
        new MstlEtsForecaster(augurs, { periods: [24, 168] }),
        weeklyNaive(24),
      ]);
      combo.fit(series);
      expect(combo.predict(3)).to.have.length(3);
      expect(() => new MeanCombination([log, log])).to.throw(ForecastInvalidArgumentError);
    });

    it("throws typed errors for short history, NaN, non-positive log input, bad periods and no fit", function () {
      const f = new MstlEtsForecaster(augurs, { periods: [24, 168] });
      expect(() => f.predict(1)).to.throw(ForecastNotFittedError);
      expect(() => f.fit(syntheticDemand(1, 1)))
        .to.throw(ForecastInsufficientHistoryError)
        .that.includes({ required: 336, actual: 168 });
      const withNaN = syntheticDemand(3, 1);
      withNaN[100] = Number.NaN;
      expect(() => f.fit(withNaN))
        .to.throw(ForecastInvalidValueError)
        .that.includes({ index: 100 });
      const withZero = syntheticDemand(3, 1);
      withZero[5] = 0;
      expect(() =>
        new MstlEtsForecaster(augurs, { periods: [24], logTransform: true }).fit(withZero),
      ).to.throw(ForecastInvalidArgumentError, /log/);
      expect(() => new MstlEtsForecaster(augurs, { periods: [] })).to.throw(ForecastInvalidArgumentError);
      expect(() => new MstlEtsForecaster(augurs, { periods: [1.5] })).to.throw(ForecastInvalidArgumentError);
    });
  });
});
