import { CiphertextFormatError } from "./errors";
import type { RnsCoefficients } from "./plainLift";

/**
 * Parser and writer for SEAL 4.1 ciphertexts serialized with `saveArray(ComprModeType.none)`:
 *
 * | offset | bytes | field |
 * |---|---|---|
 * | 0 | 16 | SEALHeader: magic 0xA15E (u16), header size 16 (u8), version 4.x (u8, u8), compr mode 0 (u8), reserved (u16), total size (u64) |
 * | 16 | 32 | parms_id (4 × u64) |
 * | 48 | 1 | is_ntt_form (0 for BFV) |
 * | 49 | 8 | size — number of polynomials (u64) |
 * | 57 | 8 | poly_modulus_degree N (u64) |
 * | 65 | 8 | coeff_modulus_size — RNS primes (u64) |
 * | 73 | 8 | scale (f64) |
 * | 81 | 8 | correction_factor (u64) |
 * | 89 | 16 | SEALHeader of the nested data array (same rules, size = 24 + 8·count) |
 * | 105 | 8 | coefficient count (u64) = size·coeff_modulus_size·N |
 * | 113 | 8·count | coefficients (u64 LE), ordered polynomial → RNS prime → coefficient |
 *
 * All integers are little-endian.
 */

export const SEAL_MAGIC = 0xa15e;
export const SEAL_HEADER_SIZE = 16;
const OUTER_FIXED = 16 + 32 + 1 + 8 + 8 + 8 + 8 + 8; // 89
const DATA_PREFIX = SEAL_HEADER_SIZE + 8; // nested header + count
const COEFFS_OFFSET = OUTER_FIXED + DATA_PREFIX; // 113

/** What a ciphertext must look like to be accepted. */
export interface CiphertextShape {
  /** Ring dimension N. */
  readonly n: number;
  /** RNS primes of the ciphertext level, in order. */
  readonly primes: readonly bigint[];
  /** Expected parms_id (4 × u64); checked when given. */
  readonly parmsId?: readonly bigint[];
  /** Expected number of polynomials (2 for a fresh or linearly combined BFV ciphertext). */
  readonly polyCount?: number;
}

/** A parsed ciphertext. `template` holds the exact serialized bytes for a bit-exact round trip. */
export interface ParsedCiphertext {
  readonly parmsId: readonly bigint[];
  readonly polyCount: number;
  readonly n: number;
  readonly primeCount: number;
  readonly scale: number;
  readonly correctionFactor: bigint;
  /** `[poly][prime][coefficient]`. */
  readonly coeffs: RnsCoefficients;
  readonly template: Uint8Array;
}

function fail(code: ConstructorParameters<typeof CiphertextFormatError>[0], message: string): never {
  throw new CiphertextFormatError(code, message);
}

function checkSealHeader(view: DataView, offset: number, what: string, expectedSize: bigint): void {
  if (view.byteLength < offset + SEAL_HEADER_SIZE) fail("TRUNCATED", `${what}: no room for the SEAL header`);
  const magic = view.getUint16(offset, true);
  if (magic !== SEAL_MAGIC) {
    fail("BAD_MAGIC", `${what}: magic is 0x${magic.toString(16)}, expected 0x${SEAL_MAGIC.toString(16)}`);
  }
  const headerSize = view.getUint8(offset + 2);
  if (headerSize !== SEAL_HEADER_SIZE) fail("BAD_HEADER", `${what}: header size ${headerSize}, expected 16`);
  const major = view.getUint8(offset + 3);
  if (major !== 4)
    fail("UNSUPPORTED_VERSION", `${what}: SEAL serialization version ${major}.x, expected 4.x`);
  const compr = view.getUint8(offset + 5);
  if (compr !== 0) fail("COMPRESSED", `${what}: compression mode ${compr}; save with ComprModeType.none`);
  const reserved = view.getUint16(offset + 6, true);
  if (reserved !== 0) fail("BAD_HEADER", `${what}: reserved header bytes are ${reserved}, expected 0`);
  const size = view.getBigUint64(offset + 8, true);
  if (size !== expectedSize) {
    fail("SIZE_MISMATCH", `${what}: header declares ${size} bytes but ${expectedSize} are present/expected`);
  }
}

function toSafeInt(v: bigint, what: string): number {
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) fail("BAD_HEADER", `${what} ${v} is absurdly large`);
  return Number(v);
}

/**
 * Parses a serialized ciphertext and validates it against `shape`. Throws {@link CiphertextFormatError}
 * on any malformed or mismatching input (magic/header, version, compression, declared sizes, NTT form,
 * polynomial count, N, RNS count, parms_id, data length, coefficient ≥ q_j, trailing bytes).
 */
