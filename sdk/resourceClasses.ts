/**
 * Resource classes by name: ids 0–63 on-chain, named after their price feed in the deployment export
 * (`PriceFeed_CPU` → `CPU`). The name ↔ id link is read from TaskMarket's `priceFeed(id)`.
 */
import { ZeroAddress } from "ethers";
import type { CloudAIContracts } from "./deployment";
import type { PriceFeed } from "../typechain-types";

/** Resource class ids are below this (TaskMarket and Staking use a 64-bit class mask). */
export const MAX_RESOURCE_CLASSES = 64;

export interface ResourceClassInfo {
  id: number;
  /** The feed's export name, or `class<id>` when the feed is not in the export. */
  name: string;
  feed?: PriceFeed;
}

/** Every class that has a price feed in the market, by id. */
export async function listResourceClasses(
  contracts: Pick<CloudAIContracts, "market" | "feeds">,
): Promise<ResourceClassInfo[]> {
  const byAddress = new Map<string, [string, PriceFeed]>();
  for (const [name, feed] of Object.entries(contracts.feeds))
    byAddress.set((await feed.getAddress()).toLowerCase(), [name, feed]);
  const ids = Array.from({ length: MAX_RESOURCE_CLASSES }, (_, i) => i);
  const addrs = await Promise.all(ids.map((i) => contracts.market.priceFeed(i)));
  const out: ResourceClassInfo[] = [];
  for (const id of ids) {
    if (addrs[id] === ZeroAddress) continue;
    const known = byAddress.get(addrs[id].toLowerCase());
    out.push({ id, name: known?.[0] ?? `class${id}`, feed: known?.[1] });
  }
  return out;
}
