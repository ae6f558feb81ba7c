/**
 * CloudAI indexer schema (Ponder 0.16). The Graph subgraph in `subgraph/schema.graphql` mirrors these
 * tables one to one (same entity and field names), so a dashboard can switch between the two backends.
 *
 * Conventions (chosen so every column maps to a plain GraphQL scalar in both backends):
 * - every table has `id: text` as its primary key (a GraphQL `ID`/`String`);
 *   - entity rows use a natural key: an address (lowercase 0x hex), a decimal id (`task.id = "42"`),
 *     or a compound key joined with `-` (`offer.id = "<provider>-<nonce>"`);
 *   - event rows use `<txHash>-<logIndex>` (log index within the block), identical in both backends;
 * - addresses, hashes and byte strings are `hex` (GraphQL `String` here, `Bytes` in the subgraph);
 * - token amounts, prices, ids, block numbers and unix timestamps are `bigint` (GraphQL `BigInt`);
 * - small bounded numbers (basis points, enum ordinals, counters) are `integer` (GraphQL `Int`);
 * - enum values are stored as their Solidity names in `text` (e.g. `task.status = "Completed"`).
 *
 * Market statistics (`marketStatHour`, `marketStatDay`) are bucketed per resource class by the block
 * timestamp of each event (`periodStart` = timestamp rounded down to the hour / UTC day). See
 * `indexer/README.md` for the definition of every statistic, including utilisation.
 */
import { index, onchainTable, type PgColumnsBuilders } from "ponder";

// ───────────────────────────── generic ─────────────────────────────

/** Every event of every indexed contract, raw (decoded arguments as JSON text, bigints as decimal strings). */
export const rawEvent = onchainTable(
  "rawEvent",
  (t) => ({
    id: t.text().primaryKey(),
    /** Deployment name of the emitting contract (`TaskMarket`, `PriceFeed_CPU`, …). */
    contract: t.text().notNull(),
    address: t.hex().notNull(),
    /** Event name as in the ABI (`TaskCreated`). */
    event: t.text().notNull(),
    /** JSON object of the decoded arguments; bigints as decimal strings. */
    args: t.text().notNull(),
    blockNumber: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
    txHash: t.hex().notNull(),
    logIndex: t.integer().notNull(),
  }),
  (table) => ({
    contractEventIdx: index().on(table.contract, table.event),
    blockIdx: index().on(table.blockNumber),
  }),
);

/** Protocol-wide totals; a single row with `id = "global"`. */
export const protocol = onchainTable("protocol", (t) => ({
  id: t.text().primaryKey(),
  /** CLAI total supply (mints minus burns). */
  claiTotalSupply: t.bigint().notNull(),
  /** CLAI holders with a non-zero balance. */
  claiHolders: t.integer().notNull(),
  providerCount: t.integer().notNull(),
  taskCount: t.integer().notNull(),
  /** Tasks currently Open, Assigned, Submitted or Disputed. */
  activeTaskCount: t.integer().notNull(),
  /** Σ escrow + dispute bonds the market holds for tasks (equals Σ `task.escrow`). */
  escrowHeld: t.bigint().notNull(),
  /** Σ gross payments of completed tasks. */
  totalVolume: t.bigint().notNull(),
  /** Σ protocol fees charged on completed tasks. */
  totalFees: t.bigint().notNull(),
  /** Fees charged and not yet distributed (the market's `accruedFees`). */
  accruedFees: t.bigint().notNull(),
  feesToTreasury: t.bigint().notNull(),
  feesToStakers: t.bigint().notNull(),
  /** Staking: bonded stake (locked part included), unbonding stake. */
  totalStaked: t.bigint().notNull(),
  totalUnbonding: t.bigint().notNull(),
  totalSlashed: t.bigint().notNull(),
  /** Rewards received by Staking (fees and slashed stake) and claimed by providers. */
  rewardsDistributed: t.bigint().notNull(),
  rewardsClaimed: t.bigint().notNull(),
  proposalCount: t.integer().notNull(),
  /** Reputation score of a provider never written (Reputation's `initialScore`). */
  reputationInitialScore: t.integer().notNull(),
  updatedAt: t.bigint().notNull(),
}));

/** A proxy upgrade (`Upgraded` event of a UUPS proxy). */
export const upgrade = onchainTable("upgrade", (t) => ({
  id: t.text().primaryKey(),
  contract: t.text().notNull(),
  address: t.hex().notNull(),
  implementation: t.hex().notNull(),
  blockNumber: t.bigint().notNull(),
  timestamp: t.bigint().notNull(),
  txHash: t.hex().notNull(),
}));

