/**
 * Hardhat's public test accounts (the well-known `test … junk` mnemonic). They hold real value nowhere;
 * tools use them only on a local chain (chain id 31337) and must refuse them anywhere else.
 */
import { HDNodeWallet, type Provider } from "ethers";

export const HARDHAT_TEST_MNEMONIC = "test test test test test test test test test test test junk";

/** Chain id of Hardhat's in-process network and `hardhat node`. */
export const HARDHAT_CHAIN_ID = 31337;

/** Hardhat test account `index` (derivation path `m/44'/60'/0'/0/<index>`), connected to `provider` when given. */
export function hardhatTestWallet(index: number, provider?: Provider): HDNodeWallet {
  if (!Number.isSafeInteger(index) || index < 0) throw new RangeError(`bad account index ${index}`);
  const wallet = HDNodeWallet.fromPhrase(HARDHAT_TEST_MNEMONIC, undefined, `m/44'/60'/0'/0/${index}`);
  return provider ? wallet.connect(provider) : wallet;
}
