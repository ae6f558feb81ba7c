// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/**
 * @title ITaskMarket
 * @notice Escrow and lifecycle of CloudAI compute tasks, on-chain matching of signed provider offers,
 * and the two verification modes (ZK proof, OPTIMISTIC challenge window).
 * @dev Lifecycle and the only edges on which CLAI moves:
 *
 * | from      | call                          | who / when                                  | to        | funds |
 * |-----------|-------------------------------|---------------------------------------------|-----------|-------|
 * | —         | createTask*                   | requester                                   | Open      | requester → escrow `units·maxPrice` |
 * | Open      | cancelTask                    | requester, any time                         | Cancelled | escrow → requester |
 * | Open      | expireTask                    | anyone, after `assignDeadline`              | Expired   | escrow → requester |
 * | Open      | assignBatch                   | MATCHER, with a provider's signed offer     | Assigned  | refund `units·(maxPrice − price)`; stake locked |
 * | Open      | claimTask                     | provider, after the match timeout           | Assigned  | stake locked (price = maxPrice, no refund) |
 * | Assigned  | rejectTask                    | provider, within the reject window (`timer`) | Rejected | escrow → requester; lock released |
 * | Assigned  | submitProof (ZK)              | provider, before `completionDeadline`       | Completed | pay provider (minus fee) |
 * | Assigned  | submitResult (OPTIMISTIC)     | provider, before `completionDeadline`       | Submitted | — |
 * | Assigned  | failTask                      | provider any time; anyone after `completionDeadline` and `timer` | Failed | escrow → requester; lock slashed |
 * | Submitted | finalizeTask                  | anyone, after the challenge window          | Completed | pay provider (minus fee) |
 * | Submitted | disputeTask                   | requester, within the window, posts bond    | Disputed  | bond → escrow |
 * | Disputed  | resolveDispute(fault = true)  | ARBITER (governance), until `timer`         | Failed    | escrow + bond → requester; lock slashed |
 * | Disputed  | resolveDispute(fault = false) | ARBITER, until `timer`                      | Completed | pay provider (minus fee) + bond → provider |
 * | Disputed  | lapseDispute                  | anyone, after the arbitration window        | Annulled  | escrow → requester; bond → provider; lock released |
 *
 * Every state holding funds (Open, Assigned, Submitted, Disputed) therefore has an exit anyone can trigger
 * after its deadline. The arbitration window must exceed governance's latency (voting delay + voting period
 * + timelock delay) so the arbiter can always act; if it still does not, the requester's bond compensates the
 * provider, so disputing and letting the dispute lapse never pays the requester. The reject window lets a
 * provider walk away, unslashed, from a task it cannot complete (e.g. a bogus input commitment), before
 * anyone may fail it. Only payments of at least `minReputationPayment` earn reputation (faults always
 * count). Protocol fees accrue in the contract and leave only through {distributeFees} (permissionless):
 * `stakerFeeShareBps` to staking rewards, the rest to the treasury.
 * Books: `token.balanceOf(this) == Σ escrow(task) + Σ bond(disputed task) + accruedFees`.
 */
interface ITaskMarket {
    /// @notice How a task's result is checked.
    enum VerificationMode {
        OPTIMISTIC,
        ZK
    }

    /// @notice Task states (see the table above). `Open` is 0; a task exists iff its requester is non-zero.
    enum Status {
        Open,
        Assigned,
        Submitted,
        Disputed,
        Completed,
        Failed,
        Expired,
        Cancelled,
        Annulled,
        Rejected
    }

    /// @notice Why a (task, offer) pair of a batch was skipped, or why a claim was refused.
    enum SkipReason {
        None,
        TaskNotOpen,
        AssignmentClosed,
        OfferExpired,
        ResourceClassMismatch,
        PriceAboveMax,
        SelfDealing,
        OfferCancelled,
        CapacityExceeded,
        InvalidSignature,
        ReputationTooLow,
        NotRegistered,
        Jailed,
        ClassNotSupported,
        BelowMinStake,
        InsufficientFreeStake
    }

