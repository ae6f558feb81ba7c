import { id } from "ethers";

/** The on-chain VerifierRegistry id of a circuit: keccak256("cloudai.circuit.<circuit id>"). */
export function registryCircuitId(circuitId: string): string {
  return id(`cloudai.circuit.${circuitId}`);
}

/** Public inputs of every weighted-sum circuit: [specCommitment, outputCommitment, taskBinding]. */
export const WEIGHTED_SUM_PUBLIC_INPUTS = 3;