/** Current AccessControl role membership; `id = "<contract address>-<role>-<account>"`. */
export const roleMember = onchainTable(
  "roleMember",
  (t) => ({
    id: t.text().primaryKey(),
    contract: t.text().notNull(),
    address: t.hex().notNull(),
    role: t.hex().notNull(),
    account: t.hex().notNull(),
    /** False once revoked or renounced. */
    active: t.boolean().notNull(),
    /** Who granted or revoked it last. */
    sender: t.hex().notNull(),
    updatedAt: t.bigint().notNull(),
    updatedTx: t.hex().notNull(),
  }),
  (table) => ({ accountIdx: index().on(table.account) }),
);

// ───────────────────────────── token ─────────────────────────────

/** A CLAI holder; `id` = address. */
export const account = onchainTable(
  "account",
  (t) => ({
    id: t.text().primaryKey(),
    address: t.hex().notNull(),
    balance: t.bigint().notNull(),
    /** Current delegate (null before the first delegation). */
    delegate: t.hex(),
    /** Votes delegated to this account (`getVotes`). */
    votes: t.bigint().notNull(),
    transferCount: t.integer().notNull(),
  }),
  (table) => ({ balanceIdx: index().on(table.balance) }),
);

/** A CLAI transfer (mints have `from` = zero address, burns `to` = zero address). */
export const transfer = onchainTable(
  "transfer",
  (t) => ({
    id: t.text().primaryKey(),
    from: t.hex().notNull(),
    to: t.hex().notNull(),
    value: t.bigint().notNull(),
    blockNumber: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
    txHash: t.hex().notNull(),
    logIndex: t.integer().notNull(),
  }),
  (table) => ({
    fromIdx: index().on(table.from),
    toIdx: index().on(table.to),
    timestampIdx: index().on(table.timestamp),
  }),
);

/** A CLAI delegation change (`DelegateChanged`). */
export const delegation = onchainTable(
  "delegation",
  (t) => ({
    id: t.text().primaryKey(),
    delegator: t.hex().notNull(),
    fromDelegate: t.hex().notNull(),
    toDelegate: t.hex().notNull(),
    blockNumber: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
    txHash: t.hex().notNull(),
  }),
  (table) => ({ delegatorIdx: index().on(table.delegator) }),
);

// ───────────────────────────── staking and reputation ─────────────────────────────

/** A registered provider; `id` = address. Stake figures mirror `Staking.providerInfo`. */
export const provider = onchainTable(
  "provider",
  (t) => ({
    id: t.text().primaryKey(),
    address: t.hex().notNull(),
    metadataURI: t.text().notNull(),
    encryptionPublicKey: t.hex().notNull(),
    /** Bitmap of supported resource classes (bit i = class i). */
    resourceClasses: t.bigint().notNull(),
    /** Bonded stake (locked part included). */
    stake: t.bigint().notNull(),
    /** Part of `stake` locked by active tasks. */
    locked: t.bigint().notNull(),
    unbonding: t.bigint().notNull(),
    unbondReadyAt: t.bigint().notNull(),
    /** Faults since the last jailing (Staking's counter). */
    faults: t.integer().notNull(),
    jailedUntil: t.bigint().notNull(),
    /** Reputation score in basis points (`Reputation.scoreOf`). */
    reputation: t.integer().notNull(),
    /** Smallest valid offer nonce (`TaskMarket.minOfferNonce`). */
    minOfferNonce: t.bigint().notNull(),
    totalSlashed: t.bigint().notNull(),
    rewardsClaimed: t.bigint().notNull(),
    tasksAssigned: t.integer().notNull(),
    tasksCompleted: t.integer().notNull(),
    tasksFailed: t.integer().notNull(),
    tasksRejected: t.integer().notNull(),
    tasksAnnulled: t.integer().notNull(),
    /** Σ gross payments of completed tasks, and what the provider received of it (minus fees). */
    volume: t.bigint().notNull(),
    earnings: t.bigint().notNull(),
    registeredAt: t.bigint().notNull(),
    registeredBlock: t.bigint().notNull(),
    updatedAt: t.bigint().notNull(),
  }),
  (table) => ({
    reputationIdx: index().on(table.reputation),
    volumeIdx: index().on(table.volume),
  }),
);

/**
 * A change of a provider's stake or standing. `kind` ∈ Staked, Unbonded, Withdrawn, Slashed,
 * RewardsClaimed, Jailed, Unjailed. `amount` is 0 for Jailed/Unjailed.
 */
