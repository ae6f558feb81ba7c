/**
 * Governance round-trip helpers for the in-process chain and a local node (they move time with the
 * Hardhat network helpers, so they never work against a public network). Used by deploy scripts, the
 * demo, benchmarks and tests.
 */
import { id } from "ethers";
import { time, mine } from "@nomicfoundation/hardhat-network-helpers";
import type { Signer } from "ethers";
import type { CLAIGovernor } from "../../typechain-types";

/** A proposal's actions and description, as Governor takes them. */
export interface Proposal {
  targets: string[];
  values: bigint[];
  calldatas: string[];
  description: string;
}

export const VoteType = { Against: 0, For: 1, Abstain: 2 } as const;
export const ProposalState = {
  Pending: 0n,
  Active: 1n,
  Canceled: 2n,
  Defeated: 3n,
  Succeeded: 4n,
  Queued: 5n,
  Expired: 6n,
  Executed: 7n,
} as const;

export function descriptionHash(p: Proposal): string {
  return id(p.description);
}

export async function propose(governor: CLAIGovernor, proposer: Signer, p: Proposal): Promise<bigint> {
  await governor.connect(proposer).propose(p.targets, p.values, p.calldatas, p.description);
  return governor.hashProposal(p.targets, p.values, p.calldatas, descriptionHash(p));
}

/** Moves time past the voting delay so the proposal is Active. */
export async function toVoting(governor: CLAIGovernor, id: bigint): Promise<void> {
  await time.increaseTo((await governor.proposalSnapshot(id)) + 1n);
}

/** Moves time past the end of voting. */
export async function toVoteEnd(governor: CLAIGovernor, id: bigint): Promise<void> {
  await time.increaseTo((await governor.proposalDeadline(id)) + 1n);
}

/** Propose, vote For with every given voter, end voting, queue, wait the delay and execute. */
export async function passProposal(governor: CLAIGovernor, proposer: Signer, voters: Signer[], p: Proposal) {
  const id = await propose(governor, proposer, p);
  await toVoting(governor, id);
  for (const v of voters) await governor.connect(v).castVote(id, VoteType.For);
  await toVoteEnd(governor, id);
  await governor.queue(p.targets, p.values, p.calldatas, descriptionHash(p));
  await time.increaseTo((await governor.proposalEta(id)) + 1n);
  await mine();
  await governor.execute(p.targets, p.values, p.calldatas, descriptionHash(p));
  return id;
}