    /// @notice What a requester asks for.
    /// @param resourceClass Resource class id (< 64).
    /// @param mode Verification mode.
    /// @param minReputation Minimum provider reputation (bps, ≤ 10_000).
    /// @param units Units of compute.
    /// @param maxPricePerUnit Max CLAI wei per unit (for market-price tasks: the most the requester accepts).
    /// @param assignDeadline Latest assignment time (unix seconds).
    /// @param completionDeadline Latest result/proof time (unix seconds), after `assignDeadline`.
    /// @param circuitId ZK circuit id (must be a registered 3-signal circuit); zero for OPTIMISTIC.
    /// @param inputCommitment Commitment to the (encrypted) inputs; < the BN254 scalar field for ZK.
    /// @param inputCid Content id of the inputs (emitted, not stored).
    struct TaskParams {
        uint8 resourceClass;
        VerificationMode mode;
        uint16 minReputation;
        uint32 units;
        uint96 maxPricePerUnit;
        uint32 assignDeadline;
        uint32 completionDeadline;
        bytes32 circuitId;
        bytes32 inputCommitment;
        string inputCid;
    }

    /// @notice A stored task (three packed slots plus commitments).
    /// @param timer Open: when providers may claim; Assigned: end of the provider's reject window; Submitted:
    /// end of the challenge window; Disputed: end of the arbitration window.
    /// @param lockedStake Provider stake locked for this task.
    /// @param pricePerUnit Agreed price (0 before assignment).
    struct Task {
        address requester;
        uint32 assignDeadline;
        uint32 completionDeadline;
        uint8 resourceClass;
        VerificationMode mode;
        uint16 minReputation;
        uint96 maxPricePerUnit;
        uint32 units;
        Status status;
        uint32 timer;
        uint88 lockedStake;
        address provider;
        uint96 pricePerUnit;
        bytes32 inputCommitment;
        bytes32 circuitId;
        bytes32 resultCommitment;
    }

    /// @notice A provider's EIP-712 signed offer. `capacity` is in units, summed over every task it fills.
    struct Offer {
        address provider;
        uint8 resourceClass;
        uint96 pricePerUnit;
        uint32 capacity;
        uint64 expiry;
        uint64 nonce;
    }

    /// @notice One (task, signed offer) pair of a matcher batch.
    struct Match {
        uint256 taskId;
        Offer offer;
        bytes signature;
    }

    /// @notice Governance parameters.
    /// @param treasury Receives the treasury part of protocol fees.
    /// @param protocolFeeBps Fee on each payment.
    /// @param stakerFeeShareBps Part of the fees paid to stakers as rewards.
    /// @param lockBps Stake locked per task as a fraction of the task's payment (may exceed 100 %).
    /// @param minLockedStake Lower bound of the stake locked per task.
    /// @param disputeBond CLAI a requester posts to dispute an optimistic result.
    /// @param maxTaskDuration Longest `completionDeadline − now` at creation.
    /// @param matchTimeout Seconds after creation during which only the matcher may assign.
    /// @param challengeWindow Seconds to dispute an optimistic result.
    /// @param arbitrationWindow Seconds the arbiter has to resolve a dispute (must exceed governance's latency).
    /// @param maxPriceAge Largest accepted age of a feed price.
    /// @param rejectWindow Seconds after assignment during which the provider may reject the task unslashed
    /// (> 0 and < `maxTaskDuration`).
    /// @param minReputationPayment Smallest payment (`units·price`, CLAI wei) whose completion earns reputation.
    struct Config {
        address treasury;
        uint16 protocolFeeBps;
        uint16 stakerFeeShareBps;
        uint16 lockBps;
        uint96 minLockedStake;
        uint96 disputeBond;
        uint32 maxTaskDuration;
        uint24 matchTimeout;
        uint32 challengeWindow;
        uint32 arbitrationWindow;
        uint32 maxPriceAge;
        uint32 rejectWindow;
        uint96 minReputationPayment;
    }

