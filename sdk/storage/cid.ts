import { CID } from "multiformats/cid";
import * as raw from "multiformats/codecs/raw";
import { sha256 } from "multiformats/hashes/sha2";
import { IntegrityError, InvalidCidError } from "./errors";

/**
 * The content identifiers used by CloudAI storage: CIDv1, codec raw (0x55), multihash sha2-256 (0x12,
 * 32 bytes), written in base32 (`bafkrei…`). A blob's CID is a function of its bytes only, so the local
 * directory store and an IPFS node (which stores the blob as one raw block) name it identically, and the
 * CID recorded on chain is a binding commitment to the bytes.
 */

/** Multicodec code of the raw codec. */
export const RAW_CODEC = 0x55;
/** Multihash code of sha2-256. */
export const SHA2_256 = 0x12;
const SHA2_256_LENGTH = 32;

/** A CID accepted by this layer, parsed: its canonical base32 string and its 32-byte sha2-256 digest. */
export interface BlobCid {
  /** Canonical form: CIDv1 base32 (multibase prefix `b`). */
  readonly cid: string;
  readonly digest: Uint8Array;
}

/** Computes the canonical CID (raw, sha2-256, base32) of `bytes`. */
export async function computeCid(bytes: Uint8Array): Promise<string> {
  return (await cidOf(bytes)).cid;
}

async function cidOf(bytes: Uint8Array): Promise<BlobCid> {
  if (!(bytes instanceof Uint8Array)) throw new TypeError("blob contents must be a Uint8Array");
  const digest = await sha256.digest(bytes);
  const cid: CID = CID.createV1(raw.code, digest);
  return { cid: cid.toString(), digest: Uint8Array.from(digest.digest as Uint8Array) };
}

/**
 * Parses and validates a CID string: it must be a CIDv1 with the raw codec and a 32-byte sha2-256
 * multihash. Any multibase multiformats understands is accepted; the result is the canonical base32
 * form. Throws {@link InvalidCidError}.
 */
export function parseBlobCid(input: string): BlobCid {
  if (typeof input !== "string") throw new TypeError("a CID must be given as a string");
  let cid: CID;
  try {
    cid = CID.parse(input.trim());
  } catch (err) {
    throw new InvalidCidError(input, "UNPARSABLE", `is not a CID (${(err as Error).message})`);
  }
  if (cid.version !== 1) throw new InvalidCidError(input, "NOT_V1", `is a CIDv${cid.version as number}`);
  if (cid.code !== RAW_CODEC) {
    throw new InvalidCidError(input, "NOT_RAW_CODEC", `has codec 0x${(cid.code as number).toString(16)}`);
  }
  const mh = cid.multihash as { code: number; digest: Uint8Array };
  if (mh.code !== SHA2_256 || mh.digest.length !== SHA2_256_LENGTH) {
    throw new InvalidCidError(
      input,
      "NOT_SHA2_256",
      `has multihash 0x${mh.code.toString(16)} of ${mh.digest.length} bytes`,
    );
  }
  return { cid: cid.toV1().toString(), digest: Uint8Array.from(mh.digest) };
}

/** Whether two CID strings name the same content (different multibase spellings of one CID are equal). */
export function sameCid(a: string, b: string): boolean {
  return parseBlobCid(a).cid === parseBlobCid(b).cid;
}

/**
 * Re-hashes `bytes` and throws {@link IntegrityError} unless they hash to `expected` (already parsed).
 * `where` names the source of the bytes in the error message.
 */
export async function assertContent(bytes: Uint8Array, expected: BlobCid, where: string): Promise<void> {
  const actual = await cidOf(bytes);
  if (!equalBytes(actual.digest, expected.digest)) throw new IntegrityError(expected.cid, actual.cid, where);
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}
