/**
 * Optimal score-weighted assignment of tasks to provider slots.
 *
 * Model. Every feasible offer `o` (after `filters.ts`) contributes `slots(o)` identical slot columns,
 * `slots(o) = min(usableSlots(o), #tasks feasible with o)` — current load and the stake limit are already
 * taken out. Rows are the tasks with at least one feasible offer. Cell (t, s) holds the pair score when the
 * pair is feasible. The solver maximizes the total score; a task may stay unassigned, a slot holds at most
 * one task, and a task takes at most one slot.
 *
 * Exact solver (`munkres`). The library minimizes cost over rectangular matrices and matches every row
 * (or every column when there are more rows than columns). We give it `cost = -score` on feasible cells
 * and `cost = 0` on infeasible ones, then drop matches that land on infeasible cells. Because the matrix
 * is rectangular, any partial matching can be completed with 0-cost cells, so the munkres optimum equals the
 * maximum-score partial matching; a "large" infeasible cost would instead force maximum cardinality first
 * and is deliberately not used. Scores are quantized to integers (relative step 1e-9 of the largest
 * score) so the Hungarian algorithm's zero tests are exact.
 *
 * The feasibility graph is split into connected components (at least one per resource class) and each is
 * solved separately, which is exact and cuts the O(M²N) Hungarian time by roughly the square of the number
 * of components.
 *
 * Pruning. Before munkres, each offer keeps only its `S` best pairs, `S` being the slots of its resource
 * class; this is exact (see {@link prunePairs}) and shrinks books with many more tasks than slots the most
 * (10,000 tasks × 1,000 slots: ~88 % of the pairs go, and the book stays on the exact solver).
 *
 * Greedy fallback. When the Hungarian work estimate Σ rows·cols·min(rows, cols) over components, after
 * pruning, exceeds `maxExactWork` (default 3e8, ≈ 0.5 s here), `match` uses greedy: feasible pairs in
 * descending score order, each taken if its task is still free and its offer has a free slot. Greedy is a
 * 1/2-approximation of the maximum-weight matching in the worst case. In `bench/matcher.ts` it is within ~1 %
 * of the optimum when tasks far outnumber slots (slots are the bottleneck and greedy fills them with the best
 * tasks) but 6–22 % below it on balanced 100×100 and 1000×1000 books, which is why the threshold keeps
 * balanced books of that size on munkres.
 *
 * Budgets. With a uniform lock (`LockRule.bpsOfValue = 0`), no unit budgets and one usable offer per
 * provider, the stake budget is exactly a slot limit and the result is optimal. With value-proportional
 * locks, offers whose capacity is a budget of work units (`Offer.unitBudget`, TaskMarket's offers), or a
 * provider's stake shared by offers in several classes, the budgets are knapsack constraints; after
 * solving, `enforceBudgets` drops an offer's lowest-scoring assignments until its provider's locks and its
 * units fit and then places the dropped tasks greedily where both still fit (the greedy solver checks both
 * budgets as it goes). That step keeps the result feasible but not provably optimal; when every task
 * on an offer fits (the common case), it changes nothing and the result is the slot model's optimum.
 */
import munkres from "munkres";
import { MatcherConfigError, MatcherInvariantError } from "./errors";
import { filterPairs, type FilterResult } from "./filters";
import { scoreConfig, scorePair, type ScoreConfig } from "./score";
import type { Assignment, MatchBook } from "./types";

export type SolveMethod = "munkres" | "greedy";

export interface MatchOptions {
  /** Overrides of the score weights (see `score.ts`). */
  readonly score?: Partial<ScoreConfig>;
  /** `auto` (default) uses munkres up to `maxExactWork`, greedy above. */
  readonly method?: "auto" | SolveMethod;
  /** Largest Hungarian work estimate (`ScoredProblem.work`) solved exactly in `auto` mode (default 3e8). */
  readonly maxExactWork?: number;
  /** Keep a record per rejected pair (default true; turn off for large books). */
  readonly collectRejections?: boolean;
}

