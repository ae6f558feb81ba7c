// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/**
 * @title IStaking
 * @notice Provider registry and CLAI staking: registration, stake (permit supported), unbonding with a
 * delay longer than any task can live, per-task stake locks, slashing by the market only, jailing after
 * repeated faults, and pro-rata staking rewards.
 * @dev Rewards use a reward-per-share accumulator `acc` (scaled by 1e18). A provider's claimable rewards are
 * `accrued + (stake · acc − debt) / 1e18`, where `debt = stake · acc` at its last stake change, so every
 * call is O(1) and rewards are exact under stake changes (a stake change settles first). Rounding is always
 * down, so the sum of claims never exceeds the rewards received; rewards arriving while nothing is staked
 * are queued and distributed with the next arrival. Shares are the bonded stake (locked stake included,
 * unbonding stake excluded). Books: `token.balanceOf(this) == totalStaked + totalUnbonding + rewardReserve`.
 */
interface IStaking {
    /// @notice Why {lock} refused to lock stake (`Ok` when it locked).
    enum LockStatus {
        Ok,
        NotRegistered,
        Jailed,
        ClassNotSupported,
        BelowMinStake,
        InsufficientFreeStake
    }

    /// @notice A provider's public record.
    /// @param stake Bonded stake (locked part included).
    /// @param locked Part of `stake` locked by active tasks.
    /// @param unbonding Stake waiting for the unbonding delay.
    /// @param unbondReadyAt When `unbonding` can be withdrawn.
    /// @param registered Whether the provider registered.
    /// @param faults Faults since the last jailing.
    /// @param jailedUntil Until when the provider cannot take tasks (0 if never jailed).
    /// @param resourceClasses Bitmap of supported resource classes (bit i = class i, i < 64).
    struct ProviderInfo {
        uint128 stake;
        uint128 locked;
        uint128 unbonding;
        uint64 unbondReadyAt;
        bool registered;
        uint32 faults;
        uint64 jailedUntil;
        uint64 resourceClasses;
    }

    /// @notice Governance parameters.
    /// @param minStake Minimum bonded stake to take tasks.
    /// @param unbondingDelay Seconds between unbond and withdraw; must exceed the longest task lifetime.
    /// @param slashRequesterBps Share of slashed stake sent to the wronged requester; the rest goes to stakers.
    /// @param jailThreshold Faults after which a provider is jailed (0 disables jailing).
    /// @param jailDuration Seconds a jailed provider cannot take tasks.
    struct Parameters {
        uint96 minStake;
        uint32 unbondingDelay;
        uint16 slashRequesterBps;
        uint16 jailThreshold;
        uint32 jailDuration;
    }

    /// @notice Emitted when a provider registers.
    /// @param provider The provider.
    /// @param metadataURI Off-chain description (hardware, region, endpoints).
    /// @param encryptionPublicKey Key requesters encrypt task material to.
    /// @param resourceClasses Bitmap of supported resource classes.
    event ProviderRegistered(
        address indexed provider,
        string metadataURI,
        bytes encryptionPublicKey,
        uint64 resourceClasses
    );

    /// @notice Emitted when a provider updates its record.
    /// @param provider The provider.
    /// @param metadataURI The new off-chain description.
    /// @param encryptionPublicKey The new encryption public key.
    /// @param resourceClasses The new bitmap of supported resource classes.
    event ProviderUpdated(
        address indexed provider,
        string metadataURI,
        bytes encryptionPublicKey,
        uint64 resourceClasses
    );

    /// @notice Emitted when stake is bonded.
    /// @param provider The provider.
    /// @param amount The amount bonded.
    event Staked(address indexed provider, uint256 amount);

    /// @notice Emitted when stake starts unbonding.
    /// @param provider The provider.
    /// @param amount The amount.
    /// @param readyAt When all of the provider's unbonding stake becomes withdrawable.
    event Unbonded(address indexed provider, uint256 amount, uint256 readyAt);

    /// @notice Emitted when unbonded stake is withdrawn.
    /// @param provider The provider.
    /// @param amount The amount withdrawn.
    event Withdrawn(address indexed provider, uint256 amount);

    /// @notice Emitted when the market slashes a provider.
    /// @param provider The provider.
    /// @param amount The stake slashed.
    /// @param requester The wronged requester.
    /// @param toRequester The part sent to the requester.
    /// @param toRewards The part distributed to stakers.
    event Slashed(
        address indexed provider,
        uint256 amount,
        address indexed requester,
        uint256 toRequester,
        uint256 toRewards
    );

