import type { BlobStore } from "./blobStore";
import { assertContent, computeCid, parseBlobCid } from "./cid";
import {
  BlobNotFoundError,
  BlobTooLargeError,
  IntegrityError,
  KuboApiError,
  StorageConfigError,
} from "./errors";
import { DEFAULT_RETRY, backoffDelay, checkRetryPolicy, sleep, type RetryPolicy } from "./retry";

/** Default address of a local Kubo node's RPC API. */
export const KUBO_DEFAULT_URL = "http://127.0.0.1:5001";

/** Kubo's block size limit (1 MiB): `block/put` refuses larger blocks and bitswap cannot transfer them. */
export const KUBO_MAX_BLOCK_SIZE = 1024 * 1024;

export interface KuboStoreOptions {
  /** Base URL of the RPC API (default {@link KUBO_DEFAULT_URL}); a path prefix is kept (for proxies). */
  readonly url?: string;
  /** Retry policy for transient failures (connection errors, timeouts, HTTP 5xx/408/429). */
  readonly retry?: Partial<RetryPolicy>;
  /** Timeout of one HTTP attempt, in milliseconds (default 60 s). */
  readonly timeoutMs?: number;
  /**
   * Accept blobs above {@link KUBO_MAX_BLOCK_SIZE} by passing `allow-big-block=true` (default false:
   * such blobs are rejected with `BlobTooLargeError` before any request). Only for private nodes: other
   * peers cannot fetch big blocks over bitswap.
   */
  readonly allowBigBlocks?: boolean;
  /** Extra request headers (e.g. `Authorization` for an RPC API behind an authenticating proxy). */
  readonly headers?: Readonly<Record<string, string>>;
  /** `fetch` implementation (default: Node's global fetch). */
  readonly fetch?: typeof fetch;
}

/** Thrown inside {@link KuboStore.call} when Kubo reports that a block or pin does not exist. */
class KuboNotFound extends Error {}

/**
 * IPFS backend over a Kubo RPC endpoint. Every blob is one raw block
 * (`block/put?cid-codec=raw&mhtype=sha2-256&pin=true`), so its CID is the same as in `LocalDirStore`;
 * the CID Kubo returns is checked against the locally computed one and every `block/get` is re-hashed.
 *
 * Errors: HTTP 4xx is fatal (`KuboApiError`, no retry); connection failures, timeouts and HTTP
 * 5xx/408/429 are retried with bounded exponential backoff, then surface as `KuboApiError` with
 * `transient: true`. A Kubo error whose message says the block/pin does not exist (Kubo answers those
 * with HTTP 500 and a JSON `{"Message", "Code", "Type": "error"}` body) is not retried and becomes
 * `BlobNotFoundError` (`get`) or `false` (`has`, `delete`).
 *
 * Note that `get` and `has` on an online node may search the IPFS network for a block it does not hold,
 * bounded by `timeoutMs`.
 */
export class KuboStore implements BlobStore {
  readonly url: string;
  private readonly base: URL;
  private readonly retry: RetryPolicy;
  private readonly timeoutMs: number;
  private readonly allowBigBlocks: boolean;
  private readonly headers: Readonly<Record<string, string>>;
  private readonly fetchImpl: typeof fetch;

  constructor(options: KuboStoreOptions = {}) {
    this.base = parseKuboUrl(options.url ?? KUBO_DEFAULT_URL);
    this.url = this.base.href.replace(/\/$/, "");
    this.retry = checkRetryPolicy({ ...DEFAULT_RETRY, ...options.retry });
    this.timeoutMs = options.timeoutMs ?? 60_000;
    if (!(this.timeoutMs > 0)) throw new RangeError(`timeoutMs must be positive, got ${this.timeoutMs}`);
    this.allowBigBlocks = options.allowBigBlocks ?? false;
    this.headers = options.headers ?? {};
    this.fetchImpl = options.fetch ?? fetch;
  }

  get location(): string {
    return `kubo:${this.url}`;
  }

  async put(bytes: Uint8Array): Promise<string> {
    if (!this.allowBigBlocks && bytes.length > KUBO_MAX_BLOCK_SIZE) {
      throw new BlobTooLargeError(
        bytes.length,
        KUBO_MAX_BLOCK_SIZE,
        "Kubo refuses bigger blocks and peers cannot fetch them over bitswap; use a local store or " +
          "set allowBigBlocks for a private node",
      );
    }
    const expected = await computeCid(bytes);
    const params: Record<string, string> = { "cid-codec": "raw", mhtype: "sha2-256", pin: "true" };
    if (this.allowBigBlocks) params["allow-big-block"] = "true";
    const key = await this.call(
      "block/put",
      params,
      async (res) => stringField(await readJson(res, "block/put"), "Key", "block/put"),
      () => {
        const form = new FormData();
        form.append("file", new Blob([bytes]), "blob");
        return form;
      },
    );
    let returned: string;
    try {
      returned = parseBlobCid(key).cid;
    } catch (err) {
      throw new KuboApiError(
        "block/put",
        200,
        false,
        1,
        `returned an unusable CID: ${(err as Error).message}`,
      );
    }
    if (returned !== expected) throw new IntegrityError(expected, returned, `${this.location} block/put`);
    return expected;
  }

