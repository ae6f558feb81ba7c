/// <reference path="../types/snarkjs.d.ts" />
import type { SnarkjsLogger } from "snarkjs";

/** A snarkjs-compatible logger that also times named steps. */
export interface ProgressLogger extends SnarkjsLogger {
  /** Runs `fn`, printing "label…" before and "label done in Xs" after. */
  step<T>(label: string, fn: () => Promise<T>): Promise<T>;
}

/**
 * Prints info/warn/error lines with a prefix and relays snarkjs' debug progress lines at most every
 * `debugEveryMs` so long steps show they are alive. `silent` prints nothing but warnings and errors.
 */
export function createProgressLogger(
  prefix = "zk",
  options: { silent?: boolean; debugEveryMs?: number; write?: (line: string) => void } = {},
): ProgressLogger {
  const write = options.write ?? ((line: string) => process.stderr.write(line + "\n"));
  const every = options.debugEveryMs ?? 10_000;
  let lastDebug = 0;
  const out = (level: string, msg: string) => write(`[${prefix}]${level ? ` ${level}` : ""} ${msg}`);
  return {
    debug(msg: string) {
      if (options.silent) return;
      const now = Date.now();
      if (now - lastDebug >= every) {
        lastDebug = now;
        out("", `… ${msg}`);
      }
    },
    info(msg: string) {
      if (!options.silent) out("", msg);
    },
    warn(msg: string) {
      out("WARN", msg);
    },
    error(msg: string) {
      out("ERROR", msg);
    },
    async step<T>(label: string, fn: () => Promise<T>): Promise<T> {
      const start = Date.now();
      if (!options.silent) out("", `${label}…`);
      const result = await fn();
      if (!options.silent) out("", `${label} done in ${((Date.now() - start) / 1000).toFixed(1)} s`);
      return result;
    },
  };
}

/** Stops ffjavascript's worker threads so the process can exit (snarkjs caches one bn128 instance). */
export async function releaseZkWorkers(): Promise<void> {
  const holder = globalThis as { curve_bn128?: { terminate(): Promise<void> } | null };
  await holder.curve_bn128?.terminate();
}
