/**
 * Test-only builders for `ethereum.Value` trees, called from JavaScript (test/subgraph/wasm/host.ts) to
 * hand the mappings the same decoded arguments graph-node would.
 */
import { Address, BigInt, Bytes, ethereum } from "@graphprotocol/graph-ts";

export function newValues(): Array<ethereum.Value> {
  return new Array<ethereum.Value>();
}

export function pushValue(values: Array<ethereum.Value>, value: ethereum.Value): void {
  values.push(value);
}

/** A BigInt from its little-endian two's complement bytes (graph-ts's representation). */
export function bigIntFromLE(hex: string): BigInt {
  return changetype<BigInt>(Bytes.fromHexString(hex));
}

export function vAddress(hex: string): ethereum.Value {
  return ethereum.Value.fromAddress(Address.fromBytes(Bytes.fromHexString(hex)));
}

export function vUint(leHex: string): ethereum.Value {
  return ethereum.Value.fromUnsignedBigInt(bigIntFromLE(leHex));
}

export function vInt(leHex: string): ethereum.Value {
  return ethereum.Value.fromSignedBigInt(bigIntFromLE(leHex));
}

export function vBool(b: bool): ethereum.Value {
  return ethereum.Value.fromBoolean(b);
}

export function vString(s: string): ethereum.Value {
  return ethereum.Value.fromString(s);
}

export function vBytes(hex: string): ethereum.Value {
  return ethereum.Value.fromBytes(Bytes.fromHexString(hex));
}

export function vFixedBytes(hex: string): ethereum.Value {
  return ethereum.Value.fromFixedBytes(Bytes.fromHexString(hex));
}

export function vArray(values: Array<ethereum.Value>): ethereum.Value {
  return ethereum.Value.fromArray(values);
}

export function vFixedArray(values: Array<ethereum.Value>): ethereum.Value {
  return ethereum.Value.fromFixedSizedArray(values);
}

export function vTuple(values: Array<ethereum.Value>): ethereum.Value {
  return ethereum.Value.fromTuple(changetype<ethereum.Tuple>(values));
}
