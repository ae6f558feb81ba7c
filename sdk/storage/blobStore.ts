/**
 * Content-addressed blob storage: blobs are named by their CID (see `cid.ts`), so whoever holds a CID
 * can check any bytes claimed to be its content. Implementations re-hash on every `get`, so corrupted
 * storage or a lying remote surfaces as an `IntegrityError`, never as wrong bytes.
 */
export interface BlobStore {
  /** Human-readable description of where blobs live (for logs and CLI output). */
  readonly location: string;

  /** Stores `bytes` and returns their CID. Idempotent: storing the same bytes again is a no-op. */
  put(bytes: Uint8Array): Promise<string>;

  /**
   * Returns the blob named `cid`, after checking that it hashes to `cid`.
   * Throws `InvalidCidError` (malformed CID), `BlobNotFoundError` or `IntegrityError`.
   */
  get(cid: string): Promise<Uint8Array>;

  /** Whether the store holds `cid` (without reading or verifying the content). */
  has(cid: string): Promise<boolean>;

  /**
   * Stops storing `cid`; resolves to false when the store did not hold it. On an IPFS backend this drops
   * the pin and the block is reclaimed by the node's garbage collector, so it may stay readable until then.
   */
  delete(cid: string): Promise<boolean>;
}
