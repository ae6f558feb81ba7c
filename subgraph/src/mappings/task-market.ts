/**
 * TaskMarket (Ponder: `indexer/src/market.ts`): tasks and their status history, assignments, offers,
 * results, disputes, fees, and the hourly/daily market statistics.
 */
import { Address, BigInt, Bytes, ethereum, log } from "@graphprotocol/graph-ts";
import {
  ConfigSet,
  DisputeLapsed,
  DisputeResolved,
  FeesDistributed,
  MatchSkipped,
  OfferCancelled,
  OffersCancelledBelow,
  PriceFeedSet,
  ProofAccepted,
  ResultSubmitted,
  TaskAssigned,
  TaskCancelled,
  TaskCompleted,
  TaskCreated,
  TaskDisputed,
  TaskExpired,
  TaskFailed,
  TaskRejected,
} from "../../generated/TaskMarket/TaskMarket";
import {
  Assignment,
  Dispute,
  MatchSkip,
  Offer,
  PriceFeed,
  Result,
  Task,
  TaskStatusChange,
} from "../../generated/schema";
import { eventId, recordRaw } from "../helpers/events";
import { getProtocol, saveProtocol } from "../helpers/protocol";
import { loadProvider, saveProvider } from "../helpers/providers";
import { StatDelta, bumpStats } from "../helpers/stats";
import { getAddressState, getState, isSet } from "../helpers/state";
import {
  TaskMarket_ConfigSet,
  TaskMarket_DisputeLapsed,
  TaskMarket_DisputeResolved,
  TaskMarket_FeesDistributed,
  TaskMarket_MatchSkipped,
  TaskMarket_OfferCancelled,
  TaskMarket_OffersCancelledBelow,
  TaskMarket_PriceFeedSet,
  TaskMarket_ProofAccepted,
  TaskMarket_ResultSubmitted,
  TaskMarket_TaskAssigned,
  TaskMarket_TaskCancelled,
  TaskMarket_TaskCompleted,
  TaskMarket_TaskCreated,
  TaskMarket_TaskDisputed,
  TaskMarket_TaskExpired,
  TaskMarket_TaskFailed,
  TaskMarket_TaskRejected,
} from "../lib/event-layouts";
import {
  ASSIGN_BATCH_SELECTOR,
  SKIP_REASON,
  VERIFICATION_MODE,
  activeTaskDelta,
  isActiveStatus,
  nameOf,
  offerId,
} from "../lib/market";

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

// ───────────────────────────── tasks ─────────────────────────────

/** The task an event names (null, logged, if it has no TaskCreated before it: impossible on-chain). */
function getTask(taskId: BigInt): Task | null {
  const t = Task.load(taskId.toString());
  if (t == null) log.error("task {} has an event but no TaskCreated before it", [taskId.toString()]);
  return t;
}

/** What a transition needs of the task before the handler changed it. */
class Before {
  status: string;
  escrow: BigInt;
  refunded: BigInt;
  provider: Bytes | null;
  lockedStake: BigInt;
  resourceClass: i32;
  units: BigInt;
  createdAt: BigInt;
  constructor(t: Task) {
    this.status = t.status;
    this.escrow = t.escrow;
    this.refunded = t.refunded;
    this.provider = t.provider;
    this.lockedStake = t.lockedStake;
    this.resourceClass = t.resourceClass;
    this.units = t.units;
    this.createdAt = t.createdAt;
  }
}

function statusChange(
  e: ethereum.Event,
  taskId: BigInt,
  from: string | null,
  to: string,
  name: string,
): void {
  const row = new TaskStatusChange(eventId(e));
  row.taskId = taskId;
  row.fromStatus = from;
  row.toStatus = to;
  row.event = name;
  row.blockNumber = e.block.number;
  row.timestamp = e.block.timestamp;
  row.txHash = e.transaction.hash;
  row.logIndex = e.logIndex.toI32();
  row.save();
}

/**
 * Moves task `t` (already carrying the handler's changes) to `to`: status, `updatedAt`, `settledAt` on
 * the first terminal status, the status-change row, and the protocol's escrow and active-task totals.
 */