export const stakeChange = onchainTable(
  "stakeChange",
  (t) => ({
    id: t.text().primaryKey(),
    provider: t.hex().notNull(),
    kind: t.text().notNull(),
    amount: t.bigint().notNull(),
    /** Unbonded: when the unbonding stake becomes withdrawable; Jailed: jailed until. */
    until: t.bigint(),
    /** Slashed: the wronged requester, and the split of the slashed stake. */
    requester: t.hex(),
    toRequester: t.bigint(),
    toRewards: t.bigint(),
    /** Provider's bonded stake after the change. */
    stakeAfter: t.bigint().notNull(),
    blockNumber: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
    txHash: t.hex().notNull(),
  }),
  (table) => ({ providerIdx: index().on(table.provider, table.timestamp) }),
);

/** Rewards entering the staking pool (`RewardsDistributed`). */
export const rewardDistribution = onchainTable("rewardDistribution", (t) => ({
  id: t.text().primaryKey(),
  amount: t.bigint().notNull(),
  accRewardPerShare: t.bigint().notNull(),
  blockNumber: t.bigint().notNull(),
  timestamp: t.bigint().notNull(),
  txHash: t.hex().notNull(),
}));

/** A reputation score change. `kind` ∈ Success, Fault, Reset (`success` null for Reset). */
export const reputationChange = onchainTable(
  "reputationChange",
  (t) => ({
    id: t.text().primaryKey(),
    provider: t.hex().notNull(),
    kind: t.text().notNull(),
    success: t.boolean(),
    /** Score before (null for a Reset, whose event does not carry it). */
    oldScore: t.integer(),
    newScore: t.integer().notNull(),
    blockNumber: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
    txHash: t.hex().notNull(),
  }),
  (table) => ({ providerIdx: index().on(table.provider, table.timestamp) }),
);

// ───────────────────────────── market ─────────────────────────────

/**
 * A provider's signed offer, as far as the chain reveals it: offers used by matcher assignments (decoded
 * from `assignBatch` calldata) and cancelled nonces. `id = "<provider>-<nonce>"`. Price, capacity and
 * expiry are null for an offer only ever seen cancelled.
 */
export const offer = onchainTable(
  "offer",
  (t) => ({
    id: t.text().primaryKey(),
    provider: t.hex().notNull(),
    nonce: t.bigint().notNull(),
    resourceClass: t.integer(),
    pricePerUnit: t.bigint(),
    capacity: t.bigint(),
    expiry: t.bigint(),
    /** Units filled by assignments (`TaskMarket.offerFilled` while not cancelled). */
    unitsFilled: t.bigint().notNull(),
    tasksAssigned: t.integer().notNull(),
    /** Cancelled by `cancelOffer(nonce)` or by `cancelOffersBelow(minNonce > nonce)`. */
    cancelled: t.boolean().notNull(),
    cancelledAt: t.bigint(),
    firstSeenAt: t.bigint().notNull(),
    updatedAt: t.bigint().notNull(),
  }),
  (table) => ({ providerIdx: index().on(table.provider, table.nonce) }),
);

/**
 * A compute task; `id` = the task id in decimal. Mirrors `TaskMarket.getTask` plus what only events carry
 * (input/result CIDs, payments, refunds). `status` ∈ Open, Assigned, Submitted, Disputed, Completed,
 * Failed, Expired, Cancelled, Annulled, Rejected; `mode` ∈ OPTIMISTIC, ZK.
 */
