import SEAL from "node-seal";
import type { SEALLibrary } from "node-seal/implementation/seal";
import type { Context } from "node-seal/implementation/context";
import { FheParameterError } from "./errors";
import { type FhePreset, type FhePresetName, getPreset } from "./presets";

/** The concrete numbers behind a preset, as SEAL instantiated them. */
export interface FheParams {
  readonly presetName: string;
  /** Ring dimension N. */
  readonly n: number;
  /** The RNS primes q_j that appear in ciphertexts (the special prime, if any, is excluded). */
  readonly primes: readonly bigint[];
  /** Plain modulus t. */
  readonly plainModulus: bigint;
  /** SEAL parms_id of the data level ciphertexts live at (4 × u64). */
  readonly parmsId: readonly bigint[];
  /** True when every q_j > t, so SEAL multiplies by plaintext coefficients without lifting. */
  readonly fastPlainLift: boolean;
  readonly insecure: boolean;
}

/** A SEAL context for one preset, plus its resolved parameters. */
export interface FheContext {
  readonly preset: FhePreset;
  readonly seal: SEALLibrary;
  readonly context: Context;
  readonly params: FheParams;
}

let sealPromise: Promise<SEALLibrary> | undefined;

/** Loads the node-seal WebAssembly module once per process. */
export function loadSeal(): Promise<SEALLibrary> {
  sealPromise ??= SEAL();
  return sealPromise;
}

const contextCache = new Map<string, Promise<FheContext>>();

/** Builds (once per process and preset) the SEAL context of a preset. */
export function createFheContext(presetOrName: FhePreset | FhePresetName): Promise<FheContext> {
  const preset = typeof presetOrName === "string" ? getPreset(presetOrName) : presetOrName;
  const key = JSON.stringify(preset);
  let pending = contextCache.get(key);
  if (!pending) {
    pending = buildContext(preset);
    contextCache.set(key, pending);
    // A failed build must not poison the cache; the rejection still reaches the caller.
    pending.catch(() => contextCache.delete(key));
  }
  return pending;
}

async function buildContext(preset: FhePreset): Promise<FheContext> {
  const seal = await loadSeal();
  const n = preset.polyModulusDegree;
  const securityLevel = preset.securityLevel === "none" ? seal.SecurityLevel.none : seal.SecurityLevel.tc128;
  const parms = seal.EncryptionParameters(seal.SchemeType.bfv);
  parms.setPolyModulusDegree(n);
  parms.setCoeffModulus(
    preset.coeffModulus.kind === "bfvDefault"
      ? seal.CoeffModulus.BFVDefault(n, securityLevel)
      : seal.CoeffModulus.Create(n, Int32Array.from(preset.coeffModulus.bitSizes)),
  );
  parms.setPlainModulus(seal.PlainModulus.Batching(n, preset.plainModulusBits));
  const context = seal.Context(parms, true, securityLevel);
  if (!context.parametersSet()) {
    throw new FheParameterError(`SEAL rejected the parameters of preset ${preset.name}`);
  }
  const data = context.firstContextData;
  const params: FheParams = Object.freeze({
    presetName: preset.name,
    n,
    primes: Object.freeze(Array.from(data.parms.coeffModulus)),
    plainModulus: data.parms.plainModulus.value,
    parmsId: Object.freeze(Array.from(context.firstParmsId.values)),
    fastPlainLift: data.qualifiers.usingFastPlainLift,
    insecure: preset.insecure,
  });
  return { preset, seal, context, params };
}
