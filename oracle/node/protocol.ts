/**
 * The round protocol's messages and the checks both sides run (see oracle/README.md, "Round protocol").
 *
 * - Every request travels in an {@link Envelope}: the JSON body and the sender's EIP-191 signature over it,
 *   so a node knows which oracle asks (only the round's leader may ask for observations and signatures).
 * - Observations are signed by their observer over
 *   `keccak256(abi.encode("CloudAI oracle observation v1", configDigest, uint40 epochAndRound, int192 value))`,
 *   so a leader can show followers exactly which observations its report holds and cannot invent any.
 * - The leader of `epochAndRound` e for a config is `signers[(e + uint256(configDigest)) mod n]`: it rotates
 *   with every round, and differs between feeds (the digest binds the feed address).
 */
import {
  AbiCoder,
  getAddress,
  getBytes,
  keccak256,
  recoverAddress,
  hashMessage,
  verifyMessage,
  type Signer,
} from "ethers";
import { OracleProtocolError } from "./errors";

/** Version tag inside every signed observation digest (domain separation from report digests). */
export const OBSERVATION_TAG = "CloudAI oracle observation v1";

/** One oracle's signed observation for (config, round). `value` is CLAI wei per unit, decimal string on the wire. */
export interface SignedObservation {
  observer: string;
  value: bigint;
  signature: string;
}

/** The messages of one round. `feed` is the feed's address. */
export type OracleRequest =
  | { type: "observe"; feed: string; configDigest: string; epochAndRound: number }
  | {
      type: "sign";
      feed: string;
      configDigest: string;
      epochAndRound: number;
      observations: SignedObservation[];
    }
  | {
      type: "final";
      feed: string;
      configDigest: string;
      epochAndRound: number;
      report: string;
      rs: string[];
      ss: string[];
      rawVs: string;
    };

export type OracleResponse =
  | { type: "observation"; observation: SignedObservation }
  | { type: "signature"; signature: string }
  | { type: "ack" };

/** A request with its sender and the sender's signature over `body` (the request's JSON). */
export interface Envelope {
  from: string;
  body: string;
  signature: string;
}

/** The digest an observer signs (EIP-191) for `value` in round `epochAndRound` of config `configDigest`. */
export function observationDigest(configDigest: string, epochAndRound: number, value: bigint): string {
  return keccak256(
    AbiCoder.defaultAbiCoder().encode(
      ["string", "bytes32", "uint40", "int192"],
      [OBSERVATION_TAG, configDigest, epochAndRound, value],
    ),
  );
}

/** Signs `value` as `signer`'s observation for (config, round). */
export async function signObservation(
  signer: Signer,
  configDigest: string,
  epochAndRound: number,
  value: bigint,
): Promise<SignedObservation> {
  const signature = await signer.signMessage(getBytes(observationDigest(configDigest, epochAndRound, value)));
  return { observer: await signer.getAddress(), value, signature };
}

/** The address that signed `o` for (config, round), or `undefined` when the signature is malformed. */
export function recoverObserver(
  o: SignedObservation,
  configDigest: string,
  epochAndRound: number,
): string | undefined {
  try {
    return recoverAddress(
      hashMessage(getBytes(observationDigest(configDigest, epochAndRound, o.value))),
      o.signature,
    );
  } catch {
    return undefined;
  }
}

/** The address that signed the 32-byte `digest` (EIP-191), or `undefined` when the signature is malformed. */
export function recoverDigestSigner(digest: string, signature: string): string | undefined {
  try {
    return recoverAddress(hashMessage(getBytes(digest)), signature);
  } catch {
    return undefined;
  }
}

/** Index of the leader of round `epochAndRound` in the config's signer list. */
export function leaderIndex(configDigest: string, epochAndRound: number, signerCount: number): number {
  return Number((BigInt(configDigest) + BigInt(epochAndRound)) % BigInt(signerCount));
}

/** The leader's address of round `epochAndRound`. */
export function leaderOf(configDigest: string, epochAndRound: number, signers: readonly string[]): string {
  return signers[leaderIndex(configDigest, epochAndRound, signers.length)];
}

/**
 * Checks the observation set of a report for (config, round): between 2f+1 and n observations, each
 * signed by a distinct registered signer for exactly this config and round, each value a positive int192.
 * @returns the values sorted ascending (the report's order) and the observers
 * @throws OracleProtocolError naming the first violation
 */
