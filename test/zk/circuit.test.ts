import { expect } from "chai";
import type { Poseidon } from "circomlibjs";
import {
  INSECURE_CI,
  BFV_2048,
  BFV_4096,
  createFheContext,
  disposeKeyPair,
  encryptVector,
  generateKeyPair,
  weightedSum,
} from "../../sdk/fhe";
import type { FheContext } from "../../sdk/fhe";
import {
  type WeightedSumCircuitConfig,
  type WeightedSumCircuitInput,
  type WeightedSumJob,
  buildWitnessInput,
  compileCircuit,
  estimateConstraints,
  loadPoseidon,
  packCoefficients,
  poseidonSponge,
  tagCiphertext,
  tagInputs,
  tagWeights,
  TAG_SPEC,
  weightedSumConfig,
} from "../../sdk/zk";
import { FIELD, compileTestCircuit, fieldInverse, tryWitness, witnessWire } from "./helpers";

const PROVIDER = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";

describe("circuits/weighted_sum.circom (witness-level soundness)", function () {
  this.timeout(300_000);

  describe("# BelowModulus", function () {
    for (const [label, q] of [
      ["INSECURE_CI prime (low bits of q−1 not all zero)", 0xfffffff941n],
      ["BFV_2048 prime 2^54 − 2^24 + 1 (low bits of q−1 all zero)", 0x3fffffff000001n],
      ["BFV_4096 prime", 0xffffee001n],
    ] as const) {
      it(`accepts exactly [0, q) for the ${label}`, async function () {
        const src = `pragma circom 2.1.0;\ninclude "lib/range.circom";\ncomponent main = BelowModulus(${q});\n`;
        const { wasmPath } = await compileTestCircuit("below_modulus", src);
        const bits = BigInt(q.toString(2).length);
        const accept = [0n, 1n, q - 1n, (1n << bits) - (1n << BigInt((2n ** bits - q).toString(2).length))];
        const reject = [q, q + 1n, (1n << bits) - 1n, 1n << bits, FIELD - 1n, FIELD - q];
        for (const v of accept)
          expect((await tryWitness(wasmPath, { in: v.toString() })).ok, `accept ${v}`).to.equal(true);
        for (const v of reject)
          expect((await tryWitness(wasmPath, { in: v.toString() })).ok, `reject ${v}`).to.equal(false);
      });
    }
  });

  describe("# PoseidonSponge vs sdk/zk/commitment.ts", function () {
    it("computes the same hash as poseidonSponge for 1, 16, 17 and 40 elements", async function () {
      const poseidon = await loadPoseidon();
      for (const len of [1, 16, 17, 40]) {
        const tag = 1234567n + BigInt(len);
        const src = `pragma circom 2.1.0;\ninclude "lib/sponge.circom";\ncomponent main = PoseidonSponge(${len}, ${tag});\n`;
        const { wasmPath } = await compileTestCircuit(`sponge_${len}`, src);
        const values = Array.from(
          { length: len },
          (_, i) => (BigInt(i + 1) * 0x1234567890abcdefn) ** 3n % FIELD,
        );
        const res = await tryWitness(wasmPath, { in: values.map(String) });
        if (!res.ok) throw new Error(res.error);
        expect(witnessWire(res.witness, 1)).to.equal(poseidonSponge(poseidon, tag, values));
      }
    });
  });

  describe("# WeightedSum at INSECURE_CI, K=2", function () {
    let ctx: FheContext;
    let cfg: WeightedSumCircuitConfig;
    let wasmPath: string;
    let poseidon: Poseidon;
    let job: WeightedSumJob;
    let valid: WeightedSumCircuitInput;

    before(async function () {
      ctx = await createFheContext(INSECURE_CI);
      cfg = weightedSumConfig(ctx.params, 2);
      wasmPath = (await compileCircuit(cfg)).wasmPath;
      poseidon = await loadPoseidon();
      const keys = generateKeyPair(ctx);
      const t = ctx.params.plainModulus;
      const inputs = [
        encryptVector(
          ctx,
          keys.publicKey,
          Array.from({ length: 32 }, (_, i) => BigInt(i * 97) % t),
        ),
        encryptVector(
          ctx,
          keys.publicKey,
          Array.from({ length: 32 }, (_, i) => BigInt(3000 - i)),
        ),
      ];
      const weights = [t - 1n, 1234n];
      job = { inputs, weights, output: weightedSum(ctx, inputs, weights), taskId: 42n, provider: PROVIDER };
      disposeKeyPair(keys);
      valid = buildWitnessInput(ctx.params, cfg, poseidon, job).input;
    });

    const clone = (x: WeightedSumCircuitInput): WeightedSumCircuitInput =>
      JSON.parse(JSON.stringify(x)) as WeightedSumCircuitInput;
    const q = () => cfg.primes[0];

    /** Output commitment recomputed for (possibly tampered) `out`, so only the check under test can fail. */
    function withOutputCommitment(x: WeightedSumCircuitInput): WeightedSumCircuitInput {
      const packed = packCoefficients(cfg, x.out.map(BigInt));
      x.outputCommitment = poseidonSponge(poseidon, tagCiphertext(cfg), packed).toString();
      return x;
    }
    /** Spec commitment recomputed from (possibly tampered) packed inputs and raw weights. */
    function withSpecCommitment(x: WeightedSumCircuitInput): WeightedSumCircuitInput {
      const cts = x.inputs.map((p) => poseidonSponge(poseidon, tagCiphertext(cfg), p.map(BigInt)));
      const inputsC = poseidonSponge(poseidon, tagInputs(cfg.k), cts);
      const weightsC = poseidonSponge(poseidon, tagWeights(cfg.k, cfg.plainModulus), x.weights.map(BigInt));
      x.specCommitment = poseidonSponge(poseidon, TAG_SPEC, [inputsC, weightsC]).toString();
      return x;
    }
    /** Output and quotients recomputed for the current weights/inputs: out = A mod q, quot = A div q. */
    function withRelation(x: WeightedSumCircuitInput, flatInputs: bigint[][]): WeightedSumCircuitInput {
      const acc = x.out.map((_, f) =>
        flatInputs.reduce((sum, inp, i) => sum + BigInt(x.weights[i]) * inp[f], 0n),
      );
      x.out = acc.map((a) => (a % q()).toString());
      x.quot = acc.map((a) => (a / q()).toString());
      return x;
    }
    function unpack(packed: string[]): bigint[] {
      const flat: bigint[] = [];
      const mask = (1n << BigInt(cfg.slotBits)) - 1n;
      for (const e of packed) {
        let v = BigInt(e);
        for (let l = 0; l < cfg.slotsPerElement && flat.length < cfg.rows; l++, v >>= BigInt(cfg.slotBits))
          flat.push(v & mask);
      }
      return flat;
    }

    async function expectRejected(x: WeightedSumCircuitInput, where?: RegExp): Promise<void> {
      const res = await tryWitness(wasmPath, x);
      expect(res.ok, "witness generation should fail").to.equal(false);
      if (!res.ok && where) expect(res.error).to.match(where);
    }

    it("has the expected size: < 2^13 constraints, ≈ 100 per output coefficient", async function () {
      const c = await compileCircuit(cfg);
      expect(c.publicInputs).to.equal(3);
      expect(c.constraints).to.be.lessThan(2 ** 13 - 4);
      expect(c.constraints / cfg.rows).to.be.lessThan(110);
      // The gadget-level model (used for presets too large to compile here) is within 0.5 %.
      expect(Math.abs(estimateConstraints(cfg) - c.constraints) / c.constraints).to.be.lessThan(0.005);
    });

    it("accepts the honest witness and exposes the TS statement as its public signals", async function () {
      const res = await tryWitness(wasmPath, valid);
      if (!res.ok) throw new Error(res.error);
      expect([1, 2, 3].map((i) => witnessWire(res.witness, i).toString())).to.deep.equal([
        valid.specCommitment,
        valid.outputCommitment,
        valid.taskBinding,
      ]);
    });

    it("rejects a tampered output coefficient (out + 1, same quotient)", async function () {
      const x = clone(valid);
      x.out[5] = ((BigInt(x.out[5]) + 1n) % q()).toString();
      await expectRejected(withOutputCommitment(x), /WeightedSum/);
    });

    it("rejects a wrong quotient (quot + 1)", async function () {
      const x = clone(valid);
      x.quot[7] = (BigInt(x.quot[7]) + 1n).toString();
      await expectRejected(x, /WeightedSum/);
    });

    it("rejects an unbounded quotient that balances a wrong output in the field (quot − q⁻¹ mod p)", async function () {
      const x = clone(valid);
      x.out[9] = ((BigInt(x.out[9]) + 1n) % q()).toString();
      x.quot[9] = ((BigInt(x.quot[9]) - fieldInverse(q()) + FIELD) % FIELD).toString();
      const res = await tryWitness(wasmPath, withOutputCommitment(x));
      expect(res.ok).to.equal(false);
      // Caught by the quotient's own Num2Bits, not by the output range check.
      if (!res.ok)
        expect(res.error)
          .to.match(/Num2Bits/)
          .and.not.match(/BelowModulus|BelowConstant/);
    });

    it("rejects an output coefficient ≥ q (out + q with quot − 1)", async function () {
      const x = clone(valid);
      const f = x.quot.findIndex((v) => BigInt(v) > 0n);
      x.out[f] = (BigInt(x.out[f]) + q()).toString();
      x.quot[f] = (BigInt(x.quot[f]) - 1n).toString();
      await expectRejected(withOutputCommitment(x), /BelowModulus/);
    });

    it("rejects an unreduced weight w + t even when output, quotients and commitments are consistent with it", async function () {
      const x = clone(valid);
      x.weights[1] = (BigInt(x.weights[1]) + cfg.plainModulus).toString();
      withRelation(x, x.inputs.map(unpack));
      expect(x.out).to.not.deep.equal(valid.out, "SEAL multiplies by w mod t, so this output is not SEAL's");
      await expectRejected(withSpecCommitment(withOutputCommitment(x)), /BelowConstant/);
    });

    it("rejects a negative (unlifted) weight −a given as the field element p − a", async function () {
      const x = clone(valid);
      x.weights[1] = (FIELD - (cfg.plainModulus - BigInt(x.weights[1]))).toString(); // ≡ w − t
      await expectRejected(withSpecCommitment(x), /BelowConstant/);
    });

    it("rejects two swapped coefficients of an input against the task's spec commitment", async function () {
      const x = clone(valid);
      const flat = unpack(x.inputs[0]);
      [flat[3], flat[4]] = [flat[4], flat[3]];
      expect(flat[3]).to.not.equal(flat[4]);
      x.inputs[0] = packCoefficients(cfg, flat).map(String);
      await expectRejected(x, /WeightedSum/);
    });

    it("rejects swapped coefficients even with a re-committed spec (the relation breaks)", async function () {
      const x = clone(valid);
      const flat = unpack(x.inputs[0]);
      [flat[3], flat[4]] = [flat[4], flat[3]];
      x.inputs[0] = packCoefficients(cfg, flat).map(String);
      await expectRejected(withSpecCommitment(x), /WeightedSum/);
    });

    it("rejects swapped inputs (a consistent witness for in_1, in_0) against the task's spec commitment", async function () {
      const swapped = buildWitnessInput(ctx.params, cfg, poseidon, {
        ...job,
        inputs: [job.inputs[1], job.inputs[0]],
        output: weightedSum(ctx, [job.inputs[1], job.inputs[0]], job.weights),
      }).input;
      expect((await tryWitness(wasmPath, swapped)).ok, "the swapped job is self-consistent").to.equal(true);
      swapped.specCommitment = valid.specCommitment;
      await expectRejected(swapped, /WeightedSum/);
    });

    it("rejects changed weights against the task's spec commitment", async function () {
      const t = cfg.plainModulus;
      const other = [1n, 2n];
      const changed = buildWitnessInput(ctx.params, cfg, poseidon, {
        ...job,
        weights: other,
        output: weightedSum(ctx, job.inputs, other),
      }).input;
      expect(BigInt(changed.weights[0]) < t).to.equal(true);
      changed.specCommitment = valid.specCommitment;
      await expectRejected(changed, /WeightedSum/);
    });
  });

  describe("# secure presets (compile only)", function () {
    it("builds the BFV_2048 K=4 and BFV_4096 K=4 configurations without slot overflow", async function () {
      const c2048 = weightedSumConfig((await createFheContext(BFV_2048)).params, 4);
      expect([c2048.slotsPerElement, c2048.slotBits, c2048.quotientBits]).to.deep.equal([3, 84, 19]);
      const c4096 = weightedSumConfig((await createFheContext(BFV_4096)).params, 4);
      expect([c4096.slotsPerElement, c4096.slotBits, c4096.rows]).to.deep.equal([4, 63, 2 * 2 * 4096]);
      console.log(
        `      model: BFV_2048 K=4 ≈ ${estimateConstraints(c2048)}, BFV_4096 K=4 ≈ ${estimateConstraints(c4096)} constraints`,
      );
    });
  });
});
