/** CLAITimelock (Ponder: `indexer/src/governance.ts`): scheduled, executed and cancelled operations. */
import { Bytes, log } from "@graphprotocol/graph-ts";
import {
  CallExecuted,
  CallSalt,
  CallScheduled,
  Cancelled,
  MinDelayChange,
} from "../../generated/CLAITimelock/CLAITimelock";
import { TimelockOperation } from "../../generated/schema";
import { recordRaw } from "../helpers/events";
import {
  CLAITimelock_CallExecuted,
  CLAITimelock_CallSalt,
  CLAITimelock_CallScheduled,
  CLAITimelock_Cancelled,
  CLAITimelock_MinDelayChange,
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

export function handleCallScheduled(e: CallScheduled): void {
  recordRaw(e, "CallScheduled", CLAITimelock_CallScheduled);
  const key = e.params.id.toHexString();
  const ts = e.block.timestamp;
  let op = TimelockOperation.load(key);
  // Index 0 starts an operation (again, if a cancelled operation with the same id is rescheduled).
  if (op == null || e.params.index.isZero()) {
    if (op == null) op = new TimelockOperation(key);
    op.opId = e.params.id;
    op.status = "Scheduled";
    op.calls = 1;
    op.targets = [changetype<Bytes>(e.params.target)];
    op.predecessor = e.params.predecessor;
    op.salt = null;
    op.delay = e.params.delay;
    op.scheduledAt = ts;
    op.readyAt = ts.plus(e.params.delay);
    op.executedAt = null;
    op.cancelledAt = null;
  } else {
    op.calls = op.calls + 1;
    const targets = op.targets;
    targets.push(changetype<Bytes>(e.params.target));
    op.targets = targets;
  }
  op.save();
}

export function handleCallSalt(e: CallSalt): void {
  recordRaw(e, "CallSalt", CLAITimelock_CallSalt);
  const op = TimelockOperation.load(e.params.id.toHexString());
  if (op == null) {
    log.warning("CallSalt for unknown operation {}", [e.params.id.toHexString()]);
    return;
  }
  op.salt = e.params.salt;
  op.save();
}

export function handleCallExecuted(e: CallExecuted): void {
  recordRaw(e, "CallExecuted", CLAITimelock_CallExecuted);
  // Operations scheduled before the start block (none for a full export) are skipped.
  const op = TimelockOperation.load(e.params.id.toHexString());
  if (op == null) return;
  op.status = "Executed";
  op.executedAt = e.block.timestamp;
  op.save();
}

export function handleCancelled(e: Cancelled): void {
  recordRaw(e, "Cancelled", CLAITimelock_Cancelled);
  const op = TimelockOperation.load(e.params.id.toHexString());
  if (op == null) return;
  op.status = "Cancelled";
  op.cancelledAt = e.block.timestamp;
  op.save();
}

export function handleMinDelayChange(e: MinDelayChange): void {
  recordRaw(e, "MinDelayChange", CLAITimelock_MinDelayChange);
}