/** ≈ 0.3–0.6 s of munkres here: 1000 tasks × 1000 slots in three classes is ≈ 1.2e8. */
export const DEFAULT_MAX_EXACT_WORK = 300_000_000;

/** A scored bipartite problem: feasible pairs with scores and per-offer slot counts. */
export interface ScoredProblem {
  readonly numTasks: number;
  readonly numOffers: number;
  /** Slots the solver may fill per offer index. */
  readonly slots: Int32Array;
  /** Pair arrays, parallel, grouped by task ascending. */
  readonly pairTask: Int32Array;
  readonly pairOffer: Int32Array;
  readonly pairScore: Float64Array;
  /** Connected component of each pair in the feasibility graph (-1 when its offer has no slots). */
  readonly pairComponent: Int32Array;
  readonly numComponents: number;
  /** Feasible pairs left out by the exact pruning (see {@link prunePairs}). */
  readonly pruned: number;
  /** Σ over components of rows × slot columns: the total size of the munkres matrices. */
  readonly cells: number;
  /** Size of the largest component's matrix. */
  readonly maxComponentCells: number;
  /**
   * Hungarian work estimate Σ over components of rows · cols · min(rows, cols) (munkres is O(M²N) for an
   * M×N matrix with M ≤ N). About 1–2 ns per unit on this machine.
   */
  readonly work: number;
}

export interface MatchResult {
  readonly assignments: readonly Assignment[];
  /** Task indices left unassigned (infeasible or out-competed). */
  readonly unassigned: readonly number[];
  readonly totalScore: number;
  readonly method: SolveMethod;
  /** Size of the (virtual) munkres matrix, rows × slot columns. */
  readonly cells: number;
  /** Assignments removed by the budget repair step (0 with a uniform lock and no unit budgets). */
  readonly stakeRepairs: number;
  readonly filter: FilterResult;
  readonly problem: ScoredProblem;
}

/** Chosen pair: `pair` indexes the problem's pair arrays. */
interface Chosen {
  pair: number;
}

/** Union-find root with path halving. */
function find(parent: Int32Array, x: number): number {
  while (parent[x] !== x) {
    parent[x] = parent[parent[x]];
    x = parent[x];
  }
  return x;
}

export interface BuildOptions {
  /** Drop pairs that no optimal assignment needs (default true; see {@link prunePairs}). */
  readonly prune?: boolean;
}

/**
 * Exact pruning for books with more tasks than slots. Let `S` be the total slots of an offer's resource
 * class. Some optimal assignment uses, on every offer, only pairs among the offer's `S` best-scoring ones:
 * if a task `t` sits on offer `o` outside its top `S`, at most `S − 1` of those top tasks are assigned (the
 * class has `S` slots and `t` holds one), so one of them, `t'`, is free and moving `o`'s slot from `t` to
 * `t'` loses nothing. Repeating the swap gives an optimum within the kept pairs. So each offer keeps its
 * `S` best pairs (ties: lower pair index) and tasks left with no pair leave the munkres matrix; the slot
 * counts do not change (an offer's slots never exceed `S`). Without budgets greedy picks the same pairs on
 * the pruned problem (it reaches a pruned pair only after the offer's `S` better ones, one of which would
 * still be free and taken); with budgets (unit or value-proportional stake) the argument holds for the slot
 * model the solvers optimise, and the repair step sees only kept pairs. With 10,000 tasks on 1,000 slots
 * this removes most rows. Returns the kept pairs in their original order.
 */
