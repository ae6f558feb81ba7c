/** CLAIToken: transfers, balances, delegation and voting power. */
import { delegation, transfer } from "ponder:schema";
import { ZERO_ADDRESS, eventId, meta, on, updateAccount, updateProtocol } from "./lib";

on("CLAIToken:Transfer", async ({ event, context }) => {
  const { from, to, value } = event.args;
  const db = context.db;
  await db
    .insert(transfer)
    .values({ id: eventId(event), from, to, value, ...meta(event), logIndex: event.log.logIndex });

  let holderDelta = 0;
  let supplyDelta = 0n;
  if (from === ZERO_ADDRESS) supplyDelta += value;
  if (to === ZERO_ADDRESS) supplyDelta -= value;
  if (from !== ZERO_ADDRESS && from === to) {
    // A self-transfer moves nothing.
    await updateAccount(db, from, (a) => ({ transferCount: a.transferCount + 1 }));
  } else {
    if (from !== ZERO_ADDRESS) {
      const { before, after } = await updateAccount(db, from, (a) => ({
        balance: a.balance - value,
        transferCount: a.transferCount + 1,
      }));
      if (before.balance !== 0n && after.balance === 0n) holderDelta -= 1;
    }
    if (to !== ZERO_ADDRESS) {
      const { before, after } = await updateAccount(db, to, (a) => ({
        balance: a.balance + value,
        transferCount: a.transferCount + 1,
      }));
      if (before.balance === 0n && after.balance !== 0n) holderDelta += 1;
    }
  }
  if (holderDelta !== 0 || supplyDelta !== 0n) {
    await updateProtocol(db, event.block.timestamp, (p) => ({
      claiHolders: p.claiHolders + holderDelta,
      claiTotalSupply: p.claiTotalSupply + supplyDelta,
    }));
  }
});

on("CLAIToken:DelegateChanged", async ({ event, context }) => {
  const { delegator, fromDelegate, toDelegate } = event.args;
  await context.db
    .insert(delegation)
    .values({ id: eventId(event), delegator, fromDelegate, toDelegate, ...meta(event) });
  await updateAccount(context.db, delegator, () => ({ delegate: toDelegate }));
});

on("CLAIToken:DelegateVotesChanged", async ({ event, context }) => {
  await updateAccount(context.db, event.args.delegate, () => ({ votes: event.args.newVotes }));
});

on("CLAIToken:Approval");
on("CLAIToken:Minted");
