/**
 * The agent's envelope-encryption key (sdk/crypto, RSA-OAEP 3072, SHA-256): generated once, kept as an
 * unencrypted PKCS#8 PEM at `<stateDir>/envelope-key.pem` with mode 0600 (a file readable by others is
 * refused, as ssh does). Its public half (SPKI DER) is what the agent registers in Staking, so requesters
 * can seal task material to it (`encryptEnvelope`).
 */
import fs from "node:fs";
import path from "node:path";
import { webcrypto } from "node:crypto";
import {
  MIN_RSA_MODULUS_BITS,
  exportPrivateKeyPem,
  exportPublicKeySpki,
  generateEnvelopeKeyPair,
  importPrivateKeyPem,
  type CryptoKey,
} from "../sdk/crypto";
import { ConfigError } from "./errors";

export const ENVELOPE_KEY_FILE = "envelope-key.pem";

export interface EnvelopeKey {
  file: string;
  privateKey: CryptoKey;
  /** SPKI DER of the public key: the bytes registered on-chain. */
  publicKeySpki: Uint8Array;
  /** True when this call generated the key. */
  created: boolean;
}

async function publicSpkiOf(privateKey: CryptoKey): Promise<Uint8Array> {
  const jwk = await webcrypto.subtle.exportKey("jwk", privateKey);
  const publicKey = await webcrypto.subtle.importKey(
    "jwk",
    { kty: "RSA", n: jwk.n, e: jwk.e, ext: true },
    { name: "RSA-OAEP", hash: "SHA-256" },
    true,
    ["wrapKey", "encrypt"],
  );
  return exportPublicKeySpki(publicKey);
}

/** Loads the agent's envelope key from `stateDir`, generating and saving it (0600) on first use. */
export async function loadOrCreateEnvelopeKey(stateDir: string): Promise<EnvelopeKey> {
  const file = path.join(stateDir, ENVELOPE_KEY_FILE);
  if (fs.existsSync(file)) {
    const mode = fs.statSync(file).mode & 0o777;
    if ((mode & 0o077) !== 0) {
      throw new ConfigError(
        `${file} is readable by others (mode 0${mode.toString(8)}); run \`chmod 600 ${file}\``,
      );
    }
    let privateKey: CryptoKey;
    try {
      privateKey = await importPrivateKeyPem(fs.readFileSync(file, "utf8"));
    } catch (err) {
      throw new ConfigError(`${file} is not a usable envelope key: ${(err as Error).message}`);
    }
    return { file, privateKey, publicKeySpki: await publicSpkiOf(privateKey), created: false };
  }
  fs.mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const pair = await generateEnvelopeKeyPair(MIN_RSA_MODULUS_BITS);
  const pem = await exportPrivateKeyPem(pair.privateKey);
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = fs.openSync(tmp, "w", 0o600);
  try {
    fs.fchmodSync(fd, 0o600);
    fs.writeSync(fd, pem);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
  return {
    file,
    privateKey: pair.privateKey,
    publicKeySpki: await exportPublicKeySpki(pair.publicKey),
    created: true,
  };
}