function prunePairs(
  book: MatchBook,
  slots: Int32Array,
  pairTask: Int32Array,
  pairOffer: Int32Array,
  pairScore: Float64Array,
): { pairTask: Int32Array; pairOffer: Int32Array; pairScore: Float64Array } {
  const n = pairTask.length;
  const classSlots = new Map<number, number>();
  book.offers.forEach((o, i) =>
    classSlots.set(o.resourceClass, (classSlots.get(o.resourceClass) ?? 0) + slots[i]),
  );
  const limit = Int32Array.from(book.offers, (o) => classSlots.get(o.resourceClass) ?? 0);
  const count = new Int32Array(book.offers.length);
  for (let i = 0; i < n; i++) count[pairOffer[i]]++;
  const byOffer = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const o = pairOffer[i];
    if (count[o] <= limit[o]) continue;
    const list = byOffer.get(o) ?? [];
    list.push(i);
    byOffer.set(o, list);
  }
  if (byOffer.size === 0) return { pairTask, pairOffer, pairScore };
  const keep = new Uint8Array(n).fill(1);
  for (const [o, list] of byOffer) {
    list.sort((a, b) => pairScore[b] - pairScore[a] || a - b);
    for (let k = limit[o]; k < list.length; k++) keep[list[k]] = 0;
  }
  let m = 0;
  for (let i = 0; i < n; i++) m += keep[i];
  const t = new Int32Array(m);
  const o = new Int32Array(m);
  const s = new Float64Array(m);
  for (let i = 0, j = 0; i < n; i++) {
    if (!keep[i]) continue;
    t[j] = pairTask[i];
    o[j] = pairOffer[i];
    s[j++] = pairScore[i];
  }
  return { pairTask: t, pairOffer: o, pairScore: s };
}

/** Builds the scored problem from a filter result. */
export function buildProblem(
  book: MatchBook,
  filter: FilterResult,
  config: ScoreConfig,
  options: BuildOptions = {},
): ScoredProblem {
  const numTasks = book.tasks.length;
  const numOffers = book.offers.length;
  const all = filter.feasible.length;
  let pairTask = new Int32Array(all);
  let pairOffer = new Int32Array(all);
  let pairScore = new Float64Array(all);
  const feasibleCount = new Int32Array(numOffers);
  for (let i = 0; i < all; i++) {
    const { taskIndex: t, offerIndex: o } = filter.feasible[i];
    const provider = filter.offers[o].provider;
    if (provider === undefined) throw new MatcherInvariantError(`feasible pair with unknown provider`);
    pairTask[i] = t;
    pairOffer[i] = o;
    pairScore[i] = scorePair(book.tasks[t], book.offers[o], provider, filter.locks[t], config);
    feasibleCount[o]++;
  }
  const slots = new Int32Array(numOffers);
  for (let o = 0; o < numOffers; o++) slots[o] = Math.min(filter.offers[o].usableSlots, feasibleCount[o]);
  if (options.prune ?? true)
    ({ pairTask, pairOffer, pairScore } = prunePairs(book, slots, pairTask, pairOffer, pairScore));
  const n = pairTask.length;

  // Connected components of the feasibility graph (tasks 0..T-1, offers T..T+O-1); the assignment
  // decomposes exactly into independent problems, one per component (e.g. one per resource class).
  const parent = new Int32Array(numTasks + numOffers);
  for (let i = 0; i < parent.length; i++) parent[i] = i;
  for (let i = 0; i < n; i++) {
    if (slots[pairOffer[i]] === 0) continue;
    const a = find(parent, pairTask[i]);
    const b = find(parent, numTasks + pairOffer[i]);
    if (a !== b) parent[a] = b;
  }
  const compId = new Int32Array(parent.length).fill(-1);
  const pairComponent = new Int32Array(n).fill(-1);
  const compRows: number[] = [];
  const compCols: number[] = [];
  const rowSeen = new Uint8Array(numTasks);
  const offerSeen = new Uint8Array(numOffers);
  for (let i = 0; i < n; i++) {
    const o = pairOffer[i];
    if (slots[o] === 0) continue;
    const root = find(parent, numTasks + o);
    if (compId[root] < 0) {
      compId[root] = compRows.length;
      compRows.push(0);
      compCols.push(0);
    }
    const c = compId[root];
    pairComponent[i] = c;
    if (!rowSeen[pairTask[i]]) {
      rowSeen[pairTask[i]] = 1;
      compRows[c]++;
    }
    if (!offerSeen[o]) {
      offerSeen[o] = 1;
      compCols[c] += slots[o];
    }
  }
  let cells = 0;
  let maxComponentCells = 0;
  let work = 0;
  for (let c = 0; c < compRows.length; c++) {
    const k = compRows[c] * compCols[c];
    cells += k;
    work += k * Math.min(compRows[c], compCols[c]);
    maxComponentCells = Math.max(maxComponentCells, k);
  }
  return {
    numTasks,
    numOffers,
    slots,
    pairTask,
    pairOffer,
    pairScore,
    pairComponent,
    numComponents: compRows.length,
    pruned: all - n,
    cells,
    maxComponentCells,
    work,
  };
}

