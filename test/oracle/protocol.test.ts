import { expect } from "chai";
import { Wallet, ZeroHash, keccak256, toUtf8Bytes, type Provider } from "ethers";
import { TaskMarket__factory } from "../../typechain-types";
import { ForecastModelError, LastValueForecaster, type Forecaster } from "../../oracle/forecast";
import { silentLogger } from "../../sdk/service";
import {
  BlockClock,
  DemandSeries,
  FallbackForecaster,
  MovingAverageForecaster,
  OracleProtocolError,
  checkObservations,
  fromWire,
  horizonDemand,
  leaderIndex,
  leaderOf,
  open,
  seal,
  signObservation,
  taskCreatedUnits,
  toWire,
  type SignedObservation,
} from "../../oracle/node";

const E18 = 10n ** 18n;
const silent = silentLogger;
const DIGEST = keccak256(toUtf8Bytes("config"));
const wallets = [1, 2, 3, 4].map((i) => new Wallet(keccak256(toUtf8Bytes(`oracle-${i}`))));
const signers = wallets.map((w) => w.address);

/** A model that fits but cannot forecast (e.g. a non-finite forecast). */
class UnpredictableForecaster implements Forecaster {
  readonly name = "unpredictable";
  readonly minHistory = 1;
  fit(): void {}
  predict(): number[] {
    throw new ForecastModelError("unpredictable", "predict", "non-finite forecast at step 0");
  }
}

/** A model that always fails to fit, as augurs does on degenerate input. */
class FailingForecaster implements Forecaster {
  readonly name = "failing";
  readonly minHistory = 2;
  fit(): void {
    throw new ForecastModelError("failing", "fit", "boom");
  }
  predict(): number[] {
    return [];
  }
}