function transition(e: ethereum.Event, name: string, t: Task, before: Before, to: string): void {
  const ts = e.block.timestamp;
  t.status = to;
  t.updatedAt = ts;
  if (!isActiveStatus(to) && !isSet(t, "settledAt")) t.settledAt = ts;
  t.save();
  statusChange(e, t.taskId, before.status, to, name);
  const escrowDelta = t.escrow.minus(before.escrow);
  const activeDelta = activeTaskDelta(before.status, to);
  if (!escrowDelta.isZero() || activeDelta != 0) {
    const p = getProtocol();
    p.escrowHeld = p.escrowHeld.plus(escrowDelta);
    p.activeTaskCount = p.activeTaskCount + activeDelta;
    saveProtocol(p, ts);
  }
}

/** Counters `releaseLock` may bump on the provider. */
const NO_COUNTER = 0;
const FAILED = 1;
const REJECTED = 2;
const ANNULLED = 3;

/** Releases the stake the task locked (every terminal edge after assignment releases or slashes it). */
function releaseLock(before: Before, ts: BigInt, counter: i32): void {
  const who = before.provider;
  if (who === null) return;
  const p = loadProvider(changetype<Address>(who));
  if (p == null) return;
  p.locked = p.locked.minus(before.lockedStake);
  if (counter == FAILED) p.tasksFailed = p.tasksFailed + 1;
  if (counter == REJECTED) p.tasksRejected = p.tasksRejected + 1;
  if (counter == ANNULLED) p.tasksAnnulled = p.tasksAnnulled + 1;
  saveProvider(p, ts);
}

export function handleTaskCreated(e: TaskCreated): void {
  recordRaw(e, "TaskCreated", TaskMarket_TaskCreated);
  const a = e.params;
  const params = a.params;
  const ts = e.block.timestamp;
  const units = params.units;
  const escrow = units.times(a.maxPricePerUnit);
  const t = new Task(a.taskId.toString());
  t.taskId = a.taskId;
  t.requester = a.requester;
  t.resourceClass = a.resourceClass;
  t.mode = nameOf(VERIFICATION_MODE, params.mode);
  t.minReputation = params.minReputation;
  t.units = units;
  t.maxPricePerUnit = a.maxPricePerUnit;
  t.requestedMaxPricePerUnit = params.maxPricePerUnit;
  t.assignDeadline = params.assignDeadline;
  t.completionDeadline = params.completionDeadline;
  t.circuitId = params.circuitId;
  t.inputCommitment = params.inputCommitment;
  t.inputCid = params.inputCid;
  t.status = "Open";
  t.lockedStake = BigInt.zero();
  t.escrow = escrow;
  t.refunded = BigInt.zero();
  t.createdAt = ts;
  t.createdBlock = e.block.number;
  t.createdTx = e.transaction.hash;
  t.updatedAt = ts;
  t.save();
  statusChange(e, a.taskId, null, "Open", "TaskCreated");

  const p = getProtocol();
  p.taskCount = p.taskCount + 1;
  p.activeTaskCount = p.activeTaskCount + 1;
  p.escrowHeld = p.escrowHeld.plus(escrow);
  saveProtocol(p, ts);

  const d = new StatDelta();
  d.tasksCreated = 1;
  d.unitsRequested = units;
  bumpStats(a.resourceClass, ts, ts, d);
}

/** The offer of a matcher batch (`assignBatch` called directly on the market) used for `taskId`. */
class MatchedOffer {
  nonce: BigInt;
  resourceClass: i32;
  pricePerUnit: BigInt;
  capacity: BigInt;
  expiry: BigInt;
  constructor(offer: ethereum.Tuple) {
    this.resourceClass = offer[1].toI32();
    this.pricePerUnit = offer[2].toBigInt();
    this.capacity = offer[3].toBigInt();
    this.expiry = offer[4].toBigInt();
    this.nonce = offer[5].toBigInt();
  }
}

