import { randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import path from "node:path";
import type { BlobStore } from "./blobStore";
import { assertContent, computeCid, parseBlobCid } from "./cid";
import { BlobNotFoundError } from "./errors";

/** Name of the directory (inside the store root) that holds in-flight writes. */
export const TEMP_DIR = ".tmp";

/**
 * The embedded default backend: one file per blob under a root directory.
 *
 * Layout: `<root>/<shard>/<cid>`, where `<shard>` is the two characters before the last one of the
 * base32 CID (go-ipfs flatfs "next-to-last/2" sharding — the leading characters are the same
 * `bafkrei` prefix for every blob, the trailing ones are uniformly distributed), giving at most 1024
 * directories.
 *
 * Writes are atomic: the bytes go to a uniquely named file in `<root>/.tmp/` (same filesystem), are
 * fsynced, then renamed onto the final name, and the shard directory is fsynced. A crash therefore
 * leaves either no file or the complete blob under its final name — at worst an orphan in `.tmp/`,
 * which {@link LocalDirStore.removeStaleTemp} deletes. Concurrent `put`s of the same content each write
 * their own temp file and the renames replace identical bytes, so they are safe. `put` always rewrites,
 * which also repairs a copy that was corrupted on disk.
 */
export class LocalDirStore implements BlobStore {
  readonly root: string;

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  get location(): string {
    return `local:${this.root}`;
  }

  /** Final path of a blob (whether or not it exists). Throws `InvalidCidError` for a malformed CID. */
  pathOf(cid: string): string {
    const canonical = parseBlobCid(cid).cid;
    return path.join(this.root, canonical.slice(-3, -1), canonical);
  }

  async put(bytes: Uint8Array): Promise<string> {
    const cid = await computeCid(bytes);
    const finalPath = this.pathOf(cid);
    const tempDir = path.join(this.root, TEMP_DIR);
    await fs.mkdir(tempDir, { recursive: true });
    await fs.mkdir(path.dirname(finalPath), { recursive: true });
    const tempPath = path.join(tempDir, `${cid}.${process.pid}.${randomBytes(8).toString("hex")}`);
    try {
      const handle = await fs.open(tempPath, "wx", 0o644);
      try {
        await handle.writeFile(bytes);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await fs.rename(tempPath, finalPath).catch(async (err: unknown) => {
        // Windows refuses to replace a file another process has open; if that file already holds this
        // exact content (a concurrent put of the same bytes), the put has succeeded.
        if (!isErrno(err, "EPERM") && !isErrno(err, "EACCES") && !isErrno(err, "EEXIST")) throw err;
        const existing = await fs.readFile(finalPath).catch(() => undefined);
        if (existing === undefined || (await computeCid(existing)) !== cid) throw err;
      });
    } catch (err) {
      await fs.rm(tempPath, { force: true });
      throw err;
    }
    await syncDirectory(path.dirname(finalPath));
    return cid;
  }

  async get(cid: string): Promise<Uint8Array> {
    const expected = parseBlobCid(cid);
    const file = this.pathOf(expected.cid);
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await fs.readFile(file));
    } catch (err) {
      if (isErrno(err, "ENOENT")) throw new BlobNotFoundError(expected.cid, this.location);
      throw err;
    }
    await assertContent(bytes, expected, `${this.location} (${file})`);
    return bytes;
  }

  async has(cid: string): Promise<boolean> {
    try {
      return (await fs.stat(this.pathOf(cid))).isFile();
    } catch (err) {
      if (isErrno(err, "ENOENT")) return false;
      throw err;
    }
  }

  async delete(cid: string): Promise<boolean> {
    try {
      await fs.unlink(this.pathOf(cid));
      return true;
    } catch (err) {
      if (isErrno(err, "ENOENT")) return false;
      throw err;
    }
  }

  /**
   * Deletes temp files left by interrupted writes that are older than `olderThanMs` (default one hour,
   * so in-flight writes of other processes are left alone). Returns how many were removed.
   */
  async removeStaleTemp(olderThanMs = 3_600_000): Promise<number> {
    const tempDir = path.join(this.root, TEMP_DIR);
    let names: string[];
    try {
      names = await fs.readdir(tempDir);
    } catch (err) {
      if (isErrno(err, "ENOENT")) return 0;
      throw err;
    }
    const cutoff = Date.now() - olderThanMs;
    let removed = 0;
    for (const name of names) {
      const file = path.join(tempDir, name);
      const stat = await fs.stat(file).catch((err: unknown) => {
        if (isErrno(err, "ENOENT")) return undefined; // finished (renamed) meanwhile
        throw err;
      });
      if (stat !== undefined && stat.mtimeMs < cutoff) {
        await fs.rm(file, { force: true });
        removed++;
      }
    }
    return removed;
  }
}

/** fsyncs a directory so a rename into it is durable. Platforms that cannot (Windows) are skipped. */
async function syncDirectory(dir: string): Promise<void> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(dir, "r");
    await handle.sync();
  } catch (err) {
    if (!isErrno(err, "EISDIR") && !isErrno(err, "EPERM") && !isErrno(err, "EINVAL")) throw err;
  } finally {
    await handle?.close();
  }
}

function isErrno(err: unknown, code: string): boolean {
  return err instanceof Error && (err as NodeJS.ErrnoException).code === code;
}