  async get(cid: string): Promise<Uint8Array> {
    const expected = parseBlobCid(cid);
    let bytes: Uint8Array;
    try {
      bytes = await this.call("block/get", { arg: expected.cid }, async (res) => {
        return new Uint8Array(await res.arrayBuffer());
      });
    } catch (err) {
      if (err instanceof KuboNotFound) throw new BlobNotFoundError(expected.cid, this.location);
      throw err;
    }
    await assertContent(bytes, expected, `${this.location} block/get`);
    return bytes;
  }

  async has(cid: string): Promise<boolean> {
    const expected = parseBlobCid(cid);
    try {
      await this.call("block/stat", { arg: expected.cid }, async (res) => {
        stringField(await readJson(res, "block/stat"), "Key", "block/stat");
      });
      return true;
    } catch (err) {
      if (err instanceof KuboNotFound) return false;
      throw err;
    }
  }

  /** Removes this store's pin (`pin/rm`); Kubo's garbage collector then reclaims the block. */
  async delete(cid: string): Promise<boolean> {
    const expected = parseBlobCid(cid);
    try {
      await this.call("pin/rm", { arg: expected.cid }, async (res) => void (await res.arrayBuffer()));
      return true;
    } catch (err) {
      if (err instanceof KuboNotFound) return false;
      throw err;
    }
  }

  /**
   * POSTs to `/api/v0/<endpoint>` and hands a 2xx response to `read`, retrying transient failures
   * (including failures while reading the body). `body` is rebuilt for every attempt.
   */
  private async call<T>(
    endpoint: string,
    params: Record<string, string>,
    read: (res: Response) => Promise<T>,
    body?: () => FormData,
  ): Promise<T> {
    const url = new URL(`api/v0/${endpoint}`, this.base);
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    for (let attempt = 1; ; attempt++) {
      const last = attempt >= this.retry.attempts;
      let res: Response;
      try {
        res = await this.fetchImpl(url, {
          method: "POST",
          headers: this.headers,
          body: body?.(),
          signal: AbortSignal.timeout(this.timeoutMs),
        });
        if (res.ok) return await read(res);
      } catch (err) {
        if (err instanceof KuboApiError) throw err;
        const transient = isTransientNetworkError(err);
        if (transient && !last) {
          await sleep(backoffDelay(this.retry, attempt + 1));
          continue;
        }
        throw new KuboApiError(endpoint, undefined, transient, attempt, describeNetworkError(err, this.url));
      }
      const message = await errorMessage(res);
      if (message.kubo && /not found|could not find|not pinned/i.test(message.text)) {
        throw new KuboNotFound(message.text);
      }
      const transient = res.status >= 500 || res.status === 408 || res.status === 429;
      if (transient && !last) {
        await sleep(backoffDelay(this.retry, attempt + 1));
        continue;
      }
      throw new KuboApiError(endpoint, res.status, transient, attempt, message.text);
    }
  }
}

function parseKuboUrl(input: string): URL {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new StorageConfigError(`Kubo RPC URL ${JSON.stringify(input)} is not a URL`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new StorageConfigError(`Kubo RPC URL ${JSON.stringify(input)} must be http: or https:`);
  }
  if (url.search || url.hash) {
    throw new StorageConfigError(`Kubo RPC URL ${JSON.stringify(input)} must not have a query or fragment`);
  }
  if (!url.pathname.endsWith("/")) url.pathname += "/";
  return url;
}

async function readJson(res: Response, endpoint: string): Promise<unknown> {
  const text = await res.text();
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new KuboApiError(endpoint, res.status, false, 1, `answered with non-JSON ${preview(text)}`);
  }
}

function stringField(value: unknown, field: string, endpoint: string): string {
  const v =
    typeof value === "object" && value !== null ? (value as Record<string, unknown>)[field] : undefined;
  if (typeof v !== "string") {
    throw new KuboApiError(endpoint, 200, false, 1, `answer has no string "${field}": ${preview(value)}`);
  }
  return v;
}

/** The error text of a failed response; `kubo` is true when it is Kubo's JSON error object. */
async function errorMessage(res: Response): Promise<{ text: string; kubo: boolean }> {
  const text = await res.text().catch((err: unknown) => `(body unreadable: ${(err as Error).message})`);
  try {
    const json = JSON.parse(text) as unknown;
    if (typeof json === "object" && json !== null) {
      const { Message, Type } = json as Record<string, unknown>;
      if (typeof Message === "string" && Type === "error") return { text: Message, kubo: true };
    }
  } catch {
    // not JSON: report the raw text below
  }
  return { text: text.trim() === "" ? res.statusText : preview(text), kubo: false };
}

const TRANSIENT_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "UND_ERR_SOCKET",
  "UND_ERR_CLOSED",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
]);

function errorCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code === "string") return code;
    if (e.name === "TimeoutError") return "TIMEOUT";
  }
  return undefined;
}

function isTransientNetworkError(err: unknown): boolean {
  const code = errorCode(err);
  return code !== undefined && (code === "TIMEOUT" || TRANSIENT_CODES.has(code));
}

function describeNetworkError(err: unknown, url: string): string {
  const code = errorCode(err);
  if (code === "TIMEOUT") return `no answer from ${url} in time`;
  const message = err instanceof Error ? err.message : String(err);
  return `cannot reach ${url}: ${code ? `${code} ` : ""}${message}`;
}

function preview(value: unknown): string {
  const s = typeof value === "string" ? value : JSON.stringify(value);
  return s.length > 200 ? `${s.slice(0, 200)}…` : s;
}