export function checkObservations(
  observations: readonly SignedObservation[],
  configDigest: string,
  epochAndRound: number,
  signers: readonly string[],
  f: number,
): { values: bigint[]; observers: string[] } {
  if (observations.length < 2 * f + 1 || observations.length > signers.length) {
    throw new OracleProtocolError(
      "observation-count",
      `${observations.length} observations, need ${2 * f + 1}..${signers.length}`,
    );
  }
  const registered = new Set(signers.map((s) => getAddress(s)));
  const seen = new Set<string>();
  for (const o of observations) {
    const who = recoverObserver(o, configDigest, epochAndRound);
    if (who === undefined || who !== getAddress(o.observer)) {
      throw new OracleProtocolError(
        "observation-signature",
        `observation of ${o.observer} is not signed by it`,
      );
    }
    if (!registered.has(who)) throw new OracleProtocolError("observer-unknown", `${who} is not a signer`);
    if (seen.has(who)) throw new OracleProtocolError("observer-duplicate", `${who} observed twice`);
    if (o.value <= 0n || o.value >= 1n << 191n) {
      throw new OracleProtocolError("observation-value", `${who} observed ${o.value}`);
    }
    seen.add(who);
  }
  const values = observations.map((o) => o.value).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return { values, observers: [...seen] };
}

/** The median PriceFeed takes: `values[length / 2]` of the sorted values. */
export function reportMedian(sortedValues: readonly bigint[]): bigint {
  return sortedValues[Math.floor(sortedValues.length / 2)];
}

// ------------------------------------------------------------------------------------------------
// Wire format: JSON with bigints as decimal strings, envelopes signed by the sender
// ------------------------------------------------------------------------------------------------

/** JSON with bigint values written as `{"$bigint":"123"}`. */
export function toWire(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? { $bigint: v.toString() } : v));
}

/** Inverse of {@link toWire}. */
export function fromWire<T>(text: string): T {
  return JSON.parse(text, (_k, v: unknown) => {
    if (v !== null && typeof v === "object" && "$bigint" in v) {
      const s = (v as { $bigint: unknown }).$bigint;
      if (typeof s === "string" && /^-?\d+$/.test(s)) return BigInt(s);
      throw new OracleProtocolError("malformed", "bad bigint");
    }
    return v;
  }) as T;
}

/** Wraps `request` in an envelope signed by `signer`. */
export async function seal(signer: Signer, request: OracleRequest): Promise<Envelope> {
  const body = toWire(request);
  return { from: await signer.getAddress(), body, signature: await signer.signMessage(body) };
}

/** Checks an envelope's signature and shape; returns the sender and the request. */
export function open(envelope: Envelope): { from: string; request: OracleRequest } {
  if (
    typeof envelope?.from !== "string" ||
    typeof envelope.body !== "string" ||
    typeof envelope.signature !== "string"
  ) {
    throw new OracleProtocolError("malformed", "not an envelope");
  }
  let signer: string;
  try {
    signer = verifyMessage(envelope.body, envelope.signature);
  } catch {
    throw new OracleProtocolError("envelope-signature", "unreadable signature");
  }
  if (signer !== getAddress(envelope.from)) {
    throw new OracleProtocolError("envelope-signature", `signed by ${signer}, not ${envelope.from}`);
  }
  const request = fromWire<OracleRequest>(envelope.body);
  checkRequestShape(request);
  return { from: signer, request };
}

function checkRequestShape(r: OracleRequest): void {
  const isHex32 = (s: unknown) => typeof s === "string" && /^0x[0-9a-fA-F]{64}$/.test(s);
  const ok =
    r !== null &&
    typeof r === "object" &&
    typeof r.feed === "string" &&
    isHex32(r.configDigest) &&
    Number.isSafeInteger(r.epochAndRound) &&
    r.epochAndRound > 0 &&
    r.epochAndRound < 2 ** 40;
  if (!ok) throw new OracleProtocolError("malformed", "bad request header");
  if (r.type === "observe") return;
  if (r.type === "sign") {
    const obsOk =
      Array.isArray(r.observations) &&
      r.observations.length <= 64 &&
      r.observations.every(
        (o) =>
          typeof o?.observer === "string" && typeof o.value === "bigint" && typeof o.signature === "string",
      );
    if (!obsOk) throw new OracleProtocolError("malformed", "bad observations");
    return;
  }
  if (r.type === "final") {
    const sigsOk =
      typeof r.report === "string" &&
      Array.isArray(r.rs) &&
      Array.isArray(r.ss) &&
      r.rs.length === r.ss.length &&
      r.rs.length <= 32 &&
      [...r.rs, ...r.ss, r.rawVs].every(isHex32);
    if (!sigsOk) throw new OracleProtocolError("malformed", "bad final report");
    return;
  }
  throw new OracleProtocolError("malformed", `unknown request type ${(r as { type?: unknown }).type}`);
}
