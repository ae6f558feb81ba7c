/**
 * Reading tasks for the CLI: the stored struct (unknown ids become a clear error) and the CIDs that live
 * only in events (`inputCid` in TaskCreated, `resultCid` in ResultSubmitted / ProofAccepted).
 */
import { ZeroAddress } from "ethers";
import { CliError, type CliContext } from "../context";
import type { ITaskMarket } from "../../typechain-types/contracts/market/TaskMarket";

export type StoredTask = ITaskMarket.TaskStructOutput;

/** The task, or a {@link CliError} naming the valid id range. */
export async function getTaskOrThrow(ctx: CliContext, id: bigint): Promise<StoredTask> {
  const task = await ctx.rpc("getTask", () => ctx.contracts.market.getTask(id));
  if (task.requester === ZeroAddress) {
    const count = await ctx.rpc("taskCount", () => ctx.contracts.market.taskCount());
    throw new CliError(
      `unknown task ${id} on chain ${ctx.chainId}: ${count === 0n ? "no tasks yet" : `task ids are 1..${count}`}`,
    );
  }
  return task;
}

/** First block worth scanning for market events (the market's deployment block). */
export function marketStartBlock(ctx: CliContext): number {
  return ctx.exp.contracts.TaskMarket?.startBlock ?? 0;
}

/** The input CID the task was created with (from its TaskCreated event). */
export async function taskInputCid(ctx: CliContext, id: bigint): Promise<string | undefined> {
  const market = ctx.contracts.market;
  const logs = await ctx.rpc("TaskCreated logs", () =>
    market.queryFilter(market.filters.TaskCreated(id), marketStartBlock(ctx)),
  );
  return logs[0]?.args.params.inputCid;
}

export interface TaskResultRef {
  resultCid: string;
  /** The commitment posted with the result (bytes32 hex). */
  commitment: string;
  /** Block of the result event. */
  blockNumber: number;
  txHash: string;
}

/** The latest result posted for the task (ResultSubmitted or ProofAccepted), if any. */
export async function taskResultRef(ctx: CliContext, id: bigint): Promise<TaskResultRef | undefined> {
  const market = ctx.contracts.market;
  const from = marketStartBlock(ctx);
  const [submitted, proved] = await Promise.all([
    ctx.rpc("ResultSubmitted logs", () => market.queryFilter(market.filters.ResultSubmitted(id), from)),
    ctx.rpc("ProofAccepted logs", () => market.queryFilter(market.filters.ProofAccepted(id), from)),
  ]);
  const refs: TaskResultRef[] = [
    ...submitted.map((l) => ({
      resultCid: l.args.resultCid,
      commitment: l.args.resultCommitment,
      blockNumber: l.blockNumber,
      txHash: l.transactionHash,
    })),
    ...proved.map((l) => ({
      resultCid: l.args.resultCid,
      commitment: l.args.outputCommitment,
      blockNumber: l.blockNumber,
      txHash: l.transactionHash,
    })),
  ];
  refs.sort((a, b) => a.blockNumber - b.blockNumber);
  return refs.at(-1);
}
