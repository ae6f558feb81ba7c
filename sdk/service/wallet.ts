/**
 * Service keys: a raw private key from an environment variable or an encrypted JSON keystore (ethers'
 * scrypt keystore, as written by `clai` or geth) whose password comes from the environment. Keys never
 * come from the command line (they would land in shell history and `ps`).
 */
import fs from "node:fs";
import { Wallet, type Provider } from "ethers";

/** Thrown when no key is configured or the keystore cannot be opened. */
export class KeyConfigError extends Error {
  override name = "KeyConfigError";
}

export interface KeySource {
  /** Env var holding a 0x private key, e.g. `AGENT_PRIVATE_KEY`. */
  keyEnv: string;
  /** Env var holding a keystore path, e.g. `AGENT_KEYSTORE`. */
  keystoreEnv: string;
  /** Env var holding the keystore password, e.g. `AGENT_KEYSTORE_PASSWORD`. */
  passwordEnv: string;
}

/** `<PREFIX>_PRIVATE_KEY`, `<PREFIX>_KEYSTORE`, `<PREFIX>_KEYSTORE_PASSWORD`. */
export function keySource(prefix: string): KeySource {
  return {
    keyEnv: `${prefix}_PRIVATE_KEY`,
    keystoreEnv: `${prefix}_KEYSTORE`,
    passwordEnv: `${prefix}_KEYSTORE_PASSWORD`,
  };
}

/** Loads the service wallet from `env` (default `process.env`), connected to `provider` when given. */
export async function loadWallet(
  source: KeySource,
  provider?: Provider,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Wallet> {
  const key = env[source.keyEnv];
  const keystore = env[source.keystoreEnv];
  let wallet: Wallet;
  if (key) {
    if (keystore) throw new KeyConfigError(`set either ${source.keyEnv} or ${source.keystoreEnv}, not both`);
    try {
      wallet = new Wallet(key);
    } catch {
      throw new KeyConfigError(`${source.keyEnv} is not a valid private key`);
    }
  } else if (keystore) {
    const password = env[source.passwordEnv];
    if (password === undefined)
      throw new KeyConfigError(`${source.keystoreEnv} is set but ${source.passwordEnv} is not`);
    let json: string;
    try {
      json = fs.readFileSync(keystore, "utf8");
    } catch {
      throw new KeyConfigError(`cannot read keystore ${keystore}`);
    }
    try {
      const decrypted = await Wallet.fromEncryptedJson(json, password);
      wallet = new Wallet(decrypted.privateKey);
    } catch {
      throw new KeyConfigError(`cannot decrypt keystore ${keystore} (wrong password or not a keystore)`);
    }
  } else {
    throw new KeyConfigError(`no key: set ${source.keyEnv} or ${source.keystoreEnv} + ${source.passwordEnv}`);
  }
  return provider ? wallet.connect(provider) : wallet;
}
