import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { encryptKeystoreJsonSync, Wallet } from "ethers";
import { expectRejection } from "../helpers/expect";
import {
  createLogger,
  isTransientRpcError,
  JsonStateFile,
  KeyConfigError,
  keySource,
  loadWallet,
  StateFileError,
  withRetry,
} from "../../sdk/service";

const FAST = { attempts: 4, baseDelayMs: 1, maxDelayMs: 2 };
const HARDHAT_KEY_0 = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

describe("sdk/service", function () {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "cloudai-service-"));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  describe("# logger", function () {
    it("writes one JSON object per line with service, level, message and fields", function () {
      const lines: string[] = [];
      const log = createLogger("agent", { level: "info", write: (l) => lines.push(l) });
      log.debug("hidden");
      log.child({ task: 7n }).warn("slow", { ms: 12 });
      expect(lines).to.have.length(1);
      const rec = JSON.parse(lines[0]) as Record<string, unknown>;
      expect(rec).to.include({ level: "warn", service: "agent", msg: "slow", task: "7", ms: 12 });
      expect(Date.parse(rec.ts as string)).to.be.a("number").and.not.NaN;
    });

    it("serialises errors as name and message", function () {
      const lines: string[] = [];
      createLogger("m", { write: (l) => lines.push(l) }).error("boom", { error: new RangeError("bad") });
      expect(JSON.parse(lines[0]).error).to.deep.equal({ name: "RangeError", message: "bad" });
    });
  });

  describe("# retry", function () {
    it("classifies transport failures as transient and reverts as permanent", function () {
      expect(isTransientRpcError(Object.assign(new Error("x"), { code: "ECONNREFUSED" }))).to.equal(true);
      expect(isTransientRpcError(new Error("socket hang up"))).to.equal(true);
      expect(isTransientRpcError({ error: { code: 429 } })).to.equal(true);
      expect(isTransientRpcError({ status: 503 })).to.equal(true);
      expect(isTransientRpcError(Object.assign(new Error("reverted"), { code: "CALL_EXCEPTION" }))).to.equal(
        false,
      );
      expect(isTransientRpcError(new Error("invalid address"))).to.equal(false);
    });

    it("retries transient failures until success", async function () {
      let calls = 0;
      const value = await withRetry(
        async () => {
          if (++calls < 3) throw Object.assign(new Error("down"), { code: "ECONNRESET" });
          return 42;
        },
        { policy: FAST },
      );
      expect(value).to.equal(42);
      expect(calls).to.equal(3);
    });

    it("gives up after the policy's attempts and rethrows the last error", async function () {
      let calls = 0;
      const err = await expectRejection(
        withRetry(
          async () => {
            calls++;
            throw Object.assign(new Error(`down ${calls}`), { code: "ETIMEDOUT" });
          },
          { policy: FAST },
        ),
        Error,
      );
      expect(calls).to.equal(4);
      expect(err.message).to.equal("down 4");
    });

    it("does not retry permanent failures", async function () {
      let calls = 0;
      await expectRejection(
        withRetry(async () => {
          calls++;
          throw Object.assign(new Error("reverted"), { code: "CALL_EXCEPTION" });
        }),
        Error,
      );
      expect(calls).to.equal(1);
    });
  });

  describe("# state file", function () {
    it("starts from the initial state and round-trips bigints atomically", function () {
      const f = new JsonStateFile(path.join(dir, "sub", "state.json"), () => ({ cursor: 0, owed: 0n }));
      expect(f.read()).to.deep.equal({ cursor: 0, owed: 0n });
      f.update((s) => ({ cursor: s.cursor + 5, owed: 10n ** 30n }));
      expect(new JsonStateFile(f.file, () => ({ cursor: -1, owed: -1n })).read()).to.deep.equal({
        cursor: 5,
        owed: 10n ** 30n,
      });
      expect(fs.readdirSync(path.dirname(f.file))).to.deep.equal(["state.json"]);
    });

    it("refuses a corrupt file instead of silently resetting", function () {
      const file = path.join(dir, "state.json");
      fs.writeFileSync(file, "{not json");
      expect(() => new JsonStateFile(file, () => ({})).read()).to.throw(StateFileError, /corrupt/);
    });
  });

  describe("# keys", function () {
    const src = keySource("AGENT");

    it("loads a raw key from the environment", async function () {
      const w = await loadWallet(src, undefined, { AGENT_PRIVATE_KEY: HARDHAT_KEY_0 });
      expect(w.address).to.equal("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
    });

    it("loads an encrypted keystore with its password", async function () {
      const file = path.join(dir, "key.json");
      fs.writeFileSync(
        file,
        encryptKeystoreJsonSync(new Wallet(HARDHAT_KEY_0), "pw", { scrypt: { N: 1024 } }),
      );
      const w = await loadWallet(src, undefined, { AGENT_KEYSTORE: file, AGENT_KEYSTORE_PASSWORD: "pw" });
      expect(w.address).to.equal("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
      const bad = await expectRejection(
        loadWallet(src, undefined, { AGENT_KEYSTORE: file, AGENT_KEYSTORE_PASSWORD: "nope" }),
        KeyConfigError,
      );
      expect(bad.message).to.match(/wrong password/);
    });

    it("explains every missing or conflicting configuration", async function () {
      const cases: [NodeJS.ProcessEnv, RegExp][] = [
        [{}, /no key: set AGENT_PRIVATE_KEY/],
        [{ AGENT_PRIVATE_KEY: "0x12" }, /not a valid private key/],
        [{ AGENT_PRIVATE_KEY: HARDHAT_KEY_0, AGENT_KEYSTORE: "k" }, /either/],
        [{ AGENT_KEYSTORE: "k" }, /AGENT_KEYSTORE_PASSWORD is not/],
        [{ AGENT_KEYSTORE: path.join(dir, "missing"), AGENT_KEYSTORE_PASSWORD: "x" }, /cannot read/],
      ];
      for (const [env, re] of cases) {
        const err = await expectRejection(loadWallet(src, undefined, env), KeyConfigError);
        expect(err.message).to.match(re);
      }
    });
  });
});
