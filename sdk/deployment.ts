/**
 * Typed contract clients from the deployment export (`deployments/exports/<network>.json`), the one
 * place every off-chain component (CLI, agent, oracle, matcher, indexer, tests) gets addresses from.
 */
import fs from "node:fs";
import path from "node:path";
import type { ContractRunner } from "ethers";
// Deep imports: the typechain index loads every factory (seconds of start-up for CLI tools).
import { CLAIGovernor__factory } from "../typechain-types/factories/contracts/governance/CLAIGovernor__factory";
import { CLAITimelock__factory } from "../typechain-types/factories/contracts/governance/CLAITimelock__factory";
import { CLAIToken__factory } from "../typechain-types/factories/contracts/token/CLAIToken__factory";
import { PriceFeed__factory } from "../typechain-types/factories/contracts/feeds/PriceFeed__factory";
import { Reputation__factory } from "../typechain-types/factories/contracts/market/Reputation__factory";
import { Staking__factory } from "../typechain-types/factories/contracts/market/Staking__factory";
import { TaskMarket__factory } from "../typechain-types/factories/contracts/market/TaskMarket__factory";
import { VerifierRegistry__factory } from "../typechain-types/factories/contracts/verifier/VerifierRegistry__factory";
import type { CLAIGovernor } from "../typechain-types/contracts/governance/CLAIGovernor";
import type { CLAITimelock } from "../typechain-types/contracts/governance/CLAITimelock";
import type { CLAIToken } from "../typechain-types/contracts/token/CLAIToken";
import type { PriceFeed } from "../typechain-types/contracts/feeds/PriceFeed";
import type { Reputation } from "../typechain-types/contracts/market/Reputation";
import type { Staking } from "../typechain-types/contracts/market/Staking";
import type { TaskMarket } from "../typechain-types/contracts/market/TaskMarket";
import type { VerifierRegistry } from "../typechain-types/contracts/verifier/VerifierRegistry";

/** One contract in the deployment export. */
export interface ExportedContract {
  address: string;
  abi: unknown[];
  /** Block of the deploying transaction: where indexers start. */
  startBlock: number;
  /** Implementation behind the proxy, when proxied. */
  implementation?: string;
}

/** The file every off-chain component reads instead of hand-copied addresses. */
export interface DeploymentExport {
  network: string;
  chainId: number;
  contracts: Record<string, ExportedContract>;
}

/** Thrown when the deployment export is missing, malformed or lacks a contract. */
export class DeploymentError extends Error {
  override name = "DeploymentError";
}

/** Path of a network's export under a project root. */
export function exportPath(root: string, network: string): string {
  return path.join(root, "deployments", "exports", `${network}.json`);
}

/** Reads and validates an export file. */
export function readDeploymentExport(file: string): DeploymentExport {
  if (!fs.existsSync(file)) {
    throw new DeploymentError(`no deployment export at ${file}: deploy first (npm run deploy:localhost)`);
  }
  const parsed = JSON.parse(fs.readFileSync(file, "utf8")) as Partial<DeploymentExport>;
  if (
    typeof parsed.chainId !== "number" ||
    typeof parsed.contracts !== "object" ||
    parsed.contracts === null
  ) {
    throw new DeploymentError(`${file} is not a CloudAI deployment export`);
  }
  return parsed as DeploymentExport;
}

/** Typed clients for every CloudAI contract of one deployment. */
export interface CloudAIContracts {
  chainId: number;
  token: CLAIToken;
  governor: CLAIGovernor;
  timelock: CLAITimelock;
  registry: VerifierRegistry;
  reputation: Reputation;
  staking: Staking;
  market: TaskMarket;
  /** Price feed per resource-class name (`CPU`, `GPU`, …). */
  feeds: Record<string, PriceFeed>;
}

/** Connects typechain clients to the addresses in `exp` through `runner` (a provider or signer). */
export function connectContracts(exp: DeploymentExport, runner: ContractRunner): CloudAIContracts {
  const addr = (name: string): string => {
    const c = exp.contracts[name];
    if (!c) throw new DeploymentError(`deployment for chain ${exp.chainId} has no ${name}`);
    return c.address;
  };
  const feeds: Record<string, PriceFeed> = {};
  for (const [name, c] of Object.entries(exp.contracts)) {
    if (name.startsWith("PriceFeed_"))
      feeds[name.slice("PriceFeed_".length)] = PriceFeed__factory.connect(c.address, runner);
  }
  return {
    chainId: exp.chainId,
    token: CLAIToken__factory.connect(addr("CLAIToken"), runner),
    governor: CLAIGovernor__factory.connect(addr("CLAIGovernor"), runner),
    timelock: CLAITimelock__factory.connect(addr("CLAITimelock"), runner),
    registry: VerifierRegistry__factory.connect(addr("VerifierRegistry"), runner),
    reputation: Reputation__factory.connect(addr("Reputation"), runner),
    staking: Staking__factory.connect(addr("Staking"), runner),
    market: TaskMarket__factory.connect(addr("TaskMarket"), runner),
    feeds,
  };
}
