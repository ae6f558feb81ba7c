/** Event identity and the raw event log every handler writes first (Ponder: `on()` → `recordRaw`). */
import { dataSource, ethereum } from "@graphprotocol/graph-ts";
import { RawEvent } from "../../generated/schema";
import { argsJson } from "../lib/raw-json";
import { eventRowId } from "../lib/market";

/** `<txHash>-<logIndex>`, the id of every event row (the same in the Ponder indexer). */
export function eventId(e: ethereum.Event): string {
  return eventRowId(e.transaction.hash.toHexString(), e.logIndex.toString());
}

/** Deployment name of the data source's contract (`TaskMarket`, `PriceFeed_CPU`, …), from its context. */
export function contractName(): string {
  return dataSource.context().getString("contract");
}

/** Appends `e` to `RawEvent`; `layout` is its argument layout from `lib/event-layouts.ts`. */
export function recordRaw(e: ethereum.Event, name: string, layout: string): void {
  const values = new Array<ethereum.Value>();
  for (let i = 0; i < e.parameters.length; i++) values.push(e.parameters[i].value);
  const row = new RawEvent(eventId(e));
  row.contract = contractName();
  row.address = e.address;
  row.event = name;
  row.args = argsJson(values, layout);
  row.blockNumber = e.block.number;
  row.timestamp = e.block.timestamp;
  row.txHash = e.transaction.hash;
  row.logIndex = e.logIndex.toI32();
  row.save();
}
