/**
 * Events every upgradeable contract shares (Ponder: `indexer/src/common.ts`): ERC-1967 proxy events,
 * initialisation, EIP-712 domain changes and AccessControl roles. Each is kept raw; upgrades and role
 * memberships also get entities. The handlers take a plain `ethereum.Event` so that every data source
 * re-exports the same functions (`export { … } from "./common"`).
 */
import { ethereum } from "@graphprotocol/graph-ts";
import { RoleMember, Upgrade } from "../../generated/schema";
import { contractName, eventId, recordRaw } from "../helpers/events";
import {
  Common_AdminChanged,
  Common_BeaconUpgraded,
  Common_EIP712DomainChanged,
  Common_Initialized,
  Common_RoleAdminChanged,
  Common_RoleGranted,
  Common_RoleRevoked,
  Common_Upgraded,
} from "../lib/event-layouts";

export function handleUpgraded(e: ethereum.Event): void {
  recordRaw(e, "Upgraded", Common_Upgraded);
  const row = new Upgrade(eventId(e));
  row.contract = contractName();
  row.address = e.address;
  row.implementation = e.parameters[0].value.toAddress();
  row.blockNumber = e.block.number;
  row.timestamp = e.block.timestamp;
  row.txHash = e.transaction.hash;
  row.save();
}

export function handleAdminChanged(e: ethereum.Event): void {
  recordRaw(e, "AdminChanged", Common_AdminChanged);
}

export function handleBeaconUpgraded(e: ethereum.Event): void {
  recordRaw(e, "BeaconUpgraded", Common_BeaconUpgraded);
}

export function handleInitialized(e: ethereum.Event): void {
  recordRaw(e, "Initialized", Common_Initialized);
}

export function handleEIP712DomainChanged(e: ethereum.Event): void {
  recordRaw(e, "EIP712DomainChanged", Common_EIP712DomainChanged);
}

export function handleRoleAdminChanged(e: ethereum.Event): void {
  recordRaw(e, "RoleAdminChanged", Common_RoleAdminChanged);
}

/** RoleGranted / RoleRevoked(role, account, sender): upserts `<contract>-<role>-<account>`. */
function setRole(e: ethereum.Event, active: bool): void {
  const role = e.parameters[0].value.toBytes();
  const account = e.parameters[1].value.toAddress();
  const id = e.address.toHexString() + "-" + role.toHexString() + "-" + account.toHexString();
  let row = RoleMember.load(id);
  if (row == null) {
    row = new RoleMember(id);
    row.contract = contractName();
    row.address = e.address;
    row.role = role;
    row.account = account;
  }
  row.active = active;
  row.sender = e.parameters[2].value.toAddress();
  row.updatedAt = e.block.timestamp;
  row.updatedTx = e.transaction.hash;
  row.save();
}

export function handleRoleGranted(e: ethereum.Event): void {
  recordRaw(e, "RoleGranted", Common_RoleGranted);
  setRole(e, true);
}

export function handleRoleRevoked(e: ethereum.Event): void {
  recordRaw(e, "RoleRevoked", Common_RoleRevoked);
  setRole(e, false);
}
