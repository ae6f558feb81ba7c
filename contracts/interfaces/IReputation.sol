// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/**
 * @title IReputation
 * @notice Per-provider reputation in basis points, `0 ≤ r ≤ 10_000`, written only by the task market.
 * @dev Formula (all integer, rounding down):
 * - a provider never seen has `r = initialScore` (default 5_000);
 * - success: `r ← r + (10_000 − r) · α / 10_000` — moves a fraction α of the remaining distance to 10_000;
 * - fault:   `r ← r · (10_000 − β) / 10_000` — a multiplicative cut by β.
 * Both maps send [0, 10_000] into itself, so the score is bounded by construction. With α = 500 (5 %) and
 * β = 2_000 (20 %) a new provider needs ~14 successes to reach 7_500, and one fault undoes ~4-5 of them.
 * Only governance (RESETTER_ROLE, the timelock) may reset a score.
 */
interface IReputation {
    /// @notice Emitted when a provider's score changes.
    /// @param provider The provider.
    /// @param oldScore The score before.
    /// @param newScore The score after.
    /// @param success True for a success, false for a fault.
    event ReputationUpdated(address indexed provider, uint256 oldScore, uint256 newScore, bool success);

    /// @notice Emitted when governance resets a provider's score.
    /// @param provider The provider.
    /// @param newScore The score set.
    event ReputationReset(address indexed provider, uint256 newScore);

    /// @notice Emitted when α, β or the initial score change.
    /// @param successGainBps α.
    /// @param faultCutBps β.
    /// @param initialScore Score of providers never seen.
    event ParametersSet(uint256 successGainBps, uint256 faultCutBps, uint256 initialScore);

    /// @notice Thrown when a basis-point parameter or score exceeds 10_000, or α/β is zero.
    /// @param value The value given.
    error Reputation__InvalidBps(uint256 value);

    /// @notice Thrown when a required address is the zero address.
    error Reputation__ZeroAddress();

    /// @notice Records a success for `provider`. Requires WRITER_ROLE (the task market).
    /// @param provider The provider whose task succeeded.
    function recordSuccess(address provider) external;

    /// @notice Records a fault for `provider`. Requires WRITER_ROLE (the task market).
    /// @param provider The provider at fault.
    function recordFault(address provider) external;

    /// @notice Sets `provider`'s score to `score`. Requires RESETTER_ROLE (governance).
    /// @param provider The provider; must not be the zero address.
    /// @param score The new score in basis points, ≤ 10_000.
    function reset(address provider, uint16 score) external;

    /// @notice Sets α, β and the initial score. Requires PARAMETER_ROLE (governance).
    /// @param successGainBps α, in (0, 10_000].
    /// @param faultCutBps β, in (0, 10_000].
    /// @param initialScore Score of providers never seen, ≤ 10_000.
    function setParameters(uint16 successGainBps, uint16 faultCutBps, uint16 initialScore) external;

    /// @notice The current score of `provider` in basis points.
    /// @param provider The provider.
    /// @return The score (the initial score if `provider` was never written).
    function scoreOf(address provider) external view returns (uint256);

    /// @notice α, β and the initial score.
    /// @return successGainBps α.
    /// @return faultCutBps β.
    /// @return initialScore Score of providers never seen.
    function parameters()
        external
        view
        returns (uint16 successGainBps, uint16 faultCutBps, uint16 initialScore);
}
