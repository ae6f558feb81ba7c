import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expectRejection } from "../helpers/expect";
import { JobCommitmentError } from "../../sdk/jobs/encrypted";
import {
  blobCommitment,
  cidCommitment,
  countWords,
  createWordCountJob,
  encodeWordCountResult,
  parseWordCountManifest,
  runWordCountJob,
} from "../../sdk/jobs/wordCount";
import { LocalDirStore, computeCid } from "../../sdk/storage";

const enc = new TextEncoder();

describe("sdk/jobs/wordCount: the optimistic job kind", function () {
  let dir: string;
  let store: LocalDirStore;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "cloudai-wc-"));
    store = new LocalDirStore(dir);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  describe("# countWords", function () {
    it("counts bytes, newlines, words and distinct words, ranking ties by code point", function () {
      const r = countWords(enc.encode("b a B c\na, A; b!\n"), "cid", 3);
      expect(r).to.deep.equal({
        version: 1,
        kind: "word-count",
        input: "cid",
        bytes: 17,
        lines: 2,
        words: 7,
        distinct: 3,
        top: [
          ["a", 3],
          ["b", 3],
          ["c", 1],
        ],
      });
    });

    it("treats Unicode letters, marks and digits as word characters after NFC normalisation", function () {
      // "é" precomposed and decomposed are one word after NFC; digits count; punctuation splits.
      const r = countWords(enc.encode("caf\u00e9 cafe\u0301 Straße 42x 42x—ok"), "cid", 10);
      expect(r.words).to.equal(6);
      expect(r.top).to.deep.equal([
        ["42x", 2],
        ["café", 2],
        ["ok", 1],
        ["straße", 1],
      ]);
    });

    it("is deterministic: the same input gives byte-identical results", function () {
      const text = enc.encode("lorem ipsum dolor sit amet ".repeat(500));
      const a = encodeWordCountResult(countWords(text, "x"));
      const b = encodeWordCountResult(countWords(Uint8Array.from(text), "x"));
      expect(Buffer.from(a).equals(Buffer.from(b))).to.equal(true);
      expect(new TextDecoder().decode(a)).to.match(
        /^\{"version":1,"kind":"word-count","input":"x","bytes":13500,/,
      );
    });

    it("refuses invalid UTF-8 and out-of-range `top`", function () {
      expect(() => countWords(Uint8Array.from([0x61, 0xff, 0x62]), "cid")).to.throw(
        JobCommitmentError,
        /UTF-8/,
      );
      expect(() => countWords(enc.encode("a"), "cid", 1001)).to.throw(RangeError);
    });
  });

  describe("# commitments", function () {
    it("a blob's commitment is the SHA-256 digest inside its CID", async function () {
      const bytes = enc.encode("hello");
      expect(cidCommitment(await computeCid(bytes))).to.equal(blobCommitment(bytes));
      expect(blobCommitment(bytes)).to.equal(
        "0x2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824",
      );
    });
  });

  describe("# requester and provider", function () {
    it("round-trips: the provider's result is the recomputable canonical result, committed by its CID", async function () {
      const job = await createWordCountJob(store, "one two two three three three", { top: 2 });
      expect(job.inputCommitment).to.equal(cidCommitment(job.manifestCid));
      const r = await runWordCountJob(store, {
        inputCid: job.manifestCid,
        inputCommitment: job.inputCommitment,
      });
      expect(r.result.top).to.deep.equal([
        ["three", 3],
        ["two", 2],
      ]);
      expect(r.resultCommitment).to.equal(cidCommitment(r.resultCid));
      expect(await store.get(r.resultCid)).to.deep.equal(encodeWordCountResult(r.result));
    });

    it("refuses a task whose commitment does not name its manifest, before fetching anything", async function () {
      const job = await createWordCountJob(store, "data");
      const wrong = blobCommitment(enc.encode("something else"));
      const err = await expectRejection(
        runWordCountJob(store, { inputCid: job.manifestCid, inputCommitment: wrong }),
        JobCommitmentError,
      );
      expect(err.message).to.match(/commits to/);
      await expectRejection(
        runWordCountJob(store, { inputCid: "not-a-cid", inputCommitment: wrong }),
        JobCommitmentError,
      );
    });

    it("refuses malformed manifests", async function () {
      const bad = [
        "nope",
        "{}",
        JSON.stringify({ version: 1, kind: "word-count", input: "x", top: 1 }),
        JSON.stringify({
          version: 1,
          kind: "other",
          input: (await createWordCountJob(store, "a")).manifest.input,
          top: 1,
        }),
        JSON.stringify({
          version: 1,
          kind: "word-count",
          input: (await createWordCountJob(store, "a")).manifest.input,
          top: -1,
        }),
      ];
      for (const text of bad) {
        expect(() => parseWordCountManifest(enc.encode(text), "cid"), text).to.throw(JobCommitmentError);
        const cid = await store.put(enc.encode(text));
        await expectRejection(
          runWordCountJob(store, { inputCid: cid, inputCommitment: cidCommitment(cid) }),
          JobCommitmentError,
        );
      }
    });
  });
});