/**
 * Munkres on one component: `pairs` are its pair indices, grouped by task. Returns chosen pairs.
 *
 * The matrix is given to munkres with rows ≤ columns (tasks × slots, or slots × tasks when there are more
 * tasks): the library's inner loop then walks a row's contiguous typed array instead of one cell of every
 * row, which is about twice as fast on these sizes (same algorithm, same result).
 */
function munkresComponent(problem: ScoredProblem, pairs: readonly number[], q: number): number[] {
  const { pairTask, pairOffer, pairScore, slots } = problem;
  const colStart = new Map<number, number>();
  let cols = 0;
  for (const i of pairs) {
    const o = pairOffer[i];
    if (!colStart.has(o)) {
      colStart.set(o, cols);
      cols += slots[o];
    }
  }
  const colOffer = new Int32Array(cols);
  for (const [o, start] of colStart) colOffer.fill(o, start, start + slots[o]);

  // Rows: runs of pairs with the same task.
  const rowStart: number[] = [];
  for (let k = 0; k < pairs.length; k++) {
    if (k === 0 || pairTask[pairs[k]] !== pairTask[pairs[k - 1]]) rowStart.push(k);
  }
  const rows = rowStart.length;
  rowStart.push(pairs.length);
  const rowPairs: Map<number, number>[] = []; // offer -> pair index, per row
  const transposed = rows > cols;
  const matrix: Float64Array[] = transposed
    ? Array.from({ length: cols }, () => new Float64Array(rows))
    : Array.from({ length: rows }, () => new Float64Array(cols));
  for (let r = 0; r < rows; r++) {
    const pairsOfRow = new Map<number, number>();
    for (let k = rowStart[r]; k < rowStart[r + 1]; k++) {
      const i = pairs[k];
      const o = pairOffer[i];
      const start = colStart.get(o) as number;
      const cost = -Math.round(pairScore[i] * q);
      pairsOfRow.set(o, i);
      if (transposed) for (let c = start; c < start + slots[o]; c++) matrix[c][r] = cost;
      else matrix[r].fill(cost, start, start + slots[o]);
    }
    rowPairs.push(pairsOfRow);
  }
  const chosen: number[] = [];
  for (const [y, x] of munkres(matrix)) {
    const [r, c] = transposed ? [x, y] : [y, x];
    const pair = rowPairs[r].get(colOffer[c]);
    if (pair !== undefined) chosen.push(pair);
  }
  return chosen;
}

/** Exact maximum-score assignment of a scored problem with munkres, component by component. */
export function solveProblemMunkres(problem: ScoredProblem): number[] {
  const { pairScore, pairComponent } = problem;
  let maxScore = 0;
  for (let i = 0; i < pairScore.length; i++) if (pairScore[i] > maxScore) maxScore = pairScore[i];
  const q = maxScore > 0 ? 1e9 / maxScore : 1;
  const byComponent: number[][] = Array.from({ length: problem.numComponents }, () => []);
  for (let i = 0; i < pairComponent.length; i++)
    if (pairComponent[i] >= 0) byComponent[pairComponent[i]].push(i);
  const chosen: number[] = [];
  for (const pairs of byComponent) for (const p of munkresComponent(problem, pairs, q)) chosen.push(p);
  return chosen;
}

/** Pair indices sorted by descending score (ties: lower pair index first). */
function pairsByScoreDesc(problem: ScoredProblem): Uint32Array {
  const n = problem.pairScore.length;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const s = problem.pairScore;
  order.sort((a, b) => s[b] - s[a] || a - b);
  return order;
}

/**
 * Greedy assignment: pairs in descending score, each taken while its task is free and its offer has a
 * free slot. `canTake` lets the caller add a budget check (used for value-proportional stake locks).
 */
