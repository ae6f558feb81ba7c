// Minimal typings for the parts of circomlibjs 0.1.7 the SDK uses (the package ships none).
declare module "circomlibjs" {
  export interface PoseidonField {
    toObject(value: Uint8Array): bigint;
    e(value: bigint | number | string): Uint8Array;
  }
  export interface Poseidon {
    (
      inputs: readonly (bigint | number | string)[],
      initState?: bigint | number | string,
      nOut?: number,
    ): Uint8Array;
    F: PoseidonField;
  }
  export function buildPoseidon(): Promise<Poseidon>;
  export const poseidonContract: {
    createCode(nInputs: number): string;
    generateABI(nInputs: number): unknown[];
  };
}
