import { expect } from "chai";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expectRejection } from "../helpers/expect";
import { StateFileError } from "../../sdk/service";
import {
  AgentStateStore,
  ConfigError,
  ENVELOPE_KEY_FILE,
  LOCK_FILE,
  STATE_FILE,
  StateDirLockedError,
  loadOrCreateEnvelopeKey,
  lockStateDir,
  resolvePolicy,
} from "../../agent";

const ID = {
  chainId: 31337,
  market: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
  provider: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
  cursor: 41,
};

describe("agent: state directory (persistence, lock, envelope key, policy)", function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "cloudai-agent-state-"));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  describe("# AgentStateStore", function () {
    it("claims a new directory at once and round-trips tasks, results, pending transactions and bigints", function () {
      const s = new AgentStateStore(dir, ID);
      expect(fs.existsSync(path.join(dir, STATE_FILE)), "written on creation").to.equal(true);
      expect(s.state).to.include({ cursor: 41, nextNonce: 0 });
      s.state.nextNonce = 7;
      s.state.offers["0"] = { resourceClass: 0, nonce: 6, pricePerUnit: 10n ** 30n, capacity: 5, expiry: 99 };
      s.state.tasks["3"] = {
        taskId: "3",
        resourceClass: 0,
        mode: "ZK",
        circuitId: "0x" + "11".repeat(32),
        inputCommitment: "0x" + "22".repeat(32),
        inputCid: "bafk",
        units: 4,
        createdBlock: 50,
        phase: "computed",
        result: {
          cid: "bafkout",
          commitment: "0x" + "33".repeat(32),
          proof: [1n, 2n ** 250n, 3n, 4n, 5n, 6n, 7n, 8n],
        },
        pendingTx: { action: "submit", nonce: 12, hash: "0x" + "44".repeat(32), sentAt: 1 },
        txs: [{ action: "claim", hash: "0x" + "55".repeat(32), block: 51, ok: true }],
        computeAttempts: 1,
        paid: 123n,
      };
      s.save();
      const again = new AgentStateStore(dir, { ...ID, cursor: 0 });
      expect(again.state).to.deep.equal(s.state);
      expect(again.state.cursor, "an existing cursor wins over the start block").to.equal(41);
    });

    it("refuses the state of another provider, market or chain, and a corrupt file", function () {
      new AgentStateStore(dir, ID);
      for (const other of [
        { ...ID, provider: "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC" },
        { ...ID, market: "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512" },
        { ...ID, chainId: 1 },
      ]) {
        expect(() => new AgentStateStore(dir, other)).to.throw(ConfigError, /belongs to provider/);
      }
      expect(() => new AgentStateStore(dir, { ...ID, provider: ID.provider.toLowerCase() })).to.not.throw();
      fs.writeFileSync(path.join(dir, STATE_FILE), "{");
      expect(() => new AgentStateStore(dir, ID)).to.throw(StateFileError, /corrupt/);
    });
  });

  describe("# lock", function () {
    it("admits one agent per directory until it releases the lock", function () {
      const release = lockStateDir(dir);
      expect(() => lockStateDir(dir)).to.throw(StateDirLockedError);
      release();
      release(); // idempotent
      lockStateDir(dir)();
    });

    it("takes over a lock left by a dead process but not one held by a live process", function () {
      const dead = spawnSync(process.execPath, [
        "-e",
        "process.stdout.write(String(process.pid))",
      ]).stdout.toString();
      fs.writeFileSync(path.join(dir, LOCK_FILE), dead);
      lockStateDir(dir)();
      fs.writeFileSync(path.join(dir, LOCK_FILE), String(process.ppid)); // alive: our parent
      expect(() => lockStateDir(dir)).to.throw(StateDirLockedError, new RegExp(`pid ${process.ppid}`));
    });
  });

  describe("# envelope key", function () {
    it("generates an RSA-OAEP 3072 key once, stores it with mode 0600 and reuses it", async function () {
      const first = await loadOrCreateEnvelopeKey(dir);
      expect(first.created).to.equal(true);
      expect(fs.statSync(path.join(dir, ENVELOPE_KEY_FILE)).mode & 0o777).to.equal(0o600);
      const second = await loadOrCreateEnvelopeKey(dir);
      expect(second.created).to.equal(false);
      expect(Buffer.from(second.publicKeySpki).equals(Buffer.from(first.publicKeySpki))).to.equal(true);
      expect(first.publicKeySpki.length).to.be.greaterThan(400); // SPKI of a 3072-bit modulus
    });

    it("refuses a key file readable by others, and a file that is not a key", async function () {
      await loadOrCreateEnvelopeKey(dir);
      const file = path.join(dir, ENVELOPE_KEY_FILE);
      fs.chmodSync(file, 0o644);
      const err = await expectRejection(loadOrCreateEnvelopeKey(dir), ConfigError);
      expect(err.message).to.match(/chmod 600/);
      fs.writeFileSync(file, "not a key", { mode: 0o600 });
      fs.chmodSync(file, 0o600);
      await expectRejection(loadOrCreateEnvelopeKey(dir), ConfigError);
    });
  });

  describe("# policy", function () {
    const base = {
      classes: [{ resourceClass: 0, price: { kind: "fixed" as const, pricePerUnit: 1n } }],
      targetStake: 0n,
    };

    it("fills defaults (renewal at a quarter of the offer lifetime)", function () {
      const p = resolvePolicy({ ...base, offerLifetimeSec: 400 });
      expect(p).to.include({ renewBeforeSec: 100, stakeWith: "permit", selfClaim: false, confirmations: 1 });
      expect(p.jobKinds).to.deep.equal(["weighted-sum", "word-count"]);
    });

    it("explains impossible settings", function () {
      const cases: [Parameters<typeof resolvePolicy>[0], RegExp][] = [
        [{ ...base, classes: [] }, /at least one resource class/],
        [
          { ...base, classes: [{ resourceClass: 64, price: { kind: "fixed", pricePerUnit: 1n } }] },
          /\[0, 63\]/,
        ],
        [{ ...base, classes: [...base.classes, ...base.classes] }, /twice/],
        [
          { ...base, classes: [{ resourceClass: 0, price: { kind: "fixed", pricePerUnit: 0n } }] },
          /fixed price/,
        ],
        [
          { ...base, classes: [{ resourceClass: 0, price: { kind: "feed", markupBps: -10_000 } }] },
          /markupBps/,
        ],
        [{ ...base, offerLifetimeSec: 60, renewBeforeSec: 60 }, /renewBeforeSec/],
        [{ ...base, jobKinds: ["mining" as never] }, /unknown job kind/],
        [{ ...base, targetStake: -1n }, /targetStake/],
        [{ ...base, pollIntervalMs: 0 }, /pollIntervalMs/],
      ];
      for (const [policy, re] of cases)
        expect(() => resolvePolicy(policy), String(re)).to.throw(ConfigError, re);
    });
  });
});
