/**
 * `word-count`: the built-in deterministic job kind of OPTIMISTIC tasks. Any honest provider computes the
 * same result bytes from the same input, so a requester (or an arbiter in a dispute) can recompute a
 * posted result and compare commitments.
 *
 * Data layout (all blobs content-addressed, see sdk/storage):
 * - input: a UTF-8 text blob;
 * - manifest (its CID is the task's `inputCid`): `{"version":1,"kind":"word-count","input":"<text CID>","top":N}`;
 * - the task's `inputCommitment` is the manifest's **blob commitment** (below), so the on-chain commitment
 *   pins the manifest, which pins the text by CID;
 * - result: canonical JSON (fixed key order, no whitespace)
 *   `{"version":1,"kind":"word-count","input":"<text CID>","bytes":B,"lines":L,"words":W,"distinct":D,"top":[["w",n],…]}`;
 * - the task's `resultCommitment` is the result's blob commitment, and `resultCid` its CID.
 *
 * Blob commitment = the blob's SHA-256 digest as bytes32, i.e. exactly the digest inside its CID
 * (raw codec, sha2-256), so a commitment and a CID can be checked against each other without the bytes.
 *
 * Counting rules: the text is decoded as strict UTF-8 (invalid bytes → the job is malformed), normalised
 * to NFC and lower-cased (`String.prototype.toLowerCase`, locale-independent); a word is a maximal run of
 * Unicode letters, marks and digits (`[\p{L}\p{M}\p{N}]+`); `lines` counts `\n` characters (as `wc -l`);
 * `bytes` is the input size; `top` lists the N most frequent words by count, ties broken by code-point
 * order of the word (N ≤ 1000, default 10).
 */
import { createHash } from "node:crypto";
import type { BlobStore } from "../storage";
import { parseBlobCid } from "../storage";
import { JobCommitmentError } from "./encrypted";

export const WORD_COUNT_KIND = "word-count";
/** Largest input text accepted (bigger inputs make the job malformed: the provider rejects the task). */
export const WORD_COUNT_MAX_INPUT_BYTES = 32 * 1024 * 1024;
export const WORD_COUNT_MAX_TOP = 1000;
export const WORD_COUNT_DEFAULT_TOP = 10;

/** The job description stored as a JSON blob; its CID is the task's `inputCid`. */
export interface WordCountManifest {
  version: 1;
  kind: typeof WORD_COUNT_KIND;
  /** CID of the UTF-8 text. */
  input: string;
  /** How many most frequent words the result lists. */
  top: number;
}

/** The result blob's content (serialised canonically by {@link encodeWordCountResult}). */
export interface WordCountResult {
  version: 1;
  kind: typeof WORD_COUNT_KIND;
  input: string;
  bytes: number;
  lines: number;
  words: number;
  distinct: number;
  top: [string, number][];
}

const encoder = new TextEncoder();

/** SHA-256 of `bytes` as a bytes32 hex string: the commitment the market stores for a blob. */
export function blobCommitment(bytes: Uint8Array): string {
  return "0x" + createHash("sha256").update(bytes).digest("hex");
}

/** The blob commitment named by a CID (its sha2-256 digest), without fetching the blob. */
export function cidCommitment(cid: string): string {
  return "0x" + Buffer.from(parseBlobCid(cid).digest).toString("hex");
}

function checkTop(top: number): number {
  if (!Number.isInteger(top) || top < 0 || top > WORD_COUNT_MAX_TOP) {
    throw new RangeError(`word-count top must be an integer in [0, ${WORD_COUNT_MAX_TOP}], got ${top}`);
  }
  return top;
}

/** Counts `text` (UTF-8 bytes) by the rules in this module's header. Throws `JobCommitmentError` on bad UTF-8. */
export function countWords(
  bytes: Uint8Array,
  input: string,
  top: number = WORD_COUNT_DEFAULT_TOP,
): WordCountResult {
  checkTop(top);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new JobCommitmentError(`word-count input ${input} is not valid UTF-8`);
  }
  const normalised = text.normalize("NFC").toLowerCase();
  const counts = new Map<string, number>();
  let words = 0;
  for (const m of normalised.matchAll(/[\p{L}\p{M}\p{N}]+/gu)) {
    words++;
    counts.set(m[0], (counts.get(m[0]) ?? 0) + 1);
  }
  let lines = 0;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lines++;
  const ranked = [...counts.entries()].sort((a, b) =>
    b[1] !== a[1] ? b[1] - a[1] : a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0,
  );
  return {
    version: 1,
    kind: WORD_COUNT_KIND,
    input,
    bytes: bytes.length,
    lines,
    words,
    distinct: counts.size,
    top: ranked.slice(0, top),
  };
}

