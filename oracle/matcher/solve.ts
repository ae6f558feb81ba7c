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
 * Greedy fallback. When the Hungarian work estimate Σ rows·cols·min(rows, cols) over components exceeds
 * `maxExactWork` (default 3e8, ≈ 0.5 s here; e.g. 10,000 tasks × 1,000 slots), `match` uses greedy:
 * feasible pairs in descending score order, each taken if its task is still free and its offer has a free
 * slot. Greedy is a 1/2-approximation of the maximum-weight matching in the worst case. In `bench/matcher.ts`
 * it is within ~1 % of the optimum when tasks far outnumber slots (10,000 × 1,000: slots are the
 * bottleneck and greedy fills them with the best tasks) but 6–18 % below it on balanced 1000 × 1000
 * books, which is why the threshold is set to keep balanced books of that size on munkres.
 *
 * Stake. With a uniform lock (`LockRule.bpsOfValue = 0`) the stake budget is exactly a slot limit and the
 * result is optimal. With value-proportional locks the per-provider budget is a knapsack constraint; after
 * solving, `enforceStake` drops a provider's lowest-scoring assignments until its locks fit and then tries
 * to place the dropped tasks greedily elsewhere. That step keeps the result feasible but not provably
 * optimal.
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
  /** Assignments removed by the stake repair step (0 with a uniform lock). */
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

/** Builds the scored problem from a filter result. */
export function buildProblem(book: MatchBook, filter: FilterResult, config: ScoreConfig): ScoredProblem {
  const numTasks = book.tasks.length;
  const numOffers = book.offers.length;
  const n = filter.feasible.length;
  const pairTask = new Int32Array(n);
  const pairOffer = new Int32Array(n);
  const pairScore = new Float64Array(n);
  const feasibleCount = new Int32Array(numOffers);
  for (let i = 0; i < n; i++) {
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
    cells,
    maxComponentCells,
    work,
  };
}

/** Munkres on one component: `pairs` are its pair indices, grouped by task. Returns chosen pairs. */
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

  const rowPairs: Map<number, number>[] = []; // offer -> pair index, per row
  const matrix: Float64Array[] = [];
  let k = 0;
  while (k < pairs.length) {
    const t = pairTask[pairs[k]];
    const row = new Float64Array(cols);
    const pairsOfRow = new Map<number, number>();
    for (; k < pairs.length && pairTask[pairs[k]] === t; k++) {
      const i = pairs[k];
      const o = pairOffer[i];
      const start = colStart.get(o) as number;
      pairsOfRow.set(o, i);
      row.fill(-Math.round(pairScore[i] * q), start, start + slots[o]);
    }
    rowPairs.push(pairsOfRow);
    matrix.push(row);
  }
  const chosen: number[] = [];
  for (const [y, x] of munkres(matrix)) {
    const pair = rowPairs[y].get(colOffer[x]);
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

/**
 * Makes the chosen pairs respect every provider's free stake when locks differ per task: drops a
 * provider's lowest-scoring assignments until the sum of their locks fits, then places the dropped tasks
 * greedily on offers with free slots and stake. Returns the new choice and the number of drops.
 */
function enforceStake(
  book: MatchBook,
  filter: FilterResult,
  problem: ScoredProblem,
  chosen: number[],
): { chosen: number[]; repairs: number } {
  const budget = filter.offers.map((info) => info.provider?.freeStake ?? 0n);
  const used = new Array<bigint>(book.offers.length).fill(0n);
  const byOffer = new Map<number, number[]>();
  for (const p of chosen) {
    const o = problem.pairOffer[p];
    const list = byOffer.get(o) ?? [];
    list.push(p);
    byOffer.set(o, list);
  }
  const keep: number[] = [];
  const dropped = new Set<number>();
  for (const [o, list] of byOffer) {
    list.sort((a, b) => problem.pairScore[b] - problem.pairScore[a] || a - b);
    for (const p of list) {
      const lock = filter.locks[problem.pairTask[p]];
      if (used[o] + lock <= budget[o]) {
        used[o] += lock;
        keep.push(p);
      } else {
        dropped.add(problem.pairTask[p]);
      }
    }
  }
  const repairs = dropped.size;
  if (repairs === 0) return { chosen, repairs };
  const left = Int32Array.from(problem.slots);
  for (const p of keep) left[problem.pairOffer[p]]--;
  const order = pairsByScoreDesc(problem);
  for (const p of order) {
    const t = problem.pairTask[p];
    const o = problem.pairOffer[p];
    if (!dropped.has(t) || left[o] <= 0) continue;
    const lock = filter.locks[t];
    if (used[o] + lock > budget[o]) continue;
    used[o] += lock;
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
  if (book.lock.bpsOfValue === 0) {
    chosen = method === "munkres" ? solveProblemMunkres(problem) : solveProblemGreedy(problem);
  } else if (method === "munkres") {
    ({ chosen, repairs } = enforceStake(book, filter, problem, solveProblemMunkres(problem)));
  } else {
    const used = new Array<bigint>(book.offers.length).fill(0n);
    const canTake = (p: number): boolean => {
      const o = problem.pairOffer[p];
      const lock = filter.locks[problem.pairTask[p]];
      const budget = filter.offers[o].provider?.freeStake ?? 0n;
      if (used[o] + lock > budget) return false;
      used[o] += lock;
      return true;
    };
    chosen = solveProblemGreedy(problem, canTake);
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
