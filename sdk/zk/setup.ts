/// <reference path="../types/snarkjs.d.ts" />
import { createHash } from "node:crypto";
import { existsSync, promises as fs } from "node:fs";
import path from "node:path";
import { curves, powersOfTau, zKey, type VerificationKey } from "snarkjs";
import type { WeightedSumCircuitConfig } from "./circuitConfig";
import { type CompiledCircuit, compileCircuit } from "./compile";
import { SetupError } from "./errors";
import { verifyHermezPtau } from "./hermezPtau";
import { GENERATED_VERIFIERS_DIR, REPO_ROOT, verifierContractName, zkCacheDir } from "./paths";
import { type ProgressLogger, createProgressLogger } from "./progress";

/**
 * Groth16 setups for the weighted-sum circuit.
 *
 * DEV (default, INSECURE): phase 1 = `powersoftau new` + a *public* beacon + `prepare phase2`; phase 2 =
 * `groth16 setup` + a *public* beacon. Every step is deterministic, so any machine re-derives the same
 * keys and the same verifier from the same circuit — and anybody can compute the toxic waste. Good for CI
 * and local development only; artifacts are labelled INSECURE-DEV.
 *
 * CEREMONY (production): phase 1 = a public Hermez `powersOfTau28_hez_final_NN.ptau` checked against its
 * blake2b-512 hash; phase 2 = `groth16 setup`, one or more secret contributions, then a random beacon
 * (e.g. a future block hash announced in advance). Prints every transcript hash.
 */

export type SetupLabel = "INSECURE-DEV" | "CEREMONY";

export interface Groth16Setup {
  readonly label: SetupLabel;
  readonly circuit: CompiledCircuit;
  readonly dir: string;
  readonly zkeyPath: string;
  readonly vkeyPath: string;
  readonly vkey: VerificationKey;
  readonly ptauPower: number;
  /** Seconds spent creating this setup (0 when reused from the cache). */
  readonly setupSeconds: number;
}

/** Largest phase-1 power the dev setup builds without being asked (2^15 = 32k constraints). */
export const DEV_MAX_POWER = 15;
const DEV_BEACON_ITERATIONS_EXP = 10;

/** Smallest power of two domain snarkjs accepts for a circuit. */
export function requiredPtauPower(circuit: Pick<CompiledCircuit, "constraints" | "publicInputs">): number {
  const needed = circuit.constraints + circuit.publicInputs + 1;
  let power = 8;
  while (2 ** power < needed) power++;
  return power;
}

function devBeacon(label: string): string {
  return createHash("sha256").update(`CloudAI INSECURE dev setup: ${label}`).digest("hex");
}

function hex(bytes: Uint8Array | undefined): string {
  return bytes ? Buffer.from(bytes).toString("hex") : "(none)";
}

/** Builds (or reuses) the deterministic INSECURE dev phase-1 file for 2^power constraints. */
export async function ensureDevPtau(power: number, log: ProgressLogger): Promise<string> {
  const dir = path.join(zkCacheDir(), "ptau");
  const final = path.join(dir, `INSECURE_dev_pot${power}_final.ptau`);
  if (existsSync(final)) return final;
  await fs.mkdir(dir, { recursive: true });
  const tag = `${process.pid}-${Date.now()}`;
  const p0 = path.join(dir, `dev_pot${power}_0000.${tag}.ptau`);
  const p1 = path.join(dir, `dev_pot${power}_beacon.${tag}.ptau`);
  const tmpFinal = `${final}.${tag}`;
  try {
    const curve = await curves.getCurveFromName("bn128");
    await log.step(`powersoftau new bn128 ${power}`, () => powersOfTau.newAccumulator(curve, power, p0, log));
    await log.step(`powersoftau beacon (INSECURE, public)`, () =>
      powersOfTau.beacon(
        p0,
        p1,
        "CloudAI INSECURE dev beacon",
        devBeacon(`ptau ${power}`),
        DEV_BEACON_ITERATIONS_EXP,
        log,
      ),
    );
    await log.step(`powersoftau prepare phase2 (2^${power}; the slow step)`, () =>
      powersOfTau.preparePhase2(p1, tmpFinal, log),
    );
    await fs.rename(tmpFinal, final);
  } finally {
    await Promise.all([p0, p1, tmpFinal].map((f) => fs.rm(f, { force: true })));
  }
  return final;
}

