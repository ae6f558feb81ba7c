// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AccessControlUpgradeable} from "@openzeppelin/contracts-upgradeable/access/AccessControlUpgradeable.sol";
import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {ReentrancyGuardTransientUpgradeable} from "@openzeppelin/contracts-upgradeable/utils/ReentrancyGuardTransientUpgradeable.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IStaking} from "../interfaces/IStaking.sol";

/**
 * @title Staking
 * @notice Provider registry, stake, unbonding, per-task locks, slashing and staking rewards; see {IStaking}.
 * @dev Roles: DEFAULT_ADMIN_ROLE, UPGRADER_ROLE, PARAMETER_ROLE (timelock); MARKET_ROLE (the TaskMarket
 * proxy only) locks, unlocks, slashes and notifies rewards. Slashing is possible only on locked stake, and
 * stake is locked only by the market for a task, so only faults the market can prove on-chain are slashable.
 * Unbonding stake is not slashable: it was unlocked when it started unbonding, and nothing locks it again.
 */
contract Staking is
    Initializable,
    AccessControlUpgradeable,
    ReentrancyGuardTransientUpgradeable,
    UUPSUpgradeable,
    IStaking
{
    using SafeERC20 for IERC20;
    using SafeCast for uint256;

    /// @dev Packed per-provider state: slot 0 stake/locked (hot on every lock), slot 1 unbonding, slot 2 flags.
    struct Provider {
        uint128 stake;
        uint128 locked;
        uint128 unbonding;
        uint64 unbondReadyAt;
        bool registered;
        uint32 faults;
        uint64 jailedUntil;
        uint64 resourceClasses;
        uint256 rewardDebt; // stake · acc at the last stake change (not divided by ACC_PRECISION)
        uint256 rewardsAccrued;
    }

    /// @custom:storage-location erc7201:cloudai.storage.Staking
    struct StakingStorage {
        IERC20 token;
        Parameters params;
        uint128 totalStaked;
        uint128 totalUnbonding;
        uint128 rewardReserve;
        uint128 queuedRewards;
        uint256 accRewardPerShare;
        mapping(address provider => Provider) providers;
        mapping(address provider => string) metadataURIs;
        mapping(address provider => bytes) encryptionKeys;
    }

    /// @notice Role allowed to lock, unlock and slash stake and to notify rewards (the task market).
    bytes32 public constant MARKET_ROLE = keccak256("MARKET_ROLE");
    /// @notice Role allowed to set parameters and lift jails (governance).
    bytes32 public constant PARAMETER_ROLE = keccak256("PARAMETER_ROLE");
    /// @notice Role allowed to upgrade the implementation.
    bytes32 public constant UPGRADER_ROLE = keccak256("UPGRADER_ROLE");
    /// @notice Fixed-point scale of the reward-per-share accumulator.
    uint256 public constant ACC_PRECISION = 1e18;
    /// @notice Basis-point denominator.
    uint256 private constant BPS = 10_000;

    // keccak256(abi.encode(uint256(keccak256("cloudai.storage.Staking")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant STAKING_STORAGE_LOCATION =
        0xd651bab1f8dcaf0a799b2b1c3ca384b5acabf21f30f344abf2d19785c98eaf00;

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor() {
        _disableInitializers();
    }

    /**
     * @notice Initializes the proxy.
     * @param token_ The CLAI token.
     * @param admin Receives DEFAULT_ADMIN_ROLE, UPGRADER_ROLE and PARAMETER_ROLE (the timelock).
     * @param params Initial parameters (see {IStaking-Parameters}).
     */
    function initialize(IERC20 token_, address admin, Parameters calldata params) external initializer {
        if (address(token_) == address(0) || admin == address(0)) revert Staking__ZeroAddress();
        __AccessControl_init();
        __ReentrancyGuardTransient_init();
        __UUPSUpgradeable_init();
        _getStakingStorage().token = token_;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(UPGRADER_ROLE, admin);
        _grantRole(PARAMETER_ROLE, admin);
        _setParameters(params);
    }

    // ───────────────────────────── providers ─────────────────────────────

    /// @inheritdoc IStaking
    function register(
        string calldata metadataURI,
        bytes calldata encryptionPublicKey,
        uint64 resourceClasses
    ) external {
        StakingStorage storage $ = _getStakingStorage();
        Provider storage p = $.providers[msg.sender];
        if (p.registered) revert Staking__AlreadyRegistered(msg.sender);
        if (resourceClasses == 0) revert Staking__NoResourceClass();
        p.registered = true;
        p.resourceClasses = resourceClasses;
        $.metadataURIs[msg.sender] = metadataURI;
        $.encryptionKeys[msg.sender] = encryptionPublicKey;
        emit ProviderRegistered(msg.sender, metadataURI, encryptionPublicKey, resourceClasses);
    }

    /// @inheritdoc IStaking
    function updateProvider(
        string calldata metadataURI,
        bytes calldata encryptionPublicKey,
        uint64 resourceClasses
    ) external {
        StakingStorage storage $ = _getStakingStorage();
        Provider storage p = _registered($, msg.sender);
        if (resourceClasses == 0) revert Staking__NoResourceClass();
        p.resourceClasses = resourceClasses;
        $.metadataURIs[msg.sender] = metadataURI;
        $.encryptionKeys[msg.sender] = encryptionPublicKey;
        emit ProviderUpdated(msg.sender, metadataURI, encryptionPublicKey, resourceClasses);
    }

    /// @inheritdoc IStaking
    function stake(uint256 amount) external nonReentrant {
        _stake(amount);
    }

    /// @inheritdoc IStaking
    function stakeWithPermit(
        uint256 amount,
        uint256 deadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external nonReentrant {
        // A front-run permit makes this call fail; the allowance it set is still there, so go on.
        try
            IERC20Permit(address(_getStakingStorage().token)).permit(
                msg.sender,
                address(this),
                amount,
                deadline,
                v,
                r,
                s
            )
        {} catch {}
        _stake(amount);
    }

    /// @inheritdoc IStaking
    function unbond(uint256 amount) external nonReentrant {
        if (amount == 0) revert Staking__ZeroAmount();
        StakingStorage storage $ = _getStakingStorage();
        Provider storage p = _registered($, msg.sender);
        uint256 free = uint256(p.stake) - p.locked;
        if (amount > free) revert Staking__InsufficientFreeStake(amount, free);
        _settle($, p);
        p.stake -= uint128(amount);
        p.rewardDebt = uint256(p.stake) * $.accRewardPerShare;
        $.totalStaked -= uint128(amount);
        p.unbonding += uint128(amount);
        $.totalUnbonding += uint128(amount);
        uint256 readyAt = block.timestamp + $.params.unbondingDelay;
        p.unbondReadyAt = uint64(readyAt);
        emit Unbonded(msg.sender, amount, readyAt);
    }

    /// @inheritdoc IStaking
    function withdraw() external nonReentrant {
        StakingStorage storage $ = _getStakingStorage();
        Provider storage p = $.providers[msg.sender];
        uint256 amount = p.unbonding;
        if (amount == 0) revert Staking__NothingToWithdraw();
        if (block.timestamp < p.unbondReadyAt) revert Staking__UnbondingNotReady(p.unbondReadyAt);
        p.unbonding = 0;
        $.totalUnbonding -= uint128(amount);
        emit Withdrawn(msg.sender, amount);
        $.token.safeTransfer(msg.sender, amount);
    }

    /// @inheritdoc IStaking
    function claimRewards() external nonReentrant returns (uint256 amount) {
        StakingStorage storage $ = _getStakingStorage();
        Provider storage p = $.providers[msg.sender];
        _settle($, p);
        p.rewardDebt = uint256(p.stake) * $.accRewardPerShare;
        amount = p.rewardsAccrued;
        if (amount == 0) revert Staking__NothingToWithdraw();
        p.rewardsAccrued = 0;
        $.rewardReserve -= uint128(amount);
        emit RewardsClaimed(msg.sender, amount);
        $.token.safeTransfer(msg.sender, amount);
    }

    // ───────────────────────────── market ─────────────────────────────

    /// @inheritdoc IStaking
    function lock(
        address provider,
        uint8 resourceClass,
        uint256 amount,
        uint256 until
    ) external onlyRole(MARKET_ROLE) returns (LockStatus) {
        StakingStorage storage $ = _getStakingStorage();
        Parameters storage params = $.params;
        uint256 maxUntil = block.timestamp + params.unbondingDelay;
        if (until > maxUntil) revert Staking__LockOutlivesUnbonding(until, maxUntil);
        Provider storage p = $.providers[provider];
        if (!p.registered) return LockStatus.NotRegistered;
        if (p.jailedUntil > block.timestamp) return LockStatus.Jailed;
        if (resourceClass >= 64 || (p.resourceClasses >> resourceClass) & 1 == 0)
            return LockStatus.ClassNotSupported;
        uint256 staked = p.stake;
        if (staked < params.minStake) return LockStatus.BelowMinStake;
        uint256 locked = p.locked;
        if (staked - locked < amount) return LockStatus.InsufficientFreeStake;
        p.locked = uint128(locked + amount);
        return LockStatus.Ok;
    }

    /// @inheritdoc IStaking
    function unlock(address provider, uint256 amount) external onlyRole(MARKET_ROLE) {
        Provider storage p = _getStakingStorage().providers[provider];
        uint256 locked = p.locked;
        if (amount > locked) revert Staking__ExceedsLocked(provider, amount, locked);
        p.locked = uint128(locked - amount);
    }

    /// @inheritdoc IStaking
    function slash(
        address provider,
        uint256 amount,
        address requester
    ) external onlyRole(MARKET_ROLE) nonReentrant {
        StakingStorage storage $ = _getStakingStorage();
        Provider storage p = $.providers[provider];
        uint256 locked = p.locked;
        if (amount > locked) revert Staking__ExceedsLocked(provider, amount, locked);
        _settle($, p);
        p.locked = uint128(locked - amount);
        p.stake -= uint128(amount);
        $.totalStaked -= uint128(amount);
        p.rewardDebt = uint256(p.stake) * $.accRewardPerShare;

        Parameters memory params = $.params;
        uint256 toRequester = (amount * params.slashRequesterBps) / BPS;
        uint256 toRewards = amount - toRequester;
        uint32 faults = p.faults + 1;
        if (params.jailThreshold != 0 && faults >= params.jailThreshold) {
            faults = 0;
            uint256 until = block.timestamp + params.jailDuration;
            p.jailedUntil = uint64(until);
            emit Jailed(provider, until);
        }
        p.faults = faults;
        emit Slashed(provider, amount, requester, toRequester, toRewards);
        if (toRewards != 0) _distribute($, toRewards);
        if (toRequester != 0) $.token.safeTransfer(requester, toRequester);
    }

    /// @inheritdoc IStaking
    function notifyReward(uint256 amount) external onlyRole(MARKET_ROLE) {
        if (amount == 0) revert Staking__ZeroAmount();
        _distribute(_getStakingStorage(), amount);
    }

    // ───────────────────────────── governance ─────────────────────────────

    /// @inheritdoc IStaking
    function unjail(address provider) external onlyRole(PARAMETER_ROLE) {
        Provider storage p = _getStakingStorage().providers[provider];
        p.jailedUntil = 0;
        p.faults = 0;
        emit Unjailed(provider);
    }

    /// @inheritdoc IStaking
    function setParameters(Parameters calldata params) external onlyRole(PARAMETER_ROLE) {
        _setParameters(params);
    }

    // ───────────────────────────── views ─────────────────────────────

    /// @inheritdoc IStaking
    function providerInfo(address provider) external view returns (ProviderInfo memory) {
        Provider storage p = _getStakingStorage().providers[provider];
        return
            ProviderInfo({
                stake: p.stake,
                locked: p.locked,
                unbonding: p.unbonding,
                unbondReadyAt: p.unbondReadyAt,
                registered: p.registered,
                faults: p.faults,
                jailedUntil: p.jailedUntil,
                resourceClasses: p.resourceClasses
            });
    }

    /// @inheritdoc IStaking
    function providerMetadata(address provider) external view returns (string memory, bytes memory) {
        StakingStorage storage $ = _getStakingStorage();
        return ($.metadataURIs[provider], $.encryptionKeys[provider]);
    }

    /// @inheritdoc IStaking
    function pendingRewards(address provider) external view returns (uint256) {
        StakingStorage storage $ = _getStakingStorage();
        Provider storage p = $.providers[provider];
        return p.rewardsAccrued + (uint256(p.stake) * $.accRewardPerShare - p.rewardDebt) / ACC_PRECISION;
    }

    /// @inheritdoc IStaking
    function freeStake(address provider) external view returns (uint256) {
        Provider storage p = _getStakingStorage().providers[provider];
        return uint256(p.stake) - p.locked;
    }

    /// @inheritdoc IStaking
    function totals()
        external
        view
        returns (
            uint256 totalStaked,
            uint256 totalUnbonding,
            uint256 rewardReserve,
            uint256 queuedRewards,
            uint256 acc
        )
    {
        StakingStorage storage $ = _getStakingStorage();
        return ($.totalStaked, $.totalUnbonding, $.rewardReserve, $.queuedRewards, $.accRewardPerShare);
    }

    /// @inheritdoc IStaking
    function parameters() external view returns (Parameters memory) {
        return _getStakingStorage().params;
    }

    /// @inheritdoc IStaking
    function token() external view returns (address) {
        return address(_getStakingStorage().token);
    }

    /// @inheritdoc IStaking
    function unbondingDelay() external view returns (uint256) {
        return _getStakingStorage().params.unbondingDelay;
    }

    // ───────────────────────────── internal ─────────────────────────────

    /// @dev Only UPGRADER_ROLE may upgrade.
    function _authorizeUpgrade(address) internal override onlyRole(UPGRADER_ROLE) {}

    function _stake(uint256 amount) private {
        if (amount == 0) revert Staking__ZeroAmount();
        StakingStorage storage $ = _getStakingStorage();
        Provider storage p = _registered($, msg.sender);
        _settle($, p);
        uint128 amount128 = amount.toUint128();
        p.stake += amount128;
        $.totalStaked += amount128;
        p.rewardDebt = uint256(p.stake) * $.accRewardPerShare;
        emit Staked(msg.sender, amount);
        $.token.safeTransferFrom(msg.sender, address(this), amount);
    }

    /// @dev Moves rewards earned at the current stake into `rewardsAccrued`; callers then reset the debt.
    function _settle(StakingStorage storage $, Provider storage p) private {
        uint256 owed = (uint256(p.stake) * $.accRewardPerShare - p.rewardDebt) / ACC_PRECISION;
        if (owed != 0) p.rewardsAccrued += owed;
    }

    /// @dev Adds `amount` (already held) to the reserve and spreads it, plus anything queued, over the stake.
    function _distribute(StakingStorage storage $, uint256 amount) private {
        $.rewardReserve += amount.toUint128();
        uint256 pool = amount + $.queuedRewards;
        uint256 shares = $.totalStaked;
        uint256 acc = $.accRewardPerShare;
        if (shares == 0) {
            $.queuedRewards = uint128(pool);
        } else {
            uint256 delta = (pool * ACC_PRECISION) / shares;
            acc += delta;
            $.accRewardPerShare = acc;
            $.queuedRewards = uint128(pool - (delta * shares) / ACC_PRECISION);
        }
        emit RewardsDistributed(amount, acc);
    }

    function _setParameters(Parameters calldata params) private {
        if (params.unbondingDelay == 0) revert Staking__InvalidParameter(1);
        if (params.slashRequesterBps > BPS) revert Staking__InvalidParameter(2);
        _getStakingStorage().params = params;
        emit ParametersSet(params);
    }

    function _registered(
        StakingStorage storage $,
        address account
    ) private view returns (Provider storage p) {
        p = $.providers[account];
        if (!p.registered) revert Staking__NotRegistered(account);
    }

    function _getStakingStorage() private pure returns (StakingStorage storage $) {
        // solhint-disable-next-line no-inline-assembly
        assembly {
            $.slot := STAKING_STORAGE_LOCATION
        }
    }
}