export const task = onchainTable(
  "task",
  (t) => ({
    id: t.text().primaryKey(),
    taskId: t.bigint().notNull(),
    requester: t.hex().notNull(),
    resourceClass: t.integer().notNull(),
    mode: t.text().notNull(),
    minReputation: t.integer().notNull(),
    units: t.bigint().notNull(),
    /** Effective max price per unit (the feed price for market-price tasks). */
    maxPricePerUnit: t.bigint().notNull(),
    /** `params.maxPricePerUnit` as given (for market-price tasks: the requester's limit). */
    requestedMaxPricePerUnit: t.bigint().notNull(),
    assignDeadline: t.bigint().notNull(),
    completionDeadline: t.bigint().notNull(),
    circuitId: t.hex().notNull(),
    inputCommitment: t.hex().notNull(),
    inputCid: t.text().notNull(),
    status: t.text().notNull(),
    provider: t.hex(),
    /** Agreed price per unit (null before assignment). */
    pricePerUnit: t.bigint(),
    lockedStake: t.bigint().notNull(),
    /** Assigned by `claimTask` (true) or a matcher batch (false); null before assignment. */
    claimed: t.boolean(),
    /** Nonce of the matched offer (matcher assignments decoded from calldata only). */
    offerNonce: t.bigint(),
    resultCommitment: t.hex(),
    resultCid: t.text(),
    challengeEnd: t.bigint(),
    /** CLAI held for the task now: escrow plus the dispute bond while disputed (`TaskMarket.heldFor`). */
    escrow: t.bigint().notNull(),
    /** Σ CLAI returned to the requester (assignment refund, cancel/expire/fail/reject/annul refunds). */
    refunded: t.bigint().notNull(),
    /** Gross payment and protocol fee (completed tasks). */
    payment: t.bigint(),
    fee: t.bigint(),
    slashed: t.bigint(),
    createdAt: t.bigint().notNull(),
    createdBlock: t.bigint().notNull(),
    createdTx: t.hex().notNull(),
    assignedAt: t.bigint(),
    /** When the task reached a terminal status. */
    settledAt: t.bigint(),
    updatedAt: t.bigint().notNull(),
  }),
  (table) => ({
    createdIdx: index().on(table.createdAt),
    requesterIdx: index().on(table.requester),
    providerIdx: index().on(table.provider),
    statusIdx: index().on(table.status),
    classIdx: index().on(table.resourceClass, table.createdAt),
  }),
);

/** One status transition of a task (creation included, with `fromStatus` null). */
export const taskStatusChange = onchainTable(
  "taskStatusChange",
  (t) => ({
    id: t.text().primaryKey(),
    taskId: t.bigint().notNull(),
    fromStatus: t.text(),
    toStatus: t.text().notNull(),
    /** The event that caused it (`TaskCreated`, `TaskAssigned`, …). */
    event: t.text().notNull(),
    blockNumber: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
    txHash: t.hex().notNull(),
    logIndex: t.integer().notNull(),
  }),
  (table) => ({ taskIdx: index().on(table.taskId, table.blockNumber, table.logIndex) }),
);

/** A task assignment (`TaskAssigned`). */
export const assignment = onchainTable(
  "assignment",
  (t) => ({
    id: t.text().primaryKey(),
    taskId: t.bigint().notNull(),
    provider: t.hex().notNull(),
    resourceClass: t.integer().notNull(),
    units: t.bigint().notNull(),
    pricePerUnit: t.bigint().notNull(),
    lockedStake: t.bigint().notNull(),
    refund: t.bigint().notNull(),
    claimed: t.boolean().notNull(),
    /** Nonce of the matched offer when decodable from `assignBatch` calldata. */
    offerNonce: t.bigint(),
    blockNumber: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
    txHash: t.hex().notNull(),
  }),
  (table) => ({
    taskIdx: index().on(table.taskId),
    providerIdx: index().on(table.provider, table.timestamp),
  }),
);

/** A (task, offer) pair a matcher batch skipped (`MatchSkipped`); `reason` is the SkipReason name. */
export const matchSkip = onchainTable(
  "matchSkip",
  (t) => ({
    id: t.text().primaryKey(),
    taskId: t.bigint().notNull(),
    provider: t.hex().notNull(),
    reason: t.text().notNull(),
    reasonCode: t.integer().notNull(),
    blockNumber: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
    txHash: t.hex().notNull(),
  }),
  (table) => ({ taskIdx: index().on(table.taskId) }),
);

/** A posted result: `kind` = Result (optimistic `ResultSubmitted`) or Proof (ZK `ProofAccepted`). */
export const result = onchainTable(
  "result",
  (t) => ({
    id: t.text().primaryKey(),
    taskId: t.bigint().notNull(),
    provider: t.hex().notNull(),
    kind: t.text().notNull(),
    commitment: t.hex().notNull(),
    resultCid: t.text().notNull(),
    /** Optimistic results: end of the challenge window. */
    challengeEnd: t.bigint(),
    blockNumber: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
    txHash: t.hex().notNull(),
  }),
  (table) => ({ taskIdx: index().on(table.taskId) }),
);

/**
 * A dispute over an optimistic result; `id` = task id in decimal (a task is disputed at most once).
 * `status` ∈ Open, ProviderFault, ProviderCleared, Lapsed.
 */