/** Canonical bytes of a result (fixed key order, no whitespace): what is stored and committed to. */
export function encodeWordCountResult(r: WordCountResult): Uint8Array {
  const canonical = {
    version: r.version,
    kind: r.kind,
    input: r.input,
    bytes: r.bytes,
    lines: r.lines,
    words: r.words,
    distinct: r.distinct,
    top: r.top.map(([w, n]) => [w, n]),
  };
  return encoder.encode(JSON.stringify(canonical));
}

/** Requester: stores `text` and its manifest; returns what goes into the OPTIMISTIC task. */
export async function createWordCountJob(
  store: BlobStore,
  text: string | Uint8Array,
  options: { top?: number } = {},
): Promise<{ manifestCid: string; inputCommitment: string; manifest: WordCountManifest }> {
  const bytes = typeof text === "string" ? encoder.encode(text) : text;
  if (bytes.length > WORD_COUNT_MAX_INPUT_BYTES) {
    throw new RangeError(`word-count input of ${bytes.length} bytes exceeds ${WORD_COUNT_MAX_INPUT_BYTES}`);
  }
  const manifest: WordCountManifest = {
    version: 1,
    kind: WORD_COUNT_KIND,
    input: await store.put(bytes),
    top: checkTop(options.top ?? WORD_COUNT_DEFAULT_TOP),
  };
  const manifestBytes = encoder.encode(JSON.stringify(manifest));
  const manifestCid = await store.put(manifestBytes);
  return { manifestCid, inputCommitment: blobCommitment(manifestBytes), manifest };
}

/** Parses and validates a manifest's bytes. Throws `JobCommitmentError`. */
export function parseWordCountManifest(bytes: Uint8Array, cid: string): WordCountManifest {
  let m: Partial<WordCountManifest>;
  try {
    m = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes)) as Partial<WordCountManifest>;
  } catch {
    throw new JobCommitmentError(`${cid} is not a JSON job manifest`);
  }
  if (
    m === null ||
    typeof m !== "object" ||
    m.version !== 1 ||
    m.kind !== WORD_COUNT_KIND ||
    typeof m.input !== "string" ||
    typeof m.top !== "number" ||
    !Number.isInteger(m.top) ||
    m.top < 0 ||
    m.top > WORD_COUNT_MAX_TOP
  ) {
    throw new JobCommitmentError(`${cid} is not a word-count job manifest`);
  }
  try {
    parseBlobCid(m.input);
  } catch {
    throw new JobCommitmentError(`${cid} names an invalid input CID`);
  }
  return { version: 1, kind: WORD_COUNT_KIND, input: m.input, top: m.top };
}

/** What the provider submits with `submitResult`. */
export interface WordCountJobResult {
  resultCid: string;
  /** bytes32 hex. */
  resultCommitment: string;
  result: WordCountResult;
}

/**
 * Provider: checks that the task's input commitment is the manifest's blob commitment (before fetching
 * anything), fetches manifest and text (integrity-checked by CID), counts, stores the result.
 * Throws {@link JobCommitmentError} when the task's data is not what it committed to or is malformed.
 */
export async function runWordCountJob(
  store: BlobStore,
  task: { inputCid: string; inputCommitment: string },
): Promise<WordCountJobResult> {
  let committed: string;
  try {
    committed = cidCommitment(task.inputCid);
  } catch {
    throw new JobCommitmentError(`task input CID ${JSON.stringify(task.inputCid)} is not a raw sha2-256 CID`);
  }
  if (committed.toLowerCase() !== task.inputCommitment.toLowerCase()) {
    throw new JobCommitmentError(
      `task commits to ${task.inputCommitment} but its input CID ${task.inputCid} names ${committed}`,
    );
  }
  const manifest = parseWordCountManifest(await store.get(task.inputCid), task.inputCid);
  const text = await store.get(manifest.input);
  if (text.length > WORD_COUNT_MAX_INPUT_BYTES) {
    throw new JobCommitmentError(
      `word-count input of ${text.length} bytes exceeds ${WORD_COUNT_MAX_INPUT_BYTES}`,
    );
  }
  const result = countWords(text, manifest.input, manifest.top);
  const bytes = encodeWordCountResult(result);
  return { resultCid: await store.put(bytes), resultCommitment: blobCommitment(bytes), result };
}
