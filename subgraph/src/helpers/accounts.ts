/** CLAI accounts (`id` = lowercase address), created with a zero balance on first use. */
import { Address, BigInt } from "@graphprotocol/graph-ts";
import { Account } from "../../generated/schema";

/** The account of `address`, or a new unsaved one (Ponder: `updateAccount`'s default row). */
export function loadAccount(address: Address): Account {
  const id = address.toHexString();
  let a = Account.load(id);
  if (a != null) return a;
  a = new Account(id);
  a.address = address;
  a.balance = BigInt.zero();
  a.votes = BigInt.zero();
  a.transferCount = 0;
  return a;
}