    /// @notice Emitted when a provider is jailed.
    /// @param provider The provider.
    /// @param until Until when the provider cannot take tasks.
    event Jailed(address indexed provider, uint256 until);

    /// @notice Emitted when governance lifts a jail early.
    /// @param provider The provider.
    event Unjailed(address indexed provider);

    /// @notice Emitted when rewards enter the pool.
    /// @param amount The amount received.
    /// @param accRewardPerShare The accumulator after distribution (1e18-scaled).
    event RewardsDistributed(uint256 amount, uint256 accRewardPerShare);

    /// @notice Emitted when a provider claims rewards.
    /// @param provider The provider.
    /// @param amount The amount claimed.
    event RewardsClaimed(address indexed provider, uint256 amount);

    /// @notice Emitted when governance sets the parameters.
    /// @param params The new parameters.
    event ParametersSet(Parameters params);

    /// @notice Thrown when an amount argument is zero.
    error Staking__ZeroAmount();

    /// @notice Thrown when a required address is the zero address.
    error Staking__ZeroAddress();

    /// @notice Thrown when an unregistered account calls a provider-only function.
    /// @param account The caller.
    error Staking__NotRegistered(address account);

    /// @notice Thrown when a registered provider registers again.
    /// @param provider The provider.
    error Staking__AlreadyRegistered(address provider);

    /// @notice Thrown when a registration supports no resource class.
    error Staking__NoResourceClass();

    /// @notice Thrown when unbonding more than the unlocked bonded stake.
    /// @param requested The amount asked for.
    /// @param available The unlocked bonded stake.
    error Staking__InsufficientFreeStake(uint256 requested, uint256 available);

    /// @notice Thrown when withdrawing before the unbonding delay ends.
    /// @param readyAt When the withdrawal becomes possible.
    error Staking__UnbondingNotReady(uint256 readyAt);

    /// @notice Thrown when withdrawing with nothing unbonding, or claiming with no rewards.
    error Staking__NothingToWithdraw();

    /// @notice Thrown when the market unlocks or slashes more than a provider has locked.
    /// @param provider The provider.
    /// @param amount The amount asked for.
    /// @param locked The provider's locked stake.
    error Staking__ExceedsLocked(address provider, uint256 amount, uint256 locked);

    /// @notice Thrown when a lock would outlive the unbonding delay (the market's task lifetime is too long).
    /// @param until The lock's latest release time.
    /// @param maxUntil `block.timestamp + unbondingDelay`.
    error Staking__LockOutlivesUnbonding(uint256 until, uint256 maxUntil);

    /// @notice Thrown when a parameter is out of range.
    /// @param index The parameter's position in {Parameters} (0-based).
    error Staking__InvalidParameter(uint256 index);

    /// @notice Registers the caller as a provider.
    /// @param metadataURI Off-chain description (hardware, region, endpoints).
    /// @param encryptionPublicKey Key requesters encrypt task material to.
    /// @param resourceClasses Bitmap of supported resource classes; non-zero.
    function register(
        string calldata metadataURI,
        bytes calldata encryptionPublicKey,
        uint64 resourceClasses
    ) external;

    /// @notice Updates the caller's provider record. The caller must be registered.
    /// @param metadataURI The new off-chain description.
    /// @param encryptionPublicKey The new encryption public key.
    /// @param resourceClasses The new bitmap of supported resource classes; non-zero.
    function updateProvider(
        string calldata metadataURI,
        bytes calldata encryptionPublicKey,
        uint64 resourceClasses
    ) external;

    /// @notice Bonds `amount` CLAI from the caller (a registered provider); needs an allowance.
    /// @param amount The amount to bond (wei); non-zero.
    function stake(uint256 amount) external;

    /// @notice Like {stake}, with an EIP-2612 permit for the allowance (a failed permit is ignored when the
    /// allowance already suffices, so a front-run permit cannot grief the call).
    /// @param amount The amount to bond (wei); non-zero. Also the permit's value.
    /// @param deadline The permit's deadline.
    /// @param v The permit signature's `v`.
    /// @param r The permit signature's `r`.
    /// @param s The permit signature's `s`.
    function stakeWithPermit(uint256 amount, uint256 deadline, uint8 v, bytes32 r, bytes32 s) external;

