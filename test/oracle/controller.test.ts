import { expect } from "chai";
import fc from "fast-check";
import {
  ControllerParamsError,
  checkControllerParams,
  checkPublishPolicy,
  isStale,
  nextPrice,
  providerCapacity,
  publishDecision,
  targetPrice,
  totalCapacity,
  utilisation,
  type ControllerParams,
} from "../../oracle/controller";

const E18 = 10n ** 18n;
const PARAMS: ControllerParams = {
  basePrice: E18,
  targetUtilisation: 0.8,
  slopeLow: 1,
  slopeHigh: 3,
  maxUtilisation: 2,
  maxStepBps: 1_000,
  minPrice: E18 / 10_000n,
  maxPrice: 1_000n * E18,
};
const RUNS = { numRuns: 500 };

const demandArb = fc.double({ min: 0, max: 1e7, noNaN: true });
const supplyArb = fc.double({ min: 0, max: 1e7, noNaN: true });
const priceArb = fc.bigInt({ min: PARAMS.minPrice, max: PARAMS.maxPrice });
const paramsArb = fc
  .record({
    basePrice: fc.bigInt({ min: 1n, max: 100n * E18 }),
    targetUtilisation: fc.double({ min: 0.05, max: 0.95, noNaN: true }),
    slopeLow: fc.double({ min: 0, max: 10, noNaN: true }),
    slopeHigh: fc.double({ min: 0, max: 100, noNaN: true }),
    maxUtilisation: fc.double({ min: 1, max: 10, noNaN: true }),
    maxStepBps: fc.integer({ min: 1, max: 10_000 }),
    minPrice: fc.bigInt({ min: 1n, max: E18 }),
    span: fc.bigInt({ min: 0n, max: 10_000n * E18 }),
  })
  .map(({ span, ...p }) => ({ ...p, maxPrice: p.minPrice + span }));

