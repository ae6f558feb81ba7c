/**
 * Subgraph-only bookkeeping (see schema.graphql): the sets the Ponder handlers find with SQL queries.
 */
import { BigInt, Entity, ValueKind } from "@graphprotocol/graph-ts";
import { SubgraphAddressState, SubgraphState } from "../../generated/schema";
import { without } from "../lib/market";

const STATE_ID = "global";

export function getState(): SubgraphState {
  let s = SubgraphState.load(STATE_ID);
  if (s != null) return s;
  s = new SubgraphState(STATE_ID);
  s.priceFeeds = new Array<string>();
  s.unscoredProviders = new Array<string>();
  return s;
}

/** Per-address bookkeeping (`id` = lowercase address). */
export function getAddressState(id: string): SubgraphAddressState {
  let s = SubgraphAddressState.load(id);
  if (s != null) return s;
  s = new SubgraphAddressState(id);
  s.openOfferNonces = new Array<BigInt>();
  return s;
}

/** Whether a nullable field holds a value (generated getters read null `Int`s as 0). */
export function isSet(entity: Entity, field: string): bool {
  const v = entity.get(field);
  return v != null && v.kind != ValueKind.NULL;
}

/** Adds `id` to the registered providers never scored. */
export function addUnscored(id: string): void {
  const s = getState();
  const list = s.unscoredProviders;
  list.push(id);
  s.unscoredProviders = list;
  s.save();
}

/** Records a reputation write for `id`: its last score, and it leaves the never-scored set. */
export function recordScore(id: string, score: i32): void {
  const a = getAddressState(id);
  const first = !isSet(a, "lastScore");
  a.lastScore = score;
  a.save();
  if (!first) return;
  const s = getState();
  const before = s.unscoredProviders.length;
  const after = without(s.unscoredProviders, id);
  if (after.length != before) {
    s.unscoredProviders = after;
    s.save();
  }
}
