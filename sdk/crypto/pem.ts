import { KeyFormatError } from "./errors";

/** PEM labels used for the two key encodings. */
export type PemLabel = "PUBLIC KEY" | "PRIVATE KEY";

/** Encodes DER bytes as PEM (RFC 7468): base64 in 64-character lines between BEGIN/END lines. */
export function derToPem(der: Uint8Array, label: PemLabel): string {
  const b64 = Buffer.from(der).toString("base64");
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}

/** Decodes a PEM block with the given label into DER bytes. Throws `KeyFormatError`. */
export function pemToDer(pem: string, label: PemLabel): Uint8Array {
  const match = new RegExp(`-----BEGIN ${label}-----([^-]*)-----END ${label}-----`).exec(pem);
  if (match === null) throw new KeyFormatError(`no "-----BEGIN ${label}-----" PEM block found`);
  const body = match[1].replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body) || body.length % 4 !== 0 || body.length === 0) {
    throw new KeyFormatError(`the ${label} PEM block is not valid base64`);
  }
  return new Uint8Array(Buffer.from(body, "base64"));
}
