/**
 * How oracle nodes reach each other. Peers are named by their signer address; what a transport moves is
 * an {@link Envelope} (signed by the sender) one way and a response the other. Two implementations:
 * {@link InMemoryTransportHub} for nodes in one process (tests, the market simulation) and
 * {@link HttpTransport} for separate processes (JSON over HTTP POST, loopback or a private network).
 */
import http from "node:http";
import { getAddress } from "ethers";
import { OracleConfigError, OracleTransportError } from "./errors";
import type { Envelope } from "./protocol";

/** Serves one request; resolves with the response (wire JSON) or rejects (the peer then sees an error). */
export type RequestHandler = (envelope: Envelope) => Promise<string>;

export interface OracleTransport {
  /** Starts serving requests addressed to this node. */
  listen(handler: RequestHandler): Promise<void>;
  /** Sends `envelope` to `peer` and resolves with its response (wire JSON); rejects with {@link OracleTransportError}. */
  request(peer: string, envelope: Envelope, timeoutMs: number): Promise<string>;
  /** Stops serving (idempotent). */
  close(): Promise<void>;
}

function withTimeout<T>(peer: string, p: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new OracleTransportError(peer, `no answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * In-process transport: endpoints registered in one hub call each other's handlers directly (after a
 * JSON round trip, so nothing is shared by reference). `setDown` simulates a crashed or unreachable node.
 */
export class InMemoryTransportHub {
  private readonly handlers = new Map<string, RequestHandler>();
  private readonly down = new Set<string>();

  /** The transport of the node with signer `address`. */
  endpoint(address: string): OracleTransport {
    const self = getAddress(address);
    return {
      listen: async (handler) => {
        this.handlers.set(self, handler);
      },
      request: async (peer, envelope, timeoutMs) => {
        const to = getAddress(peer);
        const handler = this.handlers.get(to);
        if (this.down.has(self) || this.down.has(to) || handler === undefined) {
          throw new OracleTransportError(to, "unreachable");
        }
        const copy = JSON.parse(JSON.stringify(envelope)) as Envelope;
        try {
          return await withTimeout(to, handler(copy), timeoutMs);
        } catch (err) {
          if (err instanceof OracleTransportError) throw err;
          throw new OracleTransportError(to, describe(err));
        }
      },
      close: async () => {
        this.handlers.delete(self);
      },
    };
  }

  /** Marks a node as down (its requests and requests to it fail) or up again. */
  setDown(address: string, down: boolean): void {
    if (down) this.down.add(getAddress(address));
    else this.down.delete(getAddress(address));
  }
}

export interface HttpTransportOptions {
  /** Where to listen, e.g. `{ host: "127.0.0.1", port: 7700 }` (port 0 picks a free one). */
  listen: { host: string; port: number };
  /** Peer signer address → base URL, e.g. `http://127.0.0.1:7701`. */
  peers: Record<string, string>;
  /** Largest request body accepted (bytes, default 256 KiB). */
  maxBodyBytes?: number;
}

/**
 * JSON over HTTP: `POST <peer>/oracle` with the envelope as the body; `200` with the response, or `400`
 * with `{ "error": message }` when the handler refuses. The envelope signature authenticates the sender,
 * so plain HTTP on loopback or a private network is enough; put TLS in front on the open internet.
 */
export class HttpTransport implements OracleTransport {
  private server: http.Server | undefined;
  private readonly peers = new Map<string, string>();
  private readonly maxBodyBytes: number;

  constructor(private readonly options: HttpTransportOptions) {
    for (const [address, url] of Object.entries(options.peers)) {
      this.peers.set(getAddress(address), url.replace(/\/+$/, ""));
    }
    this.maxBodyBytes = options.maxBodyBytes ?? 256 * 1024;
  }

  /** The bound address once listening (useful with port 0). */
  address(): { host: string; port: number } | undefined {
    const a = this.server?.address();
    return a && typeof a === "object" ? { host: a.address, port: a.port } : undefined;
  }

  async listen(handler: RequestHandler): Promise<void> {
    const server = http.createServer((req, res) => {
      const reply = (status: number, body: string) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(body);
      };
      const fail = (status: number, message: string) => reply(status, JSON.stringify({ error: message }));
      if (req.method !== "POST" || req.url !== "/oracle") return fail(404, "not found");
      const chunks: Buffer[] = [];
      let size = 0;
      req.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > this.maxBodyBytes) {
          fail(413, "request too large");
          req.destroy();
          return;
        }
        chunks.push(chunk);
      });
      req.on("end", () => {
        if (res.headersSent) return;
        let envelope: Envelope;
        try {
          envelope = JSON.parse(Buffer.concat(chunks).toString("utf8")) as Envelope;
        } catch {
          return fail(400, "malformed: not JSON");
        }
        handler(envelope).then(
          (response) => reply(200, response),
          (err: unknown) => fail(400, describe(err)),
        );
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", (err) =>
        reject(
          new OracleConfigError(
            `cannot listen on ${this.options.listen.host}:${this.options.listen.port}: ${err.message}`,
          ),
        ),
      );
      server.listen(this.options.listen.port, this.options.listen.host, () => {
        server.removeAllListeners("error");
        resolve();
      });
    });
    this.server = server;
  }

  async request(peer: string, envelope: Envelope, timeoutMs: number): Promise<string> {
    const to = getAddress(peer);
    const url = this.peers.get(to);
    if (url === undefined) throw new OracleTransportError(to, "no URL configured for this peer");
    let res: Response;
    try {
      res = await fetch(`${url}/oracle`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(envelope),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      throw new OracleTransportError(to, describe(err));
    }
    const text = await res.text().catch(() => "");
    if (res.ok) return text;
    let message = `HTTP ${res.status}`;
    try {
      const error = (JSON.parse(text) as { error?: unknown }).error;
      if (typeof error === "string") message = error;
    } catch {
      // not JSON: keep the status
    }
    throw new OracleTransportError(to, message);
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections?.();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
