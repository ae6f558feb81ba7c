/**
 * `clai node`: a local CloudAI chain in one command. Starts `hardhat node` (without hardhat-deploy's own
 * deployment), runs `hardhat deploy --network localhost --reset` against it (which writes
 * `deployments/exports/localhost.json`), prints the addresses and keeps the node running until Ctrl-C.
 * Child processes are spawned and stopped through scripts/lib/local-chain.
 */
import net from "node:net";
import { Command } from "commander";
import { CliError, REPO_ROOT, globalOptions, ioOf, Output } from "../context";
import { HARDHAT_CHAIN_ID, hardhatTestWallet } from "../../sdk/devAccounts";
import { parsePositive } from "../lib/parse";
import { spawnNode, waitForRpc, type Child } from "../../scripts/lib/local-chain";

/** The hardhat CLI entry point (run with this node binary: no npx start-up cost). */
function hardhatCli(): string {
  return require.resolve("hardhat/internal/cli/cli.js", { paths: [REPO_ROOT] });
}

/** True when something already accepts connections on host:port (it would answer instead of our node). */
function portInUse(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

interface NodeOptions {
  port: number;
  hostname: string;
  deploy: boolean;
  verbose?: boolean;
}

async function nodeAction(opts: NodeOptions, cmd: Command): Promise<void> {
  const { exportPath, readDeploymentExport } = await import("../../sdk/deployment");
  const io = ioOf(cmd);
  const out = new Output(io, globalOptions(cmd).json);
  const host = opts.hostname === "0.0.0.0" ? "127.0.0.1" : opts.hostname;
  const url = `http://${host}:${opts.port}`;
  const env = { ...io.env, LOCALHOST_RPC_URL: url };
  if (await portInUse(host, opts.port)) {
    throw new CliError(
      `port ${opts.port} on ${host} is already in use (another node?); pick one with --port`,
    );
  }

  // Ctrl-C / SIGTERM at any point stops the node (and a running deployment) before the CLI exits.
  let stopSignal: string | undefined;
  let onSignal: (s: NodeJS.Signals) => void = () => undefined;
  const signalled = new Promise<string>((resolve) => {
    onSignal = (s) => {
      stopSignal = s;
      resolve(s);
    };
  });
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);

  out.note(`starting hardhat node on ${url}…`);
  const verbose = opts.verbose ? (t: string) => io.stderr(t) : undefined;
  const node = spawnNode(
    "hardhat node",
    [hardhatCli(), "node", "--no-deploy", "--hostname", opts.hostname, "--port", String(opts.port)],
    { env, onOutput: verbose, keepChars: 4_000 },
  );
  let deploy: Child | undefined;
  try {
    await Promise.race([waitForRpc(url, node, 60_000), signalled]);
    if (stopSignal) return;
    let contracts: Record<string, string> = {};
    if (opts.deploy) {
      out.note("deploying CloudAI (hardhat deploy --network localhost --reset)…");
      deploy = spawnNode("hardhat deploy", [hardhatCli(), "deploy", "--network", "localhost", "--reset"], {
        env,
        onOutput: verbose,
      });
      const done = await Promise.race([deploy.exited, signalled]);
      if (stopSignal) return;
      if (typeof done === "object" && done.code !== 0) {
        throw new CliError(`hardhat deploy failed (${done.code ?? done.signal}):\n${deploy.output()}`);
      }
      const exp = readDeploymentExport(exportPath(REPO_ROOT, "localhost"));
      contracts = Object.fromEntries(Object.entries(exp.contracts).map(([n, c]) => [n, c.address]));
    }
    const accounts = [0, 1, 2, 3, 4].map((i) => hardhatTestWallet(i).address);
    out.result(
      {
        rpc: url,
        chainId: HARDHAT_CHAIN_ID,
        pid: node.proc.pid,
        export: opts.deploy ? exportPath(REPO_ROOT, "localhost") : null,
        accounts,
        contracts,
      },
      (r) => {
        out.line(`CloudAI local node on ${r.rpc} (chain ${r.chainId})`);
        if (opts.deploy) {
          out.line("");
          out.table(
            ["contract", "address"],
            Object.entries(r.contracts).map(([n, a]) => [n, a]),
          );
        } else out.line("(not deployed: run `npm run deploy:localhost`)");
        out.line("");
        out.line("test accounts (use --account <i>; account 0 deployed and holds the CLAI supply):");
        r.accounts.forEach((a, i) => out.line(`  ${i}  ${a}`));
        if (opts.port !== 8545) out.line(`\nother shells: export CLOUDAI_RPC_URL=${r.rpc}`);
        out.line("\nCtrl-C to stop");
      },
    );
    const first = await Promise.race([
      node.exited.then((e) => ({ exit: e })),
      signalled.then((sig) => ({ signal: sig })),
    ]);
    if ("exit" in first) {
      throw new CliError(`hardhat node exited (${first.exit.code ?? first.exit.signal}):\n${node.output()}`);
    }
  } finally {
    process.removeListener("SIGINT", onSignal);
    process.removeListener("SIGTERM", onSignal);
    if (stopSignal) out.note(`stopping the node (${stopSignal})…`);
    await deploy?.stop();
    await node.stop();
  }
}

export function nodeCommand(): Command {
  return new Command("node")
    .description(
      "start a local Hardhat JSON-RPC node, deploy CloudAI to it, and keep it running until Ctrl-C",
    )
    .option("-p, --port <port>", "JSON-RPC port", parsePositive, 8545)
    .option("--hostname <host>", "interface to listen on", "127.0.0.1")
    .option("--no-deploy", "start the node without deploying")
    .option("-v, --verbose", "show the node's and the deployment's own output")
    .addHelpText("after", "\nExamples:\n  $ clai node\n  $ clai node --port 8600 --no-deploy")
    .action(nodeAction);
}
