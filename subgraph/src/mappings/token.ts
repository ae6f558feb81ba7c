/** CLAIToken (Ponder: `indexer/src/token.ts`): transfers, balances, holders, delegation, votes. */
import { Address, BigInt } from "@graphprotocol/graph-ts";
import {
  Approval,
  DelegateChanged,
  DelegateVotesChanged,
  Minted,
  Transfer as TransferEvent,
} from "../../generated/CLAIToken/CLAIToken";
import { Delegation, Transfer } from "../../generated/schema";
import { loadAccount } from "../helpers/accounts";
import { eventId, recordRaw } from "../helpers/events";
import { getProtocol, saveProtocol } from "../helpers/protocol";
import {
  CLAIToken_Approval,
  CLAIToken_DelegateChanged,
  CLAIToken_DelegateVotesChanged,
  CLAIToken_Minted,
  CLAIToken_Transfer,
} from "../lib/event-layouts";

export {
  handleAdminChanged,
  handleBeaconUpgraded,
  handleEIP712DomainChanged,
  handleInitialized,
  handleRoleAdminChanged,
  handleRoleGranted,
  handleRoleRevoked,
  handleUpgraded,
} from "./common";

export function handleTransfer(e: TransferEvent): void {
  recordRaw(e, "Transfer", CLAIToken_Transfer);
  const from = e.params.from;
  const to = e.params.to;
  const value = e.params.value;
  const row = new Transfer(eventId(e));
  row.from = from;
  row.to = to;
  row.value = value;
  row.blockNumber = e.block.number;
  row.timestamp = e.block.timestamp;
  row.txHash = e.transaction.hash;
  row.logIndex = e.logIndex.toI32();
  row.save();

  let holderDelta = 0;
  let supplyDelta = BigInt.zero();
  if (from.equals(Address.zero())) supplyDelta = supplyDelta.plus(value);
  if (to.equals(Address.zero())) supplyDelta = supplyDelta.minus(value);
  if (!from.equals(Address.zero()) && from.equals(to)) {
    // A self-transfer moves nothing.
    const a = loadAccount(from);
    a.transferCount = a.transferCount + 1;
    a.save();
  } else {
    if (!from.equals(Address.zero())) {
      const a = loadAccount(from);
      const before = a.balance;
      a.balance = a.balance.minus(value);
      a.transferCount = a.transferCount + 1;
      a.save();
      if (!before.isZero() && a.balance.isZero()) holderDelta -= 1;
    }
    if (!to.equals(Address.zero())) {
      const a = loadAccount(to);
      const before = a.balance;
      a.balance = a.balance.plus(value);
      a.transferCount = a.transferCount + 1;
      a.save();
      if (before.isZero() && !a.balance.isZero()) holderDelta += 1;
    }
  }
  if (holderDelta != 0 || !supplyDelta.isZero()) {
    const p = getProtocol();
    p.claiHolders = p.claiHolders + holderDelta;
    p.claiTotalSupply = p.claiTotalSupply.plus(supplyDelta);
    saveProtocol(p, e.block.timestamp);
  }
}

export function handleDelegateChanged(e: DelegateChanged): void {
  recordRaw(e, "DelegateChanged", CLAIToken_DelegateChanged);
  const row = new Delegation(eventId(e));
  row.delegator = e.params.delegator;
  row.fromDelegate = e.params.fromDelegate;
  row.toDelegate = e.params.toDelegate;
  row.blockNumber = e.block.number;
  row.timestamp = e.block.timestamp;
  row.txHash = e.transaction.hash;
  row.save();
  const a = loadAccount(e.params.delegator);
  a.delegate = e.params.toDelegate;
  a.save();
}

export function handleDelegateVotesChanged(e: DelegateVotesChanged): void {
  recordRaw(e, "DelegateVotesChanged", CLAIToken_DelegateVotesChanged);
  const a = loadAccount(e.params.delegate);
  a.votes = e.params.newVotes;
  a.save();
}

export function handleApproval(e: Approval): void {
  recordRaw(e, "Approval", CLAIToken_Approval);
}

export function handleMinted(e: Minted): void {
  recordRaw(e, "Minted", CLAIToken_Minted);
}
