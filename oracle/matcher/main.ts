/**
 * The matcher as a standalone service process:
 *
 *   CLOUDAI_RPC_URL=http://127.0.0.1:8545 CLOUDAI_NETWORK=localhost MATCHER_PRIVATE_KEY=0x… npm run matcher
 *
 * Connection: `CLOUDAI_RPC_URL` (default http://127.0.0.1:8545), `CLOUDAI_NETWORK` (which export under
 * deployments/exports/ to read; default localhost), the key from `MATCHER_PRIVATE_KEY` or
 * `MATCHER_KEYSTORE` + `MATCHER_KEYSTORE_PASSWORD` — or, on the local chain 31337 only, `--account <index>`
 * for a Hardhat public test account. The key must hold MATCHER_ROLE (granted by a governance proposal);
 * without it the service watches and logs a warning every round. Runs until SIGINT/SIGTERM (exit 0) or a
 * fatal error (exit 1), via sdk/service `runService`; `--once` runs a single round and exits.
 */
import path from "node:path";
import { Command, Option } from "commander";
import type { Signer } from "ethers";
import { exportPath, readDeploymentExport } from "../../sdk/deployment";
import { HARDHAT_CHAIN_ID, hardhatTestWallet } from "../../sdk/devAccounts";
import { DirOfferBoard } from "../../sdk/offers";
import { connectCheckedRpc, createLogger, keySource, loadWallet, runService } from "../../sdk/service";
import { ConfigError, startMatcher, type MatcherHandle } from "./service";

const REPO_ROOT = path.resolve(__dirname, "..", "..");

interface Flags {
  account?: string;
  offers?: string;
  state?: string;
  poll: string;
  confirmations: string;
  maxBatch: string;
  method: string;
  once: boolean;
}

function int(name: string, value: string): number {
  if (!/^\d+$/.test(value)) throw new ConfigError(`${name} must be a non-negative integer, got ${value}`);
  return Number(value);
}

async function main(): Promise<void> {
  const env = process.env;
  const program = new Command("cloudai-matcher")
    .description(
      "CloudAI matcher: assigns open tasks to signed provider offers (optimal score-weighted assignment) " +
        "through TaskMarket.assignBatch.\n\nEnvironment: CLOUDAI_RPC_URL (default http://127.0.0.1:8545), " +
        "CLOUDAI_NETWORK (deployments/exports/<name>.json, default localhost), MATCHER_PRIVATE_KEY or " +
        "MATCHER_KEYSTORE + MATCHER_KEYSTORE_PASSWORD, CLOUDAI_LOG_LEVEL (debug|info|warn|error).",
    )
    .addOption(new Option("--account <index>", "Hardhat test account (local chain 31337 only)"))
    .addOption(
      new Option("--offers <dir>", "offer board directory (default .cloudai/offers/<chainId>)").env(
        "CLOUDAI_OFFERS",
      ),
    )
    .addOption(
      new Option("--state <file>", "state file (default .cloudai/matcher/state.json)").env(
        "CLOUDAI_MATCHER_STATE",
      ),
    )
    .addOption(
      new Option("--poll <ms>", "pause between rounds").env("CLOUDAI_MATCHER_POLL_MS").default("5000"),
    )
    .addOption(
      new Option("--confirmations <n>", "confirmations before receipts and events are trusted")
        .env("CLOUDAI_MATCHER_CONFIRMATIONS")
        .default("1"),
    )
    .addOption(
      new Option("--max-batch <n>", "pairs per assignBatch transaction")
        .env("CLOUDAI_MATCHER_MAX_BATCH")
        .default("50"),
    )
    .addOption(
      new Option("--method <m>", "solver: auto (munkres, greedy above the work threshold), munkres, greedy")
        .choices(["auto", "munkres", "greedy"])
        .default("auto"),
    )
    .addOption(new Option("--once", "run one round and exit").default(false));
  program.parse(process.argv);
  const flags = program.opts<Flags>();
  const logger = createLogger("matcher");

  await runService(logger, async () => {
    const network = env.CLOUDAI_NETWORK ?? "localhost";
    const deployment = readDeploymentExport(exportPath(REPO_ROOT, network));
    const rpcUrl = env.CLOUDAI_RPC_URL ?? "http://127.0.0.1:8545";
    const provider = await connectCheckedRpc(rpcUrl, deployment.chainId, `export ${network}`, logger);
    const chainId = deployment.chainId;
    let signer: Signer;
    if (flags.account !== undefined) {
      if (chainId !== HARDHAT_CHAIN_ID)
        throw new ConfigError(
          `--account uses Hardhat's public test keys: local chain ${HARDHAT_CHAIN_ID} only`,
        );
      signer = hardhatTestWallet(int("--account", flags.account), provider);
    } else {
      signer = await loadWallet(keySource("MATCHER"), provider, env);
    }
    const market = deployment.contracts.TaskMarket;
    if (market === undefined) throw new ConfigError(`export ${network} has no TaskMarket`);
    const cwd = process.cwd();
    const offersDir = flags.offers
      ? path.resolve(cwd, flags.offers)
      : path.join(cwd, ".cloudai", "offers", String(chainId));
    const stateFile = flags.state
      ? path.resolve(cwd, flags.state)
      : path.join(cwd, ".cloudai", "matcher", "state.json");
    const handle: MatcherHandle = await startMatcher({
      signer,
      deployment,
      board: new DirOfferBoard(offersDir, chainId, market.address),
      stateFile,
      logger,
      pollIntervalMs: int("--poll", flags.poll),
      confirmations: int("--confirmations", flags.confirmations),
      maxBatchSize: int("--max-batch", flags.maxBatch),
      match: { method: flags.method as "auto" | "munkres" | "greedy" },
      autoStart: !flags.once,
    });
    logger.info("offer board and state", { offersDir, stateFile });
    if (!flags.once) return handle;
    // One round, then end like a service that finished by itself.
    const done = handle.tick().then(() => handle.stop());
    return { done, stop: () => handle.stop() };
  });
}

void main();
