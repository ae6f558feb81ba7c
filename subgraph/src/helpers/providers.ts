/** Registered providers (`id` = lowercase address); the Ponder handlers' `updateProvider`. */
import { Address, BigInt } from "@graphprotocol/graph-ts";
import { Provider } from "../../generated/schema";

/** The provider row of `address`, or null when it never registered (changes are then skipped). */
export function loadProvider(address: Address): Provider | null {
  return Provider.load(address.toHexString());
}

/** Saves a changed provider row with `updatedAt`. */
export function saveProvider(p: Provider, timestamp: BigInt): void {
  p.updatedAt = timestamp;
  p.save();
}

/** The provider's bonded stake after a change (0 for an unknown provider), for `stakeChange.stakeAfter`. */
export function stakeOf(p: Provider | null): BigInt {
  return p == null ? BigInt.zero() : p.stake;
}
