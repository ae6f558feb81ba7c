import { expect } from "chai";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { CID } from "multiformats/cid";
import * as raw from "multiformats/codecs/raw";
import { sha256 } from "multiformats/hashes/sha2";
import {
  BlobNotFoundError,
  BlobTooLargeError,
  IntegrityError,
  InvalidCidError,
  KUBO_MAX_BLOCK_SIZE,
  KuboApiError,
  KuboStore,
  type KuboStoreOptions,
} from "../../sdk/storage";
import { expectRejection } from "../helpers/expect";

const HI_CID = "bafkreiepinbumzepnoln7co5vea4kf3lcctnqolb3u6bvsellgznymt2uq";
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const FAST_RETRY = { attempts: 4, baseDelayMs: 5, maxDelayMs: 20 };

type Endpoint = "block/put" | "block/get" | "block/stat" | "pin/rm";

/**
 * Kubo RPC API stand-in: an in-memory HTTP server on 127.0.0.1 speaking the subset of the Kubo v0 RPC
 * API the KuboStore uses, with Kubo's conventions (POST only, `arg=` query parameters, multipart upload,
 * errors as HTTP 500 + `{"Message","Code","Type":"error"}`, 400 for malformed calls, 404 for unknown
 * endpoints, 1 MiB block limit unless `allow-big-block=true`). Faults can be injected per endpoint.
 */
class KuboApiStandIn {
  readonly blocks = new Map<string, Uint8Array>();
  readonly pins = new Set<string>();
  readonly calls: { endpoint: string; query: URLSearchParams }[] = [];
  /** Statuses to answer with (instead of serving) for the next calls of an endpoint. */
  readonly failNext = new Map<Endpoint, number[]>();
  /** Drop the connection without answering for the next n calls of any endpoint. */
  dropNext = 0;
  /** Answer block/put with this CID instead of the real one. */
  lieAboutCid?: string;
  /** Flip a bit of every block/get answer. */
  corruptGets = false;
  private readonly server = http.createServer((req, res) => {
    this.handle(req, res).catch((err: Error) => {
      res.statusCode = 599;
      res.end(err.message);
    });
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve, reject) => this.server.close((err) => (err ? reject(err) : resolve())));
  }

  count(endpoint: Endpoint): number {
    return this.calls.filter((c) => c.endpoint === endpoint).length;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const body = await readBody(req);
    const url = new URL(req.url ?? "/", "http://stand-in");
    const endpoint = url.pathname.replace(/^\/api\/v0\//, "");
    this.calls.push({ endpoint, query: url.searchParams });
    if (this.dropNext > 0) {
      this.dropNext--;
      req.socket.destroy();
      return;
    }
    if (
      !url.pathname.startsWith("/api/v0/") ||
      !["block/put", "block/get", "block/stat", "pin/rm"].includes(endpoint)
    ) {
      res.writeHead(404, { "content-type": "text/plain" }).end("404 page not found\n");
      return;
    }
    if (req.method !== "POST") {
      res.writeHead(405).end();
      return;
    }
    const injected = this.failNext.get(endpoint as Endpoint)?.shift();
    if (injected !== undefined) {
      kuboError(res, injected, `injected failure ${injected}`);
      return;
    }
    const arg = url.searchParams.get("arg");
    switch (endpoint) {
      case "block/put": {
        const q = url.searchParams;
        if (q.get("cid-codec") !== "raw" || q.get("mhtype") !== "sha2-256" || q.get("pin") !== "true") {
          kuboError(res, 400, "unexpected block/put options");
          return;
        }
        const data = multipartFile(req.headers["content-type"], body);
        if (data === undefined) {
          kuboError(res, 400, "file argument 'data' is required");
          return;
        }
        if (data.length > KUBO_MAX_BLOCK_SIZE && q.get("allow-big-block") !== "true") {
          kuboError(res, 500, "produced block is over 1MiB: big blocks can't be exchanged with other peers");
          return;
        }
        const cid = CID.createV1(raw.code, await sha256.digest(data)).toString();
        this.blocks.set(cid, data);
        this.pins.add(cid);
        json(res, { Key: this.lieAboutCid ?? cid, Size: data.length });
        return;
      }
      case "block/get":
      case "block/stat": {
        if (arg === null) return kuboError(res, 400, 'argument "cid" is required');
        const data = this.blocks.get(arg);
        if (data === undefined)
          return kuboError(res, 500, `block was not found locally (offline): ipld: could not find ${arg}`);
        if (endpoint === "block/stat") return json(res, { Key: arg, Size: data.length });
        const out = Buffer.from(data);
        if (this.corruptGets && out.length > 0) out[0] ^= 1;
        res.writeHead(200, { "content-type": "text/plain" }).end(out);
        return;
      }
      case "pin/rm": {
        if (arg === null || !this.pins.delete(arg))
          return kuboError(res, 500, "not pinned or pinned indirectly");
        json(res, { Pins: [arg] });
        return;
      }
    }
  }
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/** Content of the first part of a multipart/form-data body. */
function multipartFile(contentType: string | undefined, body: Buffer): Uint8Array | undefined {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(contentType ?? "");
  if (boundary === null) return undefined;
  const delimiter = `--${boundary[1] ?? boundary[2]}`;
  const start = body.indexOf(delimiter);
  const headersEnd = body.indexOf("\r\n\r\n", start);
  const end = body.indexOf(`\r\n${delimiter}`, headersEnd);
  if (start < 0 || headersEnd < 0 || end < 0) return undefined;
  return new Uint8Array(body.subarray(headersEnd + 4, end));
}

function json(res: http.ServerResponse, value: unknown): void {
  res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(value));
}

