import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { base58btc } from "multiformats/bases/base58";
import { CID } from "multiformats/cid";
import * as raw from "multiformats/codecs/raw";
import { identity } from "multiformats/hashes/identity";
import { sha256, sha512 } from "multiformats/hashes/sha2";
import {
  BlobNotFoundError,
  DEFAULT_LOCAL_DIR,
  IntegrityError,
  InvalidCidError,
  KUBO_DEFAULT_URL,
  KuboStore,
  LocalDirStore,
  STORAGE_ENV,
  StorageConfigError,
  TEMP_DIR,
  computeCid,
  openStore,
  parseBlobCid,
  parseStorageSpec,
  sameCid,
  verifyCommitment,
  type InvalidCidReason,
} from "../../sdk/storage";
import { expectRejection } from "../helpers/expect";

/** Raw CIDv1 sha2-256 of the UTF-8 bytes "hi" (as printed by `ipfs block put --cid-codec=raw`). */
const HI_CID = "bafkreiepinbumzepnoln7co5vea4kf3lcctnqolb3u6bvsellgznymt2uq";
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

/** CID computed directly with multiformats, independently of sdk/storage. */
async function referenceCid(bytes: Uint8Array): Promise<string> {
  return CID.createV1(raw.code, await sha256.digest(bytes)).toString();
}

function tempRoot(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "cloudai-blobs-"));
}