export function solveProblemGreedy(problem: ScoredProblem, canTake?: (pair: number) => boolean): number[] {
  const left = Int32Array.from(problem.slots);
  const taken = new Uint8Array(problem.numTasks);
  const chosen: number[] = [];
  for (const p of pairsByScoreDesc(problem)) {
    const t = problem.pairTask[p];
    const o = problem.pairOffer[p];
    if (taken[t] || left[o] <= 0) continue;
    if (canTake !== undefined && !canTake(p)) continue;
    taken[t] = 1;
    left[o]--;
    chosen.push(p);
  }
  return chosen;
}

/** Per-provider stake and per-offer unit budgets, and what the chosen pairs use of them. */
class Budgets {
  /** Provider index (into `stake`) of each offer. */
  private readonly offerProvider: Int32Array;
  private readonly stake: bigint[] = [];
  private readonly usedStake: bigint[] = [];
  private readonly usedUnits: bigint[];

  constructor(
    private readonly book: MatchBook,
    private readonly filter: FilterResult,
    private readonly problem: ScoredProblem,
  ) {
    const index = new Map<string, number>();
    this.offerProvider = Int32Array.from(book.offers, (o, i) => {
      const key = o.provider.toLowerCase();
      let k = index.get(key);
      if (k === undefined) {
        k = this.stake.length;
        index.set(key, k);
        this.stake.push(filter.offers[i].provider?.freeStake ?? 0n);
        this.usedStake.push(0n);
      }
      return k;
    });
    this.usedUnits = new Array<bigint>(book.offers.length).fill(0n);
  }

  /** Takes pair `p` if its task's lock and units still fit the budgets; true when taken. */
  take(p: number): boolean {
    const o = this.problem.pairOffer[p];
    const t = this.problem.pairTask[p];
    const k = this.offerProvider[o];
    const lock = this.filter.locks[t];
    const units = this.book.tasks[t].units;
    const unitBudget = this.book.offers[o].unitBudget;
    if (this.usedStake[k] + lock > this.stake[k]) return false;
    if (unitBudget !== undefined && this.usedUnits[o] + units > unitBudget) return false;
    this.usedStake[k] += lock;
    this.usedUnits[o] += units;
    return true;
  }
}

/** True when some budget is not captured exactly by slots: value-proportional locks, unit budgets, or a
 * provider with usable offers in several classes (sharing one stake). */
function isBudgeted(book: MatchBook, filter: FilterResult): boolean {
  if (book.lock.bpsOfValue !== 0 || book.offers.some((o) => o.unitBudget !== undefined)) return true;
  const seen = new Set<string>();
  for (let o = 0; o < book.offers.length; o++) {
    if (filter.offers[o].usableSlots === 0) continue;
    const key = book.offers[o].provider.toLowerCase();
    if (seen.has(key)) return true;
    seen.add(key);
  }
  return false;
}

/**
 * Makes the chosen pairs respect every offer's stake and unit budgets: drops an offer's lowest-scoring
 * assignments until its locks and units fit, then places the dropped tasks greedily on offers with free
 * slots and budget. Returns the new choice and the number of drops.
 */
function enforceBudgets(
  book: MatchBook,
  filter: FilterResult,
  problem: ScoredProblem,
  chosen: number[],
): { chosen: number[]; repairs: number } {
  const budgets = new Budgets(book, filter, problem);
  const byOffer = new Map<number, number[]>();
  for (const p of chosen) {
    const o = problem.pairOffer[p];
    const list = byOffer.get(o) ?? [];
    list.push(p);
    byOffer.set(o, list);
  }
  const keep: number[] = [];
  const dropped = new Set<number>();
  for (const list of byOffer.values()) {
    list.sort((a, b) => problem.pairScore[b] - problem.pairScore[a] || a - b);
    for (const p of list) {
      if (budgets.take(p)) keep.push(p);
      else dropped.add(problem.pairTask[p]);
    }
  }
  const repairs = dropped.size;
  if (repairs === 0) return { chosen, repairs };
  const left = Int32Array.from(problem.slots);
  for (const p of keep) left[problem.pairOffer[p]]--;
  for (const p of pairsByScoreDesc(problem)) {
    const t = problem.pairTask[p];
    const o = problem.pairOffer[p];
    if (!dropped.has(t) || left[o] <= 0 || !budgets.take(p)) continue;
    left[o]--;
    dropped.delete(t);
    keep.push(p);
  }
  return { chosen: keep, repairs };
}

