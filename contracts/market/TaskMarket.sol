// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AccessControlUpgradeable} from "@openzeppelin/contracts-upgradeable/access/AccessControlUpgradeable.sol";
import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {ReentrancyGuardTransientUpgradeable} from "@openzeppelin/contracts-upgradeable/utils/ReentrancyGuardTransientUpgradeable.sol";
import {EIP712Upgradeable} from "@openzeppelin/contracts-upgradeable/utils/cryptography/EIP712Upgradeable.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";
import {ITaskMarket} from "../interfaces/ITaskMarket.sol";
import {IStaking} from "../interfaces/IStaking.sol";
import {IReputation} from "../interfaces/IReputation.sol";
import {IVerifierRegistry} from "../interfaces/IVerifierRegistry.sol";

/**
 * @title TaskMarket
 * @notice Escrow, matching and verification of CloudAI compute tasks; see {ITaskMarket} for the lifecycle.
 * @dev Roles: DEFAULT_ADMIN_ROLE, UPGRADER_ROLE, PARAMETER_ROLE and ARBITER_ROLE (timelock); MATCHER_ROLE
 * (the off-chain matcher, granted by governance). Needs MARKET_ROLE on {Staking} and WRITER_ROLE on
 * {Reputation}.
 *
 * Design notes:
 * - A task takes three packed slots plus its input commitment (and circuit id for ZK); the input CID is only
 *   emitted. `timer` is reused by phase (claim opening, reject-window end, challenge end, arbitration end) to
 *   stay in 3 slots.
 * - Fees accrue in storage and leave through the permissionless {distributeFees}, so a settlement makes one
 *   token transfer instead of three.
 * - The stake locked per task is `max(minLockedStake, payment · lockBps)`; on a provable fault (missed
 *   deadline, self-reported failure, lost dispute) all of it is slashed through {Staking-slash}.
 * - Staking refuses locks that outlive its unbonding delay, so the delay > task lifetime rule is enforced
 *   where it matters, in addition to the check in {setConfig}.
 * - A ZK task whose circuit governance deactivated after creation is annulled (refund, no slash) instead of
 *   failed: the provider could not have proved it.
 * - Resolution and lapse of a dispute are disjoint in time (arbiter until the window's end, anyone after).
 *   A lapse pays the requester's bond to the provider, so a requester gains nothing by disputing.
 * - A provider may reject an assignment within `rejectWindow` (e.g. an input that does not match its
 *   commitment); nobody else can fail the task before that window closes.
 */
