/**
 * Everything CloudAI signs off-chain: provider offers (EIP-712, verified by TaskMarket), CLAI permits
 * (EIP-2612) and oracle price reports (verified by PriceFeed). Shared by the CLI, agents, oracle nodes,
 * benchmarks and tests so the formats are defined once.
 */
import {
  AbiCoder,
  Signature,
  getBytes,
  hexlify,
  keccak256,
  solidityPackedKeccak256,
  type Signer,
} from "ethers";

/** A provider's standing offer, as TaskMarket's `Offer` struct. */
export interface Offer {
  provider: string;
  resourceClass: number;
  /** CLAI wei per unit. */
  pricePerUnit: bigint;
  /** Units the offer may fill across all tasks. */
  capacity: number;
  /** Unix seconds after which the offer is void. */
  expiry: number;
  nonce: number;
}

export const OFFER_TYPES = {
  Offer: [
    { name: "provider", type: "address" },
    { name: "resourceClass", type: "uint8" },
    { name: "pricePerUnit", type: "uint96" },
    { name: "capacity", type: "uint32" },
    { name: "expiry", type: "uint64" },
    { name: "nonce", type: "uint64" },
  ],
};

/** TaskMarket's EIP-712 domain. */
export function offerDomain(chainId: bigint | number, market: string) {
  return { name: "CloudAI TaskMarket", version: "1", chainId, verifyingContract: market };
}

/** Signs `offer` for the market at `market` on `chainId`. */
export async function signOffer(
  signer: Signer,
  chainId: bigint | number,
  market: string,
  offer: Offer,
): Promise<string> {
  return signer.signTypedData(offerDomain(chainId, market), OFFER_TYPES, offer);
}

/** CLAIToken's EIP-712 domain (permit and delegation share it). */
export function claiDomain(chainId: bigint | number, token: string) {
  return { name: "CloudAI", version: "1", chainId, verifyingContract: token };
}

const PERMIT_TYPES = {
  Permit: [
    { name: "owner", type: "address" },
    { name: "spender", type: "address" },
    { name: "value", type: "uint256" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
};

/** An EIP-2612 permit for CLAI (domain name "CloudAI", version "1"), split into v, r, s. */
export async function signPermit(
  owner: Signer,
  chainId: bigint | number,
  token: string,
  p: { spender: string; value: bigint; nonce: bigint; deadline: bigint },
): Promise<Signature> {
  const message = { owner: await owner.getAddress(), ...p };
  return Signature.from(await owner.signTypedData(claiDomain(chainId, token), PERMIT_TYPES, message));
}

/** A report ready for `PriceFeed.transmit`. */
export interface SignedReport {
  configDigest: string;
  epochAndRound: number;
  report: string;
  rs: string[];
  ss: string[];
  rawVs: string;
}

/** ABI-encodes sorted observations (CLAI wei per unit) as PriceFeed expects. */
export function encodeReport(observations: bigint[]): string {
  const sorted = [...observations].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return AbiCoder.defaultAbiCoder().encode(["int192[]"], [sorted]);
}

/** The digest each oracle signs (EIP-191): keccak(keccak(report) ‖ configDigest ‖ uint40 epochAndRound). */
export function reportDigest(report: string, configDigest: string, epochAndRound: number): string {
  return solidityPackedKeccak256(
    ["bytes32", "bytes32", "uint40"],
    [keccak256(report), configDigest, epochAndRound],
  );
}

/** One oracle's signature over a report. */
export async function signReportDigest(signer: Signer, digest: string): Promise<Signature> {
  return Signature.from(await signer.signMessage(getBytes(digest)));
}

/** Packs f+1 signatures into the transmit arguments (v values as bytes of one word, 0/1). */
export function assembleReport(
  report: string,
  configDigest: string,
  epochAndRound: number,
  signatures: Signature[],
): SignedReport {
  if (signatures.length > 32) throw new RangeError("at most 32 signatures fit in rawVs");
  const vs = new Uint8Array(32);
  signatures.forEach((s, i) => (vs[i] = s.v - 27));
  return {
    configDigest,
    epochAndRound,
    report,
    rs: signatures.map((s) => s.r),
    ss: signatures.map((s) => s.s),
    rawVs: hexlify(vs),
  };
}

const DELEGATION_TYPES = {
  Delegation: [
    { name: "delegatee", type: "address" },
    { name: "nonce", type: "uint256" },
    { name: "expiry", type: "uint256" },
  ],
};

/** An ERC-5805 `delegateBySig` signature for CLAI, split into v, r, s. */
export async function signDelegation(
  holder: Signer,
  chainId: bigint | number,
  token: string,
  d: { delegatee: string; nonce: bigint; expiry: bigint },
): Promise<Signature> {
  return Signature.from(await holder.signTypedData(claiDomain(chainId, token), DELEGATION_TYPES, d));
}