export const dispute = onchainTable("dispute", (t) => ({
  id: t.text().primaryKey(),
  taskId: t.bigint().notNull(),
  requester: t.hex().notNull(),
  provider: t.hex().notNull(),
  bond: t.bigint().notNull(),
  resolveDeadline: t.bigint().notNull(),
  status: t.text().notNull(),
  providerFault: t.boolean(),
  openedAt: t.bigint().notNull(),
  openedTx: t.hex().notNull(),
  resolvedAt: t.bigint(),
  resolvedTx: t.hex(),
}));

/**
 * Market statistics per resource class and hour (`marketStatHour`) or UTC day (`marketStatDay`);
 * `id = "<resourceClass>-<periodStart>"`. Counts and sums are by the event's block time, except
 * `unitsFilled`/`utilisationBps`, which follow the cohort of tasks created in the period.
 */
const marketStatColumns = (t: PgColumnsBuilders) => ({
  id: t.text().primaryKey(),
  resourceClass: t.integer().notNull(),
  /** Start of the period (unix seconds, a multiple of 3600 or 86400). */
  periodStart: t.bigint().notNull(),
  tasksCreated: t.integer().notNull(),
  /** Σ units of tasks created in the period. */
  unitsRequested: t.bigint().notNull(),
  tasksAssigned: t.integer().notNull(),
  unitsAssigned: t.bigint().notNull(),
  /** Σ units × agreed price of the period's assignments. */
  assignedValue: t.bigint().notNull(),
  /** Volume-weighted average agreed price per unit: `assignedValue / unitsAssigned` (0 without assignments). */
  averagePrice: t.bigint().notNull(),
  /** Lowest and highest agreed price per unit of the period's assignments (null without assignments). */
  minPrice: t.bigint(),
  maxPrice: t.bigint(),
  tasksCompleted: t.integer().notNull(),
  /** Σ gross payments of tasks completed in the period. */
  volume: t.bigint().notNull(),
  fees: t.bigint().notNull(),
  tasksFailed: t.integer().notNull(),
  tasksExpired: t.integer().notNull(),
  tasksCancelled: t.integer().notNull(),
  tasksRejected: t.integer().notNull(),
  tasksAnnulled: t.integer().notNull(),
  slashed: t.bigint().notNull(),
  /** Of the units requested by tasks created in this period, how many were assigned (so far). */
  unitsFilled: t.bigint().notNull(),
  /** `unitsFilled × 10 000 / unitsRequested`, rounded down (0 when nothing was requested). */
  utilisationBps: t.integer().notNull(),
  updatedAt: t.bigint().notNull(),
});

export const marketStatHour = onchainTable("marketStatHour", marketStatColumns, (table) => ({
  classPeriodIdx: index().on(table.resourceClass, table.periodStart),
}));

export const marketStatDay = onchainTable("marketStatDay", marketStatColumns, (table) => ({
  classPeriodIdx: index().on(table.resourceClass, table.periodStart),
}));

// ───────────────────────────── verifier registry ─────────────────────────────

/** A registered ZK circuit; `id` = circuit id (0x hex). */
export const circuit = onchainTable("circuit", (t) => ({
  id: t.text().primaryKey(),
  circuitId: t.hex().notNull(),
  verifier: t.hex().notNull(),
  numPublicInputs: t.integer().notNull(),
  active: t.boolean().notNull(),
  registeredAt: t.bigint().notNull(),
  updatedAt: t.bigint().notNull(),
}));

// ───────────────────────────── price feeds ─────────────────────────────

/** A price feed (one per resource class); `id` = feed address. */
export const priceFeed = onchainTable("priceFeed", (t) => ({
  id: t.text().primaryKey(),
  address: t.hex().notNull(),
  /** Deployment name suffix (`CPU`, `GPU`). */
  name: t.text().notNull(),
  /** Resource class the market reads it for (from `TaskMarket.PriceFeedSet`); null when not set. */
  resourceClass: t.integer(),
  configDigest: t.hex(),
  configCount: t.integer().notNull(),
  f: t.integer().notNull(),
  signers: t.hex().array().notNull(),
  minAnswer: t.bigint(),
  maxAnswer: t.bigint(),
  latestRoundId: t.bigint().notNull(),
  latestAnswer: t.bigint(),
  latestUpdatedAt: t.bigint(),
}));