function matchedOffer(
  e: ethereum.Event,
  taskId: BigInt,
  who: Address,
  pricePerUnit: BigInt,
  resourceClass: i32,
): MatchedOffer | null {
  const to = e.transaction.to;
  if (to === null || !to.equals(e.address)) return null;
  const input = e.transaction.input;
  if (input.length < 4 || Bytes.fromUint8Array(input.subarray(0, 4)).toHexString() != ASSIGN_BATCH_SELECTOR) {
    return null;
  }
  // The arguments are the tuple `(Match[])`; a dynamic tuple decodes after its offset word.
  const args = new Bytes(32 + input.length - 4);
  args[31] = 0x20;
  args.set(input.subarray(4), 32);
  const decoded = ethereum.decode("((uint256,(address,uint8,uint96,uint32,uint64,uint64),bytes)[])", args);
  if (decoded === null) return null; // not TaskMarket calldata: no offer details
  const matches = decoded.toTuple()[0].toTupleArray<ethereum.Tuple>();
  // The pair that was assigned: same task, provider, price and class (a skipped pair can differ from it
  // only in nonce, capacity or expiry, in which case the first such pair is taken, as Ponder does).
  for (let i = 0; i < matches.length; i++) {
    const offer = matches[i][1].toTuple();
    if (
      matches[i][0].toBigInt().equals(taskId) &&
      offer[0].toAddress().equals(who) &&
      offer[2].toBigInt().equals(pricePerUnit) &&
      offer[1].toI32() == resourceClass
    ) {
      return new MatchedOffer(offer);
    }
  }
  return null;
}

export function handleTaskAssigned(e: TaskAssigned): void {
  recordRaw(e, "TaskAssigned", TaskMarket_TaskAssigned);
  const a = e.params;
  const ts = e.block.timestamp;
  const t = getTask(a.taskId);
  if (t == null) return;
  const before = new Before(t);
  let o: MatchedOffer | null = null;
  if (!a.claimed) o = matchedOffer(e, a.taskId, a.provider, a.pricePerUnit, t.resourceClass);

  t.provider = a.provider;
  t.pricePerUnit = a.pricePerUnit;
  t.lockedStake = a.lockedStake;
  t.claimed = a.claimed;
  if (o !== null) t.offerNonce = o.nonce;
  else t.offerNonce = null;
  t.escrow = before.escrow.minus(a.refund);
  t.refunded = before.refunded.plus(a.refund);
  t.assignedAt = ts;
  transition(e, "TaskAssigned", t, before, "Assigned");

  const row = new Assignment(eventId(e));
  row.taskId = a.taskId;
  row.provider = a.provider;
  row.resourceClass = before.resourceClass;
  row.units = before.units;
  row.pricePerUnit = a.pricePerUnit;
  row.lockedStake = a.lockedStake;
  row.refund = a.refund;
  row.claimed = a.claimed;
  if (o !== null) row.offerNonce = o.nonce;
  row.blockNumber = e.block.number;
  row.timestamp = ts;
  row.txHash = e.transaction.hash;
  row.save();

  const p = loadProvider(a.provider);
  if (p != null) {
    p.locked = p.locked.plus(a.lockedStake);
    p.tasksAssigned = p.tasksAssigned + 1;
    saveProvider(p, ts);
  }

  if (o !== null) {
    const who = a.provider.toHexString();
    const id = offerId(who, o.nonce.toString());
    let offer = Offer.load(id);
    if (offer == null) {
      offer = new Offer(id);
      offer.provider = a.provider;
      offer.nonce = o.nonce;
      offer.unitsFilled = before.units;
      offer.tasksAssigned = 1;
      offer.cancelled = false;
      offer.firstSeenAt = ts;
      const state = getAddressState(who);
      const open = state.openOfferNonces;
      open.push(o.nonce);
      state.openOfferNonces = open;
      state.save();
    } else {
      offer.unitsFilled = offer.unitsFilled.plus(before.units);
      offer.tasksAssigned = offer.tasksAssigned + 1;
    }
    offer.resourceClass = o.resourceClass;
    offer.pricePerUnit = o.pricePerUnit;
    offer.capacity = o.capacity;
    offer.expiry = o.expiry;
    offer.updatedAt = ts;
    offer.save();
  }

  const d = new StatDelta();
  d.tasksAssigned = 1;
  d.unitsAssigned = before.units;
  d.assignedValue = before.units.times(a.pricePerUnit);
  d.price = a.pricePerUnit;
  bumpStats(before.resourceClass, ts, ts, d);
  // Utilisation follows the cohort of tasks created in the period.
  const cohort = new StatDelta();
  cohort.unitsFilled = before.units;
  bumpStats(before.resourceClass, before.createdAt, ts, cohort);
}