async function loadSetup(dir: string, circuit: CompiledCircuit): Promise<Groth16Setup | undefined> {
  const metaPath = path.join(dir, "setup.json");
  if (!existsSync(metaPath)) return undefined;
  const meta = JSON.parse(await fs.readFile(metaPath, "utf8")) as {
    label: SetupLabel;
    circuitHash: string;
    ptauPower: number;
  };
  if (meta.circuitHash !== circuit.hash) return undefined;
  const vkeyPath = path.join(dir, "verification_key.json");
  return {
    label: meta.label,
    circuit,
    dir,
    zkeyPath: path.join(dir, `${circuit.id}_final.zkey`),
    vkeyPath,
    vkey: JSON.parse(await fs.readFile(vkeyPath, "utf8")) as VerificationKey,
    ptauPower: meta.ptauPower,
    setupSeconds: 0,
  };
}

async function finishSetup(
  dir: string,
  circuit: CompiledCircuit,
  label: SetupLabel,
  ptauPower: number,
  zkeyFinal: string,
  log: ProgressLogger,
  extra: Record<string, unknown>,
  startedAt: number,
): Promise<Groth16Setup> {
  const vkey = await log.step("export verification key", () => zKey.exportVerificationKey(zkeyFinal));
  const vkeyPath = path.join(dir, "verification_key.json");
  await fs.writeFile(vkeyPath, JSON.stringify(vkey, null, 2));
  await fs.writeFile(
    path.join(dir, "setup.json"),
    JSON.stringify(
      { label, circuitHash: circuit.hash, ptauPower, createdAt: new Date().toISOString(), ...extra },
      null,
      2,
    ),
  );
  return {
    label,
    circuit,
    dir,
    zkeyPath: zkeyFinal,
    vkeyPath,
    vkey,
    ptauPower,
    setupSeconds: (Date.now() - startedAt) / 1000,
  };
}

/**
 * Compiles the circuit and returns its INSECURE dev setup, creating it (and the dev phase-1 file) when the
 * cache has none for this circuit hash. Refuses powers above `maxPower` (default 2^15).
 */
export async function ensureDevSetup(
  cfg: WeightedSumCircuitConfig,
  options: { log?: ProgressLogger; maxPower?: number } = {},
): Promise<Groth16Setup> {
  const log = options.log ?? createProgressLogger(cfg.id);
  return ensureDevSetupFor(await compileCircuit(cfg, log), { ...options, log });
}

/** {@link ensureDevSetup} for any compiled circuit. */
export async function ensureDevSetupFor(
  circuit: CompiledCircuit,
  options: { log?: ProgressLogger; maxPower?: number } = {},
): Promise<Groth16Setup> {
  const log = options.log ?? createProgressLogger(circuit.id);
  const dir = path.join(circuit.dir, "dev-setup");
  const cached = await loadSetup(dir, circuit);
  if (cached) return cached;

  const start = Date.now();
  const power = requiredPtauPower(circuit);
  const maxPower = options.maxPower ?? DEV_MAX_POWER;
  if (power > maxPower) {
    throw new SetupError(
      `${circuit.id} needs 2^${power} > 2^${maxPower}; refusing to build such a dev setup here`,
    );
  }
  log.warn(
    `building an INSECURE dev Groth16 setup for ${circuit.id} (deterministic public beacons — never use on mainnet)`,
  );
  const ptau = await ensureDevPtau(power, log);
  const tmp = `${dir}.tmp-${process.pid}`;
  await fs.rm(tmp, { recursive: true, force: true });
  await fs.mkdir(tmp, { recursive: true });
  const z0 = path.join(tmp, `${circuit.id}_0000.zkey`);
  const zFinal = path.join(tmp, `${circuit.id}_final.zkey`);
  await log.step(`groth16 setup (${circuit.constraints} constraints)`, () =>
    zKey.newZKey(circuit.r1csPath, ptau, z0, log),
  );
  await log.step("zkey beacon (INSECURE, public)", () =>
    zKey.beacon(
      z0,
      zFinal,
      "CloudAI INSECURE dev beacon",
      devBeacon(`zkey ${circuit.hash}`),
      DEV_BEACON_ITERATIONS_EXP,
      log,
    ),
  );
  await fs.rm(z0);
  await fs.rm(dir, { recursive: true, force: true });
  await fs.rename(tmp, dir);
  return finishSetup(
    dir,
    circuit,
    "INSECURE-DEV",
    power,
    path.join(dir, `${circuit.id}_final.zkey`),
    log,
    {},
    start,
  );
}

