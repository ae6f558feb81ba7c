/**
 * Option and argument parsers for commander (`.argParser(...)`): they throw commander's
 * `InvalidArgumentError`, so a bad value is reported as a usage error (exit code 2) naming the option.
 */
import { InvalidArgumentError } from "commander";
import { getAddress, parseUnits } from "ethers";

/** A non-negative safe integer. */
export function parseUint(value: string): number {
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(Number(value))) {
    throw new InvalidArgumentError("expected a non-negative integer.");
  }
  return Number(value);
}

/** A positive safe integer. */
export function parsePositive(value: string): number {
  const n = parseUint(value);
  if (n === 0) throw new InvalidArgumentError("expected a positive integer.");
  return n;
}

/** A non-negative integer id of any size (task ids, proposal ids; decimal or 0x hex). */
export function parseId(value: string): bigint {
  const v = value.trim();
  if (!/^(\d+|0x[0-9a-fA-F]+)$/.test(v))
    throw new InvalidArgumentError("expected a non-negative integer id.");
  return BigInt(v);
}

/** A CLAI amount in tokens (`1.5`), or in wei with a `wei` suffix (`1500wei`). Returns wei. */
export function parseClai(value: string): bigint {
  const v = value.trim().replace(/_/g, "");
  try {
    if (/^\d+wei$/i.test(v)) return BigInt(v.slice(0, -3));
    const tokens = v.replace(/\s*clai$/i, "");
    if (!/^\d+(\.\d+)?$/.test(tokens)) throw new Error("format");
    return parseUnits(tokens, 18);
  } catch {
    throw new InvalidArgumentError("expected a CLAI amount such as 1.5 (or 1500000wei).");
  }
}

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** A duration: seconds (`90`) or with a unit (`90s`, `10m`, `2h`, `1d`). Returns seconds. */
export function parseDuration(value: string): number {
  const m = /^(\d+)\s*([smhd]?)$/i.exec(value.trim());
  if (!m) throw new InvalidArgumentError("expected a duration such as 90s, 10m, 2h or 1d.");
  return Number(m[1]) * UNIT_SECONDS[(m[2] || "s").toLowerCase()]!;
}

/** A checksummed address. */
export function parseAddress(value: string): string {
  try {
    return getAddress(value.trim());
  } catch {
    throw new InvalidArgumentError("expected a 0x address.");
  }
}

/** Comma-separated non-negative integers (`1,2,3`). */
export function parseBigIntList(value: string): bigint[] {
  const parts = value
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  if (parts.length === 0 || parts.some((p) => !/^\d+$/.test(p))) {
    throw new InvalidArgumentError("expected comma-separated non-negative integers such as 1,2,3.");
  }
  return parts.map((p) => BigInt(p));
}

/** Commander collector for repeatable options. */
export function collect<T>(parse: (value: string) => T): (value: string, previous: T[] | undefined) => T[] {
  return (value, previous) => [...(previous ?? []), parse(value)];
}

/** One of `choices` (case-insensitive), returned in its canonical spelling. */
export function parseChoice<T extends string>(choices: readonly T[]): (value: string) => T {
  return (value) => {
    const found = choices.find((c) => c.toLowerCase() === value.trim().toLowerCase());
    if (!found) throw new InvalidArgumentError(`expected one of ${choices.join(", ")}.`);
    return found;
  };
}