export function handleMatchSkipped(e: MatchSkipped): void {
  recordRaw(e, "MatchSkipped", TaskMarket_MatchSkipped);
  const row = new MatchSkip(eventId(e));
  row.taskId = e.params.taskId;
  row.provider = e.params.provider;
  row.reason = nameOf(SKIP_REASON, e.params.reason);
  row.reasonCode = e.params.reason;
  row.blockNumber = e.block.number;
  row.timestamp = e.block.timestamp;
  row.txHash = e.transaction.hash;
  row.save();
}

function resultRow(e: ethereum.Event, kind: string, commitment: Bytes, resultCid: string): Result {
  const row = new Result(eventId(e));
  row.taskId = e.parameters[0].value.toBigInt();
  row.provider = e.parameters[1].value.toAddress();
  row.kind = kind;
  row.commitment = commitment;
  row.resultCid = resultCid;
  row.blockNumber = e.block.number;
  row.timestamp = e.block.timestamp;
  row.txHash = e.transaction.hash;
  return row;
}

export function handleResultSubmitted(e: ResultSubmitted): void {
  recordRaw(e, "ResultSubmitted", TaskMarket_ResultSubmitted);
  const a = e.params;
  const t = getTask(a.taskId);
  if (t == null) return;
  const row = resultRow(e, "Result", a.resultCommitment, a.resultCid);
  row.challengeEnd = a.challengeEnd;
  row.save();
  const before = new Before(t);
  t.resultCommitment = a.resultCommitment;
  t.resultCid = a.resultCid;
  t.challengeEnd = a.challengeEnd;
  transition(e, "ResultSubmitted", t, before, "Submitted");
}

export function handleProofAccepted(e: ProofAccepted): void {
  recordRaw(e, "ProofAccepted", TaskMarket_ProofAccepted);
  const a = e.params;
  resultRow(e, "Proof", a.outputCommitment, a.resultCid).save();
  // The status moves with the TaskCompleted that follows in the same call.
  const t = getTask(a.taskId);
  if (t == null) return;
  t.resultCommitment = a.outputCommitment;
  t.resultCid = a.resultCid;
  t.updatedAt = e.block.timestamp;
  t.save();
}

export function handleTaskCompleted(e: TaskCompleted): void {
  recordRaw(e, "TaskCompleted", TaskMarket_TaskCompleted);
  const a = e.params;
  const ts = e.block.timestamp;
  const t = getTask(a.taskId);
  if (t == null) return;
  const before = new Before(t);
  t.payment = a.payment;
  t.fee = a.fee;
  t.escrow = BigInt.zero();
  transition(e, "TaskCompleted", t, before, "Completed");
  releaseLock(before, ts, NO_COUNTER);
  const who = before.provider;
  if (who !== null) {
    const p = loadProvider(changetype<Address>(who));
    if (p != null) {
      p.tasksCompleted = p.tasksCompleted + 1;
      p.volume = p.volume.plus(a.payment);
      p.earnings = p.earnings.plus(a.payment).minus(a.fee);
      saveProvider(p, ts);
    }
  }
  const protocol = getProtocol();
  protocol.totalVolume = protocol.totalVolume.plus(a.payment);
  protocol.totalFees = protocol.totalFees.plus(a.fee);
  protocol.accruedFees = protocol.accruedFees.plus(a.fee);
  saveProtocol(protocol, ts);
  const d = new StatDelta();
  d.tasksCompleted = 1;
  d.volume = a.payment;
  d.fees = a.fee;
  bumpStats(before.resourceClass, ts, ts, d);
}

export function handleTaskFailed(e: TaskFailed): void {
  recordRaw(e, "TaskFailed", TaskMarket_TaskFailed);
  const a = e.params;
  const ts = e.block.timestamp;
  const t = getTask(a.taskId);
  if (t == null) return;
  const before = new Before(t);
  // The requester gets the escrow back, plus its dispute bond when governance found the provider at fault.
  t.slashed = a.slashed;
  t.escrow = BigInt.zero();
  t.refunded = before.refunded.plus(before.escrow);
  transition(e, "TaskFailed", t, before, "Failed");
  releaseLock(before, ts, FAILED);
  const d = new StatDelta();
  d.tasksFailed = 1;
  d.slashed = a.slashed;
  bumpStats(before.resourceClass, ts, ts, d);
}

