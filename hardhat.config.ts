import fs from "node:fs";
import path from "node:path";
import { Wallet } from "ethers";
import { subtask } from "hardhat/config";
import { TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD } from "hardhat/builtin-tasks/task-names";
import type { HardhatUserConfig, NetworkUserConfig } from "hardhat/types";
import "@nomicfoundation/hardhat-toolbox";
import "@openzeppelin/hardhat-upgrades";
import "hardhat-deploy";

/** The one Solidity version the project compiles with; it must equal the npm `solc` package's. */
export const SOLC_VERSION = "0.8.28";

// Hardhat downloads compilers; this machine (and CI) cannot. Serve the npm `solc` package's
// soljson.js instead, and refuse to guess when its version differs from the configured one.
subtask(TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD, async (args: { solcVersion: string }, _hre, runSuper) => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const solcPkg = require("solc/package.json") as { version: string };
  if (args.solcVersion !== solcPkg.version) {
    return runSuper();
  }
  const compilerPath = path.join(path.dirname(require.resolve("solc/package.json")), "soljson.js");
  return {
    compilerPath,
    isSolcJs: true,
    version: args.solcVersion,
    longVersion: `${args.solcVersion}-npm-solc`,
  };
});

/**
 * The deployer key for public networks, from `DEPLOYER_PRIVATE_KEY` or from an encrypted JSON keystore
 * (`DEPLOYER_KEYSTORE` path + `DEPLOYER_KEYSTORE_PASSWORD`). Read only when a public network is configured.
 */
function deployerKey(): string | undefined {
  if (process.env.DEPLOYER_PRIVATE_KEY) return process.env.DEPLOYER_PRIVATE_KEY;
  const keystore = process.env.DEPLOYER_KEYSTORE;
  if (!keystore) return undefined;
  const password = process.env.DEPLOYER_KEYSTORE_PASSWORD;
  if (password === undefined)
    throw new Error("DEPLOYER_KEYSTORE is set but DEPLOYER_KEYSTORE_PASSWORD is not");
  return Wallet.fromEncryptedJsonSync(fs.readFileSync(keystore, "utf8"), password).privateKey;
}

/**
 * Public networks are configured only from the environment: `<NAME>_RPC_URL` plus the deployer key
 * (see {@link deployerKey}). Nothing secret lives in the repository.
 */
function envNetwork(name: string, chainId: number): NetworkUserConfig | undefined {
  const url = process.env[`${name}_RPC_URL`];
  if (!url) return undefined;
  const key = deployerKey();
  return { url, chainId, accounts: key ? [key] : [] };
}

const publicNetworks: Record<string, NetworkUserConfig> = {};
for (const [name, envName, chainId] of [
  ["sepolia", "SEPOLIA", 11155111],
  ["baseSepolia", "BASE_SEPOLIA", 84532],
  ["arbitrumSepolia", "ARBITRUM_SEPOLIA", 421614],
  ["optimismSepolia", "OPTIMISM_SEPOLIA", 11155420],
] as const) {
  const net = envNetwork(envName, chainId);
  if (net) publicNetworks[name] = net;
}

const config: HardhatUserConfig = {
  solidity: {
    version: SOLC_VERSION,
    settings: {
      optimizer: { enabled: true, runs: 200 },
      evmVersion: "cancun",
      outputSelection: { "*": { "*": ["storageLayout"] } },
    },
  },
  networks: {
    hardhat: { allowUnlimitedContractSize: false },
    localhost: { url: process.env.LOCALHOST_RPC_URL ?? "http://127.0.0.1:8545" },
    ...publicNetworks,
  },
  namedAccounts: {
    deployer: { default: 0 },
  },
  paths: { sources: "contracts", tests: "test", cache: "cache", artifacts: "artifacts", deploy: "deploy" },
  typechain: { outDir: "typechain-types", target: "ethers-v6" },
  gasReporter: { enabled: process.env.REPORT_GAS === "true", currency: "USD", offline: true },
  mocha: { timeout: 120_000 },
};

export default config;
