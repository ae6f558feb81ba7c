/**
 * Crash-safe JSON state files for services that must "lose nothing on restart": writes go to a temporary
 * file that is fsynced and renamed over the old one, so a reader sees either the old or the new state.
 */
import fs from "node:fs";
import path from "node:path";

/** Thrown when a state file exists but cannot be parsed (never silently reset: that would lose state). */
export class StateFileError extends Error {
  override name = "StateFileError";
}

export class JsonStateFile<T> {
  constructor(
    readonly file: string,
    private readonly initial: () => T,
  ) {}

  /** The stored state, or a fresh initial state when the file does not exist yet. */
  read(): T {
    let text: string;
    try {
      text = fs.readFileSync(this.file, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return this.initial();
      throw err;
    }
    try {
      return JSON.parse(text, (_k, v: unknown) =>
        typeof v === "string" && /^-?\d+n$/.test(v) ? BigInt(v.slice(0, -1)) : v,
      ) as T;
    } catch (err) {
      throw new StateFileError(`state file ${this.file} is corrupt: ${(err as Error).message}`);
    }
  }

  /** Atomically replaces the stored state (bigints round-trip as `"123n"`). */
  write(state: T): void {
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    const text = JSON.stringify(state, (_k, v: unknown) => (typeof v === "bigint" ? `${v}n` : v), 2);
    const fd = fs.openSync(tmp, "w");
    try {
      fs.writeSync(fd, text);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, this.file);
  }

  /** Reads, applies `fn`, writes back and returns the new state. */
  update(fn: (state: T) => T): T {
    const next = fn(this.read());
    this.write(next);
    return next;
  }
}