function checkOptions(options: MatchOptions): number {
  const maxWork = options.maxExactWork ?? DEFAULT_MAX_EXACT_WORK;
  if (!(maxWork >= 0)) throw new MatcherConfigError("maxExactWork", "must be >= 0");
  if (options.method !== undefined && !["auto", "munkres", "greedy"].includes(options.method))
    throw new MatcherConfigError("method", `unknown method ${String(options.method)}`);
  return maxWork;
}

/** Turns chosen pairs into assignments, numbering slots per offer, and checks the invariants. */
function toResult(
  book: MatchBook,
  filter: FilterResult,
  problem: ScoredProblem,
  chosen: readonly number[],
  method: SolveMethod,
  stakeRepairs: number,
): MatchResult {
  const nextSlot = new Int32Array(book.offers.length);
  const assigned = new Uint8Array(book.tasks.length);
  const assignments: Assignment[] = [];
  let totalScore = 0;
  const sorted = [...chosen].sort((a, b) => problem.pairTask[a] - problem.pairTask[b]);
  for (const p of sorted) {
    const t = problem.pairTask[p];
    const o = problem.pairOffer[p];
    if (assigned[t]) throw new MatcherInvariantError(`task ${t} assigned twice`);
    if (nextSlot[o] >= problem.slots[o]) throw new MatcherInvariantError(`offer ${o} over its slots`);
    assigned[t] = 1;
    const score = problem.pairScore[p];
    totalScore += score;
    assignments.push({
      taskIndex: t,
      taskId: book.tasks[t].id,
      offerIndex: o,
      provider: book.offers[o].provider,
      slot: nextSlot[o]++,
      score,
    });
  }
  const unassigned: number[] = [];
  for (let t = 0; t < book.tasks.length; t++) if (!assigned[t]) unassigned.push(t);
  return {
    assignments,
    unassigned,
    totalScore,
    method,
    cells: problem.cells,
    stakeRepairs,
    filter,
    problem,
  };
}

/**
 * Filters, scores and assigns one book. `auto` picks munkres when the slot matrix has at most
 * `maxExactWork` work units (see `ScoredProblem.work`) and greedy otherwise.
 */
export function match(book: MatchBook, options: MatchOptions = {}): MatchResult {
  const maxWork = checkOptions(options);
  const config = scoreConfig(options.score);
  const filter = filterPairs(book, { collectRejections: options.collectRejections });
  const problem = buildProblem(book, filter, config);
  const requested = options.method ?? "auto";
  const method: SolveMethod =
    requested === "auto" ? (problem.work <= maxWork ? "munkres" : "greedy") : requested;

  let chosen: number[];
  let repairs = 0;
  if (!isBudgeted(book, filter)) {
    chosen = method === "munkres" ? solveProblemMunkres(problem) : solveProblemGreedy(problem);
  } else if (method === "munkres") {
    ({ chosen, repairs } = enforceBudgets(book, filter, problem, solveProblemMunkres(problem)));
  } else {
    const budgets = new Budgets(book, filter, problem);
    chosen = solveProblemGreedy(problem, (p) => budgets.take(p));
  }
  return toResult(book, filter, problem, chosen, method, repairs);
}

/** Greedy assignment of a book (for comparison with the exact solver). */
export function solveGreedy(book: MatchBook, options: MatchOptions = {}): MatchResult {
  return match(book, { ...options, method: "greedy" });
}

/** Exact assignment with munkres regardless of size (may be slow and memory-hungry on large books). */
export function solveExact(book: MatchBook, options: MatchOptions = {}): MatchResult {
  return match(book, { ...options, method: "munkres" });
}