/** Expired / Cancelled: the escrow goes back, no stake was locked. */
function refundOpenTask(
  e: ethereum.Event,
  name: string,
  to: string,
  taskId: BigInt,
  refund: BigInt,
): Before | null {
  const t = getTask(taskId);
  if (t == null) return null;
  const before = new Before(t);
  t.escrow = BigInt.zero();
  t.refunded = before.refunded.plus(refund);
  transition(e, name, t, before, to);
  return before;
}

export function handleTaskExpired(e: TaskExpired): void {
  recordRaw(e, "TaskExpired", TaskMarket_TaskExpired);
  const before = refundOpenTask(e, "TaskExpired", "Expired", e.params.taskId, e.params.refund);
  if (before == null) return;
  const d = new StatDelta();
  d.tasksExpired = 1;
  bumpStats(before.resourceClass, e.block.timestamp, e.block.timestamp, d);
}

export function handleTaskCancelled(e: TaskCancelled): void {
  recordRaw(e, "TaskCancelled", TaskMarket_TaskCancelled);
  const before = refundOpenTask(e, "TaskCancelled", "Cancelled", e.params.taskId, e.params.refund);
  if (before == null) return;
  const d = new StatDelta();
  d.tasksCancelled = 1;
  bumpStats(before.resourceClass, e.block.timestamp, e.block.timestamp, d);
}

export function handleTaskRejected(e: TaskRejected): void {
  recordRaw(e, "TaskRejected", TaskMarket_TaskRejected);
  const ts = e.block.timestamp;
  const before = refundOpenTask(e, "TaskRejected", "Rejected", e.params.taskId, e.params.refund);
  if (before == null) return;
  releaseLock(before, ts, REJECTED);
  const d = new StatDelta();
  d.tasksRejected = 1;
  bumpStats(before.resourceClass, ts, ts, d);
}

export function handleTaskDisputed(e: TaskDisputed): void {
  recordRaw(e, "TaskDisputed", TaskMarket_TaskDisputed);
  const a = e.params;
  const t = getTask(a.taskId);
  if (t == null) return;
  const before = new Before(t);
  const d = new Dispute(a.taskId.toString());
  d.taskId = a.taskId;
  d.requester = a.requester;
  const provider = before.provider;
  d.provider = provider !== null ? provider : a.requester;
  d.bond = a.bond;
  d.resolveDeadline = a.resolveDeadline;
  d.status = "Open";
  d.openedAt = e.block.timestamp;
  d.openedTx = e.transaction.hash;
  d.save();
  t.escrow = before.escrow.plus(a.bond);
  transition(e, "TaskDisputed", t, before, "Disputed");
}

export function handleDisputeResolved(e: DisputeResolved): void {
  recordRaw(e, "DisputeResolved", TaskMarket_DisputeResolved);
  // The task's status moves with the TaskFailed / TaskCompleted that follows in the same call.
  const d = Dispute.load(e.params.taskId.toString());
  if (d == null) return;
  d.status = e.params.providerFault ? "ProviderFault" : "ProviderCleared";
  d.providerFault = e.params.providerFault;
  d.resolvedAt = e.block.timestamp;
  d.resolvedTx = e.transaction.hash;
  d.save();
}

export function handleDisputeLapsed(e: DisputeLapsed): void {
  recordRaw(e, "DisputeLapsed", TaskMarket_DisputeLapsed);
  // Emitted when a dispute lapses, and when a ZK task is annulled because its circuit was retired.
  const ts = e.block.timestamp;
  const t = getTask(e.params.taskId);
  if (t == null) return;
  const before = new Before(t);
  if (before.status == "Disputed") {
    const d = Dispute.load(e.params.taskId.toString());
    if (d != null) {
      d.status = "Lapsed";
      d.resolvedAt = ts;
      d.resolvedTx = e.transaction.hash;
      d.save();
    }
  }
  t.escrow = BigInt.zero();
  t.refunded = before.refunded.plus(e.params.refund);
  transition(e, "DisputeLapsed", t, before, "Annulled");
  releaseLock(before, ts, ANNULLED);
  const s = new StatDelta();
  s.tasksAnnulled = 1;
  bumpStats(before.resourceClass, ts, ts, s);
}

