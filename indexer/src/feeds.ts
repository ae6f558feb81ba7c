/** PriceFeed (one proxy per resource class, indexed through one contract entry): config and rounds. */
import { priceFeed, priceRound } from "ponder:schema";
import { feedNameByAddress } from "./deployment";
import { type Db, lower, on, snapshot } from "./lib";

type Hex = `0x${string}`;
type FeedRow = typeof priceFeed.$inferSelect;

/** Applies `patch` to a feed's row, creating it on the feed's first event. */
export async function updateFeed(
  db: Db,
  address: Hex,
  patch: (f: FeedRow) => Partial<Omit<FeedRow, "id" | "address">>,
): Promise<FeedRow> {
  const id = lower(address);
  const existing = snapshot(await db.find(priceFeed, { id }));
  const row: FeedRow = existing ?? {
    id,
    address,
    name: feedNameByAddress.get(id) ?? id,
    resourceClass: null,
    configDigest: null,
    configCount: 0,
    f: 0,
    signers: [],
    minAnswer: null,
    maxAnswer: null,
    latestRoundId: 0n,
    latestAnswer: null,
    latestUpdatedAt: null,
  };
  const changes = patch(row);
  if (existing) await db.update(priceFeed, { id }).set(changes);
  else await db.insert(priceFeed).values({ ...row, ...changes });
  return { ...row, ...changes };
}

on("PriceFeed:ConfigSet", async ({ event, context }) => {
  const { configDigest, configCount, signers, f } = event.args;
  await updateFeed(context.db, event.log.address, () => ({
    configDigest,
    configCount,
    f,
    signers: [...signers],
  }));
});

on("PriceFeed:BoundsSet", async ({ event, context }) => {
  const { minAnswer, maxAnswer } = event.args;
  await updateFeed(context.db, event.log.address, () => ({ minAnswer, maxAnswer }));
});

on("PriceFeed:NewTransmission", async ({ event, context }) => {
  const { roundId, answer, transmitter, epochAndRound, observations } = event.args;
  const ts = event.block.timestamp;
  const feed = await updateFeed(context.db, event.log.address, () => ({
    latestRoundId: roundId,
    latestAnswer: answer,
    latestUpdatedAt: ts,
  }));
  // Every round answers itself in the block it is reported: updatedAt = the block time (AnswerUpdated
  // repeats it).
  await context.db.insert(priceRound).values({
    id: `${feed.id}-${roundId}`,
    feed: event.log.address,
    feedName: feed.name,
    resourceClass: feed.resourceClass,
    roundId,
    answer,
    transmitter,
    epochAndRound: BigInt(epochAndRound),
    observations: [...observations],
    updatedAt: ts,
    blockNumber: event.block.number,
    txHash: event.transaction.hash,
  });
});

on("PriceFeed:AnswerUpdated", async ({ event, context }) => {
  const { roundId, updatedAt } = event.args;
  const id = `${lower(event.log.address)}-${roundId}`;
  if (await context.db.find(priceRound, { id })) {
    await context.db.update(priceRound, { id }).set({ updatedAt });
  }
});
