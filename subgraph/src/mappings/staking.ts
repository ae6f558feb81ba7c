/**
 * Staking (Ponder: `indexer/src/staking.ts`): provider registry, stake, unbonding, slashing, jailing,
 * rewards. Locked stake has no event of its own: it moves with the market's events (`task-market.ts`).
 */
import { Address, BigInt, ethereum } from "@graphprotocol/graph-ts";
import {
  Jailed,
  ParametersSet,
  ProviderRegistered,
  ProviderUpdated,
  RewardsClaimed,
  RewardsDistributed,
  Slashed,
  Staked,
  Unbonded,
  Unjailed,
  Withdrawn,
} from "../../generated/Staking/Staking";
import { Provider, RewardDistribution, StakeChange } from "../../generated/schema";
import { eventId, recordRaw } from "../helpers/events";
import { getProtocol, saveProtocol } from "../helpers/protocol";
import { loadProvider, saveProvider, stakeOf } from "../helpers/providers";
import { addUnscored, getAddressState, isSet } from "../helpers/state";
import {
  Staking_Jailed,
  Staking_ParametersSet,
  Staking_ProviderRegistered,
  Staking_ProviderUpdated,
  Staking_RewardsClaimed,
  Staking_RewardsDistributed,
  Staking_Slashed,
  Staking_Staked,
  Staking_Unbonded,
  Staking_Unjailed,
  Staking_Withdrawn,
} from "../lib/event-layouts";

export {
  handleAdminChanged,
  handleBeaconUpgraded,
  handleInitialized,
  handleRoleAdminChanged,
  handleRoleGranted,
  handleRoleRevoked,
  handleUpgraded,
} from "./common";

/** A `StakeChange` row; `until`, `requester`, `toRequester` and `toRewards` stay null unless the caller sets them. */
function stakeChange(
  e: ethereum.Event,
  who: Address,
  kind: string,
  amount: BigInt,
  stakeAfter: BigInt,
): StakeChange {
  const row = new StakeChange(eventId(e));
  row.provider = who;
  row.kind = kind;
  row.amount = amount;
  row.stakeAfter = stakeAfter;
  row.blockNumber = e.block.number;
  row.timestamp = e.block.timestamp;
  row.txHash = e.transaction.hash;
  return row;
}

export function handleProviderRegistered(e: ProviderRegistered): void {
  recordRaw(e, "ProviderRegistered", Staking_ProviderRegistered);
  const who = e.params.provider;
  const id = who.toHexString();
  const ts = e.block.timestamp;
  const protocol = getProtocol();
  // A score written before registration (a governance reset) is the provider's score; otherwise the
  // initial score, which it follows until its first write.
  const state = getAddressState(id);
  let reputation = protocol.reputationInitialScore;
  if (isSet(state, "lastScore")) reputation = state.lastScore;
  else addUnscored(id);

  const p = new Provider(id);
  p.address = who;
  p.metadataURI = e.params.metadataURI;
  p.encryptionPublicKey = e.params.encryptionPublicKey;
  p.resourceClasses = e.params.resourceClasses;
  p.stake = BigInt.zero();
  p.locked = BigInt.zero();
  p.unbonding = BigInt.zero();
  p.unbondReadyAt = BigInt.zero();
  p.faults = 0;
  p.jailedUntil = BigInt.zero();
  p.reputation = reputation;
  p.minOfferNonce = BigInt.zero();
  p.totalSlashed = BigInt.zero();
  p.rewardsClaimed = BigInt.zero();
  p.tasksAssigned = 0;
  p.tasksCompleted = 0;
  p.tasksFailed = 0;
  p.tasksRejected = 0;
  p.tasksAnnulled = 0;
  p.volume = BigInt.zero();
  p.earnings = BigInt.zero();
  p.registeredAt = ts;
  p.registeredBlock = e.block.number;
  p.updatedAt = ts;
  p.save();
  protocol.providerCount = protocol.providerCount + 1;
  saveProtocol(protocol, ts);
}

export function handleProviderUpdated(e: ProviderUpdated): void {
  recordRaw(e, "ProviderUpdated", Staking_ProviderUpdated);
  const p = loadProvider(e.params.provider);
  if (p == null) return;
  p.metadataURI = e.params.metadataURI;
  p.encryptionPublicKey = e.params.encryptionPublicKey;
  p.resourceClasses = e.params.resourceClasses;
  saveProvider(p, e.block.timestamp);
}

export function handleStaked(e: Staked): void {
  recordRaw(e, "Staked", Staking_Staked);
  const amount = e.params.amount;
  const ts = e.block.timestamp;
  const p = loadProvider(e.params.provider);
  if (p != null) {
    p.stake = p.stake.plus(amount);
    saveProvider(p, ts);
  }
  stakeChange(e, e.params.provider, "Staked", amount, stakeOf(p)).save();
  const protocol = getProtocol();
  protocol.totalStaked = protocol.totalStaked.plus(amount);
  saveProtocol(protocol, ts);
}

