/**
 * Reading TaskMarket events by polling `eth_getLogs` over bounded block ranges (no websocket
 * subscriptions, which drop silently on many RPC providers): one query per range for TaskCreated and
 * TaskAssigned together, decoded with the market's ABI.
 */
import type { Provider } from "ethers";
import type { TaskMarket } from "../typechain-types";
import type { Candidate, TaskMode } from "./state";

export interface AssignedEvent {
  taskId: string;
  provider: string;
  pricePerUnit: bigint;
  claimed: boolean;
  block: number;
}

export interface MarketEvents {
  created: Candidate[];
  assigned: AssignedEvent[];
}

export const modeName = (mode: bigint | number): TaskMode => (Number(mode) === 1 ? "ZK" : "OPTIMISTIC");

/** TaskCreated and TaskAssigned events of `market` in blocks [from, to], in chain order. */
export async function readMarketEvents(
  provider: Provider,
  market: TaskMarket,
  marketAddress: string,
  from: number,
  to: number,
): Promise<MarketEvents> {
  const created = market.interface.getEvent("TaskCreated").topicHash;
  const assigned = market.interface.getEvent("TaskAssigned").topicHash;
  const logs = await provider.getLogs({
    address: marketAddress,
    topics: [[created, assigned]],
    fromBlock: from,
    toBlock: to,
  });
  const out: MarketEvents = { created: [], assigned: [] };
  for (const log of logs) {
    const parsed = market.interface.parseLog({ topics: [...log.topics], data: log.data });
    if (!parsed) continue;
    if (parsed.name === "TaskCreated") {
      const p = parsed.args.params as {
        resourceClass: bigint;
        mode: bigint;
        minReputation: bigint;
        units: bigint;
        assignDeadline: bigint;
        circuitId: string;
        inputCommitment: string;
        inputCid: string;
      };
      out.created.push({
        taskId: (parsed.args.taskId as bigint).toString(),
        resourceClass: Number(p.resourceClass),
        mode: modeName(p.mode),
        circuitId: p.circuitId,
        inputCommitment: p.inputCommitment,
        inputCid: p.inputCid,
        units: Number(p.units),
        maxPricePerUnit: parsed.args.maxPricePerUnit as bigint,
        minReputation: Number(p.minReputation),
        assignDeadline: Number(p.assignDeadline),
        createdBlock: log.blockNumber,
      });
    } else if (parsed.name === "TaskAssigned") {
      out.assigned.push({
        taskId: (parsed.args.taskId as bigint).toString(),
        provider: parsed.args.provider as string,
        pricePerUnit: parsed.args.pricePerUnit as bigint,
        claimed: parsed.args.claimed as boolean,
        block: log.blockNumber,
      });
    }
  }
  return out;
}

/** Splits [from, to] into ranges of at most `size` blocks. */
export function blockRanges(from: number, to: number, size: number): [number, number][] {
  const out: [number, number][] = [];
  for (let a = from; a <= to; a += size) out.push([a, Math.min(to, a + size - 1)]);
  return out;
}