/** A secret phase-2 contribution. */
export interface Contribution {
  readonly name: string;
  /** Secret randomness; mixed by snarkjs with 64 bytes from the OS. */
  readonly entropy: string;
}

/**
 * Production path: phase 1 from a verified Hermez file, then phase-2 contributions and a final beacon.
 * Writes into `<cache>/<id>/<hash>/ceremony-<timestamp>/` and returns the setup; prints transcript hashes.
 */
export async function ceremonySetup(
  cfg: WeightedSumCircuitConfig,
  options: CeremonyOptions & { ptauFile: string },
): Promise<Groth16Setup> {
  const log = options.log ?? createProgressLogger(cfg.id);
  checkCeremonyOptions(options);
  const circuit = await compileCircuit(cfg, log);
  const ptauPower = await log.step(`verify blake2b-512 of ${options.ptauFile}`, () =>
    verifyHermezPtau(options.ptauFile),
  );
  log.info(`phase 1: Hermez powersOfTau28_hez_final_${ptauPower} (hash verified)`);
  return phase2Ceremony(circuit, options.ptauFile, ptauPower, { ...options, log });
}

/** Phase-2 parameters of a ceremony. */
export interface CeremonyOptions {
  readonly contributions: readonly Contribution[];
  /** 32 bytes of hex, unknown before the contributions end (e.g. a future block hash announced in advance). */
  readonly beaconHash: string;
  readonly beaconIterationsExp?: number;
  readonly log?: ProgressLogger;
}

function checkCeremonyOptions(options: CeremonyOptions): void {
  if (options.contributions.length === 0) {
    throw new SetupError("a ceremony needs at least one phase-2 contribution");
  }
  if (!/^[0-9a-fA-F]{64}$/.test(options.beaconHash)) {
    throw new SetupError("the beacon must be 32 bytes of hex (e.g. a block hash announced in advance)");
  }
}

/**
 * Phase 2 of a ceremony on an already-trusted phase-1 file: groth16 setup, contributions, beacon, and a
 * full `zkey verify` against r1cs + ptau. Does NOT check where `ptauFile` comes from — production code goes
 * through {@link ceremonySetup}, which accepts only the hash-verified Hermez files. Exposed to rehearse
 * the procedure (tests run it on the dev phase 1).
 */