// ───────────────────────────── offers ─────────────────────────────

export function handleOfferCancelled(e: OfferCancelled): void {
  recordRaw(e, "OfferCancelled", TaskMarket_OfferCancelled);
  const ts = e.block.timestamp;
  const who = e.params.provider.toHexString();
  const nonce = e.params.nonce;
  const id = offerId(who, nonce.toString());
  let offer = Offer.load(id);
  if (offer == null) {
    offer = new Offer(id);
    offer.provider = e.params.provider;
    offer.nonce = nonce;
    offer.unitsFilled = BigInt.zero();
    offer.tasksAssigned = 0;
    offer.cancelledAt = ts;
    offer.firstSeenAt = ts;
  } else {
    if (!isSet(offer, "cancelledAt")) offer.cancelledAt = ts;
    if (!offer.cancelled) removeOpenNonce(who, nonce);
  }
  offer.cancelled = true;
  offer.updatedAt = ts;
  offer.save();
}

function removeOpenNonce(who: string, nonce: BigInt): void {
  const state = getAddressState(who);
  const open = state.openOfferNonces;
  const kept = new Array<BigInt>();
  for (let i = 0; i < open.length; i++) if (!open[i].equals(nonce)) kept.push(open[i]);
  state.openOfferNonces = kept;
  state.save();
}

export function handleOffersCancelledBelow(e: OffersCancelledBelow): void {
  recordRaw(e, "OffersCancelledBelow", TaskMarket_OffersCancelledBelow);
  const ts = e.block.timestamp;
  const minNonce = e.params.minNonce;
  const p = loadProvider(e.params.provider);
  if (p != null) {
    p.minOfferNonce = minNonce;
    saveProvider(p, ts);
  }
  const who = e.params.provider.toHexString();
  const state = getAddressState(who);
  const open = state.openOfferNonces;
  const kept = new Array<BigInt>();
  for (let i = 0; i < open.length; i++) {
    if (open[i].ge(minNonce)) {
      kept.push(open[i]);
      continue;
    }
    const offer = Offer.load(offerId(who, open[i].toString()));
    if (offer == null) continue;
    offer.cancelled = true;
    offer.cancelledAt = ts;
    offer.updatedAt = ts;
    offer.save();
  }
  if (kept.length != open.length) {
    state.openOfferNonces = kept;
    state.save();
  }
}

// ───────────────────────────── fees and configuration ─────────────────────────────

export function handleFeesDistributed(e: FeesDistributed): void {
  recordRaw(e, "FeesDistributed", TaskMarket_FeesDistributed);
  const p = getProtocol();
  p.accruedFees = p.accruedFees.minus(e.params.toTreasury).minus(e.params.toStakers);
  p.feesToTreasury = p.feesToTreasury.plus(e.params.toTreasury);
  p.feesToStakers = p.feesToStakers.plus(e.params.toStakers);
  saveProtocol(p, e.block.timestamp);
}

export function handlePriceFeedSet(e: PriceFeedSet): void {
  recordRaw(e, "PriceFeedSet", TaskMarket_PriceFeedSet);
  const resourceClass = e.params.resourceClass;
  // A class has one feed: the previous one (if any) stops serving it.
  const feeds = getState().priceFeeds;
  for (let i = 0; i < feeds.length; i++) {
    const f = PriceFeed.load(feeds[i]);
    if (f == null || !isSet(f, "resourceClass") || f.resourceClass != resourceClass) continue;
    f.unset("resourceClass");
    f.save();
  }
  const feed = PriceFeed.load(e.params.feed.toHexString());
  if (feed == null) return;
  feed.resourceClass = resourceClass;
  feed.save();
}

export function handleConfigSet(e: ConfigSet): void {
  recordRaw(e, "ConfigSet", TaskMarket_ConfigSet);
}
