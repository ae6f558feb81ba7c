/**
 * The provider agent as a standalone service process:
 *
 *   CLOUDAI_RPC_URL=http://127.0.0.1:8545 CLOUDAI_NETWORK=localhost AGENT_PRIVATE_KEY=0x… \
 *     npx ts-node agent/main.ts --classes CPU --price CPU=feed+5% --self-claim
 *
 * Connection: `CLOUDAI_RPC_URL` (default http://127.0.0.1:8545), `CLOUDAI_NETWORK` (which export under
 * deployments/exports/ to read; default localhost), the key from `AGENT_PRIVATE_KEY` or `AGENT_KEYSTORE` +
 * `AGENT_KEYSTORE_PASSWORD` — or, on the local chain 31337 only, `--account <index>` for a Hardhat public
 * test account. Storage from `CLOUDAI_STORAGE`. Policy flags: see agent/config.ts and agent/README.md.
 * Runs until SIGINT/SIGTERM (exit 0) or a fatal error (exit 1), via sdk/service `runService`.
 */
import path from "node:path";
import { Command, Option } from "commander";
import { connectContracts, exportPath, readDeploymentExport } from "../sdk/deployment";
import { HARDHAT_CHAIN_ID, hardhatTestWallet } from "../sdk/devAccounts";
import { connectCheckedRpc, createLogger, keySource, loadWallet, runService } from "../sdk/service";
import { openStore } from "../sdk/storage";
import { startProviderAgent } from "./agent";
import { addAgentOptions, agentOptionsFromFlags, type AgentFlags } from "./config";
import { ConfigError } from "./errors";

const REPO_ROOT = path.resolve(__dirname, "..");

async function main(): Promise<void> {
  const program = addAgentOptions(
    new Command("cloudai-agent")
      .description("CloudAI provider agent")
      .addOption(new Option("--account <index>", "Hardhat test account (local chain 31337 only)")),
  );
  program.parse(process.argv);
  const flags = program.opts<AgentFlags & { account?: string }>();
  const env = process.env;
  const logger = createLogger("agent");

  await runService(logger, async () => {
    const network = env.CLOUDAI_NETWORK ?? "localhost";
    const deployment = readDeploymentExport(exportPath(REPO_ROOT, network));
    const rpcUrl = env.CLOUDAI_RPC_URL ?? "http://127.0.0.1:8545";
    const provider = await connectCheckedRpc(rpcUrl, deployment.chainId, `export ${network}`, logger);
    const chainId = deployment.chainId;
    let signer;
    if (flags.account !== undefined) {
      if (chainId !== HARDHAT_CHAIN_ID) {
        throw new ConfigError(
          `--account uses Hardhat's public test keys: local chain ${HARDHAT_CHAIN_ID} only`,
        );
      }
      if (!/^\d+$/.test(flags.account))
        throw new ConfigError(`--account must be an index, got ${flags.account}`);
      signer = hardhatTestWallet(Number(flags.account), provider);
    } else {
      signer = await loadWallet(keySource("AGENT"), provider, env);
    }
    const options = await agentOptionsFromFlags(flags, {
      env,
      cwd: process.cwd(),
      signer,
      deployment,
      contracts: connectContracts(deployment, signer),
      store: openStore({ env }),
      logger,
    });
    return startProviderAgent(options);
  });
}

void main();
