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
  /**
   * Timelock: minimum delay in seconds. Must exceed `maxTaskDuration`, so a task created before a
   * parameter change is announced completes before it takes effect (see {@link checkDeployConfig}).
   */
  timelockDelay: number;
  /** The longest completion window a task may ask for (seconds). */
  maxTaskDuration: number;
  /** Reputation: gain toward 10,000 on success, cut on fault, starting score (bps). */
  reputation: { successGainBps: number; faultCutBps: number; initialScore: number };
  /** Staking parameters (see IStaking.Parameters); `unbondingDelay` must exceed {@link taskLifetime}. */
  staking: {
    minStake: bigint;
    unbondingDelay: number;
    slashRequesterBps: number;
    jailThreshold: number;
    jailDuration: number;
  };
  /**
   * TaskMarket parameters (ITaskMarket.Config, field names as in the struct) except treasury (the timelock)
   * and maxTaskDuration (above). `arbitrationWindow` must exceed {@link governanceLatency}: the arbiter is
   * the timelock, so a dispute must stay open long enough for a proposal to pass and execute.
   */
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
    /** Seconds after assignment during which the provider may reject a task unslashed (0 < it < maxTaskDuration). */
    rejectWindow: number;
    /** Smallest task payment (CLAI wei) whose completion earns reputation. */
    minReputationPayment: bigint;
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
  timelockDelay: 2 * HOUR,
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
    arbitrationWindow: 4 * HOUR,
    maxPriceAge: HOUR,
    rejectWindow: 5 * 60,
    minReputationPayment: E18,
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
    timelockDelay: 3 * DAY,
    maxTaskDuration: 2 * DAY,
    staking: { ...local.staking, minStake: 1_000n * E18, unbondingDelay: 21 * DAY, jailDuration: 7 * DAY },
    market: {
      ...local.market,
      matchTimeout: 10 * 60,
      challengeWindow: DAY,
      arbitrationWindow: 10 * DAY,
      rejectWindow: 30 * 60,
    },
    oracle: { signers, f: Math.max(1, Math.floor((signers.length - 1) / 3)) },
  };
}

/** The longest a task can hold funds: completion window, then challenge, then arbitration. */
export function taskLifetime(cfg: DeployConfig): number {
  return cfg.maxTaskDuration + cfg.market.challengeWindow + cfg.market.arbitrationWindow;
}

/** The longest governance takes to act (e.g. resolve a dispute): proposal to vote, vote, timelock. */
export function governanceLatency(cfg: DeployConfig): number {
  return cfg.votingDelay + cfg.votingPeriod + cfg.timelockDelay;
}

/** Thrown when deployment parameters break a cross-contract timing rule. */
export class DeployConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DeployConfigError";
  }
}

/**
 * Checks the timing rules between governance, staking and the market:
 * - timelock delay > maxTaskDuration (a task's completion window fits in the notice of a parameter change);
 * - arbitrationWindow > votingDelay + votingPeriod + timelockDelay (governance, the arbiter, can always
 *   resolve a dispute in time; otherwise a requester could dispute every optimistic task and let it lapse);
 * - unbonding delay > maxTaskDuration + challengeWindow + arbitrationWindow (locked stake cannot leave
 *   before the task that locked it ends);
 * - 0 < rejectWindow < maxTaskDuration (as TaskMarket's setConfig requires).
 * @throws DeployConfigError naming the rule and the values.
 */
export function checkDeployConfig(cfg: DeployConfig): void {
  if (cfg.timelockDelay <= cfg.maxTaskDuration) {
    throw new DeployConfigError(
      `timelock delay ${cfg.timelockDelay}s must exceed the longest completion window (maxTaskDuration ${cfg.maxTaskDuration}s)`,
    );
  }
  if (cfg.market.arbitrationWindow <= governanceLatency(cfg)) {
    throw new DeployConfigError(
      `arbitration window ${cfg.market.arbitrationWindow}s must exceed governance latency ${governanceLatency(cfg)}s ` +
        `(voting delay ${cfg.votingDelay}s + voting period ${cfg.votingPeriod}s + timelock delay ${cfg.timelockDelay}s)`,
    );
  }
  if (cfg.staking.unbondingDelay <= taskLifetime(cfg)) {
    throw new DeployConfigError(
      `unbonding delay ${cfg.staking.unbondingDelay}s must exceed the longest task life ${taskLifetime(cfg)}s ` +
        `(maxTaskDuration + challengeWindow + arbitrationWindow)`,
    );
  }
  if (cfg.market.rejectWindow <= 0 || cfg.market.rejectWindow >= cfg.maxTaskDuration) {
    throw new DeployConfigError(
      `reject window ${cfg.market.rejectWindow}s must be positive and below maxTaskDuration ${cfg.maxTaskDuration}s`,
    );
  }
}

/** Parameters for a network name; the in-process chain and `localhost` share the local set. */
export function deployConfig(network: string): DeployConfig {
  const cfg = network === "hardhat" || network === "localhost" ? local : publicConfig();
  checkDeployConfig(cfg);
  return cfg;
}
