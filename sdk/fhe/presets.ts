import { FheParameterError } from "./errors";

/** Names of the BFV parameter presets the protocol supports. */
export type FhePresetName = "INSECURE_CI" | "BFV_2048" | "BFV_4096";

/** How the ciphertext modulus is chosen: explicit prime sizes, or SEAL's 128-bit BFV default. */
export type CoeffModulusSpec =
  { readonly kind: "create"; readonly bitSizes: readonly number[] } | { readonly kind: "bfvDefault" };

/** A named BFV parameter set (batching enabled). */
export interface FhePreset {
  /** One of {@link FhePresetName} for the built-in presets; custom (test) presets may use any name. */
  readonly name: string;
  /** Ring dimension N (number of coefficients per polynomial and of batching slots). */
  readonly polyModulusDegree: number;
  readonly coeffModulus: CoeffModulusSpec;
  /** Bit size of the batching plain modulus t (t ≡ 1 mod 2N, chosen by SEAL). */
  readonly plainModulusBits: number;
  /** `none` disables SEAL's security check — only for {@link INSECURE_CI}. */
  readonly securityLevel: "none" | "tc128";
  /** True when the preset offers no security at all. Never use such a preset with real data. */
  readonly insecure: boolean;
  /** Free-text rationale, printed by tools. */
  readonly description: string;
}

/**
 * INSECURE toy parameters for CI: N = 32, one 40-bit prime, t = 3457 (12 bits), no security.
 * Sized so that the Groth16 circuit for K = 2 inputs stays under 2^13 constraints and its dev setup
 * runs in CI in a few minutes. A weighted sum of K ≤ 4 inputs with arbitrary 12-bit weights still
 * decrypts correctly (≈ 9 bits of noise budget left, measured). NEVER use for real data.
 */
export const INSECURE_CI: FhePreset = Object.freeze({
  name: "INSECURE_CI",
  polyModulusDegree: 32,
  coeffModulus: Object.freeze({ kind: "create", bitSizes: Object.freeze([40]) }),
  plainModulusBits: 12,
  securityLevel: "none",
  insecure: true,
  description: "INSECURE toy parameters (N=32, q≈2^40, t=3457) for CI and tests only",
} as const);

/**
 * 128-bit secure (HE standard, SEAL's BFVDefault): N = 2048, one 54-bit prime, 17-bit t.
 * The whole modulus is in the ciphertext (no special prime at this size).
 */
export const BFV_2048: FhePreset = Object.freeze({
  name: "BFV_2048",
  polyModulusDegree: 2048,
  coeffModulus: Object.freeze({ kind: "bfvDefault" }),
  plainModulusBits: 17,
  securityLevel: "tc128",
  insecure: false,
  description: "128-bit BFV, N=2048, q = one 54-bit prime, t ≈ 2^17",
} as const);

/**
 * 128-bit secure (SEAL's BFVDefault): N = 4096, primes 36+36+37 bits of which the last is the special
 * prime (key switching only), so ciphertexts carry two 36-bit RNS components; 20-bit t.
 */
export const BFV_4096: FhePreset = Object.freeze({
  name: "BFV_4096",
  polyModulusDegree: 4096,
  coeffModulus: Object.freeze({ kind: "bfvDefault" }),
  plainModulusBits: 20,
  securityLevel: "tc128",
  insecure: false,
  description: "128-bit BFV, N=4096, q = two 36-bit primes (+ special prime), t ≈ 2^20",
} as const);

export const FHE_PRESETS: Readonly<Record<FhePresetName, FhePreset>> = Object.freeze({
  INSECURE_CI,
  BFV_2048,
  BFV_4096,
});

/** Returns the preset with this name, or throws {@link FheParameterError}. */
export function getPreset(name: string): FhePreset {
  const preset = (FHE_PRESETS as Record<string, FhePreset | undefined>)[name];
  if (!preset) {
    throw new FheParameterError(
      `unknown FHE preset "${name}" (known: ${Object.keys(FHE_PRESETS).join(", ")})`,
    );
  }
  return preset;
}
