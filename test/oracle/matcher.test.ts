import { expect } from "chai";
import {
  buildProblem,
  DEFAULT_SCORE_CONFIG,
  filterPairs,
  freeSlots,
  hasFreeSlots,
  fitsUnitBudget,
  isArmsLength,
  isClassMatch,
  isOfferUnexpired,
  isProviderActive,
  isTaskOpen,
  lockFor,
  match,
  MatcherConfigError,
  MatcherInputError,
  meetsReputation,
  priceWithinMax,
  scoreConfig,
  scorePair,
  solveGreedy,
  solveProblemGreedy,
  stakeCoversLock,
  successProbability,
  type MatchBook,
  type MatchResult,
  type Offer,
  type OpenTask,
  type ProviderState,
  type RejectReason,
} from "../../oracle/matcher";
import { seededRandom } from "../helpers/random";

const NOW = 1_000_000;
const A = "0x00000000000000000000000000000000000000a1";
const B = "0x00000000000000000000000000000000000000b2";

function task(o: Partial<OpenTask> = {}): OpenTask {
  return {
    id: 1n,
    resourceClass: 0,
    units: 10n,
    maxPricePerUnit: 100n,
    minReputation: 5000,
    assignDeadline: NOW + 60,
    ...o,
  };
}
function offer(o: Partial<Offer> = {}): Offer {
  return { provider: A, resourceClass: 0, pricePerUnit: 80n, capacity: 4, expiry: NOW + 60, nonce: 1n, ...o };
}
function provider(o: Partial<ProviderState> = {}): ProviderState {
  return {
    address: A,
    active: true,
    freeStake: 10_000n,
    reputation: 8000,
    successes: 10,
    failures: 1,
    currentLoad: 1,
    ...o,
  };
}
function book(o: Partial<MatchBook> = {}): MatchBook {
  return {
    tasks: [task()],
    offers: [offer()],
    providers: [provider()],
    lock: { fixed: 1_000n, bpsOfValue: 0 },
    now: NOW,
    ...o,
  };
}

const rng = seededRandom;
const int = (r: () => number, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));

/** A random book; `maxSlots` bounds the total free slots, `bps` sets the value-proportional lock. */
function randomBook(seed: number, maxTasks: number, maxOffers: number, maxSlots: number, bps = 0): MatchBook {
  const r = rng(seed);
  const tasks = Array.from({ length: int(r, 1, maxTasks) }, (_, i) =>
    task({
      id: BigInt(i + 1),
      resourceClass: int(r, 0, 1),
      units: BigInt(int(r, 1, 50)),
      maxPricePerUnit: BigInt(int(r, 50, 150)),
      minReputation: int(r, 0, 6000),
      assignDeadline: r() < 0.05 ? NOW - 1 : NOW + 60,
    }),
  );
  const offers: Offer[] = [];
  const providers: ProviderState[] = [];
  let slotsLeft = maxSlots;
  const nOffers = int(r, 1, maxOffers);
  for (let i = 0; i < nOffers && slotsLeft > 0; i++) {
    const free = int(r, 1, Math.min(3, slotsLeft));
    slotsLeft -= free;
    const load = int(r, 0, 2);
    const address = `0x${(i + 1).toString(16).padStart(40, "0")}`;
    providers.push(
      provider({
        address,
        active: r() > 0.05,
        freeStake: BigInt(int(r, 1, 6)) * 1_000n + BigInt(int(r, 0, 999)),
        reputation: int(r, 2000, 10_000),
        successes: int(r, 0, 50),
        failures: int(r, 0, 10),
        currentLoad: load,
      }),
    );
    offers.push(
      offer({
        provider: address,
        resourceClass: int(r, 0, 1),
        pricePerUnit: BigInt(int(r, 40, 140)),
        capacity: free + load,
        expiry: r() < 0.05 ? NOW : NOW + 60,
      }),
    );
  }
  return { tasks, offers, providers, lock: { fixed: 1_000n, bpsOfValue: bps }, now: NOW };
}