    /// @notice Emitted when a task is created and funded.
    /// @param taskId The new task id.
    /// @param requester The requester.
    /// @param resourceClass The resource class.
    /// @param maxPricePerUnit The effective max price per unit (the feed price for market-price tasks).
    /// @param params The parameters as given (including the input CID, which is not stored).
    event TaskCreated(
        uint256 indexed taskId,
        address indexed requester,
        uint8 indexed resourceClass,
        uint256 maxPricePerUnit,
        TaskParams params
    );
    /// @notice Emitted when a task is assigned.
    /// @param taskId The task.
    /// @param provider The provider.
    /// @param pricePerUnit The agreed price.
    /// @param lockedStake Stake locked.
    /// @param refund Escrow returned to the requester (`units·(maxPrice − price)`).
    /// @param claimed True for a direct claim, false for a matcher batch.
    event TaskAssigned(
        uint256 indexed taskId,
        address indexed provider,
        uint256 pricePerUnit,
        uint256 lockedStake,
        uint256 refund,
        bool claimed
    );
    /// @notice Emitted when a batch pair is skipped.
    /// @param taskId The pair's task.
    /// @param provider The pair's offer provider.
    /// @param reason Why the pair was skipped.
    event MatchSkipped(uint256 indexed taskId, address indexed provider, SkipReason reason);
    /// @notice Emitted when an optimistic result is posted.
    /// @param taskId The task.
    /// @param provider The provider.
    /// @param resultCommitment Commitment to the result.
    /// @param resultCid Content id of the result (emitted, not stored).
    /// @param challengeEnd End of the challenge window.
    event ResultSubmitted(
        uint256 indexed taskId,
        address indexed provider,
        bytes32 resultCommitment,
        string resultCid,
        uint256 challengeEnd
    );
    /// @notice Emitted when a ZK proof is accepted (followed by {TaskCompleted}).
    /// @param taskId The task.
    /// @param provider The provider.
    /// @param outputCommitment The proven output commitment (stored as the result commitment).
    /// @param resultCid Content id of the result (emitted, not stored).
    event ProofAccepted(
        uint256 indexed taskId,
        address indexed provider,
        bytes32 outputCommitment,
        string resultCid
    );
    /// @notice Emitted when a provider is paid.
    /// @param taskId The task.
    /// @param provider The provider.
    /// @param payment Gross payment (`units·price`).
    /// @param fee Protocol fee kept from it.
    event TaskCompleted(uint256 indexed taskId, address indexed provider, uint256 payment, uint256 fee);
    /// @notice Emitted when a task fails (provider fault).
    /// @param taskId The task.
    /// @param provider The provider.
    /// @param slashed Provider stake slashed.
    /// @param refund Escrow returned to the requester.
    event TaskFailed(uint256 indexed taskId, address indexed provider, uint256 slashed, uint256 refund);
    /// @notice Emitted when an open task expires unassigned.
    /// @param taskId The task.
    /// @param refund Escrow returned to the requester.
    event TaskExpired(uint256 indexed taskId, uint256 refund);
    /// @notice Emitted when a requester cancels an open task.
    /// @param taskId The task.
    /// @param refund Escrow returned to the requester.
    event TaskCancelled(uint256 indexed taskId, uint256 refund);
    /// @notice Emitted when a requester disputes an optimistic result.
    /// @param taskId The task.
    /// @param requester The requester.
    /// @param bond The dispute bond posted.
    /// @param resolveDeadline End of the arbitration window.
    event TaskDisputed(
        uint256 indexed taskId,
        address indexed requester,
        uint256 bond,
        uint256 resolveDeadline
    );
    /// @notice Emitted when the arbiter resolves a dispute.
    /// @param taskId The task.
    /// @param providerFault True if the provider was found at fault.
    event DisputeResolved(uint256 indexed taskId, bool providerFault);
    /// @notice Emitted when a dispute lapses unresolved (escrow back to the requester, the requester's bond to
    /// the provider as compensation, nobody slashed), and when a ZK task is annulled because its circuit was
    /// deactivated (with `bond` zero).
    /// @param taskId The task.
    /// @param refund Escrow returned to the requester.
    /// @param bond Dispute bond paid to the provider.
    event DisputeLapsed(uint256 indexed taskId, uint256 refund, uint256 bond);
    /// @notice Emitted when the provider rejects an assigned task within the reject window.
    /// @param taskId The task.
    /// @param provider The provider (its locked stake released, not slashed).
    /// @param refund Escrow returned to the requester.
    event TaskRejected(uint256 indexed taskId, address indexed provider, uint256 refund);
    /// @notice Emitted when a provider cancels one offer.
    /// @param provider The provider.
    /// @param nonce The cancelled offer's nonce.
    event OfferCancelled(address indexed provider, uint64 nonce);
    /// @notice Emitted when a provider cancels every offer with a nonce below `minNonce`.
    /// @param provider The provider.
    /// @param minNonce The provider's smallest valid nonce after the call.
    event OffersCancelledBelow(address indexed provider, uint64 minNonce);
    /// @notice Emitted when accrued fees leave the contract.
    /// @param toTreasury The part sent to the treasury.
    /// @param toStakers The part sent to staking rewards.
    event FeesDistributed(uint256 toTreasury, uint256 toStakers);
    /// @notice Emitted when governance sets the configuration.
    /// @param config The new configuration.
    event ConfigSet(Config config);
    /// @notice Emitted when governance sets a resource class's price feed.
    /// @param resourceClass The resource class.
    /// @param feed The feed (zero address when removed).
    event PriceFeedSet(uint8 indexed resourceClass, address feed);

