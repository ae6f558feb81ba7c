/** Reputation (Ponder: `indexer/src/staking.ts`): score changes and the initial score. */
import { ethereum } from "@graphprotocol/graph-ts";
import { ParametersSet, ReputationReset, ReputationUpdated } from "../../generated/Reputation/Reputation";
import { Provider, ReputationChange } from "../../generated/schema";
import { eventId, recordRaw } from "../helpers/events";
import { getProtocol, saveProtocol } from "../helpers/protocol";
import { loadProvider, saveProvider } from "../helpers/providers";
import { getState, recordScore } from "../helpers/state";
import {
  Reputation_ParametersSet,
  Reputation_ReputationReset,
  Reputation_ReputationUpdated,
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

function change(e: ethereum.Event, kind: string, newScore: i32): ReputationChange {
  const row = new ReputationChange(eventId(e));
  row.provider = e.parameters[0].value.toAddress();
  row.kind = kind;
  row.newScore = newScore;
  row.blockNumber = e.block.number;
  row.timestamp = e.block.timestamp;
  row.txHash = e.transaction.hash;
  return row;
}

function setScore(e: ethereum.Event, score: i32): void {
  const who = e.parameters[0].value.toAddress();
  recordScore(who.toHexString(), score);
  const p = loadProvider(who);
  if (p == null) return;
  p.reputation = score;
  saveProvider(p, e.block.timestamp);
}

export function handleReputationUpdated(e: ReputationUpdated): void {
  recordRaw(e, "ReputationUpdated", Reputation_ReputationUpdated);
  const newScore = e.params.newScore.toI32();
  const row = change(e, e.params.success ? "Success" : "Fault", newScore);
  row.success = e.params.success;
  row.oldScore = e.params.oldScore.toI32();
  row.save();
  setScore(e, newScore);
}

export function handleReputationReset(e: ReputationReset): void {
  recordRaw(e, "ReputationReset", Reputation_ReputationReset);
  const newScore = e.params.newScore.toI32();
  change(e, "Reset", newScore).save();
  setScore(e, newScore);
}

export function handleParametersSet(e: ParametersSet): void {
  recordRaw(e, "ParametersSet", Reputation_ParametersSet);
  const initialScore = e.params.initialScore.toI32();
  const protocol = getProtocol();
  protocol.reputationInitialScore = initialScore;
  saveProtocol(protocol, e.block.timestamp);
  // Providers whose score was never written score the (new) initial score.
  const unscored = getState().unscoredProviders;
  for (let i = 0; i < unscored.length; i++) {
    const p = Provider.load(unscored[i]);
    if (p == null) continue;
    p.reputation = initialScore;
    saveProvider(p, e.block.timestamp);
  }
}
