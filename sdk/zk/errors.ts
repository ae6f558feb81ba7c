/** Base class of every error thrown by the zk SDK. */
export class ZkError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Thrown when a circuit configuration is impossible (overflowing slots, slow plain lift, K out of range). */
export class CircuitConfigError extends ZkError {}

/** Thrown when prover inputs are inconsistent (shapes, weights, commitments, addresses). */
export class ProverInputError extends ZkError {}

/** Thrown when witness generation fails, i.e. the inputs do not satisfy the circuit. */
export class WitnessError extends ZkError {}

/** Thrown when a trusted-setup artifact is missing, stale, or fails an integrity check. */
export class SetupError extends ZkError {}