function kuboError(res: http.ServerResponse, status: number, message: string): void {
  res
    .writeHead(status, { "content-type": "application/json" })
    .end(JSON.stringify({ Message: message, Code: status === 400 ? 1 : 0, Type: "error" }));
}

describe("sdk/storage KuboStore (against a Kubo RPC API stand-in)", function () {
  let kubo: KuboApiStandIn;
  let url: string;
  const open = (options: Omit<KuboStoreOptions, "url"> = {}): KuboStore =>
    new KuboStore({ retry: FAST_RETRY, ...options, url });

  beforeEach(async function () {
    kubo = new KuboApiStandIn();
    url = await kubo.start();
  });
  afterEach(async function () {
    await kubo.stop();
  });

  it("round-trips a blob as a pinned raw block with the same CID as the local backend", async function () {
    const store = open();
    expect(await store.put(utf8("hi"))).to.equal(HI_CID);
    expect([...kubo.pins]).to.deep.equal([HI_CID]);
    expect(Buffer.from(await store.get(HI_CID)).toString()).to.equal("hi");
    expect(await store.has(HI_CID)).to.equal(true);
    const put = kubo.calls.find((c) => c.endpoint === "block/put");
    expect(Object.fromEntries(put!.query)).to.deep.equal({
      "cid-codec": "raw",
      mhtype: "sha2-256",
      pin: "true",
    });
  });

  it("round-trips binary content of exactly the 1 MiB block limit", async function () {
    const bytes = new Uint8Array(KUBO_MAX_BLOCK_SIZE).map((_, i) => (i * 31) & 0xff);
    const store = open();
    const cid = await store.put(bytes);
    expect(Buffer.compare(Buffer.from(await store.get(cid)), Buffer.from(bytes))).to.equal(0);
  });

  it("rejects blocks above 1 MiB before any request, unless allowBigBlocks is set", async function () {
    const big = new Uint8Array(KUBO_MAX_BLOCK_SIZE + 1);
    const err = await expectRejection(open().put(big), BlobTooLargeError);
    expect(err.limit).to.equal(KUBO_MAX_BLOCK_SIZE);
    expect(kubo.calls).to.have.length(0);
    const cid = await open({ allowBigBlocks: true }).put(big);
    expect(kubo.calls[0].query.get("allow-big-block")).to.equal("true");
    expect((await open().get(cid)).length).to.equal(big.length);
  });

  it("fails with IntegrityError when the node returns a different CID", async function () {
    kubo.lieAboutCid = "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku";
    const err = await expectRejection(open().put(utf8("hi")), IntegrityError);
    expect(err.expectedCid).to.equal(HI_CID);
    expect(err.actualCid).to.equal(kubo.lieAboutCid);
  });

  it("fails with KuboApiError when the node returns something that is not a raw CID", async function () {
    kubo.lieAboutCid = "QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG";
    await expectRejection(open().put(utf8("hi")), KuboApiError);
  });

  it("fails with IntegrityError when the node serves corrupted bytes", async function () {
    const store = open();
    await store.put(utf8("hi"));
    kubo.corruptGets = true;
    const err = await expectRejection(store.get(HI_CID), IntegrityError);
    expect(err.expectedCid).to.equal(HI_CID);
    expect(err.message).to.include("block/get");
  });

  it("retries a transient 503 and then succeeds", async function () {
    kubo.failNext.set("block/put", [503, 503]);
    kubo.failNext.set("block/get", [502]);
    const store = open();
    expect(await store.put(utf8("hi"))).to.equal(HI_CID);
    expect(kubo.count("block/put")).to.equal(3);
    expect(Buffer.from(await store.get(HI_CID)).toString()).to.equal("hi");
    expect(kubo.count("block/get")).to.equal(2);
  });

  it("retries dropped connections", async function () {
    kubo.dropNext = 2;
    expect(await open().put(utf8("hi"))).to.equal(HI_CID);
    expect(kubo.count("block/put")).to.equal(3);
  });

  it("gives up after the bounded number of attempts with a transient KuboApiError", async function () {
    kubo.failNext.set("block/put", [503, 503, 503, 503, 503]);
    const err = await expectRejection(open().put(utf8("hi")), KuboApiError);
    expect(err).to.include({ status: 503, transient: true, attempts: FAST_RETRY.attempts });
    expect(kubo.count("block/put")).to.equal(FAST_RETRY.attempts);
  });

  it("treats 400 as fatal: no retry", async function () {
    kubo.failNext.set("block/put", [400]);
    const err = await expectRejection(open().put(utf8("hi")), KuboApiError);
    expect(err).to.include({ status: 400, transient: false, attempts: 1 });
    expect(err.message).to.include("injected failure 400");
    expect(kubo.count("block/put")).to.equal(1);
  });

  it("treats an unknown endpoint (wrong URL path) as fatal, not as a missing blob", async function () {
    const store = new KuboStore({ url: `${url}/not-kubo/`, retry: FAST_RETRY });
    const err = await expectRejection(store.get(HI_CID), KuboApiError);
    expect(err).to.include({ status: 404, transient: false });
  });

  it("retries connection refused, then reports the node unreachable", async function () {
    await kubo.stop();
    const err = await expectRejection(open().get(HI_CID), KuboApiError);
    expect(err).to.include({ status: undefined, transient: true, attempts: FAST_RETRY.attempts });
    expect(err.message).to.match(/ECONNREFUSED/);
    kubo = new KuboApiStandIn(); // afterEach stops a fresh, started server
    url = await kubo.start();
  });

  it("times out a hanging node per attempt", async function () {
    const hang = http.createServer(() => undefined);
    await new Promise<void>((resolve) => hang.listen(0, "127.0.0.1", resolve));
    try {
      const store = new KuboStore({
        url: `http://127.0.0.1:${(hang.address() as AddressInfo).port}`,
        timeoutMs: 50,
        retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 1 },
      });
      const err = await expectRejection(store.has(HI_CID), KuboApiError);
      expect(err).to.include({ transient: true, attempts: 2 });
      expect(err.message).to.include("in time");
    } finally {
      hang.closeAllConnections();
      await new Promise((resolve) => hang.close(resolve));
    }
  });

  it("maps Kubo's not-found errors to BlobNotFoundError / false without retrying", async function () {
    const store = open();
    await expectRejection(store.get(HI_CID), BlobNotFoundError);
    expect(await store.has(HI_CID)).to.equal(false);
    expect(await store.delete(HI_CID)).to.equal(false);
    expect(kubo.count("block/get")).to.equal(1);
    expect(kubo.count("block/stat")).to.equal(1);
  });

  it("unpins on delete", async function () {
    const store = open();
    await store.put(utf8("hi"));
    expect(await store.delete(HI_CID)).to.equal(true);
    expect(kubo.pins.size).to.equal(0);
  });

  it("validates CIDs before calling the node", async function () {
    await expectRejection(open().get("bafy-garbage"), InvalidCidError);
    await expectRejection(open().has("QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG"), InvalidCidError);
    expect(kubo.calls).to.have.length(0);
  });
});