    /// @notice Thrown when a required address is the zero address.
    error TaskMarket__ZeroAddress();
    /// @notice Thrown when a configuration value is out of range.
    /// @param index The field's position in {Config} (0-based); 11 for a price feed with decimals ≠ 18.
    error TaskMarket__InvalidConfig(uint256 index);
    /// @notice Thrown when a task asks for zero units or a zero price.
    error TaskMarket__ZeroAmount();
    /// @notice Thrown when the deadlines are not `now < assignDeadline < completionDeadline`.
    /// @param assignDeadline The assignment deadline given.
    /// @param completionDeadline The completion deadline given.
    error TaskMarket__InvalidDeadlines(uint256 assignDeadline, uint256 completionDeadline);
    /// @notice Thrown when `completionDeadline − now` exceeds `maxTaskDuration`.
    /// @param duration The duration asked for.
    /// @param maxDuration The maximum.
    error TaskMarket__DurationTooLong(uint256 duration, uint256 maxDuration);
    /// @notice Thrown when the minimum reputation exceeds 10_000.
    /// @param minReputation The value given.
    error TaskMarket__InvalidMinReputation(uint256 minReputation);
    /// @notice Thrown when a ZK task's circuit is unknown, inactive or not a 3-signal circuit, or an
    /// OPTIMISTIC task names a circuit.
    /// @param circuitId The circuit id.
    error TaskMarket__InvalidCircuit(bytes32 circuitId);
    /// @notice Thrown when a ZK public signal is not below the BN254 scalar field.
    /// @param value The signal.
    error TaskMarket__SignalOutOfField(uint256 value);
    /// @notice Thrown when a task id does not exist.
    /// @param taskId The id.
    error TaskMarket__UnknownTask(uint256 taskId);
    /// @notice Thrown when a call is not allowed in the task's current status.
    /// @param taskId The task.
    /// @param status Its status.
    error TaskMarket__WrongStatus(uint256 taskId, Status status);
    /// @notice Thrown when a call needs the task's verification mode to differ.
    /// @param taskId The task.
    /// @param mode Its mode.
    error TaskMarket__WrongMode(uint256 taskId, VerificationMode mode);
    /// @notice Thrown when the caller is not the task's requester.
    /// @param taskId The task.
    /// @param caller The caller.
    error TaskMarket__NotRequester(uint256 taskId, address caller);
    /// @notice Thrown when the caller is not the task's provider.
    /// @param taskId The task.
    /// @param caller The caller.
    error TaskMarket__NotProvider(uint256 taskId, address caller);
    /// @notice Thrown when a deadline of the task has passed.
    /// @param taskId The task.
    /// @param deadline The deadline.
    error TaskMarket__DeadlinePassed(uint256 taskId, uint256 deadline);
    /// @notice Thrown when a permissionless exit is called before its deadline.
    /// @param taskId The task.
    /// @param deadline The time after which the call is allowed.
    error TaskMarket__DeadlineNotReached(uint256 taskId, uint256 deadline);
    /// @notice Thrown when a provider claims a task while the matcher still has it exclusively.
    /// @param taskId The task.
    /// @param claimableAt When direct claims open.
    error TaskMarket__ClaimNotOpen(uint256 taskId, uint256 claimableAt);
    /// @notice Thrown when a claiming provider fails an eligibility check.
    /// @param taskId The task.
    /// @param provider The provider.
    /// @param reason The failed check.
    error TaskMarket__ProviderIneligible(uint256 taskId, address provider, SkipReason reason);
    /// @notice Thrown when the verifier rejects a proof.
    /// @param taskId The task.
    error TaskMarket__InvalidProof(uint256 taskId);
    /// @notice Thrown when no price feed is set for a resource class.
    /// @param resourceClass The class.
    error TaskMarket__NoPriceFeed(uint8 resourceClass);
    /// @notice Thrown when the feed's price is older than `maxPriceAge` or from an unfinished round.
    /// @param resourceClass The class.
    /// @param updatedAt The round's update time.
    /// @param maxAge The accepted age.
    error TaskMarket__StalePrice(uint8 resourceClass, uint256 updatedAt, uint256 maxAge);
    /// @notice Thrown when the feed's price is non-positive or does not fit 96 bits.
    /// @param resourceClass The class.
    /// @param answer The feed's answer.
    error TaskMarket__InvalidPrice(uint8 resourceClass, int256 answer);
    /// @notice Thrown when the market price exceeds the requester's limit.
    /// @param price The feed price.
    /// @param limit The requester's `maxPricePerUnit`.
    error TaskMarket__PriceAboveLimit(uint256 price, uint256 limit);
    /// @notice Thrown when {distributeFees} finds no fees.
    error TaskMarket__NoFees();
    /// @notice Thrown when a derived amount (locked stake) does not fit its storage field.
    /// @param value The amount.
    error TaskMarket__ValueTooLarge(uint256 value);
    /// @notice Thrown when the arbiter resolves a dispute after its arbitration window (it can only lapse then).
    /// @param taskId The task.
    /// @param deadline The end of the arbitration window.
    error TaskMarket__ArbitrationClosed(uint256 taskId, uint256 deadline);
    /// @notice Thrown when the provider rejects a task after its reject window.
    /// @param taskId The task.
    /// @param deadline The end of the reject window.
    error TaskMarket__RejectWindowClosed(uint256 taskId, uint256 deadline);
    /// @notice Thrown when a configuration's `rejectWindow` is zero or not below `maxTaskDuration`.
    /// @param rejectWindow The value given.
    /// @param maxTaskDuration The configuration's `maxTaskDuration`.
    error TaskMarket__InvalidRejectWindow(uint256 rejectWindow, uint256 maxTaskDuration);
    /// @notice Thrown when a ZK task's id is too large for the task-binding signal `(taskId << 160) | provider`
    /// to stay below the BN254 scalar field.
    /// @param taskId The task (ZK task ids must be below 2^92).
    error TaskMarket__TaskIdTooLarge(uint256 taskId);

