/**
 * Compiles the weighted-sum circuit and runs its Groth16 setup; exports the Solidity verifier.
 *
 *   npx ts-node scripts/zk-setup.ts                          # INSECURE dev setup, INSECURE_CI preset, K = 2
 *   npx ts-node scripts/zk-setup.ts --preset BFV_2048 --k 4 --compile-only
 *   npx ts-node scripts/zk-setup.ts --preset INSECURE_CI --k 2 --render-only   # rewrite circuits/main/*.circom
 *
 * Production ceremony (phase 1 = public Hermez file, verified by blake2b-512; refuses any other file):
 *
 *   npx ts-node scripts/zk-setup.ts --preset BFV_2048 --k 4 \
 *     --ptau powersOfTau28_hez_final_20.ptau \
 *     --contribution "alice" --contribution "bob" \
 *     --beacon <32-byte hex, e.g. the hash of a future block announced in advance>
 *
 * Each contributor's entropy is read from CLOUDAI_ZK_ENTROPY_<i> (1-based) or drawn from the OS; in a
 * real ceremony each contributor runs `snarkjs zkey contribute` on their own machine and passes the file
 * on — this flag exists to rehearse the procedure end to end. Transcript hashes are printed and saved.
 *
 * Outputs: <repo>/.cache/zk/<circuit>/<hash>/ (git-ignored; reused while the circuit hash is unchanged) and
 * contracts/verifiers/generated/<Circuit>Verifier.sol.
 */
import { randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import path from "node:path";
import { createFheContext } from "../sdk/fhe/context";
import { getPreset } from "../sdk/fhe/presets";
import { renderMainComponent, weightedSumConfig } from "../sdk/zk/circuitConfig";
import { compileCircuit } from "../sdk/zk/compile";
import { MAIN_COMPONENTS_DIR, REPO_ROOT } from "../sdk/zk/paths";
import { createProgressLogger, releaseZkWorkers } from "../sdk/zk/progress";
import { type Contribution, ceremonySetup, ensureDevSetup, exportSolidityVerifier } from "../sdk/zk/setup";

interface Args {
  preset: string;
  k: number;
  renderOnly: boolean;
  compileOnly: boolean;
  noExport: boolean;
  ptau?: string;
  contributions: string[];
  beacon?: string;
  maxPower?: number;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = {
    preset: "INSECURE_CI",
    k: 2,
    renderOnly: false,
    compileOnly: false,
    noExport: false,
    contributions: [],
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case "--preset":
        args.preset = value();
        break;
      case "--k":
        args.k = Number(value());
        break;
      case "--render-only":
        args.renderOnly = true;
        break;
      case "--compile-only":
        args.compileOnly = true;
        break;
      case "--no-export":
        args.noExport = true;
        break;
      case "--ptau":
        args.ptau = value();
        break;
      case "--contribution":
        args.contributions.push(value());
        break;
      case "--beacon":
        args.beacon = value();
        break;
      case "--max-power":
        args.maxPower = Number(value());
        break;
      case "--help":
      case "-h":
        process.stdout.write(`see the header of ${path.relative(process.cwd(), __filename)}\n`);
        process.exit(0);
      // falls through (unreachable)
      default:
        throw new Error(`unknown argument ${flag}`);
    }
  }
  return args;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const ctx = await createFheContext(getPreset(args.preset));
  const cfg = weightedSumConfig(ctx.params, args.k);
  const log = createProgressLogger(cfg.id);
  if (cfg.insecure) log.warn(`preset ${cfg.presetName} is INSECURE (toy FHE parameters)`);

  if (args.renderOnly) {
    const file = path.join(MAIN_COMPONENTS_DIR, `${cfg.id}.circom`);
    await fs.writeFile(file, renderMainComponent(cfg));
    log.info(`wrote ${path.relative(REPO_ROOT, file)}`);
    return;
  }
  if (args.compileOnly) {
    const c = await compileCircuit(cfg, log);
    process.stdout.write(
      JSON.stringify({ id: c.id, constraints: c.constraints, wires: c.wires, dir: c.dir }, null, 2) + "\n",
    );
    return;
  }
  const command = `npx ts-node scripts/zk-setup.ts ${process.argv.slice(2).join(" ")}`.trim();
  let setup;
  if (args.ptau) {
    if (!args.beacon) throw new Error("--ptau needs --beacon <hex> (the final random beacon)");
    const contributions: Contribution[] = (
      args.contributions.length ? args.contributions : ["contributor 1"]
    ).map((name, i) => ({
      name,
      entropy: process.env[`CLOUDAI_ZK_ENTROPY_${i + 1}`] ?? randomBytes(32).toString("hex"),
    }));
    setup = await ceremonySetup(cfg, { ptauFile: args.ptau, contributions, beaconHash: args.beacon, log });
  } else {
    setup = await ensureDevSetup(cfg, { log, maxPower: args.maxPower });
  }
  log.info(
    `${setup.label} setup: ${setup.circuit.constraints} constraints, 2^${setup.ptauPower} phase 1, ` +
      `${setup.setupSeconds ? `built in ${setup.setupSeconds.toFixed(0)} s` : "reused from cache"} → ${path.relative(REPO_ROOT, setup.dir)}`,
  );
  if (!args.noExport) await exportSolidityVerifier(setup, { command, log });
}

main()
  .then(() => releaseZkWorkers())
  .catch(async (err: unknown) => {
    process.stderr.write(
      `zk-setup failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    await releaseZkWorkers();
    process.exitCode = 1;
  });