export function handleUnbonded(e: Unbonded): void {
  recordRaw(e, "Unbonded", Staking_Unbonded);
  const amount = e.params.amount;
  const ts = e.block.timestamp;
  const p = loadProvider(e.params.provider);
  if (p != null) {
    p.stake = p.stake.minus(amount);
    p.unbonding = p.unbonding.plus(amount);
    p.unbondReadyAt = e.params.readyAt;
    saveProvider(p, ts);
  }
  const row = stakeChange(e, e.params.provider, "Unbonded", amount, stakeOf(p));
  row.until = e.params.readyAt;
  row.save();
  const protocol = getProtocol();
  protocol.totalStaked = protocol.totalStaked.minus(amount);
  protocol.totalUnbonding = protocol.totalUnbonding.plus(amount);
  saveProtocol(protocol, ts);
}

export function handleWithdrawn(e: Withdrawn): void {
  recordRaw(e, "Withdrawn", Staking_Withdrawn);
  const amount = e.params.amount;
  const ts = e.block.timestamp;
  const p = loadProvider(e.params.provider);
  if (p != null) {
    p.unbonding = p.unbonding.minus(amount);
    saveProvider(p, ts);
  }
  stakeChange(e, e.params.provider, "Withdrawn", amount, stakeOf(p)).save();
  const protocol = getProtocol();
  protocol.totalUnbonding = protocol.totalUnbonding.minus(amount);
  saveProtocol(protocol, ts);
}

export function handleJailed(e: Jailed): void {
  recordRaw(e, "Jailed", Staking_Jailed);
  // Staking emits Jailed inside `slash`, right before Slashed, after resetting its fault counter: -1 here
  // becomes 0 when the Slashed handler counts the fault (as the Ponder handler does).
  const p = loadProvider(e.params.provider);
  if (p != null) {
    p.jailedUntil = e.params.until;
    p.faults = -1;
    saveProvider(p, e.block.timestamp);
  }
  const row = stakeChange(e, e.params.provider, "Jailed", BigInt.zero(), stakeOf(p));
  row.until = e.params.until;
  row.save();
}

export function handleUnjailed(e: Unjailed): void {
  recordRaw(e, "Unjailed", Staking_Unjailed);
  const p = loadProvider(e.params.provider);
  if (p != null) {
    p.jailedUntil = BigInt.zero();
    p.faults = 0;
    saveProvider(p, e.block.timestamp);
  }
  stakeChange(e, e.params.provider, "Unjailed", BigInt.zero(), stakeOf(p)).save();
}

export function handleSlashed(e: Slashed): void {
  recordRaw(e, "Slashed", Staking_Slashed);
  const amount = e.params.amount;
  const ts = e.block.timestamp;
  const p = loadProvider(e.params.provider);
  if (p != null) {
    p.stake = p.stake.minus(amount);
    p.faults = p.faults + 1;
    p.totalSlashed = p.totalSlashed.plus(amount);
    saveProvider(p, ts);
  }
  const row = stakeChange(e, e.params.provider, "Slashed", amount, stakeOf(p));
  row.requester = e.params.requester;
  row.toRequester = e.params.toRequester;
  row.toRewards = e.params.toRewards;
  row.save();
  const protocol = getProtocol();
  protocol.totalStaked = protocol.totalStaked.minus(amount);
  protocol.totalSlashed = protocol.totalSlashed.plus(amount);
  saveProtocol(protocol, ts);
}

export function handleRewardsDistributed(e: RewardsDistributed): void {
  recordRaw(e, "RewardsDistributed", Staking_RewardsDistributed);
  const row = new RewardDistribution(eventId(e));
  row.amount = e.params.amount;
  row.accRewardPerShare = e.params.accRewardPerShare;
  row.blockNumber = e.block.number;
  row.timestamp = e.block.timestamp;
  row.txHash = e.transaction.hash;
  row.save();
  const protocol = getProtocol();
  protocol.rewardsDistributed = protocol.rewardsDistributed.plus(e.params.amount);
  saveProtocol(protocol, e.block.timestamp);
}

export function handleRewardsClaimed(e: RewardsClaimed): void {
  recordRaw(e, "RewardsClaimed", Staking_RewardsClaimed);
  const amount = e.params.amount;
  const ts = e.block.timestamp;
  const p = loadProvider(e.params.provider);
  if (p != null) {
    p.rewardsClaimed = p.rewardsClaimed.plus(amount);
    saveProvider(p, ts);
  }
  stakeChange(e, e.params.provider, "RewardsClaimed", amount, stakeOf(p)).save();
  const protocol = getProtocol();
  protocol.rewardsClaimed = protocol.rewardsClaimed.plus(amount);
  saveProtocol(protocol, ts);
}

export function handleParametersSet(e: ParametersSet): void {
  recordRaw(e, "ParametersSet", Staking_ParametersSet);
}
