import { assertContent, parseBlobCid } from "./cid";

/**
 * Checks that `bytes` are exactly the content committed to by `expectedCid` (e.g. a task's input CID
 * read from chain) — what a provider runs before spending work on an input it fetched from anywhere.
 * Throws `InvalidCidError` when `expectedCid` is not a raw sha2-256 CIDv1 and `IntegrityError` when the
 * bytes do not match; returns the canonical CID otherwise.
 */
export async function verifyCommitment(bytes: Uint8Array, expectedCid: string): Promise<string> {
  const expected = parseBlobCid(expectedCid);
  await assertContent(bytes, expected, "commitment check");
  return expected.cid;
}