/** Exhaustive maximum over all assignments (each task: one feasible offer or none) of the total score. */
function bruteForce(res: MatchResult): number {
  const p = res.problem;
  const byTask: { offer: number; score: number }[][] = Array.from({ length: p.numTasks }, () => []);
  for (let i = 0; i < p.pairTask.length; i++)
    byTask[p.pairTask[i]].push({ offer: p.pairOffer[i], score: p.pairScore[i] });
  const left = Int32Array.from(p.slots);
  let best = 0;
  const go = (t: number, acc: number): void => {
    if (t === p.numTasks) {
      best = Math.max(best, acc);
      return;
    }
    go(t + 1, acc);
    for (const { offer: o, score } of byTask[t]) {
      if (left[o] === 0) continue;
      left[o]--;
      go(t + 1, acc + score);
      left[o]++;
    }
  };
  go(0, 0);
  return best;
}

/**
 * Exhaustive maximum computed from the book alone (not from the solver's slot counts): every task takes one
 * feasible offer or none, each offer at most its free slots and its unit budget, each provider's locks at
 * most its free stake.
 */
function bruteForceBook(b: MatchBook): number {
  const f = filterPairs(b);
  const byTask: number[][] = b.tasks.map(() => []);
  for (const p of f.feasible) byTask[p.taskIndex].push(p.offerIndex);
  const prov = b.offers.map(
    (o) => b.providers.find((p) => p.address.toLowerCase() === o.provider.toLowerCase()) as ProviderState,
  );
  const used = b.offers.map(() => 0);
  const units = b.offers.map(() => 0n);
  const locked = new Map<string, bigint>();
  let best = 0;
  const go = (t: number, acc: number): void => {
    if (t === b.tasks.length) {
      best = Math.max(best, acc);
      return;
    }
    go(t + 1, acc);
    const task = b.tasks[t];
    const lock = lockFor(task, b.lock);
    for (const o of byTask[t]) {
      const key = prov[o].address.toLowerCase();
      const budget = b.offers[o].unitBudget;
      if (used[o] >= freeSlots(b.offers[o], prov[o])) continue;
      if (budget !== undefined && units[o] + task.units > budget) continue;
      if ((locked.get(key) ?? 0n) + lock > prov[o].freeStake) continue;
      used[o]++;
      units[o] += task.units;
      locked.set(key, (locked.get(key) ?? 0n) + lock);
      go(t + 1, acc + scorePair(task, b.offers[o], prov[o], lock));
      used[o]--;
      units[o] -= task.units;
      locked.set(key, (locked.get(key) as bigint) - lock);
    }
  };
  go(0, 0);
  return best;
}

/** Asserts: no task twice, no (offer, slot) twice, slots within the offer's free slots and stake. */
function expectValid(b: MatchBook, res: MatchResult): void {
  const tasks = new Set<number>();
  const slots = new Set<string>();
  const perOffer = new Map<number, number>();
  const locked = new Map<number, bigint>();
  for (const a of res.assignments) {
    expect(tasks.has(a.taskIndex), `task ${a.taskIndex} twice`).to.equal(false);
    tasks.add(a.taskIndex);
    const key = `${a.offerIndex}/${a.slot}`;
    expect(slots.has(key), `slot ${key} twice`).to.equal(false);
    slots.add(key);
    perOffer.set(a.offerIndex, (perOffer.get(a.offerIndex) ?? 0) + 1);
    locked.set(a.offerIndex, (locked.get(a.offerIndex) ?? 0n) + lockFor(b.tasks[a.taskIndex], b.lock));
    expect(res.filter.feasible.some((p) => p.taskIndex === a.taskIndex && p.offerIndex === a.offerIndex)).to
      .be.true;
  }
  const byProvider = new Map<string, bigint>();
  for (const [o, n] of perOffer) {
    const prov = b.providers.find((p) => p.address.toLowerCase() === b.offers[o].provider.toLowerCase());
    expect(prov).to.not.equal(undefined);
    expect(n).to.be.at.most(freeSlots(b.offers[o], prov as ProviderState));
    const key = b.offers[o].provider.toLowerCase();
    byProvider.set(key, (byProvider.get(key) ?? 0n) + (locked.get(o) as bigint));
    expect((byProvider.get(key) as bigint) <= (prov as ProviderState).freeStake).to.equal(true);
    const budget = b.offers[o].unitBudget;
    if (budget !== undefined) {
      const units = res.assignments
        .filter((a) => a.offerIndex === o)
        .reduce((s, a) => s + b.tasks[a.taskIndex].units, 0n);
      expect(units <= budget, `offer ${o} over its unit budget`).to.equal(true);
    }
  }
  expect(res.assignments.length + res.unassigned.length).to.equal(b.tasks.length);
}