describe("sdk/storage", function () {
  describe("# CIDs", function () {
    it("computes the known raw sha2-256 CIDv1 of 'hi'", async function () {
      expect(await computeCid(utf8("hi"))).to.equal(HI_CID);
      expect(await referenceCid(utf8("hi"))).to.equal(HI_CID);
    });

    it("agrees with an independent multiformats computation on random content", async function () {
      for (const size of [0, 1, 1000, 300_000]) {
        const bytes = new Uint8Array(size).map(() => Math.floor(Math.random() * 256));
        expect(await computeCid(bytes)).to.equal(await referenceCid(bytes));
      }
    });

    it("canonicalizes other multibase spellings of the same CID to base32", function () {
      const b58 = CID.parse(HI_CID).toString(base58btc);
      expect(b58.startsWith("z")).to.equal(true);
      expect(parseBlobCid(b58).cid).to.equal(HI_CID);
      expect(sameCid(b58, HI_CID)).to.equal(true);
    });

    it("rejects malformed and foreign CIDs with a typed reason", async function () {
      const dagPb = CID.createV1(0x70, await sha256.digest(utf8("hi"))).toString();
      const sha512Raw = CID.createV1(raw.code, await sha512.digest(utf8("hi"))).toString();
      const identityRaw = CID.createV1(raw.code, await identity.digest(utf8("hi"))).toString();
      const cases: [string, InvalidCidReason][] = [
        ["", "UNPARSABLE"],
        ["not-a-cid", "UNPARSABLE"],
        [HI_CID.slice(0, -4), "UNPARSABLE"],
        ["QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG", "NOT_V1"],
        [dagPb, "NOT_RAW_CODEC"],
        [sha512Raw, "NOT_SHA2_256"],
        [identityRaw, "NOT_SHA2_256"],
      ];
      for (const [input, reason] of cases) {
        expect(() => parseBlobCid(input), input)
          .to.throw(InvalidCidError)
          .with.property("reason", reason);
      }
    });
  });

  describe("# verifyCommitment", function () {
    it("returns the canonical CID when the bytes match", async function () {
      expect(await verifyCommitment(utf8("hi"), HI_CID)).to.equal(HI_CID);
    });

    it("throws IntegrityError naming both CIDs when they do not", async function () {
      const err = await expectRejection(verifyCommitment(utf8("hj"), HI_CID), IntegrityError);
      expect(err.expectedCid).to.equal(HI_CID);
      expect(err.actualCid).to.equal(await referenceCid(utf8("hj")));
    });

    it("throws InvalidCidError for a malformed commitment", async function () {
      await expectRejection(verifyCommitment(utf8("hi"), "bafy-nope"), InvalidCidError);
    });
  });

  describe("# LocalDirStore", function () {
    let root: string;
    let store: LocalDirStore;

    beforeEach(function () {
      root = tempRoot();
      store = new LocalDirStore(root);
    });
    afterEach(function () {
      fs.rmSync(root, { recursive: true, force: true });
    });

    it("round-trips a blob under its CID", async function () {
      const cid = await store.put(utf8("hi"));
      expect(cid).to.equal(HI_CID);
      expect(Buffer.from(await store.get(cid)).toString()).to.equal("hi");
      expect(await store.has(cid)).to.equal(true);
    });

    it("round-trips empty and multi-megabyte blobs", async function () {
      for (const bytes of [new Uint8Array(0), new Uint8Array(3 * 1024 * 1024).fill(7)]) {
        const cid = await store.put(bytes);
        expect(cid).to.equal(await referenceCid(bytes));
        expect(Buffer.compare(Buffer.from(await store.get(cid)), Buffer.from(bytes))).to.equal(0);
      }
    });

    it("stores the blob at <root>/<next-to-last two CID chars>/<cid>", async function () {
      const cid = await store.put(utf8("hi"));
      const expected = path.join(root, cid.slice(-3, -1), cid);
      expect(store.pathOf(cid)).to.equal(expected);
      expect(fs.readFileSync(expected, "utf8")).to.equal("hi");
    });

    it("detects a blob corrupted on disk on read, and a new put repairs it", async function () {
      const cid = await store.put(utf8("hello world"));
      fs.writeFileSync(store.pathOf(cid), "hello w0rld");
      const err = await expectRejection(store.get(cid), IntegrityError);
      expect(err.expectedCid).to.equal(cid);
      expect(err.message).to.include(store.pathOf(cid));
      await store.put(utf8("hello world"));
      expect(Buffer.from(await store.get(cid)).toString()).to.equal("hello world");
    });

    it("detects a truncated blob on read", async function () {
      const cid = await store.put(utf8("hello world"));
      fs.truncateSync(store.pathOf(cid), 5);
      await expectRejection(store.get(cid), IntegrityError);
    });

    it("reports an unknown CID as BlobNotFoundError and has() = false", async function () {
      const err = await expectRejection(store.get(HI_CID), BlobNotFoundError);
      expect(err.cid).to.equal(HI_CID);
      expect(await store.has(HI_CID)).to.equal(false);
    });

    it("rejects malformed CIDs in get, has, delete and pathOf", async function () {
      await expectRejection(store.get("../../etc/passwd"), InvalidCidError);
      await expectRejection(store.has("bafkrei"), InvalidCidError);
      await expectRejection(store.delete("QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG"), InvalidCidError);
      expect(() => store.pathOf("x")).to.throw(InvalidCidError);
    });

    it("deletes a blob once", async function () {
      const cid = await store.put(utf8("hi"));
      expect(await store.delete(cid)).to.equal(true);
      expect(await store.delete(cid)).to.equal(false);
      expect(await store.has(cid)).to.equal(false);
    });

    it("writes through a complete, synced temp file renamed onto the final name", async function () {
      const bytes = new Uint8Array(2 * 1024 * 1024).fill(42);
      const cid = await referenceCid(bytes);
      const finalPath = store.pathOf(cid);
      const original = fs.promises.rename;
      const seen: { tempSize: number; finalExisted: boolean }[] = [];
      fs.promises.rename = async (from: fs.PathLike, to: fs.PathLike): Promise<void> => {
        seen.push({ tempSize: fs.statSync(from).size, finalExisted: fs.existsSync(to) });
        expect(path.dirname(String(from))).to.equal(path.join(root, TEMP_DIR));
        return original(from, to);
      };
      try {
        await store.put(bytes);
      } finally {
        fs.promises.rename = original;
      }
      expect(seen).to.deep.equal([{ tempSize: bytes.length, finalExisted: false }]);
      expect(fs.statSync(finalPath).size).to.equal(bytes.length);
      expect(fs.readdirSync(path.join(root, TEMP_DIR))).to.deep.equal([]);
    });

    it("leaves nothing under the final name when a put dies before the rename", async function () {
      const bytes = utf8("interrupted");
      const cid = await referenceCid(bytes);
      const original = fs.promises.rename;
      fs.promises.rename = async (): Promise<void> => {
        throw Object.assign(new Error("simulated crash"), { code: "EIO" });
      };
      try {
        await expectRejection(store.put(bytes), Error);
      } finally {
        fs.promises.rename = original;
      }
      expect(fs.existsSync(store.pathOf(cid))).to.equal(false);
      expect(await store.has(cid)).to.equal(false);
      expect(fs.readdirSync(path.join(root, TEMP_DIR))).to.deep.equal([]);
    });

    it("never exposes a partial blob to a concurrent reader", async function () {
      const bytes = new Uint8Array(8 * 1024 * 1024).fill(1);
      const cid = await referenceCid(bytes);
      const finalPath = store.pathOf(cid);
      let done = false;
      const sizes = new Set<number>();
      const poll = (async () => {
        while (!done) {
          try {
            sizes.add(fs.statSync(finalPath).size);
          } catch {
            sizes.add(-1); // not there yet
          }
          await new Promise((resolve) => setImmediate(resolve));
        }
      })();
      await store.put(bytes);
      done = true;
      await poll;
      for (const size of sizes) expect([-1, bytes.length]).to.include(size);
    });

    it("handles concurrent puts of the same content", async function () {
      const bytes = new Uint8Array(256 * 1024).fill(9);
      const cids = await Promise.all(Array.from({ length: 16 }, () => store.put(bytes)));
      expect(new Set(cids).size).to.equal(1);
      expect((await store.get(cids[0])).length).to.equal(bytes.length);
      expect(fs.readdirSync(path.join(root, TEMP_DIR))).to.deep.equal([]);
    });

    it("handles concurrent puts from two store instances on one directory", async function () {
      const other = new LocalDirStore(root);
      const blobs = Array.from({ length: 10 }, (_, i) => utf8(`blob ${i % 5}`));
      const cids = await Promise.all(blobs.map((b, i) => (i % 2 ? store : other).put(b)));
      for (const [i, cid] of cids.entries()) {
        expect(Buffer.from(await store.get(cid)).toString()).to.equal(`blob ${i % 5}`);
      }
    });

    it("removes stale temp files left by crashed writes, not fresh ones", async function () {
      await store.put(utf8("hi"));
      const tempDir = path.join(root, TEMP_DIR);
      fs.writeFileSync(path.join(tempDir, "stale"), "half");
      fs.writeFileSync(path.join(tempDir, "fresh"), "half");
      const old = new Date(Date.now() - 2 * 3_600_000);
      fs.utimesSync(path.join(tempDir, "stale"), old, old);
      expect(await store.removeStaleTemp()).to.equal(1);
      expect(fs.readdirSync(tempDir)).to.deep.equal(["fresh"]);
    });
  });

  describe("# openStore", function () {
    const cwd = path.resolve(os.tmpdir(), "cloudai-cwd");

    it("defaults to a local store in .cloudai/blobs under the working directory", function () {
      const store = openStore({ env: {}, cwd });
      expect(store).to.be.instanceOf(LocalDirStore);
      expect((store as LocalDirStore).root).to.equal(path.join(cwd, DEFAULT_LOCAL_DIR));
      expect(path.join(cwd, DEFAULT_LOCAL_DIR)).to.equal(path.join(cwd, ".cloudai", "blobs"));
    });

    it(`reads ${STORAGE_ENV}=local:<dir>, resolving relative paths against cwd`, function () {
      const rel = openStore({ env: { [STORAGE_ENV]: "local:data/blobs" }, cwd }) as LocalDirStore;
      expect(rel.root).to.equal(path.join(cwd, "data", "blobs"));
      const abs = openStore({ env: { [STORAGE_ENV]: "local:/srv/blobs" }, cwd }) as LocalDirStore;
      expect(abs.root).to.equal(path.resolve("/srv/blobs"));
      const bare = openStore({ env: { [STORAGE_ENV]: "local:" }, cwd }) as LocalDirStore;
      expect(bare.root).to.equal(path.join(cwd, DEFAULT_LOCAL_DIR));
    });

    it(`reads ${STORAGE_ENV}=kubo:<url>, defaulting to ${KUBO_DEFAULT_URL}`, function () {
      const store = openStore({ env: { [STORAGE_ENV]: "kubo:http://10.0.0.5:5001" }, cwd });
      expect(store).to.be.instanceOf(KuboStore);
      expect(store.location).to.equal("kubo:http://10.0.0.5:5001");
      expect(openStore({ env: { [STORAGE_ENV]: "kubo:" } }).location).to.equal(`kubo:${KUBO_DEFAULT_URL}`);
      expect(openStore({ env: { [STORAGE_ENV]: "kubo:https://ipfs.example/rpc/" } }).location).to.equal(
        "kubo:https://ipfs.example/rpc",
      );
    });

    it("lets explicit configuration win over the environment", function () {
      const env = { [STORAGE_ENV]: "kubo:" };
      expect(openStore({ env, cwd, config: "local:x" })).to.be.instanceOf(LocalDirStore);
      expect(openStore({ env, cwd, config: { backend: "local", dir: "/d" } }).location).to.equal(
        `local:${path.resolve("/d")}`,
      );
      expect(openStore({ env: { [STORAGE_ENV]: "  " }, cwd })).to.be.instanceOf(LocalDirStore);
    });

    it("rejects unknown backends and bad Kubo URLs with StorageConfigError", function () {
      for (const spec of ["s3:bucket", "ipfs", "kubo:ftp://x", "kubo:127.0.0.1:5001", "kubo:http://"]) {
        expect(() => openStore({ config: spec, cwd }), spec).to.throw(StorageConfigError);
      }
      expect(parseStorageSpec(" kubo: http://h:1 ")).to.deep.equal({ backend: "kubo", url: "http://h:1" });
    });
  });
});
