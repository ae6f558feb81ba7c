/**
 * Chain time and waiting: the latest block's timestamp is "now" for every deadline, and waits either
 * fast-forward a local Hardhat chain (chain id 31337 only) or poll blocks with a progress bar.
 */
import { formatUnits } from "ethers";
import { CliError, type CliContext } from "../context";

/** Timestamp of the latest block (what the next transaction's deadlines are checked against, ± one block). */
export async function chainTime(ctx: CliContext): Promise<number> {
  const block = await ctx.rpc("getBlock", () => ctx.provider.getBlock("latest"));
  if (!block) throw new CliError("the node returned no latest block");
  return block.timestamp;
}

export interface WaitOptions {
  /** What is being waited for (shown on the progress bar and in notes). */
  label: string;
  /** Seconds between polls on a live chain (default 5). */
  pollSeconds?: number;
}

/**
 * Waits until the latest block's timestamp is at least `target`. On chain 31337 it moves time forward
 * (`evm_setNextBlockTimestamp` + `evm_mine`); anywhere else it polls, showing a progress bar.
 * Returns the chain time reached.
 */
export async function waitForTime(ctx: CliContext, target: number, options: WaitOptions): Promise<number> {
  let now = await chainTime(ctx);
  if (now >= target) return now;
  if (ctx.isLocalChain) {
    ctx.out.note(`local chain: fast-forwarding ${target - now} s to ${options.label}`);
    await ctx.rpc("evm_setNextBlockTimestamp", () =>
      ctx.provider.send("evm_setNextBlockTimestamp", [target]),
    );
    await ctx.rpc("evm_mine", () => ctx.provider.send("evm_mine", []));
    return chainTime(ctx);
  }
  const start = now;
  const total = target - start;
  ctx.out.note(`waiting ${formatDuration(total)} (chain time) for ${options.label}…`);
  const bar = ctx.out.progress(options.label, total, "s");
  try {
    while (now < target) {
      await new Promise((r) => setTimeout(r, Math.min(options.pollSeconds ?? 5, target - now) * 1000));
      now = await chainTime(ctx);
      bar.update(now - start);
    }
  } finally {
    bar.stop();
  }
  return now;
}

/** CLAI wei as a decimal token amount (`12.5 CLAI`). */
export function formatClai(wei: bigint): string {
  const s = formatUnits(wei, 18);
  return `${s.endsWith(".0") ? s.slice(0, -2) : s} CLAI`;
}

/** `90s`, `12m 30s`, `2h 5m`, `3d 4h`. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${s % 60 ? ` ${s % 60}s` : ""}`;
  if (s < 86400) return `${Math.floor(s / 3600)}h${s % 3600 >= 60 ? ` ${Math.floor((s % 3600) / 60)}m` : ""}`;
  return `${Math.floor(s / 86400)}d${s % 86400 >= 3600 ? ` ${Math.floor((s % 86400) / 3600)}h` : ""}`;
}

/** A unix timestamp as ISO time plus its distance from `now` (`2025-01-01T00:00:00Z (in 5m)`). */
export function formatTimestamp(ts: number | bigint, now: number): string {
  const t = Number(ts);
  if (t === 0) return "-";
  const iso = new Date(t * 1000).toISOString().replace(".000Z", "Z");
  const d = t - now;
  return `${iso} (${d >= 0 ? `in ${formatDuration(d)}` : `${formatDuration(-d)} ago`})`;
}