function reasonOf(b: MatchBook, taskIndex = 0, offerIndex = 0): RejectReason | "feasible" {
  const f = filterPairs(b);
  if (f.feasible.some((p) => p.taskIndex === taskIndex && p.offerIndex === offerIndex)) return "feasible";
  const r = f.rejected.find((p) => p.taskIndex === taskIndex && p.offerIndex === offerIndex);
  return r === undefined ? "feasible" : r.reason;
}

describe("oracle/matcher", function () {
  describe("# filters", function () {
    it("accepts a pair that passes every rule", function () {
      expect(reasonOf(book())).to.equal("feasible");
    });

    it("matches only the same resource class", function () {
      expect(isClassMatch(task(), offer())).to.equal(true);
      expect(isClassMatch(task({ resourceClass: 1 }), offer())).to.equal(false);
      expect(reasonOf(book({ tasks: [task({ resourceClass: 1 })] }))).to.equal("classMismatch");
    });

    it("requires a free slot after the current load", function () {
      expect(freeSlots(offer({ capacity: 4 }), provider({ currentLoad: 1 }))).to.equal(3);
      expect(hasFreeSlots(offer({ capacity: 2 }), provider({ currentLoad: 2 }))).to.equal(false);
      expect(freeSlots(offer({ capacity: 1 }), provider({ currentLoad: 5 }))).to.equal(0);
      expect(reasonOf(book({ offers: [offer({ capacity: 1 })] }))).to.equal("noFreeSlots");
    });

    it("requires free stake covering the task's lock", function () {
      const rule = { fixed: 1_000n, bpsOfValue: 500 };
      // 10 units × 100 × 5 % = 50
      expect(lockFor(task(), rule)).to.equal(1_050n);
      expect(lockFor(task({ units: 1n, maxPricePerUnit: 1n }), rule)).to.equal(1_001n); // rounds up
      expect(stakeCoversLock(provider({ freeStake: 1_050n }), 1_050n)).to.equal(true);
      expect(stakeCoversLock(provider({ freeStake: 1_049n }), 1_050n)).to.equal(false);
      expect(reasonOf(book({ providers: [provider({ freeStake: 999n })] }))).to.equal("insufficientStake");
    });

    it("limits usable slots by stake with a uniform lock", function () {
      const f = filterPairs(book({ providers: [provider({ freeStake: 2_500n, currentLoad: 0 })] }));
      expect(f.offers[0].usableSlots).to.equal(2);
    });

    it("requires reputation at least the task minimum", function () {
      expect(meetsReputation(task({ minReputation: 8000 }), provider({ reputation: 8000 }))).to.equal(true);
      expect(meetsReputation(task({ minReputation: 8001 }), provider({ reputation: 8000 }))).to.equal(false);
      expect(reasonOf(book({ tasks: [task({ minReputation: 9000 })] }))).to.equal("reputationTooLow");
    });

    it("requires the offer price at most the task maximum", function () {
      expect(priceWithinMax(task({ maxPricePerUnit: 80n }), offer({ pricePerUnit: 80n }))).to.equal(true);
      expect(priceWithinMax(task({ maxPricePerUnit: 79n }), offer({ pricePerUnit: 80n }))).to.equal(false);
      expect(reasonOf(book({ offers: [offer({ pricePerUnit: 101n })] }))).to.equal("priceAboveMax");
    });

    it("requires an unexpired offer", function () {
      expect(isOfferUnexpired(offer({ expiry: NOW + 1 }), NOW)).to.equal(true);
      expect(isOfferUnexpired(offer({ expiry: NOW }), NOW)).to.equal(false);
      expect(reasonOf(book({ offers: [offer({ expiry: NOW })] }))).to.equal("offerExpired");
    });

    it("requires an active provider", function () {
      expect(isProviderActive(provider())).to.equal(true);
      expect(isProviderActive(provider({ active: false }))).to.equal(false);
      expect(reasonOf(book({ providers: [provider({ active: false })] }))).to.equal("providerInactive");
    });

    it("rejects tasks past their assignment deadline", function () {
      expect(isTaskOpen(task({ assignDeadline: NOW }), NOW)).to.equal(true);
      expect(isTaskOpen(task({ assignDeadline: NOW - 1 }), NOW)).to.equal(false);
      expect(reasonOf(book({ tasks: [task({ assignDeadline: NOW - 1 })] }))).to.equal("taskExpired");
    });

    it("rejects offers of unknown providers and superseded nonces", function () {
      expect(reasonOf(book({ offers: [offer({ provider: B })] }))).to.equal("unknownProvider");
      const b = book({ offers: [offer({ nonce: 1n }), offer({ nonce: 2n, provider: A.toUpperCase() })] });
      expect(reasonOf(b, 0, 0)).to.equal("offerSuperseded");
      expect(reasonOf(b, 0, 1)).to.equal("feasible");
    });

    it("requires the task's units to fit an offer's unit budget and limits slots by it", function () {
      expect(fitsUnitBudget(task({ units: 10n }), offer({ unitBudget: 10n }))).to.equal(true);
      expect(fitsUnitBudget(task({ units: 11n }), offer({ unitBudget: 10n }))).to.equal(false);
      expect(fitsUnitBudget(task({ units: 11n }), offer())).to.equal(true);
      expect(reasonOf(book({ offers: [offer({ unitBudget: 9n })] }))).to.equal("unitsExceedBudget");
      expect(reasonOf(book({ offers: [offer({ unitBudget: 0n })] }))).to.equal("noFreeSlots");
      const tasks = [task(), task({ id: 2n, units: 4n }), task({ id: 3n, units: 30n })];
      const f = filterPairs(book({ tasks, offers: [offer({ capacity: 10, unitBudget: 25n })] }));
      expect(f.offers[0].usableSlots).to.equal(6); // floor(25 / 4): capped by the smallest feasible task
      expect(f.feasible.map((p) => p.taskIndex)).to.deep.equal([0, 1]);
    });

    it("locks max(fixed, value share) with the market's rule", function () {
      const rule = { fixed: 1_000n, bpsOfValue: 5_000, combine: "max" as const };
      expect(lockFor(task({ units: 10n, maxPricePerUnit: 100n }), rule)).to.equal(1_000n); // 500 < 1000
      expect(lockFor(task({ units: 30n, maxPricePerUnit: 101n }), rule)).to.equal(1_515n);
      expect(() =>
        filterPairs(book({ lock: { fixed: 0n, bpsOfValue: 0, combine: "min" as "max" } })),
      ).to.throw(MatcherInputError);
    });

    it("never matches a task with its own requester's offer", function () {
      expect(isArmsLength(task({ requester: A.toUpperCase() }), offer())).to.equal(false);
      expect(isArmsLength(task({ requester: B }), offer())).to.equal(true);
      expect(isArmsLength(task(), offer())).to.equal(true);
      expect(reasonOf(book({ tasks: [task({ requester: A })] }))).to.equal("selfDealing");
    });

    it("uses a provider's latest offer per resource class", function () {
      const b = book({
        tasks: [task(), task({ id: 2n, resourceClass: 1 })],
        offers: [
          offer({ nonce: 1n }),
          offer({ nonce: 2n, resourceClass: 1 }),
          offer({ nonce: 3n, resourceClass: 1 }),
        ],
      });
      expect(reasonOf(b, 0, 0)).to.equal("feasible");
      expect(reasonOf(b, 1, 1)).to.equal("offerSuperseded");
      expect(reasonOf(b, 1, 2)).to.equal("feasible");
    });

    it("counts rejections per reason even when not collecting them", function () {
      const f = filterPairs(book({ tasks: [task(), task({ resourceClass: 2 })] }), {
        collectRejections: false,
      });
      expect(f.rejected).to.have.length(0);
      expect(f.rejectedCount.classMismatch).to.equal(1);
      expect(f.feasible).to.have.length(1);
    });

    it("gives the same feasible pairs and counts on the fast path (no per-pair records)", function () {
      for (let seed = 1; seed <= 30; seed++) {
        const b = randomBook(500 + seed, 20, 8, 20);
        const full = filterPairs(b);
        const fast = filterPairs(b, { collectRejections: false });
        expect(fast.feasible).to.deep.equal(full.feasible);
        expect(fast.rejectedCount).to.deep.equal(full.rejectedCount);
        expect(fast.offers).to.deep.equal(full.offers);
        expect(full.rejected.length + full.feasible.length).to.equal(b.tasks.length * b.offers.length);
      }
    });

    it("throws a typed error on invalid input", function () {
      expect(() => filterPairs(book({ tasks: [task({ units: 0n })] }))).to.throw(MatcherInputError);
      expect(() => filterPairs(book({ providers: [provider({ reputation: 10_001 })] }))).to.throw(
        MatcherInputError,
      );
      expect(() => filterPairs(book({ providers: [provider(), provider()] }))).to.throw(MatcherInputError);
    });
  });

  describe("# score", function () {
    const cfg = DEFAULT_SCORE_CONFIG;
    it("scores a cheaper offer higher", function () {
      const s1 = scorePair(task(), offer({ pricePerUnit: 90n }), provider(), 1_000n, cfg);
      const s2 = scorePair(task(), offer({ pricePerUnit: 60n }), provider(), 1_000n, cfg);
      expect(s2).to.be.greaterThan(s1);
    });

    it("scores a more reputable provider higher", function () {
      const s1 = scorePair(task(), offer(), provider({ reputation: 6000 }), 1_000n, cfg);
      const s2 = scorePair(task(), offer(), provider({ reputation: 9000 }), 1_000n, cfg);
      expect(s2).to.be.greaterThan(s1);
    });

    it("scores a better track record, more stake and less load higher", function () {
      const base = scorePair(task(), offer(), provider(), 1_000n, cfg);
      expect(scorePair(task(), offer(), provider({ successes: 30 }), 1_000n, cfg)).to.be.greaterThan(base);
      expect(scorePair(task(), offer(), provider({ failures: 5 }), 1_000n, cfg)).to.be.lessThan(base);
      expect(scorePair(task(), offer(), provider({ freeStake: 5_000n }), 1_000n, cfg)).to.be.lessThan(base);
      expect(scorePair(task(), offer(), provider({ currentLoad: 0 }), 1_000n, cfg)).to.be.greaterThan(base);
    });

    it("computes the Beta-posterior success estimate", function () {
      // k = 0: Laplace (S+1)/(n+2)
      expect(successProbability(provider({ successes: 8, failures: 0 }), 0)).to.be.closeTo(0.9, 1e-12);
      // k = 10, r = 0.5, no history: (1 + 5) / (2 + 10)
      expect(successProbability(provider({ reputation: 5000, successes: 0, failures: 0 }), 10)).to.be.closeTo(
        0.5,
        1e-12,
      );
    });

    it("rejects invalid weights with a typed error", function () {
      expect(() => scoreConfig({ wPrice: -1 })).to.throw(MatcherConfigError);
      expect(() => scoreConfig({ wPrice: 0, wSuccess: 0, wStake: 0, wLoad: 0 })).to.throw(MatcherConfigError);
      expect(() => scoreConfig({ stakeSaturation: 0 })).to.throw(MatcherConfigError);
    });
  });

  describe("# match", function () {
    it("is optimal on 200 small random books (brute force, ≤ 5 tasks × 5 slots)", function () {
      let nontrivial = 0;
      let greedyWorse = 0;
      for (let seed = 1; seed <= 200; seed++) {
        const b = randomBook(seed, 5, 4, 5);
        const res = match(b, { method: "munkres" });
        expectValid(b, res);
        const best = bruteForce(res);
        expect(res.totalScore, `seed ${seed}`).to.be.closeTo(best, 1e-6);
        const greedy = solveGreedy(b).totalScore;
        expect(greedy).to.be.at.most(best + 1e-9);
        if (greedy < best - 1e-9) greedyWorse++;
        if (res.assignments.length > 1) nontrivial++;
      }
      // The books are not trivial: many have several assignments, and greedy is sometimes suboptimal.
      expect(nontrivial, "books with ≥ 2 assignments").to.be.greaterThan(40);
      expect(greedyWorse, "books where greedy is suboptimal").to.be.greaterThan(0);
    });

    it("respects capacity, load and stake on larger books, exact and greedy", function () {
      for (let seed = 1; seed <= 20; seed++) {
        const b = randomBook(1000 + seed, 40, 15, 30);
        expectValid(b, match(b, { method: "munkres" }));
        expectValid(b, solveGreedy(b));
      }
    });

    it("keeps each provider's locked stake within its free stake with value-proportional locks", function () {
      let repairs = 0;
      for (let seed = 1; seed <= 30; seed++) {
        const b = randomBook(2000 + seed, 30, 10, 25, 2_000);
        const res = match(b, { method: "munkres" });
        repairs += res.stakeRepairs;
        expectValid(b, res);
        expectValid(b, solveGreedy(b));
      }
      expect(repairs).to.be.greaterThan(0); // the repair path was exercised
    });

    it("never assigns a task twice nor fills a slot twice when many tasks want one offer", function () {
      const tasks = Array.from({ length: 12 }, (_, i) => task({ id: BigInt(i) }));
      const b = book({ tasks, offers: [offer({ capacity: 4 })], providers: [provider({ currentLoad: 1 })] });
      const res = match(b);
      expect(res.assignments).to.have.length(3);
      expect(res.unassigned).to.have.length(9);
      expect(new Set(res.assignments.map((a) => a.slot))).to.deep.equal(new Set([0, 1, 2]));
      expectValid(b, res);
    });

    it("leaves infeasible tasks unassigned", function () {
      const b = book({ tasks: [task(), task({ id: 2n, resourceClass: 7 })] });
      const res = match(b);
      expect(res.assignments.map((a) => a.taskId)).to.deep.equal([1n]);
      expect(res.unassigned).to.deep.equal([1]);
    });

    it("prefers the higher total score over the greedy choice", function () {
      // Task 0 likes offer A slightly more than B; task 1 can only use A. Greedy gives A to task 0 and
      // leaves task 1 out; the optimum puts task 0 on B.
      const bAddr = B;
      const b = book({
        tasks: [task({ id: 1n, minReputation: 0 }), task({ id: 2n, minReputation: 9000 })],
        offers: [
          offer({ capacity: 1, pricePerUnit: 50n }),
          offer({ provider: bAddr, capacity: 1, pricePerUnit: 55n }),
        ],
        providers: [
          provider({ currentLoad: 0, reputation: 9500 }),
          provider({ address: bAddr, currentLoad: 0, reputation: 8500 }),
        ],
      });
      const exact = match(b);
      const greedy = solveGreedy(b);
      expect(exact.assignments).to.have.length(2);
      expect(greedy.assignments).to.have.length(1);
      expect(exact.totalScore).to.be.greaterThan(greedy.totalScore);
    });

    it("is optimal with unit budgets of one-unit tasks (brute force from the book, 150 books)", function () {
      for (let seed = 1; seed <= 150; seed++) {
        const base = randomBook(3000 + seed, 5, 4, 6);
        const r = rng(seed);
        const b: MatchBook = {
          ...base,
          tasks: base.tasks.map((t) => ({ ...t, units: 1n })),
          offers: base.offers.map((o) => ({ ...o, unitBudget: BigInt(int(r, 0, 3)) })),
        };
        const res = match(b, { method: "munkres" });
        expectValid(b, res);
        expect(res.totalScore, `seed ${seed}`).to.be.closeTo(bruteForceBook(b), 1e-6);
      }
    });

    it("respects unit budgets, market locks and stake shared across classes, exact and greedy", function () {
      let repairs = 0;
      let within1pct = 0;
      for (let seed = 1; seed <= 60; seed++) {
        const base = randomBook(4000 + seed, 6, 5, 6, 3_000);
        const r = rng(seed);
        // Every second offer gets a sibling in the other class from the same provider (shared stake).
        const siblings = base.offers
          .filter((_, i) => i % 2 === 0)
          .map((o) => ({ ...o, resourceClass: 1 - o.resourceClass, nonce: 9n }));
        const b: MatchBook = {
          ...base,
          offers: [...base.offers, ...siblings].map((o) => ({ ...o, unitBudget: BigInt(int(r, 10, 80)) })),
          lock: { fixed: 1_000n, bpsOfValue: 3_000, combine: "max" },
        };
        const res = match(b, { method: "munkres" });
        repairs += res.stakeRepairs;
        expectValid(b, res);
        expectValid(b, solveGreedy(b));
        const best = bruteForceBook(b);
        expect(res.totalScore).to.be.at.most(best + 1e-6);
        if (res.totalScore >= 0.99 * best) within1pct++;
      }
      expect(repairs, "the budget repair ran").to.be.greaterThan(0);
      expect(within1pct, "books within 1 % of the brute-force optimum").to.be.at.least(55);
    });

    it("prunes pairs beyond the class's slot count without losing the optimum (brute force, 150 books)", function () {
      let prunedBooks = 0;
      for (let seed = 1; seed <= 150; seed++) {
        const b = randomBook(5000 + seed, 9, 3, 3);
        const res = match(b, { method: "munkres" });
        expectValid(b, res);
        if (res.problem.pruned > 0) prunedBooks++;
        expect(res.totalScore, `seed ${seed}`).to.be.closeTo(bruteForceBook(b), 1e-6);
        // Plain greedy over every feasible pair scores the same as greedy on the pruned pairs.
        const full = buildProblem(b, filterPairs(b), scoreConfig(), { prune: false });
        const plain = solveProblemGreedy(full).reduce((sum, p) => sum + full.pairScore[p], 0);
        expect(solveGreedy(b).totalScore, `seed ${seed}`).to.be.closeTo(plain, 1e-9);
      }
      expect(prunedBooks, "books where pruning removed pairs").to.be.greaterThan(25);
    });

    it("falls back to greedy above the work threshold", function () {
      const b = randomBook(77, 40, 15, 30);
      expect(match(b).method).to.equal("munkres");
      const res = match(b, { maxExactWork: 0 });
      expect(res.method).to.equal("greedy");
      expect(res.totalScore).to.equal(solveGreedy(b).totalScore);
      expectValid(b, res);
      expect(() => match(b, { maxExactWork: -1 })).to.throw(MatcherConfigError);
    });
  });
});
