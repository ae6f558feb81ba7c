import { expect } from "chai";
import {
  BFV_4096,
  CiphertextFormatError,
  INSECURE_CI,
  createFheContext,
  decryptVector,
  disposeKeyPair,
  encryptVector,
  generateKeyPair,
  loadCiphertext,
  parseCiphertext,
  serializeCiphertext,
  serializedCiphertextSize,
  type CiphertextFormatErrorCode,
  type CiphertextShape,
  type FheContext,
  type FheKeyPair,
} from "../../sdk/fhe";

describe("sdk/fhe ciphertext format", function () {
  let ctx: FheContext;
  let keys: FheKeyPair;
  let bytes: Uint8Array;
  let shape: CiphertextShape;

  before(async function () {
    ctx = await createFheContext(INSECURE_CI);
    keys = generateKeyPair(ctx);
    bytes = encryptVector(ctx, keys.publicKey, [1n, 2n, 3n, 4n]);
    shape = { n: ctx.params.n, primes: ctx.params.primes, parmsId: ctx.params.parmsId };
  });
  after(() => disposeKeyPair(keys));

  /** Copy of the ciphertext with a mutation applied through a DataView. */
  function mutate(fn: (v: DataView, b: Uint8Array) => void, base: Uint8Array = bytes): Uint8Array {
    const copy = Uint8Array.from(base);
    fn(new DataView(copy.buffer), copy);
    return copy;
  }

  function expectCode(input: Uint8Array, code: CiphertextFormatErrorCode, s: CiphertextShape = shape): void {
    let caught: unknown;
    try {
      parseCiphertext(input, s);
    } catch (err) {
      caught = err;
    }
    expect(caught, `expected ${code}`).to.be.instanceOf(CiphertextFormatError);
    expect((caught as CiphertextFormatError).code).to.equal(code);
    expect((caught as Error).message).to.match(new RegExp(`^${code}: .+`));
  }

  describe("# parseCiphertext", function () {
    it("reads SEAL's layout: 2 polynomials × 1 prime × 32 coefficients, all below q", function () {
      const ct = parseCiphertext(bytes, shape);
      expect(bytes.length)
        .to.equal(serializedCiphertextSize(2, 1, 32))
        .and.to.equal(625);
      expect([ct.polyCount, ct.primeCount, ct.n]).to.deep.equal([2, 1, 32]);
      expect(ct.scale).to.equal(1);
      expect(ct.parmsId).to.deep.equal(ctx.params.parmsId);
      expect(ct.coeffs.flat(2).every((c) => c < ctx.params.primes[0])).to.equal(true);
    });

    it("round-trips bit-exactly", function () {
      expect(
        Buffer.from(serializeCiphertext(parseCiphertext(bytes, shape))).equals(Buffer.from(bytes)),
      ).to.equal(true);
    });

    it("round-trips a two-prime BFV_4096 ciphertext bit-exactly", async function () {
      const big = await createFheContext(BFV_4096);
      const k = generateKeyPair(big);
      const b = encryptVector(big, k.publicKey, [7n]);
      const s = { n: 4096, primes: big.params.primes, parmsId: big.params.parmsId };
      const ct = parseCiphertext(b, s);
      expect([ct.polyCount, ct.primeCount, ct.n]).to.deep.equal([2, 2, 4096]);
      expect(Buffer.from(serializeCiphertext(ct)).equals(Buffer.from(b))).to.equal(true);
      disposeKeyPair(k);
    });

    it("writes modified coefficients that SEAL loads (a +1 change of c0[0] is absorbed as noise)", function () {
      const ct = parseCiphertext(bytes, shape);
      const q = ctx.params.primes[0];
      const coeffs = ct.coeffs.map((p) => p.map((r) => [...r]));
      coeffs[0][0][0] = (coeffs[0][0][0] + 1n) % q; // tiny noise change: still decrypts the same
      const changed = serializeCiphertext(ct, coeffs, ctx.params.primes);
      expect(Buffer.from(changed).equals(Buffer.from(bytes))).to.equal(false);
      expect(decryptVector(ctx, keys.secretKey, changed).slice(0, 4)).to.deep.equal([1n, 2n, 3n, 4n]);
    });
  });

  describe("# errors", function () {
    it("BAD_MAGIC on a wrong magic number", function () {
      expectCode(
        mutate((v) => v.setUint16(0, 0xbeef, true)),
        "BAD_MAGIC",
      );
      expectCode(new Uint8Array([1, 2, 3, 4]), "BAD_MAGIC");
    });
    it("BAD_HEADER on a wrong header size or non-zero reserved bytes", function () {
      expectCode(
        mutate((v) => v.setUint8(2, 17)),
        "BAD_HEADER",
      );
      expectCode(
        mutate((v) => v.setUint16(6, 1, true)),
        "BAD_HEADER",
      );
    });
    it("UNSUPPORTED_VERSION on a SEAL 3.x header", function () {
      expectCode(
        mutate((v) => v.setUint8(3, 3)),
        "UNSUPPORTED_VERSION",
      );
    });
    it("COMPRESSED on zstd/zlib ciphertexts", async function () {
      const ct = loadCiphertext(ctx, bytes);
      const zstd = ct.saveArray(ctx.seal.ComprModeType.zstd);
      ct.delete();
      expectCode(zstd, "COMPRESSED");
    });
    it("TRUNCATED / SIZE_MISMATCH on short input", function () {
      expectCode(bytes.slice(0, 50), "TRUNCATED");
      expectCode(bytes.slice(0, bytes.length - 8), "SIZE_MISMATCH");
    });
    it("TRAILING_BYTES when bytes follow the ciphertext", function () {
      const longer = new Uint8Array(bytes.length + 3);
      longer.set(bytes);
      expectCode(longer, "TRAILING_BYTES");
    });
    it("NTT_FORM when the NTT flag is set", function () {
      expectCode(
        mutate((v) => v.setUint8(48, 1)),
        "NTT_FORM",
      );
    });
    it("WRONG_POLY_COUNT for a 3-polynomial (unrelinearized) ciphertext", function () {
      expectCode(
        mutate((v) => v.setBigUint64(49, 3n, true)),
        "WRONG_POLY_COUNT",
      );
    });
    it("WRONG_DEGREE when N differs from the parameters", function () {
      expectCode(bytes, "WRONG_DEGREE", { ...shape, n: 64 });
    });
    it("WRONG_RNS_COUNT when the RNS count differs", function () {
      expectCode(
        mutate((v) => v.setBigUint64(65, 2n, true)),
        "WRONG_RNS_COUNT",
      );
      expectCode(bytes, "WRONG_RNS_COUNT", { ...shape, primes: [...shape.primes, 97n] });
    });
    it("WRONG_PARMS_ID when the parms_id is another parameter set's", function () {
      expectCode(
        mutate((v) => v.setBigUint64(16, v.getBigUint64(16, true) ^ 1n, true)),
        "WRONG_PARMS_ID",
      );
    });
    it("WRONG_DATA_LENGTH when the nested array count disagrees", function () {
      expectCode(
        mutate((v) => v.setBigUint64(89 + 16, 63n, true)),
        "WRONG_DATA_LENGTH",
      );
    });
    it("SIZE_MISMATCH when the nested array header declares another size", function () {
      expectCode(
        mutate((v) => v.setBigUint64(89 + 8, 999n, true)),
        "SIZE_MISMATCH",
      );
    });
    it("COEFF_OUT_OF_RANGE for a coefficient ≥ q (also refused by SEAL)", function () {
      const q = ctx.params.primes[0];
      const bad = mutate((v) => v.setBigUint64(113 + 8 * 5, v.getBigUint64(113 + 8 * 5, true) + q, true));
      expectCode(bad, "COEFF_OUT_OF_RANGE");
      expect(() => loadCiphertext(ctx, bad)).to.throw(CiphertextFormatError, /SEAL refused/);
    });
    it("COEFF_OUT_OF_RANGE / BAD_SHAPE when serializing bad coefficient arrays", function () {
      const ct = parseCiphertext(bytes, shape);
      const q = ctx.params.primes[0];
      const tooBig = ct.coeffs.map((p) => p.map((r) => r.map((c, k) => (k === 0 ? c + q : c))));
      expect(() => serializeCiphertext(ct, tooBig, ctx.params.primes)).to.throw(
        CiphertextFormatError,
        /COEFF_OUT_OF_RANGE/,
      );
      expect(() => serializeCiphertext(ct, [ct.coeffs[0]])).to.throw(CiphertextFormatError, /BAD_SHAPE/);
    });
  });
});
