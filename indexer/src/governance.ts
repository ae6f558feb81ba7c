/** CLAIGovernor proposals and votes; CLAITimelock operations. */
import { proposal, timelockOperation, vote } from "ponder:schema";
import { type Db, type LogEvent, lower, meta, on, updateProtocol } from "./lib";

type Hex = `0x${string}`;

// ───────────────────────────── governor ─────────────────────────────

on("CLAIGovernor:ProposalCreated", async ({ event, context }) => {
  const a = event.args;
  await context.db.insert(proposal).values({
    id: a.proposalId.toString(),
    proposalId: a.proposalId,
    proposer: a.proposer,
    targets: [...a.targets],
    values: [...a.values],
    signatures: [...a.signatures],
    calldatas: [...a.calldatas],
    voteStart: a.voteStart,
    voteEnd: a.voteEnd,
    description: a.description,
    status: "Pending",
    forVotes: 0n,
    againstVotes: 0n,
    abstainVotes: 0n,
    voteCount: 0,
    etaSeconds: null,
    createdAt: event.block.timestamp,
    createdBlock: event.block.number,
    createdTx: event.transaction.hash,
    queuedAt: null,
    executedAt: null,
    canceledAt: null,
  });
  await updateProtocol(context.db, event.block.timestamp, (p) => ({ proposalCount: p.proposalCount + 1 }));
});

async function castVote(
  db: Db,
  e: LogEvent,
  v: { voter: Hex; proposalId: bigint; support: number; weight: bigint; reason: string; params: Hex | null },
) {
  await db.insert(vote).values({
    id: `${v.proposalId}-${lower(v.voter)}`,
    proposalId: v.proposalId,
    voter: v.voter,
    support: v.support,
    weight: v.weight,
    reason: v.reason,
    params: v.params,
    ...meta(e),
  });
  await db.update(proposal, { id: v.proposalId.toString() }).set((p) => ({
    voteCount: p.voteCount + 1,
    againstVotes: p.againstVotes + (v.support === 0 ? v.weight : 0n),
    forVotes: p.forVotes + (v.support === 1 ? v.weight : 0n),
    abstainVotes: p.abstainVotes + (v.support === 2 ? v.weight : 0n),
  }));
}

on("CLAIGovernor:VoteCast", async ({ event, context }) => {
  await castVote(context.db, event, { ...event.args, params: null });
});
on("CLAIGovernor:VoteCastWithParams", async ({ event, context }) => {
  await castVote(context.db, event, event.args);
});
on("CLAIGovernor:ProposalQueued", async ({ event, context }) => {
  await context.db
    .update(proposal, { id: event.args.proposalId.toString() })
    .set({ status: "Queued", etaSeconds: event.args.etaSeconds, queuedAt: event.block.timestamp });
});
on("CLAIGovernor:ProposalExecuted", async ({ event, context }) => {
  await context.db
    .update(proposal, { id: event.args.proposalId.toString() })
    .set({ status: "Executed", executedAt: event.block.timestamp });
});
on("CLAIGovernor:ProposalCanceled", async ({ event, context }) => {
  await context.db
    .update(proposal, { id: event.args.proposalId.toString() })
    .set({ status: "Canceled", canceledAt: event.block.timestamp });
});
on("CLAIGovernor:ProposalThresholdSet");
on("CLAIGovernor:QuorumNumeratorUpdated");
on("CLAIGovernor:TimelockChange");
on("CLAIGovernor:VotingDelaySet");
on("CLAIGovernor:VotingPeriodSet");

// ───────────────────────────── timelock ─────────────────────────────

on("CLAITimelock:CallScheduled", async ({ event, context }) => {
  const { id, index, target, predecessor, delay } = event.args;
  const key = lower(id);
  const existing = await context.db.find(timelockOperation, { id: key });
  const ts = event.block.timestamp;
  // Index 0 starts an operation (again, if a cancelled operation with the same id is rescheduled).
  if (!existing || index === 0n) {
    const row = {
      opId: id,
      status: "Scheduled",
      calls: 1,
      targets: [target],
      predecessor,
      salt: null,
      delay,
      scheduledAt: ts,
      readyAt: ts + delay,
      executedAt: null,
      cancelledAt: null,
    };
    if (existing) await context.db.update(timelockOperation, { id: key }).set(row);
    else await context.db.insert(timelockOperation).values({ id: key, ...row });
  } else {
    await context.db
      .update(timelockOperation, { id: key })
      .set((op) => ({ calls: op.calls + 1, targets: [...op.targets, target] }));
  }
});
on("CLAITimelock:CallSalt", async ({ event, context }) => {
  await context.db.update(timelockOperation, { id: lower(event.args.id) }).set({ salt: event.args.salt });
});
on("CLAITimelock:CallExecuted", async ({ event, context }) => {
  // Operations scheduled before the indexer's start block (none for a full export) are skipped.
  const key = lower(event.args.id);
  if (!(await context.db.find(timelockOperation, { id: key }))) return;
  await context.db
    .update(timelockOperation, { id: key })
    .set({ status: "Executed", executedAt: event.block.timestamp });
});
on("CLAITimelock:Cancelled", async ({ event, context }) => {
  const key = lower(event.args.id);
  if (!(await context.db.find(timelockOperation, { id: key }))) return;
  await context.db
    .update(timelockOperation, { id: key })
    .set({ status: "Cancelled", cancelledAt: event.block.timestamp });
});
on("CLAITimelock:MinDelayChange");