export async function phase2Ceremony(
  circuit: CompiledCircuit,
  ptauFile: string,
  ptauPower: number,
  options: CeremonyOptions,
): Promise<Groth16Setup> {
  const log = options.log ?? createProgressLogger(circuit.id);
  checkCeremonyOptions(options);
  const power = requiredPtauPower(circuit);
  if (ptauPower < power)
    throw new SetupError(`${circuit.id} needs 2^${power}; ${ptauFile} has 2^${ptauPower}`);
  const start = Date.now();
  const dir = path.join(circuit.dir, `ceremony-${new Date().toISOString().replace(/[:.]/g, "-")}`);
  await fs.mkdir(dir, { recursive: true });
  let prev = path.join(dir, `${circuit.id}_0000.zkey`);
  await log.step("groth16 setup", () => zKey.newZKey(circuit.r1csPath, ptauFile, prev, log));
  const transcript: { step: string; hash: string }[] = [];
  for (const [i, c] of options.contributions.entries()) {
    const next = path.join(dir, `${circuit.id}_${String(i + 1).padStart(4, "0")}.zkey`);
    const h = await log.step(`phase-2 contribution ${i + 1} (${c.name})`, () =>
      zKey.contribute(prev, next, c.name, c.entropy, log),
    );
    transcript.push({ step: `contribution ${i + 1}: ${c.name}`, hash: hex(h) });
    log.info(`contribution ${i + 1} hash: ${hex(h)}`);
    prev = next;
  }
  const final = path.join(dir, `${circuit.id}_final.zkey`);
  const beaconHashOut = await log.step("final beacon", () =>
    zKey.beacon(
      prev,
      final,
      "CloudAI final beacon",
      options.beaconHash,
      options.beaconIterationsExp ?? 10,
      log,
    ),
  );
  transcript.push({ step: "beacon", hash: hex(beaconHashOut) });
  log.info(`beacon contribution hash: ${hex(beaconHashOut)}`);
  const ok = await log.step("verify final zkey against r1cs + ptau", () =>
    zKey.verifyFromR1cs(circuit.r1csPath, ptauFile, final, log),
  );
  if (!ok) throw new SetupError("the final zkey does not verify against the circuit and phase 1");
  await fs.writeFile(path.join(dir, "transcript.json"), JSON.stringify(transcript, null, 2));
  return finishSetup(dir, circuit, "CEREMONY", ptauPower, final, log, { transcript }, start);
}

/**
 * Exports the Solidity verifier of a setup (snarkjs' Groth16 template) into
 * `contracts/verifiers/generated/<Name>Verifier.sol`, renaming the contract and adding a header.
 */
export async function exportSolidityVerifier(
  setup: Groth16Setup,
  options: { command: string; outDir?: string; log?: ProgressLogger },
): Promise<string> {
  const template = await fs.readFile(
    path.join(REPO_ROOT, "node_modules", "snarkjs", "templates", "verifier_groth16.sol.ejs"),
    "utf8",
  );
  const source = await zKey.exportSolidityVerifier(setup.zkeyPath, { groth16: template });
  const name = verifierContractName(setup.circuit.id);
  if (!source.includes("contract Groth16Verifier {"))
    throw new SetupError("unexpected snarkjs verifier template");
  const label =
    setup.label === "INSECURE-DEV"
      ? "INSECURE DEV SETUP (deterministic public beacons; anybody can forge proofs) — tests and local use only."
      : "Ceremony setup (Hermez phase 1 + phase-2 contributions + beacon).";
  const header =
    `// GENERATED FILE — DO NOT EDIT. Generated by \`${options.command}\`\n` +
    `// (scripts/zk-setup.ts → snarkjs zkey export solidityverifier, snarkjs 0.7.6 template).\n` +
    `// Circuit: ${setup.circuit.id} (${setup.circuit.constraints} constraints, ${setup.vkey.nPublic} public inputs,\n` +
    `// source hash ${setup.circuit.hash.slice(0, 16)}). Public signals: [specCommitment, outputCommitment, taskBinding].\n` +
    `// ${label}\n`;
  const body = source
    .replace("contract Groth16Verifier {", `contract ${name} {`)
    .replace(/^\/\/ SPDX-License-Identifier: GPL-3\.0\n/, "");
  const outDir = options.outDir ?? GENERATED_VERIFIERS_DIR;
  await fs.mkdir(outDir, { recursive: true });
  const file = path.join(outDir, `${name}.sol`);
  await fs.writeFile(file, `// SPDX-License-Identifier: GPL-3.0\n${header}${body}`);
  options.log?.info(`wrote ${path.relative(REPO_ROOT, file)}`);
  return file;
}
