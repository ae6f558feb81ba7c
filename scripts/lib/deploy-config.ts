import { ethers } from "ethers";

/** A resource class the market prices and matches separately, each with its own price feed. */
export interface ResourceClassConfig {
  id: number;
  /** Short name, used for the feed's deployment name (`PriceFeed_<name>`). */
  name: string;
  /** Feed bounds: reports with a median outside [min, max] (CLAI wei per unit) are rejected. */
  minPrice: bigint;
  maxPrice: bigint;
}

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
  /** Timelock: minimum delay in seconds; must exceed the longest life of a task (see {@link taskLifetime}). */
  timelockDelay: number;
  /** The longest completion window a task may ask for (seconds). */
  maxTaskDuration: number;
  /** Reputation: gain toward 10,000 on success, cut on fault, starting score (bps). */
  reputation: { successGainBps: number; faultCutBps: number; initialScore: number };
  /** Staking parameters (see IStaking.Parameters). */
  staking: {
    minStake: bigint;
    unbondingDelay: number;
    slashRequesterBps: number;
    jailThreshold: number;
    jailDuration: number;
  };
  /** TaskMarket parameters except treasury (the timelock) and maxTaskDuration (above). */
  market: {
    protocolFeeBps: number;
    stakerFeeShareBps: number;
    lockBps: number;
    minLockedStake: bigint;
    disputeBond: bigint;
    matchTimeout: number;
    challengeWindow: number;
    arbitrationWindow: number;
    maxPriceAge: number;
  };
  resourceClasses: ResourceClassConfig[];
  /** Oracle signers per feed and the fault tolerance f (f+1 signatures per report, more than 3f signers). */
  oracle: { signers: string[]; f: number };
}

const E18 = 10n ** 18n;
const HOUR = 3600;
const DAY = 24 * HOUR;

/**
 * Local oracle signers: Hardhat's public test accounts 10–13 (derived from the well-known test mnemonic,
 * never used anywhere real). Public networks take `ORACLE_SIGNERS` (comma-separated addresses).
 */
const HARDHAT_MNEMONIC = "test test test test test test test test test test test junk";
export function localOracleWallet(index: number): ethers.HDNodeWallet {
  return ethers.HDNodeWallet.fromPhrase(HARDHAT_MNEMONIC, undefined, `m/44'/60'/0'/0/${10 + index}`);
}

const classes: ResourceClassConfig[] = [
  { id: 0, name: "CPU", minPrice: E18 / 10_000n, maxPrice: 1_000n * E18 },
  { id: 1, name: "GPU", minPrice: E18 / 1_000n, maxPrice: 10_000n * E18 },
];

const local: DeployConfig = {
  tokenCap: 1_000_000_000n * E18,
  initialSupply: 100_000_000n * E18,
  votingDelay: 60,
  votingPeriod: HOUR,
  proposalThreshold: 10_000n * E18,
  quorumPercent: 4,
  timelockDelay: 3 * HOUR,
  maxTaskDuration: HOUR,
  reputation: { successGainBps: 500, faultCutBps: 2_000, initialScore: 5_000 },
  staking: {
    minStake: 100n * E18,
    unbondingDelay: DAY,
    slashRequesterBps: 5_000,
    jailThreshold: 3,
    jailDuration: DAY,
  },
  market: {
    protocolFeeBps: 200,
    stakerFeeShareBps: 5_000,
    lockBps: 5_000,
    minLockedStake: 10n * E18,
    disputeBond: 50n * E18,
    matchTimeout: 60,
    challengeWindow: 10 * 60,
    arbitrationWindow: HOUR,
    maxPriceAge: HOUR,
  },
  resourceClasses: classes,
  oracle: { signers: [0, 1, 2, 3].map((i) => localOracleWallet(i).address), f: 1 },
};

function publicConfig(): DeployConfig {
  const signers = (process.env.ORACLE_SIGNERS ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => ethers.getAddress(s));
  return {
    ...local,
    votingDelay: DAY,
    votingPeriod: 5 * DAY,
    proposalThreshold: 100_000n * E18,
    timelockDelay: 7 * DAY,
    maxTaskDuration: 2 * DAY,
    staking: { ...local.staking, minStake: 1_000n * E18, unbondingDelay: 14 * DAY, jailDuration: 7 * DAY },
    market: { ...local.market, matchTimeout: 10 * 60, challengeWindow: DAY, arbitrationWindow: 3 * DAY },
    oracle: { signers, f: Math.max(1, Math.floor((signers.length - 1) / 3)) },
  };
}

/** The longest a task can hold funds: completion window, then challenge, then arbitration. */
export function taskLifetime(cfg: DeployConfig): number {
  return cfg.maxTaskDuration + cfg.market.challengeWindow + cfg.market.arbitrationWindow;
}

/** Parameters for a network name; the in-process chain and `localhost` share the local set. */
export function deployConfig(network: string): DeployConfig {
  const cfg = network === "hardhat" || network === "localhost" ? local : publicConfig();
  if (cfg.timelockDelay <= taskLifetime(cfg)) {
    throw new Error(
      `timelock delay ${cfg.timelockDelay}s must exceed the longest task life ${taskLifetime(cfg)}s`,
    );
  }
  if (cfg.staking.unbondingDelay <= taskLifetime(cfg)) {
    throw new Error(`unbonding delay ${cfg.staking.unbondingDelay}s must exceed the longest task life`);
  }
  return cfg;
}
