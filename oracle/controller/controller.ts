/**
 * The price controller: demand forecast + supply + current price → next price, a pure function.
 *
 *   u      = min(demand / supply, maxUtilisation)          (u = maxUtilisation when supply = 0 < demand;
 *                                                            u = 0 when demand ≤ 0)
 *   p*(u)  = basePrice · (1 + slopeLow · min(u, u*) / u* + slopeHigh · max(0, u − u*) / (1 − u*))
 *   p_next = clamp( clamp(p*(u), p·(1 − maxStep), p·(1 + maxStep)), minPrice, maxPrice )
 *
 * where u* = `targetUtilisation` (the kink), p the current on-chain price (or `basePrice` before the
 * first round) and maxStep = `maxStepBps` / 10,000. The curve is a two-slope utilisation curve (as in
 * lending-market rate models): gentle below the target, steep above it. Because p*(u) depends on the
 * current state only (not on an integral of past errors), honest nodes that see the same chain state
 * compute the same observation, and a persistent imbalance cannot drive the price into a bound by itself.
 *
 * Properties (tested): p_next ∈ [minPrice, maxPrice]; |p_next − p| ≤ p·maxStep whenever p is within the
 * bounds; p_next is non-decreasing in demand and in p, and non-increasing in supply.
 */
import { ControllerParamsError } from "./errors";

export interface ControllerParams {
  /** Price at zero utilisation (CLAI wei per unit). */
  readonly basePrice: bigint;
  /** The utilisation the market aims for, u* ∈ (0, 1): the kink of the curve. */
  readonly targetUtilisation: number;
  /** Relative rise from u = 0 to u = u*: p*(u*) = basePrice · (1 + slopeLow). */
  readonly slopeLow: number;
  /** Relative rise from u = u* to u = 1: p*(1) = basePrice · (1 + slopeLow + slopeHigh); continues beyond 1. */
  readonly slopeHigh: number;
  /** Utilisation is capped here before pricing (≥ 1; e.g. 2: demand twice the supply). */
  readonly maxUtilisation: number;
  /** Largest move per update, in basis points of the current price (1..10,000). */
  readonly maxStepBps: number;
  /** Lowest price ever proposed (CLAI wei per unit), > 0; normally the feed's `minAnswer`. */
  readonly minPrice: bigint;
  /** Highest price ever proposed; normally the feed's `maxAnswer`. */
  readonly maxPrice: bigint;
}

/** One controller step's inputs. */
export interface ControllerInput {
  /** Forecast demand over the pricing horizon (units); negative forecasts count as 0. */
  readonly demand: number;
  /** Capacity offered over the same horizon (units), ≥ 0. */
  readonly supply: number;
  /** The current published price (CLAI wei per unit), or `undefined` before the first round. */
  readonly currentPrice?: bigint;
}

/** One controller step's result, with the intermediate values for logs and reports. */
export interface ControllerOutput {
  readonly utilisation: number;
  /** p*(u) before the step clamp and the bounds. */
  readonly targetPrice: bigint;
  /** The proposed next price. */
  readonly price: bigint;
  /** Which limit, if any, bound the result. */
  readonly limitedBy: "none" | "step-up" | "step-down" | "min" | "max";
}

const BPS = 10_000n;
/** Fixed-point scale of the curve factor (12 decimals: sub-wei precision for prices ≥ 1e-6 CLAI). */
const FACTOR_SCALE = 1e12;

/** Throws {@link ControllerParamsError} unless every parameter is in its domain; returns `params`. */
export function checkControllerParams(params: ControllerParams): ControllerParams {
  const finite = (name: string, v: number, ok: boolean, rule: string): void => {
    if (!Number.isFinite(v) || !ok) throw new ControllerParamsError(name, `${rule}, got ${v}`);
  };
  if (params.minPrice <= 0n)
    throw new ControllerParamsError("minPrice", `must be > 0, got ${params.minPrice}`);
  if (params.maxPrice < params.minPrice)
    throw new ControllerParamsError(
      "maxPrice",
      `must be ≥ minPrice ${params.minPrice}, got ${params.maxPrice}`,
    );
  if (params.basePrice <= 0n)
    throw new ControllerParamsError("basePrice", `must be > 0, got ${params.basePrice}`);
  const u = params.targetUtilisation;
  finite("targetUtilisation", u, u > 0 && u < 1, "must be in (0, 1)");
  finite("slopeLow", params.slopeLow, params.slopeLow >= 0, "must be ≥ 0");
  finite("slopeHigh", params.slopeHigh, params.slopeHigh >= 0, "must be ≥ 0");
  finite("maxUtilisation", params.maxUtilisation, params.maxUtilisation >= 1, "must be ≥ 1");
  const s = params.maxStepBps;
  finite("maxStepBps", s, Number.isInteger(s) && s >= 1 && s <= 10_000, "must be an integer in [1, 10000]");
  return params;
}

/** u = demand / supply, capped at `maxUtilisation` (see the module notice for the edge cases). */
export function utilisation(demand: number, supply: number, maxUtilisation: number): number {
  if (!Number.isFinite(demand) || Number.isNaN(supply) || supply < 0) {
    throw new ControllerParamsError(
      "demand/supply",
      `need finite demand and supply ≥ 0, got ${demand}/${supply}`,
    );
  }
  if (demand <= 0) return 0;
  if (supply === 0) return maxUtilisation;
  return Math.min(demand / supply, maxUtilisation);
}

/** The curve p*(u) (CLAI wei per unit), before the step clamp and the bounds. */
export function targetPrice(u: number, params: ControllerParams): bigint {
  const k = params.targetUtilisation;
  const capped = Math.min(Math.max(u, 0), params.maxUtilisation);
  const factor =
    1 + (params.slopeLow * Math.min(capped, k)) / k + (params.slopeHigh * Math.max(0, capped - k)) / (1 - k);
  return (params.basePrice * BigInt(Math.round(factor * FACTOR_SCALE))) / BigInt(FACTOR_SCALE);
}

/** One controller step (pure): the next price for `input` under `params` (see the module notice). */
export function nextPrice(input: ControllerInput, params: ControllerParams): ControllerOutput {
  const u = utilisation(input.demand, input.supply, params.maxUtilisation);
  const target = targetPrice(u, params);
  const current = input.currentPrice ?? params.basePrice;
  const step = BigInt(params.maxStepBps);
  // rounded inward, so a step never exceeds maxStepBps even at a few wei
  const lo = (current * (BPS - step) + BPS - 1n) / BPS;
  const hi = (current * (BPS + step)) / BPS;
  let price = target;
  let limitedBy: ControllerOutput["limitedBy"] = "none";
  if (price > hi) [price, limitedBy] = [hi, "step-up"];
  else if (price < lo) [price, limitedBy] = [lo, "step-down"];
  if (price > params.maxPrice) [price, limitedBy] = [params.maxPrice, "max"];
  else if (price < params.minPrice) [price, limitedBy] = [params.minPrice, "min"];
  return { utilisation: u, targetPrice: target, price, limitedBy };
}
