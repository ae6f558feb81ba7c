/**
 * The `rawEvent.args` JSON text, byte for byte as the Ponder indexer writes it:
 * `JSON.stringify(event.args, bigint → decimal string)` over the arguments Ponder's decoder returns.
 * That decoder builds `args` with the indexed arguments first (then the others, each in ABI order),
 * lowercases addresses, gives `uintN`/`intN` with N ≤ 48 as JSON numbers and wider ones as bigints
 * (hence decimal strings), bytes as lowercase hex, tuples as objects keyed by component name.
 *
 * The order and types come from a layout string generated from the ABI (`event-layouts.ts`):
 * `name@position:type` entries, tuples as `(name:type,…)`, arrays with their `[]` / `[N]` suffix.
 */
import { ethereum } from "@graphprotocol/graph-ts";

/** A JSON string literal exactly as `JSON.stringify` writes it (ES2019 well-formed). */
export function jsonString(s: string): string {
  let out = '"';
  const n = s.length;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c == 0x22) out += '\\"';
    else if (c == 0x5c) out += "\\\\";
    else if (c == 0x08) out += "\\b";
    else if (c == 0x0c) out += "\\f";
    else if (c == 0x0a) out += "\\n";
    else if (c == 0x0d) out += "\\r";
    else if (c == 0x09) out += "\\t";
    else if (c < 0x20) out += "\\u" + hex4(c);
    else if (c >= 0xd800 && c <= 0xdbff) {
      const next = i + 1 < n ? s.charCodeAt(i + 1) : 0;
      if (next >= 0xdc00 && next <= 0xdfff) {
        out += String.fromCharCode(c) + String.fromCharCode(next);
        i++;
      } else out += "\\u" + hex4(c);
    } else if (c >= 0xdc00 && c <= 0xdfff) out += "\\u" + hex4(c);
    else out += String.fromCharCode(c);
  }
  return out + '"';
}

function hex4(c: i32): string {
  const digits = "0123456789abcdef";
  let out = "";
  for (let shift = 12; shift >= 0; shift -= 4) out += digits.charAt((c >> shift) & 0xf);
  return out;
}

/** Bit size of an integer type (`uint8` → 8, `int` → 256); 0 when `type` is not an integer type. */
export function intBits(type: string): i32 {
  let digits: string;
  if (type.startsWith("uint")) digits = type.substr(4);
  else if (type.startsWith("int")) digits = type.substr(3);
  else return 0;
  if (digits.length == 0) return 256;
  for (let i = 0; i < digits.length; i++) {
    const c = digits.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return 0;
  }
  return I32.parseInt(digits);
}

/** Index of the `close` matching the `open` at `start` (or -1). */
function matching(s: string, start: i32): i32 {
  let depth = 0;
  for (let i = start; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c == 0x28) depth++;
    else if (c == 0x29) {
      depth--;
      if (depth == 0) return i;
    }
  }
  return -1;
}

/** Splits `s` at the commas outside parentheses. */
export function splitTop(s: string): Array<string> {
  const parts = new Array<string>();
  if (s.length == 0) return parts;
  let depth = 0;
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c == 0x28) depth++;
    else if (c == 0x29) depth--;
    else if (c == 0x2c && depth == 0) {
      parts.push(s.substring(from, i));
      from = i + 1;
    }
  }
  parts.push(s.substring(from));
  return parts;
}

/** JSON of one decoded value of ABI type `type` (layout syntax). */
export function valueJson(value: ethereum.Value, type: string): string {
  // Arrays: the last `[...]` suffix is the outermost dimension.
  if (type.endsWith("]")) {
    const open = type.lastIndexOf("[");
    const element = type.substring(0, open);
    const items = value.toArray();
    let out = "[";
    for (let i = 0; i < items.length; i++) {
      if (i > 0) out += ",";
      out += valueJson(items[i], element);
    }
    return out + "]";
  }
  if (type.startsWith("(")) {
    const close = matching(type, 0);
    const fields = splitTop(type.substring(1, close));
    const tuple = value.toTuple();
    let out = "{";
    for (let i = 0; i < fields.length; i++) {
      const colon = fields[i].indexOf(":");
      if (i > 0) out += ",";
      out +=
        jsonString(fields[i].substring(0, colon)) + ":" + valueJson(tuple[i], fields[i].substring(colon + 1));
    }
    return out + "}";
  }
  if (type == "address") return '"' + value.toAddress().toHexString() + '"';
  if (type == "bool") return value.toBoolean() ? "true" : "false";
  if (type == "string") return jsonString(value.toString());
  if (type.startsWith("bytes")) return '"' + value.toBytes().toHexString() + '"';
  const bits = intBits(type);
  if (bits > 0) {
    const decimal = value.toBigInt().toString();
    return bits > 48 ? '"' + decimal + '"' : decimal;
  }
  throw new Error("raw-json: unsupported ABI type " + type);
}

/** The `rawEvent.args` text for an event's parameter values (in ABI order) and its layout. */
export function argsJson(values: Array<ethereum.Value>, layout: string): string {
  const entries = splitTop(layout);
  let out = "{";
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i];
    const at = entry.indexOf("@");
    const colon = entry.indexOf(":", at);
    const position = I32.parseInt(entry.substring(at + 1, colon));
    if (i > 0) out += ",";
    out += jsonString(entry.substring(0, at)) + ":" + valueJson(values[position], entry.substring(colon + 1));
  }
  return out + "}";
}