describe("oracle/node protocol and demand (pure)", function () {
  describe("# leader rotation", function () {
    it("rotates through every signer on consecutive rounds, offset by the config digest", function () {
      const leaders = [1, 2, 3, 4].map((e) => leaderOf(DIGEST, e, signers));
      expect(new Set(leaders).size).to.equal(4);
      expect(leaderIndex(DIGEST, 5, 4)).to.equal(leaderIndex(DIGEST, 1, 4));
      // feeds (different digests) start their rotation at different signers
      const firstLeaders = ["CPU", "GPU", "TPU", "FPGA", "RAM", "NET"].map((f) =>
        leaderIndex(keccak256(toUtf8Bytes(f)), 1, 4),
      );
      expect(new Set(firstLeaders).size).to.be.greaterThan(1);
      expect(leaderIndex(DIGEST, 9, 4)).to.equal(Number((BigInt(DIGEST) + 9n) % 4n));
    });
  });

  describe("# observations", function () {
    async function observations(values: bigint[], e = 7): Promise<SignedObservation[]> {
      return Promise.all(values.map((v, i) => signObservation(wallets[i], DIGEST, e, v)));
    }

    it("accepts 2f+1..n distinct, correctly signed observations and sorts them", async function () {
      const obs = await observations([3n * E18, E18, 2n * E18]);
      const { values, observers } = checkObservations(obs, DIGEST, 7, signers, 1);
      expect(values).to.deep.equal([E18, 2n * E18, 3n * E18]);
      expect(observers).to.have.length(3);
    });

    it("rejects too few, tampered, foreign, duplicated and out-of-range observations, and other rounds", async function () {
      const reason = (fn: () => unknown) => {
        try {
          fn();
        } catch (err) {
          expect(err).to.be.instanceOf(OracleProtocolError);
          return (err as OracleProtocolError).reason;
        }
        return "accepted";
      };
      const obs = await observations([E18, 2n * E18, 3n * E18]);
      expect(reason(() => checkObservations(obs.slice(0, 2), DIGEST, 7, signers, 1))).to.equal(
        "observation-count",
      );
      const tampered = [{ ...obs[0], value: 100n * E18 }, obs[1], obs[2]];
      expect(reason(() => checkObservations(tampered, DIGEST, 7, signers, 1))).to.equal(
        "observation-signature",
      );
      const stranger = await signObservation(Wallet.createRandom(), DIGEST, 7, E18);
      expect(reason(() => checkObservations([stranger, obs[1], obs[2]], DIGEST, 7, signers, 1))).to.equal(
        "observer-unknown",
      );
      expect(reason(() => checkObservations([obs[0], obs[0], obs[1]], DIGEST, 7, signers, 1))).to.equal(
        "observer-duplicate",
      );
      const zero = await observations([0n, E18, E18]);
      expect(reason(() => checkObservations(zero, DIGEST, 7, signers, 1))).to.equal("observation-value");
      expect(reason(() => checkObservations(obs, DIGEST, 8, signers, 1))).to.equal("observation-signature");
      const otherConfig = keccak256(toUtf8Bytes("other config"));
      expect(reason(() => checkObservations(obs, otherConfig, 7, signers, 1))).to.equal(
        "observation-signature",
      );
    });
  });

  describe("# envelopes", function () {
    it("round-trips bigints and authenticates the sender", async function () {
      const obs = await signObservation(wallets[0], DIGEST, 3, 12345678901234567890123n);
      const request = {
        type: "sign" as const,
        feed: signers[0],
        configDigest: DIGEST,
        epochAndRound: 3,
        observations: [obs],
      };
      const envelope = await seal(wallets[1], request);
      const opened = open(envelope);
      expect(opened.from).to.equal(signers[1]);
      expect(opened.request).to.deep.equal(request);
      expect(fromWire<{ v: bigint }>(toWire({ v: -5n }))).to.deep.equal({ v: -5n });
      expect(() => open({ ...envelope, from: signers[2] })).to.throw(
        OracleProtocolError,
        /envelope-signature/,
      );
      const forged = { ...envelope, body: envelope.body.replace('"epochAndRound":3', '"epochAndRound":4') };
      expect(() => open(forged)).to.throw(OracleProtocolError, /envelope-signature/);
    });

    it("rejects malformed requests", async function () {
      const bad = [
        { type: "observe", feed: signers[0], configDigest: "0x12", epochAndRound: 1 },
        { type: "observe", feed: signers[0], configDigest: DIGEST, epochAndRound: 2 ** 40 },
        { type: "observe", feed: signers[0], configDigest: DIGEST, epochAndRound: 0 },
        { type: "hello", feed: signers[0], configDigest: DIGEST, epochAndRound: 1 },
        { type: "sign", feed: signers[0], configDigest: DIGEST, epochAndRound: 1, observations: "x" },
      ];
      for (const b of bad) {
        const body = JSON.stringify(b);
        const envelope = { from: signers[0], body, signature: await wallets[0].signMessage(body) };
        expect(() => open(envelope), body).to.throw(OracleProtocolError, /malformed/);
      }
    });
  });

  describe("# demand bins", function () {
    it("bins units by timestamp, closes complete bins only, and counts late events in the open bin", function () {
      const s = new DemandSeries(60, 1_000); // first bin [960, 1020)
      s.add(1_000, 5);
      s.add(1_019, 1);
      s.add(1_020, 7);
      s.add(1_200, 2);
      expect(s.close(1_019)).to.deep.equal([]);
      expect(s.close(1_080)).to.deep.equal([6, 7]);
      s.add(1_010, 4); // a block timestamped inside an already closed bin
      expect(s.close(1_260)).to.deep.equal([4, 0, 2]);
      const restored = DemandSeries.fromState(s.toState());
      restored.add(1_270, 3);
      expect(restored.close(1_320)).to.deep.equal([3]);
    });

    it("sums the non-negative part of a horizon forecast", function () {
      expect(horizonDemand([1, -2, 3.5, Number.NaN])).to.equal(4.5);
    });
  });

  describe("# demand events", function () {
    it("reads a TaskCreated log's units straight from its data, as the full decoder does", function () {
      const iface = TaskMarket__factory.createInterface();
      for (const [units, cid] of [
        [1, ""],
        [4_294_967_295, "bafy".repeat(40)],
        [7, "x"],
      ] as const) {
        const params = {
          resourceClass: 1,
          mode: 0,
          minReputation: 3,
          units,
          maxPricePerUnit: 5n * E18,
          assignDeadline: 10,
          completionDeadline: 20,
          circuitId: ZeroHash,
          inputCommitment: ZeroHash,
          inputCid: cid,
        };
        const log = iface.encodeEventLog("TaskCreated", [9n, signers[0], 1, 5n * E18, params]);
        expect(iface.parseLog(log)?.args.params.units).to.equal(BigInt(units));
        expect(taskCreatedUnits(log.data)).to.equal(units);
      }
    });

    it("bins event blocks by timestamp with a few block reads (bisection on bin changes)", async function () {
      // block n is stamped 1000 + 7n: bins of 60 s change every 8–9 blocks
      let reads = 0;
      const provider = {
        getBlock: async (n: number) => {
          reads++;
          return { timestamp: 1_000 + 7 * n };
        },
      } as unknown as Provider;
      const clock = new BlockClock(
        { retry: { attempts: 1, baseDelayMs: 0, maxDelayMs: 0 }, logger: silent },
        provider,
      );
      const blocks = Array.from({ length: 200 }, (_, i) => 100 + i);
      const times = await clock.binTimes(blocks, 60);
      for (const b of blocks) {
        expect(Math.floor((times.get(b) as number) / 60), `block ${b}`).to.equal(
          Math.floor((1_000 + 7 * b) / 60),
        );
      }
      expect(reads).to.be.lessThan(blocks.length);
      reads = 0;
      await clock.binTimes(blocks, 60); // every block it read is cached
      expect(reads).to.equal(0);
    });
  });

  describe("# demand models", function () {
    it("averages the last window of observations", function () {
      const m = new MovingAverageForecaster(3);
      m.fit([100, 1, 2, 3]);
      expect(m.predict(2)).to.deep.equal([2, 2]);
      m.fit([4]);
      expect(m.predict(1)).to.deep.equal([4]);
    });

    it("uses the primary model once the history allows it, and the fallback when it fails", function () {
      const f = new FallbackForecaster(new LastValueForecaster(), new MovingAverageForecaster(2));
      f.fit([1, 3]);
      expect(f.active).to.equal("last-value");
      expect(f.predict(1)).to.deep.equal([3]);
      const failing = new FallbackForecaster(new FailingForecaster(), new MovingAverageForecaster(2));
      failing.fit([1]);
      expect(failing.active).to.equal("moving-average(2)");
      failing.fit([1, 3]);
      expect(failing.active).to.equal("moving-average(2)");
      expect(failing.lastError).to.be.instanceOf(ForecastModelError);
      expect(failing.predict(1)).to.deep.equal([2]);
      const unpredictable = new FallbackForecaster(
        new UnpredictableForecaster(),
        new MovingAverageForecaster(2),
      );
      unpredictable.fit([4, 6]);
      expect(unpredictable.active).to.equal("unpredictable");
      expect(unpredictable.predict(2)).to.deep.equal([5, 5]);
      expect(unpredictable.active).to.equal("moving-average(2)");
    });
  });
});
