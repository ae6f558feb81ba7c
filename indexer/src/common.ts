/**
 * Events every upgradeable contract shares: proxy upgrades (ERC-1967), initialisation, EIP-712 domain
 * changes, and AccessControl roles. Each is kept raw; upgrades and role memberships also get tables.
 */
import { roleMember, upgrade } from "ponder:schema";
import { type Db, type LogEvent, eventId, lower, meta, on } from "./lib";
import { contractNameByAddress } from "./deployment";

type Hex = `0x${string}`;
const nameOf = (e: LogEvent) => contractNameByAddress.get(lower(e.log.address)) ?? lower(e.log.address);

// ERC-1967 proxy events and initialisation, on every proxy.
for (const c of [
  "CLAIToken",
  "CLAIGovernor",
  "CLAITimelock",
  "VerifierRegistry",
  "Reputation",
  "Staking",
  "TaskMarket",
  "PriceFeed",
] as const) {
  on(`${c}:Upgraded`, async ({ event, context }) => {
    const e = event as unknown as LogEvent & { args: { implementation: Hex } };
    await context.db.insert(upgrade).values({
      id: eventId(e),
      contract: nameOf(e),
      address: e.log.address,
      implementation: e.args.implementation,
      ...meta(e),
    });
  });
  on(`${c}:AdminChanged`);
  on(`${c}:BeaconUpgraded`);
  on(`${c}:Initialized`);
}
for (const c of ["CLAIToken", "CLAIGovernor", "TaskMarket"] as const) on(`${c}:EIP712DomainChanged`);

// AccessControl: every contract but the governor.
for (const c of [
  "CLAIToken",
  "CLAITimelock",
  "VerifierRegistry",
  "Reputation",
  "Staking",
  "TaskMarket",
  "PriceFeed",
] as const) {
  on(`${c}:RoleAdminChanged`);
  on(`${c}:RoleGranted`, async ({ event, context }) => {
    const e = event as unknown as LogEvent & { args: { role: Hex; account: Hex; sender: Hex } };
    await setRole(context.db, e, true);
  });
  on(`${c}:RoleRevoked`, async ({ event, context }) => {
    const e = event as unknown as LogEvent & { args: { role: Hex; account: Hex; sender: Hex } };
    await setRole(context.db, e, false);
  });
}

async function setRole(
  db: Db,
  e: LogEvent & { args: { role: Hex; account: Hex; sender: Hex } },
  active: boolean,
) {
  const { role, account, sender } = e.args;
  const id = `${lower(e.log.address)}-${lower(role)}-${lower(account)}`;
  const values = { active, sender, updatedAt: e.block.timestamp, updatedTx: e.transaction.hash };
  await db
    .insert(roleMember)
    .values({ id, contract: nameOf(e), address: e.log.address, role, account, ...values })
    .onConflictDoUpdate(values);
}
