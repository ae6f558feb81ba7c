/**
 * Runs `clai` in-process against the in-process Hardhat chain: the deployed system (`loadCore`) is
 * exported to a temporary root as `localhost`, and every run gets its own buffers, env and working dir.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import hre from "hardhat";
import { BrowserProvider } from "ethers";
import { runCli } from "../../cli/index";
import type { CliIO } from "../../cli/context";
import { buildDeploymentExport } from "../../scripts/lib/export";
import { exportPath } from "../../sdk/deployment";

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON (throws when it is not exactly one JSON document). */
  json<T = Record<string, unknown>>(): T;
}

export interface CliHarness {
  /** Temporary project root (holds `deployments/exports/localhost.json`). */
  root: string;
  /** Working directory of runs (`.cloudai/` lives here). */
  cwd: string;
  run(args: string[], env?: NodeJS.ProcessEnv): Promise<CliRun>;
  cleanup(): void;
}

export interface HarnessOptions {
  /**
   * Make the chain report this chain id (and export the deployment under it), to exercise what the CLI
   * refuses on non-local chains. Transactions then fail (they are signed for the fake chain id).
   */
  fakeChainId?: number;
  /** Do not inject the in-process provider: the CLI connects to `--rpc` itself. */
  noProvider?: boolean;
}

/** Exports the currently deployed in-process system and returns a harness running `clai` against it. */
export async function cliHarness(options: HarnessOptions = {}): Promise<CliHarness> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "clai-test-"));
  const cwd = path.join(root, "work");
  fs.mkdirSync(cwd);
  const exp = await buildDeploymentExport(hre);
  const file = exportPath(root, "localhost");
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(
    file,
    JSON.stringify({ ...exp, network: "localhost", chainId: options.fakeChainId ?? exp.chainId }),
  );
  fs.writeFileSync(exportPath(root, "othernet"), JSON.stringify({ ...exp, network: "othernet", chainId: 5 }));
  const inner = hre.network.provider;
  const eip1193 =
    options.fakeChainId === undefined
      ? inner
      : {
          request: (args: { method: string; params?: unknown[] }) =>
            args.method === "eth_chainId"
              ? Promise.resolve(`0x${options.fakeChainId!.toString(16)}`)
              : inner.request(args),
        };
  const provider = new BrowserProvider(eip1193 as never, undefined, { cacheTimeout: -1 });
  return {
    root,
    cwd,
    async run(args, env = {}) {
      let stdout = "";
      let stderr = "";
      const io: CliIO = {
        stdout: (t) => (stdout += t),
        stderr: (t) => (stderr += t),
        env: { PATH: process.env.PATH, ...env },
        cwd,
        root,
        interactive: false,
        provider: options.noProvider ? undefined : provider,
      };
      const code = await runCli(args, io);
      return {
        code,
        stdout,
        stderr,
        json<T>() {
          try {
            return JSON.parse(stdout) as T;
          } catch {
            throw new Error(`stdout is not one JSON document (exit ${code}):\n${stdout}\nstderr:\n${stderr}`);
          }
        },
      };
    },
    cleanup: () => fs.rmSync(root, { recursive: true, force: true }),
  };
}