export function parseCiphertext(bytes: Uint8Array, shape: CiphertextShape): ParsedCiphertext {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < OUTER_FIXED) {
    if (bytes.byteLength >= 2 && view.getUint16(0, true) !== SEAL_MAGIC) {
      fail("BAD_MAGIC", `magic is 0x${view.getUint16(0, true).toString(16)}`);
    }
    fail("TRUNCATED", `${bytes.byteLength} bytes is shorter than the ${OUTER_FIXED}-byte ciphertext header`);
  }
  const declared = view.getBigUint64(8, true);
  const actual = BigInt(bytes.byteLength);
  if (view.getUint16(0, true) === SEAL_MAGIC && declared < actual) {
    // Checked before the header's own size check so the message names the real problem.
    checkSealHeader(view, 0, "ciphertext", declared);
    fail("TRAILING_BYTES", `${actual - declared} bytes follow the ${declared}-byte ciphertext`);
  }
  checkSealHeader(view, 0, "ciphertext", actual);

  const parmsId = [0, 1, 2, 3].map((i) => view.getBigUint64(16 + 8 * i, true));
  const isNtt = view.getUint8(48);
  if (isNtt > 1) fail("BAD_HEADER", `is_ntt_form byte is ${isNtt}`);
  if (isNtt === 1) fail("NTT_FORM", "BFV ciphertexts must not be in NTT form");
  const polyCount = toSafeInt(view.getBigUint64(49, true), "polynomial count");
  const n = toSafeInt(view.getBigUint64(57, true), "N");
  const primeCount = toSafeInt(view.getBigUint64(65, true), "RNS count");
  const scale = view.getFloat64(73, true);
  const correctionFactor = view.getBigUint64(81, true);

  const expectedPolys = shape.polyCount ?? 2;
  if (polyCount !== expectedPolys)
    fail("WRONG_POLY_COUNT", `${polyCount} polynomials, expected ${expectedPolys}`);
  if (n !== shape.n) fail("WRONG_DEGREE", `N = ${n}, expected ${shape.n}`);
  if (primeCount !== shape.primes.length) {
    fail("WRONG_RNS_COUNT", `${primeCount} RNS primes, expected ${shape.primes.length}`);
  }
  if (shape.parmsId && !shape.parmsId.every((v, i) => v === parmsId[i])) {
    fail("WRONG_PARMS_ID", "parms_id does not match the expected parameters");
  }

  const count = polyCount * primeCount * n;
  const dataBytes = DATA_PREFIX + 8 * count;
  if (bytes.byteLength !== OUTER_FIXED + dataBytes) {
    fail(
      "WRONG_DATA_LENGTH",
      `${bytes.byteLength - OUTER_FIXED} data bytes, expected ${dataBytes} for ${polyCount}×${primeCount}×${n}`,
    );
  }
  checkSealHeader(view, OUTER_FIXED, "coefficient array", BigInt(dataBytes));
  const declaredCount = view.getBigUint64(OUTER_FIXED + SEAL_HEADER_SIZE, true);
  if (declaredCount !== BigInt(count)) {
    fail("WRONG_DATA_LENGTH", `coefficient array declares ${declaredCount} values, expected ${count}`);
  }

  const coeffs: RnsCoefficients = [];
  let offset = COEFFS_OFFSET;
  for (let p = 0; p < polyCount; p++) {
    const poly: bigint[][] = [];
    for (let j = 0; j < primeCount; j++) {
      const q = shape.primes[j];
      const row: bigint[] = new Array<bigint>(n);
      for (let k = 0; k < n; k++, offset += 8) {
        const c = view.getBigUint64(offset, true);
        if (c >= q)
          fail("COEFF_OUT_OF_RANGE", `coefficient [${p}][${j}][${k}] = ${c} is not below q_${j} = ${q}`);
        row[k] = c;
      }
      poly.push(row);
    }
    coeffs.push(poly);
  }
  return {
    parmsId,
    polyCount,
    n,
    primeCount,
    scale,
    correctionFactor,
    coeffs,
    template: Uint8Array.from(bytes),
  };
}

/**
 * Serializes a parsed ciphertext, writing `coeffs` (which may differ from the parsed ones) into the
 * original header; `serializeCiphertext(parseCiphertext(b, s)) ` is byte-identical to `b`.
 * Throws {@link CiphertextFormatError} when the coefficient array does not fit the header's shape or a
 * value is out of range for its prime (when `primes` is given).
 */
export function serializeCiphertext(
  ct: ParsedCiphertext,
  coeffs: RnsCoefficients = ct.coeffs,
  primes?: readonly bigint[],
): Uint8Array {
  const out = Uint8Array.from(ct.template);
  const view = new DataView(out.buffer);
  if (coeffs.length !== ct.polyCount)
    fail("BAD_SHAPE", `${coeffs.length} polynomials, expected ${ct.polyCount}`);
  let offset = COEFFS_OFFSET;
  coeffs.forEach((poly, p) => {
    if (poly.length !== ct.primeCount) fail("BAD_SHAPE", `poly ${p} has ${poly.length} RNS rows`);
    poly.forEach((row, j) => {
      if (row.length !== ct.n) fail("BAD_SHAPE", `row [${p}][${j}] has ${row.length} coefficients`);
      const q = primes?.[j];
      for (const c of row) {
        if (c < 0n || c >= 1n << 64n || (q !== undefined && c >= q)) {
          fail("COEFF_OUT_OF_RANGE", `coefficient ${c} in row [${p}][${j}] is out of range`);
        }
        view.setBigUint64(offset, c, true);
        offset += 8;
      }
    });
  });
  return out;
}

/** Size in bytes of a serialized (uncompressed) ciphertext with this shape. */
export function serializedCiphertextSize(polyCount: number, primeCount: number, n: number): number {
  return COEFFS_OFFSET + 8 * polyCount * primeCount * n;
}