    /// @notice Creates a task and locks `units · maxPricePerUnit` CLAI from the caller (needs an allowance).
    /// @param params The task parameters (see {TaskParams}).
    /// @return taskId The new task id.
    function createTask(TaskParams calldata params) external returns (uint256 taskId);

    /// @notice Like {createTask} with an EIP-2612 permit for the escrow (a failing permit is ignored so a
    /// front-run permit cannot grief the call).
    /// @param params The task parameters (see {TaskParams}).
    /// @param deadline The permit's deadline.
    /// @param v The permit signature's `v`.
    /// @param r The permit signature's `r`.
    /// @param s The permit signature's `s`.
    /// @return taskId The new task id.
    function createTaskWithPermit(
        TaskParams calldata params,
        uint256 deadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external returns (uint256 taskId);

    /// @notice Creates a "market price" task: the max price per unit is the resource class's feed price
    /// (fresh, positive, from a complete round), and `params.maxPricePerUnit` is the most the caller accepts.
    /// @param params The task parameters (see {TaskParams}); `maxPricePerUnit` is the caller's price limit.
    /// @return taskId The new task id.
    function createTaskAtMarketPrice(TaskParams calldata params) external returns (uint256 taskId);

    /// @notice Cancels an open task and refunds it. Only the requester.
    /// @param taskId The task.
    function cancelTask(uint256 taskId) external;

    /// @notice Expires an open task after its assignment deadline and refunds it. Anyone.
    /// @param taskId The task.
    function expireTask(uint256 taskId) external;

    /// @notice Assigns tasks to signed offers. Requires MATCHER_ROLE. Every pair is re-checked; an invalid
    /// pair is skipped with {MatchSkipped} and a reason, so one stale pair never sinks a batch.
    /// @param matches The (task, signed offer) pairs, in order.
    /// @return assigned How many pairs were assigned.
    function assignBatch(Match[] calldata matches) external returns (uint256 assigned);

    /// @notice Lets an eligible provider take an open task at its max price once the match timeout passed.
    /// @param taskId The task.
    function claimTask(uint256 taskId) external;

    /// @notice Posts an OPTIMISTIC result; opens the challenge window. Only the provider, before the deadline.
    /// @param taskId The task.
    /// @param resultCommitment Commitment to the result (stored).
    /// @param resultCid Content id of the result (emitted, not stored).
    function submitResult(uint256 taskId, bytes32 resultCommitment, string calldata resultCid) external;

    /// @notice Completes a ZK task with a Groth16 proof whose public signals are
    /// `[inputCommitment, outputCommitment, (taskId << 160) | uint160(provider)]` (the last one binds the proof
    /// to this task and provider; needs `taskId < 2^92`). Only the provider, before the deadline.
    /// @param taskId The task.
    /// @param outputCommitment Commitment to the output; < the BN254 scalar field.
    /// @param resultCid Content id of the result (emitted, not stored).
    /// @param proof The Groth16 proof as `[a0, a1, b00, b01, b10, b11, c0, c1]`.
    function submitProof(
        uint256 taskId,
        bytes32 outputCommitment,
        string calldata resultCid,
        uint256[8] calldata proof
    ) external;

    /// @notice Pays the provider of an undisputed optimistic result after the challenge window. Anyone.
    /// @param taskId The task.
    function finalizeTask(uint256 taskId) external;

    /// @notice Disputes an optimistic result within the window, posting the dispute bond. Only the requester.
    /// @param taskId The task.
    function disputeTask(uint256 taskId) external;

    /// @notice Resolves a dispute within its arbitration window. Requires ARBITER_ROLE (governance).
    /// @param taskId The disputed task.
    /// @param providerFault True: slash and refund the requester (bond back); false: pay the provider (bond to it).
    function resolveDispute(uint256 taskId, bool providerFault) external;

    /// @notice Unwinds a dispute the arbiter left unresolved past the arbitration window: escrow back to the
    /// requester, the requester's bond to the provider (compensation), the provider's stake unlocked, nobody
    /// slashed, no reputation change. Anyone.
    /// @param taskId The disputed task.
    function lapseDispute(uint256 taskId) external;

    /// @notice Fails an assigned task: the provider any time, anyone after both the completion deadline and
    /// the reject window. Slashes the locked stake (split by Staking) and refunds the escrow.
    /// @param taskId The task.
    function failTask(uint256 taskId) external;

    /// @notice Rejects an assigned task within the reject window (`rejectWindow` seconds after assignment):
    /// the escrow goes back to the requester and the provider's locked stake is released, with no slash and no
    /// reputation change. Only the provider.
    /// @param taskId The task.
    function rejectTask(uint256 taskId) external;

    /// @notice Sends accrued fees to stakers (`stakerFeeShareBps`) and the treasury. Anyone.
    function distributeFees() external;

    /// @notice Cancels the caller's offer with `nonce`.
    /// @param nonce The offer's nonce.
    function cancelOffer(uint64 nonce) external;

    /// @notice Cancels every offer of the caller with a nonce below `minNonce` (only increases).
    /// @param minNonce The new smallest valid nonce (ignored if not above the current one).
    function cancelOffersBelow(uint64 minNonce) external;

    /// @notice Sets the configuration. Requires PARAMETER_ROLE. The longest task lifetime
    /// (`maxTaskDuration + challengeWindow + arbitrationWindow`) must stay below Staking's unbonding delay.
    /// @param config The new configuration (see {Config}).
    function setConfig(Config calldata config) external;

    /// @notice Sets the price feed of a resource class (18 decimals; zero address removes it).
    /// Requires PARAMETER_ROLE.
    /// @param resourceClass The resource class.
    /// @param feed The AggregatorV3Interface feed, or the zero address to remove it.
    function setPriceFeed(uint8 resourceClass, address feed) external;

    /// @notice The stored task.
    /// @param taskId The task.
    /// @return The task (all zero when unknown).
    function getTask(uint256 taskId) external view returns (Task memory);

    /// @notice Number of tasks created (ids are 1..taskCount).
    /// @return The number of tasks.
    function taskCount() external view returns (uint256);

    /// @notice Units already filled by an offer (`type(uint256).max` when cancelled).
    /// @param provider The offer's provider.
    /// @param nonce The offer's nonce.
    /// @return The units filled.
    function offerFilled(address provider, uint64 nonce) external view returns (uint256);

    /// @notice Smallest valid offer nonce of `provider`.
    /// @param provider The provider.
    /// @return The smallest valid nonce.
    function minOfferNonce(address provider) external view returns (uint64);

    /// @notice EIP-712 digest a provider signs for `offer`.
    /// @param offer The offer.
    /// @return The EIP-712 typed-data digest.
    function hashOffer(Offer calldata offer) external view returns (bytes32);

    /// @notice CLAI held for a task right now (escrow, plus the bond while disputed).
    /// @param taskId The task.
    /// @return The amount held (zero for unknown or settled tasks).
    function heldFor(uint256 taskId) external view returns (uint256);

    /// @notice Fees accrued and not yet distributed.
    /// @return The accrued fees.
    function accruedFees() external view returns (uint256);

    /// @notice The configuration.
    /// @return The current configuration.
    function config() external view returns (Config memory);

    /// @notice The price feed of a resource class.
    /// @param resourceClass The resource class.
    /// @return The feed (zero address when none).
    function priceFeed(uint8 resourceClass) external view returns (address);

    /// @notice The validated feed price (CLAI wei per unit) of a resource class; reverts like market-price creation.
    /// @param resourceClass The resource class.
    /// @return The feed price.
    function marketPrice(uint8 resourceClass) external view returns (uint256);
}
