/** The protocol totals row (`id = "global"`), created with zeros on first use. */
import { BigInt } from "@graphprotocol/graph-ts";
import { Protocol } from "../../generated/schema";

const PROTOCOL_ID = "global";

/** The protocol row, or a zeroed unsaved one (Ponder: `getProtocol`). */
export function getProtocol(): Protocol {
  let p = Protocol.load(PROTOCOL_ID);
  if (p != null) return p;
  p = new Protocol(PROTOCOL_ID);
  const zero = BigInt.zero();
  p.claiTotalSupply = zero;
  p.claiHolders = 0;
  p.providerCount = 0;
  p.taskCount = 0;
  p.activeTaskCount = 0;
  p.escrowHeld = zero;
  p.totalVolume = zero;
  p.totalFees = zero;
  p.accruedFees = zero;
  p.feesToTreasury = zero;
  p.feesToStakers = zero;
  p.totalStaked = zero;
  p.totalUnbonding = zero;
  p.totalSlashed = zero;
  p.rewardsDistributed = zero;
  p.rewardsClaimed = zero;
  p.proposalCount = 0;
  p.reputationInitialScore = 0;
  p.updatedAt = zero;
  return p;
}

/** Saves a changed protocol row with `updatedAt` (Ponder: `updateProtocol`). */
export function saveProtocol(p: Protocol, timestamp: BigInt): void {
  p.updatedAt = timestamp;
  p.save();
}
