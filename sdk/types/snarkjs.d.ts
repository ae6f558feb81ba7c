// Minimal typings for the parts of snarkjs 0.7.6 the SDK uses (the package ships none).
declare module "snarkjs" {
  export interface SnarkjsLogger {
    debug(message: string): void;
    info(message: string): void;
    warn(message: string): void;
    error(message: string): void;
  }
  export type NumericString = string;
  export interface Groth16Proof {
    pi_a: NumericString[];
    pi_b: NumericString[][];
    pi_c: NumericString[];
    protocol: string;
    curve: string;
  }
  export interface VerificationKey {
    protocol: string;
    curve: string;
    nPublic: number;
    [field: string]: unknown;
  }
  export interface MemFile {
    type: "mem";
    data?: Uint8Array;
  }
  export type CircuitSignals = Record<string, unknown>;

  export const groth16: {
    fullProve(
      input: CircuitSignals,
      wasmFile: string,
      zkeyFile: string,
      logger?: SnarkjsLogger,
    ): Promise<{ proof: Groth16Proof; publicSignals: NumericString[] }>;
    prove(
      zkeyFile: string,
      witness: string | MemFile,
      logger?: SnarkjsLogger,
    ): Promise<{ proof: Groth16Proof; publicSignals: NumericString[] }>;
    verify(
      vk: VerificationKey,
      publicSignals: readonly NumericString[],
      proof: Groth16Proof,
      logger?: SnarkjsLogger,
    ): Promise<boolean>;
    exportSolidityCallData(proof: Groth16Proof, publicSignals: readonly NumericString[]): Promise<string>;
  };
  export const wtns: {
    calculate(input: CircuitSignals, wasmFile: string, wtnsFile: string | MemFile): Promise<void>;
    check(r1csFile: string, wtnsFile: string | MemFile, logger?: SnarkjsLogger): Promise<boolean>;
  };
  export const r1cs: {
    info(
      r1csFile: string,
      logger?: SnarkjsLogger,
    ): Promise<{
      nConstraints: number;
      nPubInputs: number;
      nPrvInputs: number;
      nOutputs: number;
      nVars: number;
    }>;
  };
  /** A phase-1 or phase-2 contribution with private entropy; returns the contribution hash. */
  type Contribute = (
    oldFile: string,
    newFile: string,
    name: string,
    entropy: string,
    logger?: SnarkjsLogger,
  ) => Promise<Uint8Array>;
  /** A public random-beacon contribution; returns the contribution hash. */
  type Beacon = (
    oldFile: string,
    newFile: string,
    name: string,
    beaconHashHex: string,
    numIterationsExp: number,
    logger?: SnarkjsLogger,
  ) => Promise<Uint8Array>;
  export const powersOfTau: {
    newAccumulator(curve: unknown, power: number, file: string, logger?: SnarkjsLogger): Promise<Uint8Array>;
    contribute: Contribute;
    beacon: Beacon;
    preparePhase2(oldFile: string, newFile: string, logger?: SnarkjsLogger): Promise<void>;
    verify(file: string, logger?: SnarkjsLogger): Promise<boolean>;
  };
  export const zKey: {
    newZKey(
      r1csFile: string,
      ptauFile: string,
      zkeyFile: string,
      logger?: SnarkjsLogger,
    ): Promise<Uint8Array>;
    contribute: Contribute;
    beacon: Beacon;
    exportVerificationKey(zkeyFile: string, logger?: SnarkjsLogger): Promise<VerificationKey>;
    exportSolidityVerifier(
      zkeyFile: string,
      templates: Record<string, string>,
      logger?: SnarkjsLogger,
    ): Promise<string>;
    verifyFromR1cs(
      r1csFile: string,
      ptauFile: string,
      zkeyFile: string,
      logger?: SnarkjsLogger,
    ): Promise<boolean>;
  };
  export const curves: {
    getCurveFromName(name: string, singleThread?: boolean): Promise<{ terminate(): Promise<void> }>;
  };
}
