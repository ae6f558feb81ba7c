import { expect } from "chai";
import {
  BFV_2048,
  BFV_4096,
  FheEncodingError,
  FheError,
  FheParameterError,
  FheWeightError,
  INSECURE_CI,
  createFheContext,
  decryptVector,
  deserializePublicKey,
  deserializeSecretKey,
  disposeKeyPair,
  encryptVector,
  generateKeyPair,
  getPreset,
  liftPlainCoefficient,
  noiseBudget,
  parseCiphertext,
  serializePublicKey,
  serializeSecretKey,
  weightedSum,
  weightedSumReference,
  type FheContext,
  type FheKeyPair,
  type FhePreset,
} from "../../sdk/fhe";

function randomVector(n: number, t: bigint, seed: number): bigint[] {
  // Small deterministic LCG so failures are reproducible.
  let x = BigInt(seed);
  return Array.from({ length: n }, () => {
    x = (x * 6364136223846793005n + 1442695040888963407n) % (1n << 64n);
    return (x >> 20n) % t;
  });
}

describe("sdk/fhe", function () {
  this.timeout(120_000);

  describe("# presets", function () {
    it("instantiates INSECURE_CI as N=32, one 40-bit prime, t=3457, flagged insecure", async function () {
      const { params } = await createFheContext(INSECURE_CI);
      expect(params.n).to.equal(32);
      expect(params.primes).to.deep.equal([0xfffffff941n]);
      expect(params.plainModulus).to.equal(3457n);
      expect(params.insecure).to.equal(true);
      expect(params.fastPlainLift).to.equal(true);
      expect(INSECURE_CI.name).to.match(/INSECURE/);
    });

    it("instantiates BFV_2048 with SEAL's 128-bit default: one 54-bit prime", async function () {
      const { params } = await createFheContext(BFV_2048);
      expect(params.primes).to.deep.equal([0x3fffffff000001n]);
      expect(params.plainModulus < 1n << 17n && params.plainModulus > 1n << 16n).to.equal(true);
      expect(params.insecure).to.equal(false);
    });

    it("instantiates BFV_4096 with two 36-bit ciphertext primes (the special prime excluded)", async function () {
      const { params } = await createFheContext(BFV_4096);
      expect(params.primes).to.deep.equal([0xffffee001n, 0xffffc4001n]);
      expect(params.fastPlainLift).to.equal(true);
    });

    it("rejects unknown preset names with FheParameterError", function () {
      expect(() => getPreset("BFV_1024")).to.throw(FheParameterError, /unknown FHE preset/);
    });
  });

  describe("# keys", function () {
    it("round-trips public and secret keys through serialization", async function () {
      const ctx = await createFheContext(INSECURE_CI);
      const keys = generateKeyPair(ctx);
      const pk = deserializePublicKey(ctx, serializePublicKey(ctx, keys.publicKey));
      const sk = deserializeSecretKey(ctx, serializeSecretKey(ctx, keys.secretKey));
      const ct = encryptVector(ctx, pk, [1n, 2n, 3n]);
      expect(decryptVector(ctx, sk, ct).slice(0, 4)).to.deep.equal([1n, 2n, 3n, 0n]);
      pk.delete();
      sk.delete();
      disposeKeyPair(keys);
    });

    it("rejects garbage key bytes with FheError", async function () {
      const ctx = await createFheContext(INSECURE_CI);
      expect(() => deserializePublicKey(ctx, new Uint8Array([1, 2, 3]))).to.throw(
        FheError,
        /invalid public key/,
      );
      expect(() => deserializeSecretKey(ctx, new Uint8Array(40))).to.throw(FheError, /invalid secret key/);
    });
  });

  for (const [preset, k] of [
    [INSECURE_CI, 2],
    [INSECURE_CI, 4],
    [BFV_2048, 4],
    [BFV_4096, 4],
  ] as [FhePreset, number][]) {
    describe(`# weightedSum at ${preset.name}, K=${k}`, function () {
      let ctx: FheContext;
      let keys: FheKeyPair;
      let xs: bigint[][];
      let ws: bigint[];
      let cts: Uint8Array[];
      let out: Uint8Array;

      before(async function () {
        ctx = await createFheContext(preset);
        keys = generateKeyPair(ctx);
        const t = ctx.params.plainModulus;
        xs = Array.from({ length: k }, (_, i) => randomVector(ctx.params.n, t, 11 + i));
        // Worst-case-ish weights: close to t, plus a zero and a weight ≥ t (reduced mod t).
        ws = randomVector(k, t, 99);
        ws[0] = t - 1n;
        if (k > 2) ws[1] = 0n;
        if (k > 3) ws[2] = t + 5n;
        cts = xs.map((x) => encryptVector(ctx, keys.publicKey, x));
        out = weightedSum(ctx, cts, ws);
      });
      after(() => disposeKeyPair(keys));

      it("decrypts to Σ w_i·x_i mod t in every slot", function () {
        const t = ctx.params.plainModulus;
        const expected = xs[0].map((_, s) => xs.reduce((acc, x, i) => acc + (ws[i] % t) * x[s], 0n) % t);
        expect(decryptVector(ctx, keys.secretKey, out)).to.deep.equal(expected);
        expect(noiseBudget(ctx, keys.secretKey, out)).to.be.greaterThan(0);
      });

      it("matches the coefficient-level reference model (plain-lift rule) bit for bit", function () {
        const shape = { n: ctx.params.n, primes: ctx.params.primes, parmsId: ctx.params.parmsId };
        const inputs = cts.map((c) => parseCiphertext(c, shape).coeffs);
        const got = parseCiphertext(out, shape).coeffs;
        expect(got).to.deep.equal(weightedSumReference(ctx.params, inputs, ws));
      });
    });
  }

  describe("# plain-lift reference model", function () {
    it("uses the coefficient as is under fast plain lift", function () {
      expect(liftPlainCoefficient(3000n, 3457n, 97n, true)).to.equal(3000n);
    });
    it("lifts upper-half coefficients by q − t otherwise (SEAL's rule)", function () {
      // t = 17, q = 13 (q < t): 8 < (t+1)/2 = 9 stays, 9 becomes 9 + 13 − 17 = 5 ≡ −8 (mod 13).
      expect(liftPlainCoefficient(8n, 17n, 13n, false)).to.equal(8n);
      expect(liftPlainCoefficient(9n, 17n, 13n, false)).to.equal(5n);
    });
    it("matches SEAL when some q_j < t (no fast plain lift): upper-half weights are lifted", async function () {
      // A custom INSECURE preset with two 30-bit primes and a 31-bit t, so SEAL takes the lifting path.
      const ctx = await createFheContext({
        ...INSECURE_CI,
        name: "TEST_SLOW_LIFT",
        coeffModulus: { kind: "create", bitSizes: [30, 30] },
        plainModulusBits: 31,
      });
      expect(ctx.params.fastPlainLift).to.equal(false);
      const t = ctx.params.plainModulus;
      const keys = generateKeyPair(ctx);
      const xs = [randomVector(32, t, 5), randomVector(32, t, 6)];
      const ws = [t - 3n, 2n]; // t − 3 is in the upper half: lifted to q_j − 3
      const cts = xs.map((x) => encryptVector(ctx, keys.publicKey, x));
      const out = weightedSum(ctx, cts, ws);
      const shape = { n: 32, primes: ctx.params.primes };
      const inputs = cts.map((c) => parseCiphertext(c, shape).coeffs);
      expect(parseCiphertext(out, shape).coeffs).to.deep.equal(weightedSumReference(ctx.params, inputs, ws));
      const expected = xs[0].map((x0, s) => ((t - 3n) * x0 + 2n * xs[1][s]) % t);
      expect(decryptVector(ctx, keys.secretKey, out)).to.deep.equal(expected);
      disposeKeyPair(keys);
    });

    it("rejects coefficients outside [0, t)", function () {
      expect(() => liftPlainCoefficient(17n, 17n, 13n, false)).to.throw(FheWeightError);
    });
  });

  describe("# input validation", function () {
    let ctx: FheContext;
    let keys: FheKeyPair;
    let ct: Uint8Array;
    before(async function () {
      ctx = await createFheContext(INSECURE_CI);
      keys = generateKeyPair(ctx);
      ct = encryptVector(ctx, keys.publicKey, [5n]);
    });
    after(() => disposeKeyPair(keys));

    it("rejects negative weights", function () {
      expect(() => weightedSum(ctx, [ct], [-1n])).to.throw(FheWeightError, /negative/);
    });
    it("rejects weights that are all ≡ 0 mod t", function () {
      expect(() => weightedSum(ctx, [ct, ct], [0n, ctx.params.plainModulus])).to.throw(
        FheWeightError,
        /transparent/,
      );
    });
    it("rejects a weight count that differs from the ciphertext count", function () {
      expect(() => weightedSum(ctx, [ct], [1n, 2n])).to.throw(FheWeightError, /1 ciphertexts but 2 weights/);
    });
    it("rejects values outside [0, t) and vectors longer than N", function () {
      expect(() => encryptVector(ctx, keys.publicKey, [ctx.params.plainModulus])).to.throw(FheEncodingError);
      expect(() => encryptVector(ctx, keys.publicKey, new Array<bigint>(33).fill(0n))).to.throw(
        FheEncodingError,
        /slots/,
      );
    });
  });
});
