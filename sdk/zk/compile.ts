/// <reference path="../types/snarkjs.d.ts" />
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, promises as fs, readFileSync } from "node:fs";
import path from "node:path";
import { r1cs as snarkR1cs } from "snarkjs";
import { type WeightedSumCircuitConfig, renderMainComponent } from "./circuitConfig";
import { SetupError } from "./errors";
import { CIRCUITS_BUILD_DIR, CIRCUITS_DIR, MAIN_COMPONENTS_DIR, REPO_ROOT, zkCacheDir } from "./paths";
import { type ProgressLogger, createProgressLogger } from "./progress";

/** circom flags; `--O2` removes linear constraints (with `--O1` they stay). */
export const CIRCOM_FLAGS = ["--r1cs", "--wasm", "--sym", "--O2"] as const;

/** A compiled circuit in the cache. */
export interface CompiledCircuit {
  readonly id: string;
  /** sha256 (hex) of everything that determines the R1CS: sources, circomlib, compiler, flags. */
  readonly hash: string;
  readonly dir: string;
  readonly mainFile: string;
  readonly r1csPath: string;
  readonly wasmPath: string;
  readonly constraints: number;
  readonly publicInputs: number;
  readonly privateInputs: number;
  readonly wires: number;
  readonly compileSeconds: number;
  /** Peak resident memory of the compiler process (Linux; 0 when unknown). */
  readonly compilePeakRssMb: number;
}

async function readPkgVersion(name: string): Promise<string> {
  const pkg = JSON.parse(
    await fs.readFile(path.join(REPO_ROOT, "node_modules", name, "package.json"), "utf8"),
  ) as {
    version: string;
  };
  return pkg.version;
}

async function listCircom(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { withFileTypes: true });
  const files: string[] = [];
  for (const e of entries) {
    const full = path.join(dir, e.name);
    if (e.isDirectory() && e.name !== "build" && e.name !== "main") files.push(...(await listCircom(full)));
    else if (e.isFile() && e.name.endsWith(".circom")) files.push(full);
  }
  return files.sort();
}

/** Hash of the rendered main component, every library .circom, tool versions and flags. */
export async function circuitSourceHash(cfg: WeightedSumCircuitConfig): Promise<string> {
  const h = createHash("sha256");
  h.update(renderMainComponent(cfg));
  for (const file of await listCircom(CIRCUITS_DIR)) {
    h.update(path.relative(CIRCUITS_DIR, file));
    h.update(await fs.readFile(file));
  }
  h.update(`circomlib@${await readPkgVersion("circomlib")} circom2@${await readPkgVersion("circom2")}`);
  h.update(CIRCOM_FLAGS.join(" "));
  return h.digest("hex");
}

/**
 * Returns the path of the main component for `cfg`: the checked-in `circuits/main/<id>.circom` (which must
 * equal the rendered source — a stale file is an error) or a rendered copy under git-ignored circuits/build.
 */
export async function mainComponentFile(cfg: WeightedSumCircuitConfig): Promise<string> {
  const rendered = renderMainComponent(cfg);
  const checkedIn = path.join(MAIN_COMPONENTS_DIR, `${cfg.id}.circom`);
  if (existsSync(checkedIn)) {
    if ((await fs.readFile(checkedIn, "utf8")) !== rendered) {
      throw new SetupError(`${checkedIn} is stale; regenerate it with scripts/zk-setup.ts --render-only`);
    }
    return checkedIn;
  }
  const file = path.join(CIRCUITS_BUILD_DIR, "main", `${cfg.id}.circom`);
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, rendered);
  return file;
}

