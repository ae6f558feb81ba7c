/**
 * Retrying transient JSON-RPC failures with bounded exponential backoff. Shared by every service so they
 * agree on what "transient" means: network errors, timeouts, rate limits and 5xx answers are retried;
 * reverts, bad arguments and nonce/underpriced errors are not (retrying cannot fix them).
 */
import { backoffDelay, checkRetryPolicy, sleep, type RetryPolicy } from "../storage/retry";
import type { Logger } from "./logger";

export { backoffDelay, sleep, type RetryPolicy } from "../storage/retry";

export const RPC_RETRY: RetryPolicy = { attempts: 6, baseDelayMs: 250, maxDelayMs: 8_000 };

const TRANSIENT_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
  "TIMEOUT",
  "NETWORK_ERROR",
  "SERVER_ERROR",
]);

/** True when `err` looks like a failure of the transport or node rather than of the request itself. */
export function isTransientRpcError(err: unknown): boolean {
  const seen = new Set<unknown>();
  let cur: unknown = err;
  while (cur !== null && typeof cur === "object" && !seen.has(cur)) {
    seen.add(cur);
    const e = cur as {
      code?: unknown;
      status?: unknown;
      message?: unknown;
      cause?: unknown;
      error?: unknown;
    };
    if (e.code === "CALL_EXCEPTION" || e.code === "INVALID_ARGUMENT" || e.code === "NONCE_EXPIRED")
      return false;
    if (typeof e.code === "string" && TRANSIENT_CODES.has(e.code)) return true;
    if (e.code === 429 || e.code === -32005 || (typeof e.status === "number" && e.status >= 500)) return true;
    if (
      typeof e.message === "string" &&
      /(socket hang up|fetch failed|timeout|rate limit|ECONNREFUSED)/i.test(e.message)
    )
      return true;
    cur = e.cause ?? e.error;
  }
  return false;
}

export interface RetryOptions {
  policy?: RetryPolicy;
  /** Which errors to retry (default {@link isTransientRpcError}). */
  retryable?: (err: unknown) => boolean;
  logger?: Logger;
  /** Names the operation in log lines. */
  label?: string;
}

/** Runs `fn`, retrying retryable failures with backoff; rethrows the last error. */
export async function withRetry<T>(fn: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const policy = checkRetryPolicy(options.policy ?? RPC_RETRY);
  const retryable = options.retryable ?? isTransientRpcError;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (attempt >= policy.attempts || !retryable(err)) throw err;
      const delayMs = backoffDelay(policy, attempt + 1);
      options.logger?.warn("transient failure, retrying", {
        op: options.label,
        attempt,
        delayMs,
        error: err instanceof Error ? err.message : String(err),
      });
      await sleep(delayMs);
    }
  }
}
