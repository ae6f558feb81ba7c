// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AccessControlUpgradeable} from "@openzeppelin/contracts-upgradeable/access/AccessControlUpgradeable.sol";
import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {IReputation} from "../interfaces/IReputation.sol";

/**
 * @title Reputation
 * @notice Bounded provider reputation; see {IReputation} for the formula.
 * @dev Roles: DEFAULT_ADMIN_ROLE, UPGRADER_ROLE, PARAMETER_ROLE, RESETTER_ROLE (timelock);
 * WRITER_ROLE (the TaskMarket proxy only). A score is stored as `score + 1` so that zero means
 * "never written" and reads as the initial score without an extra flag.
 */
contract Reputation is Initializable, AccessControlUpgradeable, UUPSUpgradeable, IReputation {
    /// @custom:storage-location erc7201:cloudai.storage.Reputation
    struct ReputationStorage {
        uint16 successGainBps;
        uint16 faultCutBps;
        uint16 initialScore;
        mapping(address provider => uint256 scorePlusOne) scores;
    }

    /// @notice Role allowed to record successes and faults (the task market).
    bytes32 public constant WRITER_ROLE = keccak256("WRITER_ROLE");
    /// @notice Role allowed to reset scores (governance).
    bytes32 public constant RESETTER_ROLE = keccak256("RESETTER_ROLE");
    /// @notice Role allowed to set α, β and the initial score (governance).
    bytes32 public constant PARAMETER_ROLE = keccak256("PARAMETER_ROLE");
    /// @notice Role allowed to upgrade the implementation.
    bytes32 public constant UPGRADER_ROLE = keccak256("UPGRADER_ROLE");
    /// @notice The maximum score (100 %).
    uint256 public constant MAX_SCORE = 10_000;

    // keccak256(abi.encode(uint256(keccak256("cloudai.storage.Reputation")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant REPUTATION_STORAGE_LOCATION =
        0x2601c0e71f227547cc385cd3ec36e6800a04737f706e22ce7274cdd9685c5b00;

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor() {
        _disableInitializers();
    }

    /**
     * @notice Initializes the proxy.
     * @param admin Receives DEFAULT_ADMIN_ROLE, UPGRADER_ROLE, PARAMETER_ROLE and RESETTER_ROLE (the timelock).
     * @param successGainBps α, in (0, 10_000].
     * @param faultCutBps β, in (0, 10_000].
     * @param initialScore Score of providers never seen, ≤ 10_000.
     */
    function initialize(
        address admin,
        uint16 successGainBps,
        uint16 faultCutBps,
        uint16 initialScore
    ) external initializer {
        if (admin == address(0)) revert Reputation__ZeroAddress();
        __AccessControl_init();
        __UUPSUpgradeable_init();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(UPGRADER_ROLE, admin);
        _grantRole(PARAMETER_ROLE, admin);
        _grantRole(RESETTER_ROLE, admin);
        _setParameters(successGainBps, faultCutBps, initialScore);
    }

    /// @inheritdoc IReputation
    function recordSuccess(address provider) external onlyRole(WRITER_ROLE) {
        ReputationStorage storage $ = _getReputationStorage();
        uint256 old = _score($, provider);
        uint256 next = old + ((MAX_SCORE - old) * $.successGainBps) / MAX_SCORE;
        $.scores[provider] = next + 1;
        emit ReputationUpdated(provider, old, next, true);
    }

    /// @inheritdoc IReputation
    function recordFault(address provider) external onlyRole(WRITER_ROLE) {
        ReputationStorage storage $ = _getReputationStorage();
        uint256 old = _score($, provider);
        uint256 next = (old * (MAX_SCORE - $.faultCutBps)) / MAX_SCORE;
        $.scores[provider] = next + 1;
        emit ReputationUpdated(provider, old, next, false);
    }

    /// @inheritdoc IReputation
    function reset(address provider, uint16 score) external onlyRole(RESETTER_ROLE) {
        if (provider == address(0)) revert Reputation__ZeroAddress();
        if (score > MAX_SCORE) revert Reputation__InvalidBps(score);
        _getReputationStorage().scores[provider] = uint256(score) + 1;
        emit ReputationReset(provider, score);
    }

    /// @inheritdoc IReputation
    function setParameters(
        uint16 successGainBps,
        uint16 faultCutBps,
        uint16 initialScore
    ) external onlyRole(PARAMETER_ROLE) {
        _setParameters(successGainBps, faultCutBps, initialScore);
    }

    /// @inheritdoc IReputation
    function scoreOf(address provider) external view returns (uint256) {
        return _score(_getReputationStorage(), provider);
    }

    /// @inheritdoc IReputation
    function parameters()
        external
        view
        returns (uint16 successGainBps, uint16 faultCutBps, uint16 initialScore)
    {
        ReputationStorage storage $ = _getReputationStorage();
        return ($.successGainBps, $.faultCutBps, $.initialScore);
    }

    /// @dev Only UPGRADER_ROLE may upgrade.
    function _authorizeUpgrade(address) internal override onlyRole(UPGRADER_ROLE) {}

    function _setParameters(uint16 successGainBps, uint16 faultCutBps, uint16 initialScore) private {
        if (successGainBps == 0 || successGainBps > MAX_SCORE) revert Reputation__InvalidBps(successGainBps);
        if (faultCutBps == 0 || faultCutBps > MAX_SCORE) revert Reputation__InvalidBps(faultCutBps);
        if (initialScore > MAX_SCORE) revert Reputation__InvalidBps(initialScore);
        ReputationStorage storage $ = _getReputationStorage();
        $.successGainBps = successGainBps;
        $.faultCutBps = faultCutBps;
        $.initialScore = initialScore;
        emit ParametersSet(successGainBps, faultCutBps, initialScore);
    }

    function _score(ReputationStorage storage $, address provider) private view returns (uint256) {
        uint256 stored = $.scores[provider];
        return stored == 0 ? $.initialScore : stored - 1;
    }

    function _getReputationStorage() private pure returns (ReputationStorage storage $) {
        // solhint-disable-next-line no-inline-assembly
        assembly {
            $.slot := REPUTATION_STORAGE_LOCATION
        }
    }
}
