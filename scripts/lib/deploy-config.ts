import { ethers } from "ethers";

/** Protocol parameters chosen at deployment; everything here is later changeable only by governance. */
export interface DeployConfig {
  /** CLAI hard cap (wei). */
  tokenCap: bigint;
  /** CLAI minted at deployment to the deployer for distribution (wei). */
  initialSupply: bigint;
  /** Governor: seconds from proposal to voting start. */
  votingDelay: number;
  /** Governor: seconds voting stays open. */
  votingPeriod: number;
  /** Governor: votes needed to propose (wei of CLAI). */
  proposalThreshold: bigint;
  /** Governor: quorum as percent of past total supply. */
  quorumPercent: number;
  /** Timelock: minimum delay in seconds; must exceed the longest task deadline. */
  timelockDelay: number;
  /** The longest completion window a task may ask for (seconds). */
  maxTaskDuration: number;
}

const local: DeployConfig = {
  tokenCap: ethers.parseEther("1000000000"),
  initialSupply: ethers.parseEther("100000000"),
  votingDelay: 60,
  votingPeriod: 3600,
  proposalThreshold: ethers.parseEther("10000"),
  quorumPercent: 4,
  timelockDelay: 2 * 3600,
  maxTaskDuration: 3600,
};

const publicNet: DeployConfig = {
  ...local,
  votingDelay: 24 * 3600,
  votingPeriod: 5 * 24 * 3600,
  proposalThreshold: ethers.parseEther("100000"),
  timelockDelay: 3 * 24 * 3600,
  maxTaskDuration: 2 * 24 * 3600,
};

/** Parameters for a network name; the in-process chain and `localhost` share the local set. */
export function deployConfig(network: string): DeployConfig {
  const cfg = network === "hardhat" || network === "localhost" ? local : publicNet;
  if (cfg.timelockDelay <= cfg.maxTaskDuration) {
    throw new Error(
      `timelock delay ${cfg.timelockDelay}s must exceed the longest task ${cfg.maxTaskDuration}s`,
    );
  }
  return cfg;
}
