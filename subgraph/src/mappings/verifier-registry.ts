/** VerifierRegistry (Ponder: `indexer/src/registry.ts`): circuits and their active flag. */
import { CircuitActiveSet, CircuitRegistered } from "../../generated/VerifierRegistry/VerifierRegistry";
import { Circuit } from "../../generated/schema";
import { recordRaw } from "../helpers/events";
import { VerifierRegistry_CircuitActiveSet, VerifierRegistry_CircuitRegistered } from "../lib/event-layouts";

export {
  handleAdminChanged,
  handleBeaconUpgraded,
  handleInitialized,
  handleRoleAdminChanged,
  handleRoleGranted,
  handleRoleRevoked,
  handleUpgraded,
} from "./common";

export function handleCircuitRegistered(e: CircuitRegistered): void {
  recordRaw(e, "CircuitRegistered", VerifierRegistry_CircuitRegistered);
  const ts = e.block.timestamp;
  const c = new Circuit(e.params.circuitId.toHexString());
  c.circuitId = e.params.circuitId;
  c.verifier = e.params.verifier;
  c.numPublicInputs = e.params.numPublicInputs.toI32();
  c.active = true;
  c.registeredAt = ts;
  c.updatedAt = ts;
  c.save();
}

export function handleCircuitActiveSet(e: CircuitActiveSet): void {
  recordRaw(e, "CircuitActiveSet", VerifierRegistry_CircuitActiveSet);
  const c = Circuit.load(e.params.circuitId.toHexString());
  if (c == null) return;
  c.active = e.params.active;
  c.updatedAt = e.block.timestamp;
  c.save();
}
