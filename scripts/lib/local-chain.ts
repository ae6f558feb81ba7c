/**
 * A throw-away CloudAI chain for tests and benchmarks: a `hardhat node` on a free loopback port, the
 * project's deploy scripts run against it with deployments kept in a scratch directory (see
 * `isolated.hardhat.config.ts`), and helpers to run and stop child processes (the indexer among them).
 * Every child is spawned with this Node binary directly (no npx) and stopped by its own pid.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { JsonRpcProvider, Network } from "ethers";
import { exportPath, readDeploymentExport, type DeploymentExport } from "../../sdk/deployment";
import { HARDHAT_CHAIN_ID } from "../../sdk/devAccounts";

export const REPO_ROOT = path.resolve(__dirname, "..", "..");
const ISOLATED_CONFIG = path.join(__dirname, "isolated.hardhat.config.ts");

/** Thrown when a child process fails to start or exits early; carries the tail of its output. */
export class ChildProcessError extends Error {
  override name = "ChildProcessError";
}

/** A free TCP port on 127.0.0.1 (asked from the OS; another process may still race for it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === "object" && addr ? resolve(addr.port) : reject(new Error("no port"))));
    });
  });
}

/** Children still running; killed when this process exits, so a crashed test leaves no orphans. */
const live = new Set<ChildProcess>();
process.once("exit", () => {
  for (const proc of live) if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGKILL");
});

/** A running child process with the tail of its output. */
export class Child {
  private tail = "";
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(
    readonly name: string,
    readonly proc: ChildProcess,
    onOutput?: (text: string) => void,
    private readonly keepChars = 20_000,
  ) {
    const keep = (d: Buffer) => {
      const text = d.toString();
      this.tail = (this.tail + text).slice(-this.keepChars);
      onOutput?.(text);
    };
    proc.stdout?.on("data", keep);
    proc.stderr?.on("data", keep);
    live.add(proc);
    this.exited = new Promise((resolve) =>
      proc.on("exit", (code, signal) => {
        live.delete(proc);
        resolve({ code, signal });
      }),
    );
  }

  get running(): boolean {
    return this.proc.exitCode === null && this.proc.signalCode === null;
  }

  /** The last output lines (for failure messages). */
  output(): string {
    return this.tail;
  }

  /** Sends `signal` to the process (by pid) and waits for it to exit; SIGKILL after `graceMs`. */
  async stop(signal: NodeJS.Signals = "SIGTERM", graceMs = 10_000): Promise<void> {
    if (!this.running) return;
    this.proc.kill(signal);
    const timer = setTimeout(() => {
      if (this.running) this.proc.kill("SIGKILL");
    }, graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}

/** Spawns `node <args>` in `cwd`; output is kept (and passed to `onOutput`). */
export function spawnNode(
  name: string,
  args: string[],
  opts: {
    cwd?: string;
    env?: NodeJS.ProcessEnv;
    onOutput?: (text: string) => void;
    /** Output characters kept for failure messages. */
    keepChars?: number;
  } = {},
): Child {
  const proc = spawn(process.execPath, args, {
    cwd: opts.cwd ?? REPO_ROOT,
    env: { ...process.env, HARDHAT_DISABLE_TELEMETRY_PROMPT: "true", ...opts.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  return new Child(name, proc, opts.onOutput, opts.keepChars);
}

/** Runs `node <args>` to completion; rejects with its output when it fails. */
export async function runNode(
  name: string,
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; onOutput?: (text: string) => void } = {},
): Promise<void> {
  const child = spawnNode(name, args, opts);
  const { code, signal } = await child.exited;
  if (code !== 0) throw new ChildProcessError(`${name} failed (${code ?? signal}):\n${child.output()}`);
}

function hardhatCli(): string {
  return require.resolve("hardhat/internal/cli/cli.js", { paths: [REPO_ROOT] });
}

/** Resolves once `url` answers `eth_chainId`; rejects when `child` exits first or after `timeoutMs`. */
export async function waitForRpc(url: string, child: Child, timeoutMs = 60_000): Promise<void> {
  const provider = new JsonRpcProvider(url, undefined, { staticNetwork: Network.from(HARDHAT_CHAIN_ID) });
  const deadline = Date.now() + timeoutMs;
  try {
    while (Date.now() < deadline) {
      if (!child.running) throw new ChildProcessError(`${child.name} exited early:\n${child.output()}`);
      try {
        await provider.send("eth_chainId", []);
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    throw new ChildProcessError(
      `${child.name} did not answer on ${url} in ${timeoutMs} ms:\n${child.output()}`,
    );
  } finally {
    provider.destroy();
  }
}

/** A running `hardhat node` with a scratch directory for deployments made to it. */
export interface LocalNode {
  url: string;
  node: Child;
  /** Scratch directory (deployments, the export) — removed by {@link LocalNode.stop}. */
  root: string;
  /** Where the deploy scripts write the export for this node. */
  exportFile: string;
  /** Stops the node and removes the scratch directory. */
  stop(): Promise<void>;
}

/** Starts `hardhat node` (automine, chain id 31337, 20 unlocked accounts) on a free loopback port. */
export async function startHardhatNode(): Promise<LocalNode> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "cloudai-chain-"));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const node = spawnNode(
    "hardhat node",
    [
      hardhatCli(),
      "--config",
      ISOLATED_CONFIG,
      "node",
      "--no-deploy",
      "--hostname",
      "127.0.0.1",
      "--port",
      `${port}`,
    ],
    { env: { CLOUDAI_ISOLATED_ROOT: root }, keepChars: 4_000 },
  );
  const stop = async () => {
    await node.stop();
    fs.rmSync(root, { recursive: true, force: true });
  };
  try {
    await waitForRpc(url, node);
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, node, root, exportFile: exportPath(root, "localhost"), stop };
}

/**
 * Runs a TypeScript script with the Hardhat runtime bound to `node` (network `localhost`, isolated
 * deployments) — what `hardhat run` does, without its extra process. The script's output goes to
 * `onOutput`; a failure rejects with its tail.
 */
export async function runHardhatScript(
  node: LocalNode,
  script: string,
  opts: { env?: NodeJS.ProcessEnv; onOutput?: (text: string) => void } = {},
): Promise<void> {
  await runNode("hardhat script " + path.basename(script), ["--require", "hardhat/register", script], {
    env: {
      HARDHAT_CONFIG: ISOLATED_CONFIG,
      HARDHAT_NETWORK: "localhost",
      CLOUDAI_ISOLATED_ROOT: node.root,
      LOCALHOST_RPC_URL: node.url,
      CI: "true",
      ...opts.env,
    },
    onOutput: opts.onOutput,
  });
}

/** Reads the export the deploy scripts wrote for `node`. */
export function nodeDeployment(node: LocalNode): DeploymentExport {
  return readDeploymentExport(node.exportFile);
}

/** Path of the Ponder CLI (run with this Node binary in `indexer/`). */
export function ponderCli(): string {
  return path.join(REPO_ROOT, "node_modules", "ponder", "dist", "esm", "bin", "ponder.js");
}