/** Runs a command, polling the child's peak RSS (VmHWM, Linux) and printing a heartbeat. */
function run(
  cmd: string,
  args: readonly string[],
  log: ProgressLogger,
): Promise<{ output: string; peakRssMb: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    let peakKb = 0;
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    const poll = setInterval(() => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"));
        if (m) peakKb = Math.max(peakKb, Number(m[1]));
      } catch {
        // not Linux, or the child just exited: the peak stays what was last seen
      }
    }, 250);
    const heartbeat = setInterval(
      () => log.info(`  still compiling… (peak RSS ${(peakKb / 1024).toFixed(0)} MB)`),
      30_000,
    );
    const stop = () => {
      clearInterval(poll);
      clearInterval(heartbeat);
    };
    child.on("error", (err) => {
      stop();
      reject(err);
    });
    child.on("close", (code) => {
      stop();
      if (code === 0) resolve({ output, peakRssMb: peakKb / 1024 });
      else reject(new SetupError(`circom exited with code ${code}:\n${output}`));
    });
  });
}

/**
 * Compiles circom `source` (a main component; includes resolve against circuits/ and node_modules/) into
 * `<cache>/<id>/<hash>/`, reusing a previous compilation with the same hash.
 */
export async function compileSource(
  id: string,
  source: string,
  hash: string,
  log: ProgressLogger,
  mainFile?: string,
): Promise<CompiledCircuit> {
  const dir = path.join(zkCacheDir(), id, hash.slice(0, 16));
  const metaPath = path.join(dir, "compile.json");
  if (existsSync(metaPath)) {
    const meta = JSON.parse(await fs.readFile(metaPath, "utf8")) as CompiledCircuit;
    if (meta.hash === hash) return { ...meta, dir };
  }
  const tmp = `${dir}.tmp-${process.pid}`;
  await fs.rm(tmp, { recursive: true, force: true });
  await fs.mkdir(tmp, { recursive: true });
  const file = mainFile ?? path.join(tmp, `${id}.circom`);
  if (!mainFile) await fs.writeFile(file, source);
  const start = Date.now();
  const circomCli = path.join(REPO_ROOT, "node_modules", "circom2", "cli.js");
  const { peakRssMb } = await log.step(`compile ${id} (circom2 ${CIRCOM_FLAGS.join(" ")})`, () =>
    run(
      process.execPath,
      [
        "--max-old-space-size=8192",
        circomCli,
        file,
        ...CIRCOM_FLAGS,
        "-l",
        CIRCUITS_DIR,
        "-l",
        path.join(REPO_ROOT, "node_modules"),
        "-o",
        tmp,
      ],
      log,
    ),
  );
  const compileSeconds = (Date.now() - start) / 1000;
  const info = await snarkR1cs.info(path.join(tmp, `${id}.r1cs`));
  await fs.rm(dir, { recursive: true, force: true });
  await fs.rename(tmp, dir);
  const compiled: CompiledCircuit = {
    id,
    hash,
    dir,
    mainFile: path.relative(REPO_ROOT, mainFile ?? path.join(dir, `${id}.circom`)),
    r1csPath: path.join(dir, `${id}.r1cs`),
    wasmPath: path.join(dir, `${id}_js`, `${id}.wasm`),
    constraints: info.nConstraints,
    publicInputs: info.nPubInputs,
    privateInputs: info.nPrvInputs,
    wires: info.nVars,
    compileSeconds,
    compilePeakRssMb: peakRssMb,
  };
  await fs.writeFile(metaPath, JSON.stringify(compiled, null, 2));
  log.info(`${id}: ${compiled.constraints} constraints, ${compiled.publicInputs} public inputs`);
  return compiled;
}

/**
 * Compiles the circuit of `cfg` with circom2 (`--O2`) into `<cache>/<id>/<hash>/`, or reuses an existing
 * compilation with the same source hash.
 */
export async function compileCircuit(
  cfg: WeightedSumCircuitConfig,
  log: ProgressLogger = createProgressLogger(cfg.id),
): Promise<CompiledCircuit> {
  const hash = await circuitSourceHash(cfg);
  const dir = path.join(zkCacheDir(), cfg.id, hash.slice(0, 16));
  if (existsSync(path.join(dir, "compile.json"))) return compileSource(cfg.id, "", hash, log);
  const mainFile = await mainComponentFile(cfg);
  return compileSource(cfg.id, await fs.readFile(mainFile, "utf8"), hash, log, mainFile);
}