contract TaskMarket is
    Initializable,
    AccessControlUpgradeable,
    ReentrancyGuardTransientUpgradeable,
    EIP712Upgradeable,
    UUPSUpgradeable,
    ITaskMarket
{
    using SafeERC20 for IERC20;

    /// @custom:storage-location erc7201:cloudai.storage.TaskMarket
    struct TaskMarketStorage {
        // slot 0 — read and written by every createTask
        IERC20 token;
        uint40 nextTaskId;
        uint32 maxTaskDuration;
        uint24 matchTimeout;
        // slot 1 — read by assignment and settlement
        IStaking staking;
        uint16 lockBps;
        uint16 protocolFeeBps;
        uint32 challengeWindow;
        uint32 arbitrationWindow;
        // slot 2
        IReputation reputation;
        uint96 minLockedStake;
        // slot 3
        IVerifierRegistry verifierRegistry;
        uint96 disputeBond;
        // slot 4
        address treasury;
        uint16 stakerFeeShareBps;
        uint32 maxPriceAge;
        // slot 5
        uint256 accruedFees;
        mapping(uint256 taskId => Task) tasks;
        mapping(address provider => mapping(uint64 nonce => uint256 filled)) offerFilled;
        mapping(address provider => uint64) minOfferNonce;
        mapping(uint256 taskId => uint256) disputeBonds;
        mapping(uint8 resourceClass => AggregatorV3Interface) priceFeeds;
        // slot 12 — appended (read by assignment and completion)
        uint32 rejectWindow;
        uint96 minReputationPayment;
    }

    /// @notice Role allowed to submit matching batches.
    bytes32 public constant MATCHER_ROLE = keccak256("MATCHER_ROLE");
    /// @notice Role allowed to resolve disputes (governance).
    bytes32 public constant ARBITER_ROLE = keccak256("ARBITER_ROLE");
    /// @notice Role allowed to set the configuration and price feeds (governance).
    bytes32 public constant PARAMETER_ROLE = keccak256("PARAMETER_ROLE");
    /// @notice Role allowed to upgrade the implementation.
    bytes32 public constant UPGRADER_ROLE = keccak256("UPGRADER_ROLE");
    /// @notice EIP-712 type hash of {ITaskMarket-Offer}.
    bytes32 public constant OFFER_TYPEHASH = keccak256(
        "Offer(address provider,uint8 resourceClass,uint96 pricePerUnit,uint32 capacity,uint64 expiry,uint64 nonce)"
    );
    /// @notice The BN254 scalar field modulus; every public signal must be below it.
    uint256 public constant SNARK_SCALAR_FIELD =
        21888242871839275222246405745257275088548364400416034343698204186575808495617;
    /// @notice Number of public signals of a task circuit: `[inputCommitment, outputCommitment, binding]`.
    uint256 public constant NUM_SIGNALS = 3;
    /// @notice Exclusive bound on ZK task ids, so `binding = (taskId << 160) | provider` < 2^252 < the field.
    uint256 private constant ZK_TASK_ID_LIMIT = 1 << 92;
    /// @notice Maximum minimum-reputation (10_000 bps).
    uint256 public constant MAX_REPUTATION = 10_000;
    uint256 private constant BPS = 10_000;
    uint256 private constant OFFER_CANCELLED = type(uint256).max;

    // keccak256(abi.encode(uint256(keccak256("cloudai.storage.TaskMarket")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant TASK_MARKET_STORAGE_LOCATION =
        0x4bcc9b963b7010f505de5ef3964e30b8ed0c3e41b4ec707b198527327558c200;

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor() {
        _disableInitializers();
    }

    /**
     * @notice Initializes the proxy.
     * @param token_ The CLAI token.
     * @param staking_ The Staking proxy (this market needs its MARKET_ROLE).
     * @param reputation_ The Reputation proxy (this market needs its WRITER_ROLE).
     * @param verifierRegistry_ The VerifierRegistry proxy.
     * @param admin Receives DEFAULT_ADMIN_ROLE, UPGRADER_ROLE, PARAMETER_ROLE and ARBITER_ROLE (the timelock).
     * @param config_ Initial configuration (see {ITaskMarket-Config}).
     */
    function initialize(
        IERC20 token_,
        IStaking staking_,
        IReputation reputation_,
        IVerifierRegistry verifierRegistry_,
        address admin,
        Config calldata config_
    ) external initializer {
        if (
            address(token_) == address(0) ||
            address(staking_) == address(0) ||
            address(reputation_) == address(0) ||
            address(verifierRegistry_) == address(0) ||
            admin == address(0)
        ) revert TaskMarket__ZeroAddress();
        __AccessControl_init();
        __ReentrancyGuardTransient_init();
        __EIP712_init("CloudAI TaskMarket", "1");
        __UUPSUpgradeable_init();
        TaskMarketStorage storage $ = _getTaskMarketStorage();
        $.token = token_;
        $.staking = staking_;
        $.reputation = reputation_;
        $.verifierRegistry = verifierRegistry_;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(UPGRADER_ROLE, admin);
        _grantRole(PARAMETER_ROLE, admin);
        _grantRole(ARBITER_ROLE, admin);
        _setConfig($, config_);
    }

    // ───────────────────────────── requester ─────────────────────────────

    /// @inheritdoc ITaskMarket
    function createTask(TaskParams calldata params) external nonReentrant returns (uint256 taskId) {
        taskId = _createTask(params, params.maxPricePerUnit);
    }

    /// @inheritdoc ITaskMarket
    function createTaskWithPermit(
        TaskParams calldata params,
        uint256 deadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external nonReentrant returns (uint256 taskId) {
        uint256 value = uint256(params.units) * params.maxPricePerUnit;
        try
            IERC20Permit(address(_getTaskMarketStorage().token)).permit(
                msg.sender,
                address(this),
                value,
                deadline,
                v,
                r,
                s
            )
        {} catch {}
        taskId = _createTask(params, params.maxPricePerUnit);
    }

    /// @inheritdoc ITaskMarket
    function createTaskAtMarketPrice(
        TaskParams calldata params
    ) external nonReentrant returns (uint256 taskId) {
        uint256 price = _marketPrice(_getTaskMarketStorage(), params.resourceClass);
        if (price > params.maxPricePerUnit) revert TaskMarket__PriceAboveLimit(price, params.maxPricePerUnit);
        taskId = _createTask(params, uint96(price));
    }

    /// @inheritdoc ITaskMarket
    function cancelTask(uint256 taskId) external nonReentrant {
        TaskMarketStorage storage $ = _getTaskMarketStorage();
        Task storage t = _taskIn($, taskId, Status.Open);
        if (msg.sender != t.requester) revert TaskMarket__NotRequester(taskId, msg.sender);
        t.status = Status.Cancelled;
        uint256 refund = uint256(t.units) * t.maxPricePerUnit;
        emit TaskCancelled(taskId, refund);
        $.token.safeTransfer(t.requester, refund);
    }

    /// @inheritdoc ITaskMarket
    function expireTask(uint256 taskId) external nonReentrant {
        TaskMarketStorage storage $ = _getTaskMarketStorage();
        Task storage t = _taskIn($, taskId, Status.Open);
        if (block.timestamp <= t.assignDeadline)
            revert TaskMarket__DeadlineNotReached(taskId, t.assignDeadline);
        t.status = Status.Expired;
        uint256 refund = uint256(t.units) * t.maxPricePerUnit;
        emit TaskExpired(taskId, refund);
        $.token.safeTransfer(t.requester, refund);
    }

    /// @inheritdoc ITaskMarket
    function disputeTask(uint256 taskId) external nonReentrant {
        TaskMarketStorage storage $ = _getTaskMarketStorage();
        Task storage t = _taskIn($, taskId, Status.Submitted);
        if (msg.sender != t.requester) revert TaskMarket__NotRequester(taskId, msg.sender);
        if (block.timestamp > t.timer) revert TaskMarket__DeadlinePassed(taskId, t.timer);
        uint256 bond = $.disputeBond;
        uint256 resolveDeadline = block.timestamp + $.arbitrationWindow;
        t.status = Status.Disputed;
        t.timer = uint32(resolveDeadline);
        $.disputeBonds[taskId] = bond;
        emit TaskDisputed(taskId, msg.sender, bond, resolveDeadline);
        if (bond != 0) $.token.safeTransferFrom(msg.sender, address(this), bond);
    }

    // ───────────────────────────── matching ─────────────────────────────

    /// @inheritdoc ITaskMarket
    function assignBatch(
        Match[] calldata matches
    ) external onlyRole(MATCHER_ROLE) nonReentrant returns (uint256 assigned) {
        TaskMarketStorage storage $ = _getTaskMarketStorage();
        bytes32 lastVerified;
        uint256 n = matches.length;
        for (uint256 i; i < n; ++i) {
            Match calldata m = matches[i];
            Offer calldata o = m.offer;
            (SkipReason reason, bytes32 digest) = _checkOffer($, m, lastVerified);
            if (reason == SkipReason.None) {
                lastVerified = digest;
                Task storage t = $.tasks[m.taskId];
                reason = _assign($, m.taskId, t, o.provider, o.pricePerUnit, false);
                if (reason == SkipReason.None) {
                    $.offerFilled[o.provider][o.nonce] += t.units;
                    ++assigned;
                    continue;
                }
            }
            emit MatchSkipped(m.taskId, o.provider, reason);
        }
    }

    /// @inheritdoc ITaskMarket
    function claimTask(uint256 taskId) external nonReentrant {
        TaskMarketStorage storage $ = _getTaskMarketStorage();
        Task storage t = _taskIn($, taskId, Status.Open);
        if (block.timestamp < t.timer) revert TaskMarket__ClaimNotOpen(taskId, t.timer);
        if (block.timestamp > t.assignDeadline) revert TaskMarket__DeadlinePassed(taskId, t.assignDeadline);
        if (msg.sender == t.requester)
            revert TaskMarket__ProviderIneligible(taskId, msg.sender, SkipReason.SelfDealing);
        SkipReason reason = _assign($, taskId, t, msg.sender, t.maxPricePerUnit, true);
        if (reason != SkipReason.None) revert TaskMarket__ProviderIneligible(taskId, msg.sender, reason);
    }

    /// @inheritdoc ITaskMarket
    function cancelOffer(uint64 nonce) external {
        _getTaskMarketStorage().offerFilled[msg.sender][nonce] = OFFER_CANCELLED;
        emit OfferCancelled(msg.sender, nonce);
    }

    /// @inheritdoc ITaskMarket
    function cancelOffersBelow(uint64 minNonce) external {
        TaskMarketStorage storage $ = _getTaskMarketStorage();
        if (minNonce > $.minOfferNonce[msg.sender]) $.minOfferNonce[msg.sender] = minNonce;
        emit OffersCancelledBelow(msg.sender, $.minOfferNonce[msg.sender]);
    }

    // ───────────────────────────── provider ─────────────────────────────

    /// @inheritdoc ITaskMarket
    function submitResult(uint256 taskId, bytes32 resultCommitment, string calldata resultCid) external {
        TaskMarketStorage storage $ = _getTaskMarketStorage();
        Task storage t = _assignedToCallerInTime($, taskId);
        if (t.mode != VerificationMode.OPTIMISTIC) revert TaskMarket__WrongMode(taskId, t.mode);
        uint256 challengeEnd = block.timestamp + $.challengeWindow;
        t.status = Status.Submitted;
        t.timer = uint32(challengeEnd);
        t.resultCommitment = resultCommitment;
        emit ResultSubmitted(taskId, msg.sender, resultCommitment, resultCid, challengeEnd);
    }

    /// @inheritdoc ITaskMarket
    function submitProof(
        uint256 taskId,
        bytes32 outputCommitment,
        string calldata resultCid,
        uint256[8] calldata proof
    ) external nonReentrant {
        TaskMarketStorage storage $ = _getTaskMarketStorage();
        Task storage t = _assignedToCallerInTime($, taskId);
        if (t.mode != VerificationMode.ZK) revert TaskMarket__WrongMode(taskId, t.mode);
        if (uint256(outputCommitment) >= SNARK_SCALAR_FIELD)
            revert TaskMarket__SignalOutOfField(uint256(outputCommitment));
        if (taskId >= ZK_TASK_ID_LIMIT) revert TaskMarket__TaskIdTooLarge(taskId);
        uint256[] memory signals = new uint256[](NUM_SIGNALS);
        signals[0] = uint256(t.inputCommitment);
        signals[1] = uint256(outputCommitment);
        signals[2] = (taskId << 160) | uint160(msg.sender);
        if (!$.verifierRegistry.verify(t.circuitId, proof, signals)) revert TaskMarket__InvalidProof(taskId);
        t.resultCommitment = outputCommitment;
        emit ProofAccepted(taskId, msg.sender, outputCommitment, resultCid);
        _complete($, taskId, t, 0);
    }

    /// @inheritdoc ITaskMarket
    function failTask(uint256 taskId) external nonReentrant {
        TaskMarketStorage storage $ = _getTaskMarketStorage();
        Task storage t = _taskIn($, taskId, Status.Assigned);
        if (msg.sender != t.provider) {
            // Others wait for the completion deadline and for the provider's reject window to close.
            uint256 deadline = t.completionDeadline;
            if (t.timer > deadline) deadline = t.timer;
            if (block.timestamp <= deadline) revert TaskMarket__DeadlineNotReached(taskId, deadline);
        }
        if (t.mode == VerificationMode.ZK && !$.verifierRegistry.circuit(t.circuitId).active) {
            // Governance retired the circuit mid-task: nobody could prove it, so nobody is at fault.
            _annul($, taskId, t, 0);
        } else {
            _fail($, taskId, t, 0);
        }
    }

    /// @inheritdoc ITaskMarket
    function rejectTask(uint256 taskId) external nonReentrant {
        TaskMarketStorage storage $ = _getTaskMarketStorage();
        Task storage t = _assignedToCaller($, taskId);
        if (block.timestamp > t.timer) revert TaskMarket__RejectWindowClosed(taskId, t.timer);
        uint256 refund = uint256(t.units) * t.pricePerUnit;
        emit TaskRejected(taskId, msg.sender, refund);
        _release($, t, Status.Rejected, refund);
    }

    // ───────────────────────────── settlement ─────────────────────────────

    /// @inheritdoc ITaskMarket
    function finalizeTask(uint256 taskId) external nonReentrant {
        TaskMarketStorage storage $ = _getTaskMarketStorage();
        Task storage t = _taskIn($, taskId, Status.Submitted);
        if (block.timestamp <= t.timer) revert TaskMarket__DeadlineNotReached(taskId, t.timer);
        _complete($, taskId, t, 0);
    }

    /// @inheritdoc ITaskMarket
    function resolveDispute(uint256 taskId, bool providerFault) external onlyRole(ARBITER_ROLE) nonReentrant {
        TaskMarketStorage storage $ = _getTaskMarketStorage();
        Task storage t = _taskIn($, taskId, Status.Disputed);
        if (block.timestamp > t.timer) revert TaskMarket__ArbitrationClosed(taskId, t.timer);
        uint256 bond = $.disputeBonds[taskId];
        $.disputeBonds[taskId] = 0;
        emit DisputeResolved(taskId, providerFault);
        if (providerFault) _fail($, taskId, t, bond);
        else _complete($, taskId, t, bond);
    }

    /// @inheritdoc ITaskMarket
    function lapseDispute(uint256 taskId) external nonReentrant {
        TaskMarketStorage storage $ = _getTaskMarketStorage();
        Task storage t = _taskIn($, taskId, Status.Disputed);
        if (block.timestamp <= t.timer) revert TaskMarket__DeadlineNotReached(taskId, t.timer);
        uint256 bond = $.disputeBonds[taskId];
        $.disputeBonds[taskId] = 0;
        _annul($, taskId, t, bond);
    }

    /// @inheritdoc ITaskMarket
    function distributeFees() external nonReentrant {
        TaskMarketStorage storage $ = _getTaskMarketStorage();
        uint256 fees = $.accruedFees;
        if (fees == 0) revert TaskMarket__NoFees();
        $.accruedFees = 0;
        uint256 toStakers = (fees * $.stakerFeeShareBps) / BPS;
        uint256 toTreasury = fees - toStakers;
        emit FeesDistributed(toTreasury, toStakers);
        if (toTreasury != 0) $.token.safeTransfer($.treasury, toTreasury);
        if (toStakers != 0) {
            $.token.safeTransfer(address($.staking), toStakers);
            $.staking.notifyReward(toStakers);
        }
    }

    // ───────────────────────────── governance ─────────────────────────────

    /// @inheritdoc ITaskMarket
    function setConfig(Config calldata config_) external onlyRole(PARAMETER_ROLE) {
        _setConfig(_getTaskMarketStorage(), config_);
    }

    /// @inheritdoc ITaskMarket
    function setPriceFeed(uint8 resourceClass, address feed) external onlyRole(PARAMETER_ROLE) {
        if (feed != address(0) && AggregatorV3Interface(feed).decimals() != 18)
            revert TaskMarket__InvalidConfig(11);
        _getTaskMarketStorage().priceFeeds[resourceClass] = AggregatorV3Interface(feed);
        emit PriceFeedSet(resourceClass, feed);
    }

    // ───────────────────────────── views ─────────────────────────────

    /// @inheritdoc ITaskMarket
    function getTask(uint256 taskId) external view returns (Task memory) {
        return _getTaskMarketStorage().tasks[taskId];
    }

    /// @inheritdoc ITaskMarket
    function taskCount() external view returns (uint256) {
        return _getTaskMarketStorage().nextTaskId;
    }

    /// @inheritdoc ITaskMarket
    function offerFilled(address provider, uint64 nonce) external view returns (uint256) {
        return _getTaskMarketStorage().offerFilled[provider][nonce];
    }

    /// @inheritdoc ITaskMarket
    function minOfferNonce(address provider) external view returns (uint64) {
        return _getTaskMarketStorage().minOfferNonce[provider];
    }

    /// @inheritdoc ITaskMarket
    function heldFor(uint256 taskId) external view returns (uint256) {
        TaskMarketStorage storage $ = _getTaskMarketStorage();
        Task storage t = $.tasks[taskId];
        if (t.requester == address(0)) return 0;
        Status s = t.status;
        if (s == Status.Open) return uint256(t.units) * t.maxPricePerUnit;
        if (s > Status.Disputed) return 0;
        // Assigned, Submitted, Disputed; a bond is only non-zero while disputed.
        return uint256(t.units) * t.pricePerUnit + $.disputeBonds[taskId];
    }

    /// @inheritdoc ITaskMarket
    function accruedFees() external view returns (uint256) {
        return _getTaskMarketStorage().accruedFees;
    }

    /// @inheritdoc ITaskMarket
    function config() external view returns (Config memory c) {
        TaskMarketStorage storage $ = _getTaskMarketStorage();
        c.treasury = $.treasury;
        c.protocolFeeBps = $.protocolFeeBps;
        c.stakerFeeShareBps = $.stakerFeeShareBps;
        c.lockBps = $.lockBps;
        c.minLockedStake = $.minLockedStake;
        c.disputeBond = $.disputeBond;
        c.maxTaskDuration = $.maxTaskDuration;
        c.matchTimeout = $.matchTimeout;
        c.challengeWindow = $.challengeWindow;
        c.arbitrationWindow = $.arbitrationWindow;
        c.maxPriceAge = $.maxPriceAge;
        c.rejectWindow = $.rejectWindow;
        c.minReputationPayment = $.minReputationPayment;
    }

    /// @inheritdoc ITaskMarket
    function priceFeed(uint8 resourceClass) external view returns (address) {
        return address(_getTaskMarketStorage().priceFeeds[resourceClass]);
    }

    /// @inheritdoc ITaskMarket
    function marketPrice(uint8 resourceClass) external view returns (uint256) {
        return _marketPrice(_getTaskMarketStorage(), resourceClass);
    }

    /// @inheritdoc ITaskMarket
    function hashOffer(Offer calldata offer) public view returns (bytes32) {
        return
            _hashTypedDataV4(
                keccak256(
                    abi.encode(
                        OFFER_TYPEHASH,
                        offer.provider,
                        offer.resourceClass,
                        offer.pricePerUnit,
                        offer.capacity,
                        offer.expiry,
                        offer.nonce
                    )
                )
            );
    }

    // ───────────────────────────── internal ─────────────────────────────

    /// @dev Only UPGRADER_ROLE may upgrade.
    function _authorizeUpgrade(address) internal override onlyRole(UPGRADER_ROLE) {}

    function _createTask(TaskParams calldata p, uint96 maxPrice) private returns (uint256 taskId) {
        TaskMarketStorage storage $ = _getTaskMarketStorage();
        if (p.units == 0 || maxPrice == 0) revert TaskMarket__ZeroAmount();
        if (p.assignDeadline <= block.timestamp || p.completionDeadline <= p.assignDeadline) {
            revert TaskMarket__InvalidDeadlines(p.assignDeadline, p.completionDeadline);
        }
        uint256 duration = p.completionDeadline - block.timestamp;
        if (duration > $.maxTaskDuration) revert TaskMarket__DurationTooLong(duration, $.maxTaskDuration);
        if (p.minReputation > MAX_REPUTATION) revert TaskMarket__InvalidMinReputation(p.minReputation);
        if (p.mode == VerificationMode.ZK) {
            IVerifierRegistry.Circuit memory c = $.verifierRegistry.circuit(p.circuitId);
            if (c.verifier == address(0) || !c.active || c.numPublicInputs != NUM_SIGNALS) {
                revert TaskMarket__InvalidCircuit(p.circuitId);
            }
            if (uint256(p.inputCommitment) >= SNARK_SCALAR_FIELD) {
                revert TaskMarket__SignalOutOfField(uint256(p.inputCommitment));
            }
        } else if (p.circuitId != bytes32(0)) {
            revert TaskMarket__InvalidCircuit(p.circuitId);
        }

        taskId = uint256($.nextTaskId) + 1;
        $.nextTaskId = uint40(taskId);
        Task storage t = $.tasks[taskId];
        t.requester = msg.sender;
        t.assignDeadline = p.assignDeadline;
        t.completionDeadline = p.completionDeadline;
        t.resourceClass = p.resourceClass;
        t.mode = p.mode;
        t.minReputation = p.minReputation;
        t.maxPricePerUnit = maxPrice;
        t.units = p.units;
        t.timer = uint32(block.timestamp + $.matchTimeout);
        t.inputCommitment = p.inputCommitment;
        if (p.circuitId != bytes32(0)) t.circuitId = p.circuitId;

        emit TaskCreated(taskId, msg.sender, p.resourceClass, maxPrice, p);
        $.token.safeTransferFrom(msg.sender, address(this), uint256(p.units) * maxPrice);
    }

    /// @dev Checks reputation, locks stake and assigns; on success refunds `units · (maxPrice − price)`.
    function _assign(
        TaskMarketStorage storage $,
        uint256 taskId,
        Task storage t,
        address provider,
        uint96 price,
        bool claimed
    ) private returns (SkipReason) {
        if ($.reputation.scoreOf(provider) < t.minReputation) return SkipReason.ReputationTooLow;
        uint256 units = t.units;
        uint256 payment = units * price;
        uint256 lockAmount = (payment * $.lockBps) / BPS;
        if (lockAmount < $.minLockedStake) lockAmount = $.minLockedStake;
        if (lockAmount > type(uint88).max) revert TaskMarket__ValueTooLarge(lockAmount);
        uint256 until = uint256(t.completionDeadline) + $.challengeWindow + $.arbitrationWindow;
        IStaking.LockStatus ls = $.staking.lock(provider, t.resourceClass, lockAmount, until);
        if (ls != IStaking.LockStatus.Ok) return SkipReason(uint8(SkipReason.ReputationTooLow) + uint8(ls));

        uint256 refund = units * (t.maxPricePerUnit - price);
        t.status = Status.Assigned;
        t.timer = uint32(block.timestamp + $.rejectWindow);
        t.lockedStake = uint88(lockAmount);
        t.provider = provider;
        t.pricePerUnit = price;
        emit TaskAssigned(taskId, provider, price, lockAmount, refund, claimed);
        if (refund != 0) $.token.safeTransfer(t.requester, refund);
        return SkipReason.None;
    }

    /// @dev Pays the provider (minus fee) and `extra` (a lost dispute bond) too; unlocks; records success when
    /// the payment reaches `minReputationPayment` (tiny self-funded tasks cannot farm reputation).
    function _complete(TaskMarketStorage storage $, uint256 taskId, Task storage t, uint256 extra) private {
        t.status = Status.Completed;
        address provider = t.provider;
        uint256 payment = uint256(t.units) * t.pricePerUnit;
        uint256 fee = (payment * $.protocolFeeBps) / BPS;
        if (fee != 0) $.accruedFees += fee;
        emit TaskCompleted(taskId, provider, payment, fee);
        IStaking staking = $.staking;
        staking.unlock(provider, t.lockedStake);
        if (payment >= $.minReputationPayment) $.reputation.recordSuccess(provider);
        $.token.safeTransfer(provider, payment - fee + extra);
    }

    /// @dev Refunds the escrow plus `extra` (the dispute bond) to the requester, slashes the whole lock.
    function _fail(TaskMarketStorage storage $, uint256 taskId, Task storage t, uint256 extra) private {
        t.status = Status.Failed;
        address provider = t.provider;
        address requester = t.requester;
        uint256 refund = uint256(t.units) * t.pricePerUnit;
        uint256 slashed = t.lockedStake;
        emit TaskFailed(taskId, provider, slashed, refund);
        $.staking.slash(provider, slashed, requester);
        $.reputation.recordFault(provider);
        $.token.safeTransfer(requester, refund + extra);
    }

    /// @dev Unwinds a task nobody is found at fault for: escrow back to the requester, `bond` (a lapsed
    /// dispute's bond) to the provider, lock released.
    function _annul(TaskMarketStorage storage $, uint256 taskId, Task storage t, uint256 bond) private {
        uint256 refund = uint256(t.units) * t.pricePerUnit;
        emit DisputeLapsed(taskId, refund, bond);
        _release($, t, Status.Annulled, refund);
        if (bond != 0) $.token.safeTransfer(t.provider, bond);
    }

    /// @dev Ends a task without fault: sets `status`, releases the provider's lock, refunds the requester.
    function _release(TaskMarketStorage storage $, Task storage t, Status status, uint256 refund) private {
        t.status = status;
        $.staking.unlock(t.provider, t.lockedStake);
        $.token.safeTransfer(t.requester, refund);
    }

    function _setConfig(TaskMarketStorage storage $, Config calldata c) private {
        if (c.treasury == address(0)) revert TaskMarket__InvalidConfig(0);
        if (c.protocolFeeBps > BPS) revert TaskMarket__InvalidConfig(1);
        if (c.stakerFeeShareBps > BPS) revert TaskMarket__InvalidConfig(2);
        if (c.maxTaskDuration == 0) revert TaskMarket__InvalidConfig(6);
        if (c.rejectWindow == 0 || c.rejectWindow >= c.maxTaskDuration) {
            revert TaskMarket__InvalidRejectWindow(c.rejectWindow, c.maxTaskDuration);
        }
        if (c.matchTimeout > c.maxTaskDuration) revert TaskMarket__InvalidConfig(7);
        if (c.challengeWindow == 0) revert TaskMarket__InvalidConfig(8);
        if (c.arbitrationWindow == 0) revert TaskMarket__InvalidConfig(9);
        if (
            uint256(c.maxTaskDuration) + c.challengeWindow + c.arbitrationWindow >= $.staking.unbondingDelay()
        ) {
            revert TaskMarket__InvalidConfig(6);
        }
        $.treasury = c.treasury;
        $.protocolFeeBps = c.protocolFeeBps;
        $.stakerFeeShareBps = c.stakerFeeShareBps;
        $.lockBps = c.lockBps;
        $.minLockedStake = c.minLockedStake;
        $.disputeBond = c.disputeBond;
        $.maxTaskDuration = c.maxTaskDuration;
        $.matchTimeout = c.matchTimeout;
        $.challengeWindow = c.challengeWindow;
        $.arbitrationWindow = c.arbitrationWindow;
        $.maxPriceAge = c.maxPriceAge;
        $.rejectWindow = c.rejectWindow;
        $.minReputationPayment = c.minReputationPayment;
        emit ConfigSet(c);
    }

    /// @dev Checks a batch pair's task state and offer (no external calls). `lastVerified` skips re-running
    /// ecrecover when consecutive pairs share one offer.
    function _checkOffer(
        TaskMarketStorage storage $,
        Match calldata m,
        bytes32 lastVerified
    ) private view returns (SkipReason, bytes32 digest) {
        Task storage t = $.tasks[m.taskId];
        Offer calldata o = m.offer;
        if (t.requester == address(0) || t.status != Status.Open) return (SkipReason.TaskNotOpen, 0);
        if (block.timestamp > t.assignDeadline) return (SkipReason.AssignmentClosed, 0);
        if (block.timestamp > o.expiry) return (SkipReason.OfferExpired, 0);
        if (o.resourceClass != t.resourceClass) return (SkipReason.ResourceClassMismatch, 0);
        if (o.pricePerUnit > t.maxPricePerUnit) return (SkipReason.PriceAboveMax, 0);
        if (o.provider == t.requester) return (SkipReason.SelfDealing, 0);
        uint256 filled = $.offerFilled[o.provider][o.nonce];
        if (filled == OFFER_CANCELLED || o.nonce < $.minOfferNonce[o.provider])
            return (SkipReason.OfferCancelled, 0);
        if (filled + t.units > o.capacity) return (SkipReason.CapacityExceeded, 0);
        digest = hashOffer(o);
        if (digest != lastVerified) {
            (address signer, ECDSA.RecoverError err, ) = ECDSA.tryRecover(digest, m.signature);
            if (err != ECDSA.RecoverError.NoError || signer != o.provider)
                return (SkipReason.InvalidSignature, 0);
        }
        return (SkipReason.None, digest);
    }

    function _marketPrice(TaskMarketStorage storage $, uint8 resourceClass) private view returns (uint256) {
        AggregatorV3Interface feed = $.priceFeeds[resourceClass];
        if (address(feed) == address(0)) revert TaskMarket__NoPriceFeed(resourceClass);
        (uint80 roundId, int256 answer, , uint256 updatedAt, uint80 answeredInRound) = feed.latestRoundData();
        if (answer <= 0 || uint256(answer) > type(uint96).max)
            revert TaskMarket__InvalidPrice(resourceClass, answer);
        if (updatedAt == 0 || updatedAt + $.maxPriceAge < block.timestamp || answeredInRound < roundId) {
            revert TaskMarket__StalePrice(resourceClass, updatedAt, $.maxPriceAge);
        }
        return uint256(answer);
    }

    function _taskIn(
        TaskMarketStorage storage $,
        uint256 taskId,
        Status expected
    ) private view returns (Task storage t) {
        t = $.tasks[taskId];
        if (t.requester == address(0)) revert TaskMarket__UnknownTask(taskId);
        if (t.status != expected) revert TaskMarket__WrongStatus(taskId, t.status);
    }

    /// @dev The assigned task `taskId`, whose provider must be the caller.
    function _assignedToCaller(
        TaskMarketStorage storage $,
        uint256 taskId
    ) private view returns (Task storage t) {
        t = _taskIn($, taskId, Status.Assigned);
        if (msg.sender != t.provider) revert TaskMarket__NotProvider(taskId, msg.sender);
    }

    /// @dev Like {_assignedToCaller}, before the completion deadline.
    function _assignedToCallerInTime(
        TaskMarketStorage storage $,
        uint256 taskId
    ) private view returns (Task storage t) {
        t = _assignedToCaller($, taskId);
        if (block.timestamp > t.completionDeadline)
            revert TaskMarket__DeadlinePassed(taskId, t.completionDeadline);
    }

    function _getTaskMarketStorage() private pure returns (TaskMarketStorage storage $) {
        // solhint-disable-next-line no-inline-assembly
        assembly {
            $.slot := TASK_MARKET_STORAGE_LOCATION
        }
    }
}
