/** VerifierRegistry: circuits registered by governance and their active flag. */
import { circuit } from "ponder:schema";
import { lower, on } from "./lib";

on("VerifierRegistry:CircuitRegistered", async ({ event, context }) => {
  const { circuitId, verifier, numPublicInputs } = event.args;
  const ts = event.block.timestamp;
  await context.db.insert(circuit).values({
    id: lower(circuitId),
    circuitId,
    verifier,
    numPublicInputs: Number(numPublicInputs),
    active: true,
    registeredAt: ts,
    updatedAt: ts,
  });
});

on("VerifierRegistry:CircuitActiveSet", async ({ event, context }) => {
  await context.db
    .update(circuit, { id: lower(event.args.circuitId) })
    .set({ active: event.args.active, updatedAt: event.block.timestamp });
});
