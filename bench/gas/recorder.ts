import type { ContractTransactionResponse } from "ethers";

/** Records the gas used by one named call; every name must be unique across scenarios. */
export type GasRecorder = (name: string, tx: Promise<ContractTransactionResponse>) => Promise<void>;
