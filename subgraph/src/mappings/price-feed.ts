/**
 * PriceFeed (Ponder: `indexer/src/feeds.ts`), one data source per resource class (`PriceFeed_<name>`):
 * signer configuration, bounds and rounds. The handlers read `ethereum.Event` parameters by position:
 * graph codegen names the event classes after the data source (`generated/PriceFeed_CPU/…`), which
 * depends on the deployment, so the feed mapping does not import them.
 */
import { Address, BigInt, Bytes, dataSource, ethereum } from "@graphprotocol/graph-ts";
import { PriceFeed, PriceRound } from "../../generated/schema";
import { recordRaw } from "../helpers/events";
import { getState, isSet } from "../helpers/state";
import {
  PriceFeed_AnswerUpdated,
  PriceFeed_BoundsSet,
  PriceFeed_ConfigSet,
  PriceFeed_NewTransmission,
} from "../lib/event-layouts";

export {
  handleAdminChanged,
  handleBeaconUpgraded,
  handleInitialized,
  handleRoleAdminChanged,
  handleRoleGranted,
  handleRoleRevoked,
  handleUpgraded,
} from "./common";

/** The feed's row, created (unsaved) on its first ConfigSet, BoundsSet or NewTransmission. */
function loadFeed(address: Address): PriceFeed {
  const id = address.toHexString();
  let f = PriceFeed.load(id);
  if (f != null) return f;
  f = new PriceFeed(id);
  f.address = address;
  f.name = dataSource.context().getString("feedName");
  f.configCount = 0;
  f.f = 0;
  f.signers = new Array<Bytes>();
  f.latestRoundId = BigInt.zero();
  // Known feeds, so that TaskMarket's PriceFeedSet can find the previous feed of a class.
  const state = getState();
  const feeds = state.priceFeeds;
  feeds.push(id);
  state.priceFeeds = feeds;
  state.save();
  return f;
}

/** ConfigSet(bytes32 configDigest, uint32 configCount, address[] signers, uint8 f) */
export function handleConfigSet(e: ethereum.Event): void {
  recordRaw(e, "ConfigSet", PriceFeed_ConfigSet);
  const p = e.parameters;
  const feed = loadFeed(e.address);
  feed.configDigest = p[0].value.toBytes();
  feed.configCount = p[1].value.toI32();
  feed.signers = changetype<Array<Bytes>>(p[2].value.toAddressArray());
  feed.f = p[3].value.toI32();
  feed.save();
}

/** BoundsSet(int192 minAnswer, int192 maxAnswer) */
export function handleBoundsSet(e: ethereum.Event): void {
  recordRaw(e, "BoundsSet", PriceFeed_BoundsSet);
  const feed = loadFeed(e.address);
  feed.minAnswer = e.parameters[0].value.toBigInt();
  feed.maxAnswer = e.parameters[1].value.toBigInt();
  feed.save();
}

/**
 * NewTransmission(uint80 indexed roundId, int192 answer, address transmitter, uint40 epochAndRound,
 * int192[] observations)
 */
export function handleNewTransmission(e: ethereum.Event): void {
  recordRaw(e, "NewTransmission", PriceFeed_NewTransmission);
  const p = e.parameters;
  const roundId = p[0].value.toBigInt();
  const answer = p[1].value.toBigInt();
  const ts = e.block.timestamp;
  const feed = loadFeed(e.address);
  feed.latestRoundId = roundId;
  feed.latestAnswer = answer;
  feed.latestUpdatedAt = ts;
  feed.save();
  // Every round answers itself in the block it is reported: updatedAt = the block time (AnswerUpdated
  // repeats it).
  const round = new PriceRound(feed.id + "-" + roundId.toString());
  round.feed = e.address;
  round.feedName = feed.name;
  if (isSet(feed, "resourceClass")) round.resourceClass = feed.resourceClass;
  round.roundId = roundId;
  round.answer = answer;
  round.transmitter = p[2].value.toAddress();
  round.epochAndRound = p[3].value.toBigInt();
  round.observations = p[4].value.toBigIntArray();
  round.updatedAt = ts;
  round.blockNumber = e.block.number;
  round.txHash = e.transaction.hash;
  round.save();
}

/** AnswerUpdated(int256 indexed current, uint256 indexed roundId, uint256 updatedAt) */
export function handleAnswerUpdated(e: ethereum.Event): void {
  recordRaw(e, "AnswerUpdated", PriceFeed_AnswerUpdated);
  const round = PriceRound.load(e.address.toHexString() + "-" + e.parameters[1].value.toBigInt().toString());
  if (round == null) return;
  round.updatedAt = e.parameters[2].value.toBigInt();
  round.save();
}
