/// <reference path="../../sdk/types/snarkjs.d.ts" />
import { expect } from "chai";
import { createHash } from "node:crypto";
import { groth16 } from "snarkjs";
import { existsSync, promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { BFV_2048, INSECURE_CI, createFheContext } from "../../sdk/fhe";
import {
  GENERATED_VERIFIERS_DIR,
  HERMEZ_PTAU_BLAKE2B,
  MAIN_COMPONENTS_DIR,
  SetupError,
  blake2b512File,
  ceremonySetup,
  compileSource,
  createProgressLogger,
  ensureDevPtau,
  phase2Ceremony,
  ensureDevSetup,
  exportSolidityVerifier,
  hermezPtauUrl,
  releaseZkWorkers,
  renderMainComponent,
  requiredPtauPower,
  verifierContractName,
  verifyHermezPtau,
  weightedSumConfig,
  zkCacheDir,
} from "../../sdk/zk";

describe("sdk/zk setup", function () {
  this.timeout(1_200_000);
  after(() => releaseZkWorkers());

  it("keeps the checked-in main components equal to their rendering", async function () {
    for (const [preset, k] of [
      [INSECURE_CI, 2],
      [BFV_2048, 4],
    ] as const) {
      const cfg = weightedSumConfig((await createFheContext(preset)).params, k);
      const file = path.join(MAIN_COMPONENTS_DIR, `${cfg.id}.circom`);
      expect(await fs.readFile(file, "utf8"), file).to.equal(renderMainComponent(cfg));
    }
  });

  it("sizes the phase-1 domain as the next power of two above constraints + public inputs", function () {
    expect(requiredPtauPower({ constraints: 6916, publicInputs: 3 })).to.equal(13);
    expect(requiredPtauPower({ constraints: 8188, publicInputs: 3 })).to.equal(13);
    expect(requiredPtauPower({ constraints: 8189, publicInputs: 3 })).to.equal(14);
    expect(requiredPtauPower({ constraints: 10, publicInputs: 1 })).to.equal(8);
  });

  it("embeds the Hermez blake2b-512 table (powers 8–28) and official URLs", function () {
    expect(Object.keys(HERMEZ_PTAU_BLAKE2B).map(Number)).to.deep.equal(
      Array.from({ length: 21 }, (_, i) => i + 8),
    );
    for (const h of Object.values(HERMEZ_PTAU_BLAKE2B)) expect(h).to.match(/^[0-9a-f]{128}$/);
    expect(hermezPtauUrl(20)).to.equal(
      "https://storage.googleapis.com/zkevm/ptau/powersOfTau28_hez_final_20.ptau",
    );
    expect(hermezPtauUrl(28)).to.match(/powersOfTau28_hez_final\.ptau$/);
  });

  it("refuses a phase-1 file whose blake2b-512 is not in the Hermez table", async function () {
    const fake = path.join(os.tmpdir(), `fake-${process.pid}.ptau`);
    await fs.writeFile(fake, "not a ptau");
    const digest = await blake2b512File(fake);
    expect(digest).to.have.length(128);
    let caught: unknown;
    try {
      await verifyHermezPtau(fake, 13);
    } catch (err) {
      caught = err;
    }
    expect(caught).to.be.instanceOf(SetupError);
    expect((caught as Error).message)
      .to.contain(digest)
      .and.to.contain(HERMEZ_PTAU_BLAKE2B[13]);
  });

  it("rehearses phase 2 (setup → 2 contributions → beacon → zkey verify) and proves with the result", async function () {
    const src =
      "pragma circom 2.1.0;\n" +
      "template Sq() { signal input x; signal input y; signal output z; z <== x * y; }\n" +
      "component main {public [x]} = Sq();\n";
    const circuit = await compileSource(
      "rehearsal_sq",
      src,
      createHash("sha256").update(src).digest("hex"),
      createProgressLogger("rehearsal", { silent: true }),
    );
    const ptau = await ensureDevPtau(8, createProgressLogger("rehearsal", { silent: true }));
    const setup = await phase2Ceremony(circuit, ptau, 8, {
      contributions: [
        { name: "alice", entropy: "alice's secret" },
        { name: "bob", entropy: "bob's secret" },
      ],
      beaconHash: "ab".repeat(32),
      log: createProgressLogger("rehearsal", { silent: true }),
    });
    expect(setup.label).to.equal("CEREMONY");
    const transcript = JSON.parse(await fs.readFile(path.join(setup.dir, "transcript.json"), "utf8")) as {
      hash: string;
    }[];
    expect(transcript).to.have.length(3);
    for (const t of transcript) expect(t.hash).to.match(/^[0-9a-f]{128}$/);
    const { proof, publicSignals } = await groth16.fullProve(
      { x: "3", y: "5" },
      circuit.wasmPath,
      setup.zkeyPath,
    );
    expect(publicSignals).to.deep.equal(["15", "3"]);
    expect(await groth16.verify(setup.vkey, publicSignals, proof)).to.equal(true);
    expect(await groth16.verify(setup.vkey, ["16", "3"], proof)).to.equal(false);
  });

  it("refuses a ceremony without contributions or with a malformed beacon", async function () {
    const circuit = { id: "x", constraints: 1, publicInputs: 1 } as unknown as Parameters<
      typeof phase2Ceremony
    >[0];
    for (const [contributions, beaconHash, re] of [
      [[], "ab".repeat(32), /at least one/],
      [[{ name: "a", entropy: "b" }], "xyz", /32 bytes of hex/],
    ] as const) {
      let caught: unknown;
      try {
        await phase2Ceremony(circuit, "unused.ptau", 8, { contributions, beaconHash });
      } catch (err) {
        caught = err;
      }
      expect(caught).to.be.instanceOf(SetupError);
      expect((caught as Error).message).to.match(re);
    }
  });

  it("keeps contracts/verifiers/generated in sync with the (deterministic) dev setup", async function () {
    const cfg = weightedSumConfig((await createFheContext(INSECURE_CI)).params, 2);
    const setup = await ensureDevSetup(cfg);
    const dir = path.join(os.tmpdir(), `cloudai-gen-${process.pid}`);
    const fresh = await exportSolidityVerifier(setup, { command: "test", outDir: dir });
    const checkedIn = path.join(GENERATED_VERIFIERS_DIR, `${verifierContractName(cfg.id)}.sol`);
    const body = async (f: string) =>
      (await fs.readFile(f, "utf8"))
        .split("\n")
        .filter((l) => !l.startsWith("// GENERATED FILE"))
        .join("\n");
    expect(await body(fresh), "re-run `npx ts-node scripts/zk-setup.ts`").to.equal(await body(checkedIn));
  });
  it("refuses a ceremony started from the INSECURE dev phase-1 file", async function () {
    const cfg = weightedSumConfig((await createFheContext(INSECURE_CI)).params, 2);
    const devPtau = path.join(zkCacheDir(), "ptau", "INSECURE_dev_pot13_final.ptau");
    expect(existsSync(devPtau), "built by the previous test").to.equal(true);
    let caught: unknown;
    try {
      await ceremonySetup(cfg, {
        ptauFile: devPtau,
        contributions: [{ name: "alice", entropy: "x" }],
        beaconHash: "00".repeat(32),
      });
    } catch (err) {
      caught = err;
    }
    expect(caught).to.be.instanceOf(SetupError);
    expect((caught as Error).message).to.match(/not a known Hermez/);
  });
});