    /// @notice Starts unbonding `amount` of unlocked stake; restarts the delay for all unbonding stake.
    /// @param amount The amount to unbond (wei); non-zero and at most the caller's free stake.
    function unbond(uint256 amount) external;

    /// @notice Withdraws all unbonding stake once the delay has passed.
    function withdraw() external;

    /// @notice Sends the caller its accrued rewards; reverts when there are none.
    /// @return amount The amount sent.
    function claimRewards() external returns (uint256 amount);

    /// @notice Locks `amount` of `provider`'s free stake for a task of `resourceClass` that ends by `until`.
    /// Requires MARKET_ROLE. Returns a status instead of reverting when the provider is ineligible, so the
    /// market can skip a pair in a batch; reverts only on a misconfigured lifetime.
    /// @param provider The provider whose stake to lock.
    /// @param resourceClass The task's resource class (< 64); the provider must support it.
    /// @param amount The stake to lock (wei).
    /// @param until The lock's latest release time; at most `block.timestamp + unbondingDelay`.
    /// @return `LockStatus.Ok` when locked, otherwise why the provider is ineligible (nothing locked).
    function lock(
        address provider,
        uint8 resourceClass,
        uint256 amount,
        uint256 until
    ) external returns (LockStatus);

    /// @notice Releases `amount` of `provider`'s locked stake. Requires MARKET_ROLE.
    /// @param provider The provider.
    /// @param amount The stake to release (wei); at most the provider's locked stake.
    function unlock(address provider, uint256 amount) external;

    /// @notice Unlocks and slashes `amount` of `provider`'s locked stake: `slashRequesterBps` of it goes to
    /// `requester`, the rest to stakers; counts a fault and jails at the threshold. Requires MARKET_ROLE.
    /// @param provider The provider at fault.
    /// @param amount The stake to slash (wei); at most the provider's locked stake.
    /// @param requester The wronged requester.
    function slash(address provider, uint256 amount, address requester) external;

    /// @notice Distributes `amount` CLAI already transferred to this contract to stakers. Requires MARKET_ROLE.
    /// @param amount The reward (wei); non-zero.
    function notifyReward(uint256 amount) external;

    /// @notice Lifts `provider`'s jail. Requires PARAMETER_ROLE (governance).
    /// @param provider The provider; its jail and fault count are cleared.
    function unjail(address provider) external;

    /// @notice Sets the parameters. Requires PARAMETER_ROLE (governance).
    /// @param params The new parameters (see {Parameters}).
    function setParameters(Parameters calldata params) external;

    /// @notice The provider's record.
    /// @param provider The provider.
    /// @return The record (all zero when never registered).
    function providerInfo(address provider) external view returns (ProviderInfo memory);

    /// @notice The provider's metadata URI and encryption public key.
    /// @param provider The provider.
    /// @return The metadata URI.
    /// @return The encryption public key.
    function providerMetadata(address provider) external view returns (string memory, bytes memory);

    /// @notice Rewards `provider` could claim now.
    /// @param provider The provider.
    /// @return The claimable amount (wei).
    function pendingRewards(address provider) external view returns (uint256);

    /// @notice Bonded stake minus locked stake.
    /// @param provider The provider.
    /// @return The provider's free stake (wei).
    function freeStake(address provider) external view returns (uint256);

    /// @notice Totals: bonded stake, unbonding stake, reward reserve (rewards received minus claimed),
    /// queued (undistributed) rewards, and the 1e18-scaled reward-per-share accumulator.
    /// @return totalStaked Total bonded stake.
    /// @return totalUnbonding Total unbonding stake.
    /// @return rewardReserve Rewards received minus rewards claimed.
    /// @return queuedRewards Rewards not yet distributed (received while nothing was staked, or rounding dust).
    /// @return acc The reward-per-share accumulator (1e18-scaled).
    function totals()
        external
        view
        returns (
            uint256 totalStaked,
            uint256 totalUnbonding,
            uint256 rewardReserve,
            uint256 queuedRewards,
            uint256 acc
        );

    /// @notice The governance parameters.
    /// @return The current parameters.
    function parameters() external view returns (Parameters memory);

    /// @notice The staked token (CLAI).
    /// @return The token address.
    function token() external view returns (address);

    /// @notice Seconds between unbond and withdraw.
    /// @return The unbonding delay (seconds).
    function unbondingDelay() external view returns (uint256);
}
