/// <reference path="../../sdk/types/snarkjs.d.ts" />
import { createHash } from "node:crypto";
import { wtns } from "snarkjs";
import { SNARK_SCALAR_FIELD } from "../../sdk/zk/commitment";
import { compileSource } from "../../sdk/zk/compile";
import { createProgressLogger } from "../../sdk/zk/progress";

/** Compiles a small test-only circuit (source text) with circom2 --O2, cached by source hash. */
export async function compileTestCircuit(
  name: string,
  source: string,
): Promise<{ wasmPath: string; r1csPath: string }> {
  const hash = createHash("sha256").update(source).digest("hex");
  return compileSource(`test_${name}`, source, hash, createProgressLogger(name, { silent: true }));
}

/** Witness values of a circuit (BigInt per wire), or the thrown error. */
export async function tryWitness(
  wasmPath: string,
  input: Record<string, unknown>,
): Promise<{ ok: true; witness: Uint8Array } | { ok: false; error: string }> {
  const out: { type: "mem"; data?: Uint8Array } = { type: "mem" };
  try {
    await wtns.calculate(input, wasmPath, out);
    return { ok: true, witness: out.data ?? new Uint8Array() };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}

/** Reads wire `index` (0 = constant one) from an in-memory .wtns file (snarkjs format, field elements LE). */
export function witnessWire(wtnsFile: Uint8Array, index: number): bigint {
  // Layout: "wtns" magic, version, nSections; section 1 = {n8 (u32), prime (n8 bytes), nWitness (u32)};
  // section 2 = nWitness × n8 bytes.
  const view = new DataView(wtnsFile.buffer, wtnsFile.byteOffset, wtnsFile.byteLength);
  let offset = 12;
  let n8 = 32;
  for (;;) {
    const type = view.getUint32(offset, true);
    const size = Number(view.getBigUint64(offset + 4, true));
    offset += 12;
    if (type === 1) n8 = view.getUint32(offset, true);
    if (type === 2) {
      let v = 0n;
      const start = offset + index * n8;
      for (let b = n8 - 1; b >= 0; b--) v = (v << 8n) + BigInt(wtnsFile[start + b]);
      return v;
    }
    offset += size;
  }
}

export const FIELD = SNARK_SCALAR_FIELD;

/** a^-1 mod FIELD. */
export function fieldInverse(a: bigint): bigint {
  let [r0, r1] = [((a % FIELD) + FIELD) % FIELD, FIELD];
  let [s0, s1] = [1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  return ((s0 % FIELD) + FIELD) % FIELD;
}