describe("oracle/controller", function () {
  describe("# curve", function () {
    it("prices the base at zero utilisation, 1+slopeLow at the target, 1+slopeLow+slopeHigh at full use", function () {
      expect(targetPrice(0, PARAMS)).to.equal(E18);
      expect(targetPrice(0.4, PARAMS)).to.equal((15n * E18) / 10n);
      expect(targetPrice(0.8, PARAMS)).to.equal(2n * E18);
      expect(targetPrice(1, PARAMS)).to.equal(5n * E18);
      expect(targetPrice(2, PARAMS)).to.equal(20n * E18);
      expect(targetPrice(7, PARAMS)).to.equal(20n * E18); // capped at maxUtilisation
    });

    it("computes utilisation with the edge cases named in the formula", function () {
      expect(utilisation(50, 100, 2)).to.equal(0.5);
      expect(utilisation(500, 100, 2)).to.equal(2);
      expect(utilisation(0, 0, 2)).to.equal(0);
      expect(utilisation(-3, 10, 2)).to.equal(0);
      expect(utilisation(1, 0, 2)).to.equal(2);
      expect(() => utilisation(Number.NaN, 1, 2)).to.throw(ControllerParamsError);
      expect(() => utilisation(1, -1, 2)).to.throw(ControllerParamsError);
    });

    it("rejects parameters outside their domain", function () {
      const bad: Partial<ControllerParams>[] = [
        { minPrice: 0n },
        { maxPrice: PARAMS.minPrice - 1n },
        { basePrice: 0n },
        { targetUtilisation: 1 },
        { targetUtilisation: 0 },
        { slopeLow: -1 },
        { slopeHigh: Number.NaN },
        { maxUtilisation: 0.5 },
        { maxStepBps: 0 },
        { maxStepBps: 10_001 },
        { maxStepBps: 1.5 },
      ];
      for (const b of bad)
        expect(
          () => checkControllerParams({ ...PARAMS, ...b }),
          JSON.stringify(b, (_k, v) => (typeof v === "bigint" ? `${v}` : v)),
        ).to.throw(ControllerParamsError);
      expect(checkControllerParams(PARAMS)).to.equal(PARAMS);
    });
  });

  describe("# next price (properties)", function () {
    it("is always within [minPrice, maxPrice]", function () {
      fc.assert(
        fc.property(
          paramsArb,
          demandArb,
          supplyArb,
          fc.option(fc.bigInt({ min: 1n, max: 100_000n * E18 }), { nil: undefined }),
          (p, d, s, cur) => {
            const { price } = nextPrice({ demand: d, supply: s, currentPrice: cur }, p);
            return price >= p.minPrice && price <= p.maxPrice;
          },
        ),
        RUNS,
      );
    });

    it("moves at most maxStepBps from a current price inside the bounds", function () {
      fc.assert(
        fc.property(
          paramsArb,
          demandArb,
          supplyArb,
          fc.double({ min: 0, max: 1, noNaN: true }),
          (p, d, s, at) => {
            const cur = p.minPrice + (BigInt(Math.floor(at * 1e6)) * (p.maxPrice - p.minPrice)) / 1_000_000n;
            const { price } = nextPrice({ demand: d, supply: s, currentPrice: cur }, p);
            const diff = price > cur ? price - cur : cur - price;
            return diff * 10_000n <= cur * BigInt(p.maxStepBps);
          },
        ),
        RUNS,
      );
    });

    it("is non-decreasing in demand and non-increasing in supply", function () {
      fc.assert(
        fc.property(
          paramsArb,
          demandArb,
          demandArb,
          supplyArb,
          supplyArb,
          priceArb,
          (p, d1, d2, s1, s2, cur) => {
            const [dLo, dHi] = d1 <= d2 ? [d1, d2] : [d2, d1];
            const [sLo, sHi] = s1 <= s2 ? [s1, s2] : [s2, s1];
            const at = (demand: number, supply: number) =>
              nextPrice({ demand, supply, currentPrice: cur }, p).price;
            return at(dLo, s1) <= at(dHi, s1) && at(d1, sHi) <= at(d1, sLo);
          },
        ),
        RUNS,
      );
    });

    it("is non-decreasing in the current price", function () {
      fc.assert(
        fc.property(paramsArb, demandArb, supplyArb, priceArb, priceArb, (p, d, s, a, b) => {
          const [lo, hi] = a <= b ? [a, b] : [b, a];
          return (
            nextPrice({ demand: d, supply: s, currentPrice: lo }, p).price <=
            nextPrice({ demand: d, supply: s, currentPrice: hi }, p).price
          );
        }),
        RUNS,
      );
    });

    it("steps toward the curve and stops on it", function () {
      // demand twice the supply: the target is 20 CLAI, so the price climbs 10 % per update
      const up = nextPrice({ demand: 2_000, supply: 1_000, currentPrice: E18 }, PARAMS);
      expect(up).to.include({ price: (11n * E18) / 10n, limitedBy: "step-up", utilisation: 2 });
      const down = nextPrice({ demand: 0, supply: 1_000, currentPrice: 2n * E18 }, PARAMS);
      expect(down).to.include({ price: (18n * E18) / 10n, limitedBy: "step-down" });
      const on = nextPrice({ demand: 800, supply: 1_000, currentPrice: 2n * E18 }, PARAMS);
      expect(on).to.include({ price: 2n * E18, limitedBy: "none" });
      // before the first round the base price is the reference
      expect(nextPrice({ demand: 0, supply: 1, currentPrice: undefined }, PARAMS).price).to.equal(E18);
      // the bounds win over the step when the current price lies outside them
      expect(nextPrice({ demand: 0, supply: 1, currentPrice: 5_000n * E18 }, PARAMS)).to.include({
        price: PARAMS.maxPrice,
        limitedBy: "max",
      });
      expect(nextPrice({ demand: 0, supply: 1, currentPrice: 1n }, PARAMS)).to.include({
        price: PARAMS.minPrice,
        limitedBy: "min",
      });
    });
  });

  describe("# publish rule and staleness", function () {
    const policy = { deviationBps: 100, heartbeatSec: 3_600 };
    const latest = { answer: 100n * E18, updatedAt: 1_000 };

    it("publishes the first value, then on a deviation of at least deviationBps, or on heartbeat", function () {
      expect(publishDecision(5n, undefined, 0, policy)).to.include({ publish: true, reason: "first" });
      expect(publishDecision(10099n * (E18 / 100n), latest, 1_100, policy)).to.include({
        publish: false,
        deviationBps: 99,
      });
      expect(publishDecision(101n * E18, latest, 1_100, policy)).to.include({
        publish: true,
        reason: "deviation",
      });
      expect(publishDecision(99n * E18, latest, 1_100, policy)).to.include({
        publish: true,
        reason: "deviation",
      });
      expect(publishDecision(100n * E18, latest, 4_599, policy)).to.include({
        publish: false,
        ageSec: 3_599,
      });
      expect(publishDecision(100n * E18, latest, 4_600, policy)).to.include({
        publish: true,
        reason: "heartbeat",
      });
    });

    it("never publishes sooner than minIntervalSec after the previous round", function () {
      const limited = { ...policy, minIntervalSec: 60 };
      expect(publishDecision(200n * E18, latest, 1_059, limited)).to.include({ publish: false, ageSec: 59 });
      expect(publishDecision(200n * E18, latest, 1_060, limited)).to.include({
        publish: true,
        reason: "deviation",
      });
      expect(publishDecision(200n * E18, undefined, 0, limited)).to.include({
        publish: true,
        reason: "first",
      });
    });

    it("calls a feed stale past heartbeat + grace, or without any round", function () {
      expect(isStale(undefined, 0, 3_600, 300)).to.equal(true);
      expect(isStale(latest, 1_000 + 3_900, 3_600, 300)).to.equal(false);
      expect(isStale(latest, 1_000 + 3_901, 3_600, 300)).to.equal(true);
    });

    it("rejects unusable policies", function () {
      expect(() => checkPublishPolicy({ deviationBps: 0, heartbeatSec: 1 })).to.throw(ControllerParamsError);
      expect(() => checkPublishPolicy({ deviationBps: 1, heartbeatSec: 0 })).to.throw(ControllerParamsError);
      expect(() => checkPublishPolicy({ deviationBps: 1, heartbeatSec: 60, minIntervalSec: 60 })).to.throw(
        ControllerParamsError,
      );
      expect(checkPublishPolicy(policy)).to.equal(policy);
    });
  });

  describe("# supply", function () {
    it("counts the smaller of offered and stake-backed units, and nothing for ineligible providers", function () {
      // 1,000 CLAI free stake, 50 % of each payment locked, 2 CLAI per unit → 1,000 units backed
      const p = { freeStake: 1_000n * E18, eligible: true };
      expect(providerCapacity({ ...p, offeredUnits: 300 }, 2n * E18, 5_000)).to.equal(300);
      expect(providerCapacity({ ...p, offeredUnits: 5_000 }, 2n * E18, 5_000)).to.equal(1_000);
      expect(providerCapacity(p, 2n * E18, 5_000)).to.equal(1_000);
      expect(providerCapacity({ ...p, eligible: false, offeredUnits: 300 }, 2n * E18, 5_000)).to.equal(0);
      expect(
        totalCapacity(
          [
            { ...p, offeredUnits: 300 },
            { ...p, offeredUnits: 5_000 },
          ],
          2n * E18,
          5_000,
        ),
      ).to.equal(1_300);
    });
  });
});
