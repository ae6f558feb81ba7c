/** CLAIGovernor (Ponder: `indexer/src/governance.ts`): proposals and votes. */
import { Address, BigInt, Bytes, ethereum, log } from "@graphprotocol/graph-ts";
import {
  ProposalCanceled,
  ProposalCreated,
  ProposalExecuted,
  ProposalQueued,
  ProposalThresholdSet,
  QuorumNumeratorUpdated,
  TimelockChange,
  VoteCast,
  VoteCastWithParams,
  VotingDelaySet,
  VotingPeriodSet,
} from "../../generated/CLAIGovernor/CLAIGovernor";
import { Proposal, Vote } from "../../generated/schema";
import { recordRaw } from "../helpers/events";
import { getProtocol, saveProtocol } from "../helpers/protocol";
import {
  CLAIGovernor_ProposalCanceled,
  CLAIGovernor_ProposalCreated,
  CLAIGovernor_ProposalExecuted,
  CLAIGovernor_ProposalQueued,
  CLAIGovernor_ProposalThresholdSet,
  CLAIGovernor_QuorumNumeratorUpdated,
  CLAIGovernor_TimelockChange,
  CLAIGovernor_VoteCast,
  CLAIGovernor_VoteCastWithParams,
  CLAIGovernor_VotingDelaySet,
  CLAIGovernor_VotingPeriodSet,
} from "../lib/event-layouts";

export {
  handleAdminChanged,
  handleBeaconUpgraded,
  handleEIP712DomainChanged,
  handleInitialized,
  handleUpgraded,
} from "./common";

export function handleProposalCreated(e: ProposalCreated): void {
  recordRaw(e, "ProposalCreated", CLAIGovernor_ProposalCreated);
  const id = e.params.proposalId;
  const p = new Proposal(id.toString());
  p.proposalId = id;
  p.proposer = e.params.proposer;
  p.targets = changetype<Array<Bytes>>(e.params.targets);
  p.values = e.params.values;
  p.signatures = e.params.signatures;
  p.calldatas = e.params.calldatas;
  p.voteStart = e.params.voteStart;
  p.voteEnd = e.params.voteEnd;
  p.description = e.params.description;
  p.status = "Pending";
  p.forVotes = BigInt.zero();
  p.againstVotes = BigInt.zero();
  p.abstainVotes = BigInt.zero();
  p.voteCount = 0;
  p.createdAt = e.block.timestamp;
  p.createdBlock = e.block.number;
  p.createdTx = e.transaction.hash;
  p.save();
  const protocol = getProtocol();
  protocol.proposalCount = protocol.proposalCount + 1;
  saveProtocol(protocol, e.block.timestamp);
}

function castVote(
  e: ethereum.Event,
  voter: Address,
  proposalId: BigInt,
  support: i32,
  weight: BigInt,
  reason: string,
  params: Bytes | null,
): void {
  const v = new Vote(proposalId.toString() + "-" + voter.toHexString());
  v.proposalId = proposalId;
  v.voter = voter;
  v.support = support;
  v.weight = weight;
  v.reason = reason;
  v.params = params;
  v.blockNumber = e.block.number;
  v.timestamp = e.block.timestamp;
  v.txHash = e.transaction.hash;
  v.save();
  const p = Proposal.load(proposalId.toString());
  if (p == null) {
    log.warning("vote on unknown proposal {}", [proposalId.toString()]);
    return;
  }
  p.voteCount = p.voteCount + 1;
  if (support == 0) p.againstVotes = p.againstVotes.plus(weight);
  if (support == 1) p.forVotes = p.forVotes.plus(weight);
  if (support == 2) p.abstainVotes = p.abstainVotes.plus(weight);
  p.save();
}

export function handleVoteCast(e: VoteCast): void {
  recordRaw(e, "VoteCast", CLAIGovernor_VoteCast);
  const a = e.params;
  castVote(e, a.voter, a.proposalId, a.support, a.weight, a.reason, null);
}

export function handleVoteCastWithParams(e: VoteCastWithParams): void {
  recordRaw(e, "VoteCastWithParams", CLAIGovernor_VoteCastWithParams);
  const a = e.params;
  castVote(e, a.voter, a.proposalId, a.support, a.weight, a.reason, a.params);
}

/** The proposal an event names, or null (logged) when it was never created. */
function proposalOf(id: BigInt): Proposal | null {
  const p = Proposal.load(id.toString());
  if (p == null) log.warning("event for unknown proposal {}", [id.toString()]);
  return p;
}

export function handleProposalQueued(e: ProposalQueued): void {
  recordRaw(e, "ProposalQueued", CLAIGovernor_ProposalQueued);
  const p = proposalOf(e.params.proposalId);
  if (p == null) return;
  p.status = "Queued";
  p.etaSeconds = e.params.etaSeconds;
  p.queuedAt = e.block.timestamp;
  p.save();
}

export function handleProposalExecuted(e: ProposalExecuted): void {
  recordRaw(e, "ProposalExecuted", CLAIGovernor_ProposalExecuted);
  const p = proposalOf(e.params.proposalId);
  if (p == null) return;
  p.status = "Executed";
  p.executedAt = e.block.timestamp;
  p.save();
}

export function handleProposalCanceled(e: ProposalCanceled): void {
  recordRaw(e, "ProposalCanceled", CLAIGovernor_ProposalCanceled);
  const p = proposalOf(e.params.proposalId);
  if (p == null) return;
  p.status = "Canceled";
  p.canceledAt = e.block.timestamp;
  p.save();
}

export function handleProposalThresholdSet(e: ProposalThresholdSet): void {
  recordRaw(e, "ProposalThresholdSet", CLAIGovernor_ProposalThresholdSet);
}

export function handleQuorumNumeratorUpdated(e: QuorumNumeratorUpdated): void {
  recordRaw(e, "QuorumNumeratorUpdated", CLAIGovernor_QuorumNumeratorUpdated);
}

export function handleTimelockChange(e: TimelockChange): void {
  recordRaw(e, "TimelockChange", CLAIGovernor_TimelockChange);
}

export function handleVotingDelaySet(e: VotingDelaySet): void {
  recordRaw(e, "VotingDelaySet", CLAIGovernor_VotingDelaySet);
}

export function handleVotingPeriodSet(e: VotingPeriodSet): void {
  recordRaw(e, "VotingPeriodSet", CLAIGovernor_VotingPeriodSet);
}