/** One accepted report (`NewTransmission`, plus `AnswerUpdated`'s `updatedAt`); `id = "<feed>-<roundId>"`. */
export const priceRound = onchainTable(
  "priceRound",
  (t) => ({
    id: t.text().primaryKey(),
    feed: t.hex().notNull(),
    feedName: t.text().notNull(),
    resourceClass: t.integer(),
    roundId: t.bigint().notNull(),
    /** The median, CLAI wei per unit. */
    answer: t.bigint().notNull(),
    transmitter: t.hex().notNull(),
    epochAndRound: t.bigint().notNull(),
    observations: t.bigint().array().notNull(),
    updatedAt: t.bigint().notNull(),
    blockNumber: t.bigint().notNull(),
    txHash: t.hex().notNull(),
  }),
  (table) => ({ feedRoundIdx: index().on(table.feed, table.roundId), timeIdx: index().on(table.updatedAt) }),
);

// ───────────────────────────── governance ─────────────────────────────

/**
 * A governor proposal; `id` = proposal id in decimal. `status` follows events: Pending (created),
 * Queued, Executed, Canceled. Whether a created proposal is Active/Defeated/Succeeded depends on time and
 * votes: compare `voteStart`/`voteEnd` with the clock and the tallies with the quorum.
 */
export const proposal = onchainTable(
  "proposal",
  (t) => ({
    id: t.text().primaryKey(),
    proposalId: t.bigint().notNull(),
    proposer: t.hex().notNull(),
    targets: t.hex().array().notNull(),
    values: t.bigint().array().notNull(),
    signatures: t.text().array().notNull(),
    calldatas: t.hex().array().notNull(),
    voteStart: t.bigint().notNull(),
    voteEnd: t.bigint().notNull(),
    description: t.text().notNull(),
    status: t.text().notNull(),
    forVotes: t.bigint().notNull(),
    againstVotes: t.bigint().notNull(),
    abstainVotes: t.bigint().notNull(),
    voteCount: t.integer().notNull(),
    etaSeconds: t.bigint(),
    createdAt: t.bigint().notNull(),
    createdBlock: t.bigint().notNull(),
    createdTx: t.hex().notNull(),
    queuedAt: t.bigint(),
    executedAt: t.bigint(),
    canceledAt: t.bigint(),
  }),
  (table) => ({ createdIdx: index().on(table.createdAt) }),
);

/** A vote (`VoteCast` / `VoteCastWithParams`); `id = "<proposalId>-<voter>"`; `support` 0 against, 1 for, 2 abstain. */
export const vote = onchainTable(
  "vote",
  (t) => ({
    id: t.text().primaryKey(),
    proposalId: t.bigint().notNull(),
    voter: t.hex().notNull(),
    support: t.integer().notNull(),
    weight: t.bigint().notNull(),
    reason: t.text().notNull(),
    /** `VoteCastWithParams` only. */
    params: t.hex(),
    blockNumber: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
    txHash: t.hex().notNull(),
  }),
  (table) => ({ proposalIdx: index().on(table.proposalId), voterIdx: index().on(table.voter) }),
);

/**
 * A timelock operation; `id` = operation id (0x hex). `status` ∈ Scheduled, Executed, Cancelled.
 * `calls` counts the `CallScheduled` events (one per call of a batch).
 */
export const timelockOperation = onchainTable("timelockOperation", (t) => ({
  id: t.text().primaryKey(),
  opId: t.hex().notNull(),
  status: t.text().notNull(),
  calls: t.integer().notNull(),
  targets: t.hex().array().notNull(),
  predecessor: t.hex().notNull(),
  salt: t.hex(),
  delay: t.bigint().notNull(),
  scheduledAt: t.bigint().notNull(),
  /** `scheduledAt + delay`. */
  readyAt: t.bigint().notNull(),
  executedAt: t.bigint(),
  cancelledAt: t.bigint(),
}));

// ───────────────────────────── Ponder 0.16 + PGlite workaround ─────────────────────────────

/*
 * Ponder predicts which rows a handler will read from how earlier events' keys matched event fields, and
 * prefetches them. It matches by string form, so `task.id = "42"` is learned as `args.taskId` and then
 * prefetched with the bigint 42n; Ponder's text column passes the bigint through and PGlite rejects it
 * ("Invalid input for string type"), stalling indexing whenever the cache is incomplete (after crash
 * recovery, or when rows were evicted). Text keys that are decimal ids therefore stringify bigints.
 */
for (const column of [task.id, dispute.id, proposal.id]) {
  const toDriver = column.mapToDriverValue.bind(column) as (value: unknown) => unknown;
  (column as { mapToDriverValue: (value: unknown) => unknown }).mapToDriverValue = (value: unknown) =>
    toDriver(typeof value === "bigint" ? value.toString() : value);
}
